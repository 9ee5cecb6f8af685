"""Examen d'un fichier de convention : lecture, forme, règles, en un seul résultat.

``examiner`` ne lève jamais pour une faute des données : un fichier illisible, des
données mal formées ou contraires aux règles donnent un :class:`Examen` dont les
constats disent tout, situés dans le fichier. C'est ce que ``convgen valider``
affiche et ce dont partent la production et le lot.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from convgen import regles_juridiques
from convgen.chargement import depuis_donnees, lire
from convgen.erreurs import Constat, DonneesInvalides, FichierIllisible, Gravite, erreurs
from convgen.modele import Convention
from convgen.regles import ORDRE_GRAVITES, valider

__all__ = ["Examen", "examiner"]


@dataclass(frozen=True)
class Examen:
    """Résultat de l'examen d'une convention : la convention si elle a pu être lue, et tous les constats."""

    fichier: str
    """Fichier examiné ; pour un classeur, « classeur.xlsx#clé » (une convention par clé)."""
    convention: Convention | None
    """La convention, ou ``None`` si les données ne forment pas une convention (voir ``constats``)."""
    constats: list[Constat]
    """Tous les constats, erreurs d'abord, puis dans l'ordre du fichier."""
    lignes: dict[str, int] = field(default_factory=dict)
    """Ligne de chaque champ dans le fichier (YAML), pour situer les constats ajoutés ensuite."""

    @property
    def erreurs(self) -> list[Constat]:
        return erreurs(self.constats)

    @property
    def alertes(self) -> list[Constat]:
        return [c for c in self.constats if c.gravite is Gravite.ALERTE]

    def pour_version(self, version: str | None) -> Examen:
        """L'examen complété des constats propres à la version produite (bipartite imposée…)."""
        if self.convention is None:
            return self
        propres = [
            replace(c, fichier=self.fichier, ligne=_ligne(c.chemin, self.lignes))
            for c in regles_juridiques.constats_de_version(self.convention, version)
        ]
        return replace(self, constats=sorted([*self.constats, *propres], key=_ordre_lecture)) if propres else self

    def accepte(self, *, strict: bool = False) -> bool:
        """Vrai si la convention peut être produite (en mode strict, sans alerte non plus)."""
        return self.convention is not None and not self.erreurs and not (strict and self.alertes)


def examiner(chemin: str | Path) -> Examen:
    """Lit, valide et contrôle un fichier de convention, sans jamais lever pour une faute des données.

    Les constats des règles sont situés dans le fichier (ligne du champ en cause, pour le YAML).
    """
    fichier = str(chemin)
    donnees: object = None
    try:
        donnees, lignes = lire(chemin)
        convention = depuis_donnees(donnees, fichier=chemin, lignes=lignes)
    except FichierIllisible as exc:
        constat = Constat("fichier-illisible", Gravite.ERREUR, exc.motif, "", fichier, ligne=exc.ligne)
        return Examen(fichier, None, [constat])
    except DonneesInvalides as exc:
        if _est_realisation(donnees):  # une vingtaine de champs manquants ne diraient pas l'erreur
            return Examen(fichier, None, [Constat("fichier-realisation", Gravite.ERREUR, REALISATION, "", fichier)])
        return Examen(fichier, None, sorted(exc.constats, key=_ordre_lecture))
    constats = [replace(c, fichier=fichier, ligne=_ligne(c.chemin, lignes)) for c in valider(convention)]
    return Examen(fichier, convention, sorted(constats, key=_ordre_lecture), lignes)


REALISATION = (
    "ce fichier décrit une réalisation (compte rendu d'exécution), pas une convention : "
    "convgen bilan CONVENTION REALISATION, ou convgen lot … --bilans DOSSIER (réalisations dans leur propre dossier)"
)


def _est_realisation(donnees: object) -> bool:
    """Les champs propres à une réalisation (versements reçus), sans ceux d'une convention (structure)."""
    return isinstance(donnees, Mapping) and "versements_recus" in donnees and "structure" not in donnees


def _ordre_lecture(constat: Constat) -> tuple[int, int]:
    """Par gravité, puis dans l'ordre du fichier."""
    return ORDRE_GRAVITES[constat.gravite], constat.ligne or 0


def _ligne(chemin: str, lignes: Mapping[str, int]) -> int | None:
    while chemin:
        if chemin in lignes:
            return lignes[chemin]
        chemin = chemin.rsplit(".", 1)[0] if "." in chemin else ""
    return None
