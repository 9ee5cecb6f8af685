"""L'avenant et le compte rendu d'exécution par l'interface web : deux fichiers, un document ou une archive."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx_texte import texte_docx
from starlette.testclient import TestClient
from web_aide import AUVERGNE, BRETAGNE, EXEMPLES, JSON, client, contenu_zip

MODIFIEE = EXEMPLES / "auvergne_2009_avenant_1.yaml"
REALISATION = EXEMPLES / "auvergne_2009_realisation.yaml"


@pytest.fixture(scope="module")
def web() -> Iterator[TestClient]:
    """Un client pour tout le module, chauffé par un compte rendu : matplotlib garde ouvertes, à vie et par
    fil d'exécution, les polices de son premier graphique ; le rendu se fait dans un fil de travail du client."""
    with client() as c:
        c.post("/bilan", files=deux(("convention", "realisation"), (AUVERGNE, REALISATION)))
        yield c


def deux(champs: tuple[str, str], chemins: tuple[Path, Path]) -> dict[str, tuple[str, bytes]]:
    return {champ: (chemin.name, chemin.read_bytes()) for champ, chemin in zip(champs, chemins, strict=True)}


def test_avenant_un_docx(web: TestClient) -> None:
    donnees = {"numero": "2", "date": "2009-09-15", "lieu": "Clermont-Ferrand"}
    reponse = web.post("/avenant", files=deux(("initiale", "modifiee"), (AUVERGNE, MODIFIEE)), data=donnees)
    assert reponse.status_code == 200
    assert reponse.headers["content-disposition"] == 'attachment; filename="avenant_2_2009_auvergne.docx"'
    texte = texte_docx(reponse.content)
    assert (
        "Avenant n°⍽2" in texte
        and "Clermont-Ferrand" in texte
        and "Fait à Clermont-Ferrand, le 15⍽septembre⍽2009" in texte
    )


def test_avenant_refuse_constats_par_fichier(web: TestClient) -> None:
    fichiers = {
        "initiale": ("signee.yaml", AUVERGNE.read_bytes()),
        "modifiee": ("modifiee.yaml", AUVERGNE.read_bytes()),
    }
    reponse = web.post("/avenant", files=fichiers, headers=JSON)
    assert reponse.status_code == 422
    initiale, modifiee = reponse.json()["fichiers"]
    assert (initiale["nom"], modifiee["nom"]) == ("signee.yaml", "modifiee.yaml")
    assert "avenant-sans-modification" in [c["code"] for c in modifiee["conventions"][0]["constats"]]


def test_bilan_une_archive(web: TestClient) -> None:
    reponse = web.post("/bilan", files=deux(("convention", "realisation"), (AUVERGNE, REALISATION)))
    assert reponse.status_code == 200
    assert reponse.headers["content-disposition"] == 'attachment; filename="bilan_2009_auvergne.zip"'
    contenu = contenu_zip(reponse.content)
    assert sorted(contenu) == ["bilan_2009_auvergne.docx", "bilan_2009_auvergne.xlsx", "constats.json"]
    assert "Auvergne" in texte_docx(contenu["bilan_2009_auvergne.docx"])


def test_bilan_d_une_autre_convention_refuse(web: TestClient) -> None:
    reponse = web.post("/bilan", files=deux(("convention", "realisation"), (BRETAGNE, REALISATION)), headers=JSON)
    codes = [c["code"] for f in reponse.json()["fichiers"] for g in f["conventions"] for c in g["constats"]]
    assert reponse.status_code == 422 and "bilan-convention-differente" in codes
    page = web.post("/bilan", files=deux(("convention", "realisation"), (BRETAGNE, REALISATION)))
    assert "Aucune convention n'a pu être produite" in page.text and "bilan-convention-differente" in page.text


@pytest.mark.parametrize(
    ("route", "fichiers", "donnees", "statut", "message"),
    [
        ("/avenant", {"initiale": ("a.yaml", b"")}, {}, 400, "choisissez la convention modifiée"),
        ("/avenant", {"initiale": ("a.xlsx", b""), "modifiee": ("m.yaml", b"")}, {}, 415, "format non pris en charge"),
        ("/avenant", {"initiale": ("a.yaml", b""), "modifiee": ("m.yaml", b"")}, {"numero": "0"}, 400, "numéro"),
        ("/avenant", {"initiale": ("a.yaml", b""), "modifiee": ("m.yaml", b"")}, {"date": "15/09/2009"}, 400, "date"),
        ("/bilan", {"convention": ("c.yaml", b"")}, {}, 400, "choisissez la réalisation"),
    ],
)
def test_erreurs_du_cycle(
    web: TestClient,
    route: str,
    fichiers: dict[str, tuple[str, bytes]],
    donnees: dict[str, str],
    statut: int,
    message: str,
) -> None:
    reponse = web.post(route, files=fichiers, data=donnees, headers=JSON)
    assert reponse.status_code == statut and message in reponse.json()["erreur"]


@pytest.mark.parametrize(
    ("route", "champs", "chemins"),
    [
        ("/avenant", ("initiale", "modifiee"), (AUVERGNE, MODIFIEE)),
        ("/avenant", ("initiale", "modifiee"), (AUVERGNE, AUVERGNE)),
        ("/bilan", ("convention", "realisation"), (AUVERGNE, REALISATION)),
    ],
)
def test_dossier_temporaire_supprime(
    web: TestClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    route: str,
    champs: tuple[str, str],
    chemins: tuple[Path, Path],
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert web.post(route, files=deux(champs, chemins)).status_code in (200, 422)
    assert [p for p in tmp_path.iterdir() if p.name.startswith("convgen-")] == []
