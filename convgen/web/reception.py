"""Réception des fichiers envoyés : corps borné, formulaire borné, un dossier temporaire par requête.

Le corps est compté au fil de sa lecture et refusé (413) dès qu'il passe la limite, sans
être lu en entier ; chaque fichier est copié sous un nom fixe (``fichier.yaml``…) dans un
dossier temporaire effacé à la fin de la requête : rien de ce que le client envoie ne sert
de chemin, son nom n'est qu'affiché.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import Message

from convgen.web.traitement import SUFFIXES, nom_affiche, suffixe

__all__ = ["MARGE_FORMULAIRE", "Envoi", "borne", "formulaire", "lire_formulaire", "trop_gros"]

MARGE_FORMULAIRE = 64 * 1024
"""Ce que le corps multipart peut compter en plus des fichiers (séparateurs, options)."""


def trop_gros(taille_max: int) -> HTTPException:
    return HTTPException(413, f"fichier trop volumineux : {taille_max // (1024 * 1024)} Mio au plus")


def borne(request: Request, fichiers: int) -> Request:
    """La même requête, dont le corps est refusé (413) dès qu'il dépasse la limite, sans être lu en entier."""
    taille_max: int = request.app.state.reglages.taille_max
    maximum = max(fichiers, 1) * taille_max + MARGE_FORMULAIRE
    longueur = request.headers.get("content-length")
    if longueur is not None and (not longueur.isdigit() or int(longueur) > maximum):
        raise trop_gros(taille_max)
    recus = 0
    recevoir_brut = request.receive

    async def recevoir() -> Message:
        nonlocal recus
        message = await recevoir_brut()
        if message["type"] == "http.request":
            recus += len(message.get("body", b""))
            if recus > maximum:
                raise trop_gros(taille_max)
        return message

    return Request(request.scope, receive=recevoir)


async def lire_formulaire(request: Request, *, fichiers: int) -> FormData:
    """Le formulaire, borné (fichiers comptés, peu de champs courts) ; les refus de l'analyseur dits en français."""
    try:
        return await borne(request, fichiers).form(max_files=fichiers, max_fields=8, max_part_size=4096)
    except HTTPException as exc:
        if exc.status_code != 400:
            raise
        raise HTTPException(
            400, f"formulaire mal formé ou trop chargé ({fichiers} fichier{'s' if fichiers > 1 else ''} au plus)"
        ) from None


@dataclass(frozen=True)
class Envoi:
    """Un fichier reçu : le nom à afficher, et son chemin dans le dossier temporaire de la requête."""

    nom: str
    chemin: Path


@contextlib.asynccontextmanager
async def formulaire(
    request: Request, champs: dict[str, str], suffixes: tuple[str, ...] = SUFFIXES
) -> AsyncIterator[tuple[FormData, dict[str, Envoi]]]:
    """Le formulaire et ses fichiers (``{champ: ce qu'il contient}``), copiés dans un dossier temporaire
    propre à la requête, effacé à la sortie."""
    taille_max: int = request.app.state.reglages.taille_max
    form = await lire_formulaire(request, fichiers=len(champs))
    try:
        with tempfile.TemporaryDirectory(prefix="convgen-web-") as dossier:
            envois = {}
            for champ, contenu in champs.items():
                fichier = form.get(champ)
                if not isinstance(fichier, UploadFile) or not fichier.filename:
                    raise HTTPException(400, f"aucun fichier reçu : choisissez {contenu}")
                nom = nom_affiche(fichier.filename)
                fin = suffixe(nom, suffixes)
                if fin is None:
                    raise HTTPException(
                        415, f"« {nom} » : format non pris en charge (acceptés : {', '.join(suffixes)})"
                    )
                chemin = Path(dossier) / f"{champ}{fin}"  # nom fixe : rien du client ne sert de chemin
                with chemin.open("wb") as sortie:
                    while morceau := await fichier.read(64 * 1024):
                        if sortie.tell() + len(morceau) > taille_max:
                            raise trop_gros(taille_max)
                        sortie.write(morceau)
                envois[champ] = Envoi(nom, chemin)
            yield form, envois
    finally:
        await form.close()  # fichiers temporaires de l'analyseur multipart
