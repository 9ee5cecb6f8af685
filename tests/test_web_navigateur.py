"""De bout en bout : ``convgen serveur`` lancé pour de vrai, piloté par Chromium (Playwright) comme par un agent.

Chromium est celui de Debian (``apt-get install chromium``) : Playwright ne télécharge
aucun navigateur. Sans lui, ces tests sont sautés, sauf en intégration continue où son
absence est un échec.
"""

from __future__ import annotations

import os
import select
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docx_texte import texte_docx
from web_aide import BRETAGNE, JETON, TROIS_ERREURS, serveur

from convgen.web.reception import MARGE_FORMULAIRE
from convgen.web.traitement import TAILLE_MAX

CHROMIUM = "/usr/bin/chromium"
OPTIONS_CHROMIUM = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def navigateur() -> Iterator[Any]:
    if not shutil.which(CHROMIUM):
        message = f"{CHROMIUM} absent (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{message} ; il est obligatoire en CI", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=OPTIONS_CHROMIUM)
        yield chromium
        chromium.close()


@pytest.fixture
def page(navigateur: Any) -> Iterator[Any]:
    contexte = navigateur.new_context(accept_downloads=True, locale="fr-FR")
    onglet = contexte.new_page()
    onglet.set_default_timeout(60_000)
    erreurs: list[str] = []
    onglet.on("console", lambda m: erreurs.append(m.text) if m.type == "error" else None)
    yield onglet
    contexte.close()
    # Aucune violation de la politique de sécurité du contenu, aucune ressource manquante ; la page
    # des constats refusés (422) est voulue, Chromium la signale pourtant.
    assert [e for e in erreurs if "status of 422" not in e] == []


@pytest.fixture(scope="module")
def adresse() -> Iterator[str]:
    with serveur() as url:
        yield url


def test_produire_une_convention_depuis_le_formulaire(page: Any, adresse: str, tmp_path: Path) -> None:
    page.goto(adresse)
    assert page.title() == "Produire une convention — convgen"
    bouton = page.get_by_role("button", name="Produire la convention")
    assert bouton.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(0, 0, 145)"  # feuille de style servie
    page.get_by_label("Fichier de la convention").set_input_files(BRETAGNE)
    page.locator("#projet").check()
    with page.expect_download() as attente:
        bouton.click()
    telechargement = attente.value
    assert telechargement.suggested_filename == "convention_2009_bretagne.docx"
    document = tmp_path / telechargement.suggested_filename
    telechargement.save_as(document)
    texte = texte_docx(document)
    assert "PROJET" in texte and "Association régionale des missions locales de Bretagne" in texte


def test_fichier_invalide_les_constats_a_l_ecran(page: Any, adresse: str) -> None:
    page.goto(adresse)
    page.get_by_label("Fichier de la convention").set_input_files(TROIS_ERREURS)
    page.get_by_role("button", name="Vérifier les données").click()
    page.wait_for_url(f"{adresse}/valider")
    assert page.get_by_role("heading", level=1).inner_text() == "Constats sur « trois_erreurs.yaml »"
    lignes = [
        [c.strip() for c in ligne.locator("td").all_text_contents()] for ligne in page.locator("tr.constat").all()
    ]
    assert [ligne[:3] for ligne in lignes] == [
        ["erreur", "siret-invalide", "ligne 18, structure.siret"],
        ["erreur", "versements-incoherents", "ligne 27, versements[1].date"],
        ["erreur", "financement-incoherent", "ligne 41, actions[1].cout"],
        ["info", "seuil-convention", "—"],
    ]
    page.get_by_role("link", name="Déposer un autre fichier").click()
    page.get_by_label("Fichier de la convention").set_input_files(TROIS_ERREURS)
    page.get_by_role("button", name="Produire la convention").click()
    page.wait_for_url(f"{adresse}/generer")
    assert "Aucune convention n'a pu être produite" in page.get_by_role("alert").inner_text()


def test_connexion_par_jeton(navigateur: Any, tmp_path: Path) -> None:
    with serveur(env={"CONVGEN_JETON": JETON}) as url:
        contexte = navigateur.new_context(accept_downloads=True)
        page = contexte.new_page()
        page.set_default_timeout(60_000)
        page.goto(url)
        assert page.url == f"{url}/connexion"
        page.get_by_label("Jeton d'accès").fill("pas-le-bon-jeton-du-tout")
        page.get_by_role("button", name="Se connecter").click()
        assert page.get_by_role("alert").inner_text() == "Jeton incorrect."
        page.get_by_label("Jeton d'accès").fill(JETON)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(f"{url}/")
        (cookie,) = contexte.cookies()
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and JETON not in cookie["value"]
        page.get_by_label("Fichier de la convention").set_input_files(BRETAGNE)
        with page.expect_download() as attente:
            page.get_by_role("button", name="Produire la convention").click()
        assert attente.value.suggested_filename == "convention_2009_bretagne.docx"
        page.get_by_role("button", name="Se déconnecter").click()
        page.wait_for_url(f"{url}/connexion")
        page.goto(url)
        assert page.url == f"{url}/connexion"
        contexte.close()


def test_envoi_trop_long_arrete_avant_la_fin(adresse: str) -> None:
    """Un corps envoyé par morceaux est refusé (413) dès la limite passée, sans attendre les 10 Mio annoncés."""
    hote, port = adresse.removeprefix("http://").split(":")
    morceau = b"x" * 65536
    envoyes = 0
    with socket.create_connection((hote, int(port)), timeout=30) as connexion:
        connexion.sendall(
            b"POST /valider HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Type: multipart/form-data; boundary=b\r\n\r\n"
        )
        entete = b'--b\r\nContent-Disposition: form-data; name="fichier"; filename="gros.yaml"\r\n\r\n'
        connexion.sendall(b"%x\r\n%s\r\n" % (len(entete), entete))
        reponse = b""
        for _ in range(160):  # 10 Mio au plus
            lisible, _, _ = select.select([connexion], [], [], 0.05)
            if lisible:
                reponse = connexion.recv(65536)
                break
            try:
                connexion.sendall(b"10000\r\n" + morceau + b"\r\n")
            except OSError:  # le serveur a fermé : la réponse est déjà là
                break
            envoyes += len(morceau)
        reponse = reponse or connexion.recv(65536)
    assert reponse.startswith(b"HTTP/1.1 413 ")
    assert envoyes < TAILLE_MAX + MARGE_FORMULAIRE + 16 * len(morceau) < 10 * 1024 * 1024
