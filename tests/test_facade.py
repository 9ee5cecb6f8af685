"""Tests de la façade ``convgen`` : noms publics triés, résolus à la demande, import léger."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

import convgen

RACINE = Path(__file__).resolve().parents[1]


def test_all_trie_sans_doublon() -> None:
    assert convgen.__all__ == sorted(set(convgen.__all__))


@pytest.mark.parametrize("nom", convgen.__all__)
def test_chaque_nom_public_se_resout(nom: str) -> None:
    objet = getattr(convgen, nom)
    origine = importlib.import_module(convgen._ORIGINES[nom])
    assert objet is getattr(origine, nom)
    assert nom in dir(convgen)


def test_dir_contient_tous_les_noms_publics() -> None:
    assert set(convgen.__all__) <= set(dir(convgen))


def test_dir_sans_doublon_apres_chargement() -> None:
    convgen.Constat  # noqa: B018 (charge le nom dans les globales du module)
    assert len(dir(convgen)) == len(set(dir(convgen)))


def test_nom_inconnu_refuse_en_francais() -> None:
    with pytest.raises(AttributeError, match=r"^le module convgen n'a pas d'attribut 'inexistant'$"):
        convgen.inexistant  # noqa: B018


@pytest.mark.parametrize(
    ("code", "attendu"),
    [
        ("import convgen, sys; print('pydantic' in sys.modules)", "False"),
        ("import convgen.cli, sys; print('pydantic' in sys.modules)", "False"),
        ("import convgen, sys; convgen.Convention; print('pydantic' in sys.modules)", "True"),
    ],
    ids=["facade", "ligne-de-commande", "apres-premier-usage"],
)
def test_import_leger(code: str, attendu: str) -> None:
    resultat = subprocess.run(
        [sys.executable, "-c", code],
        cwd=RACINE,
        env={**os.environ, "PYTHONPATH": str(RACINE)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert resultat.stdout.strip() == attendu
