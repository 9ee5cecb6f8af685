"""La fabrique du gabarit : clauses lues dans ``gabarits/clauses.yaml``, gabarit livré reproductible à l'octet."""

from __future__ import annotations

import importlib.util
import re
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path
from types import ModuleType

import pytest
from conftest import RACINE

GABARITS = RACINE / "gabarits"
CLAUSES = GABARITS / "clauses.yaml"


@pytest.fixture(scope="module")
def fabrique() -> ModuleType:
    """Le script ``gabarits/fabriquer_gabarit.py``, importé comme module (il met ``fabrique`` sur le chemin)."""
    spec = importlib.util.spec_from_file_location("fabriquer_gabarit", GABARITS / "fabriquer_gabarit.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def articles(fabrique: ModuleType) -> ModuleType:
    return sys.modules["fabrique.articles"]


def test_versions_epinglees() -> None:
    """L'octet près dépend de python-docx et de lxml : leurs versions sont épinglées dans l'extra ``test``."""
    extra = tomllib.loads((RACINE / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    epingles = dict(e.split("==") for e in extra["test"] if "==" in e)
    assert set(epingles) >= {"python-docx", "lxml"}
    assert {nom: version(nom) for nom in epingles} == epingles


def test_gabarit_livre_refait_a_l_octet_pres(fabrique: ModuleType, tmp_path: Path) -> None:
    """Le gabarit livré est exactement celui que produisent la fabrique et ``clauses.yaml`` du dépôt."""
    refait = tmp_path / "gabarit.docx"
    fabrique.enregistrer(fabrique.fabriquer(), refait)
    livre = GABARITS / "convention_dgefp_2008_15.docx"
    assert refait.read_bytes() == livre.read_bytes(), (
        "gabarit livré périmé : lancez python gabarits/fabriquer_gabarit.py et validez le .docx"
    )


def test_aucun_numero_d_article_tape_a_la_main() -> None:
    """Les renvois d'un article à l'autre passent par « [[cle]] » : aucun « article 6 » écrit en dur."""
    texte = "\n".join(ligne for ligne in CLAUSES.read_text(encoding="utf-8").splitlines() if not ligne.startswith("#"))
    # Seuls restent les articles d'autres textes : 10 de la loi n° 2000-321, 43 du programme 102 (circulaire §3).
    assert re.findall(r"\barticles? (\d+)(?!\d| de la loi)", texte) == ["43"]
    assert "[[" in texte


def test_clauses_livrees(articles: ModuleType) -> None:
    clauses = articles.numeroter(articles.lire_clauses())
    assert [c.cle for c in clauses] == [
        "objet", "duree", "cout", "contributions", "versement", "justificatifs", "engagements", "sanctions",
        "controle", "evaluation", "avenant", "annexe", "resiliation", "recours",
    ]  # fmt: skip
    duree = next(c for c in clauses if c.cle == "duree")
    assert "(articles 6, 9 et 10)" in duree.texte[1]
    avenant = next(c for c in clauses if c.cle == "avenant")
    assert avenant.texte[0].endswith("définis à l'article 1er.")


@pytest.mark.parametrize(
    ("ordre", "attendu"),
    [
        (["a", "b", "c"], "voir les articles 3 et 1er"),
        (["c", "a", "b"], "voir les articles 1er et 2"),
    ],
)
def test_renvois_suivent_l_ordre(articles: ModuleType, ordre: list[str], attendu: str) -> None:
    textes = {"a": ("voir les articles [[c]] et [[a]]",), "b": ("B",), "c": ("C",)}
    clauses = [articles.Clause(cle, cle.upper(), textes[cle]) for cle in ordre]
    (a,) = [c for c in articles.numeroter(clauses) if c.cle == "a"]
    assert a.texte == (attendu,)


@pytest.mark.parametrize(
    ("cles", "texte", "message"),
    [
        (["a", "b"], "voir [[z]]", "article « a » : renvoi à « z », qui n'est pas une clé (a, b)"),
        (["a", "a"], "A", "clé « a » en double (articles 1 et 2)"),
    ],
)
def test_renvois_fautifs(articles: ModuleType, cles: list[str], texte: str, message: str) -> None:
    clauses = [articles.Clause(cle, "T", (texte,)) for cle in cles]
    with pytest.raises(ValueError) as exc:
        articles.numeroter(clauses)
    assert str(exc.value) == message


def test_clause_mal_decrite(articles: ModuleType, tmp_path: Path) -> None:
    fichier = tmp_path / "clauses.yaml"
    fichier.write_text("articles:\n  - {cle: Objet, titre: Objet, texte: [x]}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"clauses\.yaml, article n° 1 : « cle » doit être un mot en minuscules"):
        articles.lire_clauses(fichier)
