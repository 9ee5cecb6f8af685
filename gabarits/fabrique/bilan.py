"""Gabarit du compte rendu d'exécution (articles 6 et 9 de la convention), en A4 portrait.

Variables : celles de :class:`convgen.contexte_bilan.ContexteBilan`. Le graphique est une image du
gabarit nommée « Graphique », que convgen remplace au rendu par le PNG du compte rendu, avec son texte
de remplacement (:mod:`convgen.gabarit.images` ; jamais de balise dans un attribut).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from io import BytesIO

from docx.document import Document as DocumentWord
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docx.table import Table, _Row

from .briques import cellule, ligne, ligne_balise, paragraphe, solidaires, tableau
from .constantes import FOND_ENTETE, FOND_TOTAL, LARGEUR_PORTRAIT
from .cycle import document_portrait, timbre
from .ooxml import bordures
from .paquet import proprietes

DROITE = WD_ALIGN_PARAGRAPH.RIGHT
MONTANTS = ("Prévu", "Réalisé", "Écart", "Écart en %")
MONTANT = 1450  # « -12 345 678,90 € » en corps 9 tient sur une ligne
LARGEURS_ACTIONS = (567, LARGEUR_PORTRAIT - 567 - 4 * MONTANT, *(MONTANT,) * 4)
LARGEURS_FINANCEURS = (LARGEUR_PORTRAIT - 4 * MONTANT, *(MONTANT,) * 4)


def fabriquer_bilan() -> DocumentWord:
    """Le gabarit complet du compte rendu d'exécution."""
    doc = document_portrait()
    _titre(doc)
    _execution(doc)
    _financeurs(doc)
    _graphique(doc)
    _indicateurs(doc)
    _position_etat(doc)
    _signature(doc)
    proprietes(doc)
    return doc


def _titre(doc: DocumentWord) -> None:
    timbre(doc, "{{ structure.designation }}")
    paragraphe(doc, "{{ bilan.titre }}", "Title")
    paragraphe(doc, "{{ bilan.sous_titre }}", "Subtitle")
    paragraphe(doc, "{{ bilan.introduction }}")
    paragraphe(doc, "{%p if bilan.non_renseignees %}")
    paragraphe(doc, "Actions sans réalisation déclarée, comptées pour zéro :", gras=True)
    paragraphe(doc, "{%p for a in bilan.non_renseignees %}")
    paragraphe(doc, "{{ a }}", "List Bullet")
    paragraphe(doc, "{%p endfor %}")
    paragraphe(doc, "{%p endif %}")


def _entete(t: Table, largeurs: Sequence[int], premiers: Sequence[str]) -> _Row:
    r = ligne(t, largeurs, entete=True, fond=FOND_ENTETE)
    for c, titre in zip(r.cells, (*premiers, *MONTANTS), strict=True):
        cellule(c, ["**" + titre], alignement=WD_ALIGN_PARAGRAPH.CENTER)
    return r


def _montants(r: _Row, debut: int, variable: str, *, gras: bool = False) -> None:
    marque = "**" if gras else ""
    for rang, cle in enumerate(("prevu", "realise", "ecart", "ecart_pct")):
        cellule(r.cells[debut + rang], [f"{marque}{{{{ {variable}.{cle} }}}}"], alignement=DROITE)


def _execution(doc: DocumentWord) -> None:
    """1. Par mission et objectif : un tableau par objectif, une ligne par action, le total."""
    paragraphe(doc, "1. Exécution du programme, action par action", "Heading 1")
    paragraphe(doc, "{%p for mission in bilan.missions %}")
    paragraphe(doc, "{{ mission.numero }} – {{ mission.intitule }}", "Heading 2")
    paragraphe(doc, "{%p for objectif in mission.objectifs %}")
    objectif = paragraphe(doc, "Objectif {{ objectif.numero }} – {{ objectif.intitule }}", italique=True)
    objectif.paragraph_format.space_before = Pt(8)
    objectif.paragraph_format.keep_with_next = True
    t = tableau(doc, LARGEURS_ACTIONS)
    solidaires([_entete(t, LARGEURS_ACTIONS, ("N°", "Action et financeurs"))])
    ligne_balise(t, LARGEURS_ACTIONS, "{%tr for action in objectif.actions %}")
    r = ligne(t, LARGEURS_ACTIONS)
    cellule(r.cells[0], ["**{{ action.numero }}"], alignement=WD_ALIGN_PARAGRAPH.CENTER)
    cellule(
        r.cells[1],
        [
            "**{{ action.intitule }}",
            "{%p if action.non_renseignee %}",
            "(non renseignée : comptée pour zéro)",
            "{%p endif %}",
            "{%p for f in action.financements %}",
            "- {{ f.financeur }} : prévu {{ f.prevu }}, réalisé {{ f.realise }}",
            "{%p endfor %}",
        ],
    )
    _montants(r, 2, "action")
    ligne_balise(t, LARGEURS_ACTIONS, "{%tr endfor %}")
    total = ligne(t, LARGEURS_ACTIONS, fond=FOND_TOTAL)
    fusion = total.cells[0].merge(total.cells[1])
    cellule(fusion, ["**Total de l’objectif {{ objectif.numero }}"], alignement=DROITE)
    _montants(total, 2, "objectif.total", gras=True)
    paragraphe(doc, "{%p endfor %}")
    fin = paragraphe(
        doc,
        "Total de la mission {{ mission.numero }} : prévu {{ mission.total.prevu }}, réalisé "
        "{{ mission.total.realise }}, écart {{ mission.total.ecart }} ({{ mission.total.ecart_pct }})",
        gras=True,
        alignement=DROITE,
    )
    fin.paragraph_format.space_before = Pt(6)
    paragraphe(doc, "{%p endfor %}")


def _financeurs(doc: DocumentWord) -> None:
    """2. Chaque financeur, prévu et réalisé, et le total du programme."""
    paragraphe(doc, "2. Financements, financeur par financeur", "Heading 1")
    t = tableau(doc, LARGEURS_FINANCEURS)
    entete = _entete(t, LARGEURS_FINANCEURS, ("Financeur",))
    ligne_balise(t, LARGEURS_FINANCEURS, "{%tr for f in bilan.financeurs %}")
    r = ligne(t, LARGEURS_FINANCEURS)
    cellule(r.cells[0], ["{{ f.financeur }}"])
    _montants(r, 1, "f")
    ligne_balise(t, LARGEURS_FINANCEURS, "{%tr endfor %}")
    total = ligne(t, LARGEURS_FINANCEURS, fond=FOND_TOTAL)
    cellule(total.cells[0], ["**Coût total du programme"])
    _montants(total, 1, "bilan.total", gras=True)
    solidaires([entete, r])


def _png_vide() -> bytes:
    """Un PNG d'un pixel blanc : la place du graphique, remplacé au rendu."""

    def bloc(nature: bytes, donnees: bytes) -> bytes:
        return struct.pack(">I", len(donnees)) + nature + donnees + struct.pack(">I", zlib.crc32(nature + donnees))

    entete = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + bloc(b"IHDR", entete)
        + bloc(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
        + (bloc(b"IEND", b""))
    )


def _graphique(doc: DocumentWord) -> None:
    """Le graphique (16 × 8 cm, la taille du PNG de convgen.graphique), sa légende et son texte de remplacement."""
    p = paragraphe(doc, alignement=WD_ALIGN_PARAGRAPH.CENTER)
    p.paragraph_format.keep_with_next = True
    p.paragraph_format.space_before = Pt(12)
    p.add_run().add_picture(BytesIO(_png_vide()), width=Cm(16), height=Cm(8))
    (doc_pr,) = p._p.xpath(".//wp:docPr")
    doc_pr.set("name", "Graphique")  # convgen y met le graphique et son texte de remplacement (gabarit/images)
    doc_pr.set("descr", "Graphique du coût prévu et réalisé par mission")
    legende = paragraphe(doc, "{{ bilan.graphique_titre }}", alignement=WD_ALIGN_PARAGRAPH.CENTER, italique=True)
    legende.runs[0].font.size = Pt(9)


def _indicateurs(doc: DocumentWord) -> None:
    """3. Indicateurs prévus et résultats atteints, côte à côte, action par action."""
    paragraphe(doc, "3. Indicateurs : prévus et atteints", "Heading 1")
    largeurs = (567, 2400, 2500, 2500, LARGEUR_PORTRAIT - 567 - 7400)
    t = tableau(doc, largeurs)
    entete = ligne(t, largeurs, entete=True, fond=FOND_ENTETE)
    for c, titre in zip(
        entete.cells, ("N°", "Action", "Indicateurs prévus", "Résultats atteints", "Commentaire"), strict=True
    ):
        cellule(c, ["**" + titre], alignement=WD_ALIGN_PARAGRAPH.CENTER)
    ligne_balise(t, largeurs, "{%tr for mission in bilan.missions %}")
    ligne_balise(t, largeurs, "{%tr for objectif in mission.objectifs %}")
    ligne_balise(t, largeurs, "{%tr for action in objectif.actions %}")
    r = ligne(t, largeurs)
    cellule(r.cells[0], ["**{{ action.numero }}"], alignement=WD_ALIGN_PARAGRAPH.CENTER)
    cellule(r.cells[1], ["{{ action.intitule }}"])
    # Une cellule Word doit garder un paragraphe : une liste vide laisse un tiret, sans quoi la ligne se décale.
    for c, liste in ((r.cells[2], "action.indicateurs_prevus"), (r.cells[3], "action.indicateurs_atteints")):
        cellule(c, [f"{{%p for i in {liste} %}}", "- {{ i }}", "{%p endfor %}",
                    f"{{%p if not {liste} %}}", "—", "{%p endif %}"])  # fmt: skip
    cellule(r.cells[4], ["{{ action.commentaire }}"])
    for balise in ("{%tr endfor %}",) * 3:
        ligne_balise(t, largeurs, balise)
    solidaires([entete])


def _position_etat(doc: DocumentWord) -> None:
    """4. Position de l'État et reversement dû (article 9)."""
    paragraphe(doc, "4. Position de l’État et reversement", "Heading 1")
    largeurs = (LARGEUR_PORTRAIT - 2600, 2600)
    t = tableau(doc, largeurs)
    lignes = (
        ("Contribution de l’État prévue par la convention", "{{ bilan.etat.prevu }}"),
        ("Contribution effectivement versée par l’État", "{{ bilan.etat.verse }}"),
        ("Autres financements réalisés", "{{ bilan.etat.autres }}"),
        ("Coût réalisé total du programme", "{{ bilan.etat.cout_realise }}"),
    )
    rangs = []
    for libelle, valeur in lignes:
        r = ligne(t, largeurs)
        cellule(r.cells[0], [libelle])
        cellule(r.cells[1], [valeur], alignement=DROITE)
        rangs.append(r)
    du = ligne(t, largeurs, fond=FOND_TOTAL)
    cellule(du.cells[0], ["**Reversement dû à l’État"])
    cellule(du.cells[1], ["**{{ bilan.etat.reversement }}"], alignement=DROITE)
    solidaires(rangs)
    regle = paragraphe(doc, "{{ bilan.etat.regle }}")
    regle.paragraph_format.space_before = Pt(6)
    regle.paragraph_format.keep_with_next = True  # la règle, sa conclusion et la signature ensemble
    paragraphe(doc, "{{ bilan.etat.conclusion }}", gras=True).paragraph_format.keep_with_next = True


def _signature(doc: DocumentWord) -> None:
    mention = paragraphe(doc, "{{ bilan.mention }}")
    mention.paragraph_format.space_before = Pt(18)
    mention.paragraph_format.keep_with_next = True
    largeurs = (LARGEUR_PORTRAIT // 2, LARGEUR_PORTRAIT - LARGEUR_PORTRAIT // 2)
    t = tableau(doc, largeurs, style=None)
    bordures(t)
    qualite, nom = ligne(t, largeurs), ligne(t, largeurs)
    cellule(
        qualite.cells[1], ["**{{ signataire.pour }}", "{{ signataire.qualite }}"], alignement=WD_ALIGN_PARAGRAPH.CENTER
    )
    cellule(nom.cells[1], ["{{ signataire.nom }}"], alignement=WD_ALIGN_PARAGRAPH.CENTER)
    nom.cells[1].paragraphs[0].paragraph_format.space_before = Cm(2.5)
    for c in (qualite.cells[0], nom.cells[0]):
        cellule(c, [""])
    solidaires([qualite])
