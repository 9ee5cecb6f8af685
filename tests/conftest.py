"""Outils communs aux tests : exemples livrés, données valides à modifier, écriture de fichiers YAML."""

from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

RACINE = Path(__file__).resolve().parents[1]
EXEMPLES = RACINE / "donnees_exemple"
_BRETAGNE = yaml.safe_load((EXEMPLES / "bretagne_2009_bipartite.yaml").read_text(encoding="utf-8"))
SUPPRIMER = object()
"""Valeur spéciale de ``modifier`` : retire le champ."""


@pytest.fixture
def exemples() -> Path:
    """Dossier donnees_exemple/ du dépôt."""
    return EXEMPLES


def donnees_valides() -> dict[str, Any]:
    """Convention bretonne (bipartite, valide) : une copie neuve, que le test peut modifier."""
    return copy.deepcopy(_BRETAGNE)


def modifier(donnees: dict[str, Any], changements: dict[str, Any]) -> dict[str, Any]:
    """Applique ``{"actions[1].cout": 33000, "region": SUPPRIMER}`` aux données et les rend."""
    for chemin, valeur in changements.items():
        *parents, dernier = (int(m) if m.isdigit() else m for m in re.findall(r"[^.\[\]]+", chemin))
        cible: Any = donnees
        for morceau in parents:
            cible = cible[morceau]
        if valeur is SUPPRIMER:
            del cible[dernier]
        else:
            cible[dernier] = copy.deepcopy(valeur)  # les tables de paramètres restent intactes
    return donnees


def ecrire_yaml(tmp_path: Path, donnees: Any, nom: str = "convention.yaml") -> Path:
    """Écrit les données en YAML (UTF-8) dans ``tmp_path`` et rend le chemin du fichier."""
    chemin = tmp_path / nom
    chemin.write_text(yaml.safe_dump(donnees, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return chemin


@pytest.fixture(scope="module")
def outils() -> None:
    """Saute les tests sans LibreOffice ni poppler ; en CI, leur absence est un échec."""
    from docx_texte import outils_absents

    absents = outils_absents()
    if absents:
        message = f"outils absents : {', '.join(absents)} (apt-get install libreoffice-writer-nogui poppler-utils)"
        if os.environ.get("CI"):
            pytest.fail(f"{message} ; ils sont obligatoires en CI", pytrace=False)
        pytest.skip(message)


def convgen(
    *arguments: str | Path, timeout: float = 180, environnement: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m convgen …`` depuis la racine du dépôt, hors terminal ; aucune sortie ne montre de trace d'appel.

    ``environnement`` ajoute des variables (``CONVGEN_GABARIT``…) à celles du test.
    """
    resultat = subprocess.run(
        [sys.executable, "-m", "convgen", *map(str, arguments)],
        cwd=RACINE,
        env={**os.environ, **(environnement or {}), "PYTHONPATH": str(RACINE)},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )
    assert "Traceback" not in resultat.stdout + resultat.stderr, resultat.stderr
    return resultat


def _fichiers_ouverts() -> set[str]:
    """Les fichiers ordinaires que ce processus tient ouverts (tubes, sockets et périphériques exclus)."""
    ouverts = set()
    for lien in Path("/proc/self/fd").iterdir():
        try:
            cible = str(lien.readlink())
        except OSError:
            continue  # descripteur fermé entre la liste et la lecture
        if cible.startswith("/") and not cible.startswith(("/dev/", "/proc/")) and Path(cible).is_file():
            ouverts.add(f"{lien.name} {cible}")
    return ouverts


@pytest.fixture(autouse=True)
def aucun_fichier_laisse_ouvert() -> Iterator[None]:
    """Un test qui laisse un fichier ouvert (classeur en lecture seule…) échoue ici, chaque fois : sans ce
    contrôle, l'avertissement ResourceWarning ne tombe qu'au gré du ramasse-miettes, une exécution sur deux."""
    if not Path("/proc/self/fd").is_dir():
        yield
        return
    avant = _fichiers_ouverts()
    yield
    restes = _fichiers_ouverts() - avant
    assert restes == set(), f"fichiers laissés ouverts par le test : {sorted(restes)}"


@pytest.fixture(scope="session")
def polices_matplotlib() -> None:
    """matplotlib garde ouvertes, pour toute la vie du processus, les polices qu'il a chargées (son cache) :
    un premier graphique dessiné avant les tests qui en font n'est pas un fichier « laissé ouvert » par eux."""
    from decimal import Decimal

    from convgen.graphique import graphique_missions

    graphique_missions([("Mission I", Decimal("1.00"), Decimal("2.00"))])
