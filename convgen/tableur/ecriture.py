"""Écriture du classeur de conventions (.xlsx) : modèle vide ou conventions existantes.

Le classeur écrit commence par la feuille « Aide », puis une feuille par table de
:mod:`convgen.tableur.colonnes`, avec en-têtes commentés, listes déroulantes et formats.
Les fonctions publiques sont aussi offertes par :mod:`convgen.tableur`.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from convgen.erreurs import Constat, DonneesInvalides, FichierExistant, Gravite
from convgen.fichiers import ecrire_atomique
from convgen.modele import Convention
from convgen.tableur.colonnes import (
    ACTIONS,
    ADMIS,
    CONVENTIONS,
    FEUILLES,
    FINANCEMENTS,
    FORMATS,
    INTRODUCTION,
    REFERENTIEL,
    TECHNIQUES,
    VERSEMENTS,
    Colonne,
    Colonnes,
)

__all__ = ["ecrire_modele_tableur", "ecrire_tableur"]


def ecrire_modele_tableur(chemin: str | Path, *, ecraser: bool = False) -> Path:
    """Écrit un classeur vide : en-têtes, aide, listes déroulantes et formats."""
    return ecrire_tableur([], chemin, ecraser=ecraser)


def ecrire_tableur(
    conventions: Sequence[Convention | Mapping[str, object]], chemin: str | Path, *, ecraser: bool = False
) -> Path:
    """Écrit les conventions dans un classeur, clés ``AUV-2009``… ; ``lire_tableur`` les relit à l'identique.

    Chaque convention est un objet :class:`~convgen.modele.Convention` ou ses données (la
    structure des fichiers YAML, même fautives : le classeur sert aussi à les corriger). Lève
    :class:`~convgen.erreurs.FichierExistant` si le fichier existe et que ``ecraser`` est faux,
    :class:`~convgen.erreurs.DonneesInvalides` si un champ n'a pas de colonne dans le classeur.
    """
    chemin = Path(chemin)
    if chemin.exists() and not ecraser:
        raise FichierExistant(chemin)
    classeur = Workbook()
    _aide(classeur.active)
    for nom, colonnes in FEUILLES.items():
        _preparer(classeur.create_sheet(nom), colonnes)
    donnees = [c.model_dump() if isinstance(c, Convention) else c for c in conventions]
    for cle, convention in zip(_cles(donnees), donnees, strict=True):
        _remplir(classeur, cle, convention)
    flux = io.BytesIO()
    classeur.save(flux)
    return ecrire_atomique(chemin, flux.getvalue(), ecraser=ecraser)


def _cles(donnees: Sequence[Mapping[str, object]]) -> list[str]:
    cles: list[str] = []
    for convention in donnees:
        base = unicodedata.normalize("NFKD", str(convention.get("region", "CONV"))).encode("ascii", "ignore")
        cle = f"{base.decode()[:3].upper()}-{convention.get('annee', '')}"
        cles.append(f"{cle}-{len(cles) + 1}" if cle in cles else cle)
    return cles


def _aide(feuille: Any) -> None:
    feuille.title = "Aide"
    for texte in INTRODUCTION:
        feuille.append([texte])
    feuille.append([])
    feuille.append(["Feuille", "Colonne", "Champ", "Obligatoire", "Explication", "Valeurs admises"])
    for nom, colonnes in FEUILLES.items():
        for c in colonnes:
            admis = ", ".join(c.valeurs) + (" ou un autre nom" if c.libre else "") if c.valeurs else ADMIS[c.genre]
            feuille.append([nom, c.entete, c.chemin, c.obligatoire, c.aide, admis])
    feuille.append([])
    titres = feuille.max_row + 1
    feuille.append(["Objectif", "N° annexe-type", "Intitulé (annexe-type de la circulaire)"])
    for objectif in REFERENTIEL.objectifs:
        feuille.append([objectif.numero, None, objectif.intitule])
        for action in (a for a in REFERENTIEL.actions if a.objectif == objectif.numero):
            feuille.append([None, action.numero, action.intitule])
    for ligne in (1, len(INTRODUCTION) + 2, titres):
        for cellule in feuille[ligne]:
            cellule.font = Font(bold=True, size=14 if ligne == 1 else 11)
    for lettre, largeur in zip("ABCDEF", (14, 28, 36, 16, 70, 40), strict=True):
        feuille.column_dimensions[lettre].width = largeur


def _preparer(feuille: Any, colonnes: Colonnes) -> None:
    for i, colonne in enumerate(colonnes, start=1):
        cellule = feuille.cell(row=1, column=i, value=colonne.entete)
        cellule.font = Font(bold=True)
        cellule.fill = PatternFill("solid", fgColor="DDEBF7")
        cellule.alignment = Alignment(wrap_text=True, vertical="top")
        cellule.comment = Comment(f"{colonne.aide} ({colonne.chemin})", "convgen", width=300, height=100)
        dimension = feuille.column_dimensions[get_column_letter(i)]
        dimension.width = colonne.largeur
        dimension.number_format = "@" if colonne.chiffres else FORMATS.get(colonne.genre, "General")
        dimension.alignment = Alignment(wrap_text=colonne.largeur >= 30, vertical="top")
        if colonne.valeurs:
            _liste(feuille, colonne, get_column_letter(i))
    feuille.freeze_panes = f"{get_column_letter(1 + sum(c.chemin in TECHNIQUES for c in colonnes))}2"


def _liste(feuille: Any, colonne: Colonne, lettre: str) -> None:
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(colonne.valeurs) + '"',
        allow_blank=True,
        showErrorMessage=not colonne.libre,
        showInputMessage=True,
        promptTitle=colonne.entete[:32],
        prompt=colonne.aide[:250],
        errorTitle="Valeur non prévue",
        error=f"Valeurs admises : {', '.join(colonne.valeurs)}"[:250],
    )
    validation.add(f"{lettre}2:{lettre}1048576")
    feuille.add_data_validation(validation)


def _remplir(classeur: Any, cle: str, convention: Mapping[str, Any]) -> None:
    racine = dict(convention)
    actions, versements = racine.pop("actions", None) or [], racine.pop("versements", None) or []
    _ajouter(classeur["Conventions"], CONVENTIONS, {"cle": cle, **_aplatir(racine)}, "")
    for i, action in enumerate(actions):
        donnees = dict(action)
        financements, ident = donnees.pop("financements", None) or [], f"A{i + 1}"
        _ajouter(classeur["Actions"], ACTIONS, {"cle": cle, "action": ident, **_aplatir(donnees)}, f"actions[{i}].")
        for j, financement in enumerate(financements):
            valeurs = {"cle": cle, "action": ident, **_aplatir(financement)}
            _ajouter(classeur["Financements"], FINANCEMENTS, valeurs, f"actions[{i}].financements[{j}].")
    for k, versement in enumerate(versements):
        _ajouter(classeur["Versements"], VERSEMENTS, {"cle": cle, **_aplatir(versement)}, f"versements[{k}].")


def _aplatir(objet: Mapping[str, Any], prefixe: str = "") -> dict[str, Any]:
    plat: dict[str, Any] = {}
    for cle, valeur in objet.items():
        if isinstance(valeur, Mapping):
            plat |= _aplatir(valeur, f"{prefixe}{cle}.")
        elif valeur is not None and valeur != []:
            plat[f"{prefixe}{cle}"] = valeur
    return plat


def _ajouter(feuille: Any, colonnes: Colonnes, valeurs: dict[str, Any], prefixe: str) -> None:
    inconnus = sorted(set(valeurs) - {c.chemin for c in colonnes})
    if inconnus:
        message = "champ sans colonne dans le classeur : il ne peut pas y être écrit"
        raise DonneesInvalides([Constat("champ-inconnu", Gravite.ERREUR, message, prefixe + c) for c in inconnus])
    ligne = feuille.max_row + 1
    for i, colonne in enumerate(colonnes, start=1):
        if colonne.chemin not in valeurs:
            continue
        valeur = valeurs[colonne.chemin]
        cellule = feuille.cell(row=ligne, column=i, value="\n".join(valeur) if isinstance(valeur, list) else valeur)
        if isinstance(cellule.value, str):
            cellule.data_type = "s"  # jamais de formule : un texte qui commence par « = » reste un texte
        cellule.number_format = "@" if colonne.chiffres else FORMATS.get(colonne.genre, "General")
        cellule.alignment = Alignment(wrap_text=colonne.largeur >= 30, vertical="top")
