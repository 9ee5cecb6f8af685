"""Le contexte du gabarit du compte rendu d'exécution : prévu et réalisé, en chaînes françaises prêtes.

Tout montant du document vient d'ici, calculé sur les ``Decimal`` de :class:`convgen.bilan.Bilan` :
le classeur .xlsx du même compte rendu reprend les mêmes valeurs. Le gabarit
(``gabarits/bilan_dgefp_2008_15.docx``) ne fait qu'afficher et répéter.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import ConfigDict, with_config
from typing_extensions import TypedDict

from convgen.bilan import Bilan, Ecart, LigneAction
from convgen.contexte import construire_contexte
from convgen.francais import date_longue, euros, euros_en_lettres, pourcentage
from convgen.modele import libelle_financeur
from convgen.schema_contexte import CtxConvention, CtxSignataire, CtxStructure

_DOCUMENTE = ConfigDict(use_attribute_docstrings=True)


@with_config(_DOCUMENTE)
class CtxEcart(TypedDict):
    prevu: str
    """Montant prévu par la convention : « 27 500,50 € »."""
    realise: str
    """Montant réalisé."""
    ecart: str
    """Réalisé moins prévu, signé : « -2 500,50 € »."""
    ecart_pct: str
    """Écart rapporté au prévu : « -9,09 % » ; « sans objet » si rien n'était prévu."""


@with_config(_DOCUMENTE)
class CtxFinanceurBilan(CtxEcart):
    financeur: str
    """« État », « Conseil régional » ou le nom saisi."""


@with_config(_DOCUMENTE)
class CtxActionBilan(CtxEcart):
    numero: str
    """Numéro de l'action dans l'annexe."""
    intitule: str
    """Intitulé de l'action."""
    financements: list[CtxFinanceurBilan]
    """Chaque financeur de l'action, prévu et réalisé."""
    non_renseignee: bool
    """Vrai si la réalisation ne dit rien de l'action (comptée pour zéro)."""
    indicateurs_prevus: list[str]
    """Indicateurs de la convention."""
    indicateurs_atteints: list[str]
    """Résultats déclarés, ou liste vide."""
    commentaire: str
    """Commentaire de la structure, ou chaîne vide."""


@with_config(_DOCUMENTE)
class CtxObjectifBilan(TypedDict):
    numero: str
    """« 1 » à « 6 »."""
    intitule: str
    """Intitulé de l'objectif."""
    actions: list[CtxActionBilan]
    """Actions de l'objectif."""
    total: CtxEcart
    """Total de l'objectif."""


@with_config(_DOCUMENTE)
class CtxMissionBilan(TypedDict):
    numero: str
    """« I » à « IV »."""
    intitule: str
    """Intitulé de la mission."""
    objectifs: list[CtxObjectifBilan]
    """Objectifs de la mission qui ont une action."""
    total: CtxEcart
    """Total de la mission."""


@with_config(_DOCUMENTE)
class CtxPositionEtat(TypedDict):
    prevu: str
    """Contribution de l'État prévue par la convention."""
    verse: str
    """Ce que l'État a effectivement versé."""
    autres: str
    """Financements réalisés autres que ceux de l'État."""
    cout_realise: str
    """Coût réalisé total du programme."""
    reversement: str
    """Reversement dû à l'État : « 5 000,00 € » ; « 0,00 € » si rien n'est dû."""
    reversement_lettres: str
    """Le même en toutes lettres."""
    regle: str
    """La règle de calcul, citant l'article 9 de la convention."""
    conclusion: str
    """« Le reversement dû à l'État s'élève à … » ou « Aucun reversement n'est dû … »."""


@with_config(_DOCUMENTE)
class CtxBilan(TypedDict):
    titre: str
    """« Compte rendu d'exécution 2009 »."""
    sous_titre: str
    """« de la convention annuelle d'objectifs 2009 n° … relative au programme … »."""
    introduction: str
    """Qui l'établit, quand, en application de quel article."""
    date: str
    """Date du compte rendu : « 15 mars 2010 »."""
    mention: str
    """« Fait à Clermont-Ferrand, le 15 mars 2010. »"""
    missions: list[CtxMissionBilan]
    """Missions, objectifs et actions, prévu et réalisé."""
    financeurs: list[CtxFinanceurBilan]
    """Chaque financeur du programme, prévu et réalisé."""
    total: CtxEcart
    """Total du programme."""
    non_renseignees: list[str]
    """« l'action n° 12 (…) » : actions sans réalisation, comptées pour zéro."""
    graphique_titre: str
    """Légende du graphique."""
    graphique_alt: str
    """Texte de remplacement du graphique, les chiffres qu'il représente ; convgen le pose sur l'image
    « Graphique » du gabarit (jamais de balise dans un attribut)."""
    etat: CtxPositionEtat
    """Position de l'État et reversement dû."""


@with_config(_DOCUMENTE)
class ContexteBilan(TypedDict):
    """Variables offertes au gabarit du compte rendu d'exécution."""

    convention: CtxConvention
    """La convention ; ``entete`` est celui du compte rendu."""
    structure: CtxStructure
    """La structure qui rend compte."""
    signataire: CtxSignataire
    """Le représentant de la structure, qui signe le compte rendu."""
    bilan: CtxBilan
    """Le compte rendu : prévu, réalisé, écarts, indicateurs, position de l'État."""


def _pct(ecart: Ecart) -> str:
    return "sans objet" if ecart.ratio is None else pourcentage(ecart.ratio)


def ecart(e: Ecart) -> CtxEcart:
    return {"prevu": euros(e.prevu), "realise": euros(e.realise), "ecart": euros(e.ecart), "ecart_pct": _pct(e)}


def _financeurs(financements: dict[str, Ecart]) -> list[CtxFinanceurBilan]:
    return [{"financeur": libelle_financeur(f), **ecart(e)} for f, e in financements.items()]


def _action(ligne: LigneAction) -> CtxActionBilan:
    realisee = ligne.realisee
    return {
        "numero": str(ligne.action.numero),
        "intitule": ligne.action.intitule,
        **ecart(ligne.cout),
        "financements": _financeurs(ligne.financements),
        "non_renseignee": realisee is None,
        "indicateurs_prevus": list(ligne.action.indicateurs),
        "indicateurs_atteints": list(realisee.indicateurs) if realisee else [],
        "commentaire": (realisee.commentaire or "") if realisee else "",
    }


def _missions(bilan: Bilan) -> list[CtxMissionBilan]:
    ref = bilan.convention.ref
    missions: list[CtxMissionBilan] = []
    for mission in ref.missions:
        objectifs: list[CtxObjectifBilan] = []
        for objectif in (o for o in ref.objectifs if o.mission == mission.numero):
            lignes = [ligne for ligne in bilan.lignes if ligne.action.objectif == objectif.numero]
            if lignes:
                objectifs.append(
                    {
                        "numero": str(objectif.numero),
                        "intitule": objectif.intitule,
                        "actions": [_action(ligne) for ligne in lignes],
                        "total": ecart(bilan.total_de(objectif=objectif.numero)),
                    }
                )
        if objectifs:
            missions.append(
                {
                    "numero": mission.romain,
                    "intitule": mission.intitule,
                    "objectifs": objectifs,
                    "total": ecart(bilan.total_de(mission=mission.numero)),
                }
            )
    return missions


REGLE_REVERSEMENT = (
    "Conformément à l’article 9 de la convention, l’État peut exiger le reversement de la part de sa contribution "
    "qui excède le coût de mise en œuvre du programme. Le reversement dû est l’excédent des financements réalisés "
    "(versements de l’État et autres financements) sur le coût réalisé total, dans la limite de ce que l’État a "
    "versé, et n’est jamais négatif\xa0: reversement = max(0\xa0; min(versé par l’État\xa0; versé par l’État + "
    "autres financements réalisés − coût réalisé total))."
)


def _etat(bilan: Bilan) -> CtxPositionEtat:
    position = bilan.etat
    du = position.reversement
    financements = position.verse + position.autres_realises
    if du:
        conclusion = f"Le reversement dû à l’État s’élève à {euros(du)} ({euros_en_lettres(du)})."
    else:
        conclusion = (
            f"Aucun reversement n’est dû\xa0: le coût réalisé ({euros(position.cout_realise)}) couvre les "
            f"financements réalisés ({euros(financements)})."
        )
    return {
        "prevu": euros(position.prevu),
        "verse": euros(position.verse),
        "autres": euros(position.autres_realises),
        "cout_realise": euros(position.cout_realise),
        "reversement": euros(du),
        "reversement_lettres": euros_en_lettres(du),
        "regle": REGLE_REVERSEMENT,
        "conclusion": conclusion,
    }


def series_graphique(bilan: Bilan) -> list[tuple[str, Decimal, Decimal]]:
    """(« Mission I », prévu, réalisé) pour chaque mission qui a une action : les barres du graphique."""
    missions = {ligne.action.mission for ligne in bilan.lignes}
    return [
        (f"Mission {m.romain}", bilan.total_de(mission=m.numero).prevu, bilan.total_de(mission=m.numero).realise)
        for m in bilan.convention.ref.missions
        if m.numero in missions
    ]


def _alternatif(bilan: Bilan) -> str:
    valeurs = "\xa0; ".join(
        f"{libelle}\xa0: prévu {euros(prevu)}, réalisé {euros(realise)}"
        for libelle, prevu, realise in series_graphique(bilan)
    )
    return f"Graphique en barres du coût prévu et du coût réalisé par mission. {valeurs}."


def construire_contexte_bilan(bilan: Bilan) -> ContexteBilan:
    """Le contexte complet du gabarit du compte rendu (réalisation supposée contrôlée par ``controler_bilan``)."""
    base = construire_contexte(bilan.convention)
    c, r = bilan.convention, bilan.realisation
    numero = f" n°\xa0{c.numero}" if c.numero else ""
    titre = f"Compte rendu d’exécution {c.annee}"
    commune = c.structure.adresse.commune
    return {
        "convention": {**base["convention"], "entete": f"{titre} — convention{numero}", "titre": titre},
        "structure": base["structure"],
        "signataire": base["signataires"][-1],
        "bilan": {
            "titre": titre,
            "sous_titre": f"de la convention annuelle d’objectifs {c.annee}{numero} relative au "
            f"{base['convention']['objet']}",
            "introduction": f"Le présent compte rendu est établi par la structure, {c.structure.designation}, "
            "en application de l’article 6 de la convention (compte rendu financier prévu par l’article 10 de la "
            "loi n°\xa02000-321 du 12 avril 2000, établi conformément à l’arrêté du 11 octobre 2006, et rapport "
            "d’activité). Il rapproche, action par action, le coût et les financements réalisés de ceux que "
            "prévoyait l’annexe, et les résultats atteints des indicateurs.",
            "date": date_longue(r.date),
            "mention": f"Fait à {commune}, le {date_longue(r.date)}.",
            "missions": _missions(bilan),
            "financeurs": _financeurs(bilan.financeurs()),
            "total": ecart(bilan.total),
            "non_renseignees": [
                f"l’action n°\xa0{ligne.action.numero} ({ligne.action.intitule})"
                for ligne in bilan.lignes
                if ligne.realisee is None
            ],
            "graphique_titre": "Figure 1 — Coût prévu et réalisé par mission",
            "graphique_alt": _alternatif(bilan),
            "etat": _etat(bilan),
        },
    }
