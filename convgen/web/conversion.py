"""Un seul convertisseur PDF pour tout le serveur, derrière une file d'attente bornée.

Deux LibreOffice qui partagent un profil se bloquent, et chacun coûte une seconde de
démarrage et quelques centaines de Mo : le serveur n'en garde qu'un, qui convertit
une demande à la fois. Au-delà de ``places`` demandes (celle en cours comprise), la
suivante est refusée tout de suite (503 et ``Retry-After``) plutôt que d'attendre
sans fin. La fabrique est le seul lien avec :mod:`convgen.pdf` : passer à un autre
convertisseur se fait en changeant ``FABRIQUE``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from convgen.erreurs import ErreurPdf
from convgen.pdf import Convertisseur

__all__ = ["FABRIQUE", "Convertir", "FileComplete", "FilePdf"]


class _Convertisseur(Protocol):
    def convertir(self, documents: Sequence[Path], dossier: Path) -> list[Path]: ...

    def fermer(self) -> None: ...


FABRIQUE: Callable[[], _Convertisseur] = Convertisseur
"""Ce qui crée le LibreOffice partagé (profil à lui), à la première conversion demandée."""


class FileComplete(ErreurPdf):
    """Trop de conversions en attente : la demande est à refaire un peu plus tard."""

    def __init__(self, places: int) -> None:
        super().__init__(f"{places} conversions PDF sont déjà en cours ou en attente : réessayez dans un moment")


Convertir = Callable[[Sequence[Path], Path], list[Path]]


class FilePdf:
    """Le convertisseur partagé : ``with file.place() as convertir:`` réserve une place ou lève FileComplete."""

    def __init__(self, places: int = 4, fabrique: Callable[[], _Convertisseur] | None = None) -> None:
        self.places = places
        self._places = threading.BoundedSemaphore(places)
        self._verrou = threading.Lock()
        self._fabrique = fabrique or FABRIQUE
        self._convertisseur: _Convertisseur | None = None

    @contextmanager
    def place(self) -> Iterator[Convertir]:
        """Réserve une place dans la file sans attendre ; la conversion elle-même attend son tour."""
        if not self._places.acquire(blocking=False):
            raise FileComplete(self.places)
        try:
            yield self._convertir
        finally:
            self._places.release()

    def _convertir(self, documents: Sequence[Path], dossier: Path) -> list[Path]:
        with self._verrou:
            if self._convertisseur is None:
                self._convertisseur = self._fabrique()  # LibreOfficeAbsent si soffice manque
            return self._convertisseur.convertir(documents, dossier)

    def fermer(self) -> None:
        with self._verrou:
            if self._convertisseur is not None:
                self._convertisseur.fermer()
                self._convertisseur = None
