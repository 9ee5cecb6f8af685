"""Modèle de données de la convention annuelle d'objectifs (pydantic v2).

Le modèle est le contrat d'entrée (YAML, JSON, tableur ou Python) : les clés sont
exactes (toute clé inconnue est refusée), les montants sont des ``Decimal`` arrondis
une seule fois, ici, au centime le plus proche (demi-centime arrondi au-dessus), et
aucun calcul sur les montants ne passe par un flottant.

Les textes saisis sont vérifiés : un caractère qu'un document Word ne peut pas
contenir (caractère de contrôle collé depuis un tableur, par exemple une tabulation
verticale) est refusé avec le code ``texte-invalide``. Les fins de ligne Windows
(``\\r\\n``) sont ramenées à ``\\n`` : un retour à la ligne devient un saut de ligne
dans Word.

Les règles de la circulaire (cohérence des financements, ratio du budget…) ne sont
pas ici mais dans :mod:`convgen.regles` : une convention peut être bien formée et
néanmoins contraire aux règles.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from convgen.referentiel import ActionType, Point, Referentiel, charger_referentiel

CENTIME = Decimal("0.01")
LONGUEUR_MAX_TEXTE = 20_000
"""Au-delà, un champ n'est plus un texte de convention mais une erreur de saisie."""

# XML 1.0 (donc Word) n'admet que tabulation, saut de ligne et retour chariot parmi
# les caractères de contrôle ; les caractères C1 (U+0080-U+009F) sont admis par XML
# mais ne sont jamais du texte voulu (trace d'un mauvais encodage) ; U+FFFE, U+FFFF
# et les demi-codets isolés ne sont pas des caractères.
_INTERDITS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _nom_caractere(c: str) -> str:
    noms = {"\x0b": "tabulation verticale", "\x0c": "saut de page", "\x00": "caractère nul"}
    return noms.get(c, "caractère interdit") + f" U+{ord(c):04X}"


def _verifier_texte(valeur: str) -> str:
    """Refuse ce que Word ne peut pas contenir ; normalise les fins de ligne."""
    trouve = _INTERDITS.search(valeur)
    if trouve:
        raise PydanticCustomError(
            "texte_invalide",
            "texte inutilisable dans un document Word : {caractere} en position {position}",
            {"caractere": _nom_caractere(trouve.group()), "position": trouve.start() + 1},
        )
    if len(valeur) > LONGUEUR_MAX_TEXTE:
        raise PydanticCustomError(
            "texte_invalide",
            "texte trop long : {longueur} caractères (au plus {maximum})",
            {"longueur": len(valeur), "maximum": LONGUEUR_MAX_TEXTE},
        )
    return valeur.replace("\r\n", "\n").replace("\r", "\n")


def _non_vide(valeur: str) -> str:
    if not valeur.strip():
        raise PydanticCustomError("texte_vide", "ce champ ne peut pas être vide")
    return valeur


Texte = Annotated[str, AfterValidator(_verifier_texte), AfterValidator(_non_vide)]
"""Texte d'une ligne ou de plusieurs, non vide, utilisable dans Word."""


def _vers_decimal(valeur: Any) -> Any:
    """Convertit l'entrée en ``Decimal`` sans passer par l'arithmétique flottante.

    Un flottant (JSON ou YAML lus sans précaution) est converti par sa représentation
    décimale la plus courte (``45000.3`` → ``Decimal("45000.3")``). Une chaîne peut
    s'écrire à la française : « 45 000,50 ».
    """
    if isinstance(valeur, bool):
        raise PydanticCustomError("montant_invalide", "un montant doit être un nombre, pas un booléen")
    if isinstance(valeur, float):
        return Decimal(repr(valeur))
    if isinstance(valeur, str):
        texte = valeur.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        texte = texte.removesuffix("€").replace(",", ".")
        try:
            return Decimal(texte)
        except InvalidOperation:
            raise PydanticCustomError(
                "montant_invalide", "« {valeur} » n'est pas un montant", {"valeur": valeur}
            ) from None
    return valeur


def arrondir(montant: Decimal) -> Decimal:
    """Arrondit au centime, demi-centime au-dessus (règle comptable, non bancaire)."""
    if not montant.is_finite():
        raise PydanticCustomError("montant_invalide", "un montant doit être un nombre fini")
    try:
        return montant.quantize(CENTIME, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # plus de chiffres que la précision décimale (28) : 1e26 € et au-delà
        raise PydanticCustomError(
            "montant_invalide", "montant démesuré ({montant} €)", {"montant": str(montant)}
        ) from None


def _identifiant_entre_guillemets(valeur: Any) -> Any:
    """Un code écrit sans guillemets est lu comme un nombre : ses zéros initiaux sont perdus
    (YAML lit même ``01000`` en octal). On le refuse en disant quoi faire."""
    if isinstance(valeur, int | float | Decimal) and not isinstance(valeur, bool):
        raise PydanticCustomError(
            "identifiant_nombre",
            'écrivez cette valeur entre guillemets ("{valeur}") : lue comme un nombre, elle peut perdre ses '
            "zéros initiaux",
            {"valeur": valeur},
        )
    return valeur


Identifiant = BeforeValidator(_identifiant_entre_guillemets)

Montant = Annotated[Decimal, BeforeValidator(_vers_decimal), AfterValidator(arrondir)]
"""Montant en euros, arrondi une fois pour toutes au centime."""

Civilite = Literal["M.", "Mme"]
FormeJuridique = Literal["association", "gip", "autre"]
"""Ce qu'est la structure : association, groupement d'intérêt public (personne publique), autre."""
Statut = Literal["association", "gip", "arml", "carif", "oref", "autre", "mission_locale"]
"""Rôle de la structure ; ``association`` et ``gip`` (ancien usage) valent forme juridique."""

ETAT = "etat"
CONSEIL_REGIONAL = "conseil_regional"
LIBELLES_FINANCEURS = {ETAT: "État", CONSEIL_REGIONAL: "Conseil régional"}


def libelle_financeur(financeur: str) -> str:
    """« État », « Conseil régional », ou le nom saisi d'un autre financeur."""
    return LIBELLES_FINANCEURS.get(financeur, financeur)


class _Modele(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Personne(_Modele):
    civilite: Civilite
    prenom: Texte
    nom: Texte


class Signataire(Personne):
    """Personne qui signe au titre d'une fonction (délégataire, représentant légal)."""

    fonction: Texte


Siret = Annotated[str, Identifiant, AfterValidator(_verifier_texte)]
"""Numéro SIRET tel que saisi (espaces admises) ; sa clé de contrôle est vérifiée par les règles."""


class Arrete(_Modele):
    """Acte visé par son numéro et sa date (arrêté préfectoral de délégation de signature)."""

    numero: Texte
    date: dt.date


class Delegataire(Signataire):
    """Qui signe « pour le préfet et par délégation »."""

    arrete: Arrete | None = None
    """L'arrêté préfectoral portant délégation de signature, visé par la convention."""


class Imputation(_Modele):
    """Imputation budgétaire de la contribution de l'État (article 5), chaque élément facultatif."""

    programme: Texte | None = None
    action: Texte | None = None
    centre_financier: Texte | None = None
    domaine_fonctionnel: Texte | None = None


class Etat(_Modele):
    prefet: Personne
    delegataire: Delegataire | None = None
    """Présent : « Pour le préfet et par délégation, … »."""
    imputation: Imputation | None = None
    """Imputation budgétaire détaillée, reprise à l'article 5."""
    comptable: Texte | None = None
    """Comptable assignataire, avec son article ; absent : selon l'année et la région (TPG, puis DRFiP)."""
    siret: Siret | None = None
    """SIRET du service de l'État qui attribue la subvention (données essentielles, décret n° 2017-779)."""
    nom_attribuant: Texte | None = None
    """Nom de l'attribuant publié dans les données essentielles ; par défaut « Préfecture de la région … »."""


class Deliberation(_Modele):
    numero: Texte
    date: dt.date


class ConseilRegional(_Modele):
    president: Personne
    deliberation: Deliberation | None = None
    siret: Siret | None = None
    """SIRET de la Région : présent, la Région figure aussi dans les données essentielles."""
    nom_attribuant: Texte | None = None
    """Nom de l'attribuant publié dans les données essentielles ; par défaut « Région … »."""


class Adresse(_Modele):
    voie: Texte
    code_postal: Annotated[str, Identifiant, Field(pattern=r"^\d{5}$")]
    commune: Texte


class Structure(_Modele):
    nom: Texte
    sigle: Texte | None = None
    forme_juridique: FormeJuridique | None = None
    """Ce qu'est la structure ; absente : déduite de ``statut`` (``association``, ``gip``), sinon ``autre``."""
    statut: Statut | None = None
    """Rôle de la structure (ARML, CARIF, OREF…) ; gardé pour compatibilité (``association``, ``gip``)."""
    registre: Texte | None = None
    """Association d'Alsace-Moselle : commune du tribunal qui tient son registre (défaut : celle du siège)."""
    siret: Siret
    adresse: Adresse
    representant: Signataire
    iban: Annotated[str, AfterValidator(_verifier_texte)]
    bic: Annotated[str, AfterValidator(_verifier_texte)]

    @model_validator(mode="after")
    def _forme_ou_statut(self) -> Structure:
        if self.forme_juridique is None and self.statut is None:
            raise PydanticCustomError(
                "forme_absente", "indiquez forme_juridique (association, gip ou autre) ou, à défaut, statut"
            )
        return self

    @property
    def forme(self) -> FormeJuridique:
        """La forme juridique donnée, ou celle que dit l'ancien ``statut`` (``association``, ``gip``)."""
        if self.forme_juridique is not None:
            return self.forme_juridique
        return "association" if self.statut == "association" else "gip" if self.statut == "gip" else "autre"

    @property
    def droit_local(self) -> bool:
        """Association dont le siège est en Moselle, Bas-Rhin ou Haut-Rhin (code civil local, art. 21 à 79-III)."""
        return self.forme == "association" and self.adresse.code_postal[:2] in {"57", "67", "68"}

    @property
    def designation(self) -> str:
        """Nom suivi du sigle : « Association … d'Auvergne (ARML Auvergne) »."""
        return f"{self.nom} ({self.sigle})" if self.sigle else self.nom


class Signature(_Modele):
    lieu: Texte
    date: dt.date | None = None
    """Absente pour un projet : les signataires la porteront à la main."""
    exemplaires: Annotated[int, Field(ge=1, le=10)] | None = None
    """Par défaut, un original par partie."""


class Versement(_Modele):
    date: dt.date
    montant: Montant
    libelle: Texte | None = None


class Financement(_Modele):
    financeur: Texte
    """``etat``, ``conseil_regional`` ou le nom d'un autre financeur (« Fonds social européen (FSE) »)."""
    montant: Montant

    @property
    def libelle(self) -> str:
        return libelle_financeur(self.financeur)


class _ActionCommune(_Modele):
    methode: Texte
    """QUI FAIT QUOI ? La méthode et l'organisation."""
    echeancier: Texte
    indicateurs: list[Texte] = []
    cout: Montant | None = None
    """Coût prévisionnel ; s'il est donné, il doit égaler la somme des financements."""
    financements: list[Financement] = []


class ActionAnnexe(_ActionCommune):
    """Action de l'annexe-type : intitulé, « pourquoi » et « comment » viennent du référentiel."""

    numero: int
    pourquoi: list[Texte] | None = None
    """Remplace le « pourquoi » de l'annexe-type."""
    pourquoi_ajouts: list[Texte] = []
    """S'ajoute au « pourquoi » de l'annexe-type (ou à celui qui le remplace)."""
    comment: list[Texte] | None = None
    comment_ajouts: list[Texte] = []

    @field_validator("numero")
    @classmethod
    def _numero_connu(cls, numero: int) -> int:
        actions = charger_referentiel().actions
        if not any(a.numero == numero for a in actions):
            raise PydanticCustomError(
                "action_inconnue",
                "l'annexe-type ne compte pas d'action n° {numero} (actions 1 à {dernier})",
                {"numero": numero, "dernier": actions[-1].numero},
            )
        return numero


class ActionLocale(_ActionCommune):
    """Action ajoutée localement, rattachée à l'un des six objectifs (annexe, introduction)."""

    objectif: Annotated[int, Field(ge=1, le=6)]
    intitule: Texte
    pourquoi: Annotated[list[Texte], Field(min_length=1)]
    comment: Annotated[list[Texte], Field(min_length=1)]


def _genre_action(donnees: Any) -> str | None:
    if isinstance(donnees, dict):
        if "numero" in donnees and "objectif" in donnees:
            return None  # ni annexe ni locale : erreur « union_tag_not_found », traduite au chargement
        return "annexe" if "numero" in donnees else "locale"
    return "annexe" if isinstance(donnees, ActionAnnexe) else "locale"


Action = Annotated[
    Annotated[ActionAnnexe, Tag("annexe")] | Annotated[ActionLocale, Tag("locale")],
    Discriminator(_genre_action),
]
ETIQUETTES_ACTION = ("annexe", "locale")
"""Étiquettes de l'union, à retirer des chemins d'erreur de pydantic."""


@dataclass(frozen=True)
class ActionResolue:
    """Une action complète : textes du référentiel, numéro définitif, coût calculé."""

    indice: int
    """Position dans la liste ``actions`` des données (pour les chemins d'erreur)."""
    numero: int
    objectif: int
    mission: int
    locale: bool
    intitule: str
    pourquoi: tuple[Point, ...]
    """POURQUOI : ceux de l'annexe-type (avec leurs sous-points) ou saisis, puis les ajouts."""
    comment: tuple[Point, ...]
    methode: str
    echeancier: str
    indicateurs: tuple[str, ...]
    financements: tuple[Financement, ...]
    cout_declare: Decimal | None

    @property
    def lignes_pourquoi(self) -> tuple[str, ...]:
        """POURQUOI à plat : chaque point puis ses sous-points."""
        return tuple(ligne for point in self.pourquoi for ligne in point.lignes)

    @property
    def lignes_comment(self) -> tuple[str, ...]:
        """COMMENT à plat : chaque point puis ses sous-points."""
        return tuple(ligne for point in self.comment for ligne in point.lignes)

    @property
    def total_financements(self) -> Decimal:
        return sum((f.montant for f in self.financements), Decimal("0.00"))

    @property
    def cout(self) -> Decimal:
        """Coût prévisionnel : celui déclaré, sinon la somme des financements."""
        return self.total_financements if self.cout_declare is None else self.cout_declare

    def montant(self, financeur: str) -> Decimal:
        return sum((f.montant for f in self.financements if f.financeur == financeur), Decimal("0.00"))


def _points(textes: list[str]) -> tuple[Point, ...]:
    """Les textes saisis, un point chacun (les données n'imbriquent pas de listes)."""
    return tuple(Point(texte) for texte in textes)


def _resoudre(indice: int, action: ActionAnnexe | ActionLocale, ref: Referentiel, numero: int) -> ActionResolue:
    if isinstance(action, ActionAnnexe):
        type_: ActionType = ref.action(action.numero)
        objectif, intitule = type_.objectif, type_.intitule
        pourquoi = _points(action.pourquoi) if action.pourquoi is not None else type_.pourquoi
        comment = _points(action.comment) if action.comment is not None else type_.comment
        pourquoi += _points(action.pourquoi_ajouts)
        comment += _points(action.comment_ajouts)
    else:
        objectif, intitule = action.objectif, action.intitule
        pourquoi, comment = _points(action.pourquoi), _points(action.comment)
    return ActionResolue(
        indice=indice,
        numero=numero,
        objectif=objectif,
        mission=ref.mission_de_objectif(objectif).numero,
        locale=isinstance(action, ActionLocale),
        intitule=intitule,
        pourquoi=pourquoi,
        comment=comment,
        methode=action.methode,
        echeancier=action.echeancier,
        indicateurs=tuple(action.indicateurs),
        financements=tuple(action.financements),
        cout_declare=action.cout,
    )


def _oui_non(valeur: Any) -> Any:
    """« oui »/« non », « vrai »/« faux » (un classeur français) valent ``true``/``false``."""
    if isinstance(valeur, str):
        return {"oui": True, "vrai": True, "non": False, "faux": False}.get(valeur.strip().casefold(), valeur)
    return valeur


class Convention(_Modele):
    """Convention annuelle d'objectifs entre l'État, la structure et, le cas échéant, la Région."""

    annee: Annotated[int, Field(ge=2000, le=2100)]
    region: Texte
    numero: Texte | None = None
    etat: Etat
    conseil_regional: ConseilRegional | None = None
    """Présent : convention tripartite (circulaire §4)."""
    structure: Structure
    budget_missions_locales: Annotated[Montant, Field(gt=0)]
    """Budget global des missions locales de la région (circulaire §3)."""
    signature: Signature
    versements: list[Versement] | None = None
    actions: Annotated[list[Action], Field(min_length=1)]
    afficher_ratio: Annotated[bool, BeforeValidator(_oui_non)] = False
    """Vrai : l'article 3 rapporte le coût du programme au budget des missions locales."""
    referentiel: Literal["circulaire_dgefp_2008_15"] = "circulaire_dgefp_2008_15"

    @property
    def tripartite(self) -> bool:
        return self.conseil_regional is not None

    @cached_property
    def ref(self) -> Referentiel:
        return charger_referentiel(self.referentiel)

    @cached_property
    def actions_resolues(self) -> tuple[ActionResolue, ...]:
        """Actions dans l'ordre de l'annexe (objectif, puis numéro).

        Les actions ajoutées localement sont numérotées à la suite des actions de
        l'annexe-type (17, 18… dans l'ordre où elles sont données).
        """
        suivant = self.ref.actions[-1].numero + 1
        resolues = []
        for indice, action in enumerate(self.actions):
            if isinstance(action, ActionAnnexe):
                numero = action.numero
            else:
                numero, suivant = suivant, suivant + 1
            resolues.append(_resoudre(indice, action, self.ref, numero))
        return tuple(sorted(resolues, key=lambda a: (a.objectif, a.numero)))

    @property
    def actions_saisies(self) -> tuple[ActionResolue, ...]:
        """Les actions résolues dans l'ordre des données (celui des chemins ``actions[i]``)."""
        return tuple(sorted(self.actions_resolues, key=lambda a: a.indice))

    @property
    def total_programme(self) -> Decimal:
        """Coût total du programme : somme des coûts des actions."""
        return sum((a.cout for a in self.actions_resolues), Decimal("0.00"))

    def total_financeur(self, financeur: str) -> Decimal:
        return sum((a.montant(financeur) for a in self.actions_resolues), Decimal("0.00"))

    @property
    def total_etat(self) -> Decimal:
        return self.total_financeur(ETAT)

    @property
    def total_region(self) -> Decimal:
        return self.total_financeur(CONSEIL_REGIONAL)

    @property
    def total_autres(self) -> Decimal:
        """Ce qu'apportent les financeurs autres que l'État et la Région."""
        return self.total_programme - self.total_etat - self.total_region

    def totaux_par_financeur(self) -> dict[str, Decimal]:
        """Total de chaque financeur : l'État, la Région, puis les autres dans l'ordre des données."""
        ordre = [ETAT, CONSEIL_REGIONAL]
        for action in self.actions_resolues:
            ordre += [f.financeur for f in action.financements if f.financeur not in ordre]
        totaux = {financeur: self.total_financeur(financeur) for financeur in ordre}
        return {f: m for f, m in totaux.items() if m or f == ETAT}

    @property
    def ratio_budget(self) -> Decimal:
        """Coût du programme rapporté au budget des missions locales (fraction, non arrondie)."""
        return self.total_programme / self.budget_missions_locales

    @property
    def versements_prevus(self) -> tuple[Versement, ...]:
        """Échéancier de la contribution de l'État.

        Sans échéancier dans les données : une avance de 80 % à la signature (au plus
        tôt le 1er avril de l'année si la date de signature n'est pas connue) et le
        solde de 20 % le 1er octobre ; l'avance est arrondie au centime et le solde
        en est la différence, de sorte que la somme est exacte.
        """
        if self.versements is not None:
            return tuple(self.versements)
        avance = arrondir(self.total_etat * Decimal("0.8"))
        date_avance = self.signature.date or dt.date(self.annee, 4, 1)
        date_solde = max(dt.date(self.annee, 10, 1), date_avance)
        return (
            Versement(date=date_avance, montant=avance, libelle="avance de 80\u00a0% à la signature"),
            Versement(date=date_solde, montant=self.total_etat - avance, libelle="solde de 20\u00a0%"),
        )
