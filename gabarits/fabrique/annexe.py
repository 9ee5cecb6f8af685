"""Annexe en section A4 paysage : missions, objectifs, un tableau par objectif, synthèse financière."""

from __future__ import annotations

from collections.abc import Sequence

from docx.document import Document as DocumentWord
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, Twips
from docx.table import Table, _Row

from convgen.francais import capitales

from .briques import cellule, ligne, ligne_balise, paragraphe, solidaires, tableau
from .constantes import FOND_ENTETE, FOND_TOTAL, LARGEUR_PAYSAGE, MARGE_CELLULE
from .ooxml import paragraphe_minuscule
from .styles import mise_en_page

COLONNES_ANNEXE = (
    ("N°", "", 510),
    ("QUOI", "l'intitulé de l'action", 1900),
    ("POURQUOI", "les objectifs de l'action", 2600),
    ("COMMENT", "les actions", 2900),
    ("QUI FAIT QUOI ?", "la méthode et l'organisation", 2900),
    (capitales("Échéancier"), "", 1800),
    (capitales("Coût prévisionnel et financement"), "", 2528),
)
assert sum(c[2] for c in COLONNES_ANNEXE) == LARGEUR_PAYSAGE


def annexe(doc: DocumentWord) -> None:
    """Nouvelle section A4 paysage : missions, objectifs, un tableau par objectif, synthèse."""
    ouvrir_section_annexe(doc)
    paragraphe(doc, "Référentiel : {{ convention.referentiel }}, annexe-type à la convention.", italique=True)
    paragraphe(
        doc,
        "La présente annexe décrit le programme retenu, mission par mission et objectif par objectif. Pour chaque "
        "action, elle précise les objectifs poursuivis, les actions menées, la méthode et l'organisation, les "
        "indicateurs, l'échéancier, le coût prévisionnel et l'apport de chaque financeur. Elle sert de base au "
        "rapport d'activité détaillé au vu duquel les parties apprécient, l'année suivante, la mise en œuvre du "
        "programme.",
    )
    missions(doc)
    synthese(doc)


def ouvrir_section_annexe(doc: DocumentWord) -> None:
    """Nouvelle section A4 paysage, ouverte par le titre de l'annexe (convention, avenant)."""
    section = doc.add_section()
    paragraphe_minuscule(doc.paragraphs[-1])  # porte le saut de section : pas de page blanche
    mise_en_page(section, paysage=True)
    paragraphe(doc, "{{ annexe.titre }}", "Heading 1").paragraph_format.space_before = Pt(0)


def missions(doc: DocumentWord) -> None:
    """Chaque mission, ses objectifs (un tableau chacun) et son total : ``annexe.missions`` du contexte."""
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


def _tableau_objectif(doc: DocumentWord) -> None:
    """Un tableau par objectif : ligne d'en-tête répétée, une ligne par action, ligne de total."""
    largeurs = [c[2] for c in COLONNES_ANNEXE]
    t = tableau(doc, largeurs)
    _entete_objectif(t, largeurs)
    # La dernière action reste solidaire du total de l'objectif : jamais de total seul en
    # haut de page (Word et LibreOffice gardent une ligne avec la suivante quand tous ses
    # paragraphes sont « solidaires »). ``loop`` est ici la boucle des actions. Cette dernière
    # ligne reste sécable : sans quoi un tableau d'une seule action, tout entier solidaire,
    # n'aurait aucun point de coupure et LibreOffice rognerait une action haute d'une page.
    ligne_balise(t, largeurs, "{%tr for action in objectif.actions %}")
    ligne_balise(t, largeurs, "{%tr if loop.last %}")
    solidaires([_ligne_action(t, largeurs, insecable=False)])
    ligne_balise(t, largeurs, "{%tr else %}")
    _ligne_action(t, largeurs)
    ligne_balise(t, largeurs, "{%tr endif %}")
    ligne_balise(t, largeurs, "{%tr endfor %}")
    # Le total du dernier objectif reste solidaire du « Total de la mission » qui suit le
    # tableau (jamais seul en haut de page) ; celui des autres objectifs n'entraîne pas
    # le titre suivant. ``loop`` est ici la boucle des objectifs.
    ligne_balise(t, largeurs, "{%tr if loop.last %}")
    solidaires([_total_objectif(t, largeurs)])
    ligne_balise(t, largeurs, "{%tr else %}")
    _total_objectif(t, largeurs)
    ligne_balise(t, largeurs, "{%tr endif %}")


def _entete_objectif(t: Table, largeurs: Sequence[int]) -> None:
    """Ligne d'en-tête, répétée en haut de chaque page et solidaire de la première action."""
    entete = ligne(t, largeurs, entete=True, fond=FOND_ENTETE)
    for c, (titre, precision, _) in zip(entete.cells, COLONNES_ANNEXE, strict=True):
        cellule(c, ["**" + titre, *([precision] if precision else [])], alignement=WD_ALIGN_PARAGRAPH.CENTER)
        if precision:
            c.paragraphs[1].runs[0].italic = True
            c.paragraphs[1].runs[0].font.size = Pt(8)
    solidaires([entete])


def _ligne_action(t: Table, largeurs: Sequence[int], *, insecable: bool = True) -> _Row:
    """Ligne d'une action : numéro, intitulé, pourquoi, comment, méthode et indicateurs, échéancier, coût."""
    r = ligne(t, largeurs, insecable=insecable)
    cellule(r.cells[0], ["**{{ action.numero }}"], alignement=WD_ALIGN_PARAGRAPH.CENTER)
    cellule(
        r.cells[1],
        ["**{{ action.intitule }}", "{%p if action.locale %}", "(action ajoutée localement)", "{%p endif %}"],
    )
    r.cells[1].paragraphs[2].runs[0].italic = True
    for c, liste in ((r.cells[2], "action.pourquoi_points"), (r.cells[3], "action.comment_points")):
        # Listes imbriquées de l'annexe-type (actions 1, 13, 14) : chaque point, puis ses sous-points.
        cellule(
            c,
            [
                f"{{%p for p in {liste} %}}",
                "- {{ p.texte }}",
                "{%p for s in p.sous_points %}",
                "-- {{ s }}",
                "{%p endfor %}",
                "{%p endfor %}",
            ],
        )
    cellule(
        r.cells[4],
        [
            "{{ action.methode }}",
            "{%p if action.indicateurs %}",
            "**Indicateurs :",
            "{%p for i in action.indicateurs %}",
            "- {{ i }}",
            "{%p endfor %}",
            "{%p endif %}",
        ],
    )
    r.cells[4].paragraphs[2].paragraph_format.space_before = Pt(4)
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
    return r


def _total_objectif(t: Table, largeurs: Sequence[int]) -> _Row:
    """Ligne « Total de l'objectif » : libellé sur six colonnes, montants dans la dernière."""
    total = ligne(t, largeurs, fond=FOND_TOTAL)
    fusion = total.cells[0].merge(total.cells[5])
    cellule(fusion, ["**Total de l'objectif {{ objectif.numero }}"], alignement=WD_ALIGN_PARAGRAPH.RIGHT)
    cellule(total.cells[-1], ["**{{ objectif.total }}", "dont État : {{ objectif.total_etat }}"])
    return total


def synthese(doc: DocumentWord) -> None:
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
