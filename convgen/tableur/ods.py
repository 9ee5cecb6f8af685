"""Classeurs OpenDocument (.ods, format par défaut de LibreOffice Calc), lus comme les classeurs Excel.

La lecture est confiée à python-calamine (liaison Python de la bibliothèque Rust *calamine*, qui lit
.ods, .xlsx et .xls sans LibreOffice). Ce module la présente sous la forme que la lecture des
classeurs (:mod:`convgen.tableur.lecture`) attend d'openpyxl : ``sheetnames``, ``classeur[nom]``,
``iter_rows(values_only=True)`` et ``close()``. Une cellule vide vaut ``None``, comme dans openpyxl.

Le fichier vient de l'extérieur : sa taille décompressée est bornée avant toute lecture (bombe zip).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from lxml import etree
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

__all__ = ["SUFFIXE_ODS", "TAILLE_MAX_DECOMPRESSEE", "ClasseurIllisible", "ClasseurOds", "ouvrir_ods"]

SUFFIXE_ODS = ".ods"
TAILLE_MAX_DECOMPRESSEE = 100 * 1024 * 1024
"""Un classeur de conventions décompressé pèse quelques centaines de kilo-octets ; au-delà de 100 Mio, refusé."""
CELLULES_MAX = 1_000_000
"""Cellules remplies au plus. Une ligne ou une cellule du format OpenDocument peut se dire répétée un million
de fois en quelques octets : les répétitions sont comptées avant que calamine ne les déploie en mémoire."""
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


class ClasseurIllisible(Exception):
    """Le fichier n'est pas un classeur OpenDocument lisible (le message dit pourquoi, en français)."""


class _Feuille:
    def __init__(self, lignes: list[list[Any]]) -> None:
        self._lignes = lignes

    def iter_rows(self, *, values_only: bool = True) -> Iterator[tuple[Any, ...]]:
        for ligne in self._lignes:
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


def _parcourir(flux: IO[bytes]) -> tuple[int, str]:
    """Cellules remplies (répétitions comprises) et première formule sans valeur enregistrée, au fil du XML.

    Une formule sans valeur serait lue comme une cellule vide : une convention tripartite deviendrait
    bipartite sans rien dire. Calc enregistre toujours la valeur ; seul un fichier forgé en manque.
    """
    total, feuille, rang, fautive = 0, "", 0, ""
    balises = (_TABLE + "table", _TABLE + "table-row")
    options = {"resolve_entities": False, "no_network": True, "load_dtd": False}
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
            if not fautive and not valeur and cellule.get(_TABLE + "formula") is not None:
                fautive = f"feuille {feuille}, cellule {get_column_letter(colonne + 1)}{rang + 1}"
            colonne += largeur
        repetitions = int(element.get(_TABLE + "number-rows-repeated", "1"))
        total, rang = total + repetitions * remplies, rang + repetitions
        element.clear()
        if total > CELLULES_MAX:
            break
    return total, fautive


def ouvrir_ods(chemin: Path) -> ClasseurOds:
    """Ouvre le classeur ; lève :class:`ClasseurIllisible` s'il n'est pas un .ods valide ou s'il est démesuré."""
    octets = chemin.read_bytes()
    try:
        with zipfile.ZipFile(io.BytesIO(octets)) as archive:
            if sum(i.file_size for i in archive.infolist()) > TAILLE_MAX_DECOMPRESSEE:
                raise ClasseurIllisible("classeur démesuré une fois décompressé (bombe zip ?) : refusé")
            if "content.xml" not in archive.namelist():
                raise ClasseurIllisible("ce n'est pas un classeur OpenDocument (content.xml manquant)")
            with archive.open("content.xml") as flux:
                cellules, formule = _parcourir(flux)
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError):
        raise ClasseurIllisible("ce n'est pas un classeur OpenDocument valide (archive illisible)") from None
    except (etree.XMLSyntaxError, ValueError):
        raise ClasseurIllisible("ce n'est pas un classeur OpenDocument valide (contenu illisible)") from None
    if formule:
        raise ClasseurIllisible(
            f"formule sans valeur enregistrée ({formule}) : ouvrez le classeur dans LibreOffice Calc et "
            "enregistrez-le, pour que la valeur soit calculée"
        )
    if cellules > CELLULES_MAX:
        raise ClasseurIllisible(
            f"classeur démesuré : plus de {CELLULES_MAX:_} cellules remplies".replace("_", "\u202f")
        )
    try:
        return ClasseurOds(octets)
    except Exception:  # calamine : XML abîmé, contenu inattendu
        raise ClasseurIllisible("ce n'est pas un classeur OpenDocument valide (contenu illisible)") from None
