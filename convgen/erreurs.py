"""Constats et exceptions de convgen.

Un *constat* est ce qu'une vérification trouve dans les données : un code stable
(``siret-invalide``), une gravité, un message en français et le chemin du champ en
cause (``actions[2].financements[0].montant``). Les constats ne sont pas des
exceptions : la validation les rassemble tous, puis l'appelant décide.

Toutes les exceptions de convgen dérivent d'une seule racine, ``ErreurConvgen`` ;
chacune porte de quoi situer le problème (fichier, ligne, champ, emplacement dans le
gabarit)::

    ErreurConvgen
    ├── ErreurDonnees                 données d'entrée inutilisables
    │   ├── FichierIllisible          absent, trop gros, YAML/JSON/Excel mal formé
    │   └── DonneesInvalides          constats de gravité « erreur » (liste complète)
    ├── ErreurGabarit                 gabarit .docx inutilisable
    │   ├── GabaritInvalide           problèmes relevés par la vérification, situés
    │   └── RenduImpossible           le rendu a échoué (accès interdit, variable absente)
    ├── ErreurPdf                     conversion en PDF
    │   ├── LibreOfficeAbsent         soffice introuvable : dit comment l'installer
    │   └── ConversionEchouee         échec, délai dépassé ou PDF vide
    │       └── LibreOfficeBloque     LibreOffice n'a pas répondu dans le délai (arrêté)
    ├── ErreurSortie                  écriture des documents
    │   ├── FichierExistant           refus d'écraser sans autorisation explicite
    │   └── NomDejaPris               deux entrées donneraient le même document
    └── ErreurLot                     un lot n'a pas pu aller au bout (processus de rendu perdu)

Les exceptions sont destinées à l'utilisateur : leur ``str()`` est un message
français complet, que la ligne de commande affiche sans trace d'appel.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

__all__ = [
    "Constat",
    "ConversionEchouee",
    "DonneesInvalides",
    "ErreurConvgen",
    "ErreurDonnees",
    "ErreurGabarit",
    "ErreurLot",
    "ErreurPdf",
    "ErreurSortie",
    "FichierExistant",
    "FichierIllisible",
    "GabaritInvalide",
    "Gravite",
    "LibreOfficeAbsent",
    "ProblemeGabarit",
    "RenduImpossible",
    "erreurs",
    "motif_systeme",
]


class Gravite(StrEnum):
    """Gravité d'un constat : seule l'erreur empêche de produire la convention."""

    ERREUR = "erreur"
    ALERTE = "alerte"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Constat:
    """Ce qu'une vérification a trouvé, et où.

    ``chemin`` est le chemin du champ dans les données (vide s'il s'agit de la
    convention entière) ; ``fichier``, ``feuille``, ``ligne`` et ``colonne`` situent la
    source quand elle est connue (fichier YAML ou classeur Excel).
    """

    code: str
    gravite: Gravite
    message: str
    chemin: str = ""
    fichier: str | None = None
    feuille: str | None = None
    ligne: int | None = None
    colonne: str | None = None

    @property
    def emplacement(self) -> str:
        """Lieu lisible du constat : « feuille Actions, ligne 4, colonne F, actions[2].cout »."""
        morceaux = []
        if self.feuille:
            morceaux.append(f"feuille {self.feuille}")
        if self.ligne is not None:
            morceaux.append(f"ligne {self.ligne}")
        if self.colonne:
            morceaux.append(f"colonne {self.colonne}")
        if self.chemin:
            morceaux.append(self.chemin)
        return ", ".join(morceaux)

    def __str__(self) -> str:
        lieu = self.emplacement
        return f"{self.gravite} [{self.code}] {lieu + ' : ' if lieu else ''}{self.message}"


def erreurs(constats: Iterable[Constat]) -> list[Constat]:
    """Les constats de gravité « erreur », dans leur ordre."""
    return [c for c in constats if c.gravite is Gravite.ERREUR]


class ErreurConvgen(Exception):
    """Racine de toutes les erreurs de convgen."""


class ErreurDonnees(ErreurConvgen):
    """Les données d'une convention ne peuvent pas être utilisées."""


class FichierIllisible(ErreurDonnees):
    """Le fichier de données est absent, trop gros ou mal formé."""

    def __init__(self, message: str, *, fichier: str | Path, ligne: int | None = None) -> None:
        self.fichier = str(fichier)
        self.ligne = ligne
        self.motif = message
        lieu = f"{self.fichier}, ligne {ligne}" if ligne is not None else self.fichier
        super().__init__(f"{lieu} : {message}")


class DonneesInvalides(ErreurDonnees):
    """Les données contiennent des erreurs ; ``constats`` les donne toutes."""

    def __init__(self, constats: Sequence[Constat], *, fichier: str | Path | None = None) -> None:
        self.constats = list(constats)
        self.fichier = None if fichier is None else str(fichier)
        nombre = len(erreurs(self.constats))
        entete = f"{self.fichier} : " if self.fichier else ""
        lignes = [f"{entete}{nombre} erreur{'s' if nombre > 1 else ''} dans les données"]
        lignes += [f"  {c}" for c in self.constats]
        super().__init__("\n".join(lignes))


@dataclass(frozen=True, slots=True)
class ProblemeGabarit:
    """Un problème de gabarit, situé : « corps, paragraphe 12 » ou « tableau 2, ligne 3, cellule 1 »."""

    emplacement: str
    message: str
    extrait: str = ""

    def __str__(self) -> str:
        suite = f" (« {self.extrait} »)" if self.extrait else ""
        return f"{self.emplacement} : {self.message}{suite}"


class ErreurGabarit(ErreurConvgen):
    """Le gabarit .docx ne peut pas être utilisé."""


class GabaritInvalide(ErreurGabarit):
    """La vérification du gabarit a relevé des problèmes ; ``problemes`` les donne tous."""

    def __init__(self, gabarit: str | Path, problemes: Sequence[ProblemeGabarit]) -> None:
        self.gabarit = str(gabarit)
        self.problemes = list(problemes)
        lignes = [f"{self.gabarit} : gabarit refusé ({len(self.problemes)} problème(s))"]
        lignes += [f"  {p}" for p in self.problemes]
        super().__init__("\n".join(lignes))


class RenduImpossible(ErreurGabarit):
    """Le rendu du gabarit a échoué ; rien n'a été écrit."""

    def __init__(self, gabarit: str | Path, message: str) -> None:
        self.gabarit = str(gabarit)
        super().__init__(f"{self.gabarit} : {message}")


class ErreurPdf(ErreurConvgen):
    """La conversion en PDF a échoué."""


class LibreOfficeAbsent(ErreurPdf):
    """LibreOffice (soffice) est introuvable."""

    def __init__(self) -> None:
        super().__init__(
            "LibreOffice est introuvable (commande « soffice »). Installez-le, par exemple sous "
            "Debian ou Ubuntu : apt-get install libreoffice-writer-nogui fonts-liberation2, ou "
            "indiquez son chemin dans la variable d'environnement CONVGEN_SOFFICE."
        )


class ConversionEchouee(ErreurPdf):
    """LibreOffice n'a pas produit de PDF utilisable."""

    def __init__(self, document: str | Path, message: str) -> None:
        self.document = str(document)
        super().__init__(f"{self.document} : conversion en PDF impossible : {message}")


class LibreOfficeBloque(ConversionEchouee):
    """LibreOffice n'a pas répondu dans le délai : il a été arrêté, lui et tous ses processus."""


class ErreurSortie(ErreurConvgen):
    """Un document ne peut pas être écrit."""


class FichierExistant(ErreurSortie):
    """Le fichier de sortie existe déjà et l'écrasement n'a pas été demandé."""

    def __init__(self, chemin: str | Path) -> None:
        self.chemin = str(chemin)
        super().__init__(f"{self.chemin} existe déjà : rien n'a été écrit (utilisez --ecraser pour le remplacer)")


class NomDejaPris(ErreurSortie):
    """Deux entrées d'une même exécution donneraient le même document : la seconde échoue sans rien écrire."""

    def __init__(self, chemin: str | Path, entree: str, premiere: str) -> None:
        self.chemin, self.entree, self.premiere = str(chemin), entree, premiere
        super().__init__(
            f"{entree} donnerait le même document que {premiere} ({Path(chemin).name} : même année, région et "
            f"structure) : rien n'a été écrit pour {entree}"
        )


class ErreurLot(ErreurConvgen):
    """Le lot s'est interrompu pour une cause extérieure aux données ; ``--reprendre`` le termine."""


_MOTIFS_SYSTEME = {
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.ENOSPC: "disque plein",
    errno.EEXIST: "existe déjà",
    errno.ENOENT: "introuvable",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.EISDIR: "c'est un dossier",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.ENAMETOOLONG: "nom trop long",
    errno.EIO: "erreur de lecture ou d'écriture du support",
    errno.EBUSY: "ressource occupée",
    errno.EMFILE: "trop de fichiers ouverts",
    errno.EPIPE: "communication interrompue",
    errno.EDQUOT: "quota de disque dépassé",
    errno.ETXTBSY: "fichier en cours d'utilisation",
    errno.ENOEXEC: "ce n'est pas un programme exécutable",
    errno.ETIMEDOUT: "délai dépassé",
}


def motif_systeme(exc: OSError) -> str:
    """La cause d'une erreur du système, toujours en français (le système la dit en anglais).

    >>> motif_systeme(PermissionError(errno.EACCES, "Permission denied"))
    'permission refusée'
    >>> motif_systeme(OSError(errno.ENOTEMPTY, "Directory not empty"))
    'erreur du système ENOTEMPTY'
    >>> motif_systeme(OSError("sans numéro"))
    'erreur du système'
    """
    if exc.errno in _MOTIFS_SYSTEME:
        return _MOTIFS_SYSTEME[exc.errno]
    code = errno.errorcode.get(exc.errno or 0)
    return f"erreur du système {code}" if code else "erreur du système"
