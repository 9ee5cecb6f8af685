"""Schémas publiés et descriptions des champs : une seule source (le modèle), trois lecteurs qui concordent."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import convgen as lancer
from openpyxl import load_workbook

import convgen
from convgen.schemas import descriptions_des_champs
from convgen.tableur.colonnes import FEUILLES, TECHNIQUES

RACINE = Path(__file__).resolve().parents[1]
PREFIXES = {"Conventions": "", "Actions": "actions[].", "Financements": "actions[].financements[].",
            "Versements": "versements[]."}  # fmt: skip


def _proprietes(schema: dict[str, object]) -> list[tuple[str, dict[str, object]]]:
    """(modèle.propriété, définition) pour chaque propriété du schéma et de ses définitions."""
    modeles = {"Convention": schema, **schema["$defs"]}  # type: ignore[dict-item]
    return [
        (f"{nom}.{cle}", definition)
        for nom, modele in modeles.items()
        for cle, definition in modele.get("properties", {}).items()
    ]


def test_schema_de_la_commande_decrit_au_moins_90_pour_cent() -> None:
    resultat = lancer("schema", "donnees")
    assert resultat.returncode == 0
    proprietes = _proprietes(json.loads(resultat.stdout))
    sans = [nom for nom, definition in proprietes if not definition.get("description")]
    assert len(proprietes) > 50
    assert len(sans) <= 0.1 * len(proprietes), sans


def test_schema_reprend_les_descriptions_du_modele() -> None:
    schema = convgen.schema_json_donnees()
    assert (
        schema["properties"]["budget_missions_locales"]["description"]
        == (  # type: ignore[index]
            descriptions_des_champs()["budget_missions_locales"]
        )
    )


def test_chaque_champ_decrit() -> None:
    assert [chemin for chemin, texte in descriptions_des_champs().items() if len(texte) < 6] == []


def test_readme_reprend_les_descriptions() -> None:
    readme = (RACINE / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Le format d'entrée", 1)[1].split("\n## ", 1)[0]
    tableau = dict(re.findall(r"^\| `([^`]+)` \| (.*) \|$", section, re.M))
    assert tableau == descriptions_des_champs()


@pytest.fixture(scope="module")
def aide(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str, str]]:
    """(feuille, champ, explication) de chaque ligne de la feuille « Aide » d'un classeur vide."""
    from convgen.tableur import ecrire_modele_tableur

    chemin = ecrire_modele_tableur(tmp_path_factory.mktemp("aide") / "vide.xlsx")
    classeur = load_workbook(chemin, read_only=True)
    try:
        lignes = [tuple(r) for r in classeur["Aide"].iter_rows(values_only=True)]
    finally:
        classeur.close()
    return [(str(r[0]), str(r[2]), str(r[4])) for r in lignes if len(r) > 4 and r[0] in FEUILLES]


def test_feuille_aide_reprend_les_descriptions(aide: list[tuple[str, str, str]]) -> None:
    descriptions = descriptions_des_champs()
    champs = [(f, c, e) for f, c, e in aide if c not in TECHNIQUES]
    assert len(champs) == sum(len([c for c in cols if c.chemin not in TECHNIQUES]) for cols in FEUILLES.values())
    ecarts = [
        (feuille, champ)
        for feuille, champ, explication in champs
        if not explication.startswith(descriptions[PREFIXES[feuille] + champ].replace("``", ""))
    ]
    assert ecarts == []
