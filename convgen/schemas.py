"""Schémas JSON publiés : celui des données d'entrée et celui du contexte des gabarits.

Ils permettent à d'autres outils de produire des entrées valides et aux auteurs de
gabarits de connaître chaque variable (``convgen schema donnees``, ``convgen schema contexte``).
"""

from __future__ import annotations

from pydantic import TypeAdapter

from convgen.modele import Convention
from convgen.schema_contexte import Contexte

__all__ = ["schema_json_contexte", "schema_json_donnees"]


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
