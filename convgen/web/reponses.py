"""Les réponses : pages Jinja2 (gabarits HTML du paquet), JSON sur demande, documents, pages d'erreur.

Un client qui demande ``Accept: application/json`` (et pas ``text/html``) reçoit du JSON ;
un navigateur, une page en français. Aucune page ne contient de script.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

import jinja2
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.templating import Jinja2Templates

from convgen.web.securite import autorise
from convgen.web.traitement import Resultat

__all__ = ["DOCX", "PAGES", "XLSX", "ZIP", "constats", "document", "erreur_http", "erreur_interne", "page", "veut_json"]

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"
_JOURNAL = logging.getLogger("convgen.web")


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


def page(request: Request, nom: str, statut: int = 200, **contexte: Any) -> Response:
    jeton = request.app.state.reglages.jeton
    contexte["connecte"] = bool(jeton) and autorise(request.headers, jeton)
    return PAGES.TemplateResponse(request, nom, contexte, status_code=statut)


def document(octets: bytes, nom: str, type_: str) -> Response:
    """Un document à télécharger ; ``nom`` vient de :func:`convgen.fichiers.nom_sain` (ASCII sans guillemet)."""
    return Response(octets, media_type=type_, headers={"Content-Disposition": f'attachment; filename="{nom}"'})


def constats(request: Request, resultat: Resultat, statut: int) -> Response:
    if veut_json(request):
        return JSONResponse(resultat.en_json(), status_code=statut)
    return page(request, "constats.html", statut, resultat=resultat, refus=statut == 422)


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


async def erreur_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    statut = exc.status_code
    message = _MESSAGES.get(statut) if exc.detail == HTTPStatus(statut).phrase else exc.detail
    if veut_json(request):
        return JSONResponse({"erreur": message}, status_code=statut, headers=exc.headers)
    titre = _TITRES.get(statut, "Erreur")
    reponse = page(request, "erreur.html", statut, titre=titre, message=message or titre)
    reponse.headers.update(exc.headers or {})
    return reponse


async def erreur_interne(request: Request, exc: Exception) -> Response:
    """Dernier recours : une page sobre ; le détail reste dans le journal du serveur."""
    _JOURNAL.error("erreur interne sur %s : %r", request.url.path, exc)
    texte = "une erreur inattendue s'est produite ; elle est consignée dans le journal du serveur"
    if veut_json(request):
        return JSONResponse({"erreur": texte}, status_code=500)
    return page(request, "erreur.html", 500, titre=_TITRES[500], message=texte)
