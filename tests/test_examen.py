"""Tests de convgen.examen : un fichier qui n'est pas une convention est dit pour ce qu'il est."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from lot_aide import EXEMPLES

from convgen.examen import REALISATION, examiner

REALISATION_EXEMPLE = EXEMPLES / "auvergne_2009_realisation.yaml"


def test_realisation_donnee_comme_convention() -> None:
    examen = examiner(REALISATION_EXEMPLE)
    assert examen.convention is None
    assert [(c.code, c.gravite, c.message, c.fichier) for c in examen.constats] == [
        ("fichier-realisation", "erreur", REALISATION, str(REALISATION_EXEMPLE))
    ]


@pytest.mark.parametrize(
    ("donnees", "codes"),
    [
        ({"annee": 2009, "region": "Auvergne"}, {"champ-manquant"}),  # convention incomplète : ses champs manquants
        (
            {"versements_recus": [], "structure": {}},
            {"champ-manquant", "champ-inconnu"},
        ),  # avec une structure : pas une réalisation
    ],
)
def test_autres_donnees_invalides(tmp_path: Path, donnees: dict[str, object], codes: set[str]) -> None:
    chemin = tmp_path / "donnees.yaml"
    chemin.write_text(yaml.safe_dump(donnees), encoding="utf-8")
    assert {c.code for c in examiner(chemin).constats} >= codes
    assert "fichier-realisation" not in {c.code for c in examiner(chemin).constats}
