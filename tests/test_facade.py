"""Tests de la façade ``convgen`` : noms publics triés, résolus à la demande, import léger."""

from __future__ import annotations

import importlib
import inspect
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import convgen

RACINE = Path(__file__).resolve().parents[1]


def test_all_trie_sans_doublon() -> None:
    assert convgen.__all__ == sorted(set(convgen.__all__))


NOMS = [nom for nom in convgen.__all__ if nom != "__version__"]


@pytest.mark.parametrize("nom", NOMS)
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


def test_version() -> None:
    """Une seule source : ``convgen.__version__``, que la construction du paquet relit (pyproject)."""
    assert re.fullmatch(r"\d+\.\d+\.\d+", convgen.__version__)
    projet = tomllib.loads((RACINE / "pyproject.toml").read_text(encoding="utf-8"))
    assert projet["project"]["dynamic"] == ["version"]
    assert projet["tool"]["hatch"]["version"]["path"] == "convgen/__init__.py"
    assert f"**{convgen.__version__}**" in (RACINE / "README.md").read_text(encoding="utf-8")


def test_readme_documente_exactement_la_facade() -> None:
    readme = (RACINE / "README.md").read_text(encoding="utf-8")
    section = readme.split("## L'API Python", 1)[1].split("\n## ", 1)[0]
    documentes = re.findall(r"^\| `(\w+)` \| ", section, re.M)
    assert documentes == sorted(documentes)
    assert set(documentes) == set(convgen.__all__)


MODULES_PUBLICS = sorted(
    ".".join(chemin.relative_to(RACINE).with_suffix("").parts).removesuffix(".__init__")
    for chemin in (RACINE / "convgen").rglob("*.py")
    if not chemin.name.startswith("_") or chemin.name == "__init__.py"
)


@pytest.mark.parametrize("module", MODULES_PUBLICS)
def test_chaque_module_public_declare_all(module: str) -> None:
    if module in ("convgen.__main__",):
        pytest.skip("point d'entrée")
    objet = importlib.import_module(module)
    noms = getattr(objet, "__all__", None)
    assert noms is not None, f"{module} n'a pas de __all__"
    assert all(hasattr(objet, nom) for nom in noms)


def _signatures(nom: str) -> list[tuple[str, str]]:
    objet = getattr(convgen, nom)
    if inspect.isfunction(objet):
        return [(nom, str(inspect.signature(objet)))]
    if inspect.isclass(objet) and not issubclass(objet, BaseException):
        methodes = [
            (f"{nom}.{m}", str(inspect.signature(f)))
            for m, f in vars(objet).items()
            if (not m.startswith("_") or m == "__init__") and inspect.isfunction(f)
        ]
        proprietes = [
            (f"{nom}.{m}", str(inspect.signature(p.fget)))
            for m, p in vars(objet).items()
            if isinstance(p, property) and p.fget is not None and not m.startswith("_")
        ]
        return methodes + proprietes
    return []


@pytest.mark.parametrize("nom", [n for n in NOMS if _signatures(n)])
def test_pas_de_any_dans_les_signatures_publiques(nom: str) -> None:
    assert [(qui, sig) for qui, sig in _signatures(nom) if re.search(r"\bAny\b", sig)] == []
