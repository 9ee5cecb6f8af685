"""Lecture des données d'une convention (YAML, JSON ou dictionnaire Python).

Toutes les erreurs de forme sont rassemblées en une fois et traduites en constats
français situés par le chemin du champ et, pour le YAML, par le numéro de ligne.
Les nombres décimaux sont lus directement en ``Decimal`` : un montant ne passe
jamais par un flottant. Le YAML est lu par libyaml quand PyYAML en dispose, par le
lecteur en Python sinon (mêmes lignes, mêmes bornes, mêmes refus). Les formes que
YAML 1.1 lit de façon surprenante (``012000`` en octal, ``190:20:30`` en base 60,
``0x1F``) et les clés en double sont refusées, situées par leur ligne.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from convgen.erreurs import Constat, DonneesInvalides, FichierIllisible, Gravite, motif_systeme
from convgen.fichiers import lire_ordinaire
from convgen.modele import ETIQUETTES_ACTION, Convention

TAILLE_MAX = 2 * 1024 * 1024
"""Un fichier de convention fait quelques dizaines de kilo-octets ; au-delà de 2 Mio, c'est une erreur."""
ALIAS_MAX = 200
"""Borne les alias YAML (« &a … *a ») : une « bombe » d'alias ferait exploser la mémoire."""
VALEURS_MAX = 100_000
"""Borne les valeurs une fois les alias développés : 9 alias sur 9 niveaux en font déjà 387 millions."""


class _Bornes:
    """Composition commune aux deux lecteurs YAML : les alias (« &a … *a ») sont comptés à la lecture."""

    alias_vus = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):  # type: ignore[attr-defined]
            self.alias_vus += 1
            if self.alias_vus > ALIAS_MAX:
                raise yaml.YAMLError(f"plus de {ALIAS_MAX} alias YAML : fichier refusé")
        return super().compose_node(parent, index)  # type: ignore[misc]


class _ChargeurPython(_Bornes, yaml.SafeLoader):
    """Lecteur YAML entièrement en Python : sert quand libyaml manque, et pour dire l'erreur d'un fichier mal formé."""


_ChargeurYaml: type[Any] = _ChargeurPython
"""Le lecteur des fichiers bien formés : libyaml quand PyYAML en dispose (dix fois plus rapide)."""

try:
    from yaml._yaml import CParser
except ImportError:  # PyYAML installé sans libyaml
    pass
else:

    class _ChargeurLibyaml(_Bornes, Composer, CParser, SafeConstructor, Resolver):
        """Évènements lus par libyaml (en C), composés en Python : mêmes nœuds, mêmes lignes, mêmes bornes."""

        def __init__(self, texte: str) -> None:
            CParser.__init__(self, texte)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    _ChargeurYaml = _ChargeurLibyaml


def _decimal_yaml(chargeur: Any, noeud: yaml.Node) -> Any:
    valeur = chargeur.construct_scalar(noeud)
    texte = str(valeur).replace("_", "")
    try:
        return Decimal(texte)
    except ArithmeticError:  # .inf, .nan : laissés au modèle, qui les refuse
        return chargeur.construct_yaml_float(noeud)


def _date_yaml(chargeur: Any, noeud: yaml.Node) -> Any:
    try:
        return chargeur.construct_yaml_timestamp(noeud)
    except ValueError:  # 2009-02-30 : laissée en texte, le modèle la refuse en nommant le champ
        return chargeur.construct_scalar(noeud)


for _classe in (_ChargeurPython, _ChargeurYaml):  # type: type[Any]
    _classe.add_constructor("tag:yaml.org,2002:float", _decimal_yaml)
    _classe.add_constructor("tag:yaml.org,2002:timestamp", _date_yaml)

# YAML 1.1 (celui de PyYAML) lit « 012000 » en octal (5 120), « 190:20:30 » en base 60, « 0x1F » en
# hexadécimal et « 0b101 » en binaire ; YAML 1.2 lit « 0o17 » en octal. Ces formes sont refusées.
_AMBIGUS = (
    (re.compile(r"[-+]?0[xX][0-9a-fA-F_]+"), "nombre hexadécimal"),
    (re.compile(r"[-+]?0[oO][0-7_]+"), "nombre octal"),
    (re.compile(r"[-+]?0[bB][01_]+"), "nombre binaire"),
    (re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?"), "écriture en base 60, sexagésimale"),
    (re.compile(r"[-+]?0[0-9_]+(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?"), "zéro en tête, lu en octal par YAML"),
)


def nombre_ambigu(texte: str) -> str | None:
    """La forme ambiguë d'un nombre écrit sans guillemets en YAML, ou None s'il se lit sans surprise.

    >>> nombre_ambigu("012000"), nombre_ambigu("190:20:30"), nombre_ambigu("0x1F")
    ('zéro en tête, lu en octal par YAML', 'écriture en base 60, sexagésimale', 'nombre hexadécimal')
    >>> nombre_ambigu("32000"), nombre_ambigu("0.5"), nombre_ambigu("0"), nombre_ambigu("2009-03-02")
    (None, None, None, None)
    """
    return next((forme for motif, forme in _AMBIGUS if motif.fullmatch(texte)), None)


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
        octets, taille = lire_ordinaire(chemin, TAILLE_MAX)  # ni tube ni /dev/zero : ils ne finiraient pas
        if taille > TAILLE_MAX:
            raise FichierIllisible(
                f"fichier trop gros ({-(-taille // 1024)} Kio ; au plus {TAILLE_MAX // 1024} Kio)", fichier=chemin
            )
        texte = octets.decode("utf-8-sig")
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


class _CleEnDouble(Exception):
    def __init__(self, cle: str) -> None:
        self.cle = cle
        self.message = f"clé « {cle} » en double : une seule des deux valeurs serait gardée"


def _sans_double(paires: list[tuple[str, Any]]) -> dict[str, Any]:
    """Objet JSON dont les clés sont uniques (``json`` garderait la dernière sans rien dire)."""
    objet: dict[str, Any] = {}
    for cle, valeur in paires:
        if cle in objet:
            raise _CleEnDouble(cle)
        objet[cle] = valeur
    return objet


def _lire_json(texte: str, chemin: Path) -> dict[str, Any]:
    try:
        donnees = json.loads(texte, parse_float=Decimal, object_pairs_hook=_sans_double)
    except _CleEnDouble as exc:
        constat = Constat("cle-en-double", Gravite.ERREUR, exc.message, exc.cle, fichier=str(chemin))
        raise DonneesInvalides([constat], fichier=chemin) from None
    except json.JSONDecodeError as exc:
        raise FichierIllisible(f"JSON mal formé : {exc.msg}", fichier=chemin, ligne=exc.lineno) from None
    except RecursionError:
        raise FichierIllisible("JSON refusé : imbrication trop profonde", fichier=chemin) from None
    except ValueError:  # nombre entier de plus de 4 300 chiffres (limite de Python)
        raise FichierIllisible("JSON refusé : nombre démesuré", fichier=chemin) from None
    return _verifier_racine(donnees, chemin)


def _lire_yaml(texte: str, chemin: Path) -> tuple[dict[str, Any], dict[str, int]]:
    try:
        try:
            return _composer_yaml(_ChargeurYaml, texte, chemin)
        except yaml.MarkedYAMLError:
            if _ChargeurYaml is _ChargeurPython:
                raise
            # Fichier mal formé : le lecteur Python le relit pour situer et dire l'erreur comme toujours.
            return _composer_yaml(_ChargeurPython, texte, chemin)
    except yaml.MarkedYAMLError as exc:
        ligne = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise FichierIllisible(f"YAML mal formé : {_probleme_yaml(exc.problem)}", fichier=chemin, ligne=ligne) from None
    except yaml.YAMLError as exc:
        raise FichierIllisible(f"YAML refusé : {exc}", fichier=chemin) from None
    except RecursionError:
        raise FichierIllisible("YAML refusé : imbrication trop profonde", fichier=chemin) from None
    except ValueError:  # nombre entier de plus de 4 300 chiffres, date impossible hors d'un champ
        raise FichierIllisible("YAML refusé : valeur démesurée ou impossible", fichier=chemin) from None


def _composer_yaml(classe: type[Any], texte: str, chemin: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """Compose le document, relève la ligne de chaque champ et refuse nombres ambigus et clés en double."""
    chargeur = classe(texte)
    try:
        noeud = chargeur.get_single_node()
        lignes: dict[str, int] = {}
        constats: dict[tuple[int, str], Constat] = {}
        if noeud is not None:
            _relever_lignes(noeud, (), lignes, constats)
        if constats:
            raise DonneesInvalides([replace(c, fichier=str(chemin)) for c in constats.values()], fichier=chemin)
        donnees = chargeur.construct_document(noeud) if noeud is not None else None
    finally:
        chargeur.dispose()
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


def _relever_lignes(
    noeud: yaml.Node, loc: tuple[int | str, ...], lignes: dict[str, int], constats: dict[tuple[int, str], Constat]
) -> None:
    """Associe à chaque chemin de champ la ligne du fichier YAML où il figure ; relève les formes refusées."""
    if len(lignes) > VALEURS_MAX:
        raise yaml.YAMLError(f"plus de {VALEURS_MAX} valeurs une fois les alias développés : fichier refusé")
    ligne = noeud.start_mark.line + 1
    lignes.setdefault(chemin_lisible(loc, etiquettes=False), ligne)
    # Sans guillemets : style None pour le lecteur Python, « '' » pour libyaml.
    if isinstance(noeud, yaml.ScalarNode) and not noeud.style and (forme := nombre_ambigu(noeud.value)):
        message = (
            f"nombre ambigu « {noeud.value} » ({forme}) : écrivez un montant sans zéro en tête ni « : » "
            f'(32000, ou "32 000,00" entre guillemets) et un code entre guillemets ("{noeud.value}")'
        )
        constats.setdefault((ligne, "ambigu"), _constat_yaml("montant-invalide", message, loc, ligne))
    elif isinstance(noeud, yaml.MappingNode):
        vues: dict[str, int] = {}
        for cle, valeur in noeud.value:
            sous_loc = (*loc, str(cle.value))
            ligne_cle = cle.start_mark.line + 1
            if str(cle.value) in vues and cle.value != "<<":
                message = (
                    f"clé « {cle.value} » en double (déjà ligne {vues[str(cle.value)]}) : "
                    "une seule des deux valeurs serait gardée"
                )
                constats.setdefault((ligne_cle, "double"), _constat_yaml("cle-en-double", message, sous_loc, ligne_cle))
            vues.setdefault(str(cle.value), ligne_cle)
            lignes[chemin_lisible(sous_loc, etiquettes=False)] = ligne_cle
            _relever_lignes(valeur, sous_loc, lignes, constats)
    elif isinstance(noeud, yaml.SequenceNode):
        for indice, element in enumerate(noeud.value):
            _relever_lignes(element, (*loc, indice), lignes, constats)


def _constat_yaml(code: str, message: str, loc: tuple[int | str, ...], ligne: int) -> Constat:
    return Constat(code, Gravite.ERREUR, message, chemin_lisible(loc, etiquettes=False), ligne=ligne)


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
    "forme_absente": "champ-manquant",
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
