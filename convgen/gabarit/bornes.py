"""Bornes du rendu : un gabarit ne peut ni tourner sans fin, ni épuiser la mémoire.

Le bac à sable de Jinja interdit l'accès aux rouages de Python, mais laisse un gabarit hostile
demander deux boucles imbriquées de ``range(100000)``, ``'a' * 10**10`` ou un texte qu'on double à
chaque ligne. Chaque document est donc rendu avec un budget (:class:`Budget`) :

- une **durée** (:data:`DUREE_MAX`), contrôlée à chaque tour de boucle et à chaque opération
  surveillée ; un **nombre de tours de boucle** (:data:`TOURS_MAX`), toutes boucles confondues ;
- une **taille** pour chaque valeur calculée (:data:`TEXTE_MAX` caractères ou éléments), vérifiée
  *avant* de calculer (``*``, ``**``, ``+``, ``%``, ``replace``, ``join``, ``center``…) ou juste
  après une concaténation ``~`` de valeurs déjà bornées ; et une taille pour le document rendu
  (:data:`RENDU_MAX`), comptée morceau par morceau.

Un dépassement lève :class:`LimiteDepassee`, que :mod:`convgen.gabarit.rendu` traduit en erreur
française nommant le gabarit. La boucle récursive (``loop(…)``) sans fin est arrêtée par Python lui-même
(``RecursionError``, traduite au même endroit) ; les macros sont refusées dès la vérification.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Iterable, Iterator, Sized
from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.filters import do_join, do_replace
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

__all__ = [
    "DUREE_MAX",
    "RENDU_MAX",
    "TEXTE_MAX",
    "TOURS_MAX",
    "Budget",
    "EnvironnementBorne",
    "LimiteDepassee",
    "budget",
    "fermer_budget",
    "nouveau_budget",
]

DUREE_MAX = 20.0
"""Secondes de rendu au plus par document ; une convention se rend en quelques millisecondes."""
TOURS_MAX = 1_000_000
"""Tours de boucle au plus par document ; une convention en fait quelques centaines."""
TEXTE_MAX = 5_000_000
"""Caractères (ou éléments) au plus d'une valeur calculée par le gabarit."""
RENDU_MAX = 100_000_000
"""Caractères au plus d'un document rendu ; la convention livrée en fait moins d'un million."""
_PUISSANCE_MAX = 256
"""Exposant au plus de ``**`` : ``10 ** 10 ** 10`` ne se calcule pas en un temps raisonnable."""


class LimiteDepassee(Exception):
    """Le gabarit a dépassé une borne du rendu ; le message dit laquelle, en français."""


class Budget:
    """Ce qu'il reste à un document : temps, tours de boucle, caractères rendus."""

    def __init__(self, duree: float | None = None) -> None:
        duree = DUREE_MAX if duree is None else duree
        self.echeance = time.monotonic() + duree
        self.duree = duree
        self.tours = 0
        self.rendu = 0
        self.morceaux = 0

    def controler(self) -> None:
        if time.monotonic() > self.echeance:
            raise LimiteDepassee(f"rendu interrompu après {self.duree:g} s (boucles ou calculs démesurés)")

    def tour(self) -> None:
        self.tours += 1
        if self.tours > TOURS_MAX:
            raise LimiteDepassee(f"plus de {TOURS_MAX:,} tours de boucle : rendu interrompu".replace(",", "\u202f"))
        if not self.tours % 1024:
            self.controler()

    def rendre(self, morceau: str) -> None:
        self.rendu += len(morceau)
        self.morceaux += 1
        if not self.morceaux % 1024:
            self.controler()
        if self.rendu > RENDU_MAX:
            raise LimiteDepassee(f"document rendu démesuré (plus de {RENDU_MAX // 1_000_000} millions de caractères)")


_BUDGET: contextvars.ContextVar[Budget] = contextvars.ContextVar("budget_rendu")


def budget() -> Budget:
    """Le budget du document en cours ; hors rendu (constantes calculées à la compilation), un budget neuf."""
    try:
        return _BUDGET.get()
    except LookupError:
        return Budget()


def nouveau_budget(duree: float | None = None) -> contextvars.Token[Budget]:
    """Ouvre le budget d'un document ; rendre le jeton à :func:`fermer_budget` à la fin du rendu."""
    return _BUDGET.set(Budget(duree))


def fermer_budget(jeton: contextvars.Token[Budget]) -> None:
    _BUDGET.reset(jeton)


def _borner(taille: int, quoi: str) -> None:
    if taille > TEXTE_MAX:
        raise LimiteDepassee(
            f"{quoi} démesuré ({taille:,} caractères ou éléments ; au plus {TEXTE_MAX:,})".replace(",", "\u202f")
        )
    budget().controler()


def _taille(valeur: Any) -> int:
    return len(valeur) if isinstance(valeur, Sized) and not isinstance(valeur, dict) else 0


_FILTRE_BOUCLE = "_boucle_bornee"
"""Filtre interne posé sur l'itérable de chaque boucle : un filtre s'appelle directement, alors qu'un appel
de fonction passe par les contrôles du bac à sable (dix microsecondes par boucle). Son nom, qui commence par
un souligné, n'est pas permis dans un gabarit (:data:`convgen.gabarit.analyse.FILTRES_PERMIS`)."""


class _Generateur(CodeGenerator):
    """Le code Python d'un gabarit, avec une borne à chaque ``~`` (les boucles le sont par :meth:`_parse`)."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:  # noqa: N802
        self.write("environment.texte_borne(")
        super().visit_Concat(node, frame)
        self.write(")")


_ATTRIBUTS_DICT = frozenset(dir(dict))


class EnvironnementBorne(ImmutableSandboxedEnvironment):
    """Le bac à sable immuable de Jinja, dont chaque document rendu respecte un :class:`Budget`."""

    code_generator_class = _Generateur
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters["replace"] = _remplacer
        self.filters["join"] = _joindre
        self.filters[_FILTRE_BOUCLE] = self.boucle_bornee

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """L'arbre du gabarit, chaque boucle comptée : ``{% for x in xs %}`` devient ``for x in xs|_boucle_bornee``."""
        arbre = super()._parse(source, name, filename)
        for boucle in arbre.find_all(nodes.For):
            boucle.iter = nodes.Filter(boucle.iter, _FILTRE_BOUCLE, [], [], None, None).set_lineno(boucle.lineno)
        return arbre

    def getattr(self, obj: Any, attribute: str) -> Any:
        """``contexte.structure.nom`` : la clé d'un dictionnaire du contexte, sans l'exception que lève d'abord
        ``getattr`` (trois fois plus lent). Même résultat que le bac à sable : un nom de méthode de ``dict``
        (``items``…) reste la méthode, contrôlée par lui."""
        if type(obj) is dict and attribute in obj and attribute not in _ATTRIBUTS_DICT:
            return obj[attribute]
        return super().getattr(obj, attribute)

    def boucle_bornee(self, iterable: Iterable[Any]) -> Iterator[Any]:
        compte = budget()
        for element in iterable:
            compte.tour()
            yield element

    def texte_borne(self, texte: str) -> str:
        _borner(len(texte), "texte")
        return texte

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "%" and isinstance(left, str):
            raise LimiteDepassee("mise en forme « % » d'un texte refusée : le contexte donne des textes prêts")
        if operator == "**" and isinstance(right, int) and right > _PUISSANCE_MAX and left not in (0, 1, -1):
            raise LimiteDepassee(f"puissance démesurée (exposant {right} ; au plus {_PUISSANCE_MAX})")
        if operator == "*":
            sequence, nombre = (left, right) if isinstance(right, int) else (right, left)
            if isinstance(nombre, int) and _taille(sequence):
                _borner(_taille(sequence) * nombre, "texte ou liste répété")
        if operator == "+":
            _borner(_taille(left) + _taille(right), "texte ou liste")
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value: Any) -> Any:
        """``"{:>999999999}".format(1)`` : Jinja rend une version « sûre » de ``format``, sans borne de largeur."""
        if super().wrap_str_format(value) is None:
            return None

        def refuser(*args: Any, **kwargs: Any) -> str:
            raise LimiteDepassee("mise en forme « format » d'un texte refusée : le contexte donne des textes prêts")

        return refuser

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        proprietaire = getattr(__obj, "__self__", None)
        if isinstance(proprietaire, str | list | tuple):  # méthode d'un texte ou d'une liste : "x".center(10**9)…
            _borner_methode(getattr(__obj, "__name__", ""), proprietaire, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)


def _borner_methode(nom: str, objet: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    valeurs = [*args, *kwargs.values()]
    for valeur in valeurs:
        if isinstance(valeur, int) and not isinstance(valeur, bool) and valeur > TEXTE_MAX:
            raise LimiteDepassee(f"argument démesuré ({valeur}) pour « {nom} »")
    if nom == "replace" and len(args) >= 2:
        _borner(_taille_remplacee(objet, args[0], args[1]), "texte remplacé")
    elif nom == "join" and args:
        _borner(_taille_jointe(objet, args[0]), "texte joint")
    elif nom in ("expandtabs",):
        _borner(len(objet) * int(args[0] if args else 8), "texte")


def _taille_remplacee(texte: Any, ancien: Any, nouveau: Any) -> int:
    if not (isinstance(texte, str) and isinstance(ancien, str) and isinstance(nouveau, str)):
        return 0
    occurrences = texte.count(ancien) if ancien else len(texte) + 1
    return len(texte) + occurrences * max(0, len(nouveau) - len(ancien))


def _taille_jointe(separateur: Any, elements: Any) -> int:
    if not isinstance(elements, list | tuple):
        return 0
    return sum(len(str(e)) for e in elements) + _taille(separateur) * len(elements)


def _remplacer(eval_ctx: Any, texte: Any, ancien: str, nouveau: str, count: int | None = None) -> Any:
    _borner(_taille_remplacee(str(texte), str(ancien), str(nouveau)), "texte remplacé")
    return do_replace(eval_ctx, texte, ancien, nouveau, count)


_remplacer.jinja_pass_arg = do_replace.jinja_pass_arg  # type: ignore[attr-defined]


def _joindre(eval_ctx: Any, valeur: Iterable[Any], d: str = "", attribute: str | int | None = None) -> Any:
    elements = list(valeur)
    _borner(_taille_jointe(d, elements), "texte joint")
    return do_join(eval_ctx, elements, d, attribute)


_joindre.jinja_pass_arg = do_join.jinja_pass_arg  # type: ignore[attr-defined]
