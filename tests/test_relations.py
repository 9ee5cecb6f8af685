"""Tests de convgen.gabarit.relations : ressources externes d'un gabarit, refusées avec leur lieu ; liens permis."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import convgen
from docx import Document
from docx.document import Document as DocumentWord
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lot_aide import BRETAGNE

from convgen.erreurs import GabaritInvalide, ProblemeGabarit
from convgen.gabarit.rendu import Gabarit
from convgen.gabarit.verification import verifier_gabarit

Construire = Callable[[DocumentWord], None]
CONSEIL = "LibreOffice irait la chercher (réseau ou fichier local) : insérez-la dans le document"
ESPION = "http://127.0.0.1:9/espion.png"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"  # ECMA-376, partie 1, § 15


def fabriquer(construire: Construire) -> bytes:
    doc = Document()
    doc.add_paragraph("Convention {{ convention.annee }}")
    construire(doc)
    tampon = io.BytesIO()
    doc.save(tampon)
    return tampon.getvalue()


def _externe(partie: Callable[[DocumentWord], object], type_: str, cible: str) -> Construire:
    def construire(doc: DocumentWord) -> None:
        partie(doc).relate_to(cible, type_, is_external=True)  # type: ignore[attr-defined]

    return construire


def _lien(doc: DocumentWord, element: str = "w:hyperlink") -> None:
    rid = doc.part.relate_to("https://travail-emploi.gouv.fr/", RT.HYPERLINK, is_external=True)
    lien = OxmlElement(element)
    lien.set(qn("r:id"), rid)
    doc.paragraphs[0]._p.append(lien)


def _champ(*morceaux: str) -> Construire:
    """Un champ Word complexe dont le code est réparti sur plusieurs runs, comme Word le fait parfois."""

    def construire(doc: DocumentWord) -> None:
        paragraphe = doc.add_paragraph()._p
        elements = [("w:fldChar", "begin"), *[("w:instrText", m) for m in morceaux], ("w:fldChar", "end")]
        for balise, valeur in elements:
            run, element = OxmlElement("w:r"), OxmlElement(balise)
            if balise == "w:fldChar":
                element.set(qn("w:fldCharType"), valeur)
            else:
                element.text = valeur
            run.append(element)
            paragraphe.append(run)

    return construire


def _corps(doc: DocumentWord) -> object:
    return doc.part


def _reglages(doc: DocumentWord) -> object:
    return doc.part._settings_part  # la partie word/settings.xml


def _entete(doc: DocumentWord) -> object:
    return doc.sections[0].header.part


RELS_CORPS = "relations de word/document.xml (word/_rels/document.xml.rels)"

REFUSES = [
    ("image", _externe(_corps, RT.IMAGE, ESPION), RELS_CORPS, f"image liée « {ESPION} »"),
    ("modele-attache", _externe(_reglages, OFFICE + "attachedTemplate", "file:///etc/passwd"),
     "relations de word/settings.xml (word/_rels/settings.xml.rels)", "modèle attaché « file:///etc/passwd »"),
    ("ole", _externe(_corps, RT.OLE_OBJECT, "file:///home/x/tableur.xlsx"), RELS_CORPS,
     "objet OLE lié « file:///home/x/tableur.xlsx »"),
    ("cadre", _externe(_corps, OFFICE + "frame", "http://127.0.0.1:9/cadre.html"), RELS_CORPS,
     "cadre (frame) « http://127.0.0.1:9/cadre.html »"),
    ("sous-document", _externe(_corps, OFFICE + "subDocument", "file:///tmp/x.docx"), RELS_CORPS,
     "sous-document « file:///tmp/x.docx »"),
    ("en-tete", _externe(_entete, RT.IMAGE, ESPION),
     "relations de word/header1.xml (word/_rels/header1.xml.rels)", f"image liée « {ESPION} »"),
    ("type-inconnu", _externe(_corps, "http://exemple.fr/relations/truc", ESPION), RELS_CORPS,
     f"relation « truc » « {ESPION} »"),
]  # fmt: skip


@pytest.mark.parametrize(("construire", "lieu", "ressource"), [c[1:] for c in REFUSES], ids=[c[0] for c in REFUSES])
def test_relation_externe_refusee(construire: Construire, lieu: str, ressource: str) -> None:
    (probleme,) = verifier_gabarit(fabriquer(construire))
    assert probleme.emplacement.startswith(f"{lieu}, relation rId")
    assert probleme.message == f"ressource externe refusée : {ressource} ; {CONSEIL}"


def test_lien_hypertexte_permis() -> None:
    assert verifier_gabarit(fabriquer(_lien)) == []


def test_lien_hypertexte_employe_comme_image_refuse() -> None:
    (probleme,) = verifier_gabarit(fabriquer(lambda doc: _lien(doc, "w:pict")))
    assert probleme.emplacement.startswith(f"{RELS_CORPS}, relation rId")
    assert probleme.message == (
        f"lien hypertexte « https://travail-emploi.gouv.fr/ » employé comme ressource par <pict> : refusé ; {CONSEIL}"
    )


@pytest.mark.parametrize(
    ("morceaux", "champ"),
    [
        (("INCLUDE", f'PICTURE "{ESPION}" \\d'), "INCLUDEPICTURE"),
        ((' includetext "file:///etc/passwd" ',), "INCLUDETEXT"),
        (('DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/c calc"',), "DDEAUTO"),
        (('LINK Excel.Sheet.8 "file:///x.xlsx" "Feuil1!L1C1" \\a',), "LINK"),
    ],
    ids=["includepicture-coupe", "includetext", "ddeauto", "link"],
)
def test_champ_qui_charge_refuse(morceaux: tuple[str, ...], champ: str) -> None:
    (probleme,) = verifier_gabarit(fabriquer(_champ(*morceaux)))
    assert probleme.emplacement == "champs de word/document.xml"
    assert probleme.message == f"champ {champ} refusé : il charge un contenu extérieur ; {CONSEIL}"


@pytest.mark.parametrize("code", [' HYPERLINK "https://travail-emploi.gouv.fr/" ', " PAGE ", " NUMPAGES "])
def test_champ_ordinaire_permis(code: str) -> None:
    assert verifier_gabarit(fabriquer(_champ(code))) == []


def test_gabarit_refuse_avant_tout_rendu() -> None:
    with pytest.raises(GabaritInvalide) as exc:
        Gabarit(fabriquer(_externe(_corps, RT.IMAGE, ESPION)))
    assert [p.message for p in exc.value.problemes] == [
        f"ressource externe refusée : image liée « {ESPION} » ; {CONSEIL}"
    ]
    assert all(isinstance(p, ProblemeGabarit) for p in exc.value.problemes)


@pytest.fixture
def gabarit_espion(tmp_path: Path) -> Path:
    chemin = tmp_path / "espion.docx"
    chemin.write_bytes(fabriquer(_externe(_reglages, OFFICE + "attachedTemplate", ESPION)))
    return chemin


def test_cli_verifier_gabarit_situe_la_relation(gabarit_espion: Path) -> None:
    resultat = convgen("verifier-gabarit", gabarit_espion, timeout=60)
    assert resultat.returncode == 1
    lignes = resultat.stdout.splitlines()
    assert lignes[0] == f"{gabarit_espion} : 1 problème"
    assert lignes[1].startswith("  relations de word/settings.xml (word/_rels/settings.xml.rels), relation rId")
    assert lignes[1].endswith(f" : ressource externe refusée : modèle attaché « {ESPION} » ; {CONSEIL}")


@pytest.mark.parametrize("commande", ["generer", "lot"])
def test_generer_et_lot_refusent_sans_rien_ecrire(tmp_path: Path, gabarit_espion: Path, commande: str) -> None:
    sortie = tmp_path / "sortie"
    resultat = convgen(commande, BRETAGNE, "--sortie", sortie, "--gabarit", gabarit_espion, timeout=120)
    assert resultat.returncode == 1
    assert f"ressource externe refusée : modèle attaché « {ESPION} »" in resultat.stderr
    assert not sortie.exists()
