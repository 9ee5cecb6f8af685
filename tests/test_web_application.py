"""Les routes de l'interface web, par le client de Starlette : pages, constats, documents, erreurs."""

from __future__ import annotations

import html
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docx_texte import texte_docx, texte_pdf
from starlette.testclient import TestClient
from web_aide import AUVERGNE, BRETAGNE, JSON, TROIS_ERREURS, classeur, client, contenu_zip, envoi

from convgen.regles import REGLES
from convgen.web.application import Reglages
from convgen.web.conversion import FilePdf

VIDE = {"fichier": ("a.yaml", b"")}


@pytest.fixture
def web() -> Iterator[TestClient]:
    with client() as c:
        yield c


@pytest.fixture
def temporaire(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Le dossier temporaire du système, pour ce test seul : on y voit ce que les requêtes laissent."""
    dossier = tmp_path / "tmp"
    dossier.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(dossier))
    return dossier


# --- GET / ----------------------------------------------------------------------------


def test_accueil_formulaire_accessible_sans_script(web: TestClient) -> None:
    page = web.get("/")
    assert page.status_code == 200
    assert '<html lang="fr">' in page.text
    assert "<script" not in page.text
    for champ in ("fichier", "version-auto", "version-bipartite", "version-tripartite", "projet", "pdf"):
        assert f'<label for="{champ}">' in page.text and f'id="{champ}"' in page.text
    assert 'name="fichier"' in page.text and 'enctype="multipart/form-data"' in page.text
    assert 'formaction="/valider"' in page.text and 'action="/generer"' in page.text
    assert 'href="/modele-tableur"' in page.text
    assert [r.code for r in REGLES if f"<code>{r.code}</code>" not in page.text] == []


def test_feuille_de_style_servie_localement(web: TestClient) -> None:
    page = web.get("/")
    assert 'href="/statique/convgen.css"' in page.text and "http" not in page.text.split("<body>")[0]
    css = web.get("/statique/convgen.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")


# --- POST /valider ----------------------------------------------------------------------


def test_valider_en_json_forme_exacte(web: TestClient) -> None:
    reponse = web.post("/valider", files=envoi(TROIS_ERREURS), headers=JSON)
    assert reponse.status_code == 200
    (fichier,) = reponse.json()["fichiers"]
    assert fichier["nom"] == "trois_erreurs.yaml"
    (convention,) = fichier["conventions"]
    assert {tuple(sorted(c)) for c in convention["constats"]} == {("chemin", "code", "gravite", "ligne", "message")}
    assert [(c["code"], c["gravite"], c["chemin"], c["ligne"]) for c in convention["constats"]] == [
        ("siret-invalide", "erreur", "structure.siret", 18),
        ("versements-incoherents", "erreur", "versements[1].date", 27),
        ("financement-incoherent", "erreur", "actions[1].cout", 41),
        ("seuil-convention", "info", "", None),
    ]


def test_valider_page_des_constats(web: TestClient) -> None:
    page = web.post("/valider", files=envoi(TROIS_ERREURS))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "3 erreurs" in page.text
    for attendu in (
        "siret-invalide",
        "ligne 18, structure.siret",
        "clé de contrôle fausse",
        "ligne 41, actions[1].cout",
    ):
        assert attendu in page.text


def test_valider_classeur_groupe_par_convention(web: TestClient, tmp_path: Path) -> None:
    fichier_xlsx = classeur(tmp_path, AUVERGNE, BRETAGNE)
    (fichier,) = web.post("/valider", files=envoi(fichier_xlsx), headers=JSON).json()["fichiers"]
    assert len(fichier["conventions"]) == 2
    page = web.post("/valider", files=envoi(fichier_xlsx))
    assert "classeur.xlsx — convention « AUV-2009 »" in page.text
    assert "classeur.xlsx — convention « BRE-2009 »" in page.text


@pytest.mark.parametrize(
    ("contenu", "code"),
    [
        (b"annee: [2009", "fichier-illisible"),
        (b"\xff\xfe\x00", "fichier-illisible"),
        (b"annee: 2009\n", "champ-manquant"),
    ],
)
def test_valider_fichier_mal_forme(web: TestClient, contenu: bytes, code: str) -> None:
    reponse = web.post("/valider", files={"fichier": ("donnees.yaml", contenu)}, headers=JSON)
    codes = [c["code"] for c in reponse.json()["fichiers"][0]["conventions"][0]["constats"]]
    assert reponse.status_code == 200 and code in codes


def test_valider_classeur_opendocument(web: TestClient) -> None:
    from test_ods import FORMULE, ods_forge

    fichier = {"fichier": ("Budgets.ODS", ods_forge(FORMULE))}
    reponse = web.post("/valider", files=fichier, headers=JSON)
    (fichier_json,) = reponse.json()["fichiers"]
    assert reponse.status_code == 200 and fichier_json["nom"] == "Budgets.ODS"
    constats = fichier_json["conventions"][0]["constats"]
    assert [(c["code"], c["ligne"]) for c in constats] == [("formule-sans-valeur", 2)]


def test_les_constats_ne_montrent_aucun_chemin_du_serveur(web: TestClient, temporaire: Path) -> None:
    reponse = web.post("/valider", files={"fichier": ("donnees.yaml", b"annee: [2009")}, headers=JSON)
    texte = json.dumps(reponse.json(), ensure_ascii=False)
    assert "convgen-web-" not in texte and str(temporaire) not in texte and "fichier.yaml" not in texte


# --- POST /generer ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "options", "nom", "attendus"),
    [
        (BRETAGNE, {}, "convention_2009_bretagne.docx", ["Bretagne", "ARML Bretagne"]),
        (AUVERGNE, {}, "convention_2009_auvergne.docx", ["La Région Auvergne, représentée par"]),
        (AUVERGNE, {"version": "bipartite"}, "convention_2009_auvergne_bipartite.docx", ["Auvergne"]),
        (BRETAGNE, {"projet": "oui"}, "convention_2009_bretagne.docx", ["PROJET"]),
    ],
)
def test_generer_un_docx_nomme_comme_la_ligne_de_commande(
    web: TestClient, source: Path, options: dict[str, str], nom: str, attendus: list[str]
) -> None:
    reponse = web.post("/generer", files=envoi(source), data=options)
    assert reponse.status_code == 200, reponse.text
    assert reponse.headers["content-disposition"] == f'attachment; filename="{nom}"'
    assert reponse.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument")
    assert reponse.headers["cache-control"] == "no-store"
    texte = texte_docx(reponse.content)
    assert [a for a in attendus if a not in texte] == []


def test_generer_bipartite_ne_mentionne_pas_la_region(web: TestClient) -> None:
    texte = texte_docx(web.post("/generer", files=envoi(AUVERGNE), data={"version": "bipartite"}).content)
    assert "La Région Auvergne, représentée par" not in texte and "préfet de la région Auvergne" in texte


def test_generer_classeur_rend_une_archive(web: TestClient, tmp_path: Path) -> None:
    reponse = web.post("/generer", files=envoi(classeur(tmp_path, AUVERGNE, BRETAGNE)))
    assert reponse.status_code == 200
    assert reponse.headers["content-disposition"] == 'attachment; filename="conventions_classeur.zip"'
    contenu = contenu_zip(reponse.content)
    assert sorted(contenu) == [
        "constats.json",
        "convention_2009_auvergne_arml_auvergne.docx",
        "convention_2009_bretagne_arml_bretagne.docx",
    ]
    assert "Bretagne" in texte_docx(contenu["convention_2009_bretagne_arml_bretagne.docx"])
    assert len(json.loads(contenu["constats.json"])["fichiers"][0]["conventions"]) == 2


def test_generer_classeur_en_partie_refuse(web: TestClient, tmp_path: Path) -> None:
    """Une convention refusée n'empêche pas l'autre ; l'archive dit pourquoi il en manque une."""
    fichier_xlsx = classeur(tmp_path, BRETAGNE, TROIS_ERREURS)
    reponse = web.post("/generer", files=envoi(fichier_xlsx))
    contenu = contenu_zip(reponse.content)
    assert reponse.status_code == 200
    assert sorted(contenu) == ["constats.json", "convention_2009_bretagne_arml_bretagne.docx"]
    refusee = json.loads(contenu["constats.json"])["fichiers"][0]["conventions"][1]
    assert "siret-invalide" in [c["code"] for c in refusee["constats"]]


@pytest.mark.parametrize("accept", [{}, JSON])
def test_generer_refuse_en_422_avec_les_constats(web: TestClient, accept: dict[str, str]) -> None:
    reponse = web.post("/generer", files=envoi(TROIS_ERREURS), headers=accept)
    assert reponse.status_code == 422
    if accept:
        codes = [c["code"] for c in reponse.json()["fichiers"][0]["conventions"][0]["constats"]]
        assert codes[:3] == ["siret-invalide", "versements-incoherents", "financement-incoherent"]
    else:
        assert "Aucune convention n'a pu être produite" in reponse.text and "siret-invalide" in reponse.text


def test_generer_tripartite_sans_region_refusee(web: TestClient) -> None:
    reponse = web.post("/generer", files=envoi(BRETAGNE), data={"version": "tripartite"}, headers=JSON)
    codes = [c["code"] for c in reponse.json()["fichiers"][0]["conventions"][0]["constats"]]
    assert reponse.status_code == 422 and "tripartite-sans-region" in codes


def test_generer_avec_gabarit_du_serveur(tmp_path: Path) -> None:
    from docx_texte import gabarit_word

    gabarit = gabarit_word(tmp_path, "Gabarit du service : {{ structure.nom }}")
    with client(Reglages(gabarit=gabarit)) as web:
        reponse = web.post("/generer", files=envoi(BRETAGNE))
    assert "Gabarit du service : Association régionale des missions locales de Bretagne" in texte_docx(reponse.content)


def test_gabarit_du_serveur_fautif_production_impossible(tmp_path: Path) -> None:
    from docx_texte import gabarit_word

    gabarit = gabarit_word(tmp_path, '{% set c = "__cla" ~ "ss__" %}{{ structure.nom[c] }}')  # refusé au rendu
    with client(Reglages(gabarit=gabarit)) as web:
        reponse = web.post("/generer", files=envoi(BRETAGNE), headers=JSON)
    constats = reponse.json()["fichiers"][0]["conventions"][0]["constats"]
    assert reponse.status_code == 422
    assert [c["code"] for c in constats if c["gravite"] == "erreur"] == ["production-impossible"]
    assert "rouages internes de Python" in constats[-1]["message"] and "convgen-web-" not in constats[-1]["message"]


@pytest.mark.lent
@pytest.mark.usefixtures("outils")
def test_generer_avec_pdf_rend_docx_et_pdf(web: TestClient, tmp_path: Path) -> None:
    reponse = web.post("/generer", files=envoi(BRETAGNE), data={"pdf": "oui"})
    assert reponse.status_code == 200
    assert reponse.headers["content-disposition"] == 'attachment; filename="convention_2009_bretagne.zip"'
    contenu = contenu_zip(reponse.content)
    assert sorted(contenu) == ["constats.json", "convention_2009_bretagne.docx", "convention_2009_bretagne.pdf"]
    pdf = tmp_path / "convention.pdf"
    pdf.write_bytes(contenu["convention_2009_bretagne.pdf"])
    assert "Bretagne" in texte_pdf(pdf)


def test_file_pdf_pleine_503_sans_rien_produire() -> None:
    file = FilePdf(places=1)
    with client(file_pdf=file) as web, file.place():
        reponse = web.post("/generer", files=envoi(BRETAGNE), data={"pdf": "oui"})
        sans_pdf = web.post("/generer", files=envoi(BRETAGNE))
    assert reponse.status_code == 503 and reponse.headers["retry-after"] == "30"
    assert "réessayez dans un moment" in reponse.text
    assert sans_pdf.status_code == 200


# --- GET /modele-tableur, erreurs ----------------------------------------------------------


def test_modele_tableur(web: TestClient) -> None:
    reponse = web.get("/modele-tableur")
    assert reponse.status_code == 200
    assert reponse.headers["content-disposition"] == 'attachment; filename="modele_conventions.xlsx"'
    assert reponse.content[:2] == b"PK" and reponse.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("methode", "chemin", "requete", "statut", "message"),
    [
        ("post", "/valider", {}, 400, "aucun fichier reçu"),
        ("post", "/valider", {"data": {"fichier": "texte"}}, 400, "aucun fichier reçu"),
        ("post", "/valider", {"files": {"fichier": ("gabarit.docx", b"PK")}}, 415, "format non pris en charge"),
        (
            "post",
            "/generer",
            {"files": {"fichier": ("a.yaml", b"")}, "data": {"version": "x"}},
            400,
            "version inconnue",
        ),
        (
            "post",
            "/generer",
            {"files": [("fichier", ("a.yaml", b"")), ("gabarit", ("g.docx", b"PK"))]},
            400,
            "1 fichier au plus",
        ),
        ("get", "/valider", {}, 405, "ne s'emploie pas ainsi"),
        ("get", "/nulle-part", {}, 404, "cette adresse n'existe pas"),
    ],
)
def test_erreurs_en_francais(
    web: TestClient, methode: str, chemin: str, requete: dict[str, Any], statut: int, message: str
) -> None:
    reponse = getattr(web, methode)(chemin, **requete)
    assert reponse.status_code == statut
    assert message in html.unescape(reponse.text).lower() and '<html lang="fr">' in reponse.text
    json_ = getattr(web, methode)(chemin, headers=JSON, **requete)
    assert json_.status_code == statut and message in json_.json()["erreur"].lower()


@pytest.mark.parametrize(
    ("source", "options"),
    [(BRETAGNE, {}), (TROIS_ERREURS, {}), (BRETAGNE, {"version": "tripartite"})],
)
@pytest.mark.parametrize("route", ["/valider", "/generer"])
def test_dossier_temporaire_supprime_apres_la_requete(
    web: TestClient, temporaire: Path, route: str, source: Path, options: dict[str, str]
) -> None:
    assert web.post(route, files=envoi(source), data=options).status_code in (200, 422)
    assert list(temporaire.iterdir()) == []


def test_nom_envoye_jamais_pris_pour_un_chemin(web: TestClient, tmp_path: Path, temporaire: Path) -> None:
    cible = tmp_path / "ailleurs.yaml"
    nom = f"../../{cible.relative_to(cible.anchor)}"
    reponse = web.post("/valider", files={"fichier": (nom, BRETAGNE.read_bytes())}, headers=JSON)
    assert reponse.json()["fichiers"][0]["nom"] == "ailleurs.yaml"
    assert not cible.exists() and list(temporaire.iterdir()) == []


def test_nom_envoye_echappe_dans_la_page(web: TestClient) -> None:
    page = web.post("/valider", files={"fichier": ("<i>x.yaml", BRETAGNE.read_bytes())})
    assert "<i>x" not in page.text and "&lt;i&gt;x.yaml" in page.text
