"""Lecture des données d'une convention (YAML, JSON ou dictionnaire Python).

Toutes les erreurs de forme sont rassemblées en une fois et traduites en constats
français situés par le chemin du champ et, pour le YAML, par le numéro de ligne.
Les nombres décimaux sont lus directement en ``Decimal`` : un montant ne passe
jamais par un flottant.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from convgen.erreurs import Constat, DonneesInvalides, FichierIllisible, Gravite, motif_systeme
from convgen.modele import ETIQUETTES_ACTION, Convention

TAILLE_MAX = 2 * 1024 * 1024
"""Un fichier de convention fait quelques dizaines de kilo-octets ; au-delà de 2 Mio, c'est une erreur."""
ALIAS_MAX = 200
"""Borne les alias YAML (« &a … *a ») : une « bombe » d'alias ferait exploser la mémoire."""
VALEURS_MAX = 100_000
"""Borne les valeurs une fois les alias développés : 9 alias sur 9 niveaux en font déjà 387 millions."""


class _ChargeurYaml(yaml.SafeLoader):
    """YAML sûr, dont les nombres décimaux deviennent des ``Decimal`` et les alias sont bornés."""

    alias_vus = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.alias_vus += 1
            if self.alias_vus > ALIAS_MAX:
                raise yaml.YAMLError(f"plus de {ALIAS_MAX} alias YAML : fichier refusé")
        return super().compose_node(parent, index)


def _decimal_yaml(chargeur: yaml.SafeLoader, noeud: yaml.Node) -> Any:
    valeur = chargeur.construct_scalar(noeud)  # type: ignore[arg-type]
    texte = str(valeur).replace("_", "")
    try:
        return Decimal(texte)
    except ArithmeticError:  # .inf, .nan : laissés au modèle, qui les refuse
        return chargeur.construct_yaml_float(noeud)  # type: ignore[arg-type]


def _date_yaml(chargeur: yaml.SafeLoader, noeud: yaml.Node) -> Any:
    try:
        return chargeur.construct_yaml_timestamp(noeud)  # type: ignore[arg-type]
    except ValueError:  # 2009-02-30 : laissée en texte, le modèle la refuse en nommant le champ
        return chargeur.construct_scalar(noeud)  # type: ignore[arg-type]


_ChargeurYaml.add_constructor("tag:yaml.org,2002:float", _decimal_yaml)
_ChargeurYaml.add_constructor("tag:yaml.org,2002:timestamp", _date_yaml)


def chemin_lisible(loc: tuple[int | str, ...], *, etiquettes: bool = True) -> str:
    """``("actions", 2, "annexe", "cout")`` → ``"actions[2].cout"``.

    Avec ``etiquettes`` (chemin venu de pydantic), l'étiquette de l'union qui suit
    l'indice d'une action est omise ; une clé qui porte le même nom est gardée.

    >>> chemin_lisible(("actions", 2, "locale", "financements", 0, "montant"))
    'actions[2].financements[0].montant'
    >>> chemin_lisible(("actions", 4, "locale", "locale"))
    'actions[4].locale'
    """
    texte = ""
    for i, morceau in enumerate(loc):
        if isinstance(morceau, int):
            texte += f"[{morceau}]"
        elif not (etiquettes and i == 2 and loc[0] == "actions" and morceau in ETIQUETTES_ACTION):
            texte += f".{morceau}" if texte else str(morceau)
    return texte


def lire(chemin: str | Path) -> tuple[dict[str, Any], dict[str, int]]:
    """Lit un fichier YAML ou JSON : les données et, pour le YAML, la ligne de chaque champ."""
    chemin = Path(chemin)
    try:
        taille = chemin.stat().st_size
        if taille > TAILLE_MAX:
            raise FichierIllisible(
                f"fichier trop gros ({-(-taille // 1024)} Kio ; au plus {TAILLE_MAX // 1024} Kio)", fichier=chemin
            )
        texte = chemin.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise FichierIllisible("fichier introuvable", fichier=chemin) from None
    except IsADirectoryError:
        raise FichierIllisible("c'est un dossier, pas un fichier", fichier=chemin) from None
    except UnicodeDecodeError as exc:
        raise FichierIllisible(
            f"le fichier n'est pas en UTF-8 (octet illisible en position {exc.start + 1})", fichier=chemin
        ) from None
    except OSError as exc:
        raise FichierIllisible(f"lecture impossible ({motif_systeme(exc)})", fichier=chemin) from None
    if chemin.suffix.lower() == ".json":
        return _lire_json(texte, chemin), {}
    return _lire_yaml(texte, chemin)


def _lire_json(texte: str, chemin: Path) -> dict[str, Any]:
    try:
        donnees = json.loads(texte, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise FichierIllisible(f"JSON mal formé : {exc.msg}", fichier=chemin, ligne=exc.lineno) from None
    except RecursionError:
        raise FichierIllisible("JSON refusé : imbrication trop profonde", fichier=chemin) from None
    except ValueError:  # nombre entier de plus de 4 300 chiffres (limite de Python)
        raise FichierIllisible("JSON refusé : nombre démesuré", fichier=chemin) from None
    return _verifier_racine(donnees, chemin)


def _lire_yaml(texte: str, chemin: Path) -> tuple[dict[str, Any], dict[str, int]]:
    try:
        chargeur = _ChargeurYaml(texte)
        try:
            noeud = chargeur.get_single_node()
            lignes: dict[str, int] = {}
            if noeud is not None:
                _relever_lignes(noeud, (), lignes)
            donnees = chargeur.construct_document(noeud) if noeud is not None else None
        finally:
            chargeur.dispose()
    except yaml.MarkedYAMLError as exc:
        ligne = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise FichierIllisible(f"YAML mal formé : {_probleme_yaml(exc.problem)}", fichier=chemin, ligne=ligne) from None
    except yaml.YAMLError as exc:
        raise FichierIllisible(f"YAML refusé : {exc}", fichier=chemin) from None
    except RecursionError:
        raise FichierIllisible("YAML refusé : imbrication trop profonde", fichier=chemin) from None
    except ValueError:  # nombre entier de plus de 4 300 chiffres, date impossible hors d'un champ
        raise FichierIllisible("YAML refusé : valeur démesurée ou impossible", fichier=chemin) from None
    return _verifier_racine(donnees, chemin), lignes


_PROBLEMES_YAML = {
    "mapping values are not allowed": "« : » inattendu (une valeur contenant « : » doit être entre guillemets)",
    "found character '\\t'": "tabulation interdite en YAML : indentez avec des espaces",
    "could not find expected ':'": "« : » attendu après la clé",
    "found unhashable key": "clé invalide (une liste ou un dictionnaire ne peut pas servir de clé)",
    "found undefined alias": "alias « * » sans ancre « & » correspondante",
    "expected <block end>": "indentation incohérente",
    "did not find expected key": "indentation incohérente ou clé attendue",
    "found unexpected end of stream": "fin de fichier inattendue (guillemet ou crochet non fermé ?)",
}


def _probleme_yaml(probleme: str | None) -> str:
    """Le problème signalé par PyYAML, en français pour les plus courants."""
    texte = probleme or "erreur de syntaxe"
    return next((fr for en, fr in _PROBLEMES_YAML.items() if texte.startswith(en)), texte)


def _relever_lignes(noeud: yaml.Node, loc: tuple[int | str, ...], lignes: dict[str, int]) -> None:
    """Associe à chaque chemin de champ la ligne du fichier YAML où il figure."""
    if len(lignes) > VALEURS_MAX:
        raise yaml.YAMLError(f"plus de {VALEURS_MAX} valeurs une fois les alias développés : fichier refusé")
    lignes.setdefault(chemin_lisible(loc, etiquettes=False), noeud.start_mark.line + 1)
    if isinstance(noeud, yaml.MappingNode):
        for cle, valeur in noeud.value:
            sous_loc = (*loc, str(cle.value))
            lignes[chemin_lisible(sous_loc, etiquettes=False)] = cle.start_mark.line + 1
            _relever_lignes(valeur, sous_loc, lignes)
    elif isinstance(noeud, yaml.SequenceNode):
        for indice, element in enumerate(noeud.value):
            _relever_lignes(element, (*loc, indice), lignes)


def _verifier_racine(donnees: Any, chemin: Path) -> dict[str, Any]:
    if not isinstance(donnees, dict):
        raise FichierIllisible(
            "le fichier doit décrire une convention : des clés « annee », « region », « structure »…",
            fichier=chemin,
        )
    return donnees


def depuis_donnees(
    donnees: Mapping[str, Any], *, fichier: str | Path | None = None, lignes: Mapping[str, int] | None = None
) -> Convention:
    """Construit une convention à partir d'un dictionnaire ; toutes les erreurs à la fois."""
    try:
        return Convention.model_validate(donnees)
    except ValidationError as exc:
        fichier_texte = None if fichier is None else str(fichier)
        constats = [_constat(e, fichier_texte, lignes or {}) for e in exc.errors()]
        raise DonneesInvalides(constats, fichier=fichier) from None


def charger(chemin: str | Path) -> Convention:
    """Lit et valide le fichier YAML ou JSON d'une convention.

    Lève :class:`~convgen.erreurs.FichierIllisible` si le fichier ne peut pas être lu
    et :class:`~convgen.erreurs.DonneesInvalides` (avec tous les constats) si ses
    données ne forment pas une convention.
    """
    donnees, lignes = lire(chemin)
    return depuis_donnees(donnees, fichier=chemin, lignes=lignes)


# --- Traduction des erreurs de pydantic -------------------------------------------------

_CODES = {
    "missing": "champ-manquant",
    "extra_forbidden": "champ-inconnu",
    "texte_invalide": "texte-invalide",
    "texte_vide": "champ-vide",
    "action_inconnue": "action-inconnue",
    "montant_invalide": "montant-invalide",
    "identifiant_nombre": "donnee-invalide",
    "decimal_parsing": "montant-invalide",
    "decimal_type": "montant-invalide",
    "finite_number": "montant-invalide",
}

_MESSAGES = {
    "missing": "champ obligatoire absent",
    "int_parsing": "un nombre entier est attendu",
    "int_type": "un nombre entier est attendu",
    "int_from_float": "un nombre entier est attendu",
    "string_type": "un texte est attendu",
    "list_type": "une liste est attendue",
    "dict_type": "un ensemble de clés et de valeurs est attendu",
    "model_type": "un ensemble de clés et de valeurs est attendu",
    "model_attributes_type": "un ensemble de clés et de valeurs est attendu",
    "date_type": "une date est attendue (AAAA-MM-JJ)",
    "date_parsing": "une date est attendue (AAAA-MM-JJ)",
    "date_from_datetime_parsing": "une date est attendue (AAAA-MM-JJ)",
    "date_from_datetime_inexact": "une date sans heure est attendue (AAAA-MM-JJ)",
    "decimal_parsing": "un montant est attendu",
    "decimal_type": "un montant est attendu",
    "finite_number": "un montant doit être un nombre fini",
    "bool_type": "oui ou non (true ou false) est attendu",
}


def _message(erreur: ErrorDetails) -> str:
    type_, ctx = erreur["type"], erreur.get("ctx", {})
    if type_ in _MESSAGES:
        return _MESSAGES[type_]
    if type_ == "extra_forbidden":
        return f"champ inconnu « {erreur['loc'][-1]} » (vérifiez l'orthographe de la clé)"
    if type_ == "literal_error":
        possibles = str(ctx.get("expected", "")).replace(" or ", " ou ")
        return f"valeur « {erreur['input']} » non prévue ; valeurs possibles : {possibles}"
    if type_ in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        signe = {"greater_than_equal": "≥", "less_than_equal": "≤", "greater_than": ">", "less_than": "<"}
        borne = next(iter(ctx.values()))
        return f"la valeur {erreur['input']} doit être {signe[type_]} {borne}"
    if type_ == "too_short":
        return f"il en faut au moins {ctx.get('min_length')}"
    if type_ == "too_long":
        return f"il en faut au plus {ctx.get('max_length')}"
    if type_ == "string_pattern_mismatch":
        return f"« {erreur['input']} » n'a pas la forme attendue (un code postal a cinq chiffres)"
    if type_ in ("union_tag_invalid", "union_tag_not_found"):
        return "une action doit avoir soit « numero » (annexe-type), soit « objectif » (action locale)"
    if type_.endswith(("_invalide", "_inconnue", "_vide", "_nombre")):
        return erreur["msg"]  # nos propres messages, déjà en français
    return f"valeur refusée ({erreur['msg']})"


def _constat(erreur: ErrorDetails, fichier: str | None, lignes: Mapping[str, int]) -> Constat:
    chemin = chemin_lisible(erreur["loc"])
    ligne = lignes.get(chemin)
    if ligne is None and "." in chemin:  # champ absent : la ligne de son parent
        ligne = lignes.get(chemin.rsplit(".", 1)[0])
    code = _CODES.get(erreur["type"], "donnee-invalide")
    return Constat(code, Gravite.ERREUR, _message(erreur), chemin, fichier=fichier, ligne=ligne)


def constats_de_validation(
    exc: ValidationError, *, fichier: str | Path | None = None, lignes: Mapping[str, int] | None = None
) -> list[Constat]:
    """Les erreurs de pydantic d'un autre modèle (réalisation d'un compte rendu…) en constats situés."""
    return [_constat(e, None if fichier is None else str(fichier), lignes or {}) for e in exc.errors()]
