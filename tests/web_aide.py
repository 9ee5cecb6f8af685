"""Outils communs aux tests de l'interface web : client Starlette, fichiers à envoyer, serveur uvicorn réel."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from convgen.chargement import lire
from convgen.tableur import ecrire_tableur
from convgen.web.application import Reglages, creer_application
from convgen.web.conversion import FilePdf

RACINE = Path(__file__).resolve().parents[1]
EXEMPLES = RACINE / "donnees_exemple"
AUVERGNE = EXEMPLES / "auvergne_2009_tripartite.yaml"
BRETAGNE = EXEMPLES / "bretagne_2009_bipartite.yaml"
TROIS_ERREURS = EXEMPLES / "invalides" / "trois_erreurs.yaml"
JETON = "jeton-de-test-assez-long-0123456789"
JSON = {"Accept": "application/json"}


@contextmanager
def client(reglages: Reglages | None = None, *, file_pdf: FilePdf | None = None) -> Iterator[TestClient]:
    """Un client de l'application, cycle de vie compris (la file PDF est fermée à la sortie)."""
    with TestClient(creer_application(reglages, file_pdf=file_pdf), follow_redirects=False) as c:
        yield c


def envoi(chemin: Path, nom: str | None = None) -> dict[str, Any]:
    """Le champ ``fichier`` d'un formulaire, avec le contenu du fichier ``chemin``."""
    return {"fichier": (nom or chemin.name, chemin.read_bytes())}


def classeur(dossier: Path, *sources: Path) -> Path:
    """Un classeur Excel qui décrit les conventions des fichiers YAML ``sources``."""
    return ecrire_tableur([lire(s)[0] for s in sources], dossier / "classeur.xlsx")


def contenu_zip(octets: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(octets)) as archive:
        return {nom: archive.read(nom) for nom in archive.namelist()}


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def serveur(*arguments: str, env: dict[str, str] | None = None, delai: float = 30) -> Iterator[str]:
    """``convgen serveur`` lancé pour de vrai sur 127.0.0.1 et un port libre ; rend son adresse, l'arrête à la fin.

    Sa sortie va dans un fichier temporaire : le journal d'accès ne doit pas remplir un tube que personne ne lit.
    """
    port = port_libre()
    with tempfile.TemporaryFile() as sortie:
        processus = subprocess.Popen(
            [sys.executable, "-m", "convgen", "serveur", "--port", str(port), *arguments],
            cwd=RACINE,
            env={**os.environ, "PYTHONPATH": str(RACINE), **(env or {})},
            stdin=subprocess.DEVNULL,
            stdout=sortie,
            stderr=subprocess.STDOUT,
        )
        try:
            _attendre(port, processus, sortie, delai)
            yield f"http://127.0.0.1:{port}"
        finally:
            processus.terminate()
            try:
                processus.wait(timeout=10)
            except subprocess.TimeoutExpired:
                processus.kill()
                processus.wait()


def _attendre(port: int, processus: subprocess.Popen[bytes], sortie: Any, delai: float) -> None:
    limite = time.monotonic() + delai
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if processus.poll() is not None or time.monotonic() > limite:
                sortie.seek(0)
                raise RuntimeError(f"le serveur n'a pas démarré : {sortie.read()!r}") from None
            time.sleep(0.1)
