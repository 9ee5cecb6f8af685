"""Description des colonnes du classeur de conventions : feuilles, en-têtes, aides, listes.

Chaque feuille de données (« Conventions », « Actions », « Financements », « Versements »)
est une suite de :class:`Colonne` : chemin du champ, en-tête en français, genre de valeur,
caractère obligatoire, largeur, liste déroulante éventuelle et explication (feuille « Aide »
et commentaire de l'en-tête). L'écriture (:mod:`convgen.tableur.ecriture`) et la lecture
(:mod:`convgen.tableur`) partagent cette description.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, cast, get_args

from convgen.modele import CONSEIL_REGIONAL, ETAT, Civilite, FormeJuridique, Statut
from convgen.referentiel import charger_referentiel, referentiels_disponibles
from convgen.schemas import descriptions_des_champs

__all__ = [
    "ACTIONS",
    "ADMIS",
    "CHIFFRES",
    "CONVENTIONS",
    "FEUILLES",
    "FINANCEMENTS",
    "FORMATS",
    "INTRODUCTION",
    "LIBRES",
    "REFERENTIEL",
    "TECHNIQUES",
    "VALEURS",
    "VERSEMENTS",
    "Colonne",
    "Colonnes",
    "Genre",
]

Genre = Literal["texte", "entier", "montant", "date", "lignes"]
FORMATS = {"montant": "#,##0.00", "date": "DD/MM/YYYY"}
ADMIS = {
    "texte": "texte",
    "entier": "nombre entier",
    "montant": "nombre, en euros (deux décimales)",
    "date": "date (ou texte AAAA-MM-JJ ou JJ/MM/AAAA)",
    "lignes": "texte, un élément par ligne (Alt+Entrée)",
}
REFERENTIEL = charger_referentiel()
"""Référentiel par défaut : listes déroulantes et tableau des actions de la feuille « Aide »."""
VALEURS: dict[str, tuple[str, ...]] = {
    "civilites": get_args(Civilite),
    "statuts": get_args(Statut),
    "formes": get_args(FormeJuridique),
    "numeros": tuple(str(a.numero) for a in REFERENTIEL.actions),
    "objectifs": tuple(str(o.numero) for o in REFERENTIEL.objectifs),
    "referentiels": tuple(referentiels_disponibles()),
    "financeurs": (ETAT, CONSEIL_REGIONAL),
}
LIBRES = ("financeurs",)
"""Listes seulement indicatives : une autre valeur est admise (un autre financeur)."""
CHIFFRES = {"structure.siret": 14, "etat.siret": 14, "conseil_regional.siret": 14, "structure.adresse.code_postal": 5}
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


DESCRIPTIONS = descriptions_des_champs()
"""Descriptions des champs, écrites une fois dans le modèle : l'explication de chaque colonne en vient."""
_PERSONNES = ("etat.prefet", "etat.delegataire", "conseil_regional.president", "structure.representant")


def explication(chemin: str) -> str:
    """L'explication d'un champ pour la feuille « Aide » : sa description dans le modèle, et à qui il se
    rapporte pour une personne (« Prénom. — Le préfet de région, qui représente l'État. »)."""
    parent = chemin.rsplit(".", 1)[0]
    suite = f" — {DESCRIPTIONS[parent]}" if parent in _PERSONNES else ""
    return (DESCRIPTIONS[chemin] + suite).replace("``", "")


def _table(texte: str, prefixe: str = "") -> Colonnes:
    """Colonnes décrites une par ligne : chemin | en-tête | genre | obligatoire | largeur | liste | explication.

    L'explication d'un champ du modèle vient de sa description (``prefixe`` situe la feuille :
    ``actions[].``) ; seules les colonnes techniques (clé, identifiant d'action) ont la leur ici.
    """
    colonnes = []
    for ligne in texte.strip().splitlines():
        chemin, entete, genre, obligatoire, largeur, liste, aide = (m.strip() for m in ligne.split("|", 6))
        if chemin not in TECHNIQUES:
            aide = explication(prefixe + chemin)
        if genre not in get_args(Genre) or (liste and liste not in VALEURS):
            raise ValueError(f"colonne mal décrite : {ligne}")
        valeurs = VALEURS.get(liste, ())
        genre_ = cast(Genre, genre)
        colonnes.append(Colonne(chemin, entete, genre_, obligatoire, int(largeur), valeurs, liste in LIBRES, aide))
    return tuple(colonnes)


def _personne(chemin: str, qui: str, obligatoire: str, fonction: bool = False) -> str:
    """Lignes de la table pour une personne : civilité, prénom, nom et, s'il y a lieu, fonction."""
    champs = [("civilite", "civilité", "civilites"), ("prenom", "prénom", ""), ("nom", "nom", "")]
    champs += [("fonction", "fonction", "")] * fonction
    ligne = "{0}.{1} | {2} : {3} | texte | {4} | {5} | {6} |"
    return "\n".join(
        ligne.format(chemin, c, qui, e, obligatoire, {"civilite": 10, "fonction": 40}.get(c, 18), v)
        for c, e, v in champs
    )


_RENVOI = (
    "cle | Clé | texte | oui | 12 | | clé de la convention (feuille « Conventions ») à laquelle se rattache la ligne"
)
CONVENTIONS = _table(f"""
cle | Clé | texte | oui | 12 | | identifiant court de la convention, libre et unique dans le classeur (ex. AUV-2009)
annee | Année | entier | oui | 8 | |
region | Région | texte | oui | 18 | |
numero | Numéro de convention | texte | non | 24 | |
{_personne("etat.prefet", "Préfet", "oui")}
{_personne("etat.delegataire", "Délégataire", "si délégation", True)}
{_personne("conseil_regional.president", "Président de région", "si tripartite")}
conseil_regional.deliberation.numero | Délibération : numéro | texte | non | 16 | |
conseil_regional.deliberation.date | Délibération : date | date | si délibération | 12 | |
structure.nom | Structure : nom | texte | oui | 40 | |
structure.sigle | Structure : sigle | texte | non | 16 | |
structure.statut | Structure : statut | texte | ou forme | 14 | statuts |
structure.siret | Structure : SIRET | texte | oui | 18 | |
structure.adresse.voie | Adresse : voie | texte | oui | 30 | |
structure.adresse.code_postal | Adresse : code postal | texte | oui | 10 | |
structure.adresse.commune | Adresse : commune | texte | oui | 18 | |
{_personne("structure.representant", "Représentant", "oui", True)}
structure.iban | IBAN | texte | oui | 34 | |
structure.bic | BIC | texte | oui | 12 | |
budget_missions_locales | Budget des missions locales | montant | oui | 16 | |
signature.lieu | Signature : lieu | texte | oui | 18 | |
signature.date | Signature : date | date | non | 12 | |
signature.exemplaires | Signature : exemplaires | entier | non | 12 | |
referentiel | Référentiel | texte | non | 26 | referentiels |
etat.delegataire.arrete.numero | Délégation : arrêté n° | texte | non | 16 | |
etat.delegataire.arrete.date | Délégation : date de l'arrêté | date | si arrêté | 12 | |
etat.imputation.programme | Imputation : programme | texte | non | 12 | |
etat.imputation.action | Imputation : action | texte | non | 10 | |
etat.imputation.centre_financier | Imputation : centre financier | texte | non | 18 | |
etat.imputation.domaine_fonctionnel | Imputation : domaine fonctionnel | texte | non | 18 | |
afficher_ratio | Ratio à l'article 3 | texte | non | 12 | |
structure.forme_juridique | Structure : forme juridique | texte | ou statut | 14 | formes |
structure.registre | Structure : registre | texte | non | 18 | |
etat.comptable | Comptable assignataire | texte | non | 30 | |
etat.siret | État : SIRET | texte | open data | 18 | |
etat.nom_attribuant | État : nom publié | texte | non | 30 | |
conseil_regional.siret | Région : SIRET | texte | non | 18 | |
conseil_regional.nom_attribuant | Région : nom publié | texte | non | 30 | |
""")
ACTIONS = _table(
    f"""
{_RENVOI}
action | Action | texte | oui | 9 | | identifiant unique dans la convention (ex. A1), cité par les financements
numero | N° annexe-type | entier | ou objectif | 10 | numeros |
objectif | Objectif | entier | action locale | 10 | objectifs |
intitule | Intitulé | texte | action locale | 40 | |
pourquoi | Pourquoi | lignes | action locale | 40 | |
pourquoi_ajouts | Pourquoi : ajouts | lignes | non | 30 | |
comment | Comment | lignes | action locale | 40 | |
comment_ajouts | Comment : ajouts | lignes | non | 30 | |
methode | Méthode | texte | oui | 50 | |
echeancier | Échéancier | texte | oui | 40 | |
indicateurs | Indicateurs | lignes | non | 40 | |
cout | Coût prévu | montant | non | 14 | |
""",
    "actions[].",
)
FINANCEMENTS = _table(
    f"""
{_RENVOI}
action | Action | texte | oui | 9 | | identifiant de l'action financée (colonne « Action » de la feuille « Actions »)
financeur | Financeur | texte | oui | 36 | financeurs |
montant | Montant | montant | oui | 14 | |
""",
    "actions[].financements[].",
)
VERSEMENTS = _table(
    f"""
{_RENVOI}
date | Date | date | oui | 12 | |
montant | Montant | montant | oui | 14 | |
libelle | Libellé | texte | non | 30 | |
""",
    "versements[].",
)

FEUILLES = {"Conventions": CONVENTIONS, "Actions": ACTIONS, "Financements": FINANCEMENTS, "Versements": VERSEMENTS}
INTRODUCTION = (
    "Classeur de conventions annuelles d'objectifs (circulaire DGEFP n° 2008-15)",
    "Une ligne de la feuille « Conventions » par convention, repérée par sa clé ; les feuilles « Actions », "
    "« Financements » et « Versements » y renvoient par cette clé, un financement à une action par son identifiant.",
    "Cellule vide : non renseigné. Convention bipartite : colonnes du président de région laissées vides. "
    "Sans ligne dans « Versements » : avance de 80 % à la signature, solde de 20 % le 1er octobre.",
    "Ne modifiez pas les en-têtes de la ligne 1 ; le nom du champ (colonne « Champ » ci-dessous) est aussi accepté.",
)
