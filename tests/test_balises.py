"""Tests de convgen.gabarit.balises : balises coupées par Word ou Writer, acceptées puis rendues.

Chaque gabarit est fabriqué ici : avec python-docx (runs, marques de correction, signets, rsid
ajoutés au XML comme Word les écrit) ou par LibreOffice (``soffice --convert-to docx`` d'une page
HTML), puis vérifié et rendu avec la convention bretonne.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from collections.abc import Callable

import pytest
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from docx_texte import convention_exemple, lignes_docx, ouvrir

from convgen.contexte import construire_contexte
from convgen.gabarit.rendu import Gabarit
from convgen.gabarit.verification import verifier_gabarit

NOM, SIGLE = "Association régionale des missions locales de Bretagne", "ARML Bretagne"  # exemple breton
Morceaux = Callable[[Paragraph], None]


def _marque(nom: str, **attributs: str) -> OxmlElement:
    element = OxmlElement(nom)
    for cle, valeur in attributs.items():
        element.set(qn(f"w:{cle}"), valeur)
    return element


def runs(*textes: str, gras: int | None = None, italique: int | None = None) -> Morceaux:
    """Un run par texte ; ``gras``/``italique`` : rang du run ainsi mis en forme."""

    def construire(p: Paragraph) -> None:
        for rang, texte in enumerate(textes):
            run = p.add_run(texte)
            run.bold = True if rang == gras else None
            run.italic = True if rang == italique else None

    return construire


def avec(marque: Callable[[int], list[OxmlElement]], *textes: str) -> Morceaux:
    """Des runs séparés par des éléments XML (marques de correction, signets) comme Word les place."""

    def construire(p: Paragraph) -> None:
        for rang, texte in enumerate(textes):
            if rang:
                for element in marque(rang):
                    p._p.append(element)
            p.add_run(texte)

    return construire


def rsid(*textes: str) -> Morceaux:
    """Des runs de même forme qui ne diffèrent que par leur identifiant de révision (w:rsidR)."""

    def construire(p: Paragraph) -> None:
        for rang, texte in enumerate(textes):
            run = p.add_run(texte)
            run._r.set(qn("w:rsidR"), f"00A1B2C{rang}")
            run._r.set(qn("w:rsidRPr"), f"00D4E5F{rang}")

    return construire


def correction(rang: int) -> list[OxmlElement]:
    return [_marque("w:proofErr", type="spellStart" if rang % 2 else "spellEnd")]


def signet(rang: int) -> list[OxmlElement]:
    return [_marque("w:bookmarkStart", id="0", name="_GoBack"), _marque("w:bookmarkEnd", id="0")]


def docx(*paragraphes: Morceaux | str) -> bytes:
    doc = Document()
    for contenu in paragraphes:
        p = doc.add_paragraph(contenu if isinstance(contenu, str) else None)
        if not isinstance(contenu, str):
            contenu(p)
    tampon = io.BytesIO()
    doc.save(tampon)
    return tampon.getvalue()


def rendre(octets: bytes) -> bytes:
    assert verifier_gabarit(octets) == []
    return Gabarit(octets).rendre(construire_contexte(convention_exemple("bretagne")))


COUPEES = [
    ("même forme", runs("Nom : {{ struc", "ture.", "nom }} !"), f"Nom : {NOM} !"),
    ("accolades séparées", runs("Nom : {", "{ structure.nom }", "} !"), f"Nom : {NOM} !"),
    ("forme changée dans la balise", runs("Nom : {{ structure", ".nom }} !", gras=0), f"Nom : {NOM} !"),
    ("marques de correction", avec(correction, "{{ struc", "ture.n", "om }}"), NOM),
    ("signet _GoBack", avec(signet, "{{ structure.", "nom }}, {{ structure.", "sigle }}"), f"{NOM}, {SIGLE}"),
    ("rsid", rsid("{% if structure", ".sigle %}", "({{ structure.sigle }})", "{% en", "dif %}"), f"({SIGLE})"),
    ("deux balises dans un run", runs("{{ structure.sigle }} {{ struc", "ture.sigle }}"), f"{SIGLE} {SIGLE}"),
    ("esperluette et chevrons", runs('{{ "A & B <', 'C>" }} {{ "&lt;" }}'), "A & B <C> &lt;"),
]


@pytest.mark.parametrize(("morceaux", "attendu"), [c[1:] for c in COUPEES], ids=[c[0] for c in COUPEES])
def test_balise_coupee_acceptee_et_rendue(morceaux: Morceaux, attendu: str) -> None:
    assert lignes_docx(rendre(docx("Avant.", morceaux, "Après."))) == ["Avant.", attendu, "Après."]


def test_la_balise_prend_la_forme_de_son_premier_caractere() -> None:
    rendu = ouvrir(rendre(docx(runs("Nom : ", "{{ structure", ".sig", "le }} !", gras=1, italique=2))))
    (run,) = [r for r in rendu.paragraphs[0].runs if SIGLE in r.text]
    assert (run.text, run.bold, run.italic) == (SIGLE, True, None)
    assert [r.text for r in rendu.paragraphs[0].runs if r.text] == ["Nom : ", SIGLE, " !"]


def test_paragraphe_conditionnel_coupe_par_word() -> None:
    gabarit = docx("Début", runs("{%p if ", "region %}", gras=1), "Région", avec(correction, "{%p end", "if %}"), "Fin")
    assert lignes_docx(rendre(gabarit)) == ["Début", "Fin"]


def test_balise_a_cheval_sur_deux_paragraphes_reste_refusee() -> None:
    (probleme,) = verifier_gabarit(docx("Texte {", "{ structure.nom }}"))
    assert (probleme.emplacement, probleme.message) == (
        "corps, paragraphe 2",
        "balise coupée entre deux paragraphes : une balise doit tenir dans un seul paragraphe",
    )


# --- Gabarits enregistrés par LibreOffice Writer ---------------------------------------------------


@pytest.fixture(scope="module")
def writer(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str | bytes], bytes]:
    """Enregistre en .docx par LibreOffice un corps HTML, ou un .docx existant (profil à part, délai borné)."""
    if shutil.which("soffice") is None:
        if os.environ.get("CI"):
            pytest.fail("soffice absent : obligatoire en CI", pytrace=False)
        pytest.skip("LibreOffice absent (apt-get install libreoffice-writer-nogui)")
    dossier = tmp_path_factory.mktemp("writer")
    compteur = iter(range(1000))

    def convertir(corps: str | bytes) -> bytes:
        rang = next(compteur)
        if isinstance(corps, bytes):
            (source := dossier / f"source{rang}.docx").write_bytes(corps)
        else:
            (source := dossier / f"g{rang}.html").write_text(f"<html><body>{corps}</body></html>", encoding="utf-8")
        sortie = dossier / f"writer{rang}"
        subprocess.run(
            ["soffice", f"-env:UserInstallation={(dossier / 'profil').as_uri()}", "--headless",
             "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(sortie), str(source)],
            capture_output=True, timeout=120, check=True,
        )  # fmt: skip
        return (sortie / source.with_suffix(".docx").name).read_bytes()

    return convertir


@pytest.mark.lent
def test_writer_guillemets_droits_et_forme_changee(writer: Callable[[str | bytes], bytes]) -> None:
    octets = writer(
        '<p>{% if convention.region == "Bretagne" %}Breton{% endif %} et {{ "l\'État" }}</p>'
        "<p>Nom : {{ structure.<b>sigle</b> }} ; <a name='repere'>{{ structure</a>.sigle }}</p>"
        '<p>{{ structure.<span lang="en-GB">sigle</span> }}</p>'
    )
    corps = _corps(octets)
    assert "&quot;Bretagne&quot;" in corps  # Writer écrit les guillemets droits en entités
    assert '<w:bookmarkStart w:id="0" w:name="repere"/>' in corps and 'w:val="en-GB"' in corps
    assert lignes_docx(rendre(octets))[:3] == ["Breton et l'État", f"Nom : {SIGLE} ; {SIGLE}", SIGLE]


@pytest.mark.lent
def test_balises_coupees_reenregistrees_par_writer(writer: Callable[[str | bytes], bytes]) -> None:
    """Chaque gabarit coupé de Word, rouvert et enregistré par Writer, qui réécrit les runs à sa façon."""
    octets = writer(docx(*(m for _, m, _ in COUPEES)))
    assert lignes_docx(rendre(octets)) == [attendu for _, _, attendu in COUPEES]


@pytest.mark.lent
def test_writer_guillemets_typographiques_refuses_avec_correction(writer: Callable[[str | bytes], bytes]) -> None:
    octets = writer("<p>Titre</p><p>{% if convention.region == “Bretagne” %}B{% endif %}</p>")
    assert [(p.emplacement, p.message) for p in verifier_gabarit(octets)] == [
        (
            "corps, paragraphe 2",
            "guillemets typographiques dans une balise : utilisez des guillemets droits : "
            '{% if convention.region == "Bretagne" %}',
        )
    ]


def _corps(octets: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(octets)) as archive:
        return archive.read("word/document.xml").decode("utf-8")
