"""Données essentielles (SCDL « subventions » 2.1.1) : lignes, seuil, Région, manques, CSV validé par frictionless."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import EXEMPLES, RACINE, convgen, donnees_valides, ecrire_yaml, modifier
from frictionless import Resource, Schema
from lot_aide import preparer_donnees

from convgen.chargement import depuis_donnees
from convgen.erreurs import DonneesInvalides, FichierExistant
from convgen.lot import generer_lot
from convgen.opendata import (
    COLONNES,
    candidats,
    csv_donnees_essentielles,
    donnees_essentielles,
    publier_donnees_essentielles,
    retenir,
)

SCHEMA = RACINE / "tests" / "normes" / "scdl_subventions_2.1.1.schema.json"
SIRET_ETAT = "13000001100010"
SIRET_REGION = "23630001800017"


def _auvergne(**changements: Any) -> dict[str, Any]:
    """La convention tripartite d'Auvergne (État 60 000,50 €, Région 38 000 €), SIRET des attribuants donnés."""
    donnees = yaml.safe_load((EXEMPLES / "auvergne_2009_tripartite.yaml").read_text(encoding="utf-8"))
    donnees["etat"]["siret"] = SIRET_ETAT
    donnees["conseil_regional"]["siret"] = SIRET_REGION
    return modifier(donnees, changements)


def _bretagne(**changements: Any) -> dict[str, Any]:
    donnees = donnees_valides()
    donnees["etat"]["siret"] = SIRET_ETAT
    return modifier(donnees, changements)


def _rangees(contenu: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(contenu.decode("utf-8"), newline="")))


def _valide_selon_le_schema(chemin: Path) -> None:
    """frictionless lit le CSV avec le schéma SCDL : aucune erreur de structure ni de contrainte."""
    schema = Schema.from_descriptor(json.loads(SCHEMA.read_text(encoding="utf-8")))
    with Resource(path=chemin.name, basepath=str(chemin.parent), schema=schema) as ressource:
        rapport = ressource.validate()
    assert rapport.valid, rapport.flatten(["rowNumber", "fieldName", "type", "note"])


def test_les_colonnes_sont_celles_du_schema_dans_son_ordre() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert tuple(f["name"] for f in schema["fields"]) == COLONNES


def test_une_convention_tripartite_donne_une_ligne_par_attribuant() -> None:
    etat, region = donnees_essentielles([depuis_donnees(_auvergne())])
    assert etat == {
        "nomAttribuant": "Préfecture de la région Auvergne",
        "idAttribuant": SIRET_ETAT,
        "dateConvention": "2009-03-01",
        "referenceDecision": "DRTEFP-AUV-2009-007",
        "nomBeneficiaire": "Association régionale des missions locales d’Auvergne",
        "idBeneficiaire": "44306184100047",
        "rnaBeneficiaire": "",
        "objet": "Programme régional d’animation des missions locales d’Auvergne : "
        "convention annuelle d’objectifs 2009",
        "montant": "60000.50",
        "nature": "aide en numéraire",
        "conditionsVersement": "échelonné",
        "datesPeriodeVersement": "2009-04-01/2009-10-01",
        "idRAE": "",
        "notificationUE": "non",
        "pourcentageSubvention": "1.00",
        "dispositifAide": "Programme régional d’animation des missions locales (circulaire DGEFP n° 2008-15)",
    }
    assert (region["nomAttribuant"], region["idAttribuant"], region["montant"]) == (
        "Région Auvergne",
        SIRET_REGION,
        "38000.00",
    )
    assert region["datesPeriodeVersement"] == "2009-01-01/2009-12-31"


@pytest.mark.parametrize(
    ("changements", "attendu"),
    [
        ({}, ["Préfecture de la région Bretagne"]),
        ({"etat.nom_attribuant": "DRTEFP de Bretagne"}, ["DRTEFP de Bretagne"]),
        ({"etat.siret": "130 000 011 00010"}, ["Préfecture de la région Bretagne"]),  # espaces ôtées
    ],
)
def test_nom_de_l_attribuant(changements: dict[str, Any], attendu: list[str]) -> None:
    lignes = donnees_essentielles([depuis_donnees(_bretagne(**changements))])
    assert [ligne["nomAttribuant"] for ligne in lignes] == attendu
    assert {ligne["idAttribuant"] for ligne in lignes} == {SIRET_ETAT}


@pytest.mark.parametrize(
    ("montant_etat", "tous", "publiee"),
    [
        ("23000.00", False, False),  # « dépasse 23 000 € » : le seuil lui-même n'oblige pas
        ("23000.01", False, True),
        ("23000.00", True, True),
        ("1500", True, True),
    ],
)
def test_seuil_de_23_000_euros(montant_etat: str, tous: bool, publiee: bool) -> None:
    donnees = _bretagne(versements=None)
    donnees["actions"] = donnees["actions"][:1]
    donnees["actions"][0]["financements"] = [{"financeur": "etat", "montant": montant_etat}]
    donnees["actions"][0].pop("cout", None)
    lignes = donnees_essentielles([depuis_donnees(donnees)], tous=tous)
    assert [ligne["montant"] for ligne in lignes] == ([f"{float(montant_etat):.2f}"] if publiee else [])


def test_la_region_sans_siret_n_est_pas_publiee_et_son_nom_se_remplace() -> None:
    sans_siret = _auvergne()
    del sans_siret["conseil_regional"]["siret"]
    lignes = donnees_essentielles([depuis_donnees(sans_siret)])
    assert [ligne["nomAttribuant"] for ligne in lignes] == ["Préfecture de la région Auvergne"]
    renommee = _auvergne(**{"conseil_regional.nom_attribuant": "Conseil régional d'Auvergne"})
    lignes = donnees_essentielles([depuis_donnees(renommee)])
    assert [ligne["nomAttribuant"] for ligne in lignes][1:] == ["Conseil régional d'Auvergne"]


def test_la_region_sous_le_seuil_est_ecartee_avec_une_information() -> None:
    donnees = _auvergne()
    for action in donnees["actions"]:  # la Région n'apporte plus que 8 000 € (action locale)
        action["financements"] = [f for f in action["financements"] if f["financeur"] != "conseil_regional"]
        action.pop("cout", None)
    donnees["actions"][-1]["financements"] = [{"financeur": "conseil_regional", "montant": 8000}]
    lignes, constats = retenir(candidats(depuis_donnees(donnees)), tous=False, fichier="auvergne.yaml")
    assert [ligne["nomAttribuant"] for ligne in lignes] == ["Préfecture de la région Auvergne"]
    assert [(c.code, c.gravite, c.fichier) for c in constats] == [("opendata-sous-seuil", "info", "auvergne.yaml")]


@pytest.mark.parametrize(
    ("versements", "conditions", "dates"),
    [
        (None, "échelonné", "2009-03-02/2009-10-01"),  # échéancier par défaut : signature, puis 1er octobre
        ([{"date": "2009-04-01", "montant": "172000"}], "unique", "2009-04-01"),
    ],
)
def test_conditions_et_dates_de_versement(versements: Any, conditions: str, dates: str) -> None:
    donnees = _bretagne(versements=versements)
    (ligne,) = donnees_essentielles([depuis_donnees(donnees)])
    assert (ligne["conditionsVersement"], ligne["datesPeriodeVersement"]) == (conditions, dates)


@pytest.mark.parametrize(
    ("changements", "code", "chemin"),
    [
        ({"etat.siret": None}, "opendata-siret-attribuant", "etat.siret"),
        ({"signature.date": None}, "opendata-non-signee", "signature.date"),
    ],
)
def test_ce_qui_empeche_de_publier(changements: dict[str, Any], code: str, chemin: str) -> None:
    donnees = _bretagne()
    for cle, _ in changements.items():
        parent, champ = cle.split(".")
        del donnees[parent][champ]
    with pytest.raises(DonneesInvalides) as erreur:
        donnees_essentielles([depuis_donnees(donnees)])
    assert [(c.code, c.chemin) for c in erreur.value.constats] == [(code, chemin)]


@pytest.mark.parametrize(
    "nom",
    [
        'Association « Missions locales, Bretagne », dite "ARML"',
        "ARML\nBretagne, sur deux lignes",
        '=HYPERLINK("http://exemple.invalid","clic")',
        "+33 ARML",
        "-ARML",
        "@ARML",
    ],
)
def test_noms_difficiles_gardes_ou_neutralises_et_schema_respecte(tmp_path: Path, nom: str) -> None:
    lignes = donnees_essentielles([depuis_donnees(_bretagne(**{"structure.nom": nom}))])
    chemin = tmp_path / "donnees_essentielles.csv"
    chemin.write_bytes(csv_donnees_essentielles(lignes))
    (rangee,) = _rangees(chemin.read_bytes())
    neutralise = nom[0] in "=+-@"
    assert rangee["nomBeneficiaire"] == ("'" + nom if neutralise else nom)
    _valide_selon_le_schema(chemin)


def test_siret_d_attribuant_verifie_comme_celui_de_la_structure() -> None:
    from convgen.regles import valider

    constats = valider(depuis_donnees(_auvergne(**{"etat.siret": "13000001100011"})))
    assert [(c.code, c.chemin) for c in constats if c.code == "siret-invalide"] == [("siret-invalide", "etat.siret")]


def test_commande_opendata_ecrit_les_autres_et_nomme_le_fichier_fautif(tmp_path: Path) -> None:
    bonne = ecrire_yaml(tmp_path, _auvergne(), "auvergne.yaml")
    sans_siret = _bretagne()
    del sans_siret["etat"]["siret"]
    fautive = ecrire_yaml(tmp_path, sans_siret, "bretagne.yaml")
    sortie = tmp_path / "publication" / "donnees_essentielles.csv"
    resultat = convgen("opendata", bonne, fautive, "--sortie", sortie)
    assert resultat.returncode == 1, resultat.stderr
    assert "bretagne.yaml" in resultat.stdout
    assert "opendata-siret-attribuant" in resultat.stdout
    assert [r["nomAttribuant"] for r in _rangees(sortie.read_bytes())] == [
        "Préfecture de la région Auvergne",
        "Région Auvergne",
    ]
    _valide_selon_le_schema(sortie)
    # Jamais remplacé sans --ecraser ; avec, le fichier est réécrit.
    assert convgen("opendata", bonne, "--sortie", sortie).returncode == 1
    assert len(_rangees(sortie.read_bytes())) == 2
    assert convgen("opendata", bonne, "--sortie", sortie, "--ecraser").returncode == 0


def test_publier_refuse_d_ecraser_avant_de_lire(tmp_path: Path) -> None:
    cible = tmp_path / "de.csv"
    cible.write_text("à garder", encoding="utf-8")
    with pytest.raises(FichierExistant):
        publier_donnees_essentielles([tmp_path / "absent.yaml"], cible)
    assert cible.read_text(encoding="utf-8") == "à garder"


def test_un_lot_de_26_regions_donne_un_fichier_valide(tmp_path: Path) -> None:
    chemins = preparer_donnees(tmp_path / "entrees", 26)
    for chemin in chemins:
        donnees = json.loads(chemin.read_text(encoding="utf-8"))
        donnees["etat"]["siret"] = SIRET_ETAT
        if "conseil_regional" in donnees:
            donnees["conseil_regional"]["siret"] = SIRET_REGION
        chemin.write_text(json.dumps(donnees, ensure_ascii=False), encoding="utf-8")
    rapport = generer_lot(chemins, tmp_path / "sortie", opendata=True)
    assert rapport.code_sortie == 0, rapport.lignes_en_echec
    fichier = tmp_path / "sortie" / "donnees_essentielles.csv"
    assert fichier in rapport.fichiers_rapport
    rangees = _rangees(fichier.read_bytes())
    tripartites = sum(1 for c in chemins if "conseil_regional" in json.loads(c.read_text(encoding="utf-8")))
    assert len(rangees) == 26 + tripartites
    assert len({r["referenceDecision"] for r in rangees}) == 26
    _valide_selon_le_schema(fichier)


def test_lot_opendata_signale_le_siret_manquant_sans_arreter_le_lot(tmp_path: Path) -> None:
    chemins = preparer_donnees(tmp_path / "entrees", 3)
    for chemin in chemins:
        donnees = json.loads(chemin.read_text(encoding="utf-8"))
        donnees["etat"].pop("siret", None)
        chemin.write_text(json.dumps(donnees, ensure_ascii=False), encoding="utf-8")
    rapport = generer_lot(chemins, tmp_path / "sortie", opendata=True)
    assert rapport.produits == 3
    assert {c.code for c in rapport.constats_opendata} == {"opendata-siret-attribuant"}
    assert rapport.code_sortie == 1
    # La Région, qui a son SIRET, reste publiée : seule la ligne de l'État manque.
    rangees = _rangees((tmp_path / "sortie" / "donnees_essentielles.csv").read_bytes())
    assert {r["nomAttribuant"].split()[0] for r in rangees} == {"Région"}


def test_les_siret_des_attribuants_passent_par_le_classeur(tmp_path: Path) -> None:
    from convgen.tableur import ecrire_tableur, lire_tableur

    classeur = ecrire_tableur([_auvergne()], tmp_path / "conventions.xlsx")
    (examen,) = lire_tableur(classeur)
    assert examen.convention is not None, examen.constats
    assert (examen.convention.etat.siret, examen.convention.conseil_regional.siret) == (SIRET_ETAT, SIRET_REGION)
    assert donnees_essentielles([examen.convention]) == donnees_essentielles([depuis_donnees(_auvergne())])
