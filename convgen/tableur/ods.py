"""Classeurs OpenDocument (.ods, format par défaut de LibreOffice Calc), lus comme les classeurs Excel.

La lecture est confiée à python-calamine (liaison Python de la bibliothèque Rust *calamine*, qui lit
.ods, .xlsx et .xls sans LibreOffice). Ce module la présente sous la forme que la lecture des
classeurs (:mod:`convgen.tableur.lecture`) attend d'openpyxl : ``sheetnames``, ``classeur[nom]``,
``iter_rows(values_only=True)`` et ``close()``. Une cellule vide vaut ``None``, comme dans openpyxl.

Le fichier vient de l'extérieur. Avant calamine, :func:`examiner_ods` fait pour lui ce que
:func:`convgen.tableur.archive.examiner_archive` fait pour un .xlsx : taille décompressée bornée
(bombe zip), formules sans valeur enregistrée relevées (elles seraient lues vides), et cellules
remplies comptées répétitions comprises — une ligne ou une cellule OpenDocument peut se dire répétée
un million de fois en quelques octets, que calamine déploierait en mémoire.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from lxml import etree
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

from convgen.erreurs import FichierIllisible
from convgen.tableur.archive import LIGNES_LUES_MAX, Apercu, borner_decompression

__all__ = ["CELLULES_MAX", "SUFFIXE_ODS", "ClasseurOds", "examiner_ods", "ouvrir_ods"]

SUFFIXE_ODS = ".ods"
CELLULES_MAX = 1_000_000
"""Cellules remplies au plus, répétitions comprises (10 000 conventions en occupent moins de 500 000)."""
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ILLISIBLE = "ce n'est pas un classeur OpenDocument valide (contenu illisible)"


class _Feuille:
    def __init__(self, lignes: list[list[Any]]) -> None:
        self._lignes = lignes

    def reset_dimensions(self) -> None:
        """Sans objet : calamine borne la feuille à ses cellules remplies (openpyxl, lui, croit la dimension écrite)."""

    def iter_rows(self, *, values_only: bool = True, max_row: int | None = None) -> Iterator[tuple[Any, ...]]:
        for ligne in self._lignes[:max_row]:
            yield tuple(None if valeur == "" else valeur for valeur in ligne)


class ClasseurOds:
    """Un classeur .ods ouvert, avec l'interface d'openpyxl dont la lecture se sert."""

    def __init__(self, octets: bytes) -> None:
        self._classeur = CalamineWorkbook.from_filelike(io.BytesIO(octets))
        self.sheetnames: list[str] = list(self._classeur.sheet_names)

    def __getitem__(self, nom: str) -> _Feuille:
        return _Feuille(self._classeur.get_sheet_by_name(nom).to_python(skip_empty_area=False))

    def close(self) -> None:
        self._classeur.close()


def examiner_ods(octets: bytes, chemin: Path, feuilles: Iterable[str]) -> Apercu:
    """Contrôle l'archive ; lève :class:`~convgen.erreurs.FichierIllisible` si elle est illisible ou démesurée."""
    try:
        with zipfile.ZipFile(io.BytesIO(octets)) as archive:
            borner_decompression(archive, chemin)
            if "content.xml" not in archive.namelist():
                raise FichierIllisible("ce n'est pas un classeur OpenDocument (content.xml manquant)", fichier=chemin)
            with archive.open("content.xml") as flux:
                cellules, apercu = _parcourir(flux, set(feuilles))
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError):
        raise FichierIllisible(
            "ce n'est pas un classeur OpenDocument valide (archive illisible)", fichier=chemin
        ) from None
    except (etree.XMLSyntaxError, ValueError):
        raise FichierIllisible(_ILLISIBLE, fichier=chemin) from None
    if cellules > CELLULES_MAX:
        limite = f"{CELLULES_MAX:,}".replace(",", "\u202f")
        raise FichierIllisible(f"classeur démesuré : plus de {limite} cellules remplies", fichier=chemin)
    return apercu


def _parcourir(flux: IO[bytes], feuilles: set[str]) -> tuple[int, Apercu]:
    """Cellules remplies (répétitions comprises), formules sans valeur et feuilles trop longues, au fil du XML."""
    apercu, total, feuille, rang = Apercu(), 0, "", 0
    options = {"resolve_entities": False, "no_network": True, "load_dtd": False}
    balises = (_TABLE + "table", _TABLE + "table-row")
    for evenement, element in etree.iterparse(flux, events=("start", "end"), tag=balises, **options):
        if element.tag == _TABLE + "table":
            if evenement == "start":
                feuille, rang = element.get(_TABLE + "name", ""), 0
            continue
        if evenement == "start":
            continue
        colonne, remplies = 0, 0
        for cellule in element:
            largeur = int(cellule.get(_TABLE + "number-columns-repeated", "1"))
            valeur = cellule.get(_OFFICE + "value-type") is not None
            remplies += largeur if valeur or len(cellule) else 0
            if feuille in feuilles and not valeur and cellule.get(_TABLE + "formula") is not None:
                apercu.formules_sans_valeur.setdefault(feuille, []).append(
                    f"{get_column_letter(colonne + 1)}{rang + 1}"
                )
            colonne += largeur
        repetitions = int(element.get(_TABLE + "number-rows-repeated", "1"))
        total, rang = total + repetitions * remplies, rang + repetitions
        if remplies and rang > LIGNES_LUES_MAX and feuille in feuilles:
            apercu.trop_longues.add(feuille)
        element.clear()
        if total > CELLULES_MAX:
            break
    return total, apercu


def ouvrir_ods(octets: bytes, chemin: Path) -> ClasseurOds:
    """Le classeur ouvert par calamine ; lève :class:`~convgen.erreurs.FichierIllisible` s'il n'est pas lisible."""
    try:
        return ClasseurOds(octets)
    except Exception:  # calamine : manifeste absent, XML abîmé, contenu inattendu
        raise FichierIllisible(_ILLISIBLE, fichier=chemin) from None
