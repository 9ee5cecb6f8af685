"""Le compte rendu d'exécution : ce qui a été réalisé, face à ce que prévoyait la convention.

Article 6 de la convention : dans les six mois suivant la fin de l'exercice, la structure transmet le
compte rendu financier (loi n° 2000-321, art. 10 ; arrêté du 11 octobre 2006) et un rapport d'activité
qui rend compte de chaque action au regard de ses indicateurs. Article 9 : « L'État peut exiger le
reversement de la part de sa contribution qui excéderait le coût de mise en œuvre du programme ».

La *réalisation* (YAML, JSON ou feuille de classeur, :mod:`convgen.tableur.realisation`) reprend la
numérotation des actions de la convention ; ``comparer_bilan`` rapproche les deux, action par action,
financeur par financeur, et calcule le reversement dû :

    reversement = max(0, min(versé par l'État, versé par l'État + autres financements réalisés − coût réalisé))

Tout est en ``Decimal`` ; les montants saisis sont arrondis une fois au centime, comme ceux de la convention.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from convgen.erreurs import Constat, DonneesInvalides, Gravite
from convgen.francais import euros
from convgen.modele import ETAT, ActionResolue, Convention, Montant, Texte

ZERO = Decimal("0.00")


class _Modele(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class VersementRecu(_Modele):
    date: dt.date
    montant: Annotated[Montant, Field(ge=0)]


class FinancementRealise(_Modele):
    """Ce qu'un financeur a effectivement apporté à une action (``etat``, ``conseil_regional`` ou un nom)."""

    financeur: Texte
    montant: Annotated[Montant, Field(ge=0)]


class ActionRealisee(_Modele):
    """Ce qu'une action de la convention a coûté et rapporté, et ce qu'elle a atteint."""

    numero: Annotated[int, Field(ge=1)]
    """Numéro de l'action dans l'annexe de la convention (17, 18… pour les actions locales)."""
    cout_realise: Annotated[Montant, Field(ge=0)]
    financements: list[FinancementRealise] = []
    indicateurs: list[Texte] = []
    """Résultats atteints, en regard des indicateurs prévus."""
    commentaire: Texte | None = None


class Realisation(_Modele):
    """La réalisation d'une convention : données du compte rendu d'exécution."""

    annee: Annotated[int, Field(ge=2000, le=2100)]
    region: Texte
    date: dt.date
    """Date du compte rendu."""
    versements_recus: list[VersementRecu] = []
    """Ce que l'État a effectivement versé."""
    actions: list[ActionRealisee]

    @property
    def total_recu(self) -> Decimal:
        return sum((v.montant for v in self.versements_recus), ZERO)


def depuis_donnees_realisation(
    donnees: object, *, fichier: str | Path | None = None, lignes: dict[str, int] | None = None
) -> Realisation:
    """Construit une réalisation ; toutes les erreurs de forme à la fois (``DonneesInvalides``)."""
    from convgen.chargement import constats_de_validation

    try:
        return Realisation.model_validate(donnees)
    except ValidationError as exc:
        raise DonneesInvalides(constats_de_validation(exc, fichier=fichier, lignes=lignes), fichier=fichier) from None


def charger_realisation_texte(chemin: str | Path) -> Realisation:
    """Lit et valide le fichier YAML ou JSON d'une réalisation (même lecture sûre que les conventions).

    :func:`convgen.cycle.charger_realisation` lit aussi une feuille de classeur.
    """
    from convgen.chargement import lire

    donnees, lignes = lire(chemin)
    return depuis_donnees_realisation(donnees, fichier=chemin, lignes=lignes)


# --- Rapprochement ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ecart:
    """Un montant prévu et son réalisé."""

    prevu: Decimal
    realise: Decimal

    @property
    def ecart(self) -> Decimal:
        return self.realise - self.prevu

    @property
    def ratio(self) -> Decimal | None:
        """Écart rapporté au prévu (fraction) ; ``None`` si rien n'était prévu."""
        return self.ecart / self.prevu if self.prevu else None

    def __add__(self, autre: Ecart) -> Ecart:
        return Ecart(self.prevu + autre.prevu, self.realise + autre.realise)


NUL = Ecart(ZERO, ZERO)


@dataclass(frozen=True)
class LigneAction:
    """Une action de la convention et sa réalisation (absente : comptée pour zéro)."""

    action: ActionResolue
    realisee: ActionRealisee | None
    cout: Ecart
    financements: dict[str, Ecart]


@dataclass(frozen=True)
class PositionEtat:
    """La position de l'État : ce qu'il devait, ce qu'il a versé, ce qui lui revient (article 9)."""

    prevu: Decimal
    verse: Decimal
    autres_realises: Decimal
    cout_realise: Decimal

    @property
    def reversement(self) -> Decimal:
        return reversement_du(self.verse, self.autres_realises, self.cout_realise)


def reversement_du(verse: Decimal, autres_realises: Decimal, cout_realise: Decimal) -> Decimal:
    """Part de la contribution de l'État qui excède le coût réalisé (article 9), jamais plus que versé.

    >>> reversement_du(Decimal("60000.00"), Decimal("40000.00"), Decimal("95000.00"))
    Decimal('5000.00')
    >>> reversement_du(Decimal("60000.00"), Decimal("40000.00"), Decimal("120000.00"))
    Decimal('0.00')
    >>> reversement_du(Decimal("60000.00"), Decimal("90000.00"), Decimal("10000.00"))
    Decimal('60000.00')
    """
    return max(ZERO, min(verse, verse + autres_realises - cout_realise))


@dataclass(frozen=True)
class Bilan:
    convention: Convention
    realisation: Realisation
    lignes: tuple[LigneAction, ...]

    @property
    def total(self) -> Ecart:
        return sum((ligne.cout for ligne in self.lignes), NUL)

    def total_de(self, *, objectif: int | None = None, mission: int | None = None) -> Ecart:
        return sum(
            (
                ligne.cout
                for ligne in self.lignes
                if objectif in (None, ligne.action.objectif) and mission in (None, ligne.action.mission)
            ),
            NUL,
        )

    def financeurs(self) -> dict[str, Ecart]:
        """Chaque financeur, prévu et réalisé : ceux de la convention, puis ceux apparus à la réalisation."""
        totaux: dict[str, Ecart] = dict.fromkeys(self.convention.totaux_par_financeur(), NUL)
        for ligne in self.lignes:
            for financeur, ecart in ligne.financements.items():
                totaux[financeur] = totaux.get(financeur, NUL) + ecart
        return totaux

    @property
    def etat(self) -> PositionEtat:
        realises = self.financeurs()
        autres = sum((e.realise for f, e in realises.items() if f != ETAT), ZERO)
        return PositionEtat(self.convention.total_etat, self.realisation.total_recu, autres, self.total.realise)


def _financements(action: ActionResolue, realisee: ActionRealisee | None) -> dict[str, Ecart]:
    prevus = {f.financeur: action.montant(f.financeur) for f in action.financements}
    realises: dict[str, Decimal] = {}
    for f in realisee.financements if realisee else ():
        realises[f.financeur] = realises.get(f.financeur, ZERO) + f.montant
    return {f: Ecart(prevus.get(f, ZERO), realises.get(f, ZERO)) for f in {**prevus, **realises}}


def comparer_bilan(convention: Convention, realisation: Realisation) -> Bilan:
    """Rapproche chaque action prévue de sa réalisation, dans l'ordre de l'annexe."""
    realisees = {a.numero: a for a in realisation.actions}
    lignes = []
    for action in convention.actions_resolues:
        realisee = realisees.get(action.numero)
        cout = Ecart(action.cout, realisee.cout_realise if realisee else ZERO)
        lignes.append(LigneAction(action, realisee, cout, _financements(action, realisee)))
    return Bilan(convention, realisation, tuple(lignes))


# --- Contrôles --------------------------------------------------------------------------------------


def controler_bilan(convention: Convention, realisation: Realisation) -> list[Constat]:
    """Ce qui empêche le compte rendu (erreurs) et ce qu'il faut y lire (alertes)."""
    return sorted(_controles(convention, realisation), key=lambda c: c.gravite is not Gravite.ERREUR)


def _controles(convention: Convention, realisation: Realisation) -> Iterator[Constat]:
    erreur, alerte = Gravite.ERREUR, Gravite.ALERTE
    for champ, prevu, realise in (
        ("annee", convention.annee, realisation.annee),
        ("region", convention.region, realisation.region),
    ):
        if prevu != realise:
            yield Constat(
                "bilan-convention-differente",
                erreur,
                f"la réalisation porte sur « {realise} », la convention sur « {prevu} »",
                champ,
            )
    prevues = {a.numero for a in convention.actions_resolues}
    vues: set[int] = set()
    for i, action in enumerate(realisation.actions):
        if action.numero not in prevues:
            yield Constat(
                "bilan-action-inconnue",
                erreur,
                f"la convention ne compte pas d'action n°\xa0{action.numero} "
                f"(actions : {', '.join(map(str, sorted(prevues)))})",
                f"actions[{i}].numero",
            )
        elif action.numero in vues:
            yield Constat(
                "action-en-double",
                erreur,
                f"l'action n°\xa0{action.numero} est déjà renseignée",
                f"actions[{i}].numero",
            )
        vues.add(action.numero)
    for numero in sorted(prevues - vues):
        yield Constat(
            "bilan-action-non-renseignee",
            alerte,
            f"l'action n°\xa0{numero} de la convention n'est pas renseignée : elle compte pour 0",
            "actions",
        )
    etat_realise = sum((f.montant for a in realisation.actions for f in a.financements if f.financeur == ETAT), ZERO)
    if etat_realise != realisation.total_recu:
        yield Constat(
            "bilan-versements-incoherents",
            alerte,
            f"l'État a versé {euros(realisation.total_recu)}, les actions déclarent {euros(etat_realise)} "
            "de financements de l'État",
            "versements_recus",
        )
