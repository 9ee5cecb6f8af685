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
    article_defini,
    avec_article,
    date_longue,
    de,
    euros,
    euros_en_lettres,
    guillemets,
    iban_affiche,
    nom_complet,
    nombre_en_lettres,
    numero,
    ordinal,
    siret_affiche,
    typographie,
)
from convgen.modele import ETAT, ActionResolue, Convention, libelle_financeur
from convgen.parties import (
    cofinancement_region,
    comptable_assignataire,
    forme_structure,
    partie_region,
    partie_structure,
    prefet_titre,
    region_de,
)
from convgen.referentiel import Point
from convgen.regles import SEUIL_CONVENTION, part
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
    CtxPoint,
    CtxRegion,
    CtxSignataire,
    CtxSignature,
    CtxStructure,
    CtxVersement,
    CtxVisas,
)

Version = Literal["bipartite", "tripartite"]
ETAT_DESIGNE = guillemets("l’État")
BLANC = "\u2026" * 12
"""Ce que le projet laisse à remplir à la main (date de signature)."""
BLANC_COURT = "\u2026" * 6
"""Numéro ou date à compléter à la main dans un visa."""


def _convention(c: Convention, tripartite: bool, projet: bool) -> CtxConvention:
    titre = f"Convention annuelle d’objectifs {c.annee}"
    return {
        "annee": str(c.annee),
        "numero": c.numero or "",
        "region": c.region,
        "de_region": region_de(c).de,
        "titre": titre,
        "objet": f"programme régional d’animation des missions locales {region_de(c).de}",
        "periode": f"du {date_longue(dt.date(c.annee, 1, 1))} au {date_longue(dt.date(c.annee, 12, 31))}",
        "tripartite": tripartite,
        "projet": projet,
        "mention_projet": "PROJET" if projet else "",
        "entete": f"Convention n°\xa0{c.numero}" if c.numero else f"{titre} — {c.region}",
        "referentiel": typographie(c.ref.source),
        "afficher_ratio": c.afficher_ratio,
    }


def _etat(c: Convention) -> CtxEtat:
    prefet = c.etat.prefet
    titre = prefet_titre(c)
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
        "prefecture": f"Préfecture {region_de(c).etat}",
        "comptable": comptable_assignataire(c),
        "signature_pour": pour,
        "signature_qualite": qualite,
        "signature_nom": nom,
        "imputation": _imputation(c),
    }


def _imputation(c: Convention) -> str:
    """« programme 102, action 03, centre financier …, domaine fonctionnel … » : les éléments saisis."""
    imputation = c.etat.imputation
    if imputation is None:
        return ""
    elements = (
        ("programme", imputation.programme),
        ("action", imputation.action),
        ("centre financier", imputation.centre_financier),
        ("domaine fonctionnel", imputation.domaine_fonctionnel),
    )
    return ", ".join(f"{nom}\xa0{valeur}" for nom, valeur in elements if valeur)


def _visas(c: Convention) -> CtxVisas:
    """Visas tirés des données : loi de finances de l'année (référentiel), arrêté de délégation de signature."""
    loi = c.ref.loi_de_finances(c.annee)
    if loi is None:
        loi_de_finances = f"la loi {numero(BLANC_COURT)} du {BLANC_COURT} de finances pour {c.annee}"
    else:
        loi_de_finances = f"la loi {numero(loi.numero)} du {date_longue(loi.date)} de finances pour {c.annee}"
    delegue, delegation = c.etat.delegataire, ""
    if delegue is not None:
        arrete = delegue.arrete
        quoi = (
            f"{numero(BLANC_COURT)} du {BLANC_COURT}"
            if arrete is None
            else f"{numero(arrete.numero)} du {date_longue(arrete.date)}"
        )
        delegation = (
            f"l’arrêté préfectoral {quoi} portant délégation de signature à "
            f"{nom_complet(delegue.civilite, delegue.prenom, delegue.nom)}"
        )
    return {"loi_de_finances": loi_de_finances, "delegation": delegation}


def _region(c: Convention) -> CtxRegion | None:
    if c.conseil_regional is None:
        return None
    president = c.conseil_regional.president
    region = partie_region(c)
    return {
        "partie": region["partie"],
        "designation": region["designation"],
        "president": nom_complet(president.civilite, president.prenom, president.nom),
        "president_titre": region["titre"],
        "deliberation": region["deliberation"],
        "signature_pour": f"Pour {region['designation']},",
        "signature_qualite": region["qualite"],
        "signature_nom": f"{president.prenom} {president.nom}",
    }


def _structure(c: Convention) -> CtxStructure:
    s, rep = c.structure, c.structure.representant
    adresse = f"{s.adresse.voie}, {s.adresse.code_postal}\xa0{s.adresse.commune}"
    forme = forme_structure(c)
    fonction = avec_article(rep.civilite, rep.fonction)
    partie = partie_structure(c, fonction)
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
        "signature_pour": f"Pour {_la_structure(s.nom, s.forme)},",
        "signature_qualite": fonction,
        "signature_nom": f"{rep.prenom} {rep.nom}",
    }


def _la_structure(nom: str, forme: str) -> str:
    """« l’Association régionale … », « le Groupement … » ; sinon la forme juridique, ou le nom seul."""
    avec_article = article_defini(nom)
    if avec_article is not None:
        return avec_article
    if forme == "association":
        return f"l’association {nom}"
    if forme == "gip":
        return f"le groupement d’intérêt public {nom}"
    return nom


def _montants(c: Convention, tripartite: bool) -> CtxMontants:
    return {
        "total": euros(c.total_programme),
        "total_lettres": euros_en_lettres(c.total_programme),
        "etat": euros(c.total_etat),
        "etat_lettres": euros_en_lettres(c.total_etat),
        "etat_de": de(euros_en_lettres(c.total_etat)),
        "region": euros(c.total_region),
        "region_lettres": euros_en_lettres(c.total_region),
        "region_de": de(euros_en_lettres(c.total_region)),
        "autres": euros(c.total_autres),
        "budget_missions_locales": euros(c.budget_missions_locales),
        "ratio": part(c.total_programme, c.budget_missions_locales),
        "cofinancement_region": cofinancement_region(c, tripartite),
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
            "part": part(f.montant, action.cout),
        }
        for f in action.financements
    ]


def _action(action: ActionResolue) -> CtxAction:
    return {
        "numero": str(action.numero),
        "locale": action.locale,
        "intitule": action.intitule,
        "pourquoi": list(action.lignes_pourquoi),
        "pourquoi_points": _points(action.pourquoi),
        "comment": list(action.lignes_comment),
        "comment_points": _points(action.comment),
        "methode": action.methode,
        "echeancier": action.echeancier,
        "indicateurs": list(action.indicateurs),
        "cout": euros(action.cout),
        "financements": _financements(action),
        "etat": euros(action.montant(ETAT)),
    }


def _points(points: tuple[Point, ...]) -> list[CtxPoint]:
    return [{"texte": p.texte, "sous_points": list(p.sous_points)} for p in points]


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
            "part": part(montant, c.total_programme),
        }
        for f, montant in c.totaux_par_financeur().items()
    ]
    return {
        "titre": f"Annexe à la convention annuelle d’objectifs {c.annee} — programme régional d’animation "
        f"des missions locales et PAIO {region_de(c).de}",
        "missions": missions,
        "financeurs": financeurs,
        "total": euros(c.total_programme),
        "ratio": part(c.total_programme, c.budget_missions_locales),
    }


def _versements(c: Convention, projet: bool) -> list[CtxVersement]:
    prevus = c.versements_prevus
    lignes: list[CtxVersement] = [
        {"date": date_longue(v.date), "montant": euros(v.montant), "libelle": v.libelle or _libelle(rang, len(prevus))}
        for rang, v in enumerate(prevus, start=1)
    ]
    # L’avance par défaut tombe à la signature : un projet n’en a pas encore la date, et la
    # colonne « date » le dit déjà (on ne l’écrit pas deux fois sur la même ligne).
    if c.versements is None and (projet or c.signature.date is None):
        lignes[0]["date"] = "à la signature"
        lignes[0]["libelle"] = "avance de 80\xa0%"
    return lignes


def _libelle(rang: int, nombre: int) -> str:
    """« versement unique », sinon « 1er versement », « 2e versement »…"""
    return "versement unique" if nombre == 1 else f"{ordinal(rang)} versement"


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
        "montants": _montants(convention, tripartite),
        "versements": _versements(convention, projet),
        "versements_par_defaut": convention.versements is None,
        "versement_unique": len(convention.versements_prevus) == 1,
        "visas": _visas(convention),
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
