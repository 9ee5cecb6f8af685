"""Outils OOXML bruts : éléments écrits en clair, polices, champs, bordures, fonds, largeurs."""

from __future__ import annotations

import re
from collections.abc import Sequence

from docx.enum.text import WD_LINE_SPACING
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Pt, Twips
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from .constantes import BORDURE, POLICE


def element(xml: str) -> BaseOxmlElement:
    """Un élément OOXML écrit en clair, avec l'espace de noms ``w``."""
    return parse_xml(re.sub(r"^<(w:\w+)", rf"<\1 {nsdecls('w')}", xml, count=1))


def polices(rpr: BaseOxmlElement) -> None:
    """Arial pour les quatre familles d'écriture, sans police de thème."""
    rfonts = rpr.get_or_add_rFonts()
    for attribut in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        rfonts.attrib.pop(qn(f"w:{attribut}"), None)
    for attribut in ("ascii", "hAnsi", "eastAsia", "cs"):
        rfonts.set(qn(f"w:{attribut}"), POLICE)


def champ(p: Paragraph, instruction: str, valeur: str) -> None:
    """Champ complexe Word (begin, instrText, separate, valeur, end)."""
    for xml in (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>',
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
        f"<w:r><w:t>{valeur}</w:t></w:r>",
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
    ):
        p._p.append(element(xml))


def paragraphe_minuscule(p: Paragraph) -> None:
    """Paragraphe obligatoire (fin d'en-tête, saut de section) réduit à 1 pt de haut."""
    pf = p.paragraph_format
    pf.space_before = pf.space_after = Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(1)
    ppr = p._p.get_or_add_pPr()
    ppr.insert_element_before(element('<w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr>'), "w:sectPr")


def fixer_largeurs(t: Table, largeurs: Sequence[int]) -> None:
    """Largeurs fixes (en twips) : colonnes, largeur totale du tableau et cellules déjà créées."""
    t.autofit = False
    for colonne, largeur in zip(t.columns, largeurs, strict=True):
        colonne.width = Twips(largeur)
    tbl_pr = t._tbl.tblPr
    for noeud in tbl_pr.xpath("w:tblW"):
        noeud.set(qn("w:w"), str(sum(largeurs)))
        noeud.set(qn("w:type"), "dxa")
    for ligne in t.rows:
        for cellule, largeur in zip(ligne.cells, largeurs, strict=True):
            cellule.width = Twips(largeur)


def vider(cellule: _Cell) -> None:
    """Retire tous les paragraphes d'une cellule."""
    for p in cellule._tc.xpath("w:p"):
        cellule._tc.remove(p)


def colorer_fond(cellule: _Cell, couleur: str) -> None:
    """Fond uni d'une cellule (``w:shd``), placé dans ``w:tcPr`` à l'endroit voulu par le schéma."""
    tc_pr = cellule._tc.get_or_add_tcPr()
    tc_pr.insert_element_before(
        element(f'<w:shd w:val="clear" w:color="auto" w:fill="{couleur}"/>'),
        "w:noWrap",
        "w:tcMar",
        "w:textDirection",
        "w:tcFitText",
        "w:vAlign",
        "w:hideMark",
    )


def bordures(t: Table, *, bas: bool = False) -> None:
    """Tableau sans bordure (bloc de signature, en-tête), avec au besoin un filet en bas."""
    cotes = "".join(
        f'<w:{c} w:val="single" w:sz="4" w:space="0" w:color="{BORDURE}"/>'
        if bas and c == "bottom"
        else f'<w:{c} w:val="nil"/>'
        for c in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    tbl_pr = t._tbl.tblPr
    tbl_pr.insert_element_before(
        element(f"<w:tblBorders>{cotes}</w:tblBorders>"),
        "w:shd",
        "w:tblLayout",
        "w:tblCellMar",
        "w:tblLook",
        "w:tblCaption",
        "w:tblDescription",
    )
