"""Production des documents d'un fichier de convention : examiner, rendre, écrire.

C'est le chemin commun à ``convgen generer`` et au traitement par lot : un fichier
dont les données ont une erreur (ou une alerte, en mode strict) ne produit rien ;
sinon le .docx est écrit sous un nom sain (``convention_2009_auvergne.docx``), puis,
si on le demande, son PDF. Aucun fichier existant n'est remplacé sans ``ecraser``.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from convgen.contexte import Version, construire_contexte
from convgen.erreurs import Constat, ErreurConvgen, FichierExistant
from convgen.fichiers import chemin_dans, ecrire_atomique, nom_sain
from convgen.modele import Convention
from convgen.pdf import Convertisseur
from convgen.regles import examiner
from convgen.rendu import Gabarit, charger_gabarit, rendre_docx


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


def nom_document(convention: Convention, version: Version | None = None, *, suffixe: str = ".docx") -> str:
    """``convention_2009_auvergne.docx`` ; la version s'ajoute quand elle est imposée."""
    morceaux = ["convention", str(convention.annee), nom_sain(convention.region)]
    if version is not None:
        morceaux.append(version)
    return "_".join(morceaux) + suffixe


def produire(
    source: str | Path,
    sortie: Path,
    *,
    version: Version | None = None,
    projet: bool = False,
    gabarit: str | Path | Gabarit | None = None,
    strict: bool = False,
    ecraser: bool = False,
    convertisseur: Convertisseur | None = None,
) -> Production:
    """Examine un fichier et, s'il est accepté, écrit son .docx (et son PDF avec un convertisseur)."""
    examen = examiner(source)
    resultat = Production(str(source), version or "auto", Statut.REFUSE, examen.constats)
    if examen.convention is None or not examen.accepte(strict=strict):
        return resultat
    try:
        contexte = construire_contexte(examen.convention, version=version, projet=projet)
        modele = gabarit if isinstance(gabarit, Gabarit) else charger_gabarit(gabarit)
        docx = chemin_dans(sortie, nom_document(examen.convention, version))
        octets = rendre_docx(contexte, gabarit=modele)
        pdf = docx.with_suffix(".pdf")
        if convertisseur is not None and not ecraser and pdf.exists():
            raise FichierExistant(pdf)
        resultat.fichiers.append(ecrire_atomique(docx, octets, ecraser=ecraser))
        if convertisseur is not None:
            resultat.fichiers.append(_vers_pdf(docx, pdf, convertisseur, ecraser=ecraser))
    except ErreurConvgen as exc:
        resultat.statut, resultat.message = Statut.ECHEC, str(exc)
        return resultat
    resultat.statut = Statut.PRODUIT
    return resultat


def _vers_pdf(docx: Path, pdf: Path, convertisseur: Convertisseur, *, ecraser: bool) -> Path:
    """Convertit dans un dossier temporaire, puis met le PDF en place atomiquement."""
    with tempfile.TemporaryDirectory(prefix="convgen-pdf-") as dossier:
        (produit,) = convertisseur.convertir([docx], Path(dossier))
        return ecrire_atomique(pdf, produit.read_bytes(), ecraser=ecraser)
