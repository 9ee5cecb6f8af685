"""Classeurs OpenDocument (.ods) : lus comme leur équivalent Excel, sans LibreOffice, sans entités XML."""

from __future__ import annotations

import datetime as dt
import subprocess
import zipfile
from pathlib import Path

import pytest

from convgen.chargement import lire
from convgen.tableur import ecrire_tableur, lire_tableur
from convgen.tableur.ods import ClasseurOds

RACINE = Path(__file__).resolve().parents[1]
AUVERGNE = RACINE / "donnees_exemple" / "auvergne_2009_tripartite.yaml"
BRETAGNE = RACINE / "donnees_exemple" / "bretagne_2009_bipartite.yaml"
_ESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def ods(dossier: Path, lignes: str, prologue: str = "") -> Path:
    """Un .ods minimal dont la feuille « Conventions » a les lignes XML données."""
    contenu = (
        f'<?xml version="1.0" encoding="UTF-8"?>{prologue}<office:document-content {_ESPACES}><office:body>'
        f'<office:spreadsheet><table:table table:name="Conventions">{lignes}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    chemin = dossier / "classeur.ods"
    with zipfile.ZipFile(chemin, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", contenu)
    return chemin


X = "<table:table-cell><text:p>x</text:p></table:table-cell>"
VIDES = '<table:table-cell table:number-columns-repeated="{}"/>'


def _rangees(chemin: Path) -> list[tuple[object, ...]]:
    return list(ClasseurOds(chemin)["Conventions"].iter_rows(values_only=True))


@pytest.mark.parametrize(
    ("cellules", "attendu"),
    [
        ('<table:table-cell office:value-type="float" office:value="27500.5"/>', (27500.5,)),
        ('<table:table-cell office:value-type="currency" office:value="12"/>', (12.0,)),
        ('<table:table-cell office:value-type="date" office:date-value="2009-03-01"/>', (dt.datetime(2009, 3, 1),)),
        ('<table:table-cell office:value-type="boolean" office:boolean-value="true"/>', (True,)),
        (
            '<table:table-cell><text:p>a<text:s text:c="3"/>b</text:p><text:p>c</text:p></table:table-cell>',
            ("a   b\nc",),
        ),
        (VIDES.format(2) + X, (None, None, "x")),
        (X + VIDES.format(16000), ("x",)),
        (
            "<table:table-cell><office:annotation><text:p>aide</text:p></office:annotation><text:p>Clé</text:p>"
            "</table:table-cell>",
            ("Clé",),
        ),
    ],
)
def test_valeurs_des_cellules(tmp_path: Path, cellules: str, attendu: tuple[object, ...]) -> None:
    assert _rangees(ods(tmp_path, f"<table:table-row>{cellules}</table:table-row>")) == [attendu]


def test_lignes_repetees_depliees_et_vides_de_fin_omises(tmp_path: Path) -> None:
    x = X
    lignes = (
        f"<table:table-row>{x}</table:table-row>"
        '<table:table-row table:number-rows-repeated="2"><table:table-cell/></table:table-row>'
        f'<table:table-row table:number-rows-repeated="2">{x}</table:table-row>'
        '<table:table-row table:number-rows-repeated="1048570"><table:table-cell/></table:table-row>'
    )
    assert _rangees(ods(tmp_path, lignes)) == [("x",), (), (), ("x",), ("x",)]


def test_entites_xml_jamais_resolues(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("contenu secret", encoding="utf-8")
    prologue = f'<!DOCTYPE x [<!ENTITY e SYSTEM "{secret.as_uri()}">]>'
    cellule = "<table:table-cell><text:p>&e;</text:p></table:table-cell>"
    chemin = ods(tmp_path, f"<table:table-row>{cellule}</table:table-row>", prologue)
    assert "contenu secret" not in str(_rangees(chemin))


@pytest.mark.parametrize("contenu", [b"pas un zip", b"PK\x03\x04abime"])
def test_ods_illisible_constat(tmp_path: Path, contenu: bytes) -> None:
    chemin = tmp_path / "abime.ods"
    chemin.write_bytes(contenu)
    from convgen.erreurs import FichierIllisible

    with pytest.raises(FichierIllisible, match="classeur OpenDocument valide"):
        lire_tableur(chemin)


@pytest.mark.lent
@pytest.mark.usefixtures("outils")
def test_ods_enregistre_par_libreoffice_lu_comme_l_excel(tmp_path: Path) -> None:
    donnees = [lire(AUVERGNE)[0], lire(BRETAGNE)[0]]
    donnees[1]["structure"]["siret"] = "77567223100022"  # une erreur située : même ligne, même colonne
    xlsx = ecrire_tableur(donnees, tmp_path / "classeur.xlsx")
    subprocess.run(
        ["soffice", f"-env:UserInstallation={(tmp_path / 'profil').as_uri()}", "--headless", "--convert-to", "ods",
         "--outdir", str(tmp_path), str(xlsx)],
        check=True, capture_output=True, timeout=180, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    depuis_excel, depuis_ods = lire_tableur(xlsx), lire_tableur(tmp_path / "classeur.ods")
    assert [e.fichier.rsplit("#", 1)[1] for e in depuis_ods] == ["AUV-2009", "BRE-2009"]
    for excel, opendoc in zip(depuis_excel, depuis_ods, strict=True):
        assert opendoc.convention == excel.convention
        lieux = [(c.code, c.chemin, c.feuille, c.ligne, c.colonne, c.message) for c in opendoc.constats]
        assert lieux == [(c.code, c.chemin, c.feuille, c.ligne, c.colonne, c.message) for c in excel.constats]
    assert "siret-invalide" in [c.code for c in depuis_ods[1].constats]


def test_formule_sans_valeur_refusee_et_situee(tmp_path: Path) -> None:
    lignes = (
        f"<table:table-row>{X}{X}</table:table-row>"
        f'<table:table-row>{X}<table:table-cell table:formula="of:=1+1"/></table:table-row>'
        '<table:table-row><table:table-cell table:formula="of:=2" office:value-type="float" office:value="2"/>'
        "</table:table-row>"
    )
    (examen,) = lire_tableur(ods(tmp_path, lignes))
    assert [(c.code, c.feuille, c.ligne, c.colonne) for c in examen.constats] == [
        ("formule-sans-valeur", "Conventions", 2, "B")
    ]


def test_ligne_remplie_au_dela_de_la_limite_feuille_refusee(tmp_path: Path) -> None:
    lignes = (
        f"<table:table-row>{X}</table:table-row>"
        '<table:table-row table:number-rows-repeated="60000"><table:table-cell/></table:table-row>'
        f"<table:table-row>{X}</table:table-row>"
    )
    examens = lire_tableur(ods(tmp_path, lignes))
    messages = [c.message for e in examens for c in e.constats if c.feuille == "Conventions"]
    assert "plus de 50000 lignes, vides comprises : feuille ignorée" in messages
