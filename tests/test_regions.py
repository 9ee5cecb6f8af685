"""Régions par période : une convention valide par région de 2009 et de 2016, textes de référence des parties.

Chaque région de la table passe ``convgen valider --strict`` sans constat bloquant ; quatre documents
(groupement d'intérêt public, association d'Alsace, Corse, La Réunion) sont comparés à leur texte de
référence dans ``tests/golden/`` (``CONVGEN_REGENERER_GOLDEN=1`` les réécrit, à relire avant commit).
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import RACINE, convgen, ecrire_yaml
from docx_texte import donnees_exemple, ouvrir, texte_docx, visible

from convgen import generer_docx
from convgen.chargement import depuis_donnees
from convgen.regions import comptable, region, regions_de, suggestions, tribunal

GOLDEN = Path(__file__).parent / "golden"


def tripartite(region: str, annee: int) -> dict[str, Any]:
    """La convention d'Auvergne transposée dans une autre région et une autre année (dates comprises)."""
    donnees = _simple(donnees_exemple("auvergne"))
    donnees["region"], donnees["annee"] = region, annee
    donnees["signature"]["date"] = dt.date(annee, 3, 1)
    donnees["conseil_regional"]["deliberation"]["date"] = dt.date(annee, 2, 16)
    for versement, mois in zip(donnees["versements"], (4, 10), strict=True):
        versement["date"] = dt.date(annee, mois, 1)
    return donnees


@pytest.mark.parametrize("annee", [2009, 2016])
def test_une_convention_valide_par_region(tmp_path: Path, annee: int) -> None:
    regions = regions_de(annee)
    assert len(regions) == {2009: 26, 2016: 18}[annee]  # 22 + 4 en 2009 ; 13 + 5 en 2016
    fichiers = [ecrire_yaml(tmp_path, tripartite(r, annee), f"{i:02d}.yaml") for i, r in enumerate(regions)]
    resultat = convgen("valider", "--strict", *fichiers)
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "alerte" not in resultat.stdout.replace("0 alerte", ""), resultat.stdout


DRTEFP = "directeur régional du travail, de l'emploi et de la formation professionnelle"
GIP_2016 = {
    "annee": 2016,
    "numero": "DIRECCTE-BRE-2016-004",
    "signature": {"date": dt.date(2016, 3, 2)},
    "etat": {
        "delegataire": {
            "fonction": "directeur régional des entreprises, de la concurrence, de la consommation, "
            "du travail et de l'emploi de Bretagne",
            "arrete": {"numero": "2016-01-007", "date": dt.date(2016, 1, 11)},
        }
    },
    "structure": {
        "statut": "carif",
        "forme_juridique": "gip",
        "sigle": "GIP Relation Emploi Formation",
        "nom": "Groupement d'intérêt public Carif-Oref de Bretagne",
    },
}
ALSACE = {
    "region": "Alsace",
    "numero": "DRTEFP-ALS-2009-003",
    "etat": {"delegataire": {"fonction": f"{DRTEFP} d'Alsace"}},
    "signature": {"lieu": "Strasbourg"},
    "structure": {
        "nom": "Association régionale des missions locales d'Alsace",
        "sigle": "ARML Alsace",
        "adresse": {"voie": "4, rue de la Douane", "code_postal": "67000", "commune": "Strasbourg"},
    },
}
CORSE = {
    "region": "Corse",
    "numero": "DRTEFP-COR-2009-001",
    "etat": {
        "delegataire": {
            "fonction": "directrice régionale du travail, de l'emploi et de la formation professionnelle de Corse"
        }
    },
    "conseil_regional": {"deliberation": {"numero": "09/045 AC"}},
    "signature": {"lieu": "Ajaccio"},
    "structure": {
        "nom": "Association régionale des missions locales de Corse",
        "sigle": "ARML Corse",
        "adresse": {"voie": "2, cours Napoléon", "code_postal": "20000", "commune": "Ajaccio"},
    },
}
REUNION = {
    "region": "La Réunion",
    "numero": "DTEFP-REU-2009-011",
    "etat": {
        "delegataire": {
            "fonction": "directrice du travail, de l'emploi et de la formation professionnelle de La Réunion"
        }
    },
    "conseil_regional": {"deliberation": None},
    "signature": {"lieu": "Saint-Denis"},
    "structure": {
        "nom": "Association régionale des missions locales de La Réunion",
        "sigle": "ARML Réunion",
        "adresse": {"voie": "10, rue de Paris", "code_postal": "97400", "commune": "Saint-Denis"},
    },
}
VARIANTES = {
    "gip_bretagne_2016": ("bretagne", GIP_2016),
    "alsace_2009_association": ("bretagne", ALSACE),
    "corse_2009_tripartite": ("auvergne", CORSE),
    "reunion_2009_tripartite": ("auvergne", REUNION),
}  # fmt: skip


def _fusion(donnees: dict[str, Any], changements: dict[str, Any]) -> dict[str, Any]:
    for cle, valeur in changements.items():
        if valeur is None:
            donnees.pop(cle, None)
        elif isinstance(valeur, dict):
            _fusion(donnees.setdefault(cle, {}), valeur)
        else:
            donnees[cle] = valeur
    return donnees


def donnees_variante(nom: str) -> dict[str, Any]:
    exemple, changements = VARIANTES[nom]
    return _simple(_fusion(donnees_exemple(exemple), changements))


def _simple(valeur: Any) -> Any:
    """Montants (Decimal) écrits en texte, pour que le YAML les relise tels quels."""
    if isinstance(valeur, dict):
        return {c: _simple(v) for c, v in valeur.items()}
    if isinstance(valeur, list):
        return [_simple(v) for v in valeur]
    return str(valeur) if isinstance(valeur, Decimal) else valeur


@pytest.mark.parametrize("nom", list(VARIANTES))
def test_texte_de_reference_des_parties(tmp_path: Path, nom: str, capsys: pytest.CaptureFixture[str]) -> None:
    convention = depuis_donnees(donnees_variante(nom))
    texte = texte_docx(ouvrir(generer_docx(convention, tmp_path / f"{nom}.docx")))
    fichier = GOLDEN / f"{nom}.txt"
    if os.environ.get("CONVGEN_REGENERER_GOLDEN") == "1":
        fichier.write_text(texte, encoding="utf-8")
        with capsys.disabled():
            print(f"\n{fichier} régénéré : relisez le diff avant de le valider")
        return
    assert texte.splitlines() == fichier.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("nom", list(VARIANTES))
def test_variantes_valides_en_mode_strict(tmp_path: Path, nom: str) -> None:
    fichier = ecrire_yaml(tmp_path, donnees_variante(nom))
    resultat = convgen("valider", "--strict", fichier)
    attendu = 1 if nom.startswith("reunion") else 0  # sans délibération : alerte, refusée en mode strict
    assert resultat.returncode == attendu, resultat.stdout
    assert ("deliberation-absente" in resultat.stdout) is nom.startswith("reunion")


@pytest.mark.parametrize(
    ("nom", "annee", "de"),
    [
        ("Bretagne", 2009, "de Bretagne"),
        ("Centre", 2009, "du Centre"),
        ("Pays de la Loire", 2016, "des Pays de la Loire"),
        ("Provence-Alpes-Côte d’Azur", 2009, "de Provence-Alpes-Côte d’Azur"),  # apostrophe typographique saisie
        ("La Réunion", 2009, "de La Réunion"),
        ("Mayotte", 2011, "de Mayotte"),
        ("Grand Est", 2016, "du Grand Est"),
        ("Mayotte", 2010, None),  # collectivité départementale, pas une région, avant 2011
        ("Alsace", 2016, None),
        ("Grand Est", 2015, None),
        ("Centre", 2016, None),  # Centre-Val de Loire
        ("Bretagne", 2008, None),  # avant la circulaire
        ("Réunion", 2009, None),
    ],
)
def test_table_des_regions(nom: str, annee: int, de: str | None) -> None:
    trouvee = region(nom, annee)
    assert (trouvee.de if trouvee else None) == de


@pytest.mark.parametrize(
    ("saisi", "annee", "proches"),
    [("Bretgne", 2009, ["Bretagne"]), ("Ile-de-France", 2016, ["Île-de-France"]), ("reunion", 2009, ["La Réunion"]),
     ("Auvergne", 2016, ["Auvergne-Rhône-Alpes"]), ("Centre", 2016, ["Centre-Val de Loire"]),
     ("Alsace", 2016, ["Grand Est"]), ("Midi-Pyrenees", 2017, ["Occitanie"]),
     ("Atlantide", 2009, [])],
)  # fmt: skip
def test_suggestions(saisi: str, annee: int, proches: list[str]) -> None:
    assert suggestions(saisi, annee) == proches


@pytest.mark.parametrize(
    ("annee", "titre", "juridiction"),
    [(2009, "trésorier-payeur général", "tribunal d’instance"),
     (2010, "directeur régional des finances publiques", "tribunal d’instance"),
     (2020, "directeur régional des finances publiques", "tribunal judiciaire")],
)  # fmt: skip
def test_comptable_et_tribunal_selon_l_annee(annee: int, titre: str, juridiction: str) -> None:
    assert (comptable(annee), tribunal(annee)) == (titre, juridiction)


def test_bipartite_imposee_article_4_et_alerte(tmp_path: Path) -> None:
    """``generer --bipartite`` d'une convention où la Région finance : alerte, refus en mode strict, article 4."""
    source = RACINE / "donnees_exemple" / "auvergne_2009_tripartite.yaml"
    ligne = source.read_text(encoding="utf-8").splitlines().index("conseil_regional:") + 1
    refus = convgen("generer", source, "--bipartite", "--strict", "--sortie", tmp_path / "strict")
    assert refus.returncode == 1 and f"region-non-signataire — ligne {ligne}, conseil_regional" in refus.stdout
    assert not (tmp_path / "strict").exists() or not any((tmp_path / "strict").iterdir())
    produit = convgen("generer", source, "--bipartite", "--sortie", tmp_path)
    assert produit.returncode == 0, produit.stdout + produit.stderr
    lignes = texte_docx(ouvrir(tmp_path / "convention_2009_auvergne_bipartite.docx")).splitlines()
    article_4 = lignes[lignes.index(visible("Article\u00a04\u00a0– Montant de la contribution de l’État")) :][:5]
    assert visible(COFINANCEMENT) in article_4


COFINANCEMENT = (
    "La Région Auvergne, qui n’est pas partie à la présente convention, apporte au programme un cofinancement de "
    "trente-huit mille euros (38\u202f000,00\u00a0€), détaillé dans l’annexe\u00a0; il est régi par ses propres "
    "décisions et n’engage pas l’État."
)


def test_lot_en_deux_versions_alerte_seulement_la_bipartite(tmp_path: Path) -> None:
    """``versions=("bipartite", "tripartite")`` : seule la version bipartite tait la Région signataire."""
    from concurrent.futures import ThreadPoolExecutor

    from convgen import generer_lot

    source = RACINE / "donnees_exemple" / "auvergne_2009_tripartite.yaml"
    with ThreadPoolExecutor(1) as executeur:
        rapport = generer_lot([source], tmp_path, versions=("bipartite", "tripartite"), executor=executeur)
    alertes = {
        ligne["version"]: [(c["code"], c["chemin"], c["ligne"]) for c in ligne["constats"] if c["gravite"] == "alerte"]
        for ligne in rapport.lignes
    }
    ligne = source.read_text(encoding="utf-8").splitlines().index("conseil_regional:") + 1
    assert alertes == {"bipartite": [("region-non-signataire", "conseil_regional", ligne)], "tripartite": []}
    assert rapport.produits == 2


@pytest.mark.parametrize(
    ("changements", "etat", "region"),
    [({}, "Préfecture de la région Auvergne", "Région Auvergne"),
     ({"region": "Corse"}, "Préfecture de Corse", "Collectivité territoriale de Corse"),
     ({"region": "La Réunion"}, "Préfecture de La Réunion", "Région Réunion")],
    ids=["auvergne", "corse", "reunion"],
)  # fmt: skip
def test_attribuants_des_donnees_essentielles(changements: dict[str, Any], etat: str, region: str) -> None:
    """Les données essentielles nomment les attribuants comme la convention les désigne."""
    from convgen.opendata import candidats

    donnees = _fusion(donnees_exemple("auvergne"), changements)
    noms = {financeur: ligne["nomAttribuant"] for financeur, ligne in candidats(depuis_donnees(donnees))}
    assert noms == {"etat": etat, "conseil_regional": region}
