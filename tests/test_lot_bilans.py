"""Comptes rendus d'exécution d'un lot (``--bilans``) : appariement, refus situés, colonnes de la synthèse."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from conftest import EXEMPLES, convgen, ecrire_yaml
from openpyxl import load_workbook

from convgen.lot import RapportLot, generer_lot

pytestmark = pytest.mark.usefixtures("polices_matplotlib")
REALISATION = EXEMPLES / "auvergne_2009_realisation.yaml"
CONVENTIONS = [EXEMPLES / "auvergne_2009_tripartite.yaml", EXEMPLES / "bretagne_2009_bipartite.yaml"]


@pytest.fixture
def fils() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(2) as executeur:
        yield executeur


def _realisations(dossier: Path, *autres: tuple[str, object]) -> Path:
    dossier.mkdir()
    shutil.copy(REALISATION, dossier)
    for nom, donnees in autres:
        ecrire_yaml(dossier, donnees, nom)
    return dossier


def _lot(tmp_path: Path, bilans: Path, fils: ThreadPoolExecutor) -> RapportLot:
    return generer_lot(CONVENTIONS, tmp_path / "sortie", bilans=bilans, executor=fils)


def _synthese(sortie: Path) -> list[dict[str, str]]:
    texte = (sortie / "synthese.csv").read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(texte), delimiter=";"))


def test_bilan_apparie_et_colonnes_de_synthese(tmp_path: Path, fils: ThreadPoolExecutor) -> None:
    rapport = _lot(tmp_path, _realisations(tmp_path / "realisations"), fils)
    assert rapport.code_sortie == 0
    sortie = tmp_path / "sortie"
    assert (sortie / "bilan_2009_auvergne_arml_auvergne.docx").is_file()
    assert (sortie / "bilan_2009_auvergne_arml_auvergne.xlsx").is_file()
    lignes = {ligne["region"]: ligne for ligne in _synthese(sortie)}
    assert (lignes["Auvergne"]["cout_realise"], lignes["Auvergne"]["reversement_du"]) == ("96300,00", "4700,50")
    assert (lignes["Bretagne"]["cout_realise"], lignes["Bretagne"]["reversement_du"]) == ("", "")
    feuille = load_workbook(sortie / "synthese.xlsx")["Synthèse"]
    entetes = [c.value for c in feuille[1]]
    auvergne = next(
        r for r in feuille.iter_rows(min_row=2, values_only=True) if r[entetes.index("region")] == "Auvergne"
    )
    assert Decimal(str(auvergne[entetes.index("reversement_du")])) == Decimal("4700.50")


ECHECS = [
    ("autre région", {"annee": 2009, "region": "Limousin", "date": "2010-03-01", "actions": []}, "échec",
     "aucune convention 2009 de la région Limousin"),
    ("mal formée", {"annee": 2009, "region": "Auvergne"}, "refusé", ""),
    ("action inconnue", {**yaml.safe_load(REALISATION.read_text(encoding="utf-8")),
                         "actions": [{"numero": 5, "cout_realise": 1}]}, "refusé", ""),
]  # fmt: skip


@pytest.mark.parametrize(("cas", "donnees", "statut", "message"), ECHECS, ids=[e[0] for e in ECHECS])
def test_realisation_en_echec_signalee(
    tmp_path: Path, fils: ThreadPoolExecutor, cas: str, donnees: object, statut: str, message: str
) -> None:
    dossier = tmp_path / "realisations"
    dossier.mkdir()
    ecrire_yaml(dossier, donnees, "fautive.yaml")
    rapport = _lot(tmp_path, dossier, fils)
    (ligne,) = [ligne for ligne in rapport.lignes if ligne["version"] == "bilan"]
    assert (ligne["statut"], rapport.code_sortie) == (statut, 1)
    assert message in ligne["message"]
    assert statut == "échec" or ligne["constats"]
    assert not list((tmp_path / "sortie").glob("bilan_*"))


def test_sans_bilans_la_synthese_garde_ses_colonnes(tmp_path: Path, fils: ThreadPoolExecutor) -> None:
    generer_lot(CONVENTIONS, tmp_path / "sortie", executor=fils)
    assert "cout_realise" not in _synthese(tmp_path / "sortie")[0]


def test_commande_lot_bilans(tmp_path: Path) -> None:
    dossier = _realisations(tmp_path / "realisations")
    resultat = convgen("lot", *CONVENTIONS, "--sortie", tmp_path / "sortie", "--bilans", dossier)
    assert resultat.returncode == 0, resultat.stderr
    assert (tmp_path / "sortie" / "bilan_2009_auvergne_arml_auvergne.docx").is_file()


def test_deux_structures_d_une_region_realisation_ambigue(tmp_path: Path, fils: ThreadPoolExecutor) -> None:
    autre = yaml.safe_load(CONVENTIONS[0].read_text(encoding="utf-8"))
    autre["structure"] = {**autre["structure"], "siret": "73282932000074", "sigle": "GIP Auvergne", "nom": "GIP"}
    seconde = ecrire_yaml(tmp_path, autre, "auvergne_gip.yaml")
    dossier = _realisations(tmp_path / "realisations")
    rapport = generer_lot([CONVENTIONS[0], seconde], tmp_path / "sortie", bilans=dossier, executor=fils)
    (ligne,) = [ligne for ligne in rapport.lignes if ligne["version"] == "bilan"]
    assert ligne["statut"] == "échec"
    assert "2 structures de la région Auvergne" in ligne["message"]
