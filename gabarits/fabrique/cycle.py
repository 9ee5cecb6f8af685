"""Ce que partagent les gabarits du cycle de la convention (avenant, compte rendu d'exécution)."""

from __future__ import annotations

from docx import Document
from docx.document import Document as DocumentWord
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from .briques import paragraphe
from .paquet import nettoyer_paquet, reglages, theme
from .styles import entete_pied, mise_en_page, numerotation, styles


def document_portrait() -> DocumentWord:
    """Un document aux styles, réglages, en-tête et pied de page de la convention, en A4 portrait."""
    doc = Document()
    nettoyer_paquet(doc)
    styles(doc)
    numerotation(doc)
    reglages(doc)
    theme(doc)
    section = doc.sections[0]
    mise_en_page(section, paysage=False)
    entete_pied(section)
    return doc


def timbre(doc: DocumentWord, seconde_ligne: str) -> None:
    """« RÉPUBLIQUE FRANÇAISE » puis l'émetteur, en petit, centrés, comme en tête de la convention."""
    for texte, gras in (("RÉPUBLIQUE FRANÇAISE", True), (seconde_ligne, False)):
        p = paragraphe(doc, texte, gras=gras, alignement=WD_ALIGN_PARAGRAPH.CENTER)
        p.paragraph_format.space_after = Pt(0)
        p.runs[0].font.size = Pt(9)
