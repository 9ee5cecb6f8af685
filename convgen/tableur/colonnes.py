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
structure.statut | Structure : statut | texte | ou forme | 14 | statuts | rôle ; pas une mission locale (§3)
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
etat.delegataire.arrete.numero | Délégation : arrêté n° | texte | non | 16 | | arrêté préfectoral de délégation (visé)
etat.delegataire.arrete.date | Délégation : date de l'arrêté | date | si arrêté | 12 | | date de l'arrêté de délégation
etat.imputation.programme | Imputation : programme | texte | non | 12 | | programme budgétaire (ex. 102), article 5
etat.imputation.action | Imputation : action | texte | non | 10 | | action du programme
etat.imputation.centre_financier | Imputation : centre financier | texte | non | 18 | | centre financier
etat.imputation.domaine_fonctionnel | Imputation : domaine fonctionnel | texte | non | 18 | | domaine fonctionnel
afficher_ratio | Ratio à l'article 3 | texte | non | 12 | | oui : l'article 3 cite la part du budget des ML
structure.forme_juridique | Structure : forme juridique | texte | ou statut | 14 | formes | association, gip ou autre
structure.registre | Structure : registre | texte | non | 18 | | Alsace-Moselle : tribunal du registre ; vide : siège
etat.comptable | Comptable assignataire | texte | non | 30 | | vide : selon l'année (TPG, puis DRFiP)
etat.siret | État : SIRET | texte | open data | 18 | | SIRET du service attribuant (données essentielles)
etat.nom_attribuant | État : nom publié | texte | non | 30 | | attribuant publié ; vide : Préfecture de la région …
conseil_regional.siret | Région : SIRET | texte | non | 18 | | SIRET de la Région : elle figure alors dans l'open data
conseil_regional.nom_attribuant | Région : nom publié | texte | non | 30 | | attribuant publié ; vide : Région …
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
