"""Classeurs OpenDocument (.ods, LibreOffice Calc) lus sans LibreOffice, avec l'interface qu'emploie la lecture.

openpyxl ne lit que l'Excel ; plutôt que de confier à un LibreOffice un classeur venu de
l'extérieur (liens externes, macros), on lit ``content.xml`` nous-mêmes, avec un
analyseur XML sans entités ni réseau, et l'on présente ce que :mod:`.lecture` attend
d'un classeur openpyxl : ``sheetnames``, ``classeur[nom].iter_rows(values_only=True)``,
``close()``. Les lignes et colonnes répétées (``number-rows-repeated``…) sont dépliées pour
que les numéros de ligne et lettres de colonne des constats soient ceux que voit l'agent ;
les lignes vides de fin de feuille (souvent répétées un million de fois) ne sont jamais
produites.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from lxml import etree
from openpyxl.utils import get_column_letter

CONTENU_MAX = 100 * 1024 * 1024
"""Taille décompressée de ``content.xml`` au-delà de laquelle le classeur est refusé (bombe zip)."""
COLONNES_MAX = 1024
"""Au-delà, les cellules d'une ligne sont ignorées : aucune feuille de convgen n'en a autant."""
LIGNES_MAX = 50_000
"""Comme pour un .xlsx (:data:`convgen.tableur.archive.LIGNES_LUES_MAX`) : une feuille qui a une ligne
remplie au-delà est refusée ; les lignes vides de fin, elles, ne comptent pas."""

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_CELLULES = {f"{{{_TABLE}}}table-cell", f"{{{_TABLE}}}covered-table-cell"}
Rangee = tuple[Any, ...]


class ClasseurOds:
    """Les feuilles d'un .ods, lues entièrement à l'ouverture (les classeurs de convgen sont petits)."""

    def __init__(self, source: Path | BinaryIO) -> None:
        self.formules_sans_valeur: dict[str, list[str]] = {}
        """Cellules (``C4``) dont la formule n'a pas de valeur enregistrée, par feuille : lues vides, elles
        tairaient une donnée (un classeur écrit par un programme, jamais ouvert dans un tableur)."""
        self.trop_longues: set[str] = set()
        """Feuilles qui ont une ligne remplie au-delà de :data:`LIGNES_MAX` : la lecture les refuse."""
        with zipfile.ZipFile(source) as archive:
            if archive.getinfo("content.xml").file_size > CONTENU_MAX:
                raise ValueError("content.xml démesuré")
            with archive.open("content.xml") as contenu:
                self._feuilles = _lire_feuilles(contenu, self.formules_sans_valeur, self.trop_longues)

    @property
    def sheetnames(self) -> list[str]:
        return list(self._feuilles)

    def __getitem__(self, nom: str) -> _Feuille:
        return _Feuille(self._feuilles[nom])

    def close(self) -> None:
        self._feuilles = {}


class _Feuille:
    def __init__(self, rangees: list[Rangee]) -> None:
        self._rangees = rangees

    def reset_dimensions(self) -> None:
        """Sans objet : les lignes sont celles du fichier, pas une dimension déclarée."""

    def iter_rows(self, *, values_only: bool, max_row: int | None = None) -> Iterator[Rangee]:
        assert values_only
        return iter(self._rangees[:max_row])


class _TropLongue(Exception):
    pass


def _lire_feuilles(contenu: Any, formules: dict[str, list[str]], trop_longues: set[str]) -> dict[str, list[Rangee]]:
    feuilles: dict[str, list[Rangee]] = {}
    analyse = etree.iterparse(
        contenu, events=("end",), tag=f"{{{_TABLE}}}table", resolve_entities=False, no_network=True, huge_tree=False
    )
    for _, table in analyse:
        nom = table.get(f"{{{_TABLE}}}name", "")
        sans_valeur: list[str] = []
        try:
            feuilles[nom] = list(_rangees(table, sans_valeur))
        except _TropLongue:
            feuilles[nom] = []
            trop_longues.add(nom)
        if sans_valeur:
            formules[nom] = sans_valeur
        table.clear()
    return feuilles


def _rangees(table: Any, sans_valeur: list[str]) -> Iterator[Rangee]:
    """Les lignes de la feuille ; une suite de lignes vides n'est produite que si une ligne remplie la suit."""
    vides, numero = 0, 1
    for ligne in table.iter(f"{{{_TABLE}}}table-row"):
        repetition = int(ligne.get(f"{{{_TABLE}}}number-rows-repeated", "1"))
        valeurs = _valeurs(ligne, numero, sans_valeur)
        numero += repetition
        if not valeurs:
            vides += repetition
            continue
        if numero > LIGNES_MAX:  # une ligne remplie au-delà : la feuille entière est refusée par la lecture
            raise _TropLongue
        yield from (() for _ in range(vides))
        vides = 0
        yield from (valeurs for _ in range(repetition))


def _valeurs(ligne: Any, numero: int, sans_valeur: list[str]) -> Rangee:
    """Les valeurs d'une ligne, cellules vides de fin retirées ; relève les formules sans valeur."""
    valeurs: list[Any] = []
    for cellule in ligne:
        if cellule.tag not in _CELLULES:
            continue
        if cellule.get(f"{{{_TABLE}}}formula") is not None and cellule.get(f"{{{_OFFICE}}}value-type") is None:
            sans_valeur.append(f"{get_column_letter(len(valeurs) + 1)}{numero}")
        repetition = int(cellule.get(f"{{{_TABLE}}}number-columns-repeated", "1"))
        valeurs.extend([_valeur(cellule)] * min(repetition, COLONNES_MAX - len(valeurs)))
        if len(valeurs) >= COLONNES_MAX:
            break
    while valeurs and valeurs[-1] is None:
        valeurs.pop()
    return tuple(valeurs)


def _valeur(cellule: Any) -> Any:
    """La valeur d'une cellule comme la rendrait openpyxl : nombre, date, booléen, texte ou None."""
    genre = cellule.get(f"{{{_OFFICE}}}value-type")
    if genre in ("float", "percentage", "currency"):
        return float(cellule.get(f"{{{_OFFICE}}}value"))
    if genre == "date":
        return dt.datetime.fromisoformat(cellule.get(f"{{{_OFFICE}}}date-value"))
    if genre == "boolean":
        return cellule.get(f"{{{_OFFICE}}}boolean-value") == "true"
    # Paragraphes enfants directs seulement : un commentaire (office:annotation) a les siens.
    paragraphes = ["".join(_texte(p)) for p in cellule if p.tag == f"{{{_TEXT}}}p"]
    return "\n".join(paragraphes) if paragraphes else None


def _texte(element: Any) -> Iterator[str]:
    """Le texte d'un paragraphe : espaces répétées (``text:s``), tabulations, sauts de ligne compris."""
    yield element.text or ""
    for enfant in element:
        if enfant.tag == f"{{{_TEXT}}}s":
            yield " " * int(enfant.get(f"{{{_TEXT}}}c", "1"))
        elif enfant.tag == f"{{{_TEXT}}}tab":
            yield "\t"
        elif enfant.tag == f"{{{_TEXT}}}line-break":
            yield "\n"
        else:
            yield from _texte(enfant)
        yield enfant.tail or ""
