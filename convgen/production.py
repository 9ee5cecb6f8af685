"""Production des documents d'un fichier de convention : examiner, rendre, écrire.

C'est le chemin commun à ``convgen generer`` et au traitement par lot : un fichier
dont les données ont une erreur (ou une alerte, en mode strict) ne produit rien ;
sinon le .docx est écrit sous un nom sain (``convention_2009_auvergne.docx``), puis,
si on le demande, son PDF. Aucun fichier existant n'est remplacé sans ``ecraser``, sauf,
à la reprise d'un lot, un fichier dont le journal a gardé l'empreinte (écrit par ce lot et intact).
Les noms sont réservés avant tout rendu : deux entrées qui donneraient le même document, la
seconde échoue en nommant la première ; rien ne dépend des dates des fichiers.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from convgen.contexte import Version, construire_contexte
from convgen.erreurs import (
    Constat,
    DonneesInvalides,
    ErreurConvgen,
    ErreurSortie,
    FichierExistant,
    FichierIllisible,
    Gravite,
    NomDejaPris,
    motif_systeme,
)
from convgen.examen import Examen, examiner
from convgen.fichiers import (
    chemin_dans,
    ecrire_atomique,
    empreinte_document,
    forcer_sur_disque,
    mettre_en_place,
    nom_sain,
    retirer_si_echec,
)
from convgen.gabarit.rendu import Gabarit, rendre_docx
from convgen.modele import Convention
from convgen.pdf import ConvertitEnPdf
from convgen.tableur.ecriture import ecrire_tableur
from convgen.tableur.lecture import est_tableur, lire_tableur

__all__ = [
    "Production",
    "Statut",
    "examiner_source",
    "nom_document",
    "placer_document",
    "produire",
    "produire_examen",
    "rendre_examen",
]


class Statut(StrEnum):
    """Ce qu'est devenue une entrée d'une production ou d'un lot."""

    PRODUIT = "produit"
    REFUSE = "refusé"
    ECHEC = "échec"
    REPRIS = "repris"
    """Déjà produit lors d'une exécution précédente, avec les mêmes données (``--reprendre``)."""
    SANS_OBJET = "sans objet"
    """Version tripartite demandée avec la bipartite pour une convention sans conseil régional."""


@dataclass
class Production:
    """Ce qu'a donné un fichier d'entrée : statut, constats, fichiers écrits, message d'échec."""

    source: str
    version: str
    statut: Statut
    constats: list[Constat] = field(default_factory=list)
    fichiers: list[Path] = field(default_factory=list)
    message: str = ""
    convention: Convention | None = None


def nom_document(
    convention: Convention, version: Version | None = None, *, avec_structure: bool = False, suffixe: str = ".docx"
) -> str:
    """``convention_2009_auvergne.docx`` ; la version s'ajoute quand elle est imposée.

    Par lot, le nom porte aussi la structure (une région peut en compter deux, circulaire §1).
    """
    morceaux = ["convention", str(convention.annee), nom_sain(convention.region)]
    if avec_structure:
        morceaux.append(nom_sain(convention.structure.sigle or convention.structure.nom)[:40])
    if version is not None:
        morceaux.append(version)
    return "_".join(morceaux) + suffixe


class NomsReserves:
    """Les documents déjà promis à une entrée de cette exécution (``generer`` ou lot), chemin → entrée."""

    def __init__(self) -> None:
        self._noms: dict[Path, tuple[object, str]] = {}

    def reserver(self, chemin: Path, entree: str, *, cle: object = None) -> None:
        """Réserve ``chemin`` pour ``entree`` (``cle`` la distingue d'une autre entrée de même nom) ;
        lève :class:`NomDejaPris` s'il est promis à une autre."""
        cle = entree if cle is None else cle
        premiere_cle, premiere = self._noms.setdefault(chemin, (cle, entree))
        if premiere_cle != cle:
            raise NomDejaPris(chemin, entree, premiere)


def remplacable(cible: Path, *, ecraser: bool, connus: Mapping[str, str] | None = None, empreinte: str = "") -> bool:
    """Faux si ``cible`` n'existe pas ; vrai si elle peut être remplacée ; sinon :class:`FichierExistant`.

    Remplaçable : avec ``ecraser`` ; ou fichier ordinaire dont ``connus`` (chemin → sha256 consigné par le
    journal du lot) a l'empreinte ; ou fichier identique au nouveau (``empreinte``). Un lien symbolique
    n'est jamais suivi : remplacé avec ``ecraser``, refusé sinon.
    """
    if not os.path.lexists(cible):
        return False
    if ecraser:
        return True
    sur_disque = empreinte_document(cible)
    if sur_disque is not None and sur_disque in {(connus or {}).get(str(cible)), empreinte or None}:
        return True
    raise FichierExistant(cible)


def examiner_source(chemin: str | Path) -> list[Examen]:
    """Un fichier YAML ou JSON donne un examen ; un classeur Excel, un par convention."""
    if not est_tableur(Path(chemin)):
        return [examiner(chemin)]
    try:
        return lire_tableur(Path(chemin))
    except FichierIllisible as exc:
        return [
            Examen(str(chemin), None, [Constat("fichier-illisible", Gravite.ERREUR, exc.motif, fichier=str(chemin))])
        ]


def preremplir_tableur(
    sources: Iterable[str | Path], chemin: str | Path, *, ecraser: bool = False
) -> tuple[Path | None, list[Examen]]:
    """Écrit un classeur prérempli des conventions des sources (YAML, JSON, classeurs .xlsx ou .ods).

    Un service l'envoie à son partenaire, qui le complète ; ``lire_tableur`` le relit. Les conventions
    y sont écrites même avec des erreurs des règles (le partenaire les corrige), mais une source dont
    les données ne forment pas une convention (erreur de forme, fichier illisible) empêche d'écrire :
    rend ``(None, examens)``, et les examens disent pourquoi. Sinon ``(chemin écrit, examens)``.
    """
    examens = [examen for source in sources for examen in examiner_source(source)]
    if not examens or any(examen.convention is None for examen in examens):
        return None, examens
    donnees = [examen.convention.model_dump() for examen in examens if examen.convention is not None]
    return ecrire_tableur(donnees, chemin, ecraser=ecraser), examens


def produire(source: str | Path, sortie: Path, **options: Any) -> list[Production]:
    """Examine un fichier (ou chaque convention d'un classeur) et écrit les documents de ceux qui sont acceptés.

    Un classeur peut décrire deux structures d'une même région : le nom des documents porte alors
    la structure. ``reservations`` (par défaut, propres à l'appel) : deux conventions qui donneraient
    le même document, la seconde échoue, même avec ``ecraser``.
    """
    examens = examiner_source(source)
    options.setdefault("reservations", NomsReserves())
    if len(examens) > 1:
        options.setdefault("avec_structure", True)
    return [produire_examen(examen, sortie, **options) for examen in examens]


def rendre_examen(
    examen: Examen,
    sortie: Path,
    *,
    version: Version | None = None,
    projet: bool = False,
    gabarit: str | Path | Gabarit | None = None,
    strict: bool = False,
    avec_structure: bool = False,
) -> tuple[Production, Path | None, bytes]:
    """Premier temps d'une production : constats, place du .docx et ses octets ; rien n'est écrit ni réservé.

    Rend ``(production, chemin du .docx, octets)`` ; le chemin est None quand il n'y a rien à écrire
    (données refusées, échec : la production le dit). Un lot fait ce temps dans ses processus de rendu.
    """
    examen = examen.pour_version(version)
    resultat = Production(examen.fichier, version or "auto", Statut.REFUSE, examen.constats)
    if examen.convention is None or not examen.accepte(strict=strict):
        return resultat, None, b""
    resultat.convention = examen.convention
    try:
        contexte = construire_contexte(examen.convention, version=version, projet=projet)
        docx = chemin_dans(sortie, nom_document(examen.convention, version, avec_structure=avec_structure))
        octets = rendre_docx(contexte, gabarit=gabarit)
    except DonneesInvalides as exc:  # version tripartite sans données de la Région
        resultat.constats = [*resultat.constats, *exc.constats]
        resultat.message = "; ".join(c.message for c in exc.constats)
        return resultat, None, b""
    except ErreurConvgen as exc:
        resultat.statut, resultat.message = Statut.ECHEC, str(exc)
        return resultat, None, b""
    resultat.statut = Statut.PRODUIT
    return resultat, docx, octets


def placer_document(
    temporaire: Path,
    docx: Path,
    empreinte: str,
    *,
    ecraser: bool,
    connus: Mapping[str, str] | None = None,
    reprise: bool = False,
    avec_pdf: bool = False,
) -> Path:
    """Second temps : met en place le .docx écrit dans ``temporaire`` (même système de fichiers), d'un seul coup.

    ``temporaire`` est d'abord forcé sur le disque : une coupure de courant ne laisse jamais à sa place
    un document vide. S'il n'en a pas le droit (voir :func:`remplacable`), ``temporaire`` est retiré et
    l'erreur levée.
    ``avec_pdf`` : le PDF sera produit plus tard ; sa place est contrôlée d'abord (à la reprise, c'est à sa
    mise en place : un PDF identique au nouveau, écrit avant l'interruption, est accepté). ``reprise`` : un .docx
    déjà présent avec exactement ces octets (``empreinte``) est gardé tel quel (écrit juste avant une
    interruption, que le journal n'a pas eu le temps de consigner). ``connus`` : chemin → sha256 des
    fichiers que le journal du lot dit avoir écrits ; une reprise peut remplacer ceux-là, s'ils sont
    intacts, et rien d'autre.
    """
    with retirer_si_echec(temporaire):
        if avec_pdf and not reprise:  # à la reprise, un PDF identique au nouveau sera accepté, à sa mise en place
            remplacable(docx.with_suffix(".pdf"), ecraser=ecraser, connus=connus)
        if reprise and empreinte_document(docx) == empreinte:
            temporaire.unlink()
            return docx
        remplacer = remplacable(docx, ecraser=ecraser, connus=connus)
        try:
            forcer_sur_disque(temporaire)
        except OSError as exc:
            raise ErreurSortie(f"{docx} : écriture impossible ({motif_systeme(exc)})") from None
        mettre_en_place(temporaire, docx, ecraser=remplacer)
    return docx


def produire_examen(
    examen: Examen,
    sortie: Path,
    *,
    version: Version | None = None,
    projet: bool = False,
    gabarit: str | Path | Gabarit | None = None,
    strict: bool = False,
    ecraser: bool = False,
    convertisseur: ConvertitEnPdf | None = None,
    avec_structure: bool = False,
    reservations: NomsReserves | None = None,
) -> Production:
    """Produit les documents d'une convention examinée : le .docx, puis son PDF avec ``convertisseur``.

    ``reservations`` : deux conventions qui donneraient le même document, la seconde échoue, même
    avec ``ecraser`` (un lot réserve les siens lui-même, dans l'ordre des entrées).
    """
    resultat, docx, octets = rendre_examen(
        examen, sortie, version=version, projet=projet, gabarit=gabarit, strict=strict, avec_structure=avec_structure
    )
    if docx is None:
        return resultat
    try:
        pdf = docx.with_suffix(".pdf")
        if reservations is not None:
            reservations.reserver(docx, examen.fichier, cle=(examen.fichier, version))
        remplacer_pdf = convertisseur is not None and remplacable(pdf, ecraser=ecraser)
        resultat.fichiers.append(ecrire_atomique(docx, octets, ecraser=remplacable(docx, ecraser=ecraser)))
        if convertisseur is not None:
            try:
                resultat.fichiers.append(_vers_pdf(docx, pdf, convertisseur, ecraser=remplacer_pdf))
            except ErreurConvgen as exc:
                resultat.fichiers = []  # le .docx reste : il est complet ; le message le dit
                raise ErreurConvgen(f"{exc} ; le document Word {docx} est écrit, lui") from None
    except ErreurConvgen as exc:
        resultat.statut, resultat.message = Statut.ECHEC, str(exc)
    return resultat


def _vers_pdf(docx: Path, pdf: Path, convertisseur: ConvertitEnPdf, *, ecraser: bool) -> Path:
    """Convertit dans un dossier temporaire, puis met le PDF en place atomiquement."""
    with tempfile.TemporaryDirectory(prefix="convgen-pdf-") as dossier:
        (produit,) = convertisseur.convertir([docx], Path(dossier))
        return ecrire_atomique(pdf, produit.read_bytes(), ecraser=ecraser)
