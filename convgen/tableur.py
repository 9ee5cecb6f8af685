"""Classeur Excel de conventions : modèle vide, écriture et lecture (.xlsx).

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
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, cast, get_args

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from convgen.chargement import depuis_donnees
from convgen.erreurs import Constat, DonneesInvalides, FichierExistant, FichierIllisible, Gravite
from convgen.fichiers import ecrire_atomique
from convgen.modele import CONSEIL_REGIONAL, ETAT, Civilite, Statut
from convgen.referentiel import charger_referentiel, referentiels_disponibles
from convgen.regles import Examen, valider

TAILLE_MAX = 20 * 1024 * 1024
"""Au-delà de 20 Mio, le fichier n'est pas un classeur de conventions : il est refusé."""
LIGNES_MAX = 10_000
"""Lignes remplies lues au plus par feuille."""
CODE = "tableur-invalide"
SUFFIXES = (".xlsx", ".xlsm")

Genre = Literal["texte", "entier", "montant", "date", "lignes"]
FORMATS = {"montant": "#,##0.00", "date": "DD/MM/YYYY"}
ADMIS = {
    "texte": "texte",
    "entier": "nombre entier",
    "montant": "nombre, en euros (deux décimales)",
    "date": "date (ou texte AAAA-MM-JJ ou JJ/MM/AAAA)",
    "lignes": "texte, un élément par ligne (Alt+Entrée)",
}
_REF = charger_referentiel()
VALEURS: dict[str, tuple[str, ...]] = {
    "civilites": get_args(Civilite),
    "statuts": get_args(Statut),
    "numeros": tuple(str(a.numero) for a in _REF.actions),
    "objectifs": tuple(str(o.numero) for o in _REF.objectifs),
    "referentiels": tuple(referentiels_disponibles()),
    "financeurs": (ETAT, CONSEIL_REGIONAL),
}
LIBRES = ("financeurs",)
"""Listes seulement indicatives : une autre valeur est admise (un autre financeur)."""
CHIFFRES = {"structure.siret": 14, "structure.adresse.code_postal": 5}
"""Identifiants faits de chiffres : Excel en ôte les zéros de tête s'ils sont saisis comme nombres."""
TECHNIQUES = ("cle", "action")
"""Colonnes de renvoi entre feuilles, qui ne sont pas des champs du modèle."""


@dataclass(frozen=True)
class Colonne:
    """Une colonne d'une feuille : le champ qu'elle remplit et de quoi l'expliquer."""

    chemin: str
    """Chemin du champ dans la convention, l'action, le financement ou le versement."""
    entete: str
    genre: Genre
    obligatoire: str
    largeur: int
    valeurs: tuple[str, ...]
    libre: bool
    aide: str

    @property
    def chiffres(self) -> int:
        return CHIFFRES.get(self.chemin, 0)


Colonnes = tuple[Colonne, ...]
_Index = dict[Colonne, int]
"""Place (à partir de 0) de chaque colonne reconnue dans la ligne d'en-têtes."""


def _table(texte: str) -> Colonnes:
    """Colonnes décrites une par ligne : chemin | en-tête | genre | obligatoire | largeur | liste | explication."""
    colonnes = []
    for ligne in texte.strip().splitlines():
        chemin, entete, genre, obligatoire, largeur, liste, aide = (m.strip() for m in ligne.split("|", 6))
        if genre not in get_args(Genre) or (liste and liste not in VALEURS):
            raise ValueError(f"colonne mal décrite : {ligne}")
        valeurs = VALEURS.get(liste, ())
        genre_ = cast(Genre, genre)
        colonnes.append(Colonne(chemin, entete, genre_, obligatoire, int(largeur), valeurs, liste in LIBRES, aide))
    return tuple(colonnes)


def _personne(chemin: str, qui: str, obligatoire: str, de_qui: str, fonction: bool = False) -> str:
    """Lignes de la table pour une personne : civilité, prénom, nom et, s'il y a lieu, fonction."""
    champs = [("civilite", "civilité", "civilites"), ("prenom", "prénom", ""), ("nom", "nom", "")]
    champs += [("fonction", "fonction", "")] * fonction
    modele = "{0}.{1} | {2} : {3} | texte | {4} | {5} | {6} | {3} {7}"
    return "\n".join(
        modele.format(chemin, c, qui, e, obligatoire, {"civilite": 10, "fonction": 40}.get(c, 18), v, de_qui)
        for c, e, v in champs
    )


_RENVOI = (
    "cle | Clé | texte | oui | 12 | | clé de la convention (feuille « Conventions ») à laquelle se rattache la ligne"
)
CONVENTIONS = _table(f"""
cle | Clé | texte | oui | 12 | | identifiant court de la convention, libre et unique dans le classeur (ex. AUV-2009)
annee | Année | entier | oui | 8 | | année de la convention
region | Région | texte | oui | 18 | | région concernée (ex. Auvergne)
numero | Numéro de convention | texte | non | 24 | | numéro d'enregistrement de la convention
{_personne("etat.prefet", "Préfet", "oui", "du préfet de région")}
{_personne("etat.delegataire", "Délégataire", "si délégation", "de qui signe pour le préfet et par délégation", True)}
{_personne("conseil_regional.president", "Président de région", "si tripartite", "du président du conseil régional")}
conseil_regional.deliberation.numero | Délibération : numéro | texte | non | 16 | | délibération habilitant le président
conseil_regional.deliberation.date | Délibération : date | date | si délibération | 12 | | date de la délibération
structure.nom | Structure : nom | texte | oui | 40 | | nom complet de la structure porteuse
structure.sigle | Structure : sigle | texte | non | 16 | | sigle de la structure (ex. ARML Auvergne)
structure.statut | Structure : statut | texte | oui | 14 | statuts | pas une mission locale (circulaire §3)
structure.siret | Structure : SIRET | texte | oui | 18 | | numéro SIRET, 14 chiffres
structure.adresse.voie | Adresse : voie | texte | oui | 30 | | numéro et voie de l'adresse de la structure
structure.adresse.code_postal | Adresse : code postal | texte | oui | 10 | | code postal, 5 chiffres
structure.adresse.commune | Adresse : commune | texte | oui | 18 | | commune
{_personne("structure.representant", "Représentant", "oui", "du représentant légal de la structure", True)}
structure.iban | IBAN | texte | oui | 34 | | IBAN du compte de la structure
structure.bic | BIC | texte | oui | 12 | | BIC de la banque (8 ou 11 caractères)
budget_missions_locales | Budget des missions locales | montant | oui | 16 | | budget global des missions locales (§3)
signature.lieu | Signature : lieu | texte | oui | 18 | | lieu de signature (« Fait à … »)
signature.date | Signature : date | date | non | 12 | | date de signature ; vide pour un projet
signature.exemplaires | Signature : exemplaires | entier | non | 12 | | originaux (1 à 10) ; vide : un par partie
referentiel | Référentiel | texte | non | 26 | referentiels | vide : annexe-type de la circulaire DGEFP n° 2008-15
""")
ACTIONS = _table(f"""
{_RENVOI}
action | Action | texte | oui | 9 | | identifiant unique dans la convention (ex. A1), cité par les financements
numero | N° annexe-type | entier | ou objectif | 10 | numeros | action de l'annexe-type (liste plus bas)
objectif | Objectif | entier | action locale | 10 | objectifs | action locale : objectif de rattachement
intitule | Intitulé | texte | action locale | 40 | | action locale : intitulé de l'action
pourquoi | Pourquoi | lignes | action locale | 40 | | un objectif par ligne ; remplace ceux de l'annexe-type
pourquoi_ajouts | Pourquoi : ajouts | lignes | non | 30 | | annexe-type : objectifs ajoutés à ceux de la circulaire
comment | Comment | lignes | action locale | 40 | | un moyen par ligne ; remplace ceux de l'annexe-type
comment_ajouts | Comment : ajouts | lignes | non | 30 | | annexe-type : moyens ajoutés à ceux de la circulaire
methode | Méthode | texte | oui | 50 | | qui fait quoi ? la méthode et l'organisation
echeancier | Échéancier | texte | oui | 40 | | calendrier de l'action
indicateurs | Indicateurs | lignes | non | 40 | | un indicateur mesurable par ligne
cout | Coût prévu | montant | non | 14 | | s'il est donné, il doit égaler la somme des financements de l'action
""")
FINANCEMENTS = _table(f"""
{_RENVOI}
action | Action | texte | oui | 9 | | identifiant de l'action financée (colonne « Action » de la feuille « Actions »)
financeur | Financeur | texte | oui | 36 | financeurs | etat, conseil_regional ou le nom d'un autre financeur (ex. FSE)
montant | Montant | montant | oui | 14 | | montant apporté par ce financeur à cette action, en euros
""")
VERSEMENTS = _table(f"""
{_RENVOI}
date | Date | date | oui | 12 | | date du versement de la contribution de l'État
montant | Montant | montant | oui | 14 | | montant versé, en euros
libelle | Libellé | texte | non | 30 | | libellé du versement (ex. avance de 80 % à la signature)
""")

FEUILLES = {"Conventions": CONVENTIONS, "Actions": ACTIONS, "Financements": FINANCEMENTS, "Versements": VERSEMENTS}
INTRODUCTION = (
    "Classeur de conventions annuelles d'objectifs (circulaire DGEFP n° 2008-15)",
    "Une ligne de la feuille « Conventions » par convention, repérée par sa clé ; les feuilles « Actions », "
    "« Financements » et « Versements » y renvoient par cette clé, un financement à une action par son identifiant.",
    "Cellule vide : non renseigné. Convention bipartite : colonnes du président de région laissées vides. "
    "Sans ligne dans « Versements » : avance de 80 % à la signature, solde de 20 % le 1er octobre.",
    "Ne modifiez pas les en-têtes de la ligne 1 ; le nom du champ (colonne « Champ » ci-dessous) est aussi accepté.",
)

Lieu = tuple[str, int, str]
"""Feuille, numéro de ligne, lettre de colonne."""


def est_tableur(chemin: str | Path) -> bool:
    """Vrai pour un classeur Excel (.xlsx, .xlsm).

    >>> est_tableur("budgets.XLSX"), est_tableur("auvergne.yaml")
    (True, False)
    """
    return Path(chemin).suffix.lower() in SUFFIXES


# --- Écriture -----------------------------------------------------------------------


def ecrire_modele_tableur(chemin: str | Path, *, ecraser: bool = False) -> Path:
    """Écrit un classeur vide : en-têtes, aide, listes déroulantes et formats."""
    return ecrire_tableur([], chemin, ecraser=ecraser)


def ecrire_tableur(donnees: Sequence[Mapping[str, Any]], chemin: str | Path, *, ecraser: bool = False) -> Path:
    """Écrit les conventions (structure des fichiers YAML) dans un classeur, clés ``AUV-2009``…

    Lève :class:`~convgen.erreurs.FichierExistant` si le fichier existe et que
    ``ecraser`` est faux, :class:`~convgen.erreurs.DonneesInvalides` si un champ n'a
    pas de colonne dans le classeur.
    """
    chemin = Path(chemin)
    if chemin.exists() and not ecraser:
        raise FichierExistant(chemin)
    classeur = Workbook()
    _aide(classeur.active)
    for nom, colonnes in FEUILLES.items():
        _preparer(classeur.create_sheet(nom), colonnes)
    for cle, convention in zip(_cles(donnees), donnees, strict=True):
        _remplir(classeur, cle, convention)
    flux = io.BytesIO()
    classeur.save(flux)
    return ecrire_atomique(chemin, flux.getvalue(), ecraser=ecraser)


def _cles(donnees: Sequence[Mapping[str, Any]]) -> list[str]:
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
    for objectif in _REF.objectifs:
        feuille.append([objectif.numero, None, objectif.intitule])
        for action in (a for a in _REF.actions if a.objectif == objectif.numero):
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
    with warnings.catch_warnings():  # avertissements d'openpyxl (extensions inconnues) sans objet ici
        warnings.simplefilter("ignore")
        classeur = _ouvrir(chemin)
        try:
            feuilles = {nom: _lire_feuille(classeur, nom, colonnes, constats) for nom, colonnes in FEUILLES.items()}
        finally:
            classeur.close()
    groupes = _grouper(feuilles, constats)
    if not groupes and not constats:
        constats.append(_probleme("aucune convention : aucune ligne remplie sous les en-têtes", "Conventions"))
    examens = [_examiner(groupe, f"{chemin}#{cle}") for cle, groupe in groupes.items()]
    generaux = [Examen(str(chemin), None, _trier([replace(c, fichier=str(chemin)) for c in constats]))]
    return (generaux if constats else []) + examens


def _ouvrir(chemin: Path) -> Any:
    try:
        taille = chemin.stat().st_size
    except OSError as exc:
        raise FichierIllisible(f"fichier inaccessible ({exc.strerror})", fichier=chemin) from None
    if taille > TAILLE_MAX:
        raise FichierIllisible(
            f"classeur trop gros ({-(-taille // 2**20)} Mio ; au plus {TAILLE_MAX // 2**20} Mio)", fichier=chemin
        )
    if not est_tableur(chemin):
        raise FichierIllisible("un classeur Excel (.xlsx ou .xlsm) est attendu", fichier=chemin)
    try:
        return load_workbook(chemin, read_only=True, data_only=True)
    except Exception as exc:  # zip abîmé, XML invalide… : le fichier vient de l'extérieur
        raise FichierIllisible(
            f"ce n'est pas un classeur Excel valide ({type(exc).__name__})", fichier=chemin
        ) from None


def _lire_feuille(classeur: Any, nom: str, colonnes: Colonnes, constats: list[Constat]) -> list[_Ligne]:
    if nom not in classeur.sheetnames:
        constats.append(_probleme(f"feuille « {nom} » absente du classeur", nom))
        return []
    lignes: list[_Ligne] = []
    try:
        rangees = iter(classeur[nom].iter_rows(values_only=True))
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
    texte = unicodedata.normalize("NFKD", str(entete or ""))
    return " ".join("".join(c for c in texte if not unicodedata.combining(c)).casefold().split())


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
