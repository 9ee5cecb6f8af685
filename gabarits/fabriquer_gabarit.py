"""Fabrique le gabarit Word de la convention (circulaire DGEFP n° 2008-15).

Usage, depuis la racine du dépôt : ``python gabarits/fabriquer_gabarit.py``.

Le script construit avec python-docx le fichier ``gabarits/convention_dgefp_2008_15.docx``,
gabarit docxtpl rendu dans un environnement Jinja bac à sable, avec échappement
automatique et ``StrictUndefined`` : il n'utilise que les clés décrites dans
:mod:`convgen.schema_contexte`, sans calcul ni mise en forme, et chaque balise tient
dans un seul « run » (un seul ``add_run`` par balise). Le fichier produit est
reproductible octet pour octet (dates et horodatages du zip fixés).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentWord
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.shared import Cm, Pt, RGBColor, Twips
from docx.styles.style import BaseStyle
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

DESTINATION = Path(__file__).with_name("convention_dgefp_2008_15.docx")

POLICE = "Arial"
LANGUE = "fr-FR"
NOIR = RGBColor(0, 0, 0)
GRIS_TEXTE = RGBColor(0x40, 0x40, 0x40)
FOND_ENTETE = "D9D9D9"
FOND_TOTAL = "F2F2F2"
BORDURE = "7F7F7F"
TIRET = "\u2013"
MARGE_CELLULE = 85  # marge gauche et droite des cellules (twips) : les tableaux débordent d'autant à gauche
DATE_FIXE = dt.datetime(2000, 1, 1)

# Mise en page en twips (1 cm = 567 twips) : A4, marges de 2 cm puis 1,5 cm pour l'annexe.
A4_COURT, A4_LONG = 11906, 16838
MARGE_PORTRAIT, MARGE_PAYSAGE = 1134, 850
LARGEUR_PORTRAIT = A4_COURT - 2 * MARGE_PORTRAIT
LARGEUR_PAYSAGE = A4_LONG - 2 * MARGE_PAYSAGE

# Numéros des listes à tirets créées dans numbering.xml (corps du texte, tableaux).
NUM_PUCE_CORPS, NUM_PUCE_TABLEAU = 101, 102

STYLE_TABLEAU = "Tableau convention"
STYLE_TEXTE_TABLEAU = "Texte tableau"
STYLE_PUCE_TABLEAU = "Puce tableau"

COLONNES_ANNEXE = (
    ("N°", "", 510),
    ("QUOI", "l'intitulé de l'action", 1900),
    ("POURQUOI", "les objectifs de l'action", 2600),
    ("COMMENT", "les actions", 2900),
    ("QUI FAIT QUOI ?", "la méthode et l'organisation", 2900),
    ("ÉCHÉANCIER", "", 1800),
    ("COÛT PRÉVISIONNEL ET FINANCEMENT", "", 2528),
)
assert sum(c[2] for c in COLONNES_ANNEXE) == LARGEUR_PAYSAGE


# ---------------------------------------------------------------------------
# Typographie et petits outils
# ---------------------------------------------------------------------------


def fr(texte: str) -> str:
    """Pose les espaces insécables de la typographie française dans un texte fixe."""
    texte = re.sub(r" ([:;?!»])", "\u00a0\\1", texte)
    return texte.replace("« ", "«\u00a0").replace("n° ", "n°\u00a0")


def _element(xml: str) -> BaseOxmlElement:
    """Un élément OOXML écrit en clair, avec l'espace de noms ``w``."""
    return parse_xml(re.sub(r"^<(w:\w+)", rf"<\1 {nsdecls('w')}", xml, count=1))


def _polices(rpr: BaseOxmlElement) -> None:
    """Arial pour les quatre familles d'écriture, sans police de thème."""
    rfonts = rpr.get_or_add_rFonts()
    for attribut in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        rfonts.attrib.pop(qn(f"w:{attribut}"), None)
    for attribut in ("ascii", "hAnsi", "eastAsia", "cs"):
        rfonts.set(qn(f"w:{attribut}"), POLICE)


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
    """Écrit une suite de lignes : « - » donne une puce, « ** » du gras, « {%p » une balise."""
    for ligne in lignes:
        if ligne.startswith("- "):
            paragraphe(conteneur, ligne[2:], puce)
        elif ligne.startswith("**"):
            paragraphe(conteneur, ligne[2:], style, gras=True)
        else:
            paragraphe(conteneur, ligne, style)


# ---------------------------------------------------------------------------
# Paquet, propriétés et réglages
# ---------------------------------------------------------------------------


def nettoyer_paquet(doc: DocumentWord) -> None:
    """Retire la vignette, le customXml et stylesWithEffects du modèle de python-docx."""
    paquet = doc.part.package
    for proprietaire, types in (
        (paquet, {RT.THUMBNAIL}),
        (doc.part, {RT.CUSTOM_XML, "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"}),
    ):
        for rid, relation in list(proprietaire.rels.items()):
            if relation.reltype in types:
                del proprietaire.rels[rid]
                proprietaire.rels.related_parts.pop(rid, None)


def proprietes(doc: DocumentWord) -> None:
    """Propriétés du document : titre de la convention, français, auteur « convgen », dates fixes.

    Le titre est lui-même une balise : convgen rend aussi ``docProps/core.xml``.
    """
    cp = doc.core_properties
    cp.title = "{{ convention.titre }} — {{ convention.objet }}"
    cp.subject = fr("Programme régional d'animation des missions locales (circulaire DGEFP n° 2008-15)")
    cp.author = cp.last_modified_by = "convgen"
    cp.language = LANGUE
    cp.keywords = cp.category = cp.comments = cp.content_status = cp.identifier = cp.version = ""
    cp.created = cp.modified = DATE_FIXE
    cp.revision = 1
    application = next(p for p in doc.part.package.parts if p.partname.endswith("/app.xml"))
    application._blob = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        b"<Application>convgen</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
        b"<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
        b"<HyperlinksChanged>false</HyperlinksChanged></Properties>"
    )


def reglages(doc: DocumentWord) -> None:
    """Réglages : langue française, séparateurs français, ni rsid ni état de relecture."""
    settings = doc.settings.element
    for inutile in settings.xpath("w:rsids|w:proofState|w:savePreviewPicture"):
        settings.remove(inutile)
    for balise, valeur in (("themeFontLang", LANGUE), ("decimalSymbol", ","), ("listSeparator", ";")):
        for noeud in settings.xpath(f"w:{balise}"):
            noeud.attrib.clear()
            noeud.set(qn("w:val"), valeur)


def theme(doc: DocumentWord) -> None:
    """Arial aussi dans les polices du thème, pour qu'aucune autre police ne s'y glisse."""
    part = doc.part.part_related_by(RT.THEME)
    part._blob = re.sub(rb'(<a:latin typeface=")[^"]*(")', rb"\1Arial\2", part.blob)


# ---------------------------------------------------------------------------
# Styles
# ---------------------------------------------------------------------------


def styles(doc: DocumentWord) -> None:
    """Styles réels : Normal, Titre, Sous-titre, Titre 1 et 2, listes, en-tête, tableaux."""
    racine = doc.styles.element
    rpr_defaut = racine.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _polices(rpr_defaut)
    for taille in rpr_defaut.xpath("w:sz|w:szCs"):
        taille.set(qn("w:val"), "20")
    lang = rpr_defaut.find(qn("w:lang"))
    lang.attrib.clear()
    lang.set(qn("w:val"), LANGUE)
    lang.set(qn("w:eastAsia"), LANGUE)
    for rfonts in racine.iter(qn("w:rFonts")):
        _polices(rfonts.getparent())
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
    _polices(rpr)
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
    for style in (texte, puce_tableau):
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
    _polices(style.element.get_or_add_rPr())
    filets = "".join(
        f'<w:{cote} w:val="single" w:sz="4" w:space="0" w:color="{BORDURE}"/>'
        for cote in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    style.element.append(
        _element(
            f"<w:tblPr><w:tblBorders>{filets}</w:tblBorders><w:tblCellMar>"
            f'<w:top w:w="57" w:type="dxa"/><w:left w:w="{MARGE_CELLULE}" w:type="dxa"/>'
            f'<w:bottom w:w="57" w:type="dxa"/><w:right w:w="{MARGE_CELLULE}" w:type="dxa"/>'
            "</w:tblCellMar></w:tblPr>"
        )
    )


def numerotation(doc: DocumentWord) -> None:
    """Deux listes à tirets (corps du texte, cellules de tableau) dans numbering.xml."""
    numbering = doc.part.numbering_part.element
    premier_num = numbering.find(qn("w:num"))
    for num_id, gauche in ((NUM_PUCE_CORPS, 567), (NUM_PUCE_TABLEAU, 198)):
        abstrait = _element(
            f'<w:abstractNum w:abstractNumId="{num_id}"><w:multiLevelType w:val="singleLevel"/>'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
            f'<w:lvlText w:val="{TIRET}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{gauche}" w:hanging="{min(gauche, 284)}"/></w:pPr>'
            f'<w:rPr><w:rFonts w:ascii="{POLICE}" w:hAnsi="{POLICE}" w:eastAsia="{POLICE}" w:cs="{POLICE}"/></w:rPr>'
            "</w:lvl></w:abstractNum>"
        )
        premier_num.addprevious(abstrait)
        numbering.append(_element(f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{num_id}"/></w:num>'))


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
    _largeurs(tableau, (LARGEUR_PORTRAIT - 2000, 2000))
    tbl_pr = tableau._tbl.tblPr
    for noeud in tbl_pr.xpath("w:tblLayout"):
        tbl_pr.remove(noeud)
    for noeud in tbl_pr.xpath("w:tblW"):
        noeud.set(qn("w:w"), "5000")
        noeud.set(qn("w:type"), "pct")
    _bordures(tableau, bas=True)
    gauche, droite = tableau.rows[0].cells
    _vider(gauche)
    paragraphe(gauche, "{{ convention.entete }}", "Header")
    _vider(droite)
    projet = paragraphe(droite, "{{ convention.mention_projet }}", "Header", gras=True)
    projet.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    projet.runs[0].font.size = Pt(11)
    projet.runs[0].font.color.rgb = NOIR
    suite = entete.paragraphs[0]
    entete._element.remove(suite._element)
    entete._element.append(suite._element)
    _paragraphe_minuscule(suite)
    pied = section.footer.paragraphs[0]
    pied.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pied.add_run("Page ")
    _champ(pied, "PAGE", "1")
    pied.add_run(" sur ")
    _champ(pied, "NUMPAGES", "1")


def _champ(p: Paragraph, instruction: str, valeur: str) -> None:
    """Champ complexe Word (begin, instrText, separate, valeur, end)."""
    for xml in (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>',
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
        f"<w:r><w:t>{valeur}</w:t></w:r>",
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
    ):
        p._p.append(_element(xml))


def _paragraphe_minuscule(p: Paragraph) -> None:
    """Paragraphe obligatoire (fin d'en-tête, saut de section) réduit à 1 pt de haut."""
    pf = p.paragraph_format
    pf.space_before = pf.space_after = Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(1)
    ppr = p._p.get_or_add_pPr()
    ppr.insert_element_before(_element('<w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr>'), "w:sectPr")


# ---------------------------------------------------------------------------
# Tableaux
# ---------------------------------------------------------------------------


def tableau(doc: DocumentWord, largeurs: Sequence[int], *, style: str | None = STYLE_TABLEAU) -> Table:
    """Tableau à largeurs fixes (en twips), sans ligne : on ajoute les lignes ensuite."""
    t = doc.add_table(rows=0, cols=len(largeurs))
    if style:
        t.style = doc.styles[style]
    t.alignment = WD_TABLE_ALIGNMENT.LEFT
    _largeurs(t, largeurs)
    return t


def _largeurs(t: Table, largeurs: Sequence[int]) -> None:
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


def ligne(t: Table, largeurs: Sequence[int], *, entete: bool = False, fond: str | None = None) -> _Row:
    """Nouvelle ligne insécable ; ``entete`` la répète en haut de chaque page."""
    r = t.add_row()
    tr_pr = r._tr.get_or_add_trPr()
    tr_pr.append(_element("<w:cantSplit/>"))
    if entete:
        tr_pr.append(_element("<w:tblHeader/>"))
    for cellule, largeur in zip(r.cells, largeurs, strict=True):
        cellule.width = Twips(largeur)
        if fond:
            _fond(cellule, fond)
        cellule.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER if entete else WD_CELL_VERTICAL_ALIGNMENT.TOP
    return r


def ligne_balise(t: Table, largeurs: Sequence[int], balise: str) -> None:
    """Ligne qui ne porte qu'une balise ``{%tr … %}`` : docxtpl la remplace entière."""
    r = ligne(t, largeurs)
    cellule(r.cells[0].merge(r.cells[-1]), [balise])  # une seule cellule : balise lisible dans Word


def _vider(cellule: _Cell) -> None:
    for p in cellule._tc.xpath("w:p"):
        cellule._tc.remove(p)


def _fond(cellule: _Cell, couleur: str) -> None:
    tc_pr = cellule._tc.get_or_add_tcPr()
    tc_pr.insert_element_before(
        _element(f'<w:shd w:val="clear" w:color="auto" w:fill="{couleur}"/>'),
        "w:noWrap",
        "w:tcMar",
        "w:textDirection",
        "w:tcFitText",
        "w:vAlign",
        "w:hideMark",
    )


def _bordures(t: Table, *, bas: bool = False) -> None:
    """Tableau sans bordure (bloc de signature, en-tête), avec au besoin un filet en bas."""
    cotes = "".join(
        f'<w:{c} w:val="single" w:sz="4" w:space="0" w:color="{BORDURE}"/>'
        if bas and c == "bottom"
        else f'<w:{c} w:val="nil"/>'
        for c in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    tbl_pr = t._tbl.tblPr
    tbl_pr.insert_element_before(
        _element(f"<w:tblBorders>{cotes}</w:tblBorders>"),
        "w:shd",
        "w:tblLayout",
        "w:tblCellMar",
        "w:tblLook",
        "w:tblCaption",
        "w:tblDescription",
    )


def cellule(c: _Cell, lignes: Iterable[str], *, alignement: WD_ALIGN_PARAGRAPH | None = None) -> None:
    """Remplit une cellule (vidée d'abord) ; voir :func:`blocs` pour la syntaxe des lignes."""
    _vider(c)
    blocs(c, lignes, STYLE_TEXTE_TABLEAU, STYLE_PUCE_TABLEAU)
    if alignement is not None:
        for p in c.paragraphs:
            p.alignment = alignement


# ---------------------------------------------------------------------------
# Corps de la convention
# ---------------------------------------------------------------------------


def page_de_titre(doc: DocumentWord) -> None:
    """Timbre, titre, objet et visas."""
    for texte, gras in (("RÉPUBLIQUE FRANÇAISE", True), ("Préfecture de la région {{ convention.region }}", False)):
        p = paragraphe(doc, texte, gras=gras, alignement=WD_ALIGN_PARAGRAPH.CENTER)
        p.paragraph_format.space_after = Pt(0)
        p.runs[0].font.size = Pt(9)
    paragraphe(doc, "CONVENTION ANNUELLE D'OBJECTIFS {{ convention.annee }}", "Title")
    paragraphe(doc, "relative au {{ convention.objet }}", "Subtitle")
    visas = [
        "Vu la loi n° 2000-321 du 12 avril 2000 relative aux droits des citoyens dans leurs relations avec les "
        "administrations, notamment son article 10 ;",
        "Vu le décret n° 2001-495 du 6 juin 2001 pris pour l'application de l'article 10 de la loi n° 2000-321 "
        "du 12 avril 2000 et relatif à la transparence financière des aides octroyées par les personnes publiques ;",
        "Vu le protocole 2005 des missions locales du 10 mai 2005 ;",
        "Vu la circulaire DGEFP n° 2007-26 du 12 octobre 2007 relative au financement des missions locales et PAIO ;",
        "Vu la circulaire DGEFP n° 2008-15 du 29 septembre 2008 relative au financement des structures chargées "
        "du programme régional d'animation des missions locales ;",
        "{%p if region and region.deliberation %}",
        "Vu la {{ region.deliberation }} ;",
        "{%p endif %}",
    ]
    for texte in visas:
        paragraphe(doc, texte).paragraph_format.space_after = Pt(3)


def parties(doc: DocumentWord) -> None:
    """Comparution des parties : l'État (et la Région) d'une part, la structure d'autre part."""
    _mot_cle(doc, "ENTRE")
    paragraphe(doc, "{{ etat.partie }}")
    paragraphe(doc, "{%p if region %}")
    _mot_cle(doc, "ET")
    paragraphe(doc, "{{ region.partie }}")
    paragraphe(doc, "{%p endif %}")
    paragraphe(doc, "d'une part,", alignement=WD_ALIGN_PARAGRAPH.RIGHT)
    _mot_cle(doc, "ET")
    p = paragraphe(doc, "{{ structure.designation }}", gras=True)
    p.add_run(", {{ structure.partie }}")
    paragraphe(doc, "d'autre part,", alignement=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraphe(doc, "ci-après ensemble dénommées « les parties ».")


def _mot_cle(doc: DocumentWord, mot: str) -> None:
    p = paragraphe(doc, mot, gras=True)
    p.paragraph_format.space_before = Pt(6)
    p.paragraph_format.keep_with_next = True


def preambule(doc: DocumentWord) -> None:
    """Préambule : la circulaire, les quatre missions, l'opérateur, la convention d'objectifs."""
    paragraphe(doc, "Préambule", "Heading 1")
    blocs(
        doc,
        [
            "Il est préalablement exposé ce qui suit :",
            "La circulaire DGEFP n° 2008-15 du 29 septembre 2008 définit les modalités de financement, par l'État, "
            "des structures chargées du programme régional d'animation des missions locales. Elle inscrit ce "
            "financement, comme celui des missions locales, dans une logique de performance et de transparence, "
            "afin de contribuer à l'augmentation de la qualité de l'offre de service des missions locales et à la "
            "valorisation de leurs actions pour une meilleure insertion professionnelle et sociale des jeunes âgés "
            "de 16 à 25 ans.",
            "L'État soutient les fonctions d'appui technique, d'animation professionnelle et de valorisation des "
            "actions professionnelles des missions locales ; les fonctions de représentation et d'organisation, qui "
            "relèvent de la liberté des acteurs, n'entrent pas dans le champ de la présente convention. Les actions "
            "retenues s'organisent autour des quatre missions principales que l'État souhaite soutenir et "
            "développer :",
            "- une mission de développement des compétences et de professionnalisation des missions locales ;",
            "- une mission de capitalisation et de communication visant à répertorier, diffuser et valoriser les "
            "bonnes pratiques des missions locales ;",
            "- une mission d'observation des besoins des jeunes du territoire et des réponses apportées par les "
            "missions locales ;",
            "- une mission d'animation des partenariats régionaux.",
            "Conformément à la circulaire, l'opérateur chargé de la conception et de l'exécution du programme "
            "d'animation n'est pas une mission locale, les missions locales en étant les destinataires.",
            "Le financement prend la forme d'une convention annuelle d'objectifs, établie sur la base d'une annexe "
            "détaillée qui précise, pour chaque action, ses objectifs, la méthode et l'organisation retenues pour "
            "les atteindre, son coût et l'apport des différents financeurs. Ces objectifs sont spécifiques, "
            "applicables, réalistes, définis dans le temps et mesurables.",
            "{%p if region %}",
            "Le programme a été élaboré en concertation avec la Région, premier partenaire de l'État pour "
            "l'animation des missions locales, qui s'associe à la présente convention et participe à son "
            "financement.",
            "{%p endif %}",
        ],
        "Normal",
        "List Bullet",
    )
    p = paragraphe(doc, "Il est convenu ce qui suit :", gras=True)
    p.paragraph_format.space_before = Pt(12)
    p.paragraph_format.keep_with_next = True


def article(doc: DocumentWord, numero: int, titre: str, lignes: Iterable[str] = ()) -> None:
    """Un article : titre (Titre 2) « Article 1er – Objet », puis ses paragraphes."""
    rang = "1er" if numero == 1 else str(numero)
    paragraphe(doc, f"Article\u00a0{rang}\u00a0{TIRET} {titre}", "Heading 2")
    blocs(doc, lignes, "Normal", "List Bullet")


def articles_1_a_4(doc: DocumentWord) -> None:
    """Objet, durée, coût du programme, contributions."""
    article(
        doc,
        1,
        "Objet",
        [
            "Par la présente convention, la structure s'engage, à son initiative et sous sa responsabilité, à mettre "
            "en œuvre le {{ convention.objet }} pour l'année {{ convention.annee }}.",
            "Ce programme est décrit dans l'annexe, qui fait partie intégrante de la présente convention : pour "
            "chaque action, elle en présente les objectifs, les moyens, la méthode et l'organisation retenues, "
            "l'échéancier, les indicateurs permettant d'en mesurer les résultats, le coût prévisionnel et l'apport "
            "de chaque financeur.",
            "{%p if region %}",
            "L'État et la Région contribuent au financement de ce programme dans les conditions fixées par la "
            "présente convention.",
            "{%p else %}",
            "L'État contribue au financement de ce programme dans les conditions fixées par la présente convention.",
            "{%p endif %}",
        ],
    )
    article(
        doc,
        2,
        "Durée",
        [
            "La présente convention est conclue pour l'année {{ convention.annee }}. Elle couvre la période "
            "{{ convention.periode }}.",
            "Les obligations de la structure relatives aux justificatifs, au contrôle et à l'évaluation (articles 6, "
            "9 et 10) demeurent au-delà de ce terme.",
        ],
    )
    article(
        doc,
        3,
        "Coût du programme",
        [
            "Le coût total prévisionnel du programme s'élève à {{ montants.total }}, soit {{ montants.total_lettres }}."
            " Il représente {{ montants.ratio }} du budget global des missions locales {{ convention.de_region }}, "
            "qui s'élève à {{ montants.budget_missions_locales }}.",
            "Le budget prévisionnel, détaillé par action et par financeur, figure dans l'annexe. En cours d'exécution, "
            "la structure peut adapter la répartition des dépenses entre les actions sans remettre en cause les "
            "objectifs fixés ; toute modification substantielle fait l'objet d'un avenant (article 11).",
        ],
    )
    paragraphe(doc, "{%p if region %}")
    article(doc, 4, "Montant des contributions de l'État et de la Région")
    paragraphe(doc, "{%p else %}")
    article(doc, 4, "Montant de la contribution de l'État")
    paragraphe(doc, "{%p endif %}")
    blocs(
        doc,
        [
            "L'État contribue financièrement à ce programme pour un montant de {{ montants.etat_lettres }} "
            "({{ montants.etat }}) au titre de l'année {{ convention.annee }}. Il n'attend aucune contrepartie "
            "directe de cette contribution.",
            "{%p if region %}",
            "La Région contribue financièrement à ce programme pour un montant de {{ montants.region_lettres }} "
            "({{ montants.region }}). Cette contribution est versée selon les règles budgétaires et comptables "
            "propres à la Région.",
            "{%p endif %}",
            "La contribution de chaque financeur est détaillée, action par action, dans l'annexe.",
        ],
        "Normal",
        "List Bullet",
    )


def article_5(doc: DocumentWord) -> None:
    """Modalités de versement : échéancier, compte bancaire, imputation, ordonnateur, comptable."""
    article(
        doc,
        5,
        "Modalités de versement",
        [
            "{%p if versements_par_defaut %}",
            "Faute d'échéancier particulier convenu entre les parties, la contribution de l'État est versée selon "
            "l'échéancier établi par défaut, soit une avance à la signature de la présente convention puis le solde :",
            "{%p else %}",
            "La contribution de l'État est versée selon l'échéancier suivant :",
            "{%p endif %}",
        ],
    )
    for p in doc.paragraphs[-4::2]:
        p.paragraph_format.keep_with_next = True
    largeurs = (2800, 2600, LARGEUR_PORTRAIT - 5400)
    t = tableau(doc, largeurs)
    entete = ligne(t, largeurs, entete=True, fond=FOND_ENTETE)
    for c, titre in zip(entete.cells, ("Date de versement", "Montant", "Objet du versement"), strict=True):
        cellule(c, ["**" + titre])
    ligne_balise(t, largeurs, "{%tr for v in versements %}")
    r = ligne(t, largeurs)
    cellule(r.cells[0], ["{{ v.date }}"])
    cellule(r.cells[1], ["{{ v.montant }}"], alignement=WD_ALIGN_PARAGRAPH.RIGHT)
    cellule(r.cells[2], ["{{ v.libelle }}"])
    ligne_balise(t, largeurs, "{%tr endfor %}")
    total = ligne(t, largeurs, fond=FOND_TOTAL)
    cellule(total.cells[0], ["**Total"])
    cellule(total.cells[1], ["**{{ montants.etat }}"], alignement=WD_ALIGN_PARAGRAPH.RIGHT)
    cellule(total.cells[2], [""])
    solidaires([entete, r])
    p = paragraphe(
        doc,
        "Les versements sont effectués sous réserve de la disponibilité des crédits et du respect, par la "
        "structure, des obligations prévues par la présente convention. La contribution est créditée au compte "
        "ouvert au nom de la structure :",
    )
    p.paragraph_format.space_before = Pt(6)
    p.paragraph_format.keep_with_next = True
    _coordonnees_bancaires(doc)
    blocs(
        doc,
        [
            "La dépense est imputée sur les crédits du programme 102 « Accès et retour à l'emploi » de la mission "
            "« Travail et emploi » du budget de l'État, article 43.",
            "L'ordonnateur de la dépense est {{ etat.prefet_titre }}. Le comptable assignataire est le "
            "trésorier-payeur général de la région {{ convention.region }}.",
        ],
        "Normal",
        "List Bullet",
    )


def _coordonnees_bancaires(doc: DocumentWord) -> None:
    lignes = (
        ("Titulaire du compte :", "{{ structure.nom }}"),
        ("IBAN :", "{{ structure.iban }}"),
        ("BIC :", "{{ structure.bic }}"),
    )
    for rang, (libelle, valeur) in enumerate(lignes):
        p = paragraphe(doc, libelle)
        p.add_run("\t" + valeur).bold = True
        pf = p.paragraph_format
        pf.left_indent = Cm(1)
        pf.alignment = WD_ALIGN_PARAGRAPH.LEFT
        pf.tab_stops.add_tab_stop(Cm(5), WD_TAB_ALIGNMENT.LEFT)
        pf.space_after = Pt(6 if rang == len(lignes) - 1 else 0)
        pf.keep_with_next = rang < len(lignes) - 1


def articles_6_a_14(doc: DocumentWord) -> None:
    """Justificatifs, engagements, sanctions, contrôle, évaluation, avenant, annexe, résiliation, recours."""
    article(
        doc,
        6,
        "Justificatifs",
        [
            "La structure s'engage à transmettre à l'État, dans les six mois suivant la fin de l'exercice "
            "{{ convention.annee }}, les documents suivants :",
            "- le compte rendu financier de l'emploi de la contribution, prévu par l'article 10 de la loi "
            "n° 2000-321 du 12 avril 2000 et établi conformément à l'arrêté du 11 octobre 2006 ; il atteste la "
            "conformité des dépenses effectuées à l'objet de la contribution ;",
            "- un rapport d'activité détaillé, qui rend compte de la réalisation de chacune des actions de l'annexe "
            "et des résultats obtenus au regard des indicateurs qui y sont définis ;",
            "- les comptes annuels de l'exercice {{ convention.annee }} (bilan, compte de résultat et annexe), "
            "approuvés par l'organe délibérant et, le cas échéant, certifiés par un commissaire aux comptes.",
            "{%p if region %}",
            "Elle transmet également ces documents à la Région.",
            "{%p endif %}",
        ],
    )
    article(
        doc,
        7,
        "Autres engagements",
        [
            "La structure informe sans délai l'État et, le cas échéant, les autres financeurs de toute modification "
            "de ses statuts, de la composition de ses instances dirigeantes ou de ses coordonnées bancaires, ainsi "
            "que de toute difficulté ou de tout changement susceptible d'affecter la réalisation du programme.",
            "Elle s'engage à faire mention du soutien de l'État dans toutes ses actions de communication relatives "
            "au programme, notamment dans ses publications, ses documents d'information et ses sites internet.",
            "{%p if region %}",
            "Elle mentionne de la même manière le soutien de la Région.",
            "{%p endif %}",
        ],
    )
    article(
        doc,
        8,
        "Sanctions",
        [
            "En cas d'inexécution, de modification substantielle ou de retard significatif des conditions "
            "d'exécution de la présente convention par la structure sans l'accord écrit de l'État, celui-ci peut "
            "exiger le reversement de tout ou partie des sommes déjà versées au titre de la présente convention, "
            "diminuer ou suspendre sa contribution, après examen des justificatifs présentés par la structure et "
            "après l'avoir entendue. Il en va de même lorsque les justificatifs mentionnés à l'article 6 ne sont "
            "pas produits.",
            "L'État informe la structure de ces décisions par lettre recommandée avec accusé de réception.",
        ],
    )
    article(
        doc,
        9,
        "Contrôle",
        [
            "Pendant et au terme de la présente convention, l'État peut procéder, sur pièces et sur place, à tout "
            "contrôle de la réalisation du programme et de l'emploi de sa contribution. La structure s'engage à "
            "faciliter ce contrôle et à donner accès à tous les documents administratifs et comptables utiles.",
            "L'État peut exiger le reversement de la part de sa contribution qui excéderait le coût de mise en "
            "œuvre du programme.",
        ],
    )
    article(
        doc,
        10,
        "Évaluation",
        [
            "L'année suivant celle de la convention, les parties apprécient conjointement la mise en œuvre du "
            "programme au vu du rapport d'activité détaillé mentionné à l'article 6. Cette évaluation porte sur la "
            "réalisation de chaque action, au regard des objectifs et des indicateurs définis dans l'annexe, et sur "
            "sa contribution à l'amélioration de l'offre de service des missions locales.",
        ],
    )
    article(
        doc,
        11,
        "Avenant",
        [
            "Toute modification des conditions ou des modalités d'exécution de la présente convention, définie d'un "
            "commun accord entre les parties, fait l'objet d'un avenant écrit signé par chacune d'elles. L'avenant "
            "précise les éléments modifiés, sans remettre en cause les objectifs généraux définis à l'article 1er.",
        ],
    )
    article(
        doc,
        12,
        "Annexe",
        [
            "L'annexe, qui décrit le programme par mission, par objectif et par action et en présente la synthèse "
            "financière, fait partie intégrante de la présente convention.",
        ],
    )
    article(
        doc,
        13,
        "Résiliation",
        [
            "En cas de non-respect par l'une des parties de l'une de ses obligations résultant de la présente "
            "convention, celle-ci peut être résiliée de plein droit par l'une ou l'autre des parties, à l'expiration "
            "d'un délai de deux mois suivant l'envoi d'une lettre recommandée avec accusé de réception valant mise "
            "en demeure restée sans effet.",
        ],
    )
    article(
        doc,
        14,
        "Recours",
        [
            "Les parties s'efforcent de résoudre à l'amiable tout différend relatif à l'interprétation ou à "
            "l'exécution de la présente convention. À défaut d'accord amiable, le litige est porté devant le "
            "tribunal administratif territorialement compétent.",
        ],
    )


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
    _bordures(t)
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


def solidaires(lignes: Iterable[_Row]) -> None:
    """Garde ces lignes avec la suivante (« paragraphe solidaire » dans chaque cellule)."""
    for r in lignes:
        for c in r.cells:
            for p in c.paragraphs:
                p.paragraph_format.keep_with_next = True


# ---------------------------------------------------------------------------
# Annexe (section paysage)
# ---------------------------------------------------------------------------


def annexe(doc: DocumentWord) -> None:
    """Nouvelle section A4 paysage : missions, objectifs, un tableau par objectif, synthèse."""
    section = doc.add_section()
    _paragraphe_minuscule(doc.paragraphs[-1])  # porte le saut de section : pas de page blanche
    mise_en_page(section, paysage=True)
    paragraphe(doc, "{{ annexe.titre }}", "Heading 1").paragraph_format.space_before = Pt(0)
    paragraphe(doc, "Référentiel : {{ convention.referentiel }}, annexe-type à la convention.", italique=True)
    paragraphe(
        doc,
        "La présente annexe décrit le programme retenu, mission par mission et objectif par objectif. Pour chaque "
        "action, elle précise les objectifs poursuivis, les actions menées, la méthode et l'organisation, les "
        "indicateurs, l'échéancier, le coût prévisionnel et l'apport de chaque financeur. Elle sert de base au "
        "rapport d'activité détaillé au vu duquel les parties apprécient, l'année suivante, la mise en œuvre du "
        "programme.",
    )
    paragraphe(doc, "{%p for mission in annexe.missions %}")
    paragraphe(doc, "{{ mission.numero }} – {{ mission.intitule }}", "Heading 1")
    paragraphe(doc, "{%p for objectif in mission.objectifs %}")
    paragraphe(doc, "Objectif {{ objectif.numero }} – {{ objectif.intitule }}", "Heading 2")
    _tableau_objectif(doc)
    paragraphe(doc, "{%p endfor %}")
    total = paragraphe(
        doc,
        "Total de la mission {{ mission.numero }} : {{ mission.total }}, dont État : {{ mission.total_etat }}",
        gras=True,
        alignement=WD_ALIGN_PARAGRAPH.RIGHT,
    )
    total.paragraph_format.space_before = Pt(6)
    total.paragraph_format.right_indent = Twips(MARGE_CELLULE)  # aligné sur le bord droit des tableaux
    paragraphe(doc, "{%p endfor %}")
    _synthese(doc)


def _tableau_objectif(doc: DocumentWord) -> None:
    """Un tableau par objectif : ligne d'en-tête répétée, une ligne par action, ligne de total."""
    largeurs = [c[2] for c in COLONNES_ANNEXE]
    t = tableau(doc, largeurs)
    entete = ligne(t, largeurs, entete=True, fond=FOND_ENTETE)
    for c, (titre, precision, _) in zip(entete.cells, COLONNES_ANNEXE, strict=True):
        cellule(c, ["**" + titre, *([precision] if precision else [])], alignement=WD_ALIGN_PARAGRAPH.CENTER)
        for p in c.paragraphs:
            p.paragraph_format.keep_with_next = True
        if precision:
            c.paragraphs[1].runs[0].italic = True
            c.paragraphs[1].runs[0].font.size = Pt(8)
    ligne_balise(t, largeurs, "{%tr for action in objectif.actions %}")
    r = ligne(t, largeurs)
    cellule(r.cells[0], ["**{{ action.numero }}"], alignement=WD_ALIGN_PARAGRAPH.CENTER)
    cellule(
        r.cells[1],
        ["**{{ action.intitule }}", "{%p if action.locale %}", "(action ajoutée localement)", "{%p endif %}"],
    )
    r.cells[1].paragraphs[2].runs[0].italic = True
    cellule(r.cells[2], ["{%p for p in action.pourquoi %}", "- {{ p }}", "{%p endfor %}"])
    cellule(r.cells[3], ["{%p for p in action.comment %}", "- {{ p }}", "{%p endfor %}"])
    cellule(
        r.cells[4],
        ["{{ action.methode }}", "**Indicateurs :", "{%p for i in action.indicateurs %}", "- {{ i }}", "{%p endfor %}"],
    )
    r.cells[4].paragraphs[1].paragraph_format.space_before = Pt(4)
    cellule(r.cells[5], ["{{ action.echeancier }}"])
    cellule(
        r.cells[6],
        [
            "**Coût : {{ action.cout }}",
            "{%p for f in action.financements %}",
            "- {{ f.financeur }} : {{ f.montant }}",
            "{%p endfor %}",
            "**dont État : {{ action.etat }}",
        ],
    )
    ligne_balise(t, largeurs, "{%tr endfor %}")
    # Le total du dernier objectif reste solidaire du « Total de la mission » qui suit le
    # tableau (jamais seul en haut de page) ; celui des autres objectifs n'entraîne pas
    # le titre suivant. ``loop`` est ici la boucle des objectifs.
    ligne_balise(t, largeurs, "{%tr if loop.last %}")
    solidaires([_total_objectif(t, largeurs)])
    ligne_balise(t, largeurs, "{%tr else %}")
    _total_objectif(t, largeurs)
    ligne_balise(t, largeurs, "{%tr endif %}")


def _total_objectif(t: Table, largeurs: Sequence[int]) -> _Row:
    """Ligne « Total de l'objectif » : libellé sur six colonnes, montants dans la dernière."""
    total = ligne(t, largeurs, fond=FOND_TOTAL)
    fusion = total.cells[0].merge(total.cells[5])
    cellule(fusion, ["**Total de l'objectif {{ objectif.numero }}"], alignement=WD_ALIGN_PARAGRAPH.RIGHT)
    cellule(total.cells[-1], ["**{{ objectif.total }}", "dont État : {{ objectif.total_etat }}"])
    return total


def _synthese(doc: DocumentWord) -> None:
    """Synthèse financière : un financeur par ligne, total, part du budget des missions locales."""
    paragraphe(doc, "Synthèse financière", "Heading 1")
    largeurs = (5670, 2835, 2835)
    t = tableau(doc, largeurs)
    entete = ligne(t, largeurs, entete=True, fond=FOND_ENTETE)
    for c, titre in zip(entete.cells, ("Financeur", "Montant", "Part du programme"), strict=True):
        cellule(c, ["**" + titre], alignement=WD_ALIGN_PARAGRAPH.CENTER)
    ligne_balise(t, largeurs, "{%tr for f in annexe.financeurs %}")
    r = ligne(t, largeurs)
    cellule(r.cells[0], ["{{ f.financeur }}"])
    cellule(r.cells[1], ["{{ f.montant }}"], alignement=WD_ALIGN_PARAGRAPH.RIGHT)
    cellule(r.cells[2], ["{{ f.part }}"], alignement=WD_ALIGN_PARAGRAPH.RIGHT)
    ligne_balise(t, largeurs, "{%tr endfor %}")
    total = ligne(t, largeurs, fond=FOND_TOTAL)
    cellule(total.cells[0], ["**Total du programme"])
    cellule(total.cells[1], ["**{{ annexe.total }}"], alignement=WD_ALIGN_PARAGRAPH.RIGHT)
    cellule(total.cells[2], [""])
    solidaires([entete, r])
    p = paragraphe(
        doc,
        "Le coût total du programme représente {{ annexe.ratio }} du budget global des missions locales "
        "{{ convention.de_region }}, qui s'élève à {{ montants.budget_missions_locales }}.",
    )
    p.paragraph_format.space_before = Pt(6)


# ---------------------------------------------------------------------------
# Assemblage et enregistrement reproductible
# ---------------------------------------------------------------------------


def fabriquer() -> DocumentWord:
    """Construit le gabarit complet."""
    doc = Document()
    nettoyer_paquet(doc)
    styles(doc)
    numerotation(doc)
    reglages(doc)
    theme(doc)
    premiere = doc.sections[0]
    mise_en_page(premiere, paysage=False)
    entete_pied(premiere)
    page_de_titre(doc)
    parties(doc)
    preambule(doc)
    articles_1_a_4(doc)
    article_5(doc)
    articles_6_a_14(doc)
    signatures(doc)
    annexe(doc)
    proprietes(doc)
    return doc


def enregistrer(doc: DocumentWord, destination: Path) -> None:
    """Enregistre le .docx avec des horodatages fixes : deux exécutions, mêmes octets."""
    tampon = io.BytesIO()
    doc.save(tampon)
    sortie = io.BytesIO()
    with zipfile.ZipFile(tampon) as source, zipfile.ZipFile(sortie, "w", zipfile.ZIP_DEFLATED) as cible:
        for info in source.infolist():
            fixe = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixe.compress_type = zipfile.ZIP_DEFLATED
            fixe.external_attr = 0o644 << 16
            cible.writestr(fixe, source.read(info.filename))
    destination.write_bytes(sortie.getvalue())


def main() -> None:
    enregistrer(fabriquer(), DESTINATION)
    print(f"Gabarit écrit : {DESTINATION}")


if __name__ == "__main__":
    main()
