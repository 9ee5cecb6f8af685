"""Écriture sûre des documents : noms de fichiers sains, écriture atomique, jamais d'écrasement implicite.

Un nom de fichier vient des données (région, structure) : il est ramené à des
lettres ASCII, des chiffres et des soulignés, borné en longueur et protégé des noms
réservés de Windows, de sorte qu'il reste dans le dossier de sortie quoi qu'on y
mette (``../../etc``, ``CON``, 300 caractères…).

Un document est d'abord écrit dans un fichier temporaire du même dossier, puis mis
en place d'un seul coup : une interruption ne laisse jamais de fichier à moitié écrit.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import tempfile
import unicodedata
from pathlib import Path
from typing import BinaryIO

from convgen.erreurs import ErreurSortie, FichierExistant, motif_systeme

LONGUEUR_MAX_NOM = 80
_RESERVES_WINDOWS = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def nom_sain(texte: str, *, defaut: str = "sans_nom") -> str:
    """Un morceau de nom de fichier tiré d'un texte libre.

    >>> nom_sain("Provence-Alpes-Côte d'Azur")
    'provence_alpes_cote_d_azur'
    >>> nom_sain("../../etc"), nom_sain("CON"), nom_sain("")
    ('etc', 'con_', 'sans_nom')
    """
    ascii_ = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode("ascii")
    nom = re.sub(r"[^a-z0-9]+", "_", ascii_.lower()).strip("_")[:LONGUEUR_MAX_NOM].rstrip("_")
    if not nom:
        return defaut
    return f"{nom}_" if nom in _RESERVES_WINDOWS else nom


def chemin_dans(dossier: Path, nom_fichier: str) -> Path:
    """Le chemin du fichier dans le dossier, en refusant tout ce qui en sortirait.

    Seul le dossier est résolu : un lien symbolique qui porterait déjà ce nom reste le lien (le
    remplacer remplace le lien, jamais le fichier qu'il désigne).

    >>> chemin_dans(Path("/srv/sortie"), "convention.docx").name
    'convention.docx'
    """
    if nom_fichier in ("", ".", "..") or "/" in nom_fichier or os.sep in nom_fichier or "\x00" in nom_fichier:
        raise ErreurSortie(f"nom de fichier refusé : {nom_fichier!r} sortirait du dossier {dossier}")
    return dossier.resolve() / nom_fichier


def empreinte_document(chemin: Path) -> str | None:
    """SHA-256 d'un fichier ordinaire, lu sans suivre de lien symbolique ; None s'il est absent, lien ou autre."""
    try:
        descripteur = os.open(chemin, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(descripteur, "rb") as fichier:
        if not stat.S_ISREG(os.fstat(fichier.fileno()).st_mode):
            return None  # tube, périphérique : jamais un document
        condensat = hashlib.sha256()
        while bloc := fichier.read(1 << 20):
            condensat.update(bloc)
        return condensat.hexdigest()


def ecrire_atomique(chemin: Path, octets: bytes, *, ecraser: bool = False) -> Path:
    """Écrit ``octets`` dans ``chemin`` d'un seul coup ; refuse d'écraser sans ``ecraser``."""
    chemin = Path(chemin)
    if not ecraser and os.path.lexists(chemin):
        raise FichierExistant(chemin)
    try:
        chemin.parent.mkdir(parents=True, exist_ok=True)
        descripteur, temporaire = tempfile.mkstemp(dir=chemin.parent, prefix=f".{chemin.name}.", suffix=".tmp")
    except OSError as exc:
        raise ErreurSortie(f"{chemin} : écriture impossible ({motif_systeme(exc)})") from None
    try:
        Path(temporaire).chmod(0o666 & ~_umask())  # mkstemp crée en 0600 : on rend les droits habituels
        with os.fdopen(descripteur, "wb") as fichier:
            fichier.write(octets)
            fichier.flush()
            os.fsync(fichier.fileno())
        mettre_en_place(Path(temporaire), chemin, ecraser=ecraser)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            Path(temporaire).unlink()
        raise
    return chemin


def _umask() -> int:
    masque = os.umask(0o022)
    os.umask(masque)
    return masque


def _remplacer(temporaire: Path, chemin: Path) -> None:
    try:
        temporaire.replace(chemin)
    except IsADirectoryError:
        raise ErreurSortie(f"{chemin} est un dossier : rien n'a été écrit") from None
    except OSError as exc:
        raise ErreurSortie(f"{chemin} : écriture impossible ({motif_systeme(exc)})") from None


def mettre_en_place(temporaire: Path, chemin: Path, *, ecraser: bool) -> None:
    """Renomme ``temporaire`` (même dossier ou même système de fichiers) en ``chemin``, d'un seul coup.

    Sans ``ecraser``, échoue si ``chemin`` existe, sans course entre le test et l'écriture ; avec, un
    lien symbolique à cette place est remplacé lui-même, jamais le fichier qu'il désigne.
    """
    if ecraser:
        _remplacer(temporaire, chemin)
        return
    # Un lien dur échoue si la cible existe : pas de course entre le test et l'écriture.
    try:
        os.link(temporaire, chemin)
    except FileExistsError:
        raise FichierExistant(chemin) from None
    except OSError:  # système de fichiers sans liens durs
        if os.path.lexists(chemin):
            raise FichierExistant(chemin) from None
        _remplacer(temporaire, chemin)
        return
    temporaire.unlink()


def ecrire(destination: str | Path | BinaryIO, octets: bytes, *, ecraser: bool = False) -> Path | None:
    """Écrit dans un chemin (atomiquement) ou dans un fichier binaire ouvert (rendu en mémoire)."""
    if isinstance(destination, str | os.PathLike):
        return ecrire_atomique(Path(destination), octets, ecraser=ecraser)
    destination.write(octets)
    return None
