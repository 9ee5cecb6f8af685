"""Analyse des noms d'un gabarit : chaque variable, chaque champ, chaque filtre, contre le contrat du contexte.

L'arbre Jinja des balises est parcouru avec la portée des noms et le type de chacun (les
``TypedDict`` de :mod:`convgen.schema_contexte`). Une variable inconnue vient avec les noms connus
les plus proches (``difflib``) : « structure.nmo » fait proposer « structure.nom ».
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

import typing_extensions
from jinja2 import nodes

from convgen.schema_contexte import Contexte

__all__ = ["FILTRES_PERMIS", "TESTS_PERMIS", "analyser"]

FILTRES_PERMIS = frozenset(
    "upper lower capitalize title trim default d length count join first last replace e escape".split()  # noqa: SIM905
)
TESTS_PERMIS = frozenset(
    "defined undefined none true false string number odd even divisibleby eq ne lt le gt ge in".split()  # noqa: SIM905
)
_SCHEMA = " (voir convgen schema contexte)"
_INTERDITS: dict[type[nodes.Node], str] = {
    nodes.Macro: "macro", nodes.CallBlock: "call", nodes.Include: "include",
    nodes.Import: "import", nodes.FromImport: "from", nodes.Extends: "extends",
}  # fmt: skip

_OUTILS = ("range", "namespace")  # offerts par Jinja : jamais proposés à la place d'une donnée mal tapée

Signaler = Callable[[int, str], None]
"""Reçoit le numéro de ligne Jinja (une balise par ligne) et le message."""


class _Boucle:
    """Ce que la variable ``loop`` offre dans une boucle Jinja."""

    index = index0 = revindex = revindex0 = length = depth = depth0 = 0
    first = last = False
    previtem = nextitem = cycle = changed = None


def analyser(modele: nodes.Template, signaler: Signaler, schema: Any = Contexte) -> None:
    """Signale variables inconnues, accès internes, filtres, tests et instructions interdits.

    ``schema`` : le TypedDict des variables offertes au gabarit (par défaut, le contexte de la convention).
    """
    _Analyse(signaler).bloc(modele.body, {**_champs(schema), **dict.fromkeys(_OUTILS, Any)})


def inconnue(chemin: str, connus: Iterable[str], prefixe: str = "") -> str:
    """Le message d'une variable inconnue, avec les noms connus les plus proches.

    >>> inconnue("structure.nmo", ["nom", "sigle", "siret"], "structure.")
    'variable inconnue « structure.nmo » : vouliez-vous dire « structure.nom » ? (voir convgen schema contexte)'
    >>> inconnue("page", ["convention", "structure"])
    'variable inconnue « page » (voir convgen schema contexte)'
    """
    dernier = chemin.rsplit(".", 1)[-1]
    proches = difflib.get_close_matches(dernier, sorted(c for c in connus if not c.startswith("_")), n=3, cutoff=0.6)
    if not proches:
        return f"variable inconnue « {chemin} »{_SCHEMA}"
    noms = " ou ".join(f"« {prefixe}{p} »" for p in proches)
    return f"variable inconnue « {chemin} » : vouliez-vous dire {noms} ?{_SCHEMA}"


@lru_cache(maxsize=64)
def _champs(typed_dict: Any) -> dict[str, Any]:
    return typing.get_type_hints(typed_dict)


def _sans_none(tp: Any) -> Any:
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        reste = [a for a in typing.get_args(tp) if a is not type(None)]
        return reste[0] if len(reste) == 1 else Any
    return tp


def _element(tp: Any) -> Any:
    """Type des éléments d'une liste (``list[CtxMission]`` donne ``CtxMission``)."""
    tp = _sans_none(tp)
    return typing.get_args(tp)[0] if typing.get_origin(tp) is list else Any


def _chemin(n: nodes.Node) -> str:
    """Le chemin lisible d'un accès : « mission.objectifs », « versements[0].date »."""
    if isinstance(n, nodes.Getattr):
        return f"{_chemin(n.node)}.{n.attr}"
    if isinstance(n, nodes.Getitem):
        return f"{_chemin(n.node)}[{n.arg.value!r}]" if isinstance(n.arg, nodes.Const) else f"{_chemin(n.node)}[…]"
    return str(getattr(n, "name", "…"))


class _Analyse:
    """Parcourt l'arbre Jinja avec la portée des noms et le type de chacun (TypedDict de schema_contexte)."""

    def __init__(self, signaler: Signaler) -> None:
        self._signaler = signaler

    def signaler(self, n: nodes.Node, message: str) -> None:
        self._signaler(n.lineno, message)

    def bloc(self, corps: Iterable[nodes.Node | None], portee: dict[str, Any]) -> None:
        for n in corps:
            if n is not None:
                (self.expr if isinstance(n, nodes.Expr) else self.instruction)(n, portee)

    def instruction(self, n: nodes.Node, portee: dict[str, Any]) -> None:
        if type(n) in _INTERDITS:
            self.signaler(n, f"instruction « {_INTERDITS[type(n)]} » non autorisée dans un gabarit")
            portee.update({getattr(n, "name", ""): Any})  # pas de « variable inconnue » en plus pour une macro
        elif isinstance(n, nodes.For):
            interieur, element = {**portee, "loop": _Boucle}, _element(self.expr(n.iter, portee))
            self.expr(n.target, interieur)
            if isinstance(n.target, nodes.Name):
                interieur[n.target.name] = element
            self.bloc([n.test, *n.body], interieur)
            self.bloc(n.else_, portee)
        elif isinstance(n, nodes.Assign) and isinstance(n.target, nodes.Name):
            portee[n.target.name] = self.expr(n.node, portee)
        elif isinstance(n, nodes.ScopedEvalContextModifier | nodes.EvalContextModifier):
            if any(not (isinstance(o.value, nodes.Const) and o.value.value is True) for o in n.options):
                self.signaler(n, "le bloc autoescape désactive l'échappement : interdit")
            self.bloc(getattr(n, "body", []), portee)
        else:  # if, with, set … endset, filter… : mêmes règles pour les enfants
            self.bloc(n.iter_child_nodes(), portee)

    def expr(self, n: nodes.Node, portee: dict[str, Any]) -> Any:
        """Type de l'expression (``Any`` si inconnu) ; un nom affecté (``set``, ``with``) entre dans la portée."""
        if isinstance(n, nodes.Name) and n.ctx != "load":
            portee[n.name] = portee.get(n.name, Any)
        elif isinstance(n, nodes.Name):
            if n.name in portee:
                return portee[n.name]
            self.signaler(n, inconnue(n.name, (k for k in portee if k not in _OUTILS)))
            return Any
        if isinstance(n, nodes.Getattr | nodes.Getitem):
            return self.acces(n, portee)
        if isinstance(n, nodes.Filter | nodes.Test):
            self.filtre_ou_test(n)
        for enfant in n.iter_child_nodes():
            self.expr(enfant, portee)
        return Any

    def filtre_ou_test(self, n: nodes.Filter | nodes.Test) -> None:
        if isinstance(n, nodes.Filter) and n.name == "safe":
            self.signaler(n, "le filtre safe désactive l'échappement : interdit")
        elif isinstance(n, nodes.Filter) and n.name not in FILTRES_PERMIS:
            self.signaler(n, f"filtre « {n.name} » non autorisé (permis : {', '.join(sorted(FILTRES_PERMIS))})")
        elif isinstance(n, nodes.Test) and n.name not in TESTS_PERMIS:
            self.signaler(n, f"test « {n.name} » non autorisé (permis : {', '.join(sorted(TESTS_PERMIS))})")

    def acces(self, n: nodes.Getattr | nodes.Getitem, portee: dict[str, Any]) -> Any:
        """Type de ``x.a`` ou ``x["a"]`` ; signale l'attribut interne ou absent du schéma."""
        if isinstance(n, nodes.Getattr):
            cle: Any = n.attr
        elif isinstance(n.arg, nodes.Const):
            cle = n.arg.value
        else:
            self.expr(n.arg, portee)
            cle = None
        base = _sans_none(self.expr(n.node, portee))
        if isinstance(cle, str) and cle.startswith("_"):
            self.signaler(n, f"accès à un attribut interne « {cle} » : interdit")
            return Any
        if base is Any or cle is None:
            return Any
        if isinstance(cle, int):
            return _element(base)
        connus: Iterable[str] = ()
        if typing_extensions.is_typeddict(base):
            champs = _champs(base)
            if cle in champs or hasattr(dict, cle):
                return champs.get(cle, Any)
            connus = champs
        elif hasattr(typing.get_origin(base) or base, cle):
            return Any
        elif isinstance(base, type):
            connus = dir(base)
        self.signaler(n, inconnue(_chemin(n), connus, _chemin(n.node) + "."))
        return Any
