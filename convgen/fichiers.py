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
import errno
import hashlib
import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from convgen.erreurs import ErreurSortie, FichierExistant, FichierIllisible, motif_systeme

__all__ = [
    "LONGUEUR_MAX_NOM",
    "chemin_dans",
    "ecrire",
    "ecrire_atomique",
    "ecrire_temporaire",
    "forcer_sur_disque",
    "nom_sain",
    "retirer_si_echec",
]

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


DEBUTS_DE_FORMULE = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
"""Premiers caractères qui font d'un champ CSV une formule pour un tableur (OWASP, « CSV Injection ») ;
les formes pleine chasse, que certains tableurs convertissent, y sont jointes."""


def champ_csv(valeur: object) -> object:
    """Un champ CSV qui ne peut pas devenir une formule : un texte qui en commence une est précédé d'une apostrophe.

    C'est la neutralisation que recommande l'OWASP ; le module ``csv`` met ensuite le champ entre
    guillemets s'il le faut. Les nombres restent des nombres (« -1 500 » n'est pas du texte).

    >>> champ_csv("=HYPERLINK(A1)"), champ_csv("@SUM(A1)"), champ_csv("-2+3")
    ("'=HYPERLINK(A1)", "'@SUM(A1)", "'-2+3")
    >>> champ_csv("Auvergne"), champ_csv(-1500), champ_csv(None)
    ('Auvergne', -1500, None)
    """
    if isinstance(valeur, str) and valeur.startswith(DEBUTS_DE_FORMULE):
        return "'" + valeur
    return valeur


def lire_ordinaire(chemin: Path, taille_max: int) -> tuple[bytes, int]:
    """Le début d'un fichier ordinaire (au plus ``taille_max + 1`` octets) et sa taille, lus sans jamais bloquer.

    Un tube nommé (FIFO) bloquerait la lecture, ``/dev/zero`` ne finirait jamais : tout ce qui n'est
    pas un fichier ordinaire est refusé avant la première lecture (ouverture non bloquante, puis
    ``fstat`` du descripteur ouvert, pour que le fichier ne puisse pas changer entre les deux). Lève
    :class:`~convgen.erreurs.FichierIllisible` pour un fichier spécial, ``IsADirectoryError`` pour un
    dossier, ``OSError`` sinon ; le fichier est trop gros si la taille rendue dépasse ``taille_max``.
    """
    descripteur = os.open(chemin, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(descripteur, "rb") as fichier:
        etat = os.fstat(descripteur)
        if stat.S_ISDIR(etat.st_mode):
            raise IsADirectoryError(errno.EISDIR, "c'est un dossier", str(chemin))
        if not stat.S_ISREG(etat.st_mode):
            raise FichierIllisible(
                "ce n'est pas un fichier ordinaire (tube, périphérique ou socket) : refusé", fichier=chemin
            )
        octets = fichier.read(taille_max + 1)  # borné même si le fichier grandit pendant la lecture
    return octets, max(etat.st_size, len(octets))


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


def ecrire_temporaire(
    dossier: Path, octets: bytes, *, prefixe: str, cible: Path | None = None, synchroniser: bool = True
) -> Path:
    """Écrit ``octets`` dans un fichier neuf de ``dossier`` (``prefixe…tmp``), forcé sur le disque.

    Première moitié d'une écriture atomique : :func:`mettre_en_place` le renomme ensuite d'un seul coup.
    Un lot fait écrire ses documents ainsi par ses processus de rendu, et les met en place lui-même.
    ``cible`` : le fichier que l'on écrit, nommé par le message d'erreur (par défaut, le dossier).
    ``synchroniser=False`` : l'appelant appellera :func:`forcer_sur_disque` avant la mise en place (un lot
    le fait dans son processus principal : l'attente du disque ne retarde pas le rendu).
    """
    try:
        dossier.mkdir(parents=True, exist_ok=True)
        descripteur, temporaire = tempfile.mkstemp(dir=dossier, prefix=prefixe, suffix=".tmp")
    except OSError as exc:
        raise ErreurSortie(f"{cible or dossier} : écriture impossible ({motif_systeme(exc)})") from None
    with retirer_si_echec(Path(temporaire)), os.fdopen(descripteur, "wb") as fichier:
        os.fchmod(fichier.fileno(), 0o666 & ~_umask())  # mkstemp crée en 0600 : les droits habituels
        fichier.write(octets)
        fichier.flush()
        if synchroniser:
            os.fsync(fichier.fileno())
    return Path(temporaire)


@contextlib.contextmanager
def retirer_si_echec(temporaire: Path) -> Iterator[None]:
    """Retire ``temporaire`` si le bloc échoue ou est interrompu (Ctrl-C) : aucun reste d'une écriture manquée."""
    try:
        yield
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporaire.unlink()
        raise


def forcer_sur_disque(chemin: Path) -> None:
    """Attend que le contenu de ``chemin`` soit sur le disque (``fsync``), sans suivre de lien symbolique."""
    descripteur = os.open(chemin, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        os.fsync(descripteur)
    finally:
        os.close(descripteur)


def ecrire_atomique(chemin: Path, octets: bytes, *, ecraser: bool = False) -> Path:
    """Écrit ``octets`` dans ``chemin`` d'un seul coup ; refuse d'écraser sans ``ecraser``."""
    chemin = Path(chemin)
    if not ecraser and os.path.lexists(chemin):
        raise FichierExistant(chemin)
    temporaire = ecrire_temporaire(chemin.parent, octets, prefixe=f".{chemin.name}.", cible=chemin)
    with retirer_si_echec(temporaire):
        mettre_en_place(temporaire, chemin, ecraser=ecraser)
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
