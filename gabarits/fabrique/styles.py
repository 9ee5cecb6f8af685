"""Styles du document, listes à tirets, mise en page, en-tête et pied de page."""

from __future__ import annotations

from docx.document import Document as DocumentWord
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Cm, Pt, Twips
from docx.styles.style import BaseStyle

from .briques import paragraphe
from .constantes import (
    A4_COURT,
    A4_LONG,
    BORDURE,
    GRIS_TEXTE,
    LANGUE,
    LARGEUR_PORTRAIT,
    MARGE_CELLULE,
    MARGE_PAYSAGE,
    MARGE_PORTRAIT,
    NOIR,
    NUM_PUCE_CORPS,
    NUM_PUCE_TABLEAU,
    NUM_SOUS_PUCE_TABLEAU,
    POLICE,
    STYLE_PUCE_TABLEAU,
    STYLE_SOUS_PUCE_TABLEAU,
    STYLE_TABLEAU,
    STYLE_TEXTE_TABLEAU,
    TIRET,
)
from .ooxml import bordures, champ, element, fixer_largeurs, paragraphe_minuscule, polices, vider

# ---------------------------------------------------------------------------
# Styles
# ---------------------------------------------------------------------------


def styles(doc: DocumentWord) -> None:
    """Styles réels : Normal, Titre, Sous-titre, Titre 1 et 2, listes, en-tête, tableaux."""
    racine = doc.styles.element
    rpr_defaut = racine.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    polices(rpr_defaut)
    for taille in rpr_defaut.xpath("w:sz|w:szCs"):
        taille.set(qn("w:val"), "20")
    lang = rpr_defaut.find(qn("w:lang"))
    lang.attrib.clear()
    lang.set(qn("w:val"), LANGUE)
    lang.set(qn("w:eastAsia"), LANGUE)
    for rfonts in racine.iter(qn("w:rFonts")):
        polices(rfonts.getparent())
    _style_normal(doc)
    _style_titres(doc)
    _style_listes(doc)
    _style_entete_pied(doc)
    _style_tableaux(doc)


def _format(
    style: BaseStyle,
    taille: float,
    *,
    gras: bool | None = None,
    avant: float = 0,
    apres: float = 0,
    alignement: WD_ALIGN_PARAGRAPH | None = None,
    suivant: bool | None = None,
) -> None:
    """Police, taille, couleur et espacements d'un style de paragraphe."""
    police = style.font
    police.name, police.size, police.bold, police.italic = POLICE, Pt(taille), gras, None
    police.color.rgb = NOIR
    rpr = style.element.get_or_add_rPr()
    polices(rpr)
    for inutile in rpr.xpath("w:spacing|w:kern|w:szCs|w:bCs|w:iCs"):
        rpr.remove(inutile)
    pf = style.paragraph_format
    pf.space_before, pf.space_after = Pt(avant), Pt(apres)
    pf.alignment = alignement
    pf.keep_with_next = suivant
    ppr = style.element.get_or_add_pPr()
    for inutile in ppr.xpath("w:pBdr|w:contextualSpacing"):
        ppr.remove(inutile)


def _style_normal(doc: DocumentWord) -> None:
    normal = doc.styles["Normal"]
    _format(normal, 10, apres=6, alignement=WD_ALIGN_PARAGRAPH.JUSTIFY)
    normal.paragraph_format.line_spacing = 1.1
    normal.paragraph_format.widow_control = True


def _style_titres(doc: DocumentWord) -> None:
    _format(doc.styles["Title"], 16, gras=True, avant=18, apres=6, alignement=WD_ALIGN_PARAGRAPH.CENTER)
    doc.styles["Title"].paragraph_format.keep_with_next = True
    _format(doc.styles["Subtitle"], 11, gras=True, apres=24, alignement=WD_ALIGN_PARAGRAPH.CENTER)
    gauche = WD_ALIGN_PARAGRAPH.LEFT
    _format(doc.styles["Heading 1"], 12, gras=True, avant=18, apres=6, alignement=gauche, suivant=True)
    _format(doc.styles["Heading 2"], 10.5, gras=True, avant=12, apres=4, alignement=gauche, suivant=True)
    for nom in ("Title", "Subtitle", "Heading 1", "Heading 2"):
        doc.styles[nom].paragraph_format.keep_together = True


def _style_listes(doc: DocumentWord) -> None:
    """Puces : un tiret demi-cadratin en Arial, dans le texte (List Bullet) et dans les tableaux."""
    puce = doc.styles["List Bullet"]
    _format(puce, 10, apres=3, alignement=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _numero_liste(puce, NUM_PUCE_CORPS)
    texte = doc.styles.add_style(STYLE_TEXTE_TABLEAU, WD_STYLE_TYPE.PARAGRAPH)
    texte.base_style = doc.styles["Normal"]
    _format(texte, 9, alignement=WD_ALIGN_PARAGRAPH.LEFT)
    texte.paragraph_format.line_spacing = 1.0
    puce_tableau = doc.styles.add_style(STYLE_PUCE_TABLEAU, WD_STYLE_TYPE.PARAGRAPH)
    puce_tableau.base_style = texte
    _format(puce_tableau, 9, apres=1, alignement=WD_ALIGN_PARAGRAPH.LEFT)
    _numero_liste(puce_tableau, NUM_PUCE_TABLEAU)
    # Listes imbriquées de l'annexe-type (actions 1, 13 et 14) : un second niveau, plus en retrait.
    sous_puce = doc.styles.add_style(STYLE_SOUS_PUCE_TABLEAU, WD_STYLE_TYPE.PARAGRAPH)
    sous_puce.base_style = puce_tableau
    _format(sous_puce, 9, apres=1, alignement=WD_ALIGN_PARAGRAPH.LEFT)
    _numero_liste(sous_puce, NUM_SOUS_PUCE_TABLEAU)
    for style in (texte, puce_tableau, sous_puce):
        style.quick_style = True


def _numero_liste(style: BaseStyle, num_id: int) -> None:
    numpr = style.element.get_or_add_pPr().get_or_add_numPr()
    numpr.get_or_add_ilvl().val = 0
    numpr.get_or_add_numId().val = num_id


def _style_entete_pied(doc: DocumentWord) -> None:
    for nom in ("Header", "Footer"):
        style = doc.styles[nom]
        _format(style, 8, alignement=WD_ALIGN_PARAGRAPH.LEFT)
        style.font.color.rgb = GRIS_TEXTE
        style.paragraph_format.line_spacing = 1.0
        ppr = style.element.get_or_add_pPr()
        for tabs in ppr.xpath("w:tabs"):
            ppr.remove(tabs)


def _style_tableaux(doc: DocumentWord) -> None:
    """Style de tableau : filets gris fins, marges de cellule, Arial 9 pt."""
    style = doc.styles.add_style(STYLE_TABLEAU, WD_STYLE_TYPE.TABLE)
    style.base_style = doc.styles["Normal Table"]
    style.font.name, style.font.size = POLICE, Pt(9)
    polices(style.element.get_or_add_rPr())
    filets = "".join(
        f'<w:{cote} w:val="single" w:sz="4" w:space="0" w:color="{BORDURE}"/>'
        for cote in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    style.element.append(
        element(
            f"<w:tblPr><w:tblBorders>{filets}</w:tblBorders><w:tblCellMar>"
            f'<w:top w:w="57" w:type="dxa"/><w:left w:w="{MARGE_CELLULE}" w:type="dxa"/>'
            f'<w:bottom w:w="57" w:type="dxa"/><w:right w:w="{MARGE_CELLULE}" w:type="dxa"/>'
            "</w:tblCellMar></w:tblPr>"
        )
    )


def numerotation(doc: DocumentWord) -> None:
    """Trois listes à puces (corps du texte, cellules de tableau et leur second niveau) dans numbering.xml."""
    numbering = doc.part.numbering_part.element
    premier_num = numbering.find(qn("w:num"))
    for num_id, gauche, retrait, puce in (
        (NUM_PUCE_CORPS, 567, 284, TIRET),
        (NUM_PUCE_TABLEAU, 198, 198, TIRET),
        (NUM_SOUS_PUCE_TABLEAU, 425, 198, "\u2022"),
    ):
        abstrait = element(
            f'<w:abstractNum w:abstractNumId="{num_id}"><w:multiLevelType w:val="singleLevel"/>'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
            f'<w:lvlText w:val="{puce}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{gauche}" w:hanging="{retrait}"/></w:pPr>'
            f'<w:rPr><w:rFonts w:ascii="{POLICE}" w:hAnsi="{POLICE}" w:eastAsia="{POLICE}" w:cs="{POLICE}"/></w:rPr>'
            "</w:lvl></w:abstractNum>"
        )
        premier_num.addprevious(abstrait)
        numbering.append(element(f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{num_id}"/></w:num>'))


# ---------------------------------------------------------------------------
# Mise en page, en-tête et pied de page
# ---------------------------------------------------------------------------


def mise_en_page(section: Section, *, paysage: bool) -> None:
    """A4 portrait (marges de 2 cm) ou paysage (marges de 1,5 cm)."""
    section.orientation = WD_ORIENT.LANDSCAPE if paysage else WD_ORIENT.PORTRAIT
    largeur, hauteur = (A4_LONG, A4_COURT) if paysage else (A4_COURT, A4_LONG)
    section.page_width, section.page_height = Twips(largeur), Twips(hauteur)
    marge = Twips(MARGE_PAYSAGE if paysage else MARGE_PORTRAIT)
    section.top_margin = section.bottom_margin = section.left_margin = section.right_margin = marge
    section.header_distance = section.footer_distance = Cm(0.7 if paysage else 1)


def entete_pied(section: Section) -> None:
    """En-tête (référence de la convention, mention « PROJET ») et pied « Page X sur Y ».

    L'en-tête est un tableau sans bordure en largeur relative (100 %) : il s'adapte aux
    deux orientations, car la section de l'annexe reprend les mêmes en-tête et pied.
    """
    entete = section.header
    tableau = entete.add_table(1, 2, Twips(LARGEUR_PORTRAIT))
    fixer_largeurs(tableau, (LARGEUR_PORTRAIT - 2000, 2000))
    tbl_pr = tableau._tbl.tblPr
    for noeud in tbl_pr.xpath("w:tblLayout"):
        tbl_pr.remove(noeud)
    for noeud in tbl_pr.xpath("w:tblW"):
        noeud.set(qn("w:w"), "5000")
        noeud.set(qn("w:type"), "pct")
    bordures(tableau, bas=True)
    gauche, droite = tableau.rows[0].cells
    vider(gauche)
    paragraphe(gauche, "{{ convention.entete }}", "Header")
    vider(droite)
    projet = paragraphe(droite, "{{ convention.mention_projet }}", "Header", gras=True)
    projet.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    projet.runs[0].font.size = Pt(11)
    projet.runs[0].font.color.rgb = NOIR
    suite = entete.paragraphs[0]
    entete._element.remove(suite._element)
    entete._element.append(suite._element)
    paragraphe_minuscule(suite)
    pied = section.footer.paragraphs[0]
    pied.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pied.add_run("Page ")
    champ(pied, "PAGE", "1")
    pied.add_run(" sur ")
    champ(pied, "NUMPAGES", "1")
