"""Tests de convgen.tableur.ods et de l'aller-retour par LibreOffice Calc.

YAML → classeur prérempli (``preremplir_tableur``) → .ods enregistré par le vrai LibreOffice Calc
(``soffice --convert-to ods``) → ``lire_tableur`` : les mêmes conventions, donc le même document.
Les classeurs abîmés sont fabriqués ici, octet par octet.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import convgen, donnees_valides, ecrire_yaml, modifier
from docx_texte import archive_zip

from convgen.chargement import charger
from convgen.contexte import construire_contexte
from convgen.erreurs import FichierIllisible
from convgen.gabarit.rendu import rendre_docx
from convgen.production import preremplir_tableur
from convgen.tableur import lire_tableur
from convgen.tableur.archive import TAILLE_DECOMPRESSEE_MAX

EXEMPLES = Path(__file__).parents[1] / "donnees_exemple"
SOURCES = [EXEMPLES / "auvergne_2009_tripartite.yaml", EXEMPLES / "bretagne_2009_bipartite.yaml"]


def calc(*classeurs: Path) -> list[Path]:
    """Les classeurs enregistrés en .ods par LibreOffice Calc (un seul lancement, profil à part, délai borné)."""
    if shutil.which("soffice") is None:
        if os.environ.get("CI"):
            pytest.fail("soffice absent : obligatoire en CI (libreoffice-calc-nogui)", pytrace=False)
        pytest.skip("LibreOffice absent (apt-get install libreoffice-calc-nogui)")
    dossier = classeurs[0].parent / "ods"
    profil = (classeurs[0].parent / "profil").as_uri()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profil}", "--headless", "--convert-to", "ods",
         "--outdir", str(dossier), *map(str, classeurs)],
        capture_output=True, timeout=180, check=True,
    )  # fmt: skip
    sorties = [dossier / c.with_suffix(".ods").name for c in classeurs]
    assert all(s.is_file() for s in sorties), "LibreOffice Calc n'a pas écrit le .ods (libreoffice-calc-nogui ?)"
    return sorties


@pytest.mark.lent
def test_aller_retour_yaml_classeur_ods_convention(tmp_path: Path) -> None:
    classeur, examens = preremplir_tableur(SOURCES, tmp_path / "prerempli.xlsx")
    assert classeur is not None and [e.fichier for e in examens] == [str(s) for s in SOURCES]
    fautive = ecrire_yaml(tmp_path, modifier(donnees_valides(), {"structure.siret": "44306184100048"}))
    classeur_fautif, _ = preremplir_tableur([fautive], tmp_path / "fautif.xlsx")
    assert classeur_fautif is not None
    ods, ods_fautif = calc(classeur, classeur_fautif)
    with zipfile.ZipFile(ods) as archive:  # c'est bien Calc qui l'a écrit
        assert archive.read("mimetype") == MIME
        assert b"LibreOffice" in archive.read("meta.xml")

    relus = lire_tableur(ods)
    assert [e.fichier for e in relus] == [f"{ods}#AUV-2009", f"{ods}#BRE-2009"]
    for source, relu in zip(SOURCES, relus, strict=True):
        attendue = charger(source)
        assert relu.convention == attendue
        assert rendre_docx(construire_contexte(relu.convention)) == rendre_docx(construire_contexte(attendue))

    recopie, _ = preremplir_tableur([ods], tmp_path / "depuis_ods.xlsx")  # le .ods comme source de --depuis
    assert recopie is not None
    assert [e.convention for e in lire_tableur(recopie)] == [charger(s) for s in SOURCES]

    (fautif,) = lire_tableur(ods_fautif)
    (siret,) = [c for c in fautif.constats if c.code == "siret-invalide"]
    assert (siret.feuille, siret.ligne, siret.colonne, siret.chemin) == ("Conventions", 2, "T", "structure.siret")


@pytest.mark.lent
def test_lot_et_valider_lisent_les_ods(tmp_path: Path) -> None:
    classeur, _ = preremplir_tableur(SOURCES[:1], tmp_path / "auvergne.xlsx")
    assert classeur is not None
    (ods,) = calc(classeur)
    resultat = convgen("valider", ods)
    assert (resultat.returncode, resultat.stdout.splitlines()[0]) == (
        0,
        f"{ods}#AUV-2009 : valide — 0 erreur, 0 alerte :",
    )
    lot = convgen("lot", ods.parent, "--sortie", tmp_path / "sortie")
    assert lot.returncode == 0, lot.stderr
    assert [p.name for p in (tmp_path / "sortie").glob("*.docx")] == ["convention_2009_auvergne_arml_auvergne.docx"]


ABIME = "ce n'est pas un classeur OpenDocument valide (contenu illisible)"
CONTENU = (
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
    '<table:table table:name="Conventions"><table:table-row><table:table-cell office:value-type="string">'
    "<text:p>Clé</text:p></table:table-cell></table:table-row>{}</table:table></office:spreadsheet></office:body>"
    "</office:document-content>"
)
MIME = b"application/vnd.oasis.opendocument.spreadsheet"
MANIFESTE = b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>'


def ods_forge(lignes: str) -> bytes:
    """Un .ods minimal : une feuille « Conventions », son en-tête « Clé », puis ces lignes."""
    return archive_zip(
        {"mimetype": MIME, "content.xml": CONTENU.format(lignes).encode(), "META-INF/manifest.xml": MANIFESTE}
    )


# 200 octets qui se déploieraient en 30 millions de cellules ; un million de lignes vides (ce qu'écrit Calc).
BOMBE = (
    '<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="30" '
    'office:value-type="string"><text:p>X</text:p></table:table-cell></table:table-row>'
)
FORMULE = (
    '<table:table-row><table:table-cell table:number-columns-repeated="2"/>'
    '<table:table-cell table:formula="of:=[.A1]*2"/></table:table-row>'
)
VIDES = (
    '<table:table-row table:number-rows-repeated="1048575">'
    '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
)


@pytest.mark.parametrize(
    ("octets", "message"),
    [
        (b"pas un classeur", "ce n'est pas un classeur OpenDocument valide (archive illisible)"),
        (archive_zip({"mimetype": b"x"}), "ce n'est pas un classeur OpenDocument (content.xml manquant)"),
        (archive_zip({"content.xml": b"<office:document-content"}), ABIME),
        (
            archive_zip({"content.xml": b"<a/>", "zeros.bin": bytes(TAILLE_DECOMPRESSEE_MAX + 1)}),
            "classeur démesuré une fois décompressé (100 Mio ; au plus 100 Mio) : refusé (bombe zip ?)",
        ),
        (ods_forge(BOMBE), "classeur démesuré : plus de 1\u202f000\u202f000 cellules remplies"),
        (ods_forge(BOMBE.replace('"30"', '"trente"')), ABIME),
    ],
    ids=["pas un zip", "sans contenu", "XML abîmé", "bombe zip", "cellules répétées", "répétition illisible"],
)  # fmt: skip
def test_ods_illisible(tmp_path: Path, octets: bytes, message: str) -> None:
    chemin = tmp_path / "classeur.ods"
    chemin.write_bytes(octets)
    with pytest.raises(FichierIllisible) as exc:
        lire_tableur(chemin)
    assert str(exc.value) == f"{chemin} : {message}"


def test_formule_sans_valeur_nommee(tmp_path: Path) -> None:
    """Comme pour un .xlsx : une formule sans valeur serait lue vide ; le classeur est refusé, la cellule nommée."""
    chemin = tmp_path / "classeur.ods"
    chemin.write_bytes(ods_forge(VIDES.replace('"1048575"', '"3"') + FORMULE))
    ((examen,),) = [lire_tableur(chemin)]
    assert [(c.code, c.feuille, c.ligne, c.colonne) for c in examen.constats] == [
        ("formule-sans-valeur", "Conventions", 5, "C")
    ]


AVEC_VALEUR = FORMULE.replace("table:formula=", 'office:value-type="float" office:value="2" table:formula=')


@pytest.mark.parametrize(
    ("lignes", "attendu"),
    [
        (VIDES, "colonne « Année » absente de la ligne d'en-têtes"),  # les lignes vides de fin, comme Calc les écrit
        (VIDES + AVEC_VALEUR, "plus de 50000 lignes, vides comprises : feuille ignorée"),  # comme pour un .xlsx
    ],
    ids=["vides à la fin", "une valeur après"],
)
def test_un_million_de_lignes_vides(tmp_path: Path, lignes: str, attendu: str) -> None:
    chemin = tmp_path / "classeur.ods"
    chemin.write_bytes(ods_forge(lignes))
    (general,) = lire_tableur(chemin)
    assert attendu in [c.message for c in general.constats]


def test_modele_tableur_depuis(tmp_path: Path) -> None:
    sortie = tmp_path / "a_completer.xlsx"
    resultat = convgen("modele-tableur", sortie, "--depuis", *SOURCES)
    assert (resultat.returncode, resultat.stdout) == (0, f"écrit : {sortie} (2 conventions)\n")
    assert [e.convention for e in lire_tableur(sortie)] == [charger(s) for s in SOURCES]
    refus = convgen("modele-tableur", sortie, "--depuis", *SOURCES)
    assert refus.returncode == 1 and "existe déjà" in refus.stderr


def test_modele_tableur_depuis_une_source_refusee(tmp_path: Path) -> None:
    sortie = tmp_path / "a_completer.xlsx"
    resultat = convgen("modele-tableur", sortie, "--depuis", SOURCES[0], EXEMPLES / "invalides" / "forme.yaml")
    assert resultat.returncode == 1
    assert resultat.stdout.startswith(f"{EXEMPLES / 'invalides' / 'forme.yaml'} : REFUSÉ — 3 erreurs, 0 alerte :")
    assert resultat.stderr == f"convgen : {sortie} : rien n'a été écrit (sources refusées ci-dessus)\n"
    assert not sortie.exists()
