"""L'application Starlette : les routes, la négociation HTML/JSON et les pages d'erreur en français.

``GET /`` formulaire ; ``POST /valider`` constats ; ``POST /generer`` documents (422 si
rien ne peut être produit) ; ``GET /modele-tableur`` classeur vide ; ``/connexion`` quand
un jeton est exigé. Le travail (lecture, rendu, conversion) se fait hors de la boucle
d'événements, dans un dossier temporaire propre à la requête et supprimé ensuite.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any

import jinja2
from anyio import to_thread
from starlette.applications import Starlette
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import Message

from convgen.erreurs import ConversionEchouee, ErreurPdf
from convgen.gabarit.rendu import Gabarit, charger_gabarit
from convgen.regles import REGLES
from convgen.tableur import ecrire_modele_tableur
from convgen.web.conversion import FileComplete, FilePdf
from convgen.web.securite import (
    COOKIE,
    EnTetesSecurite,
    ExigeJeton,
    HotesPermis,
    JournalAcces,
    autorise,
    valeur_session,
)
from convgen.web.traitement import (
    SUFFIXES,
    TAILLE_MAX,
    Resultat,
    archive,
    examiner_envoi,
    nom_affiche,
    produire_envoi,
    suffixe,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MARGE_FORMULAIRE = 64 * 1024
"""Ce que le corps multipart peut compter en plus du fichier (séparateurs, options)."""
ATTENTE_PDF = 30
"""Secondes annoncées par ``Retry-After`` quand la file des conversions est pleine."""
FICHIER = {"fichier": "le fichier de la convention"}
VERSIONS = {"auto": None, "bipartite": "bipartite", "tripartite": "tripartite"}
_JOURNAL = logging.getLogger("convgen.web")


@dataclass(frozen=True)
class Reglages:
    """Ce que fixe l'administrateur du serveur ; rien de cela ne vient des requêtes."""

    jeton: str | None = None
    gabarit: Path | None = None
    """Gabarit Word du serveur (``CONVGEN_GABARIT``) ; jamais envoyé par le navigateur."""
    hotes: frozenset[str] | None = None
    """Noms d'hôte servis (en-tête ``Host``) ; None : tous (derrière un mandataire, avec jeton)."""
    places_pdf: int = 4
    taille_max: int = TAILLE_MAX


def _pages() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("convgen.web", "pages"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return Jinja2Templates(env=env)


PAGES = _pages()


def veut_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _page(request: Request, nom: str, statut: int = 200, **contexte: Any) -> Response:
    jeton = request.app.state.reglages.jeton
    contexte["connecte"] = bool(jeton) and autorise(request.headers, jeton)
    return PAGES.TemplateResponse(request, nom, contexte, status_code=statut)


async def accueil(request: Request) -> Response:
    regles = [(r.code, str(r.gravite), r.description) for r in REGLES]
    return _page(request, "accueil.html", regles=regles, suffixes=SUFFIXES)


async def valider(request: Request) -> Response:
    async with _formulaire(request, FICHIER) as (_, envois):
        resultat = await to_thread.run_sync(examiner_envoi, envois["fichier"].chemin, envois["fichier"].nom)
    return _constats(request, resultat, 200)


async def generer(request: Request) -> Response:
    async with _formulaire(request, FICHIER) as (form, envois):
        entree, nom = envois["fichier"].chemin, envois["fichier"].nom
        choix = str(form.get("version", "auto"))
        if choix not in VERSIONS:
            raise HTTPException(400, f"version inconnue « {choix} » (possibles : auto, bipartite, tripartite)")
        options = {"version": VERSIONS[choix], "projet": form.get("projet") is not None}
        resultat = await _produire(request, entree, nom, options, avec_pdf=form.get("pdf") is not None)
    if not any(g.produite for g in resultat.groupes):
        return _constats(request, resultat, 422)
    if len(resultat.documents) == 1 and len(resultat.groupes) == 1:  # sinon, constats.json dit ce qui manque
        nom_document, octets = resultat.documents[0]
        return _document(octets, nom_document, DOCX)
    nom_zip, octets = archive(resultat)
    return _document(octets, nom_zip, "application/zip")


async def _produire(request: Request, entree: Path, nom: str, options: dict[str, Any], *, avec_pdf: bool) -> Resultat:
    """Rend les documents hors de la boucle ; la place dans la file PDF est prise avant tout travail."""
    file: FilePdf = request.app.state.file_pdf
    gabarit: Gabarit | None = request.app.state.gabarit
    try:
        with file.place() if avec_pdf else contextlib.nullcontext(None) as convertir:
            return await to_thread.run_sync(
                lambda: produire_envoi(entree, nom, gabarit=gabarit, convertir=convertir, **options)
            )
    except FileComplete as exc:
        raise HTTPException(503, str(exc), headers={"Retry-After": str(ATTENTE_PDF)}) from None
    except ConversionEchouee as exc:
        _JOURNAL.warning("conversion PDF échouée : %s", exc)
        raise HTTPException(500, "la conversion en PDF a échoué ; le document Word seul peut être demandé") from None
    except ErreurPdf:  # LibreOffice absent du serveur
        raise HTTPException(
            503, "la conversion en PDF n'est pas disponible sur ce serveur (LibreOffice absent)"
        ) from None


async def modele_tableur(request: Request) -> Response:
    with tempfile.TemporaryDirectory(prefix="convgen-web-") as dossier:
        chemin = Path(dossier) / "modele_conventions.xlsx"
        await to_thread.run_sync(ecrire_modele_tableur, chemin)
        octets = chemin.read_bytes()
    return _document(octets, chemin.name, XLSX)


def _document(octets: bytes, nom: str, type_: str) -> Response:
    """Un document à télécharger ; ``nom`` vient de :func:`convgen.fichiers.nom_sain` (ASCII sans guillemet)."""
    return Response(octets, media_type=type_, headers={"Content-Disposition": f'attachment; filename="{nom}"'})


def _constats(request: Request, resultat: Resultat, statut: int) -> Response:
    if veut_json(request):
        return JSONResponse(resultat.en_json(), status_code=statut)
    return _page(request, "constats.html", statut, resultat=resultat, refus=statut == 422)


# --- Réception des fichiers ---------------------------------------------------------


def _trop_gros(taille_max: int) -> HTTPException:
    return HTTPException(413, f"fichier trop volumineux : {taille_max // (1024 * 1024)} Mio au plus")


def _borne(request: Request, fichiers: int) -> Request:
    """La même requête, dont le corps est refusé (413) dès qu'il dépasse la limite, sans être lu en entier."""
    taille_max: int = request.app.state.reglages.taille_max
    maximum = max(fichiers, 1) * taille_max + MARGE_FORMULAIRE
    longueur = request.headers.get("content-length")
    if longueur is not None and (not longueur.isdigit() or int(longueur) > maximum):
        raise _trop_gros(taille_max)
    recus = 0
    recevoir_brut = request.receive

    async def recevoir() -> Message:
        nonlocal recus
        message = await recevoir_brut()
        if message["type"] == "http.request":
            recus += len(message.get("body", b""))
            if recus > maximum:
                raise _trop_gros(taille_max)
        return message

    return Request(request.scope, receive=recevoir)


async def _lire_formulaire(request: Request, *, fichiers: int) -> FormData:
    """Le formulaire, borné (fichiers comptés, peu de champs courts) ; les refus de l'analyseur dits en français."""
    try:
        return await _borne(request, fichiers).form(max_files=fichiers, max_fields=8, max_part_size=4096)
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
async def _formulaire(
    request: Request, champs: dict[str, str], suffixes: tuple[str, ...] = SUFFIXES
) -> AsyncIterator[tuple[FormData, dict[str, Envoi]]]:
    """Le formulaire et ses fichiers (``{champ: ce qu'il contient}``), copiés dans un dossier temporaire
    propre à la requête, effacé à la sortie."""
    taille_max: int = request.app.state.reglages.taille_max
    form = await _lire_formulaire(request, fichiers=len(champs))
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
                            raise _trop_gros(taille_max)
                        sortie.write(morceau)
                envois[champ] = Envoi(nom, chemin)
            yield form, envois
    finally:
        await form.close()  # fichiers temporaires de l'analyseur multipart


# --- Connexion ----------------------------------------------------------------------


async def connexion(request: Request) -> Response:
    jeton: str | None = request.app.state.reglages.jeton
    if not jeton:
        return RedirectResponse("/", status_code=303)
    if request.method == "GET":
        return _page(request, "connexion.html", erreur=None)
    form = await _lire_formulaire(request, fichiers=0)
    saisi = str(form.get("jeton", ""))
    await form.close()
    if not hmac.compare_digest(saisi.encode("utf-8"), jeton.encode("utf-8")):
        return _page(request, "connexion.html", 401, erreur="Jeton incorrect.")
    reponse = RedirectResponse("/", status_code=303)
    reponse.set_cookie(
        COOKIE,
        valeur_session(jeton),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return reponse


async def deconnexion(request: Request) -> Response:
    reponse = RedirectResponse("/connexion", status_code=303)
    reponse.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return reponse


# --- Erreurs ------------------------------------------------------------------------

_TITRES = {
    400: "Demande incomplète",
    401: "Accès refusé",
    404: "Page introuvable",
    405: "Méthode non permise",
    413: "Fichier trop volumineux",
    415: "Format non pris en charge",
    500: "Erreur du serveur",
    503: "Service momentanément indisponible",
}
_MESSAGES = {404: "cette adresse n'existe pas", 405: "cette adresse ne s'emploie pas ainsi"}


async def _erreur_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    statut = exc.status_code
    message = _MESSAGES.get(statut) if exc.detail == HTTPStatus(statut).phrase else exc.detail
    if veut_json(request):
        return JSONResponse({"erreur": message}, status_code=statut, headers=exc.headers)
    titre = _TITRES.get(statut, "Erreur")
    reponse = _page(request, "erreur.html", statut, titre=titre, message=message or titre)
    reponse.headers.update(exc.headers or {})
    return reponse


async def _erreur_interne(request: Request, exc: Exception) -> Response:
    """Dernier recours : une page sobre ; le détail reste dans le journal du serveur."""
    _JOURNAL.error("erreur interne sur %s : %r", request.url.path, exc)
    texte = "une erreur inattendue s'est produite ; elle est consignée dans le journal du serveur"
    if veut_json(request):
        return JSONResponse({"erreur": texte}, status_code=500)
    return _page(request, "erreur.html", 500, titre=_TITRES[500], message=texte)


# --- Assemblage ---------------------------------------------------------------------


def creer_application(reglages: Reglages | None = None, *, file_pdf: FilePdf | None = None) -> Starlette:
    """L'application ; le gabarit du serveur est chargé (et vérifié) dès maintenant, pas à la première requête."""
    reglages = reglages or Reglages()
    file = file_pdf or FilePdf(reglages.places_pdf)

    @contextlib.asynccontextmanager
    async def cycle(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            file.fermer()

    application = Starlette(
        routes=[
            Route("/", accueil, methods=["GET"]),
            Route("/valider", valider, methods=["POST"]),
            Route("/generer", generer, methods=["POST"]),
            Route("/modele-tableur", modele_tableur, methods=["GET"]),
            Route("/connexion", connexion, methods=["GET", "POST"]),
            Route("/deconnexion", deconnexion, methods=["POST"]),
            Mount("/statique", StaticFiles(packages=[("convgen.web", "statique")]), name="statique"),
        ],
        middleware=[
            Middleware(JournalAcces),
            Middleware(EnTetesSecurite),
            Middleware(HotesPermis, hotes=reglages.hotes),
            Middleware(ExigeJeton, jeton=reglages.jeton),
        ],
        exception_handlers={HTTPException: _erreur_http, Exception: _erreur_interne},
        lifespan=cycle,
    )
    application.state.reglages = reglages
    application.state.gabarit = charger_gabarit(reglages.gabarit) if reglages.gabarit else None
    application.state.file_pdf = file
    return application
