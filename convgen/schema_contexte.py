"""Les clés du contexte du gabarit, décrites une à une (le contrat des gabarits).

Chaque ``TypedDict`` ci-dessous décrit une partie du contexte que rend
:func:`convgen.contexte.construire_contexte` ; la docstring qui suit chaque clé est sa
documentation, reprise telle quelle dans le schéma JSON (``convgen schema contexte``)
et dans le README. Toutes les valeurs sont des chaînes prêtes à imprimer, des
booléens ou des listes : le gabarit n'a rien à calculer.
"""

from __future__ import annotations

from pydantic import ConfigDict, with_config
from typing_extensions import TypedDict  # pydantic en a besoin pour le schéma JSON avant Python 3.12

_DOCUMENTE = ConfigDict(use_attribute_docstrings=True)


@with_config(_DOCUMENTE)
class CtxConvention(TypedDict):
    annee: str
    """Année de la convention : « 2009 »."""
    numero: str
    """Numéro d'enregistrement, ou chaîne vide."""
    region: str
    """Nom de la région : « Auvergne »."""
    de_region: str
    """Complément de lieu : « d'Auvergne », « du Centre »."""
    titre: str
    """« Convention annuelle d'objectifs 2009 »."""
    objet: str
    """« programme régional d'animation des missions locales d'Auvergne »."""
    periode: str
    """« du 1er janvier 2009 au 31 décembre 2009 »."""
    tripartite: bool
    """Vrai pour la version tripartite (État, Région, structure)."""
    projet: bool
    """Vrai pour un projet : mention « PROJET » et date de signature laissée en blanc."""
    mention_projet: str
    """« PROJET » pour un projet, sinon chaîne vide (pour l'en-tête)."""
    entete: str
    """Texte de l'en-tête : « Convention n° DRTEFP-AUV-2009-007 » ou, sans numéro, le titre et la région."""
    referentiel: str
    """Titre complet de la circulaire qui fonde l'annexe."""
    afficher_ratio: bool
    """Vrai si l'article 3 rapporte le coût du programme au budget des missions locales (``afficher_ratio``)."""


@with_config(_DOCUMENTE)
class CtxEtat(TypedDict):
    partie: str
    """Paragraphe de comparution : « L'État, représenté par M. …, préfet de la région …, ci-après dénommé … »."""
    prefet: str
    """« M. Dominique Schmitt »."""
    prefet_titre: str
    """« le préfet de la région Auvergne », « la préfète de la région Auvergne », « le préfet de La Réunion »."""
    prefecture: str
    """Timbre : « Préfecture de la région Auvergne », « Préfecture de La Réunion »."""
    comptable: str
    """Comptable assignataire : « le trésorier-payeur général de la région Auvergne » (2009), « le directeur
    régional des finances publiques … » ensuite, ou celui saisi (``etat.comptable``)."""
    signature_pour: str
    """Tête du bloc de signature : « Pour l'État, » ou « Pour le préfet de la région … et par délégation, »."""
    signature_qualite: str
    """Qualité du signataire : « le préfet de la région Auvergne » ou « la directrice régionale … »."""
    signature_nom: str
    """Prénom et nom du signataire : « Claire Martin »."""
    imputation: str
    """Imputation budgétaire saisie : « programme 102, action 03, centre financier …, domaine fonctionnel … »,
    ou chaîne vide."""


@with_config(_DOCUMENTE)
class CtxRegion(TypedDict):
    partie: str
    """Paragraphe de comparution de la Région, avec la délibération s'il y en a une."""
    designation: str
    """« la Région Auvergne »."""
    president: str
    """« M. René Souchon »."""
    president_titre: str
    """« le président du conseil régional d'Auvergne » (accordé)."""
    deliberation: str
    """« délibération n° CP-09-0123 de la commission permanente du conseil régional d'Auvergne du 16 février 2009 »,
    ou chaîne vide."""
    signature_pour: str
    """« Pour la Région Auvergne, »."""
    signature_qualite: str
    """« le président du conseil régional »."""
    signature_nom: str
    """« René Souchon »."""


@with_config(_DOCUMENTE)
class CtxStructure(TypedDict):
    nom: str
    """Nom de la structure, tel que saisi."""
    sigle: str
    """Sigle, ou chaîne vide."""
    designation: str
    """Nom suivi du sigle entre parenthèses."""
    forme: str
    """Forme juridique en toutes lettres : « association régie par la loi du 1er juillet 1901 »."""
    adresse: str
    """« 12, rue de l'Éclache, 63000 Clermont-Ferrand »."""
    siret: str
    """SIRET en tranches : « 443 061 841 00047 »."""
    iban: str
    """IBAN par groupes de quatre."""
    bic: str
    """BIC."""
    representant: str
    """« Mme Hélène Martin »."""
    representant_fonction: str
    """« la présidente » (article accordé)."""
    partie: str
    """Paragraphe de comparution de la structure, après son nom."""
    signature_pour: str
    """« Pour l’Association régionale des missions locales d’Auvergne, » : article selon le premier mot du nom,
    sinon selon la forme juridique, sinon le nom seul."""
    signature_qualite: str
    """« la présidente »."""
    signature_nom: str
    """« Hélène Martin »."""


@with_config(_DOCUMENTE)
class CtxMontants(TypedDict):
    total: str
    """Coût total du programme : « 101 000,50 € »."""
    total_lettres: str
    """Le même en toutes lettres."""
    etat: str
    """Contribution de l'État."""
    etat_lettres: str
    """Contribution de l'État en toutes lettres."""
    etat_de: str
    """La même précédée de « de », élidé : « de soixante mille euros », « d’un million un euros »."""
    region: str
    """Contribution du conseil régional (« 0,00 € » s'il n'en apporte pas)."""
    region_lettres: str
    """Contribution du conseil régional en toutes lettres."""
    region_de: str
    """La même précédée de « de », élidé : « de trente-huit mille euros », « d’un euro »."""
    autres: str
    """Total des autres financeurs."""
    budget_missions_locales: str
    """Budget global des missions locales de la région."""
    ratio: str
    """Coût du programme rapporté à ce budget : « 2,89 % » (« moins de 0,01 % » plutôt que 0,00 %)."""
    cofinancement_region: str
    """Version bipartite où la Région finance : phrase de l'article 4 qui mentionne son apport, hors convention ;
    sinon chaîne vide."""
    seuil: str
    """Seuil de conventionnement obligatoire : « 23 000,00 € »."""


@with_config(_DOCUMENTE)
class CtxVersement(TypedDict):
    date: str
    """« 1er avril 2009 » ; « à la signature » pour l'avance par défaut d'un projet."""
    montant: str
    """« 45 000,50 € »."""
    libelle: str
    """« avance de 80 % à la signature » (« avance de 80 % » quand la date dit déjà « à la signature »), le libellé
    saisi, sinon « versement unique » ou « 1er versement », « 2e versement »…"""


@with_config(_DOCUMENTE)
class CtxVisas(TypedDict):
    loi_de_finances: str
    """« la loi n° 2008-1425 du 27 décembre 2008 de finances pour 2009 » ; numéro et date laissés en blanc pour
    une année que le référentiel ne connaît pas."""
    delegation: str
    """« l’arrêté préfectoral n° … du … portant délégation de signature à Mme Claire Martin » quand un délégataire
    signe (numéro et date en blanc sans ``etat.delegataire.arrete``), sinon chaîne vide."""


@with_config(_DOCUMENTE)
class CtxPoint(TypedDict):
    texte: str
    """Le point."""
    sous_points: list[str]
    """Ses sous-points (liste imbriquée de l'annexe-type), souvent vide."""


@with_config(_DOCUMENTE)
class CtxSignature(TypedDict):
    lieu: str
    """Lieu de signature."""
    date: str
    """« 1er mars 2009 », ou une ligne de points pour un projet ou une date inconnue."""
    exemplaires: str
    """Nombre d'originaux en lettres : « trois »."""
    mention: str
    """« Fait à Clermont-Ferrand, le 1er mars 2009, en trois exemplaires originaux. »"""


@with_config(_DOCUMENTE)
class CtxSignataire(TypedDict):
    pour: str
    """« Pour l'État, »."""
    qualite: str
    """« le préfet de la région Auvergne »."""
    nom: str
    """« Dominique Schmitt »."""


@with_config(_DOCUMENTE)
class CtxFinancement(TypedDict):
    financeur: str
    """« État », « Conseil régional » ou le nom saisi."""
    montant: str
    """« 18 500,50 € »."""
    part: str
    """Part du total concerné : « 67,27 % »."""


@with_config(_DOCUMENTE)
class CtxAction(TypedDict):
    numero: str
    """Numéro dans l'annexe : « 1 » à « 16 », puis « 17 »… pour les actions ajoutées localement."""
    locale: bool
    """Vrai pour une action ajoutée localement."""
    intitule: str
    """QUOI : l'intitulé de l'action."""
    pourquoi: list[str]
    """POURQUOI : les objectifs de l'action, à plat (sous-points compris, à la suite de leur point)."""
    pourquoi_points: list[CtxPoint]
    """POURQUOI en liste imbriquée : chaque point et ses sous-points."""
    comment: list[str]
    """COMMENT : les actions, à plat (sous-points compris)."""
    comment_points: list[CtxPoint]
    """COMMENT en liste imbriquée : chaque point et ses sous-points."""
    methode: str
    """QUI FAIT QUOI : la méthode et l'organisation."""
    echeancier: str
    """ÉCHÉANCIER."""
    indicateurs: list[str]
    """Indicateurs mesurables."""
    cout: str
    """Coût prévisionnel."""
    financements: list[CtxFinancement]
    """Chaque financeur et son montant."""
    etat: str
    """Montant alloué par l'État."""


@with_config(_DOCUMENTE)
class CtxObjectif(TypedDict):
    numero: str
    """« 1 » à « 6 »."""
    intitule: str
    """Intitulé de l'objectif, tel que l'écrit son intertitre dans l'annexe-type de la circulaire."""
    actions: list[CtxAction]
    """Actions de l'objectif, par numéro."""
    total: str
    """Coût total des actions de l'objectif."""
    total_etat: str
    """Part de l'État dans ce total."""


@with_config(_DOCUMENTE)
class CtxMission(TypedDict):
    numero: str
    """Numéro romain : « I » à « IV »."""
    intitule: str
    """« MISSION FORMATION/ ÉCHANGE »."""
    objectifs: list[CtxObjectif]
    """Objectifs de la mission qui ont au moins une action."""
    total: str
    """Coût total des actions de la mission."""
    total_etat: str
    """Part de l'État dans ce total."""


@with_config(_DOCUMENTE)
class CtxAnnexe(TypedDict):
    titre: str
    """« Annexe à la convention annuelle d’objectifs 2009 — programme régional d’animation des missions locales
    et PAIO d’Auvergne »."""
    missions: list[CtxMission]
    """Missions qui ont au moins une action, dans l'ordre de la circulaire."""
    financeurs: list[CtxFinancement]
    """Synthèse financière : chaque financeur, son total et sa part du programme."""
    total: str
    """Coût total du programme."""
    ratio: str
    """Part du budget des missions locales."""


@with_config(_DOCUMENTE)
class Contexte(TypedDict):
    """Variables offertes au gabarit."""

    convention: CtxConvention
    """La convention elle-même."""
    etat: CtxEtat
    """L'État et son signataire."""
    region: CtxRegion | None
    """La Région dans la version tripartite ; ``None`` (à tester avec ``{% if region %}``) sinon."""
    structure: CtxStructure
    """La structure porteuse du programme."""
    montants: CtxMontants
    """Montants en chiffres et en lettres."""
    versements: list[CtxVersement]
    """Échéancier de la contribution de l'État."""
    versements_par_defaut: bool
    """Vrai si l'échéancier est celui que convgen propose (aucun n'était saisi)."""
    versement_unique: bool
    """Vrai si la contribution de l'État est versée en une seule fois."""
    visas: CtxVisas
    """Visas qui dépendent des données (loi de finances de l'année, arrêté de délégation)."""
    signature: CtxSignature
    """Lieu, date et nombre d'exemplaires."""
    signataires: list[CtxSignataire]
    """Blocs de signature, un par partie, dans l'ordre État, Région, structure."""
    annexe: CtxAnnexe
    """Annexe : missions, objectifs, actions et synthèse financière."""
