"""L’avenant : ce qui change entre deux versions des données d’une convention, et ce qui l’interdit.

Article 11 de la convention : « toute modification des conditions ou des modalités d'exécution de
la présente convention […] fait l'objet d'un avenant écrit ». ``comparer(initiale, modifiee)``
relève champ par champ ces modifications, chacune rattachée à l'article de la convention qu'elle
touche (3 : coût, 4 : contributions, 5 : versements et compte, 12 : annexe) ou aux parties
(signataires, désignation de la structure). ``controler_avenant`` dit si un avenant peut être
établi : mêmes parties, au moins une modification, convention modifiée conforme à toutes les règles
de :func:`convgen.regles.valider`, avenant daté après la signature de la convention, versements déjà
échus inchangés.

Les actions sont appariées par leur numéro dans l'annexe (1 à 16, puis 17, 18… pour les actions
ajoutées localement, dans l'ordre des données).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from convgen.erreurs import Constat, Gravite
from convgen.francais import date_longue, euros, nom_complet
from convgen.modele import ActionResolue, Convention, Personne, libelle_financeur
from convgen.regles import valider

Valeur = Decimal | str | tuple[str, ...] | None
"""Valeur avant ou après : un montant, un texte, une liste de textes, ou rien (ajout, retrait)."""

ARTICLE_COUT, ARTICLE_CONTRIBUTIONS, ARTICLE_VERSEMENTS, ARTICLE_ANNEXE = 3, 4, 5, 12
"""Articles de la convention livrée (gabarits/fabrique) que touche chaque sorte de modification."""


@dataclass(frozen=True)
class Modification:
    """Une différence entre la convention initiale et la convention modifiée.

    ``objet`` est un code stable (``cout-total``, ``contribution-etat``, ``action-ajoutee``…),
    ``article`` l'article de la convention touché (``None`` : les parties), ``chemin`` le champ
    dans les données modifiées, ``libelle`` ce qui change, en français.
    """

    objet: str
    article: int | None
    chemin: str
    libelle: str
    avant: Valeur
    apres: Valeur
    action: int | None = None
    """Numéro de l’action concernée, pour les modifications de l’annexe."""


def comparer(initiale: Convention, modifiee: Convention) -> list[Modification]:
    """Toutes les modifications de ``initiale`` à ``modifiee``, dans l’ordre des articles."""
    modifications = [
        *_parties(initiale, modifiee),
        *_montants(initiale, modifiee),
        *_versements(initiale, modifiee),
        *_actions(initiale, modifiee),
    ]
    return sorted(modifications, key=lambda m: m.article or 0)


def _si_different(
    objet: str, article: int | None, chemin: str, libelle: str, avant: Valeur, apres: Valeur
) -> Iterator[Modification]:
    if avant != apres:
        yield Modification(objet, article, chemin, libelle, avant, apres)


def _personne(personne: Personne | None) -> str | None:
    if personne is None:
        return None
    fonction = getattr(personne, "fonction", None)
    nom = nom_complet(personne.civilite, personne.prenom, personne.nom)
    return f"{nom}, {fonction}" if fonction else nom


def _parties(a: Convention, b: Convention) -> Iterator[Modification]:
    yield from _si_different(
        "signataire", None, "etat.prefet", "le préfet de région", _personne(a.etat.prefet), _personne(b.etat.prefet)
    )
    yield from _si_different(
        "signataire",
        None,
        "etat.delegataire",
        "le signataire par délégation du préfet",
        _personne(a.etat.delegataire),
        _personne(b.etat.delegataire),
    )
    if a.conseil_regional and b.conseil_regional:
        yield from _si_different(
            "signataire",
            None,
            "conseil_regional.president",
            "la présidence du conseil régional",
            _personne(a.conseil_regional.president),
            _personne(b.conseil_regional.president),
        )
    sa, sb = a.structure, b.structure
    yield from _si_different(
        "signataire",
        None,
        "structure.representant",
        "le représentant de la structure",
        _personne(sa.representant),
        _personne(sb.representant),
    )
    yield from _si_different("structure", None, "structure.nom", "la dénomination de la structure", sa.nom, sb.nom)
    yield from _si_different("structure", None, "structure.sigle", "le sigle de la structure", sa.sigle, sb.sigle)
    adresse_a, adresse_b = (f"{s.adresse.voie}, {s.adresse.code_postal}\xa0{s.adresse.commune}" for s in (sa, sb))
    yield from _si_different("structure", None, "structure.adresse", "le siège de la structure", adresse_a, adresse_b)


def _montants(a: Convention, b: Convention) -> Iterator[Modification]:
    yield from _si_different(
        "cout-total",
        ARTICLE_COUT,
        "actions",
        "le coût total prévisionnel du programme",
        a.total_programme,
        b.total_programme,
    )
    yield from _si_different(
        "budget-missions-locales",
        ARTICLE_COUT,
        "budget_missions_locales",
        "le budget global des missions locales",
        a.budget_missions_locales,
        b.budget_missions_locales,
    )
    yield from _si_different(
        "contribution-etat", ARTICLE_CONTRIBUTIONS, "actions", "la contribution de l’État", a.total_etat, b.total_etat
    )
    if b.tripartite:
        yield from _si_different(
            "contribution-region",
            ARTICLE_CONTRIBUTIONS,
            "actions",
            "la contribution de la Région",
            a.total_region,
            b.total_region,
        )


def _echeancier(convention: Convention) -> tuple[str, ...]:
    return tuple(f"{date_longue(v.date)} : {euros(v.montant)}" for v in convention.versements_prevus)


def _versements(a: Convention, b: Convention) -> Iterator[Modification]:
    yield from _si_different(
        "versements", ARTICLE_VERSEMENTS, "versements", "l’échéancier des versements", _echeancier(a), _echeancier(b)
    )
    compte_a, compte_b = (f"IBAN {s.iban} ; BIC {s.bic}" for s in (a.structure, b.structure))
    yield from _si_different(
        "coordonnees-bancaires", ARTICLE_VERSEMENTS, "structure.iban", "le compte de la structure", compte_a, compte_b
    )


def financements(action: ActionResolue) -> tuple[str, ...]:
    """« État : 18 500,50 € »… : les financements d’une action, comparables d’une version à l’autre."""
    return tuple(f"{libelle_financeur(f.financeur)} : {euros(f.montant)}" for f in action.financements)


_DESCRIPTION = (
    ("intitule", "intitulé"),
    ("pourquoi", "objectifs"),
    ("comment", "actions menées"),
    ("methode", "méthode et organisation"),
    ("echeancier", "échéancier"),
    ("indicateurs", "indicateurs"),
)


def _actions(a: Convention, b: Convention) -> Iterator[Modification]:
    avant = {x.numero: x for x in a.actions_resolues}
    apres = {x.numero: x for x in b.actions_resolues}
    for numero in sorted(avant.keys() | apres.keys()):
        x, y = avant.get(numero), apres.get(numero)
        if y is None:
            assert x is not None
            yield Modification(
                "action-retiree", ARTICLE_ANNEXE, "actions", f"l’action n°\xa0{numero}", x.intitule, None, numero
            )
        elif x is None:
            chemin = f"actions[{y.indice}]"
            yield Modification(
                "action-ajoutee", ARTICLE_ANNEXE, chemin, f"l’action n°\xa0{numero}", None, y.intitule, numero
            )
        else:
            chemin = f"actions[{y.indice}]"
            changes = tuple(nom for champ, nom in _DESCRIPTION if getattr(x, champ) != getattr(y, champ))
            candidates = (
                ("action-cout", f"{chemin}.cout", f"le coût de l’action n°\xa0{numero}", x.cout, y.cout),
                (
                    "action-financements",
                    f"{chemin}.financements",
                    f"les financements de l’action n°\xa0{numero}",
                    financements(x),
                    financements(y),
                ),
                ("action-description", chemin, f"la description de l’action n°\xa0{numero}", None, changes or None),
            )
            for objet, chemin_, libelle, ancien, nouveau in candidates:
                if ancien != nouveau:
                    yield Modification(objet, ARTICLE_ANNEXE, chemin_, libelle, ancien, nouveau, numero)


# --- Ce qui interdit l'avenant ----------------------------------------------------------------


def _constat(code: str, message: str, chemin: str = "") -> Constat:
    return Constat(code, Gravite.ERREUR, message, chemin)


def _parties_differentes(a: Convention, b: Convention) -> Iterator[Constat]:
    """Un avenant lie les mêmes parties pour la même année : sinon, c’est une autre convention."""
    code = "avenant-parties-differentes"
    if a.annee != b.annee:
        yield _constat(code, f"l’année change ({a.annee} → {b.annee}) : établissez une nouvelle convention", "annee")
    if a.region != b.region:
        yield _constat(code, f"la région change ({a.region} → {b.region}) : ce n’est pas la même convention", "region")
    siret_a, siret_b = ("".join(s.structure.siret.split()) for s in (a, b))
    if siret_a != siret_b:
        yield _constat(
            code,
            f"la structure n’est plus la même (SIRET {siret_a} → {siret_b}) : établissez une nouvelle convention",
            "structure.siret",
        )
    if a.tripartite != b.tripartite:
        sens = "entre dans" if b.tripartite else "quitte"
        yield _constat(
            code,
            f"la Région {sens} la convention : les parties changent, établissez une nouvelle convention",
            "conseil_regional",
        )


def _dates(a: Convention, b: Convention, date: dt.date | None) -> Iterator[Constat]:
    """L’avenant suit la signature ; ce qui est déjà échu à sa date ne se modifie plus."""
    if date is None:
        return
    signee = a.signature.date
    if signee is not None and date <= signee:
        yield _constat(
            "dates-incoherentes",
            f"l’avenant daté du {date_longue(date)} doit suivre la signature de la convention, "
            f"le {date_longue(signee)}",
            "date",
        )
    apres = {(v.date, v.montant) for v in b.versements_prevus}
    for versement in a.versements_prevus:
        if versement.date < date and (versement.date, versement.montant) not in apres:
            yield _constat(
                "dates-incoherentes",
                f"le versement du {date_longue(versement.date)} ({euros(versement.montant)}), échu avant l’avenant, "
                "ne peut plus être modifié : reprenez-le tel quel"
                + (
                    " dans « versements » (l’échéancier par défaut se recalcule sur la nouvelle contribution)"
                    if b.versements is None
                    else ""
                ),
                "versements",
            )


def constats_avenant(initiale: Convention, modifiee: Convention, *, date: dt.date | None = None) -> list[Constat]:
    """Ce qui s’oppose à l’avenant lui-même (parties, absence de modification, dates), sans les règles."""
    parties = list(_parties_differentes(initiale, modifiee))
    constats = [*parties, *_dates(initiale, modifiee, date)]
    if not parties and not comparer(initiale, modifiee):
        constats.append(
            _constat("avenant-sans-modification", "les deux versions sont identiques : aucun avenant à établir")
        )
    return constats


def controler_avenant(initiale: Convention, modifiee: Convention, *, date: dt.date | None = None) -> list[Constat]:
    """Tout ce qui s’oppose à l’avenant, puis les constats des règles sur la convention modifiée (erreurs d’abord)."""
    return [*constats_avenant(initiale, modifiee, date=date), *valider(modifiee)]
