"""Schémas JSON publiés : celui des données d'entrée et celui du contexte des gabarits.

Ils permettent à d'autres outils de produire des entrées valides et aux auteurs de
gabarits de connaître chaque variable (``convgen schema donnees``, ``convgen schema contexte``).

La description de chaque champ d'entrée n'est écrite qu'une fois, en docstring du champ dans
:mod:`convgen.modele` ; elle nourrit le schéma JSON, la feuille « Aide » du classeur et le
tableau du format d'entrée du README (des tests vérifient qu'ils concordent).
"""

from __future__ import annotations

from typing import get_args, get_origin

from pydantic import BaseModel, TypeAdapter

from convgen.modele import Convention
from convgen.schema_contexte import Contexte

__all__ = ["descriptions_des_champs", "schema_json_contexte", "schema_json_donnees"]


def schema_json_donnees() -> dict[str, object]:
    """Schéma JSON des données d'une convention (YAML ou JSON)."""
    schema = Convention.model_json_schema()
    schema["title"] = "Convention annuelle d'objectifs (données d'entrée de convgen)"
    return schema


def schema_json_contexte() -> dict[str, object]:
    """Schéma JSON du contexte offert aux gabarits, chaque clé avec sa description."""
    schema = TypeAdapter(Contexte).json_schema()
    schema["title"] = "Contexte des gabarits de convgen"
    return schema


def descriptions_des_champs() -> dict[str, str]:
    """La description de chaque champ d'entrée, par chemin, dans l'ordre du modèle.

    >>> descriptions_des_champs()["structure.adresse.code_postal"]
    'Code postal, cinq chiffres, entre guillemets.'
    >>> descriptions_des_champs()["actions[].financements[].montant"]
    'Montant apporté par ce financeur à cette action, en euros.'
    """
    resultat: dict[str, str] = {}
    _parcourir(Convention, "", resultat)
    return resultat


def _parcourir(modele: type[BaseModel], prefixe: str, resultat: dict[str, str]) -> None:
    for nom, champ in modele.model_fields.items():
        chemin = prefixe + nom
        resultat.setdefault(chemin, " ".join((champ.description or "").split()))  # docstring sur deux lignes
        for sous_modele, en_liste in _sous_modeles(champ.annotation, en_liste=False):
            _parcourir(sous_modele, chemin + ("[]." if en_liste else "."), resultat)


def _sous_modeles(annotation: object, *, en_liste: bool) -> list[tuple[type[BaseModel], bool]]:
    """Les modèles contenus dans une annotation (unions, listes, ``Annotated``), et s'ils sont en liste."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [(annotation, en_liste)]
    en_liste = en_liste or get_origin(annotation) is list
    return [trouve for argument in get_args(annotation) for trouve in _sous_modeles(argument, en_liste=en_liste)]
