"""Tests du journal de reprise, des rapports CSV (usage des tableurs français) et de la synthèse d'un lot."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from lot_aide import AUVERGNE, BRETAGNE

from convgen.chargement import charger
from convgen.production import Production, Statut
from convgen.rapport import COLONNES_SYNTHESE, Journal, ecrire_rapports, ligne_rapport, synthese

# --- Journal -----------------------------------------------------------------------------------------


def _ligne(
    dossier: Path, nom: str, *, statut: str = "produit", version: str = "auto", pdf: bool = False
) -> dict[str, Any]:
    """Une ligne de journal dont les fichiers existent vraiment, avec leur empreinte."""
    fichiers = []
    for suffixe in (".docx", ".pdf") if pdf else (".docx",):
        chemin = dossier / f"{nom}{suffixe}"
        chemin.write_bytes(f"contenu de {nom}{suffixe}".encode())
        fichiers.append({"chemin": str(chemin), "sha256": hashlib.sha256(chemin.read_bytes()).hexdigest()})
    return {"indice": 0, "source": f"{nom}.yaml", "version": version, "statut": statut,
            "empreinte_entree": f"empreinte-{nom}", "fichiers": fichiers, "constats": [], "message": "",
            "synthese": None, "donnees_essentielles": []}  # fmt: skip


def _deja(dossier: Path, ligne: dict[str, Any], *, pdf: bool = False) -> dict[str, Any] | None:
    journal = Journal(dossier, reprendre=True)
    try:
        version = None if ligne["version"] == "auto" else ligne["version"]
        return journal.deja_fait(ligne["source"], version, ligne["empreinte_entree"], pdf=pdf)
    finally:
        journal.fermer()


# Où une interruption coupe la dernière ligne : après 40 octets, ou au milieu d'un caractère (« é », 2 octets).
COUPURES = {"ascii": lambda octets: 40, "dans-un-caractere": lambda octets: octets.index("é".encode()) + 1}


@pytest.mark.parametrize("coupure", COUPURES.values(), ids=COUPURES)
def test_journal_aller_retour_ligne_tronquee_ignoree(tmp_path: Path, coupure: Callable[[bytes], int]) -> None:
    premiere, deuxieme = _ligne(tmp_path, "a"), _ligne(tmp_path, "b", version="tripartite")
    journal = Journal(tmp_path, reprendre=False)
    journal.ajouter(premiere)
    journal.ajouter(deuxieme)
    journal.fermer()
    tronquee = _ligne(tmp_path, "c", statut="refusé")
    octets = json.dumps(tronquee, ensure_ascii=False).encode()
    with journal.chemin.open("ab") as fichier:  # interruption au milieu d'une écriture
        fichier.write(octets[: coupure(octets)])

    assert _deja(tmp_path, premiere) == premiere
    assert _deja(tmp_path, deuxieme) == deuxieme
    assert _deja(tmp_path, tronquee) is None

    # La ligne ajoutée après la reprise ne doit pas se coller au morceau tronqué.
    troisieme = _ligne(tmp_path, "d")
    journal = Journal(tmp_path, reprendre=True)
    journal.ajouter(troisieme)
    journal.fermer()
    assert _deja(tmp_path, troisieme) == troisieme
    assert _deja(tmp_path, premiere) == premiere


def test_journal_sans_reprise_repart_de_zero(tmp_path: Path) -> None:
    ligne = _ligne(tmp_path, "a")
    journal = Journal(tmp_path, reprendre=False)
    journal.ajouter(ligne)
    journal.fermer()
    Journal(tmp_path, reprendre=False).fermer()
    assert _deja(tmp_path, ligne) is None


def _modifier(ligne: dict[str, Any]) -> None:
    Path(ligne["fichiers"][0]["chemin"]).write_bytes(b"modifie a la main")


def _supprimer(ligne: dict[str, Any]) -> None:
    Path(ligne["fichiers"][-1]["chemin"]).unlink()


# (statut, pdf dans le journal, pdf demandé, altération des fichiers, reprise acceptée)
CAS_DEJA_FAIT: dict[str, tuple[str, bool, bool, Callable[[dict[str, Any]], None] | None, bool]] = {
    "intact": ("produit", False, False, None, True),
    "repris-intact": ("repris", True, True, None, True),
    "docx-modifie": ("produit", False, False, _modifier, False),
    "pdf-supprime": ("produit", True, True, _supprimer, False),
    "docx-supprime": ("produit", False, False, _supprimer, False),
    "pdf-demande-absent": ("produit", False, True, None, False),
    "refuse": ("refusé", False, False, None, False),
    "echec": ("échec", False, False, None, False),
}


@pytest.mark.parametrize(("statut", "avec_pdf", "pdf", "alterer", "accepte"), CAS_DEJA_FAIT.values(), ids=CAS_DEJA_FAIT)
def test_deja_fait(
    tmp_path: Path,
    statut: str,
    avec_pdf: bool,
    pdf: bool,
    alterer: Callable[[dict[str, Any]], None] | None,
    accepte: bool,
) -> None:
    ligne = _ligne(tmp_path, "a", statut=statut, pdf=avec_pdf)
    journal = Journal(tmp_path, reprendre=False)
    journal.ajouter(ligne)
    journal.fermer()
    if alterer is not None:
        alterer(ligne)
    assert (_deja(tmp_path, ligne, pdf=pdf) == ligne) is accepte


@pytest.mark.parametrize(("source", "version", "empreinte"), [("b.yaml", None, "empreinte-a"),
                                                               ("a.yaml", "bipartite", "empreinte-a"),
                                                               ("a.yaml", None, "autre-empreinte")])  # fmt: skip
def test_deja_fait_autre_tache(tmp_path: Path, source: str, version: str | None, empreinte: str) -> None:
    journal = Journal(tmp_path, reprendre=False)
    journal.ajouter(_ligne(tmp_path, "a"))
    journal.fermer()
    journal = Journal(tmp_path, reprendre=True)
    assert journal.deja_fait(source, version, empreinte, pdf=False) is None
    journal.fermer()


# --- Rapports ----------------------------------------------------------------------------------------

SYNTHESES = {
    "auvergne": (AUVERGNE, {"annee": 2009, "region": "Auvergne",
                            "structure": "Association régionale des missions locales d’Auvergne (ARML Auvergne)",
                            "cout_total": "101000.50", "etat": "60000.50", "conseil_regional": "38000.00",
                            "autres_financeurs": "3000.00", "ratio_budget_missions_locales": "2.89",
                            "actions_mission_I": 1, "actions_mission_II": 1, "actions_mission_III": 2,
                            "actions_mission_IV": 1, "alertes": 0}),
    "bretagne": (BRETAGNE, {"annee": 2009, "region": "Bretagne",
                            "structure": "Association régionale des missions locales de Bretagne (ARML Bretagne)",
                            "cout_total": "190000.00", "etat": "172000.00", "conseil_regional": "0.00",
                            "autres_financeurs": "18000.00", "ratio_budget_missions_locales": "3.06",
                            "actions_mission_I": 1, "actions_mission_II": 2, "actions_mission_III": 1,
                            "actions_mission_IV": 1, "alertes": 0}),
}  # fmt: skip


@pytest.mark.parametrize(("chemin", "attendu"), SYNTHESES.values(), ids=SYNTHESES)
def test_synthese_des_exemples(chemin: Path, attendu: dict[str, Any]) -> None:
    valeurs = synthese(charger(chemin), 0)
    assert {k: str(v) if isinstance(v, Decimal) else v for k, v in valeurs.items()} == attendu
    montants = ("cout_total", "etat", "conseil_regional", "autres_financeurs", "ratio_budget_missions_locales")
    assert all(isinstance(valeurs[m], Decimal) for m in montants)
    assert valeurs["etat"] + valeurs["conseil_regional"] + valeurs["autres_financeurs"] == valeurs["cout_total"]
    production = Production(str(chemin), "auto", Statut.PRODUIT, convention=charger(chemin))
    assert ligne_rapport(0, production, "e")["synthese"] == attendu  # dans le JSON : les mêmes chaînes exactes


def _lignes() -> list[dict[str, Any]]:
    productions = [
        Production(str(AUVERGNE), "auto", Statut.PRODUIT, convention=charger(AUVERGNE)),
        Production(str(BRETAGNE), "auto", Statut.PRODUIT, convention=charger(BRETAGNE)),
        Production("x.yaml", "tripartite", Statut.ECHEC, message='erreur ; avec "guillemets"\net saut de ligne'),
    ]
    return [ligne_rapport(i, p, f"empreinte-{i}") for i, p in enumerate(productions)]


def _lire_csv(chemin: Path) -> tuple[bytes, list[list[str]]]:
    octets = chemin.read_bytes()
    return octets, list(csv.reader(io.StringIO(octets.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_synthese_csv_a_la_francaise(tmp_path: Path) -> None:
    ecrire_rapports(tmp_path, _lignes())
    octets, rangees = _lire_csv(tmp_path / "synthese.csv")
    assert octets.startswith(b"\xef\xbb\xbfsource;version;annee;")
    assert octets.endswith(b"\r\n")
    assert rangees[0] == COLONNES_SYNTHESE
    assert len(rangees) == 3  # l'entrée en échec n'a pas de ligne de synthèse
    valeurs = [dict(zip(COLONNES_SYNTHESE, r, strict=True)) for r in rangees[1:]]
    assert [v["cout_total"] for v in valeurs] == ["101000,50", "190000,00"]
    assert [v["conseil_regional"] for v in valeurs] == ["38000,00", "0,00"]
    assert [v["ratio_budget_missions_locales"] for v in valeurs] == ["2,89", "3,06"]
    assert [v["actions_mission_III"] for v in valeurs] == ["2", "1"]
    assert valeurs[0]["structure"] == "Association régionale des missions locales d’Auvergne (ARML Auvergne)"


def test_rapport_csv_et_json(tmp_path: Path) -> None:
    lignes = _lignes()
    chemins = ecrire_rapports(tmp_path, lignes)
    assert [p.name for p in chemins] == ["rapport.json", "rapport.csv", "synthese.csv", "synthese.xlsx"]
    octets, rangees = _lire_csv(tmp_path / "rapport.csv")
    assert octets.startswith(b"\xef\xbb\xbfsource;version;statut;")
    assert [r[:3] for r in rangees[1:]] == [[str(AUVERGNE), "auto", "produit"], [str(BRETAGNE), "auto", "produit"],
                                            ["x.yaml", "tripartite", "échec"]]  # fmt: skip
    assert rangees[3][7] == 'erreur ; avec "guillemets"\net saut de ligne'  # guillemets CSV, pas de colonne en trop
    assert all(len(r) == len(rangees[0]) for r in rangees)
    assert json.loads((tmp_path / "rapport.json").read_text(encoding="utf-8")) == {"entrees": lignes}


def test_synthese_xlsx(tmp_path: Path) -> None:
    ecrire_rapports(tmp_path, _lignes())
    feuille = openpyxl.load_workbook(tmp_path / "synthese.xlsx").active
    rangees = list(feuille.iter_rows(values_only=True))
    assert list(rangees[0]) == COLONNES_SYNTHESE
    assert len(rangees) == 3
    valeurs = dict(zip(COLONNES_SYNTHESE, rangees[1], strict=True))
    assert Decimal(str(valeurs["cout_total"])) == Decimal("101000.50")  # un nombre, pas un texte
    assert not isinstance(valeurs["cout_total"], str)
    assert valeurs["region"] == "Auvergne"


def test_ratio_de_synthese_arrondi_au_demi_superieur() -> None:
    """Budget de 32 fois le coût : 3,125 % devient 3,13 (comme dans le document), jamais 3,12."""
    convention = charger(BRETAGNE)
    donnees = convention.model_dump()
    donnees["budget_missions_locales"] = convention.total_programme * 32
    assert synthese(type(convention).model_validate(donnees), 0)["ratio_budget_missions_locales"] == Decimal("3.13")


# --- Injection de formules (OWASP « CSV Injection ») ----------------------------------------------------

DEBUTS = ["=", "+", "-", "@", "\t", "\r", "＝", "＠"]


def _lignes_piegees(nom: str) -> list[dict[str, Any]]:
    convention = charger(BRETAGNE)
    donnees = convention.model_dump()
    donnees["structure"]["nom"], donnees["structure"]["sigle"] = nom, None
    piegee = type(convention).model_validate(donnees)
    productions = [
        Production(str(BRETAGNE), "auto", Statut.PRODUIT, convention=piegee),
        Production("x.yaml", "auto", Statut.ECHEC, message=nom),
    ]
    return [ligne_rapport(i, p, "e") for i, p in enumerate(productions)]


@pytest.mark.parametrize("debut", DEBUTS, ids=[f"U+{ord(d):04X}" for d in DEBUTS])
def test_csv_sans_formule(tmp_path: Path, debut: str) -> None:
    nom = f'{debut}HYPERLINK("http://127.0.0.1/x?"&A1;"Cliquez")'
    lignes = _lignes_piegees(nom)
    ecrire_rapports(tmp_path, lignes)
    _, rapport_csv = _lire_csv(tmp_path / "rapport.csv")
    assert rapport_csv[2][7] == "'" + nom  # message d'échec
    _, synthese_csv = _lire_csv(tmp_path / "synthese.csv")
    structure = lignes[0]["synthese"]["structure"]  # le modèle change un retour chariot en saut de ligne
    assert structure == nom.replace("\r", "\n")
    attendu = structure if debut == "\r" else "'" + nom
    assert dict(zip(COLONNES_SYNTHESE, synthese_csv[1], strict=True))["structure"] == attendu


def test_csv_nombres_negatifs_et_textes_ordinaires_intacts(tmp_path: Path) -> None:
    ecrire_rapports(tmp_path, _lignes_piegees("Association - Bretagne"))
    _, rangees = _lire_csv(tmp_path / "synthese.csv")
    valeurs = dict(zip(COLONNES_SYNTHESE, rangees[1], strict=True))
    assert (valeurs["structure"], valeurs["region"], valeurs["cout_total"]) == (
        "Association - Bretagne", "Bretagne", "190000,00"
    )  # fmt: skip


@pytest.mark.parametrize("debut", DEBUTS, ids=[f"U+{ord(d):04X}" for d in DEBUTS])
def test_synthese_xlsx_sans_formule(tmp_path: Path, debut: str) -> None:
    nom = f'{debut}HYPERLINK("http://127.0.0.1/x";"Cliquez")'.replace("\r", "\n")  # comme le fait le modèle
    ecrire_rapports(tmp_path, _lignes_piegees(nom))
    classeur = openpyxl.load_workbook(tmp_path / "synthese.xlsx")  # sans data_only : une formule resterait formule
    try:
        cellule = classeur.active.cell(row=2, column=COLONNES_SYNTHESE.index("structure") + 1)
        assert (cellule.value, cellule.data_type) == (nom, "s")
    finally:
        classeur.close()
    with zipfile.ZipFile(tmp_path / "synthese.xlsx") as archive:
        feuilles = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert feuilles and not any(b"<f>" in archive.read(n) or b"<f " in archive.read(n) for n in feuilles)
