"""Tests de convgen.gabarit.garde : les balises que le rendu verrait sans que Word les montre sont refusées.

Chaque gabarit part d'un vrai .docx de python-docx dont le paragraphe « MARQUE » est réécrit dans
le XML comme le ferait un fichier forgé ; la vérification doit le refuser, et le rendu avec elle.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

import pytest
from docx import Document

from convgen.erreurs import GabaritInvalide
from convgen.gabarit.rendu import Gabarit
from convgen.gabarit.verification import verifier_gabarit

CACHEE = "balise cachée dans {} : le rendu l'exécuterait sans que Word la montre ; retirez-la"
Reecrire = Callable[[str], str]


def forge(reecrire: Reecrire, partie: str = "word/document.xml", encodage: str = "utf-8") -> bytes:
    """Un .docx de python-docx (paragraphes « Avant » et « MARQUE »), dont une partie est réécrite."""
    doc = Document()
    doc.add_paragraph("Avant")
    doc.add_paragraph("MARQUE")
    doc.sections[0].header.paragraphs[0].text = "MARQUE"
    source, sortie = io.BytesIO(), io.BytesIO()
    doc.save(source)
    with zipfile.ZipFile(source) as entree, zipfile.ZipFile(sortie, "w") as copie:
        for info in entree.infolist():
            contenu = entree.read(info)
            if info.filename == partie:
                contenu = reecrire(contenu.decode("utf-8")).encode(encodage)
            copie.writestr(info, contenu)
    return sortie.getvalue()


def marque(remplacement: str) -> Reecrire:
    return lambda xml: xml.replace("<w:t>MARQUE</w:t>", remplacement)


def declaration(encodage: str, remplacement: str) -> Reecrire:
    """Remplace la marque et déclare un autre encodage (python-docx écrit ``encoding='UTF-8'``)."""
    return lambda xml: re.sub(r"encoding=.UTF-8.", f'encoding="{encodage}"', marque(remplacement)(xml), count=1)


def doctype(xml: str) -> str:
    entete, corps = xml.split("?>", 1)
    entite = '<!DOCTYPE w:document [<!ENTITY e "{{ structure.sirret }}">]>'
    return entete + "?>" + entite + corps.replace("<w:t>MARQUE</w:t>", "<w:t>&e;</w:t>")


REFERENCE = "caractère « {} » écrit en référence XML ({}) : une balise s'y cacherait ; tapez le caractère lui-même"
CAS = [
    (
        "entité d'un DOCTYPE",
        doctype,
        "déclaration DOCTYPE refusée : un document Word n'en porte pas, et ses entités cachent des balises ; "
        "enregistrez le gabarit à nouveau depuis Word ou Writer",
    ),
    (
        "références décimales",
        marque("<w:t>&#123;&#123; structure.sirret }}</w:t>"),
        REFERENCE.format("{", "&#123;"),
    ),
    ("référence hexadécimale", marque("<w:t>{&#x7B; structure.sirret }}</w:t>"), REFERENCE.format("{", "&#x7B;")),
    ("pourcentage", marque("<w:t>{&#37; if region %}x{% endif %}</w:t>"), REFERENCE.format("%", "&#37;")),
    (
        "attribut",
        marque('<w:t>x</w:t></w:r><w:r w:rsidR="{{ structure.sirret }}"><w:t>y</w:t>'),
        CACHEE.format("l'attribut « rsidR » de « w:r »"),
    ),
    (
        "commentaire XML",
        marque("<w:t>x</w:t><!-- {{ structure.__class__ }} -->"),
        CACHEE.format("un commentaire XML"),
    ),
    ("instruction de traitement", marque("<w:t>x</w:t><?cg {{ x }}?>"), CACHEE.format("une instruction de traitement")),
    ("code de champ", marque("<w:instrText>{{ x }}</w:instrText>"), CACHEE.format("l'élément « w:instrText »")),
    ("texte supprimé", marque("<w:delText>{{ x }}</w:delText>"), CACHEE.format("l'élément « w:delText »")),
    (
        "UTF-7",
        declaration("UTF-7", "<w:t>+AHsAew- structure.sirret }}</w:t>"),
        "encodage « UTF-7 » refusé : enregistrez le gabarit depuis Word ou Writer (UTF-8)",
    ),
]


@pytest.mark.parametrize(("reecrire", "message"), [c[1:] for c in CAS], ids=[c[0] for c in CAS])
def test_balise_cachee_refusee(reecrire: Reecrire, message: str) -> None:
    octets = forge(reecrire)
    problemes = verifier_gabarit(octets)
    lieu = "corps, paragraphe 2" if message.startswith("balise cachée") else "corps"  # « MARQUE » : paragraphe 2
    assert [(p.emplacement, p.message) for p in problemes][:1] == [(lieu, message)]
    with pytest.raises(GabaritInvalide):
        Gabarit(octets)


def test_les_references_ordinaires_restent_permises() -> None:
    octets = forge(marque("<w:t>Prix&#160;: 5&#8239;% &#38; {{ structure.sigle }}</w:t>"))
    assert verifier_gabarit(octets) == []


def test_partie_utf16_verifiee_comme_les_autres() -> None:
    octets = forge(declaration("UTF-16", "<w:t>{{ structure.sirret }}</w:t>"), "word/header1.xml", "utf-16")
    assert [(p.emplacement, p.message) for p in verifier_gabarit(octets)] == [
        (
            "en-tête (word/header1.xml), paragraphe 1",
            "variable inconnue « structure.sirret » : vouliez-vous dire « structure.siret » ? "
            "(voir convgen schema contexte)",
        )
    ]


def test_balise_cachee_en_utf16_par_reference() -> None:
    octets = forge(declaration("UTF-16", "<w:t>&#123;{ structure.sirret }}</w:t>"), "word/header1.xml", "utf-16")
    (probleme,) = verifier_gabarit(octets)
    assert (probleme.emplacement, probleme.message) == ("en-tête (word/header1.xml)", REFERENCE.format("{", "&#123;"))
