"""Le contexte du gabarit de l’avenant : des chaînes françaises prêtes, comme pour la convention.

L'avenant reprend de la convention modifiée les parties, les blocs de signature, l'échéancier et
l'annexe (restreinte aux objectifs dont une action change, dans leur rédaction consolidée) ; il y
ajoute ses visas, sa date et ses articles, un par article modifié de la convention, qui citent la
nouvelle rédaction (« … est porté de 75 000,50 € à 79 000,50 € (soixante-dix-neuf mille euros et
cinquante centimes) »). Le gabarit (``gabarits/avenant_dgefp_2008_15.docx``) n'a rien à calculer.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from pydantic import ConfigDict, with_config
from typing_extensions import TypedDict

from convgen.avenant import (
    ARTICLE_ANNEXE,
    ARTICLE_CONTRIBUTIONS,
    ARTICLE_COUT,
    ARTICLE_VERSEMENTS,
    Modification,
    comparer,
)
from convgen.contexte import BLANC, construire_contexte
from convgen.francais import date_longue, euros, euros_en_lettres, iban_affiche, ordinal, pourcentage, typographie
from convgen.modele import Convention
from convgen.schema_contexte import (
    CtxAnnexe,
    CtxConvention,
    CtxEtat,
    CtxMission,
    CtxMontants,
    CtxRegion,
    CtxSignataire,
    CtxSignature,
    CtxStructure,
    CtxVersement,
)

_DOCUMENTE = ConfigDict(use_attribute_docstrings=True)


@with_config(_DOCUMENTE)
class CtxArticleAvenant(TypedDict):
    numero: str
    """« 1er », « 2 »…"""
    titre: str
    """« Coût du programme (article 3 de la convention) »."""
    alineas: list[str]
    """Paragraphes de l’article."""
    puces: list[str]
    """Modifications énumérées (annexe, parties), une par puce."""
    echeancier: bool
    """Vrai si l’article cite le nouvel échéancier (tableau des versements)."""


@with_config(_DOCUMENTE)
class CtxAvenant(TypedDict):
    numero: str
    """Numéro de l’avenant : « 1 »."""
    titre: str
    """« Avenant n° 1 »."""
    sous_titre: str
    """« à la convention annuelle d’objectifs 2009 n° … relative au programme régional … »."""
    visas: list[str]
    """« Vu la convention … signée le 1er mars 2009, notamment son article 11 ; »…"""
    articles: list[CtxArticleAvenant]
    """Articles de l’avenant, le dernier rappelant que les autres stipulations demeurent."""
    annexe_objectifs: bool
    """Vrai si l’annexe consolidée comporte des objectifs modifiés."""
    annexe_texte: str
    """Ce que contient l’annexe de l’avenant (objectifs consolidés, objectifs retirés, ou aucun)."""


@with_config(_DOCUMENTE)
class ContexteAvenant(TypedDict):
    """Variables offertes au gabarit de l’avenant."""

    convention: CtxConvention
    """La convention modifiée ; ``titre`` et ``entete`` sont ceux de l’avenant."""
    avenant: CtxAvenant
    """L’avenant : titre, visas, articles."""
    etat: CtxEtat
    """L’État, d’après la convention modifiée."""
    region: CtxRegion | None
    """La Région (convention tripartite), sinon ``None``."""
    structure: CtxStructure
    """La structure porteuse."""
    montants: CtxMontants
    """Montants de la convention modifiée."""
    versements: list[CtxVersement]
    """Le nouvel échéancier."""
    signature: CtxSignature
    """Lieu et date de l’avenant (blancs s’ils ne sont pas donnés)."""
    signataires: list[CtxSignataire]
    """Blocs de signature de la convention modifiée."""
    annexe: CtxAnnexe
    """Annexe consolidée : les objectifs modifiés et la synthèse financière nouvelle."""


def _porte(libelle: str, avant: Decimal, apres: Decimal, *, feminin: bool = False) -> str:
    """« la contribution de l’État est portée de 60 000,50 € à 64 000,50 € (soixante-quatre mille…) »."""
    verbe = ("portée" if feminin else "porté") if apres > avant else ("ramenée" if feminin else "ramené")
    return f"{libelle} est {verbe} de {euros(avant)} à {euros(apres)} ({euros_en_lettres(apres)})"


def _article_3(mods: list[Modification], modifiee: Convention) -> list[str]:
    phrases = []
    for m in mods:
        assert isinstance(m.avant, Decimal) and isinstance(m.apres, Decimal)
        phrases.append(_porte(m.libelle[0].upper() + m.libelle[1:], m.avant, m.apres) + ".")
    phrases.append(
        f"Il représente désormais {pourcentage(modifiee.ratio_budget)} du budget global des missions locales."
    )
    return ["L’article 3 de la convention est ainsi modifié :", " ".join(phrases)]


def _article_4(mods: list[Modification]) -> list[str]:
    phrases = []
    for m in mods:
        assert isinstance(m.avant, Decimal) and isinstance(m.apres, Decimal)
        phrases.append(_porte(m.libelle[0].upper() + m.libelle[1:], m.avant, m.apres, feminin=True) + ".")
    return ["L’article 4 de la convention est ainsi modifié :", *phrases]


def _article_5(mods: list[Modification], modifiee: Convention) -> tuple[list[str], bool]:
    """Le compte d'abord, l'échéancier en dernier : le tableau des versements suit sa phrase d'annonce."""
    alineas = ["L’article 5 de la convention est ainsi modifié :"]
    objets = {m.objet for m in mods}
    if "coordonnees-bancaires" in objets:
        s = modifiee.structure
        alineas.append(
            f"La contribution est créditée au compte ouvert au nom de la structure, IBAN {iban_affiche(s.iban)}, "
            f"BIC {s.bic.strip().upper()}."
        )
    if "versements" in objets:
        alineas.append("La contribution de l’État est versée selon l’échéancier suivant, qui remplace le précédent :")
    return alineas, "versements" in objets


def _puce_action(m: Modification) -> str:
    if m.objet == "action-ajoutee":
        return f"{m.libelle} « {m.apres} » est ajoutée au programme ;"
    if m.objet == "action-retiree":
        return f"{m.libelle} « {m.avant} » est retirée du programme ;"
    if m.objet == "action-cout":
        assert isinstance(m.avant, Decimal) and isinstance(m.apres, Decimal)
        return _porte(m.libelle, m.avant, m.apres) + " ;"
    if m.objet == "action-financements":
        assert isinstance(m.apres, tuple)
        return f"{m.libelle} deviennent : {', '.join(m.apres)} ;"
    assert isinstance(m.apres, tuple)
    return f"{m.libelle} est modifiée ({', '.join(m.apres)}) ;"


def _puce_partie(m: Modification) -> str:
    if m.avant is None:
        return f"{m.libelle} : {m.apres} ;"
    if m.apres is None:
        return f"{m.libelle} : sans objet désormais (auparavant {m.avant}) ;"
    return f"{m.libelle} : {m.apres}, au lieu de {m.avant} ;"


def _terminer(puces: list[str]) -> list[str]:
    """La dernière puce d’une énumération finit par un point."""
    return [*puces[:-1], puces[-1].rstrip(" \xa0;") + "."] if puces else puces


def _annexe_texte(modifications: list[Modification], objectifs_consolides: bool) -> str:
    """La phrase d’ouverture de l’annexe de l’avenant, selon ce qu’elle contient."""
    if objectifs_consolides:
        return (
            "Les objectifs dont une action est ajoutée, retirée ou modifiée par le présent avenant figurent ci-après "
            "dans leur rédaction consolidée ; ils remplacent ceux de l’annexe de la convention."
        )
    if any(m.article == ARTICLE_ANNEXE for m in modifications):
        return "Les objectifs dont le présent avenant retire les actions n’en comptent plus aucune : ils sont retirés."
    return "Le présent avenant ne modifie aucune action : les objectifs de l’annexe demeurent inchangés."


def _articles(
    modifications: list[Modification], modifiee: Convention, objectifs_consolides: bool
) -> list[CtxArticleAvenant]:
    par_article: dict[int | None, list[Modification]] = defaultdict(list)
    for m in modifications:
        par_article[m.article].append(m)
    articles: list[tuple[str, list[str], list[str], bool]] = []
    if None in par_article:
        articles.append(
            (
                "Parties",
                ["Les parties prennent acte des changements suivants :"],
                _terminer([_puce_partie(m) for m in par_article[None]]),
                False,
            )
        )
    if ARTICLE_COUT in par_article:
        articles.append(("Coût du programme", _article_3(par_article[ARTICLE_COUT], modifiee), [], False))
    if ARTICLE_CONTRIBUTIONS in par_article:
        articles.append(("Montant des contributions", _article_4(par_article[ARTICLE_CONTRIBUTIONS]), [], False))
    if ARTICLE_VERSEMENTS in par_article:
        alineas, echeancier = _article_5(par_article[ARTICLE_VERSEMENTS], modifiee)
        articles.append(("Modalités de versement", alineas, [], echeancier))
    if ARTICLE_ANNEXE in par_article:
        articles.append(
            (
                "Annexe",
                ["L’annexe de la convention est ainsi modifiée :"],
                _terminer([_puce_action(m) for m in par_article[ARTICLE_ANNEXE]]),
                False,
            )
        )
    articles.append(
        (
            "Autres stipulations",
            [
                "Les objectifs modifiés figurent, dans leur rédaction consolidée, en annexe au présent avenant, "
                "qui présente aussi la synthèse financière du programme ainsi modifié."
                if objectifs_consolides
                else "L’annexe au présent avenant présente la synthèse financière du programme ainsi modifié.",
                "Les autres stipulations de la convention demeurent inchangées.",
                "Le présent avenant prend effet à la date de sa signature par les parties.",
            ],
            [],
            False,
        )
    )
    return [
        {
            "numero": ordinal(rang) if rang == 1 else str(rang),  # « Article 1er », « Article 2 »
            "titre": titre,
            "alineas": [typographie(a) for a in alineas],
            "puces": [typographie(p) for p in puces],
            "echeancier": echeancier,
        }
        for rang, (titre, alineas, puces, echeancier) in enumerate(articles, start=1)
    ]


def _reference(initiale: Convention) -> str:
    numero = f" n°\xa0{initiale.numero}" if initiale.numero else ""
    return f"convention annuelle d’objectifs {initiale.annee}{numero}"


def construire_contexte_avenant(
    initiale: Convention,
    modifiee: Convention,
    *,
    numero: int = 1,
    date: dt.date | None = None,
    lieu: str | None = None,
    projet: bool = False,
) -> ContexteAvenant:
    """Le contexte complet du gabarit de l’avenant (données supposées contrôlées par ``controler_avenant``)."""
    modifications = comparer(initiale, modifiee)
    base = construire_contexte(modifiee)
    reference = _reference(initiale)
    titre = f"Avenant n°\xa0{numero}"
    signee = date_longue(initiale.signature.date) if initiale.signature.date else BLANC
    visas = [
        f"Vu la {reference} relative au {base['convention']['objet']}, signée le {signee}, notamment son article 11 ;"
    ]
    nouvelle = modifiee.conseil_regional.deliberation if modifiee.conseil_regional else None
    ancienne = initiale.conseil_regional.deliberation if initiale.conseil_regional else None
    if nouvelle is not None and nouvelle != ancienne and base["region"] is not None:
        visas.append(f"Vu la {base['region']['deliberation']} ;")
    objectifs_des = {a.numero: a.objectif for c in (initiale, modifiee) for a in c.actions_resolues}
    changes = {objectifs_des[m.action] for m in modifications if m.action is not None}
    annexe = base["annexe"]
    missions: list[CtxMission] = []
    for mission in annexe["missions"]:
        objectifs = [o for o in mission["objectifs"] if int(o["numero"]) in changes]
        if objectifs:
            missions.append({**mission, "objectifs": objectifs})
    date_texte = BLANC if projet or date is None else date_longue(date)
    lieu_texte = lieu or BLANC
    exemplaires = base["signature"]["exemplaires"]
    originaux = "un exemplaire original" if exemplaires == "un" else f"{exemplaires} exemplaires originaux"
    convention: CtxConvention = {
        **base["convention"],
        "titre": f"{titre} à la {reference}",
        "entete": f"{titre} à la {reference}",
        "projet": projet,
        "mention_projet": "PROJET" if projet else "",
    }
    return {
        "convention": convention,
        "avenant": {
            "numero": str(numero),
            "titre": titre,
            "sous_titre": f"à la {reference} relative au {base['convention']['objet']}",
            "visas": visas,
            "articles": _articles(modifications, modifiee, bool(missions)),
            "annexe_objectifs": bool(missions),
            "annexe_texte": typographie(_annexe_texte(modifications, bool(missions))),
        },
        "etat": base["etat"],
        "region": base["region"],
        "structure": base["structure"],
        "montants": base["montants"],
        "versements": base["versements"],
        "signature": {
            "lieu": lieu_texte,
            "date": date_texte,
            "exemplaires": exemplaires,
            "mention": f"Fait à {lieu_texte}, le {date_texte}, en {originaux}.",
        },
        "signataires": base["signataires"],
        "annexe": {
            **annexe,
            "titre": f"Annexe à l’{titre[0].lower()}{titre[1:]} — rédaction consolidée",
            "missions": missions,
        },
    }
