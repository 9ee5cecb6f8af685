"""Ce qui entoure chaque requête : jeton d'accès, en-têtes de sécurité, journal d'accès.

Des intergiciels ASGI purs (ils ne lisent jamais le corps des requêtes). Le journal
d'accès est une ligne JSON par requête : méthode, chemin, statut, durée, octets ; ni
la chaîne de requête, ni les en-têtes, ni rien des fichiers reçus ou rendus.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "COOKIE",
    "JOURNAL",
    "EnTetesSecurite",
    "ExigeJeton",
    "HotesPermis",
    "JournalAcces",
    "autorise",
    "valeur_session",
]

COOKIE = "convgen_session"
JOURNAL = logging.getLogger("convgen.web.acces")

_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
"""Aucun script, ni en ligne ni d'ailleurs : les pages n'en ont pas besoin."""
_ENTETES = {
    "Content-Security-Policy": _CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}
_LIBRES = "/statique/"
"""Ce qui se passe de jeton, avec la page de connexion : la feuille de style et l'icône."""


def valeur_session(jeton: str) -> str:
    """Ce que porte le cookie : dérivé du jeton, pour que le jeton lui-même ne circule pas à chaque requête."""
    return hmac.new(jeton.encode("utf-8"), b"convgen-session", hashlib.sha256).hexdigest()


def autorise(entetes: Headers, jeton: str) -> bool:
    """Le jeton en ``Authorization: Bearer …``, ou le cookie posé par la page de connexion."""
    schema, _, valeur = entetes.get("authorization", "").partition(" ")
    if schema.lower() == "bearer" and hmac.compare_digest(valeur.strip().encode(), jeton.encode()):
        return True
    cookie = _cookie(entetes.get("cookie", ""))
    return cookie is not None and hmac.compare_digest(cookie.encode(), valeur_session(jeton).encode())


def _cookie(texte: str) -> str | None:
    for morceau in texte.split(";"):
        nom, _, valeur = morceau.strip().partition("=")
        if nom == COOKIE:
            return valeur
    return None


def _libre(chemin: str) -> bool:
    return chemin == "/connexion" or chemin.startswith(_LIBRES)


class ExigeJeton:
    """Avec un jeton, toute requête doit le présenter ; un navigateur est renvoyé à la page de connexion."""

    def __init__(self, app: ASGIApp, jeton: str | None) -> None:
        self.app = app
        self.jeton = jeton

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.jeton or _libre(scope["path"]):
            await self.app(scope, receive, send)
            return
        entetes = Headers(scope=scope)
        if autorise(entetes, self.jeton):
            await self.app(scope, receive, send)
            return
        reponse: Response
        if scope["method"] == "GET" and "text/html" in entetes.get("accept", ""):
            reponse = RedirectResponse("/connexion", status_code=303)
        else:
            reponse = PlainTextResponse(
                "jeton d'accès requis : en-tête « Authorization: Bearer … » ou connexion par /connexion",
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer realm="convgen"'},
            )
        await reponse(scope, receive, send)


class HotesPermis:
    """Sur la boucle locale, seuls les noms de la boucle locale : une page d'un autre site qui ferait
    pointer son propre nom vers 127.0.0.1 (rebond DNS) ne peut pas lire les réponses du serveur."""

    def __init__(self, app: ASGIApp, hotes: frozenset[str] | None) -> None:
        self.app = app
        self.hotes = hotes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.hotes is not None:
            hote = Headers(scope=scope).get("host", "")
            nom = hote.partition("]")[0] + "]" if hote.startswith("[") and "]" in hote else hote.split(":", 1)[0]
            if nom.lower() not in self.hotes:
                reponse = PlainTextResponse(f"hôte « {nom} » non servi par ce serveur", status_code=400)
                await reponse(scope, receive, send)
                return
        await self.app(scope, receive, send)


class EnTetesSecurite:
    """En-têtes de sécurité sur toute réponse ; aucune mise en cache, sauf la feuille de style."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def envoyer(message: Message) -> None:
            if message["type"] == "http.response.start":
                entetes = MutableHeaders(scope=message)
                for nom, valeur in _ENTETES.items():
                    entetes[nom] = valeur
                if not scope["path"].startswith("/statique/"):
                    entetes["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, envoyer)


class JournalAcces:
    """Une ligne JSON par requête dans le journal ``convgen.web.acces``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        debut = time.perf_counter()
        trace: dict[str, Any] = {"statut": 500, "octets": 0}

        async def envoyer(message: Message) -> None:
            if message["type"] == "http.response.start":
                trace["statut"] = message["status"]
            elif message["type"] == "http.response.body":
                trace["octets"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, envoyer)
        finally:
            client = scope.get("client")
            ligne = {
                "methode": scope["method"],
                "chemin": scope["path"],
                **trace,
                "duree_ms": round((time.perf_counter() - debut) * 1000, 1),
                "client": client[0] if client else None,
            }
            JOURNAL.info(json.dumps(ligne, ensure_ascii=False))
