"""Le dépôt lui-même : disposition, commandes du README reprises par la CI, paquet installable."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parents[1]
README = (RACINE / "README.md").read_text(encoding="utf-8")


def commandes_du_readme() -> list[str]:
    """Les blocs ``sh`` du README, une commande par bloc."""
    return [bloc.strip() for bloc in re.findall(r"```sh\n(.*?)```", README, flags=re.DOTALL)]


def test_disposition_du_depot() -> None:
    suivis = subprocess.run(["git", "ls-files"], cwd=RACINE, capture_output=True, text=True, check=True).stdout
    sommets = {ligne.split("/", 1)[0] for ligne in suivis.splitlines()}
    visibles = {s for s in sommets if not s.startswith(".")}
    assert visibles == {"pyproject.toml", "convgen", "gabarits", "donnees_exemple", "tests", "README.md"}


def test_deux_commandes_au_readme_et_la_ci_lance_celle_des_tests() -> None:
    principale, tests = commandes_du_readme()
    assert "convgen generer donnees_exemple/" in principale and '".[web]"' in principale
    assert tests.endswith("pytest")
    assert tests in (RACINE / ".ci" / "run").read_text(encoding="utf-8")
    assert "\n.venv/bin/convgen serveur\n" in README  # la commande du serveur, après l'installation de démarrage


def test_images_du_readme_presentes() -> None:
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README)
    assert images and [i for i in images if not (RACINE / i).is_file()] == []


def test_historique_au_readme() -> None:
    assert "## Historique" in README


def test_chaque_regle_est_documentee() -> None:
    from convgen.regles import REGLES

    assert [r.code for r in REGLES if f"`{r.code}`" not in README] == []


def test_chaque_variable_du_contexte_est_documentee() -> None:
    from convgen.schemas import schema_json_contexte

    schema = schema_json_contexte()
    absentes = [
        f"{nom}.{cle}"
        for nom, definition in schema["$defs"].items()
        for cle in definition["properties"]
        if f".{cle}`" not in README and f".{cle}[]`" not in README
    ]
    assert absentes == []


@pytest.mark.lent
def test_la_roue_embarque_gabarit_et_referentiel(tmp_path: Path) -> None:
    """Une roue construite depuis le dépôt et installée ailleurs doit trouver ses fichiers de données."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(RACINE)],
        check=True,
        capture_output=True,
    )
    (roue,) = tmp_path.glob("convgen-*.whl")
    noms = set(zipfile.ZipFile(roue).namelist())
    attendus = {
        "convgen/gabarits/convention_dgefp_2008_15.docx",
        "convgen/gabarits/avenant_dgefp_2008_15.docx",
        "convgen/gabarits/bilan_dgefp_2008_15.docx",
        "convgen/referentiels/circulaire_dgefp_2008_15.yaml",
        "convgen/exemples/exemple_commente.yaml",
        "convgen/py.typed",
        "convgen/web/pages/accueil.html",
        "convgen/web/statique/convgen.css",
    }
    assert attendus <= noms
    assert not any(n.endswith(("fabriquer_gabarit.py", "fabriquer_cycle.py")) for n in noms)
