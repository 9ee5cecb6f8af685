"""Le script d'un service régional (``tests/service_regional.py``) tourne avec ``import convgen`` seul."""

from __future__ import annotations

import ast
import io
import re
import zipfile
from pathlib import Path

import pytest
import service_regional
from conftest import donnees_valides
from docx_texte import donnees_exemple, texte_docx

import convgen

RACINE = Path(__file__).resolve().parents[1]
SCRIPT = RACINE / "tests" / "service_regional.py"


def test_le_script_n_importe_que_convgen() -> None:
    arbre = ast.parse(SCRIPT.read_text(encoding="utf-8"))
    modules = {alias.name for noeud in ast.walk(arbre) if isinstance(noeud, ast.Import) for alias in noeud.names}
    modules |= {noeud.module or "" for noeud in ast.walk(arbre) if isinstance(noeud, ast.ImportFrom)}
    assert {m for m in modules if m.split(".")[0] not in ("io", "zipfile", "collections", "__future__")} == {"convgen"}


@pytest.mark.lent
def test_archive_en_memoire(outils: None) -> None:
    auvergne, bretagne = donnees_exemple("auvergne"), donnees_exemple("bretagne")
    bretagne_2010 = convgen.charger(bretagne).modifier(annee=2010, signature={"date": "2010-03-01"})
    sans_structure = {k: v for k, v in donnees_valides().items() if k != "structure"}
    mission_locale = {**donnees_valides(), "structure": {**donnees_valides()["structure"], "statut": "mission_locale"}}
    enregistrements = [auvergne, bretagne, bretagne_2010.model_dump(), sans_structure, mission_locale]

    octets, refus = service_regional.archive_des_conventions(enregistrements)

    assert sorted((c.code, c.chemin) for c in refus) == [
        ("champ-manquant", "structure"),
        ("structure-mission-locale", "structure.statut"),
    ]
    with zipfile.ZipFile(io.BytesIO(octets)) as archive:
        noms = sorted(archive.namelist())
        assert noms == sorted(
            f"convention_{annee}_{region}_{version}.{ext}"
            for annee, region, version in [
                (2009, "auvergne", "bipartite"),
                (2009, "auvergne", "tripartite"),
                (2009, "bretagne", "bipartite"),
                (2010, "bretagne", "bipartite"),
            ]
            for ext in ("docx", "pdf")
        )
        tripartite = texte_docx(archive.read("convention_2009_auvergne_tripartite.docx"))
        assert "La Région Auvergne, représentée par" in tripartite
        assert "La Région Auvergne, représentée par" not in texte_docx(
            archive.read("convention_2009_auvergne_bipartite.docx")
        )
        assert "2010" in texte_docx(archive.read("convention_2010_bretagne_bipartite.docx"))
        assert all(archive.read(n).startswith(b"%PDF-") for n in noms if n.endswith(".pdf"))


def test_readme_montre_le_script() -> None:
    """Le README cite le cœur du script mot pour mot : l'exemple qu'il montre est exécuté par la suite."""
    source = SCRIPT.read_text(encoding="utf-8")
    coeur = re.search(r"# --- début de l'exemple du README ---\n(.*?)\n+# --- fin", source, re.S)
    assert coeur is not None
    readme = (RACINE / "README.md").read_text(encoding="utf-8")
    assert coeur.group(1).strip() in readme
