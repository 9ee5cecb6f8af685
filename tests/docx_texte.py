"""Outils des tests du document : texte normalisé d'un .docx (python-docx) ou d'un PDF (pdftotext),
données d'exemple modifiables, gabarits et tableaux construits pour les tests.

Format du texte d'un .docx (celui des fichiers de ``tests/golden/``), une ligne par élément :

* ``[en-tête] …`` puis le texte de l'en-tête de chaque section qui a le sien
  (paragraphes et cellules, dans l'ordre) ;
* le corps dans l'ordre du document : chaque paragraphe non vide sur une ligne ; un
  tableau commence par ``┌ tableau``, chaque ligne du tableau par ``├ ligne`` et chaque
  cellule tient sur une ligne ``│ …`` où ses paragraphes sont joints par `` ¶ `` (une
  cellule fusionnée n'apparaît qu'une fois) ;
* ``[pied de page] …`` pour le pied de page de chaque section qui a le sien.

Les blancs invisibles sont rendus visibles, pour que les fichiers de référence montrent la
typographie : U+00A0 (espace insécable) devient ``⍽``, U+202F (espace fine insécable)
``‿``, une tabulation ``⇥`` et un saut de ligne Word (``<w:br/>``) ``↵``. Ces signes ne
figurent pas dans les données d'exemple ; s'ils y figuraient, le texte serait ambigu.

Les fichiers de référence se régénèrent avec ``CONVGEN_REGENERER_GOLDEN=1`` (voir
``test_texte_de_reference`` dans ``tests/test_rendu.py``) ; relisez leur diff avant de valider.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from conftest import SUPPRIMER, modifier  # noqa: F401 (une seule définition, réexportée pour les tests)
from docx import Document
from docx.document import Document as DocumentWord
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

if TYPE_CHECKING:
    from convgen.modele import Convention

VISIBLES = str.maketrans({"\u00a0": "⍽", "\u202f": "‿", "\t": "⇥", "\n": "↵"})
"""Blancs invisibles → signes visibles (voir la docstring du module)."""

OUTILS_PDF = ("soffice", "pdftotext", "pdffonts", "pdfinfo")


def visible(texte: str) -> str:
    r"""« 60\u202f000,50\xa0€ » → « 60‿000,50⍽€ »."""
    return texte.translate(VISIBLES)


def ouvrir(source: str | Path | bytes) -> DocumentWord:
    """Le document python-docx d'un chemin ou d'octets."""
    return Document(io.BytesIO(source) if isinstance(source, bytes) else str(source))


def _paragraphe(p: Paragraph) -> str:
    return visible(p.text)


def _cellule(cellule: _Cell) -> str:
    morceaux: list[str] = []
    for bloc in cellule.iter_inner_content():
        if isinstance(bloc, Paragraph):
            if bloc.text:
                morceaux.append(_paragraphe(bloc))
        else:
            morceaux.extend(_lignes_tableau(bloc))
    return " ¶ ".join(morceaux)


def _lignes_tableau(tableau: Table) -> Iterator[str]:
    yield "┌ tableau"
    for rang in tableau.rows:
        yield "├ ligne"
        vues: set[int] = set()
        for cellule in rang.cells:
            if id(cellule._tc) in vues:  # cellule fusionnée : python-docx la répète
                continue
            vues.add(id(cellule._tc))
            yield f"│ {_cellule(cellule)}".rstrip()


def _blocs(conteneur: object) -> Iterator[str]:
    for bloc in conteneur.iter_inner_content():  # type: ignore[attr-defined]
        if isinstance(bloc, Paragraph):
            if bloc.text:
                yield _paragraphe(bloc)
        else:
            yield from _lignes_tableau(bloc)


def lignes_docx(source: str | Path | bytes | DocumentWord) -> list[str]:
    """Les lignes du texte normalisé d'un .docx (format décrit en tête du module)."""
    doc = source if isinstance(source, DocumentWord) else ouvrir(source)
    lignes: list[str] = []
    for section in doc.sections:
        if not section.header.is_linked_to_previous:
            lignes += [f"[en-tête] {ligne}" for ligne in _blocs(section.header)]
    lignes += list(_blocs(doc))
    for section in doc.sections:
        if not section.footer.is_linked_to_previous:
            lignes += [f"[pied de page] {ligne}" for ligne in _blocs(section.footer)]
    return lignes


def texte_docx(source: str | Path | bytes | DocumentWord) -> str:
    """Le texte normalisé d'un .docx, une ligne par élément, terminé par un saut de ligne."""
    return "\n".join(lignes_docx(source)) + "\n"


def paragraphes_bruts(source: str | Path | bytes | DocumentWord) -> list[str]:
    """Tous les textes (paragraphes du corps et des cellules), sans rendre les blancs visibles."""
    doc = source if isinstance(source, DocumentWord) else ouvrir(source)
    return [Paragraph(p, doc).text for p in doc.element.body.iter(qn("w:p"))]


# --- PDF ------------------------------------------------------------------------------------


def espaces_normalises(texte: str) -> str:
    """U+00A0, U+202F et toute suite de blancs deviennent une seule espace (texte tiré d'un PDF)."""
    return re.sub(r"\s+", " ", texte.replace("\u00a0", " ").replace("\u202f", " ")).strip()


def outils_absents() -> list[str]:
    """Les outils externes des tests PDF qui manquent (LibreOffice, poppler)."""
    return [outil for outil in OUTILS_PDF if shutil.which(outil) is None]


def _executer(*commande: str | Path) -> str:
    resultat = subprocess.run(
        [str(c) for c in commande], capture_output=True, text=True, encoding="utf-8", timeout=60, check=True
    )
    return resultat.stdout


def texte_pdf(chemin: Path) -> str:
    """Le texte du PDF selon pdftotext, espaces normalisés."""
    return espaces_normalises(_executer("pdftotext", "-enc", "UTF-8", chemin, "-"))


def polices_pdf(chemin: Path) -> list[tuple[str, str]]:
    """Les polices du PDF selon pdffonts : (nom, colonne « emb »).

    Les cinq dernières colonnes (emb, sub, uni, object, ID) sont d'un mot chacune : on les
    lit depuis la fin, car le type (« CID TrueType ») peut contenir une espace.
    """
    lignes = _executer("pdffonts", chemin).splitlines()
    assert lignes[0].split()[:2] == ["name", "type"] and set(lignes[1]) <= {"-", " "}, lignes[:2]
    return [(ligne.split()[0], ligne.split()[-5]) for ligne in lignes[2:] if ligne.strip()]


def pages_pdf(chemin: Path) -> int:
    """Le nombre de pages du PDF selon pdfinfo."""
    (ligne,) = [ligne for ligne in _executer("pdfinfo", chemin).splitlines() if ligne.startswith("Pages:")]
    return int(ligne.split()[1])


def metadonnees_pdf(chemin: Path) -> str:
    """Les métadonnées XMP du PDF (``pdfinfo -meta``)."""
    return _executer("pdfinfo", "-meta", chemin)


# --- Données d'exemple ----------------------------------------------------------------------

RACINE = Path(__file__).resolve().parents[1]
EXEMPLES = RACINE / "donnees_exemple"
FICHIERS_EXEMPLES = {"auvergne": "auvergne_2009_tripartite.yaml", "bretagne": "bretagne_2009_bipartite.yaml"}


def donnees_exemple(nom: str) -> dict[str, Any]:
    """Les données d'un exemple livré (« auvergne » ou « bretagne »), copie neuve, montants en Decimal."""
    from convgen.chargement import lire

    donnees, _ = lire(EXEMPLES / FICHIERS_EXEMPLES[nom])
    return donnees


def convention_exemple(nom: str, changements: dict[str, Any] | None = None) -> Convention:
    """La convention d'un exemple, éventuellement modifiée, construite par ``depuis_donnees``."""
    from convgen.chargement import depuis_donnees

    return depuis_donnees(modifier(donnees_exemple(nom), changements or {}))


# --- Documents et gabarits construits pour les tests ------------------------------------------------


def tableau_apres(doc: DocumentWord, debut: str) -> Table:
    """Le premier tableau qui suit le paragraphe commençant par ``debut``."""
    vu = False
    for bloc in doc.iter_inner_content():
        if isinstance(bloc, Table) and vu:
            return bloc
        vu = vu or (not isinstance(bloc, Table) and bloc.text.startswith(debut))
    raise AssertionError(f"pas de tableau après « {debut} »")


def tableaux_annexe(doc: DocumentWord) -> list[Table]:
    """Les tableaux de l'annexe : ceux dont la première cellule est « N° »."""
    return [t for t in doc.tables if t.rows[0].cells[0].text == "N°"]


def gabarit_word(dossier: Path, *paragraphes: str) -> Path:
    """Un gabarit .docx fait avec python-docx, dont le corps contient ces paragraphes."""
    doc = Document()
    for texte in paragraphes:
        doc.add_paragraph(texte)
    chemin = dossier / "gabarit.docx"
    doc.save(str(chemin))
    return chemin


def archive_zip(entrees: dict[str, bytes]) -> bytes:
    """Une archive zip faite de ces entrées (nom → contenu), compressée."""
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED) as archive:
        for nom, contenu in entrees.items():
            archive.writestr(nom, contenu)
    return tampon.getvalue()


def archive_sans_corps() -> bytes:
    """Une archive zip qui n'a pas de word/document.xml."""
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/styles.xml", "<w:styles/>")
    return tampon.getvalue()


RELATION_IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
_IMAGE_LIEE = (
    '<w:p><w:r><w:drawing><wp:inline><wp:extent cx="952500" cy="952500"/><wp:docPr id="99" name="image"/>'
    '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
    '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr>'
    '<pic:cNvPr id="99" name="image"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:link="rIdExterne"/>'
    '<a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/>'
    '<a:ext cx="952500" cy="952500"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
    "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
)


def avec_relation_externe(docx: Path, cible: str, *, image: bool = True, type_: str = RELATION_IMAGE) -> Path:
    """Réécrit ``docx`` avec une relation ``TargetMode="External"`` vers ``cible`` (http://…, file://…) et, si
    ``image``, une image liée (et non incorporée) qui s'en sert au bout du corps."""
    octets = docx.read_bytes()
    relation = f'<Relationship Id="rIdExterne" Type="{type_}" Target="{cible}" TargetMode="External"/>'
    with zipfile.ZipFile(io.BytesIO(octets)) as source, zipfile.ZipFile(docx, "w") as copie:
        for info in source.infolist():
            contenu = source.read(info)
            if info.filename == "word/_rels/document.xml.rels":
                contenu = contenu.replace(b"</Relationships>", relation.encode() + b"</Relationships>")
            elif info.filename == "word/document.xml" and image:
                texte = contenu.decode("utf-8")
                fin = texte.rindex("<w:sectPr")
                contenu = (texte[:fin] + _IMAGE_LIEE + texte[fin:]).encode("utf-8")
            copie.writestr(info, contenu)
    return docx


def png_rouge() -> bytes:
    """Une image PNG de 20 × 20 pixels rouges, faite à la main (zlib)."""
    import struct
    import zlib

    def morceau(sorte: bytes, donnees: bytes) -> bytes:
        return struct.pack(">I", len(donnees)) + sorte + donnees + struct.pack(">I", zlib.crc32(sorte + donnees))

    lignes = b"".join(b"\x00" + b"\xff\x00\x00" * 20 for _ in range(20))
    entete = struct.pack(">IIBBBBB", 20, 20, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + morceau(b"IHDR", entete)
        + morceau(b"IDAT", zlib.compress(lignes))
        + morceau(b"IEND", b"")
    )
