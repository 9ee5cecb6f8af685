"""Lancement de ``convgen serveur`` : réglages lus de l'environnement, refus d'exposer sans jeton.

Sans jeton, le serveur n'écoute que la boucle locale (127.0.0.1, ::1, localhost) : un
poste seul. Pour tout un service sur l'intranet, ``--jeton`` (ou ``CONVGEN_JETON``) est
obligatoire ; sinon le démarrage est refusé avec l'explication.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import sys
from pathlib import Path

from convgen.erreurs import ErreurConvgen

__all__ = ["HOTES_LOCAUX", "LONGUEUR_MIN_JETON", "ServeurRefuse", "est_boucle_locale", "lancer", "verifier_exposition"]

LONGUEUR_MIN_JETON = 16
HOTES_LOCAUX = frozenset({"127.0.0.1", "localhost", "[::1]"})


class ServeurRefuse(ErreurConvgen):
    """Réglages qui exposeraient le serveur sans protection."""


def est_boucle_locale(hote: str) -> bool:
    """Vrai pour une adresse de la boucle locale.

    >>> [est_boucle_locale(h) for h in ("127.0.0.1", "::1", "localhost", "0.0.0.0", "192.168.1.10", "intranet")]
    [True, True, True, False, False, False]
    """
    if hote == "localhost":
        return True
    try:
        return ipaddress.ip_address(hote.strip("[]")).is_loopback
    except ValueError:  # un nom d'hôte peut désigner n'importe quelle interface
        return False


def verifier_exposition(hote: str, jeton: str | None) -> None:
    """Refuse d'écouter hors de la boucle locale sans jeton, et tout jeton trop court pour résister."""
    if jeton is not None and len(jeton) < LONGUEUR_MIN_JETON:
        raise ServeurRefuse(f"jeton trop court : {LONGUEUR_MIN_JETON} caractères au moins")
    if jeton is None and not est_boucle_locale(hote):
        raise ServeurRefuse(
            f"refus d'écouter sur {hote} sans jeton : tout le réseau pourrait déposer des fichiers et lire les "
            "conventions. Donnez un jeton (--jeton ou variable CONVGEN_JETON), ou écoutez sur 127.0.0.1."
        )


def lancer(hote: str, port: int, jeton: str | None) -> None:
    """Démarre uvicorn jusqu'à Ctrl+C ; le gabarit du serveur vient de ``CONVGEN_GABARIT``."""
    verifier_exposition(hote, jeton)
    import uvicorn

    from convgen.web.application import Reglages, creer_application

    gabarit = os.environ.get("CONVGEN_GABARIT")
    hotes = HOTES_LOCAUX | {hote.lower()} if est_boucle_locale(hote) else None
    application = creer_application(Reglages(jeton=jeton, gabarit=Path(gabarit) if gabarit else None, hotes=hotes))
    journal = logging.getLogger("convgen.web")
    journal.setLevel(logging.INFO)
    gestionnaire = logging.StreamHandler(sys.stderr)
    gestionnaire.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
    journal.addHandler(gestionnaire)
    adresse = f"[{hote}]" if ":" in hote else hote
    print(
        f"convgen serveur : http://{adresse}:{port}/ {'(jeton exigé)' if jeton else ''}— Ctrl+C pour arrêter",
        flush=True,
    )
    uvicorn.run(
        application,
        host=hote,
        port=port,
        access_log=False,  # remplacé par le journal structuré de convgen.web.acces
        log_level="warning",
        server_header=False,
        limit_concurrency=64,
    )
