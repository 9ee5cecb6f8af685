"""Tests de convgen.tableur.feuille : la feuille écrite est relue par openpyxl, par python-calamine et par
LibreOffice Calc (conversion en CSV), qui y voient les mêmes valeurs."""

from __future__ import annotations

import csv
import io
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from convgen.tableur.feuille import feuille_xlsx

RANGEES = [
    ["texte", "montant", "nombre", "vide"],
    ["Région Provence-Alpes-Côte d'Azur", Decimal("45000.50"), 3, None],
    ['=HYPERLINK("http://127.0.0.1/x";"Cliquez")', Decimal("-12.00"), 0, ""],
    ["a & b < c > d \"e\" 'f'", Decimal("0.00"), 1_000_000, None],
    ["ligne 1\nligne 2\tfin", Decimal("1000000"), -7, None],
]
ATTENDU = [  # (texte, montant, nombre) tels qu'un tableur les relit
    ("Région Provence-Alpes-Côte d'Azur", 45000.5, 3),
    ('=HYPERLINK("http://127.0.0.1/x";"Cliquez")', -12.0, 0),
    ("a & b < c > d \"e\" 'f'", 0.0, 1_000_000),
    ("ligne 1\nligne 2\tfin", 1_000_000.0, -7),
]


def _ecrire(tmp_path: Path, rangees: list[list[object]] = RANGEES) -> Path:
    chemin = tmp_path / "synthese.xlsx"
    chemin.write_bytes(feuille_xlsx("Synthèse", rangees))
    return chemin


def test_relue_par_openpyxl(tmp_path: Path) -> None:
    classeur = openpyxl.load_workbook(_ecrire(tmp_path))
    try:
        feuille = classeur["Synthèse"]
        rangees = list(feuille.iter_rows(values_only=True))
        assert rangees[0] == ("texte", "montant", "nombre", "vide")
        assert {r[3] for r in rangees[1:]} == {None}  # None et "" : cellules absentes
        assert [(t, float(m), n) for t, m, n, _ in rangees[1:]] == ATTENDU
        assert all(feuille.cell(row=r, column=1).data_type == "s" for r in range(1, 6))  # jamais une formule
    finally:
        classeur.close()


def test_relue_par_calamine(tmp_path: Path) -> None:
    rangees = CalamineWorkbook.from_path(str(_ecrire(tmp_path))).get_sheet_by_name("Synthèse").to_python()
    assert [(t, float(m), int(n)) for t, m, n, *_ in rangees[1:]] == ATTENDU


@pytest.mark.usefixtures("outils")
def test_relue_par_libreoffice(tmp_path: Path) -> None:
    chemin = _ecrire(tmp_path)
    profil = (tmp_path / "profil").as_uri()
    filtre = "csv:Text - txt - csv (StarCalc):44,34,76"  # virgules, guillemets, UTF-8
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profil}", "--headless", "--convert-to", filtre,
         "--outdir", str(tmp_path / "csv"), str(chemin)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    rangees = list(csv.reader(io.StringIO((tmp_path / "csv" / "synthese.csv").read_text(encoding="utf-8"))))
    assert rangees[0][:3] == ["texte", "montant", "nombre"]
    assert [(t, float(m), int(n)) for t, m, n, *_ in rangees[1:]] == ATTENDU


@pytest.mark.parametrize(
    ("valeur", "attendu"),
    [
        ("a\x00b\x1fc\x0bd", "abcd"),  # caractères que XML refuse : retirés, le reste gardé
        ("é\u202f€", "é\u202f€"),
    ],
)
def test_textes(tmp_path: Path, valeur: str, attendu: str) -> None:
    classeur = openpyxl.load_workbook(_ecrire(tmp_path, [[valeur]]))
    try:
        assert classeur.active["A1"].value == attendu
    finally:
        classeur.close()


def test_colonnes_au_dela_de_z(tmp_path: Path) -> None:
    classeur = openpyxl.load_workbook(_ecrire(tmp_path, [list(range(30))]))
    try:
        assert (classeur.active["Z1"].value, classeur.active["AA1"].value, classeur.active["AD1"].value) == (25, 26, 29)
    finally:
        classeur.close()


def test_memes_donnees_memes_octets() -> None:
    assert feuille_xlsx("Synthèse", RANGEES) == feuille_xlsx("Synthèse", RANGEES)
    with zipfile.ZipFile(io.BytesIO(feuille_xlsx("Synthèse", RANGEES))) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
