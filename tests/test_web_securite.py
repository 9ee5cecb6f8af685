"""Sûreté de l'interface web : jeton, taille des envois, en-têtes, journal d'accès, refus d'exposer sans jeton."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import convgen
from starlette.testclient import TestClient
from web_aide import BRETAGNE, JETON, JSON, client, envoi

from convgen.web.application import Reglages, creer_application
from convgen.web.securite import COOKIE, valeur_session
from convgen.web.serveur import HOTES_LOCAUX, ServeurRefuse, verifier_exposition
from convgen.web.traitement import TAILLE_MAX


@pytest.fixture
def protege() -> Iterator[TestClient]:
    with client(Reglages(jeton=JETON)) as c:
        yield c


# --- Jeton ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entetes", "statut"),
    [
        ({}, 401),
        ({"Authorization": "Bearer mauvais-jeton-mauvais-jeton"}, 401),
        ({"Authorization": f"Basic {JETON}"}, 401),
        ({"Authorization": f"Bearer {JETON}x"}, 401),
        ({"Authorization": f"Bearer {JETON}"}, 200),
        ({"Authorization": f"bearer  {JETON}"}, 200),
        ({"Cookie": f"{COOKIE}={JETON}"}, 401),  # le cookie porte une valeur dérivée, pas le jeton
        ({"Cookie": f"{COOKIE}={valeur_session(JETON)}"}, 200),
    ],
)
@pytest.mark.parametrize(("methode", "chemin"), [("post", "/valider"), ("get", "/modele-tableur")])
def test_chaque_requete_exige_le_jeton(
    protege: TestClient, entetes: dict[str, str], statut: int, methode: str, chemin: str
) -> None:
    options = {"files": envoi(BRETAGNE)} if methode == "post" else {}
    reponse = getattr(protege, methode)(chemin, headers=entetes, **options)
    assert reponse.status_code == statut
    if statut == 401:
        assert reponse.headers["www-authenticate"] == 'Bearer realm="convgen"'
        assert "jeton d'accès requis" in reponse.text


def test_navigateur_sans_jeton_renvoye_a_la_connexion(protege: TestClient) -> None:
    reponse = protege.get("/", headers={"Accept": "text/html"})
    assert reponse.status_code == 303 and reponse.headers["location"] == "/connexion"
    page = protege.get("/connexion")
    assert page.status_code == 200 and '<label for="jeton">' in page.text and 'type="password"' in page.text
    assert protege.get("/statique/convgen.css").status_code == 200


def test_connexion_pose_un_cookie_httponly_samesite(protege: TestClient) -> None:
    refus = protege.post("/connexion", data={"jeton": "pas-le-bon"})
    assert (
        refus.status_code == 401
        and "Jeton incorrect" in refus.text
        and COOKIE not in refus.headers.get("set-cookie", "")
    )
    reponse = protege.post("/connexion", data={"jeton": JETON})
    assert reponse.status_code == 303 and reponse.headers["location"] == "/"
    cookie = reponse.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}={valeur_session(JETON)};")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie and JETON not in cookie
    page = protege.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Se déconnecter" in page.text
    sortie = protege.post("/deconnexion")
    assert sortie.status_code == 303 and "Max-Age=0" in sortie.headers["set-cookie"]
    assert protege.get("/", headers={"Accept": "text/html"}).status_code == 303


def test_sans_jeton_la_connexion_ramene_au_formulaire() -> None:
    with client() as web:
        assert web.get("/connexion").headers["location"] == "/"
        assert "Se déconnecter" not in web.get("/").text


# --- Taille des envois --------------------------------------------------------------------


@pytest.mark.parametrize(("taille", "statut"), [(TAILLE_MAX, 200), (TAILLE_MAX + 1, 413)])
def test_fichier_de_plus_de_2_mio_refuse(taille: int, statut: int) -> None:
    contenu = b"# " + b"x" * (taille - 3) + b"\n"
    with client() as web:
        reponse = web.post("/valider", files={"fichier": ("gros.yaml", contenu)}, headers=JSON)
    assert reponse.status_code == statut
    if statut == 413:
        assert reponse.json() == {"erreur": "fichier trop volumineux : 2 Mio au plus"}


def test_corps_sans_longueur_annoncee_compte_au_fil_de_la_lecture() -> None:
    """Envoi par morceaux (sans Content-Length) : le compte des octets reçus refuse au-delà de la limite.

    Que la lecture s'arrête sans attendre la fin de l'envoi se vérifie avec un vrai serveur
    (tests/test_web_navigateur.py) : le client de test lit tout le corps avant de le passer.
    """

    def morceaux() -> Iterator[bytes]:
        yield from (b"x" * 65536 for _ in range(48))  # 3 Mio

    with client() as web:
        reponse = web.post("/valider", content=morceaux(), headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert reponse.status_code == 413


@pytest.mark.parametrize("longueur", [str(50 * 1024 * 1024), "-1", "abc"])
def test_longueur_annoncee_trop_grande_refusee_d_emblee(longueur: str) -> None:
    with client() as web:
        reponse = web.post(
            "/generer",
            content=b"--b--\r\n",
            headers={"Content-Type": "multipart/form-data; boundary=b", "Content-Length": longueur},
        )
    assert reponse.status_code == 413 and "2 Mio au plus" in reponse.text


def test_taille_reglable() -> None:
    with client(Reglages(taille_max=100)) as web:
        assert web.post("/valider", files=envoi(BRETAGNE)).status_code == 413


# --- En-têtes, journal ------------------------------------------------------------------


@pytest.mark.parametrize("chemin", ["/", "/modele-tableur", "/nulle-part", "/statique/convgen.css"])
def test_en_tetes_de_securite(chemin: str) -> None:
    with client() as web:
        reponse = web.get(chemin)
    csp = reponse.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "'unsafe-inline'" not in csp and "script-src" not in csp
    assert "frame-ancestors 'none'" in csp
    assert reponse.headers["x-content-type-options"] == "nosniff"
    assert reponse.headers["x-frame-options"] == "DENY"
    assert (reponse.headers.get("cache-control") == "no-store") is (not chemin.startswith("/statique/"))
    assert "server" not in reponse.headers or "uvicorn" not in reponse.headers["server"]


def test_journal_d_acces_structure_sans_contenu(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="convgen.web.acces"), client() as web:
        web.post("/generer?region=secret", files=envoi(BRETAGNE, "dossier_confidentiel.yaml"))
    (ligne,) = [r.getMessage() for r in caplog.records if r.name == "convgen.web.acces"]
    trace = json.loads(ligne)
    assert trace["methode"] == "POST" and trace["chemin"] == "/generer" and trace["statut"] == 200
    assert (
        trace["octets"] > 10_000
        and trace["duree_ms"] >= 0
        and set(trace)
        == {
            "methode",
            "chemin",
            "statut",
            "octets",
            "duree_ms",
            "client",
        }
    )
    for secret in ("Bretagne", "FR76", "confidentiel", "secret"):
        assert secret not in ligne


@pytest.mark.parametrize(
    ("hote", "statut"),
    [
        ("127.0.0.1:8000", 200),
        ("localhost:8000", 200),
        ("[::1]:8000", 200),
        ("LOCALHOST", 200),
        ("attaquant.example:8000", 400),
        ("127.0.0.1.attaquant.example", 400),
        ("[::1", 400),
        ("", 400),
    ],
)
def test_sur_la_boucle_locale_seuls_ses_noms_sont_servis(hote: str, statut: int) -> None:
    """Parade au rebond DNS : une page d'un autre site ne peut pas lire le serveur local par son propre nom."""
    with TestClient(creer_application(Reglages(hotes=HOTES_LOCAUX))) as web:
        reponse = web.get("/", headers={"Host": hote})
    assert reponse.status_code == statut
    if statut == 400:
        assert "non servi par ce serveur" in reponse.text


# --- Exposition ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hote", "jeton", "refus"),
    [
        ("127.0.0.1", None, None),
        ("::1", None, None),
        ("localhost", None, None),
        ("0.0.0.0", None, "refus d'écouter sur 0.0.0.0 sans jeton"),
        ("192.168.1.10", None, "refus d'écouter"),
        ("intranet.local", None, "refus d'écouter"),
        ("0.0.0.0", JETON, None),
        ("0.0.0.0", "court", "jeton trop court"),
        ("127.0.0.1", "court", "jeton trop court"),
    ],
)
def test_refus_d_exposer_sans_jeton(hote: str, jeton: str | None, refus: str | None) -> None:
    if refus is None:
        verifier_exposition(hote, jeton)
    else:
        with pytest.raises(ServeurRefuse, match=refus):
            verifier_exposition(hote, jeton)


@pytest.mark.parametrize(
    ("arguments", "env", "message"),
    [
        (["--hote", "0.0.0.0"], {}, "refus d'écouter sur 0.0.0.0 sans jeton"),
        (["--hote", "0.0.0.0", "--jeton", "abc"], {}, "jeton trop court"),
        (["--hote", "0.0.0.0"], {"CONVGEN_JETON": "abc"}, "jeton trop court"),
    ],
)
def test_ligne_de_commande_refuse_au_demarrage(
    arguments: list[str], env: dict[str, str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for nom, valeur in env.items():
        monkeypatch.setenv(nom, valeur)
    resultat = convgen("serveur", *arguments, timeout=60)
    assert resultat.returncode == 1 and message in resultat.stderr


def test_gabarit_du_serveur_verifie_au_demarrage(tmp_path: Path) -> None:
    from convgen.erreurs import ErreurGabarit

    with pytest.raises(ErreurGabarit, match="introuvable"):
        client(Reglages(gabarit=tmp_path / "absent.docx")).__enter__()
