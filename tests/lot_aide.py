"""Outils communs aux tests du lot : données du banc d'essai, ligne de commande, empreintes, texte des documents."""

from __future__ import annotations

import hashlib
import importlib.util
import json
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any

import docx
from conftest import convgen  # noqa: F401 (réexporté pour les tests du lot)

RACINE = Path(__file__).resolve().parents[1]
EXEMPLES = RACINE / "donnees_exemple"
AUVERGNE = EXEMPLES / "auvergne_2009_tripartite.yaml"
BRETAGNE = EXEMPLES / "bretagne_2009_bipartite.yaml"


def _banc() -> ModuleType:
    """tests/perf/banc_lot.py, chargé depuis son chemin (tests/perf n'est pas un paquet)."""
    spec = importlib.util.spec_from_file_location("banc_lot", RACINE / "tests" / "perf" / "banc_lot.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def preparer_donnees(dossier: Path, nombre: int) -> list[Path]:
    """``nombre`` conventions JSON valides, toutes de noms de documents distincts (banc d'essai)."""
    chemins: list[Path] = _banc().preparer_donnees(dossier, nombre)
    return chemins


def modifier_json(chemin: Path, **changements: Any) -> None:
    """Réécrit une convention JSON après ``changements`` (``{"structure.siret": "…"}`` s'écrit ``structure__siret``)."""
    donnees = json.loads(chemin.read_text(encoding="utf-8"))
    for cle, valeur in changements.items():
        *parents, dernier = (int(m) if m.isdigit() else m for m in cle.split("__"))
        cible = donnees
        for morceau in parents:
            cible = cible[morceau]
        cible[dernier] = valeur
    chemin.write_text(json.dumps(donnees, ensure_ascii=False), encoding="utf-8")


def sha256(chemin: Path) -> str:
    return hashlib.sha256(Path(chemin).read_bytes()).hexdigest()


def empreintes(dossier: Path, motif: str = "*.docx") -> dict[str, str]:
    """Nom → SHA-256 des documents d'un dossier."""
    return {p.name: sha256(p) for p in sorted(dossier.glob(motif))}


def identites(dossier: Path) -> dict[str, tuple[int, int]]:
    """Nom → (inode, mtime_ns) des .docx : un document réécrit (atomiquement) change d'inode et de date."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in sorted(dossier.glob("*.docx"))}


def temporaires(dossier: Path) -> list[Path]:
    """Restes d'une écriture interrompue : fichiers ``.tmp`` et dossiers de conversion ``pdf-…``."""
    return sorted(p for p in dossier.rglob("*") if p.name.endswith(".tmp") or p.name.startswith("pdf-"))


def texte_docx(chemin: Path) -> list[str]:
    """Texte normalisé d'un document : paragraphes puis cellules des tableaux, espaces réduites."""
    document = docx.Document(str(chemin))
    morceaux = [p.text for p in document.paragraphs]
    for tableau in document.tables:
        for rangee in tableau.rows:
            morceaux.extend(cellule.text for cellule in rangee.cells)
    return [" ".join(m.split()) for m in morceaux if m.strip()]


def lire_rapport(dossier: Path) -> list[dict[str, Any]]:
    entrees: list[dict[str, Any]] = json.loads((dossier / "rapport.json").read_text(encoding="utf-8"))["entrees"]
    return entrees


class ExecuteurCoupe(ThreadPoolExecutor):
    """Groupe de fils dont le ``submit`` lève KeyboardInterrupt après ``limite`` soumissions (Ctrl-C du parent)."""

    def __init__(self, limite: int, max_workers: int = 2) -> None:
        super().__init__(max_workers=max_workers)
        self.limite = limite
        self.soumises = 0

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        if self.soumises >= self.limite:
            raise KeyboardInterrupt
        self.soumises += 1
        return super().submit(fn, *args, **kwargs)
