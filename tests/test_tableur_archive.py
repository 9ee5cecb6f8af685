"""Tests de convgen.tableur.archive : classeurs piégés (formules sans valeur, bombes, fichiers spéciaux)."""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from conftest import convgen
from lot_aide import BRETAGNE

from convgen.chargement import lire
from convgen.erreurs import FichierIllisible, Gravite
from convgen.tableur import ecrire_tableur, lire_tableur
from convgen.tableur.archive import LIGNES_LUES_MAX, TAILLE_DECOMPRESSEE_MAX

# Parties écrites par openpyxl : les feuilles dans l'ordre du classeur (Aide, Conventions, Actions…).
VERSEMENTS = "xl/worksheets/sheet5.xml"


@pytest.fixture
def classeur(tmp_path: Path) -> Path:
    chemin = ecrire_tableur([lire(BRETAGNE)[0]], tmp_path / "bretagne.xlsx")
    with zipfile.ZipFile(chemin) as archive:
        assert b'name="Versements"' in archive.read("xl/workbook.xml")
        assert b"<row" in archive.read(VERSEMENTS)
    return chemin


def _rearchiver(chemin: Path, parties: dict[str, Callable[[bytes], bytes]]) -> Path:
    """Réécrit l'archive en transformant les parties nommées."""
    with zipfile.ZipFile(chemin) as source:
        contenus = {nom: source.read(nom) for nom in source.namelist()}
    with zipfile.ZipFile(chemin, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for nom, contenu in contenus.items():
            archive.writestr(nom, parties.get(nom, lambda octets: octets)(contenu))
    return chemin


def _formule(livre: openpyxl.Workbook) -> None:
    """Le montant du premier financement devient une formule : openpyxl l'enregistre sans valeur."""
    feuille = livre["Financements"]
    colonne = next(c.column for c in feuille[1] if c.value == "Montant")
    assert feuille.cell(row=2, column=colonne).value == 42000
    feuille.cell(row=2, column=colonne).value = "=40000+2000"


def test_formule_sans_valeur_refusee_cellule_nommee(classeur: Path) -> None:
    livre = openpyxl.load_workbook(classeur)
    _formule(livre)
    livre.save(classeur)
    livre.close()
    examens = lire_tableur(classeur)
    assert [(e.fichier, e.convention) for e in examens] == [(str(classeur), None)]  # rien n'est produit
    assert [(c.code, c.gravite, c.feuille, c.ligne, c.colonne) for c in examens[0].constats] == [
        ("formule-sans-valeur", Gravite.ERREUR, "Financements", 2, "D")
    ]
    assert examens[0].constats[0].message.startswith("formule sans valeur enregistrée : ouvrez le classeur")


def test_formule_avec_valeur_enregistree_acceptee(classeur: Path) -> None:
    """Ce qu'enregistrent Excel et LibreOffice : la formule et sa valeur ; c'est la valeur qui est lue."""
    attendu = lire_tableur(classeur)[0].convention
    livre = openpyxl.load_workbook(classeur)
    _formule(livre)
    livre.save(classeur)
    livre.close()
    financements = "xl/worksheets/sheet4.xml"
    _rearchiver(
        classeur, {financements: lambda x: re.sub(rb"(<f>40000\+2000</f>)(<v\s*/>|<v></v>)?", rb"\1<v>42000</v>", x)}
    )
    (examen,) = lire_tableur(classeur)
    assert examen.convention == attendu


def test_bombe_de_textes_partages_refusee(classeur: Path) -> None:
    """1,5 Mo compressés, plus de 100 Mio une fois décompressés : refusé sur la foi de l'archive, sans rien lire."""
    bloc = b"<si><t>" + b"A" * 65_000 + b"</t></si>"
    with zipfile.ZipFile(classeur) as source:
        contenus = {nom: source.read(nom) for nom in source.namelist()}
    with zipfile.ZipFile(classeur, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for nom, contenu in contenus.items():
            if nom != "xl/sharedStrings.xml":
                archive.writestr(nom, contenu)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as partie:
            partie.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            for _ in range(TAILLE_DECOMPRESSEE_MAX // len(bloc) + 1):
                partie.write(bloc)
            partie.write(b"</sst>")
    assert classeur.stat().st_size < 2 * 2**20
    with pytest.raises(FichierIllisible, match=r"démesuré une fois décompressé \(100 Mio ; au plus 100 Mio\)"):
        lire_tableur(classeur)


RANGEES = re.compile(rb"<sheetData>.*</sheetData>|<sheetData\s*/>", re.DOTALL)


def _lignes_vides(nombre: int) -> Callable[[bytes], bytes]:
    def transformer(xml: bytes) -> bytes:
        entetes = re.search(rb"<row r=\"1\".*?</row>", xml, re.DOTALL)
        assert entetes is not None
        vides = b"".join(b'<row r="%d"/>' % i for i in range(2, nombre + 2))
        return RANGEES.sub(lambda _: b"<sheetData>" + entetes[0] + vides + b"</sheetData>", xml)

    return transformer


def _ligne_lointaine(xml: bytes) -> bytes:
    return xml.replace(
        b"</sheetData>", b'<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    )


@pytest.mark.parametrize(
    ("transformer", "refus"),
    [
        pytest.param(_lignes_vides(1_000_000), True, id="million-de-lignes-vides"),
        pytest.param(_ligne_lointaine, True, id="ligne-1000000"),
        pytest.param(_lignes_vides(LIGNES_LUES_MAX - 1), False, id="juste-sous-la-limite"),
    ],
)
def test_lignes_bornees(classeur: Path, transformer: Callable[[bytes], bytes], refus: bool) -> None:
    _rearchiver(classeur, {VERSEMENTS: transformer})
    resultat = convgen("valider", classeur, timeout=120)  # avant la borne : des minutes, ou la mémoire épuisée
    refuse = f"Versements : plus de {LIGNES_LUES_MAX} lignes, vides comprises : feuille ignorée"
    assert (refuse in resultat.stdout) is refus, resultat.stdout


@pytest.mark.parametrize("cible", ["/dev/zero", "fifo"])
@pytest.mark.parametrize("suffixe", [".xlsx", ".yaml"])
def test_fichier_special_refuse(tmp_path: Path, cible: str, suffixe: str) -> None:
    """Un tube nommé bloquait la lecture pour toujours ; /dev/zero remplissait la mémoire."""
    chemin = tmp_path / f"piege{suffixe}"
    if cible == "fifo":
        os.mkfifo(chemin)
    else:
        chemin.symlink_to(cible)
    resultat = convgen("valider", chemin, timeout=60)
    assert resultat.returncode == 1
    assert "ce n'est pas un fichier ordinaire (tube, périphérique ou socket) : refusé" in resultat.stdout
