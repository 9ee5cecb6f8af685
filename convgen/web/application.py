"""L'application Starlette : ses routes et son assemblage (intergiciels, pages d'erreur, cycle de vie).

``GET /`` formulaire ; ``POST /valider`` constats ; ``POST /generer`` documents (422 si
rien ne peut être produit) ; ``GET /modele-tableur`` classeur vide ; ``/connexion`` quand
un jeton est exigé. Le travail (lecture, rendu, conversion) se fait hors de la boucle
d'événements, dans un dossier temporaire propre à la requête (:mod:`.reception`) et supprimé
ensuite ; les réponses (pages, JSON, documents) viennent de :mod:`.reponses`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hmac
import logging
import tempfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

from anyio import to_thread
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from convgen.contexte import Version
from convgen.cycle import produire_avenant, produire_bilan
from convgen.erreurs import ConversionEchouee, ErreurPdf
from convgen.gabarit.rendu import Gabarit, charger_gabarit
from convgen.regles import REGLES
from convgen.tableur import ecrire_modele_tableur
from convgen.web.conversion import Convertir, FileComplete, FilePdf
from convgen.web.reception import formulaire, lire_formulaire
from convgen.web.reponses import DOCX, XLSX, ZIP, constats, document, erreur_http, erreur_interne, page
from convgen.web.securite import COOKIE, EnTetesSecurite, ExigeJeton, HotesPermis, JournalAcces, valeur_session
from convgen.web.traitement import (
    SUFFIXES,
    TAILLE_MAX,
    Resultat,
    archive,
    examiner_envoi,
    produire_cycle,
    produire_envoi,
)

__all__ = [
    "ATTENTE_PDF",
    "AVENANT",
    "BILAN",
    "DONNEES",
    "FICHIER",
    "VERSIONS",
    "Reglages",
    "accueil",
    "avenant",
    "bilan",
    "connexion",
    "creer_application",
    "deconnexion",
    "documents",
    "executer",
    "generer",
    "modele_tableur",
    "valider",
]

ATTENTE_PDF = 30
"""Secondes annoncées par ``Retry-After`` quand la file des conversions est pleine."""
FICHIER = {"fichier": "le fichier de la convention"}
VERSIONS: dict[str, Version | None] = {"auto": None, "bipartite": "bipartite", "tripartite": "tripartite"}
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


async def accueil(request: Request) -> Response:
    regles = [(r.code, str(r.gravite), r.description) for r in REGLES]
    return page(request, "accueil.html", regles=regles, suffixes=SUFFIXES)


async def valider(request: Request) -> Response:
    async with formulaire(request, FICHIER) as (_, envois):
        resultat = await to_thread.run_sync(examiner_envoi, envois["fichier"].chemin, envois["fichier"].nom)
    return constats(request, resultat, 200)


async def generer(request: Request) -> Response:
    async with formulaire(request, FICHIER) as (form, envois):
        entree, nom = envois["fichier"].chemin, envois["fichier"].nom
        choix = str(form.get("version", "auto"))
        if choix not in VERSIONS:
            raise HTTPException(400, f"version inconnue « {choix} » (possibles : auto, bipartite, tripartite)")
        version, projet = VERSIONS[choix], form.get("projet") is not None
        gabarit: Gabarit | None = request.app.state.gabarit

        def travail(convertir: Convertir | None) -> Resultat:
            return produire_envoi(entree, nom, version=version, projet=projet, gabarit=gabarit, convertir=convertir)

        resultat = await executer(request, travail, avec_pdf=form.get("pdf") is not None)
    return documents(request, resultat)


def documents(request: Request, resultat: Resultat) -> Response:
    """422 et les constats si rien n'est produit ; le .docx seul s'il est tout ce qu'il y a ; sinon un .zip."""
    if not any(g.produite for g in resultat.groupes):
        return constats(request, resultat, 422)
    if len(resultat.documents) == 1 and all(g.produite for g in resultat.groupes):  # sinon constats.json
        nom_document, octets = resultat.documents[0]
        return document(octets, nom_document, DOCX)
    nom_zip, octets = archive(resultat)
    return document(octets, nom_zip, ZIP)


async def executer(request: Request, travail: Callable[[Convertir | None], Resultat], *, avec_pdf: bool) -> Resultat:
    """Le travail hors de la boucle d'événements ; la place dans la file PDF est prise avant qu'il commence."""
    file: FilePdf = request.app.state.file_pdf
    try:
        with file.place() if avec_pdf else contextlib.nullcontext(None) as convertir:
            return await to_thread.run_sync(travail, convertir)
    except FileComplete as exc:
        raise HTTPException(503, str(exc), headers={"Retry-After": str(ATTENTE_PDF)}) from None
    except ConversionEchouee as exc:
        _JOURNAL.warning("conversion PDF échouée : %s", exc)
        raise HTTPException(500, "la conversion en PDF a échoué ; le document Word seul peut être demandé") from None
    except ErreurPdf:  # LibreOffice absent du serveur
        raise HTTPException(
            503, "la conversion en PDF n'est pas disponible sur ce serveur (LibreOffice absent)"
        ) from None


# --- Cycle de la convention : avenant (article 11), compte rendu d'exécution (article 6) ---------

AVENANT = {"initiale": "la convention signée", "modifiee": "la convention modifiée"}
BILAN = {"convention": "la convention signée", "realisation": "la réalisation"}
DONNEES = (".yaml", ".yml", ".json")


async def avenant(request: Request) -> Response:
    async with formulaire(request, AVENANT, DONNEES) as (form, envois):
        options = {
            "numero": _numero(str(form.get("numero") or "1")),
            "date": _date(str(form.get("date") or "")),
            "lieu": str(form.get("lieu") or "").strip() or None,
            "projet": form.get("projet") is not None,
        }
        paires = [(e.nom, e.chemin) for e in envois.values()]
        resultat = await executer(
            request,
            lambda c: produire_cycle(produire_avenant, paires, c, **options),
            avec_pdf=form.get("pdf") is not None,
        )
    return documents(request, resultat)


async def bilan(request: Request) -> Response:
    async with formulaire(request, BILAN, (*DONNEES, ".xlsx")) as (form, envois):
        paires = [(e.nom, e.chemin) for e in envois.values()]
        resultat = await executer(
            request, lambda c: produire_cycle(produire_bilan, paires, c), avec_pdf=form.get("pdf") is not None
        )
    return documents(request, resultat)


def _numero(texte: str) -> int:
    if not texte.isdigit() or not 1 <= int(texte) <= 99:
        raise HTTPException(400, f"numéro d'avenant « {texte} » invalide : un entier de 1 à 99")
    return int(texte)


def _date(texte: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(texte) if texte else None
    except ValueError:
        raise HTTPException(400, f"date « {texte} » invalide (attendu AAAA-MM-JJ)") from None


async def modele_tableur(request: Request) -> Response:
    with tempfile.TemporaryDirectory(prefix="convgen-web-") as dossier:
        chemin = Path(dossier) / "modele_conventions.xlsx"
        await to_thread.run_sync(ecrire_modele_tableur, chemin)
        octets = chemin.read_bytes()
    return document(octets, chemin.name, XLSX)


# --- Connexion ----------------------------------------------------------------------


async def connexion(request: Request) -> Response:
    jeton: str | None = request.app.state.reglages.jeton
    if not jeton:
        return RedirectResponse("/", status_code=303)
    if request.method == "GET":
        return page(request, "connexion.html", erreur=None)
    form = await lire_formulaire(request, fichiers=0)
    saisi = str(form.get("jeton", ""))
    await form.close()
    if not hmac.compare_digest(saisi.encode("utf-8"), jeton.encode("utf-8")):
        return page(request, "connexion.html", 401, erreur="Jeton incorrect.")
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
            Route("/avenant", avenant, methods=["POST"]),
            Route("/bilan", bilan, methods=["POST"]),
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
        exception_handlers={HTTPException: erreur_http, Exception: erreur_interne},
        lifespan=cycle,
    )
    application.state.reglages = reglages
    application.state.gabarit = charger_gabarit(reglages.gabarit) if reglages.gabarit else None
    application.state.file_pdf = file
    return application
