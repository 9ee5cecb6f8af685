"""Briques du document : paragraphes d'un seul run, blocs de lignes et tableaux à largeurs fixes."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from docx.document import Document as DocumentWord
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Twips
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from convgen.francais import typographie

from .constantes import STYLE_PUCE_TABLEAU, STYLE_SOUS_PUCE_TABLEAU, STYLE_TABLEAU, STYLE_TEXTE_TABLEAU
from .ooxml import colorer_fond, element, fixer_largeurs, vider

# ---------------------------------------------------------------------------
# Typographie et paragraphes
# ---------------------------------------------------------------------------


_BALISE = re.compile(r"(\{[{%#].*?[}%#]\})")


def fr(texte: str) -> str:
    """Typographie française du texte fixe (apostrophes ’, espaces insécables) ; les balises restent intactes."""
    return "".join(morceau if _BALISE.fullmatch(morceau) else typographie(morceau) for morceau in _BALISE.split(texte))


def paragraphe(
    conteneur: DocumentWord | _Cell,
    texte: str = "",
    style: str | None = None,
    *,
    gras: bool = False,
    italique: bool = False,
    alignement: WD_ALIGN_PARAGRAPH | None = None,
) -> Paragraph:
    """Ajoute un paragraphe fait d'un seul run : une balise n'y est jamais coupée."""
    p = conteneur.add_paragraph(style=style)
    if texte:
        run = p.add_run(fr(texte))
        run.bold = gras or None
        run.italic = italique or None
    if alignement is not None:
        p.alignment = alignement
    return p


def blocs(conteneur: DocumentWord | _Cell, lignes: Iterable[str], style: str, puce: str) -> None:
    """Écrit une suite de lignes : « - » une puce, « -- » une sous-puce (tableaux), « ** » du gras."""
    for ligne in lignes:
        if ligne.startswith("-- "):
            paragraphe(conteneur, ligne[3:], STYLE_SOUS_PUCE_TABLEAU)
        elif ligne.startswith("- "):
            paragraphe(conteneur, ligne[2:], puce)
        elif ligne.startswith("**"):
            paragraphe(conteneur, ligne[2:], style, gras=True)
        else:
            paragraphe(conteneur, ligne, style)


# ---------------------------------------------------------------------------
# Tableaux
# ---------------------------------------------------------------------------


def tableau(doc: DocumentWord, largeurs: Sequence[int], *, style: str | None = STYLE_TABLEAU) -> Table:
    """Tableau à largeurs fixes (en twips), sans ligne : on ajoute les lignes ensuite."""
    t = doc.add_table(rows=0, cols=len(largeurs))
    if style:
        t.style = doc.styles[style]
    t.alignment = WD_TABLE_ALIGNMENT.LEFT
    fixer_largeurs(t, largeurs)
    return t


def ligne(
    t: Table,
    largeurs: Sequence[int],
    *,
    entete: bool = False,
    fond: str | None = None,
    insecable: bool = True,
) -> _Row:
    """Nouvelle ligne, insécable sauf ``insecable=False`` ; ``entete`` la répète en haut de chaque page."""
    r = t.add_row()
    tr_pr = r._tr.get_or_add_trPr()
    if insecable:
        tr_pr.append(element("<w:cantSplit/>"))
    if entete:
        tr_pr.append(element("<w:tblHeader/>"))
    for cellule, largeur in zip(r.cells, largeurs, strict=True):
        cellule.width = Twips(largeur)
        if fond:
            colorer_fond(cellule, fond)
        cellule.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER if entete else WD_CELL_VERTICAL_ALIGNMENT.TOP
    return r


def ligne_balise(t: Table, largeurs: Sequence[int], balise: str) -> None:
    """Ligne qui ne porte qu'une balise ``{%tr … %}`` : docxtpl la remplace entière."""
    r = ligne(t, largeurs)
    cellule(r.cells[0].merge(r.cells[-1]), [balise])  # une seule cellule : balise lisible dans Word


def cellule(c: _Cell, lignes: Iterable[str], *, alignement: WD_ALIGN_PARAGRAPH | None = None) -> None:
    """Remplit une cellule (vidée d'abord) ; voir :func:`blocs` pour la syntaxe des lignes."""
    vider(c)
    blocs(c, lignes, STYLE_TEXTE_TABLEAU, STYLE_PUCE_TABLEAU)
    if alignement is not None:
        for p in c.paragraphs:
            p.alignment = alignement


def solidaires(lignes: Iterable[_Row]) -> None:
    """Garde ces lignes avec la suivante (« paragraphe solidaire » dans chaque cellule)."""
    for r in lignes:
        for c in r.cells:
            for p in c.paragraphs:
                p.paragraph_format.keep_with_next = True
