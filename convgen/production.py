"""Production des documents d'un fichier de convention : examiner, rendre, écrire.

C'est le chemin commun à ``convgen generer`` et au traitement par lot : un fichier
dont les données ont une erreur (ou une alerte, en mode strict) ne produit rien ;
sinon le .docx est écrit sous un nom sain (``convention_2009_auvergne.docx``), puis,
si on le demande, son PDF. Aucun fichier existant n'est remplacé sans ``ecraser``.
"""

from __future__ import annotations

import tempfile
import time
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
)
from convgen.fichiers import chemin_dans, ecrire_atomique, nom_sain
from convgen.gabarit.rendu import Gabarit, rendre_docx
from convgen.modele import Convention
from convgen.pdf import Convertisseur
from convgen.regles import Examen, examiner
from convgen.tableur.lecture import est_tableur, lire_tableur


class Statut(StrEnum):
    PRODUIT = "produit"
    REFUSE = "refusé"
    ECHEC = "échec"
    REPRIS = "repris"
    """Déjà produit lors d'une exécution précédente, avec les mêmes données (``--reprendre``)."""


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


def produire(source: str | Path, sortie: Path, **options: Any) -> list[Production]:
    """Examine un fichier (ou chaque convention d'un classeur) et écrit les documents de ceux qui sont acceptés.

    Un classeur peut décrire deux structures d'une même région : le nom des documents porte alors
    la structure. ``pas_avant`` (par défaut, maintenant) protège ce qui vient d'être écrit par une
    autre convention du même appel, même avec ``ecraser``.
    """
    examens = examiner_source(source)
    options.setdefault("pas_avant", time.time())
    if len(examens) > 1:
        options.setdefault("avec_structure", True)
    return [produire_examen(examen, sortie, **options) for examen in examens]


def produire_examen(
    examen: Examen,
    sortie: Path,
    *,
    version: Version | None = None,
    projet: bool = False,
    gabarit: str | Path | Gabarit | None = None,
    strict: bool = False,
    ecraser: bool = False,
    convertisseur: Convertisseur | None = None,
    avec_structure: bool = False,
    avec_pdf: bool = False,
    pas_avant: float | None = None,
    reprise: bool = False,
) -> Production:
    """Produit les documents d'une convention examinée.

    ``avec_pdf`` : le PDF sera produit plus tard (par lot) ; sa place est contrôlée dès maintenant.
    ``reprise`` : un .docx déjà présent avec exactement les octets attendus est accepté tel quel
    (document écrit juste avant une interruption, que le journal n'a pas eu le temps de consigner).
    ``pas_avant`` (heure de début d'un lot) : un fichier écrit depuis ce moment vient d'une
    autre entrée du même lot ; il n'est jamais remplacé, même avec ``ecraser``.
    """
    examen = examen.pour_version(version)
    resultat = Production(examen.fichier, version or "auto", Statut.REFUSE, examen.constats)
    if examen.convention is None or not examen.accepte(strict=strict):
        return resultat
    resultat.convention = examen.convention
    try:
        contexte = construire_contexte(examen.convention, version=version, projet=projet)
        docx = chemin_dans(sortie, nom_document(examen.convention, version, avec_structure=avec_structure))
        pdf = docx.with_suffix(".pdf")
        if convertisseur or avec_pdf:
            _verifier_cible(pdf, ecraser=ecraser, pas_avant=pas_avant)
        octets = rendre_docx(contexte, gabarit=gabarit)
        if reprise and _identique(docx, octets):
            resultat.fichiers.append(docx)  # écrit avant l'interruption, pas encore consigné : le même document
        else:
            _verifier_cible(docx, ecraser=ecraser, pas_avant=pas_avant)
            resultat.fichiers.append(ecrire_atomique(docx, octets, ecraser=ecraser))
        if convertisseur is not None:
            try:
                resultat.fichiers.append(_vers_pdf(docx, pdf, convertisseur, ecraser=ecraser))
            except ErreurConvgen as exc:
                resultat.fichiers = []  # le .docx reste : il est complet ; le message le dit
                raise ErreurConvgen(f"{exc} ; le document Word {docx} est écrit, lui") from None
    except DonneesInvalides as exc:  # version tripartite sans données de la Région
        resultat.constats = [*resultat.constats, *exc.constats]
        resultat.message = "; ".join(c.message for c in exc.constats)
        return resultat
    except ErreurConvgen as exc:
        resultat.statut, resultat.message = Statut.ECHEC, str(exc)
        return resultat
    resultat.statut = Statut.PRODUIT
    return resultat


def _identique(docx: Path, octets: bytes) -> bool:
    """Le rendu est reproductible : un fichier aux mêmes octets est le même document."""
    return docx.is_file() and docx.stat().st_size == len(octets) and docx.read_bytes() == octets


def _verifier_cible(cible: Path, *, ecraser: bool, pas_avant: float | None) -> None:
    if not cible.exists():
        return
    if not ecraser:
        raise FichierExistant(cible)
    if pas_avant is not None and cible.stat().st_mtime >= pas_avant:
        raise ErreurSortie(
            f"{cible} vient d'être produit par une autre entrée de ce lot (même année, région et structure) : "
            "rien n'a été remplacé"
        )


def _vers_pdf(docx: Path, pdf: Path, convertisseur: Convertisseur, *, ecraser: bool) -> Path:
    """Convertit dans un dossier temporaire, puis met le PDF en place atomiquement."""
    with tempfile.TemporaryDirectory(prefix="convgen-pdf-") as dossier:
        (produit,) = convertisseur.convertir([docx], Path(dossier))
        return ecrire_atomique(pdf, produit.read_bytes(), ecraser=ecraser)
