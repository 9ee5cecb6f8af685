"""Contrôle d'un classeur .xlsx avant qu'openpyxl ne le lise : taille, bombe, formules sans valeur.

Un classeur vient de l'extérieur. Avant de le confier à openpyxl, on vérifie ici, sur l'archive zip :

- qu'une fois décompressé il reste de taille raisonnable : openpyxl charge d'un bloc les textes
  partagés (``xl/sharedStrings.xml``), et 1,5 Mo compressés peuvent en faire 1,6 Go ; la taille
  déclarée de chaque partie est fiable, le module ``zipfile`` refusant d'en lire davantage ;
- qu'aucune cellule des feuilles de données ne porte une formule sans valeur enregistrée : un
  classeur écrit par un programme (et jamais ouvert dans un tableur) n'a que des formules, dont
  la valeur serait lue vide ; une convention tripartite deviendrait bipartite sans rien dire.

Les lignes sont comptées au passage : au-delà de :data:`LIGNES_LUES_MAX` (vides comprises), la
feuille n'est pas examinée plus loin, et la lecture s'arrêtera au même endroit.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from convgen.erreurs import FichierIllisible

TAILLE_DECOMPRESSEE_MAX = 100 * 2**20
"""Un classeur de conventions décompressé pèse quelques mégaoctets ; au-delà de 100 Mio, il est refusé."""
LIGNES_LUES_MAX = 50_000
"""Lignes lues au plus par feuille, vides comprises : un million de lignes vides ne retient pas la lecture."""

_PRINCIPAL = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PAQUET = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOCUMENT = _RELATIONS + "/officeDocument"
_ANALYSEUR = etree.XMLParser(resolve_entities=False, no_network=True)


@dataclass
class Apercu:
    """Ce que l'examen de l'archive a relevé, feuille par feuille."""

    formules_sans_valeur: dict[str, list[str]] = field(default_factory=dict)
    """Références (``C4``) des cellules dont la formule n'a pas de valeur enregistrée."""
    trop_longues: set[str] = field(default_factory=set)
    """Feuilles de plus de :data:`LIGNES_LUES_MAX` lignes, ou qui en ont une au-delà."""


def borner_decompression(archive: zipfile.ZipFile, chemin: Path) -> None:
    """Lève :class:`~convgen.erreurs.FichierIllisible` si l'archive dépasse :data:`TAILLE_DECOMPRESSEE_MAX`
    une fois décompressée (taille déclarée, que ``zipfile`` fait respecter à la lecture)."""
    decompresse = sum(i.file_size for i in archive.infolist())
    if decompresse > TAILLE_DECOMPRESSEE_MAX:
        raise FichierIllisible(
            f"classeur démesuré une fois décompressé ({decompresse // 2**20} Mio ; au plus "
            f"{TAILLE_DECOMPRESSEE_MAX // 2**20} Mio) : refusé (bombe zip ?)",
            fichier=chemin,
        )


def examiner_archive(octets: bytes, chemin: Path, feuilles: Iterable[str]) -> Apercu:
    """Contrôle l'archive et les feuilles nommées ; lève :class:`~convgen.erreurs.FichierIllisible` si elle est
    démesurée une fois décompressée. Une archive illisible est laissée à openpyxl, qui le dira."""
    apercu = Apercu()
    try:
        with zipfile.ZipFile(io.BytesIO(octets)) as archive:
            borner_decompression(archive, chemin)
            parties = _parties_des_feuilles(archive)
            for nom in feuilles:
                if nom in parties:
                    _examiner_feuille(archive, nom, parties[nom], apercu)
    except (zipfile.BadZipFile, KeyError, EOFError, zlib.error, etree.XMLSyntaxError, NotImplementedError):
        pass  # archive ou XML abîmé : openpyxl refusera le classeur ou la feuille, avec son message
    return apercu


def _cible(archive: zipfile.ZipFile, source: str, type_: str | None = None) -> dict[str, str]:
    """Les relations d'une partie : identifiant → chemin de la cible dans l'archive."""
    dossier, nom = posixpath.split(source)
    rels = etree.fromstring(archive.read(posixpath.join(dossier, "_rels", nom + ".rels")), _ANALYSEUR)
    cibles = {}
    for rel in rels.iter(f"{{{_PAQUET}}}Relationship"):
        if type_ is None or rel.get("Type") == type_:
            cible = rel.get("Target", "")
            chemin = cible.lstrip("/") if cible.startswith("/") else posixpath.normpath(posixpath.join(dossier, cible))
            cibles[rel.get("Id", "")] = chemin
    return cibles


def _parties_des_feuilles(archive: zipfile.ZipFile) -> dict[str, str]:
    """Nom de chaque feuille → chemin de sa partie XML (``xl/worksheets/sheet2.xml``)."""
    principal = next(iter(_cible(archive, "", _DOCUMENT).values()), "xl/workbook.xml")
    relations = _cible(archive, principal)
    classeur = etree.fromstring(archive.read(principal), _ANALYSEUR)
    return {
        feuille.get("name", ""): relations[feuille.get(f"{{{_RELATIONS}}}id", "")]
        for feuille in classeur.iter(f"{{{_PRINCIPAL}}}sheet")
        if feuille.get(f"{{{_RELATIONS}}}id", "") in relations
    }


def _examiner_feuille(archive: zipfile.ZipFile, nom: str, partie: str, apercu: Apercu) -> None:
    lignes = 0
    with archive.open(partie) as flux:
        for _, element in etree.iterparse(
            flux, events=("end",), tag=(f"{{{_PRINCIPAL}}}row", f"{{{_PRINCIPAL}}}c"), resolve_entities=False
        ):
            if element.tag.endswith("row"):
                lignes += 1
                numero = element.get("r", "")
                element.clear()  # mémoire constante, quelle que soit la feuille
                if lignes > LIGNES_LUES_MAX or (numero.isdigit() and int(numero) > LIGNES_LUES_MAX):
                    apercu.trop_longues.add(nom)
                    return
            elif element.find(f"{{{_PRINCIPAL}}}f") is not None and _sans_valeur(element):
                apercu.formules_sans_valeur.setdefault(nom, []).append(element.get("r", "?"))


def _sans_valeur(cellule: etree._Element) -> bool:
    """Pas de ``<v>``, ou un ``<v>`` vide hors résultat texte (« "" » calculé s'écrit ``t="str"``, ``<v></v>``)."""
    valeur = cellule.find(f"{{{_PRINCIPAL}}}v")
    return valeur is None or (not valeur.text and cellule.get("t") != "str")
