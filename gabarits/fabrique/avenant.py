"""Gabarit de l’avenant (article 11 de la convention) : mêmes styles, parties et signatures que la convention.

Variables : celles de :class:`convgen.contexte_avenant.ContexteAvenant`. Les articles de l'avenant sont
une boucle : chacun a ses alinéas, ses puces et, pour l'article des versements, le nouvel échéancier.
L'annexe (section paysage) reprend les tableaux d'objectifs et la synthèse financière de la convention.
"""

from __future__ import annotations

from docx.document import Document as DocumentWord
from docx.shared import Pt

from .annexe import missions, ouvrir_section_annexe, synthese
from .briques import paragraphe
from .clauses import signatures
from .constantes import TIRET
from .convention import echeancier_versements, parties
from .cycle import document_portrait, timbre
from .paquet import proprietes


def fabriquer_avenant() -> DocumentWord:
    """Le gabarit complet de l’avenant."""
    doc = document_portrait()
    _titre(doc)
    parties(doc)
    p = paragraphe(doc, "Il est convenu ce qui suit :", gras=True)
    p.paragraph_format.space_before = Pt(12)
    p.paragraph_format.keep_with_next = True
    _articles(doc)
    signatures(doc)
    _annexe(doc)
    proprietes(doc)
    return doc


def _titre(doc: DocumentWord) -> None:
    timbre(doc, "{{ etat.prefecture }}")
    paragraphe(doc, "{{ avenant.titre }}", "Title")
    paragraphe(doc, "{{ avenant.sous_titre }}", "Subtitle")
    paragraphe(doc, "{%p for visa in avenant.visas %}")
    paragraphe(doc, "{{ visa }}").paragraph_format.space_after = Pt(3)
    paragraphe(doc, "{%p endfor %}")


def _articles(doc: DocumentWord) -> None:
    """Un article par article modifié de la convention : titre, alinéas, puces, échéancier."""
    paragraphe(doc, "{%p for article in avenant.articles %}")
    paragraphe(doc, f"Article\u00a0{{{{ article.numero }}}}\u00a0{TIRET} {{{{ article.titre }}}}", "Heading 2")
    paragraphe(doc, "{%p for alinea in article.alineas %}")
    # Alinéas solidaires de ce qui suit : la phrase qui annonce l'échéancier ne reste jamais seule en bas de page.
    paragraphe(doc, "{{ alinea }}").paragraph_format.keep_with_next = True
    paragraphe(doc, "{%p endfor %}")
    paragraphe(doc, "{%p for puce in article.puces %}")
    paragraphe(doc, "{{ puce }}", "List Bullet")
    paragraphe(doc, "{%p endfor %}")
    paragraphe(doc, "{%p if article.echeancier %}")
    echeancier_versements(doc)  # le tableau de l’article 5 de la convention
    paragraphe(doc, "{%p endif %}")
    paragraphe(doc, "{%p endfor %}")


def _annexe(doc: DocumentWord) -> None:
    """Section paysage : objectifs modifiés (rédaction consolidée) et synthèse financière nouvelle."""
    ouvrir_section_annexe(doc)
    paragraphe(doc, "{%p if avenant.annexe_objectifs %}")
    paragraphe(
        doc,
        "Les objectifs dont une action est ajoutée, retirée ou modifiée par le présent avenant figurent ci-après "
        "dans leur rédaction consolidée ; ils remplacent ceux de l’annexe de la convention.",
    )
    missions(doc)
    paragraphe(doc, "{%p else %}")
    paragraphe(doc, "Le présent avenant ne modifie aucune action : les objectifs de l’annexe demeurent inchangés.")
    paragraphe(doc, "{%p endif %}")
    synthese(doc)
