"""Le contexte du gabarit : le seul contrat entre les données et le document.

``construire_contexte(convention)`` rend un dictionnaire de chaînes françaises
prêtes à l’emploi (dates, montants en chiffres et en lettres, titres accordés) et de
listes pour l’annexe ; le gabarit n’a aucun calcul à faire. Chaque clé est décrite
par sa docstring dans :mod:`convgen.schema_contexte` : ces descriptions forment le schéma JSON publié par
``convgen schema contexte`` et le tableau du README, et c’est le contrat des gabarits
personnalisés (voir :mod:`convgen.schema_contexte`). Une clé ne disparaît pas sans
changement de version majeure.

Les textes multi-lignes (``\\n``) deviennent des sauts de ligne dans Word ; le gabarit
échappe tout ce qu’il insère (``&``, ``<`` et ``>`` restent tels quels).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from convgen.erreurs import Constat, DonneesInvalides, Gravite
from convgen.francais import (
    avec_article,
    date_longue,
    de_region,
    euros,
    euros_en_lettres,
    guillemets,
    habilite,
    iban_affiche,
    le_prefet,
    le_president,
    nom_complet,
    nombre_en_lettres,
    ordinal,
    pourcentage,
    siret_affiche,
)
from convgen.modele import ETAT, ActionResolue, Convention, libelle_financeur
from convgen.regles import SEUIL_CONVENTION
from convgen.schema_contexte import (
    Contexte,
    CtxAction,
    CtxAnnexe,
    CtxConvention,
    CtxEtat,
    CtxFinancement,
    CtxMission,
    CtxMontants,
    CtxObjectif,
    CtxRegion,
    CtxSignataire,
    CtxSignature,
    CtxStructure,
    CtxVersement,
)

Version = Literal["bipartite", "tripartite"]
ETAT_DESIGNE = guillemets("l’État")
BLANC = "\u2026" * 12
"""Ce que le projet laisse à remplir à la main (date de signature)."""

_FORMES = {
    "association": "association régie par la loi du 1er\xa0juillet\xa01901",
    "gip": "groupement d’intérêt public",
    "carif": "centre d’animation, de ressources et d’information sur la formation (CARIF)",
    "oref": "observatoire régional de l’emploi et de la formation (OREF)",
    "mission_locale": "mission locale",
    "autre": "",
}


def _part(montant: Decimal, total: Decimal) -> str:
    return pourcentage(montant / total) if total else pourcentage(Decimal(0))


def _convention(c: Convention, tripartite: bool, projet: bool) -> CtxConvention:
    titre = f"Convention annuelle d’objectifs {c.annee}"
    return {
        "annee": str(c.annee),
        "numero": c.numero or "",
        "region": c.region,
        "de_region": de_region(c.region),
        "titre": titre,
        "objet": f"programme régional d’animation des missions locales {de_region(c.region)}",
        "periode": f"du {date_longue(dt.date(c.annee, 1, 1))} au {date_longue(dt.date(c.annee, 12, 31))}",
        "tripartite": tripartite,
        "projet": projet,
        "mention_projet": "PROJET" if projet else "",
        "entete": f"Convention n°\xa0{c.numero}" if c.numero else f"{titre} — {c.region}",
        "referentiel": c.ref.source.replace("n° ", "n°\xa0"),
    }


def _etat(c: Convention) -> CtxEtat:
    prefet = c.etat.prefet
    titre = f"{le_prefet(prefet.civilite)} de la région {c.region}"
    partie = (
        f"L’État, représenté par {nom_complet(prefet.civilite, prefet.prenom, prefet.nom)}, {titre.split(' ', 1)[1]}"
    )
    delegue = c.etat.delegataire
    if delegue is None:
        pour, qualite, nom = "Pour l’État,", titre, f"{prefet.prenom} {prefet.nom}"
    else:
        partie += (
            f", et par délégation par {nom_complet(delegue.civilite, delegue.prenom, delegue.nom)}, {delegue.fonction}"
        )
        pour = f"Pour {titre} et par délégation,"
        qualite, nom = avec_article(delegue.civilite, delegue.fonction), f"{delegue.prenom} {delegue.nom}"
    return {
        "partie": f"{partie}, ci-après dénommé {ETAT_DESIGNE},",
        "prefet": nom_complet(prefet.civilite, prefet.prenom, prefet.nom),
        "prefet_titre": titre,
        "signature_pour": pour,
        "signature_qualite": qualite,
        "signature_nom": nom,
    }


def _region(c: Convention) -> CtxRegion | None:
    if c.conseil_regional is None:
        return None
    president, deliberation = c.conseil_regional.president, c.conseil_regional.deliberation
    fonction = f"{le_president(president.civilite)} du conseil régional {de_region(c.region)}"
    designation = f"la Région {c.region}"
    texte_delib = ""
    partie = (
        f"La Région {c.region}, représentée par "
        f"{nom_complet(president.civilite, president.prenom, president.nom)}, {fonction.split(' ', 1)[1]}"
    )
    if deliberation is not None:
        texte_delib = (
            f"délibération n°\xa0{deliberation.numero} de la commission permanente du conseil régional "
            f"{de_region(c.region)} du {date_longue(deliberation.date)}"
        )
        partie += f", dûment {habilite(president.civilite)} par {texte_delib}"
    return {
        "partie": f"{partie}, ci-après dénommée {guillemets('la Région')},",
        "designation": designation,
        "president": nom_complet(president.civilite, president.prenom, president.nom),
        "president_titre": fonction,
        "deliberation": texte_delib,
        "signature_pour": f"Pour {designation},",
        "signature_qualite": f"{le_president(president.civilite)} du conseil régional",
        "signature_nom": f"{president.prenom} {president.nom}",
    }


def _structure(c: Convention) -> CtxStructure:
    s, rep = c.structure, c.structure.representant
    adresse = f"{s.adresse.voie}, {s.adresse.code_postal}\xa0{s.adresse.commune}"
    forme = _FORMES[s.statut]
    fonction = avec_article(rep.civilite, rep.fonction)
    partie = ", ".join(
        morceau
        for morceau in (
            forme,
            f"dont le siège est situé {adresse}",
            f"immatriculée sous le numéro SIRET {siret_affiche(s.siret)}",
            f"représentée par {nom_complet(rep.civilite, rep.prenom, rep.nom)}, {_sa(fonction)}",
            f"ci-après dénommée {guillemets('la structure')},",
        )
        if morceau
    )
    return {
        "nom": s.nom,
        "sigle": s.sigle or "",
        "designation": s.designation,
        "forme": forme,
        "adresse": adresse,
        "siret": siret_affiche(s.siret),
        "iban": iban_affiche(s.iban),
        "bic": s.bic.strip().upper(),
        "representant": nom_complet(rep.civilite, rep.prenom, rep.nom),
        "representant_fonction": fonction,
        "partie": partie,
        "signature_pour": "Pour la structure,",
        "signature_qualite": fonction,
        "signature_nom": f"{rep.prenom} {rep.nom}",
    }


def _sa(fonction_avec_article: str) -> str:
    """« la présidente » → « sa présidente » ; « l’administratrice » → « son administratrice »."""
    article, _, reste = fonction_avec_article.partition(" ")
    if fonction_avec_article.startswith("l’"):
        return f"son {fonction_avec_article[2:]}"
    return f"{'sa' if article == 'la' else 'son'} {reste}"


def _montants(c: Convention) -> CtxMontants:
    return {
        "total": euros(c.total_programme),
        "total_lettres": euros_en_lettres(c.total_programme),
        "etat": euros(c.total_etat),
        "etat_lettres": euros_en_lettres(c.total_etat),
        "region": euros(c.total_region),
        "region_lettres": euros_en_lettres(c.total_region),
        "autres": euros(c.total_autres),
        "budget_missions_locales": euros(c.budget_missions_locales),
        "ratio": pourcentage(c.ratio_budget),
        "seuil": euros(SEUIL_CONVENTION),
    }


def _signature(c: Convention, nombre_parties: int, projet: bool) -> CtxSignature:
    date = BLANC if projet or c.signature.date is None else date_longue(c.signature.date)
    # Un original par partie ; le nombre saisi ne vaut que pour la version que décrivent les données.
    naturel = nombre_parties == (3 if c.tripartite else 2)
    nombre = nombre_en_lettres((c.signature.exemplaires if naturel else None) or nombre_parties)
    return {
        "lieu": c.signature.lieu,
        "date": date,
        "exemplaires": nombre,
        "mention": f"Fait à {c.signature.lieu}, le {date}, en {_exemplaires(nombre)}.",
    }


def _exemplaires(nombre: str) -> str:
    """« trois exemplaires originaux » ; « un exemplaire original »."""
    return "un exemplaire original" if nombre == "un" else f"{nombre} exemplaires originaux"


def _financements(action: ActionResolue) -> list[CtxFinancement]:
    return [
        {
            "financeur": f.libelle,
            "montant": euros(f.montant),
            "part": _part(f.montant, action.cout),
        }
        for f in action.financements
    ]


def _action(action: ActionResolue) -> CtxAction:
    return {
        "numero": str(action.numero),
        "locale": action.locale,
        "intitule": action.intitule,
        "pourquoi": list(action.pourquoi),
        "comment": list(action.comment),
        "methode": action.methode,
        "echeancier": action.echeancier,
        "indicateurs": list(action.indicateurs),
        "cout": euros(action.cout),
        "financements": _financements(action),
        "etat": euros(action.montant(ETAT)),
    }


def _somme(actions: list[ActionResolue], financeur: str | None = None) -> str:
    total = sum((a.cout if financeur is None else a.montant(financeur) for a in actions), Decimal("0.00"))
    return euros(total)


def _annexe(c: Convention) -> CtxAnnexe:
    missions: list[CtxMission] = []
    for mission in c.ref.missions:
        objectifs: list[CtxObjectif] = []
        actions_mission = [a for a in c.actions_resolues if a.mission == mission.numero]
        for objectif in (o for o in c.ref.objectifs if o.mission == mission.numero):
            actions = [a for a in actions_mission if a.objectif == objectif.numero]
            if actions:
                objectifs.append(
                    {
                        "numero": str(objectif.numero),
                        "intitule": objectif.intitule,
                        "actions": [_action(a) for a in actions],
                        "total": _somme(actions),
                        "total_etat": _somme(actions, ETAT),
                    }
                )
        if objectifs:
            missions.append(
                {
                    "numero": mission.romain,
                    "intitule": mission.intitule,
                    "objectifs": objectifs,
                    "total": _somme(actions_mission),
                    "total_etat": _somme(actions_mission, ETAT),
                }
            )
    financeurs: list[CtxFinancement] = [
        {
            "financeur": libelle_financeur(f),
            "montant": euros(montant),
            "part": _part(montant, c.total_programme),
        }
        for f, montant in c.totaux_par_financeur().items()
    ]
    return {
        "titre": f"Annexe à la convention annuelle d’objectifs {c.annee} — programme régional d’animation "
        f"des missions locales {de_region(c.region)}",
        "missions": missions,
        "financeurs": financeurs,
        "total": euros(c.total_programme),
        "ratio": pourcentage(c.ratio_budget),
    }


def _versements(c: Convention, projet: bool) -> list[CtxVersement]:
    lignes: list[CtxVersement] = [
        {"date": date_longue(v.date), "montant": euros(v.montant), "libelle": v.libelle or f"{ordinal(rang)} versement"}
        for rang, v in enumerate(c.versements_prevus, start=1)
    ]
    # L’avance par défaut tombe à la signature : un projet n’en a pas encore la date.
    if c.versements is None and (projet or c.signature.date is None):
        lignes[0]["date"] = "à la signature"
    return lignes


def construire_contexte(convention: Convention, *, version: Version | None = None, projet: bool = False) -> Contexte:
    """Le contexte complet du gabarit pour une convention.

    ``version`` force la version bipartite ou tripartite ; par défaut, la convention est
    tripartite si les données décrivent le conseil régional. Une version tripartite sans
    ces données lève :class:`~convgen.erreurs.DonneesInvalides`. ``projet`` laisse la date
    de signature en blanc et fait porter la mention « PROJET ».
    """
    tripartite = _version(convention, version) == "tripartite"
    region = _region(convention) if tripartite else None
    etat = _etat(convention)
    signataires: list[CtxSignataire] = [_signataire(etat)]
    if region is not None:
        signataires.append(_signataire(region))
    structure = _structure(convention)
    signataires.append(_signataire(structure))
    return {
        "convention": _convention(convention, tripartite, projet),
        "etat": etat,
        "region": region,
        "structure": structure,
        "montants": _montants(convention),
        "versements": _versements(convention, projet),
        "versements_par_defaut": convention.versements is None,
        "signature": _signature(convention, len(signataires), projet),
        "signataires": signataires,
        "annexe": _annexe(convention),
    }


def _signataire(partie: CtxEtat | CtxRegion | CtxStructure) -> CtxSignataire:
    return {"pour": partie["signature_pour"], "qualite": partie["signature_qualite"], "nom": partie["signature_nom"]}


def _version(convention: Convention, version: Version | None) -> Version:
    if version is None:
        return "tripartite" if convention.tripartite else "bipartite"
    if version == "tripartite" and not convention.tripartite:
        constat = Constat(
            "tripartite-sans-region",
            Gravite.ERREUR,
            "la version tripartite demande la partie « conseil_regional » (président et, le cas échéant, "
            "délibération) : ajoutez-la aux données ou demandez la version bipartite",
            "conseil_regional",
        )
        raise DonneesInvalides([constat])
    return version
