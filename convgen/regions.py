"""Régions par période : noms valides d'une année, formes grammaticales, collectivité qui signe.

La table est une donnée du référentiel (``convgen/referentiels/territoires/regions.yaml``) :
22 régions métropolitaines et 4 régions d'outre-mer en 2009 (Mayotte à partir de 2011),
13 régions métropolitaines et 5 d'outre-mer à partir de 2016. La Corse, la Guyane, la
Martinique (depuis 2016) et Mayotte signent par une collectivité qui n'est pas « la Région ».
Aucune lecture de fichier à l'import ; la table est lue une fois, à la première demande.
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from convgen.francais import sans_accents
from convgen.referentiel import CHARGEUR_YAML

__all__ = [
    "Collectivite",
    "Region",
    "comptable",
    "existence",
    "premiere_annee",
    "region",
    "regions_de",
    "suggestions",
    "tribunal",
]


@dataclass(frozen=True)
class Collectivite:
    """La partie qui signe pour la Région une année donnée."""

    designation: str
    """« la Région Auvergne », « la Collectivité territoriale de Corse »."""
    feminin: bool
    representant: str
    """Fonction au masculin : « président du conseil régional d'Auvergne »."""
    organe: str
    """Organe qui délibère, avec son article : « la commission permanente du conseil régional d'Auvergne »."""


@dataclass(frozen=True)
class Region:
    """Une région d'une année donnée."""

    nom: str
    de: str
    """« d'Auvergne », « du Centre », « de La Réunion »."""
    etat: str
    """Complément du préfet et des services de l'État : « de la région Auvergne », « de La Réunion »."""
    collectivite: Collectivite


def _dans(entree: dict[str, Any], annee: int) -> bool:
    return int(entree.get("depuis", 0)) <= annee <= int(entree.get("jusqu_a", 9999))


@functools.cache
def _table() -> dict[str, Any]:
    texte = (resources.files("convgen") / "referentiels" / "territoires" / "regions.yaml").read_text(encoding="utf-8")
    table: dict[str, Any] = yaml.load(texte, Loader=CHARGEUR_YAML)  # chargeur sûr
    return table


def premiere_annee() -> int:
    """Première année couverte par la table (celle de la circulaire n° 2008-15)."""
    return int(_table()["premiere_annee"])


def _collectivite(entree: dict[str, Any], annee: int) -> Collectivite:
    nom, de = entree["nom"], entree["de"]
    periode: dict[str, Any] = next((c for c in entree.get("collectivite", [{}]) if _dans(c, annee)), {})
    return Collectivite(
        designation=periode.get("designation", f"la Région {nom}"),
        feminin=periode.get("feminin", True),
        representant=periode.get("representant", f"président du conseil régional {de}"),
        organe=periode.get("organe", f"la commission permanente du conseil régional {de}"),
    )


def regions_de(annee: int) -> list[str]:
    """Noms des régions de l'année, dans l'ordre de la table (vide avant la première année)."""
    return list(_noms(annee))


@functools.lru_cache(maxsize=64)
def _noms(annee: int) -> tuple[str, ...]:
    if annee < premiere_annee():
        return ()
    return tuple(r["nom"] for r in _table()["regions"] if _dans(r, annee))


@functools.lru_cache(maxsize=1024)
def region(nom: str, annee: int) -> Region | None:
    """La région de ce nom exact cette année-là (apostrophe droite ou typographique), ou ``None``.

    Gardée en mémoire : les règles et le contexte la demandent une dizaine de fois par convention.
    """
    nom = nom.replace("\u2019", "'")
    if nom not in _noms(annee):
        return None
    entree = next(r for r in _table()["regions"] if r["nom"] == nom)
    etat = entree.get("etat", f"de la région {nom}")
    return Region(nom=nom, de=entree["de"], etat=etat, collectivite=_collectivite(entree, annee))


def suggestions(nom: str, annee: int) -> list[str]:
    """Les noms valides les plus proches, comparés sans accents ni casse : « Bretgne » → Bretagne.

    Une région d'avant 2016 propose celle qui lui a succédé (« Alsace » → « Grand Est »).
    """
    par_cle = {sans_accents(v): v for v in regions_de(annee)}
    cle = sans_accents(nom.replace("\u2019", "'")).strip()
    proches = difflib.get_close_matches(cle, list(par_cle), n=3, cutoff=0.8)
    for ancienne in _table()["regions"]:
        successeur = sans_accents(ancienne.get("devient", ""))
        if sans_accents(ancienne["nom"]) == cle and successeur in par_cle and successeur not in proches:
            proches.insert(0, successeur)
    # Une ancienne région dans le nom d'une nouvelle : « Auvergne » en 2016 → « Auvergne-Rhône-Alpes ».
    proches += [k for k in par_cle if cle and cle in k and k not in proches]
    return [par_cle[p] for p in proches[:3]]


def existence(nom: str) -> tuple[int, int] | None:
    """Première et dernière années de la région de ce nom (9999 : existe toujours), ou ``None``."""
    nom = nom.replace("\u2019", "'")
    for entree in _table()["regions"]:
        if entree["nom"] == nom:
            return max(int(entree.get("depuis", 0)), premiere_annee()), int(entree.get("jusqu_a", 9999))
    return None


def _periode(cle: str, annee: int) -> str:
    return str(next(e for e in _table()[cle] if _dans(e, annee))["titre" if cle == "comptables" else "nom"])


def comptable(annee: int) -> str:
    """Titre du comptable assignataire : trésorier-payeur général (2009), puis DRFiP."""
    return _periode("comptables", annee)


def tribunal(annee: int) -> str:
    """Juridiction qui tient le registre des associations d'Alsace-Moselle cette année-là."""
    return _periode("tribunaux", annee)
