"""Classeur de conventions : modèle vide, écriture (.xlsx) et lecture (.xlsx, .xlsm, ou .ods de LibreOffice Calc).

Un classeur décrit plusieurs conventions (une par région ou par structure). La feuille
« Aide », en tête, explique chaque colonne ; suivent quatre feuilles de données, dont la
ligne 1 porte les en-têtes (en français ; le chemin du champ, ``structure.siret``, est
aussi reconnu, et l'ordre des colonnes est libre) :

- « Conventions » : une ligne par convention, repérée par sa « Clé » (``AUV-2009``), puis
  une colonne par champ simple du modèle ;
- « Actions » : « Clé », « Action » (identifiant unique dans la convention, ``A1``), puis
  « N° annexe-type » (1 à 16) ou bien « Objectif » (1 à 6) et « Intitulé »… ;
- « Financements » : clé, action, financeur, montant ; « Versements » : clé, date, montant.

Cellule vide : champ absent ; « pourquoi », « comment », « indicateurs » : un élément par
ligne de la cellule. La lecture rend un :class:`~convgen.regles.Examen` par convention
(``classeur.xlsx#AUV-2009``), dont les constats sont situés : feuille, ligne, lettre de colonne.

Ce module lit le classeur et offre les quatre fonctions publiques ; les colonnes sont
décrites dans :mod:`convgen.tableur.colonnes` et l'écriture est dans :mod:`convgen.tableur.ecriture`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_from_string
from openpyxl.utils.datetime import from_excel

from convgen.chargement import depuis_donnees
from convgen.erreurs import Constat, DonneesInvalides, FichierIllisible, Gravite, motif_systeme
from convgen.fichiers import lire_ordinaire
from convgen.francais import sans_accents
from convgen.regles import Examen, valider
from convgen.tableur.archive import LIGNES_LUES_MAX, Apercu, examiner_archive
from convgen.tableur.colonnes import FEUILLES, TECHNIQUES, Colonne, Colonnes
from convgen.tableur.ecriture import ecrire_modele_tableur, ecrire_tableur
from convgen.tableur.ods import SUFFIXE_ODS, examiner_ods, ouvrir_ods

__all__ = ["ecrire_modele_tableur", "ecrire_tableur", "est_tableur", "lire_tableur"]

TAILLE_MAX = 20 * 1024 * 1024
"""Au-delà de 20 Mio, le fichier n'est pas un classeur de conventions : il est refusé."""
LIGNES_MAX = 10_000
"""Lignes remplies lues au plus par feuille."""
CODE = "tableur-invalide"
SUFFIXES = (".xlsx", ".xlsm", SUFFIXE_ODS)

_Index = dict[Colonne, int]
"""Place (à partir de 0) de chaque colonne reconnue dans la ligne d'en-têtes."""

Lieu = tuple[str, int, str]
"""Feuille, numéro de ligne, lettre de colonne."""


def est_tableur(chemin: str | Path) -> bool:
    """Vrai pour un classeur Excel (.xlsx, .xlsm) ou LibreOffice Calc (.ods).

    >>> est_tableur("budgets.XLSX"), est_tableur("budgets.ods"), est_tableur("auvergne.yaml")
    (True, True, False)
    """
    return Path(chemin).suffix.lower() in SUFFIXES


# --- Lecture ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Ligne:
    feuille: str
    numero: int
    valeurs: dict[str, Any]
    """Valeurs non vides, par chemin relatif, déjà converties."""
    lettres: dict[str, str]
    """Lettre de colonne de chaque chemin présent dans les en-têtes."""

    def ident(self, chemin: str) -> str:
        return str(self.valeurs.get(chemin, ""))

    def probleme(self, message: str, chemin: str) -> Constat:
        return _probleme(message, self.feuille, self.numero, self.lettres[chemin])


@dataclass
class _Groupe:
    """Les lignes d'une convention, rassemblées depuis les quatre feuilles."""

    ligne: _Ligne
    actions: list[_Ligne] = field(default_factory=list)
    financements: list[list[_Ligne]] = field(default_factory=list)
    versements: list[_Ligne] = field(default_factory=list)
    identifiants: dict[str, int] = field(default_factory=dict)
    constats: list[Constat] = field(default_factory=list)

    def signaler(self, message: str, ligne: _Ligne, chemin: str) -> None:
        self.constats.append(ligne.probleme(message, chemin))

    def ajouter_action(self, ligne: _Ligne) -> None:
        ident = ligne.ident("action")
        if ident in self.identifiants:
            self.signaler(f"action « {ident} » en double dans la convention « {ligne.ident('cle')} »", ligne, "action")
        elif ident:
            self.identifiants[ident] = len(self.actions)
        self.actions.append(ligne)
        self.financements.append([])

    def ajouter_financement(self, ligne: _Ligne) -> None:
        ident = ligne.ident("action")
        if ident in self.identifiants:
            self.financements[self.identifiants[ident]].append(ligne)
            return
        inconnue = f"action « {ident} » inconnue de la feuille « Actions »" if ident else "action absente"
        self.signaler(f"{inconnue} pour la convention « {ligne.ident('cle')} » : financement ignoré", ligne, "action")


_Rattache = tuple[_Groupe, _Ligne]


def _probleme(message: str, feuille: str, ligne: int | None = None, colonne: str | None = None) -> Constat:
    return Constat(CODE, Gravite.ERREUR, message, feuille=feuille, ligne=ligne, colonne=colonne)


def lire_tableur(chemin: str | Path) -> list[Examen]:
    """Lit un classeur et examine chacune de ses conventions, sans lever pour une faute des données.

    Rend un examen par ligne de la feuille « Conventions » (``fichier`` : ``classeur.xlsx#CLE``),
    précédé, s'il y a lieu, d'un examen du classeur entier (``fichier`` : ``classeur.xlsx``,
    sans convention) pour les problèmes qui ne se rattachent à aucune convention. Lève
    :class:`~convgen.erreurs.FichierIllisible` si le fichier ne peut pas être ouvert.
    """
    chemin = Path(chemin)
    constats: list[Constat] = []
    octets = _lire_octets(chemin)
    examiner = examiner_ods if chemin.suffix.lower() == SUFFIXE_ODS else examiner_archive
    apercu = examiner(octets, chemin, FEUILLES)
    if apercu.formules_sans_valeur:
        return [Examen(str(chemin), None, _formules_sans_valeur(apercu, str(chemin)))]
    with warnings.catch_warnings():  # avertissements d'openpyxl (extensions inconnues) sans objet ici
        warnings.simplefilter("ignore")
        classeur = _ouvrir(octets, chemin)
        try:
            feuilles = {
                nom: [] if nom in apercu.trop_longues else _lire_feuille(classeur, nom, colonnes, constats)
                for nom, colonnes in FEUILLES.items()
            }
        finally:
            classeur.close()
    constats += [
        _probleme(f"plus de {LIGNES_LUES_MAX} lignes, vides comprises : feuille ignorée", nom)
        for nom in sorted(apercu.trop_longues)
    ]
    groupes = _grouper(feuilles, constats)
    if not groupes and not constats:
        constats.append(_probleme("aucune convention : aucune ligne remplie sous les en-têtes", "Conventions"))
    examens = [_examiner(groupe, f"{chemin}#{cle}") for cle, groupe in groupes.items()]
    generaux = [Examen(str(chemin), None, _trier([replace(c, fichier=str(chemin)) for c in constats]))]
    return (generaux if constats else []) + examens


def _lire_octets(chemin: Path) -> bytes:
    if not est_tableur(chemin):
        raise FichierIllisible("un classeur (.xlsx, .xlsm ou .ods) est attendu", fichier=chemin)
    try:
        octets, taille = lire_ordinaire(chemin, TAILLE_MAX)  # ni tube ni /dev/zero : ils ne finiraient pas
    except OSError as exc:
        raise FichierIllisible(f"fichier inaccessible ({motif_systeme(exc)})", fichier=chemin) from None
    if taille > TAILLE_MAX:
        raise FichierIllisible(
            f"classeur trop gros ({-(-taille // 2**20)} Mio ; au plus {TAILLE_MAX // 2**20} Mio)", fichier=chemin
        )
    return octets


def _ouvrir(octets: bytes, chemin: Path) -> Any:
    if chemin.suffix.lower() == SUFFIXE_ODS:
        return ouvrir_ods(octets, chemin)
    try:
        return load_workbook(io.BytesIO(octets), read_only=True, data_only=True)
    except Exception:  # zip abîmé, XML invalide… : le fichier vient de l'extérieur
        raise FichierIllisible(
            "ce n'est pas un classeur Excel valide (archive ou contenu illisible)", fichier=chemin
        ) from None


def _formules_sans_valeur(apercu: Apercu, fichier: str) -> list[Constat]:
    """Une formule sans valeur enregistrée serait lue vide : le classeur est refusé, chaque cellule nommée."""
    message = (
        "formule sans valeur enregistrée : ouvrez le classeur dans Excel ou LibreOffice et enregistrez-le "
        "(la valeur sera calculée), ou tapez la valeur elle-même"
    )
    constats = []
    for feuille, cellules in apercu.formules_sans_valeur.items():
        for cellule in cellules:
            colonne, ligne = coordinate_from_string(cellule) if cellule != "?" else (None, None)
            constats.append(
                Constat("formule-sans-valeur", Gravite.ERREUR, message, fichier=fichier, feuille=feuille,
                        ligne=ligne, colonne=colonne)
            )  # fmt: skip
    return constats


def _lire_feuille(classeur: Any, nom: str, colonnes: Colonnes, constats: list[Constat]) -> list[_Ligne]:
    if nom not in classeur.sheetnames:
        constats.append(_probleme(f"feuille « {nom} » absente du classeur", nom))
        return []
    lignes: list[_Ligne] = []
    try:
        feuille = classeur[nom]
        feuille.reset_dimensions()  # une dimension mensongère (A1:XFD1048576) ferait lire un million de lignes
        rangees = iter(feuille.iter_rows(values_only=True, max_row=LIGNES_LUES_MAX))
        index = _reperer(next(rangees, ()), nom, colonnes, constats)
        if index is None:
            return []
        lettres = {c.chemin: get_column_letter(i + 1) for c, i in index.items()}
        for numero, rangee in enumerate(rangees, start=2):
            brutes = {c: rangee[i] for c, i in index.items() if i < len(rangee)}
            if valeurs := {c.chemin: v for c, b in brutes.items() if (v := _convertir(c, b)) is not None}:
                lignes.append(_Ligne(nom, numero, valeurs, lettres))
            if len(lignes) > LIGNES_MAX:
                constats.append(_probleme(f"plus de {LIGNES_MAX} lignes remplies : feuille ignorée", nom, numero))
                return []
    except Exception as exc:  # XML abîmé au milieu de la feuille : un constat, pas une trace d'appel
        constats.append(_probleme(f"feuille illisible ({type(exc).__name__})", nom))
        return []
    return lignes


def _normaliser(entete: Any) -> str:
    return " ".join(sans_accents(str(entete or "")).split())


def _reperer(entetes: tuple[Any, ...], nom: str, colonnes: Colonnes, constats: list[Constat]) -> _Index | None:
    """Place de chaque colonne d'après la ligne d'en-têtes ; None si une colonne de renvoi manque."""
    connues = {_normaliser(n): c for c in colonnes for n in (c.entete, c.chemin)}
    index: dict[Colonne, int] = {}
    for i, entete in enumerate(entetes):
        colonne = connues.get(_normaliser(entete))
        if colonne in index:
            constats.append(_probleme(f"colonne « {entete} » en double", nom, 1, get_column_letter(i + 1)))
        elif colonne is not None:
            index[colonne] = i
    for colonne in colonnes:
        if colonne not in index:
            constats.append(_probleme(f"colonne « {colonne.entete} » absente de la ligne d'en-têtes", nom, 1))
    return index if all(c in index for c in colonnes if c.chemin in TECHNIQUES) else None


def _convertir(colonne: Colonne, brute: Any) -> Any:
    """Valeur d'une cellule pour le modèle ; None pour une cellule vide."""
    if brute is None or (isinstance(brute, str) and not brute.strip()):
        return None
    if colonne.genre == "lignes":
        return [e.strip() for e in re.split(r"\r\n|\r|\n", str(brute)) if e.strip()] or None
    if isinstance(brute, str):
        texte = brute.strip()
        date = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", texte)
        return f"{date[3]}-{int(date[2]):02}-{int(date[1]):02}" if date and colonne.genre == "date" else texte
    if isinstance(brute, bool):
        return brute  # le modèle le refusera, avec un message juste
    if isinstance(brute, dt.datetime):
        return brute.date() if colonne.genre == "date" and brute.time() == dt.time() else brute
    if isinstance(brute, float) and colonne.genre == "montant":
        return Decimal(str(brute))  # représentation décimale la plus courte, jamais d'arithmétique flottante
    if isinstance(brute, float) and brute.is_integer():
        brute = int(brute)
    if isinstance(brute, int | float) and colonne.genre == "date":  # numéro de série d'Excel, sans format de date
        return from_excel(brute).date() if 0 < brute < 2_958_466 else str(brute)
    if isinstance(brute, int | float) and colonne.genre == "texte":
        return str(brute).zfill(colonne.chiffres)
    return brute


def _grouper(feuilles: dict[str, list[_Ligne]], constats: list[Constat]) -> dict[str, _Groupe]:
    groupes: dict[str, _Groupe] = {}
    for ligne in feuilles["Conventions"]:
        cle = ligne.ident("cle")
        if not cle:
            constats.append(ligne.probleme("clé absente : la ligne est ignorée", "cle"))
        elif cle in groupes:
            groupes[cle].signaler(f"clé « {cle} » en double (déjà ligne {groupes[cle].ligne.numero})", ligne, "cle")
        else:
            groupes[cle] = _Groupe(ligne)
    for groupe, ligne in _rattacher(feuilles["Actions"], groupes, constats):
        groupe.ajouter_action(ligne)
    for groupe, ligne in _rattacher(feuilles["Financements"], groupes, constats):
        groupe.ajouter_financement(ligne)
    for groupe, ligne in _rattacher(feuilles["Versements"], groupes, constats):
        groupe.versements.append(ligne)
    return groupes


def _rattacher(lignes: list[_Ligne], groupes: dict[str, _Groupe], constats: list[Constat]) -> Iterator[_Rattache]:
    for ligne in lignes:
        cle = ligne.ident("cle")
        if cle in groupes:
            yield groupes[cle], ligne
            continue
        message = f"clé « {cle} » absente de la feuille « Conventions »" if cle else "clé absente"
        constats.append(ligne.probleme(f"{message} : la ligne est ignorée", "cle"))


def _examiner(groupe: _Groupe, fichier: str) -> Examen:
    donnees, lieux = _assembler(groupe)
    try:
        convention = depuis_donnees(donnees, fichier=fichier)
    except DonneesInvalides as exc:
        return Examen(fichier, None, _trier([_situer(c, lieux, fichier) for c in [*groupe.constats, *exc.constats]]))
    constats = [*groupe.constats, *valider(convention)]
    return Examen(fichier, convention, _trier([_situer(c, lieux, fichier) for c in constats]))


def _assembler(groupe: _Groupe) -> tuple[dict[str, Any], dict[str, Lieu]]:
    """Le dictionnaire d'entrée du modèle et le lieu (feuille, ligne, colonne) de chaque chemin."""
    ligne = groupe.ligne
    lieux: dict[str, Lieu] = {"": (ligne.feuille, ligne.numero, ligne.lettres["cle"])}
    donnees = _poser(lieux, "", ligne)
    donnees["actions"] = []
    for i, (action, financements) in enumerate(zip(groupe.actions, groupe.financements, strict=True)):
        donnees["actions"].append(_poser(lieux, f"actions[{i}].", action))
        liste = [_poser(lieux, f"actions[{i}].financements[{j}].", f) for j, f in enumerate(financements)]
        if liste:
            donnees["actions"][i]["financements"] = liste
    if groupe.versements:
        donnees["versements"] = [_poser(lieux, f"versements[{k}].", v) for k, v in enumerate(groupe.versements)]
    return donnees, lieux


def _poser(lieux: dict[str, Lieu], prefixe: str, ligne: _Ligne) -> dict[str, Any]:
    objet: dict[str, Any] = {}
    for chemin, lettre in ligne.lettres.items():
        if chemin in TECHNIQUES:
            continue
        complet, lieu = prefixe + chemin, (ligne.feuille, ligne.numero, lettre)
        lieux[complet] = lieu
        parent = _parent(complet)
        while parent:  # « conseil_regional » : la première de ses colonnes ; « actions » : la convention
            if complet[len(parent)] != "[":
                lieux.setdefault(parent, lieu)
            parent = _parent(parent)
        if chemin in ligne.valeurs:
            *parents, dernier = chemin.split(".")
            cible = objet
            for morceau in parents:
                cible = cible.setdefault(morceau, {})
            cible[dernier] = ligne.valeurs[chemin]
    return objet


def _parent(chemin: str) -> str:
    """``actions[2].financements[0]`` → ``actions[2].financements`` → ``actions[2]`` → ``actions`` → ``""``."""
    fin = re.search(r"(\.[^.\[]*|\[\d+\])$", chemin)
    return chemin[: fin.start()] if fin else ""


def _situer(constat: Constat, lieux: Mapping[str, Lieu], fichier: str) -> Constat:
    if constat.feuille:
        return replace(constat, fichier=fichier)
    chemin = constat.chemin
    while chemin not in lieux:
        chemin = _parent(chemin)
    feuille, ligne, colonne = lieux[chemin]
    return replace(constat, fichier=fichier, feuille=feuille, ligne=ligne, colonne=colonne)


def _trier(constats: list[Constat]) -> list[Constat]:
    """Par gravité, puis dans l'ordre du classeur (feuille, ligne)."""
    ordre = [None, *FEUILLES]
    return sorted(constats, key=lambda c: (list(Gravite).index(c.gravite), ordre.index(c.feuille), c.ligne or 0))
