"""Référentiel des missions, objectifs et actions types du programme régional d'animation.

Le référentiel est transcrit de l'annexe-type de la circulaire DGEFP n° 2008-15 du
29 septembre 2008 : 4 missions, 6 objectifs et 16 actions types, chacune avec son
intitulé (QUOI), ses objectifs (POURQUOI) et ses modalités (COMMENT).

Les données sont rangées dans des fichiers YAML du dossier ``convgen/referentiels``
et lues à la demande (aucune lecture de fichier à l'import du module).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import resources
from importlib.resources.abc import Traversable

import yaml

__all__ = [
    "NOM_PAR_DEFAUT",
    "ActionType",
    "LoiDeFinances",
    "Mission",
    "Objectif",
    "Parametres",
    "Point",
    "Referentiel",
    "charger_referentiel",
    "referentiel_depuis_donnees",
    "referentiels_disponibles",
]

#: Nom du référentiel chargé par défaut.
NOM_PAR_DEFAUT = "circulaire_dgefp_2008_15"
CHARGEUR_YAML: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""Pour les tables livrées avec convgen : le chargeur sûr de libyaml (dix fois plus rapide), sinon celui de Python."""

_PAQUET = "convgen"
_DOSSIER = "referentiels"
_EXTENSION = ".yaml"


@dataclass(frozen=True)
class Mission:
    """Une des missions du programme régional (numérotées I à IV dans la circulaire)."""

    numero: int
    romain: str
    intitule: str


@dataclass(frozen=True)
class Objectif:
    """Un objectif du programme régional, rattaché à une mission."""

    numero: int
    mission: int
    intitule: str


@dataclass(frozen=True)
class Point:
    """Un élément d'une liste de l'annexe, avec ses sous-points éventuels (listes imbriquées de la circulaire)."""

    texte: str
    sous_points: tuple[str, ...] = ()

    @property
    def lignes(self) -> tuple[str, ...]:
        """Le point puis ses sous-points, une ligne chacun."""
        return (self.texte, *self.sous_points)


@dataclass(frozen=True)
class ActionType:
    """Une action type de l'annexe : QUOI (intitulé), POURQUOI et COMMENT."""

    numero: int
    objectif: int
    intitule: str
    pourquoi: tuple[Point, ...]
    comment: tuple[Point, ...]


@dataclass(frozen=True)
class LoiDeFinances:
    """La loi de finances d'une année, visée par les conventions de cette année."""

    annee: int
    numero: str
    date: dt.date


@dataclass(frozen=True)
class Parametres:
    """Les chiffres de la circulaire et des textes qu'elle cite, lus du référentiel (pas écrits dans le code)."""

    seuil_convention: Decimal
    """Contribution au-delà de laquelle une convention est obligatoire (décret n° 2001-495 : 23 000 €)."""
    fourchette_recommandee: tuple[Decimal, Decimal]
    """Coût du programme rapporté au budget des missions locales, recommandé (circulaire §3 : 2 à 4 %)."""
    fourchette_observee: tuple[Decimal, Decimal]
    """Même rapport, tel qu'observé selon les régions (circulaire §3 : 1 à 6 %)."""
    part_avance: Decimal
    """Échéancier par défaut : part de la contribution de l'État versée d'avance à la signature (80 %)."""
    avance_au_plus_tot: tuple[int, int]
    """(mois, jour) de l'avance quand la date de signature n'est pas connue (1er avril)."""
    solde: tuple[int, int]
    """(mois, jour) du versement du solde (1er octobre)."""

    def date_avance(self, annee: int) -> dt.date:
        return dt.date(annee, *self.avance_au_plus_tot)

    def date_solde(self, annee: int) -> dt.date:
        return dt.date(annee, *self.solde)


@dataclass(frozen=True)
class Referentiel:
    """Ensemble cohérent de missions, d'objectifs et d'actions types, et les paramètres de la circulaire."""

    nom: str
    source: str
    missions: tuple[Mission, ...]
    objectifs: tuple[Objectif, ...]
    actions: tuple[ActionType, ...]
    parametres: Parametres
    lois_de_finances: tuple[LoiDeFinances, ...] = ()

    def mission(self, numero: int) -> Mission:
        """Renvoie la mission de ce numéro (``KeyError`` si elle n'existe pas)."""
        for mission in self.missions:
            if mission.numero == numero:
                return mission
        raise KeyError(f"Mission inconnue dans le référentiel {self.nom!r} : {numero!r}")

    def objectif(self, numero: int) -> Objectif:
        """Renvoie l'objectif de ce numéro (``KeyError`` s'il n'existe pas)."""
        for objectif in self.objectifs:
            if objectif.numero == numero:
                return objectif
        raise KeyError(f"Objectif inconnu dans le référentiel {self.nom!r} : {numero!r}")

    def action(self, numero: int) -> ActionType:
        """Renvoie l'action type de ce numéro (``KeyError`` si elle n'existe pas)."""
        for action in self.actions:
            if action.numero == numero:
                return action
        raise KeyError(f"Action type inconnue dans le référentiel {self.nom!r} : {numero!r}")

    def loi_de_finances(self, annee: int) -> LoiDeFinances | None:
        """La loi de finances de l'année, ou ``None`` si la table du référentiel ne la connaît pas."""
        return next((loi for loi in self.lois_de_finances if loi.annee == annee), None)

    def mission_de_objectif(self, numero_objectif: int) -> Mission:
        """Renvoie la mission à laquelle se rattache l'objectif (``KeyError`` s'il n'existe pas)."""
        return self.mission(self.objectif(numero_objectif).mission)


# ---------------------------------------------------------------------------
# Lecture des fichiers
# ---------------------------------------------------------------------------


def _dossier() -> Traversable:
    """Dossier des référentiels à l'intérieur du paquet."""
    return resources.files(_PAQUET) / _DOSSIER


def referentiels_disponibles() -> list[str]:
    """Noms (sans extension, triés) des référentiels YAML livrés avec le paquet."""
    return sorted(
        entree.name.removesuffix(_EXTENSION)
        for entree in _dossier().iterdir()
        if entree.is_file() and entree.name.endswith(_EXTENSION)
    )


@functools.cache
def charger_referentiel(nom: str = NOM_PAR_DEFAUT) -> Referentiel:
    """Charge, vérifie et renvoie le référentiel ``nom`` (résultat mis en cache).

    ``charger_referentiel()`` et ``charger_referentiel(NOM_PAR_DEFAUT)`` renvoient le même
    objet. Lève ``ValueError`` si le nom est inconnu ou si le fichier est incohérent.
    """
    # functools.cache distingue l'appel sans argument de l'appel explicite : le second
    # cache, indexé par le seul nom, garantit un objet unique par référentiel.
    return _charger(nom)


@functools.cache
def _charger(nom: str) -> Referentiel:
    """Lecture effective du fichier ``nom`` (voir ``charger_referentiel``)."""
    disponibles = referentiels_disponibles()
    if nom not in disponibles:
        liste = ", ".join(disponibles) if disponibles else "aucun"
        raise ValueError(f"Référentiel inconnu : {nom!r}. Référentiels disponibles : {liste}.")
    texte = (_dossier() / f"{nom}{_EXTENSION}").read_text(encoding="utf-8")
    try:
        donnees: object = yaml.load(texte, Loader=CHARGEUR_YAML)  # chargeur sûr (libyaml s'il est là)
    except yaml.YAMLError as erreur:
        raise ValueError(f"Référentiel {nom!r} : fichier YAML illisible ({erreur}).") from erreur
    return referentiel_depuis_donnees(donnees, nom)


# ---------------------------------------------------------------------------
# Construction et vérification
# ---------------------------------------------------------------------------


def _chiffres_romains(nombre: int) -> str:
    """Écrit un entier positif en chiffres romains (1 -> « I », 4 -> « IV »)."""
    valeurs = (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    )  # fmt: skip
    resultat = []
    for valeur, symbole in valeurs:
        quotient, nombre = divmod(nombre, valeur)
        resultat.append(symbole * quotient)
    return "".join(resultat)


def _dict(valeur: object, ou: str) -> Mapping[str, object]:
    if not isinstance(valeur, Mapping) or not all(isinstance(cle, str) for cle in valeur):
        raise ValueError(f"{ou} : un dictionnaire est attendu.")
    return valeur


def _liste(valeur: object, ou: str) -> list[object]:
    if not isinstance(valeur, list):
        raise ValueError(f"{ou} : une liste est attendue.")
    return valeur


def _entier(donnees: Mapping[str, object], cle: str, ou: str) -> int:
    valeur = donnees.get(cle)
    # bool est une sous-classe d'int : on l'écarte explicitement.
    if not isinstance(valeur, int) or isinstance(valeur, bool):
        raise ValueError(f"{ou} : le champ {cle!r} doit être un entier.")
    return valeur


def _texte(donnees: Mapping[str, object], cle: str, ou: str) -> str:
    valeur = donnees.get(cle)
    if not isinstance(valeur, str) or not valeur.strip():
        raise ValueError(f"{ou} : le champ {cle!r} doit être un texte non vide.")
    return valeur


def _textes(donnees: Mapping[str, object], cle: str, ou: str) -> tuple[str, ...]:
    elements = _liste(donnees.get(cle), f"{ou}, champ {cle!r}")
    if not elements:
        raise ValueError(f"{ou} : le champ {cle!r} ne doit pas être vide.")
    for element in elements:
        if not isinstance(element, str) or not element.strip():
            raise ValueError(f"{ou} : le champ {cle!r} ne doit contenir que des textes non vides.")
    return tuple(str(element) for element in elements)


def _decimal(valeur: object, ou: str) -> Decimal:
    """Un nombre écrit en texte dans le YAML (« "0.02" ») : jamais de flottant."""
    if not isinstance(valeur, str):
        raise ValueError(f'{ou} : un nombre entre guillemets est attendu (« "0.02" »).')
    try:
        nombre = Decimal(valeur)
    except InvalidOperation:
        raise ValueError(f"{ou} : « {valeur} » n'est pas un nombre.") from None
    if not nombre.is_finite() or nombre < 0:
        raise ValueError(f"{ou} : « {valeur} » n'est pas un nombre positif.")
    return nombre


def _fourchette(valeur: object, ou: str) -> tuple[Decimal, Decimal]:
    bornes = _liste(valeur, ou)
    if len(bornes) != 2:
        raise ValueError(f"{ou} : deux bornes sont attendues.")
    bas, haut = (_decimal(b, ou) for b in bornes)
    if not bas < haut <= 1:
        raise ValueError(f"{ou} : bornes incohérentes ({bas} et {haut}, fractions de 1).")
    return bas, haut


def _mois_jour(valeur: object, ou: str) -> tuple[int, int]:
    """« 10-01 » → (10, 1) ; vérifié sur une année bissextile."""
    try:
        date = dt.date.fromisoformat(f"2000-{valeur}")
    except (TypeError, ValueError):
        raise ValueError(f"{ou} : une date MM-JJ est attendue (« 10-01 »).") from None
    return date.month, date.day


def _parametres(donnees: object, ou: str) -> Parametres:
    brut = _dict(donnees, f"{ou}, parametres")
    part = _decimal(brut.get("part_avance"), f"{ou}, part_avance")
    if not 0 < part <= 1:
        raise ValueError(f"{ou}, part_avance : une fraction de 1 est attendue.")
    return Parametres(
        seuil_convention=_decimal(brut.get("seuil_convention"), f"{ou}, seuil_convention"),
        fourchette_recommandee=_fourchette(brut.get("fourchette_recommandee"), f"{ou}, fourchette_recommandee"),
        fourchette_observee=_fourchette(brut.get("fourchette_observee"), f"{ou}, fourchette_observee"),
        part_avance=part,
        avance_au_plus_tot=_mois_jour(brut.get("avance_au_plus_tot"), f"{ou}, avance_au_plus_tot"),
        solde=_mois_jour(brut.get("solde"), f"{ou}, solde"),
    )


def _points(donnees: Mapping[str, object], cle: str, ou: str) -> tuple[Point, ...]:
    """Une liste de points : un texte, ou ``{texte, sous_points}`` pour une liste imbriquée."""
    elements = _liste(donnees.get(cle), f"{ou}, champ {cle!r}")
    if not elements:
        raise ValueError(f"{ou} : le champ {cle!r} ne doit pas être vide.")
    points = []
    for rang, element in enumerate(elements, start=1):
        if isinstance(element, str) and element.strip():
            points.append(Point(element))
            continue
        ou_p = f"{ou}, champ {cle!r}, point n° {rang}"
        point = _dict(element, ou_p)
        if set(point) != {"texte", "sous_points"}:
            raise ValueError(f"{ou_p} : un texte, ou les seules clés 'texte' et 'sous_points', sont attendus.")
        points.append(Point(_texte(point, "texte", ou_p), _textes(point, "sous_points", ou_p)))
    return tuple(points)


def _lois_de_finances(racine: Mapping[str, object], ou: str) -> tuple[LoiDeFinances, ...]:
    """Table facultative des lois de finances, une par année, sans doublon."""
    lois = []
    for rang, brut in enumerate(_liste(racine.get("lois_de_finances", []), f"{ou}, lois_de_finances"), start=1):
        ou_l = f"{ou}, loi de finances n° {rang} de la liste"
        element = _dict(brut, ou_l)
        date = element.get("date")
        if not isinstance(date, dt.date):
            raise ValueError(f"{ou_l} : le champ 'date' doit être une date AAAA-MM-JJ.")
        lois.append(LoiDeFinances(_entier(element, "annee", ou_l), _texte(element, "numero", ou_l), date))
    annees = [loi.annee for loi in lois]
    if len(set(annees)) != len(annees):
        raise ValueError(f"{ou} : une année figure deux fois dans lois_de_finances.")
    return tuple(lois)


def _verifier_numerotation(numeros: list[int], quoi: str, ou: str) -> None:
    attendus = list(range(1, len(numeros) + 1))
    if numeros != attendus:
        raise ValueError(
            f"{ou} : les {quoi} doivent être numérotés de 1 à {len(numeros)} sans trou ni "
            f"doublon, dans l'ordre (trouvé : {numeros})."
        )


def referentiel_depuis_donnees(donnees: object, nom: str) -> Referentiel:
    """Construit un référentiel à partir des données YAML déjà lues et en vérifie la cohérence.

    Vérifie les types, la numérotation continue (1, 2, 3…) des missions, objectifs et
    actions, l'existence de la mission de chaque objectif et de l'objectif de chaque
    action, et la concordance du champ ``nom`` avec le nom demandé. Lève ``ValueError``
    (message en français) en cas d'incohérence.
    """
    ou = f"Référentiel {nom!r}"
    racine = _dict(donnees, ou)
    nom_fichier = _texte(racine, "nom", ou)
    if nom_fichier != nom:
        raise ValueError(f"{ou} : le champ 'nom' vaut {nom_fichier!r} au lieu de {nom!r}.")
    source = _texte(racine, "source", ou)
    parametres = _parametres(racine.get("parametres"), ou)

    missions: list[Mission] = []
    for rang, brut in enumerate(_liste(racine.get("missions"), f"{ou}, missions"), start=1):
        ou_m = f"{ou}, mission n° {rang} de la liste"
        element = _dict(brut, ou_m)
        mission = Mission(
            numero=_entier(element, "numero", ou_m),
            romain=_texte(element, "romain", ou_m),
            intitule=_texte(element, "intitule", ou_m),
        )
        if mission.romain != _chiffres_romains(mission.numero):
            raise ValueError(
                f"{ou_m} : le numéro romain {mission.romain!r} ne correspond pas au numéro {mission.numero}."
            )
        missions.append(mission)

    objectifs: list[Objectif] = []
    for rang, brut in enumerate(_liste(racine.get("objectifs"), f"{ou}, objectifs"), start=1):
        ou_o = f"{ou}, objectif n° {rang} de la liste"
        element = _dict(brut, ou_o)
        objectifs.append(
            Objectif(
                numero=_entier(element, "numero", ou_o),
                mission=_entier(element, "mission", ou_o),
                intitule=_texte(element, "intitule", ou_o),
            )
        )

    actions: list[ActionType] = []
    for rang, brut in enumerate(_liste(racine.get("actions"), f"{ou}, actions"), start=1):
        ou_a = f"{ou}, action n° {rang} de la liste"
        element = _dict(brut, ou_a)
        actions.append(
            ActionType(
                numero=_entier(element, "numero", ou_a),
                objectif=_entier(element, "objectif", ou_a),
                intitule=_texte(element, "intitule", ou_a),
                pourquoi=_points(element, "pourquoi", ou_a),
                comment=_points(element, "comment", ou_a),
            )
        )

    for quoi, numeros in (
        ("missions", [m.numero for m in missions]),
        ("objectifs", [o.numero for o in objectifs]),
        ("actions", [a.numero for a in actions]),
    ):
        if not numeros:
            raise ValueError(f"{ou} : la liste des {quoi} est vide.")
        _verifier_numerotation(numeros, quoi, ou)

    numeros_missions = {m.numero for m in missions}
    for objectif in objectifs:
        if objectif.mission not in numeros_missions:
            raise ValueError(
                f"{ou} : l'objectif {objectif.numero} renvoie à la mission {objectif.mission}, qui n'existe pas."
            )
    numeros_objectifs = {o.numero for o in objectifs}
    for action in actions:
        if action.objectif not in numeros_objectifs:
            raise ValueError(
                f"{ou} : l'action {action.numero} renvoie à l'objectif {action.objectif}, qui n'existe pas."
            )

    return Referentiel(
        nom=nom,
        source=source,
        missions=tuple(missions),
        objectifs=tuple(objectifs),
        actions=tuple(actions),
        parametres=parametres,
        lois_de_finances=_lois_de_finances(racine, ou),
    )
