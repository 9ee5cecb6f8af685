"""Fin de la convention : mention « Fait à … » et blocs de signature."""

from __future__ import annotations

from docx.document import Document as DocumentWord
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from .briques import cellule, ligne, paragraphe, solidaires, tableau
from .constantes import LARGEUR_PORTRAIT
from .ooxml import bordures


def signatures(doc: DocumentWord) -> None:
    """« Fait à … » puis un tableau d'une ligne, une colonne par partie, sans bordure."""
    mention = paragraphe(doc, "{{ signature.mention }}")
    mention.paragraph_format.space_before = Pt(18)
    mention.paragraph_format.space_after = Pt(12)
    mention.paragraph_format.keep_with_next = True
    for balise, nombre in (("{%p if convention.tripartite %}", 3), ("{%p else %}", 2)):
        paragraphe(doc, balise)
        _bloc_signatures(doc, nombre)
    paragraphe(doc, "{%p endif %}")


def _bloc_signatures(doc: DocumentWord, nombre: int) -> None:
    """Deux lignes solidaires : « Pour … » et qualité, puis espace de signature et nom.

    Les noms sont sur une même ligne du tableau : ils restent alignés quelle que soit la
    longueur des qualités.
    """
    base = LARGEUR_PORTRAIT // nombre
    largeurs = [base] * (nombre - 1) + [LARGEUR_PORTRAIT - base * (nombre - 1)]
    t = tableau(doc, largeurs, style=None)
    bordures(t)
    qualites, noms = ligne(t, largeurs), ligne(t, largeurs)
    for rang in range(nombre):
        signataire = f"signataires[{rang}]"
        cellule(
            qualites.cells[rang],
            [f"**{{{{ {signataire}.pour }}}}", f"{{{{ {signataire}.qualite }}}}"],
            alignement=WD_ALIGN_PARAGRAPH.CENTER,
        )
        cellule(noms.cells[rang], [f"{{{{ {signataire}.nom }}}}"], alignement=WD_ALIGN_PARAGRAPH.CENTER)
        noms.cells[rang].paragraphs[0].paragraph_format.space_before = Cm(2.5)
    for c in (*qualites.cells, *noms.cells):
        for p in c.paragraphs:
            p.runs[0].font.size = Pt(10)
    solidaires([qualites])
