"""Vérification d'un gabarit .docx avant tout rendu : tous les problèmes d'un coup, chacun situé.

Chaque partie rendue (corps, en-têtes, pieds de page, notes, propriétés) est lue avec lxml, paragraphe
par paragraphe. Chaque balise y est relevée avec son emplacement (« corps, tableau 2, ligne 3, cellule 1 »),
puis contrôlée : coupure par Word, guillemets typographiques, place des ``{%p``/``{%tr``/``{%tc``, blocs,
syntaxe Jinja, variables (contre :mod:`convgen.schema_contexte`), filtres et tests permis.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import typing_extensions
from jinja2 import Environment, TemplateSyntaxError, nodes
from lxml import etree

from convgen.erreurs import ErreurGabarit, GabaritInvalide, ProblemeGabarit
from convgen.gabarit.docx_xml import PARTIES_A_RENDRE, environnement, lire_archive, lire_octets, preparer_xml, texte_xml
from convgen.gabarit.relations import relations_externes
from convgen.schema_contexte import Contexte

__all__ = ["FILTRES_PERMIS", "TESTS_PERMIS", "verifier_gabarit", "verifier_ou_lever"]

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FILTRES_PERMIS = frozenset(
    "upper lower capitalize title trim default d length count join first last replace e escape".split()  # noqa: SIM905
)
TESTS_PERMIS = frozenset(
    "defined undefined none true false string number odd even divisibleby eq ne lt le gt ge in".split()  # noqa: SIM905
)
_OUVERTURE = re.compile(r"\{[{%#]")
_FERMETURE = {"{": "}}", "%": "%}", "#": "#}"}
_PREFIXE = re.compile(r"^\{([{%#])(tr|tc|p|r)(?=\s)")
_TYPOGRAPHIQUES = "“”„‘’‚«»"
_DROITS = str.maketrans(_TYPOGRAPHIQUES, '"""\'\'\'""')
_CHAINES = re.compile(r"\"[^\"]*\"|'[^']*'")
_OUVRANTS = frozenset({"for", "if", "macro", "call", "filter", "with", "block", "autoescape", "raw"})
_INTERDITS: dict[type[nodes.Node], str] = {
    nodes.Macro: "macro", nodes.CallBlock: "call", nodes.Include: "include",
    nodes.Import: "import", nodes.FromImport: "from", nodes.Extends: "extends",
}  # fmt: skip
_SCHEMA = " (voir convgen schema contexte)"
_TRADUCTIONS = (  # messages de Jinja les plus courants, en français
    (r"Encountered unknown tag '(.+?)'.*", r"instruction inconnue « \1 »"),
    (r"expected token '(.+?)', got '(.+?)'", r"« \1 » attendu, « \2 » trouvé"),
    (r"unexpected char '(.+?)'.*", r"caractère « \1 » inattendu"),
    (r"unexpected '(.+?)'", r"« \1 » inattendu"),
    (r"end of print statement", "}}"),
    (r"end of statement block", "%}"),
    (r"end of template", "fin du gabarit"),
)
_LIBELLES = {"document": "corps", "header": "en-tête", "footer": "pied de page", "footnotes": "notes de bas de page",
             "endnotes": "notes de fin", "core": "propriétés du document"}  # fmt: skip


class _Boucle:
    """Ce que la variable ``loop`` offre dans une boucle Jinja."""

    index = index0 = revindex = revindex0 = length = depth = depth0 = 0
    first = last = False
    previtem = nextitem = cycle = changed = None


@dataclass
class _Balise:
    """Une balise du gabarit, telle que tapée, et où elle se trouve."""

    texte: str
    lieu: str
    extrait: str
    cle: tuple[int, int]  # (rang du paragraphe, position) : ordre des problèmes
    ligne: Any = None  # w:tr qui la contient
    cellule: Any = None  # w:tc qui la contient

    @property
    def prefixe(self) -> str:
        m = _PREFIXE.match(self.texte)
        return m[2] if m else ""

    @property
    def source(self) -> str:
        """La balise en Jinja pur : sans préfixe docxtpl, guillemets droits, sur une ligne."""
        t = _PREFIXE.sub(r"{\1", self.texte).translate(_DROITS).replace("\n", " ")
        m = re.fullmatch(r"\{%-?\s*(colspan|cellbg|vm|hm)\b(.*?)-?%\}", t, re.DOTALL)  # balises propres à docxtpl
        return t if not m else "{{ loop.first }}" if m[1] in ("vm", "hm") else "{{ " + m[2] + " }}"

    @property
    def mot(self) -> str:
        m = re.match(r"\{%-?\s*(\w+)", self.source)
        return "" if not m else "set_bloc" if m[1] == "set" and "=" not in self.texte else m[1]


Signaler = Callable[[_Balise, str], None]


def verifier_gabarit(source: str | Path | bytes) -> list[ProblemeGabarit]:
    """Tous les problèmes du gabarit (chemin ou octets), dans l'ordre du document ; liste vide s'il est sain."""
    nom = "gabarit" if isinstance(source, bytes) else str(Path(source))
    try:
        octets = source if isinstance(source, bytes) else lire_octets(Path(source))
        entrees = lire_archive(octets, nom)
    except ErreurGabarit as exc:
        return [ProblemeGabarit("fichier", str(exc).removeprefix(f"{nom} : "))]
    env = environnement()
    parties = sorted((n for n in entrees if PARTIES_A_RENDRE.match(n)), key=lambda n: (_partie(n), n))
    return [p for n in parties for p in _verifier_partie(n, entrees[n], env)] + relations_externes(entrees)


def verifier_ou_lever(source: str | Path | bytes, nom: str | Path | None = None) -> None:
    """Lève :class:`~convgen.erreurs.GabaritInvalide` (avec tous les problèmes) si le gabarit en a."""
    problemes = verifier_gabarit(source)
    if problemes:
        raise GabaritInvalide(nom or ("gabarit" if isinstance(source, bytes) else source), problemes)


def _partie(nom: str) -> tuple[int, str]:
    """Rang (corps, en-têtes, pieds, notes, propriétés) et libellé d'une partie : « en-tête (word/header1.xml) »."""
    rang, libelle = next(((i, lib) for i, (cle, lib) in enumerate(_LIBELLES.items()) if cle in nom), (9, nom))
    return rang, libelle if rang in (0, 9) else f"{libelle} ({nom})"


def _verifier_partie(nom: str, contenu: bytes, env: Environment) -> list[ProblemeGabarit]:
    libelle = _partie(nom)[1]
    try:
        racine = etree.fromstring(contenu, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    except etree.XMLSyntaxError as exc:
        return [ProblemeGabarit(libelle, f"XML illisible : {exc.msg}")]
    trouves: list[tuple[tuple[int, int], ProblemeGabarit]] = []

    def signaler(b: _Balise, message: str) -> None:
        trouves.append((b.cle, ProblemeGabarit(f"{libelle}, {b.lieu}", message, b.extrait)))

    balises = _relever(racine, signaler)
    lignes = _equilibrer([b for b in balises if not b.texte.startswith("{#")], signaler)
    modele = _compiler(lignes, env, signaler)
    if modele is not None:
        _Analyse(lignes, signaler).bloc(modele.body, {**_champs(Contexte), "range": Any, "namespace": Any})
    if not trouves and balises:
        try:  # filet de sécurité : ce que compilera le rendu lui-même
            env.parse(preparer_xml(texte_xml(contenu, "gabarit", nom)))
        except ErreurGabarit:
            pass  # partie illisible : déjà signalée par l'analyse XML ci-dessus
        except TemplateSyntaxError as exc:
            trouves.append(
                (
                    (0, 0),
                    ProblemeGabarit(libelle, f"erreur de syntaxe après préparation : {_traduire(exc.message or '')}"),
                )
            )
    return list(dict.fromkeys(p for _, p in sorted(trouves, key=lambda t: t[0])))


def _proche(element: Any, balise: str) -> Any:
    return next(element.iterancestors(balise), None)


def _texte(element: Any) -> str:
    return "".join(t.text or "" for t in element.iter(W + "t"))


def _numeros(racine: Any) -> dict[Any, int]:
    """Numéro de chaque tableau dans la partie, de chaque ligne dans son tableau, de chaque cellule dans sa ligne."""
    numeros: dict[Any, int] = {tbl: n for n, tbl in enumerate(racine.iter(W + "tbl"), 1)}
    for balise, parent in (("tr", "tbl"), ("tc", "tr")):
        compte: dict[Any, int] = {}
        for element in racine.iter(W + balise):
            mere = _proche(element, W + parent)
            compte[mere] = numeros[element] = compte.get(mere, 0) + 1
    return numeros


def _paragraphes(racine: Any) -> list[tuple[Any, list[tuple[Any, str]]]]:
    """Chaque paragraphe et ses morceaux de texte (run, texte) ; un champ par « paragraphe » hors WordprocessingML."""
    if not racine.tag.startswith(W):
        return [(e, [(e, e.text)]) for e in racine.iter() if isinstance(e.tag, str) and e.text and e.text.strip()]
    return [
        (p, [(_proche(t, W + "r"), t.text or "") for t in p.iter(W + "t") if _proche(t, W + "p") is p])
        for p in racine.iter(W + "p")
    ]


def _lieu(paragraphe: Any, rang: int, numeros: dict[Any, int]) -> str:
    if not paragraphe.tag.startswith(W):
        return f"champ {etree.QName(paragraphe).localname}"
    niveaux = [
        f"tableau {numeros[_proche(tr, W + 'tbl')]}, ligne {numeros[tr]}, cellule {numeros[tc]}"
        for tc in paragraphe.iterancestors(W + "tc")
        if (tr := _proche(tc, W + "tr")) is not None
    ]
    return ", ".join(reversed(niveaux)) or f"paragraphe {rang}"


def _extrait(texte: str, debut: int) -> str:
    a = max(0, min(debut - 15, len(texte) - 60))
    return ("…" if a else "") + texte[a : a + 60].strip() + ("…" if a + 60 < len(texte) else "")


def _relever(racine: Any, signaler: Signaler) -> list[_Balise]:
    numeros, balises = _numeros(racine), []
    for rang, (paragraphe, morceaux) in enumerate(_paragraphes(racine), 1):
        texte = "".join(t for _, t in morceaux)
        runs = [run for run, t in morceaux for _ in t]
        lieu, i = _lieu(paragraphe, rang, numeros), 0
        while m := _OUVERTURE.search(texte, i):
            fin = texte.find(_FERMETURE[m[0][1]], m.end())
            b = _Balise(texte[m.start() : fin + 2 if fin >= 0 else None], lieu, _extrait(texte, m.start()),
                        (rang, m.start()), _proche(paragraphe, W + "tr"), _proche(paragraphe, W + "tc"))  # fmt: skip
            if fin < 0:
                signaler(b, "balise non refermée dans son paragraphe : une balise doit tenir dans un seul paragraphe")
                break
            if len(set(runs[m.start() : fin + 2])) > 1:
                signaler(b, "balise coupée par la mise en forme de Word : retapez-la d'un seul tenant")
            _controler_forme(b, texte, signaler)
            balises.append(b)
            i = fin + 2
    return balises


def _controler_forme(b: _Balise, paragraphe: str, signaler: Signaler) -> None:
    if any(c in _TYPOGRAPHIQUES for c in _CHAINES.sub("", b.texte)):
        signaler(b, "guillemets typographiques dans une balise : utilisez des guillemets droits")
    if b.prefixe == "p" and paragraphe.strip() != b.texte.strip():
        signaler(b, "la balise {%p …%} doit être seule dans son paragraphe")
    if b.prefixe in ("tr", "tc"):
        conteneur, nom = (b.ligne, "ligne") if b.prefixe == "tr" else (b.cellule, "cellule")
        if conteneur is None:
            signaler(b, f"la balise {{%{b.prefixe} …%}} doit être dans une {nom} de tableau")
        elif _texte(conteneur).strip() != b.texte.strip():
            signaler(
                b, f"la balise {{%{b.prefixe} …%}} doit être seule dans sa {nom} de tableau : le reste serait effacé"
            )


def _equilibrer(balises: list[_Balise], signaler: Signaler) -> list[tuple[_Balise, str]]:
    """Les lignes du modèle Jinja (balise, source), blocs équilibrés ; signale ouvertures et fins orphelines."""
    pile: list[_Balise] = []
    lignes: list[tuple[_Balise, str]] = []
    for b in balises:
        mot = b.mot
        if mot in _OUVRANTS or mot == "set_bloc":
            pile.append(b)
        elif mot in ("else", "elif") and pile:
            _controler_tableau(pile[-1], b, signaler)
        elif mot.startswith("end"):
            attendu = "set_bloc" if mot == "endset" else mot[3:]
            niveau = next((i for i in reversed(range(len(pile))) if pile[i].mot == attendu), None)
            if niveau is None:
                signaler(b, f"fin de bloc « {mot} » sans ouverture correspondante")
                continue
            while len(pile) > niveau + 1:
                lignes.append(_fermer(pile.pop(), signaler))
            _controler_tableau(pile.pop(), b, signaler)
        lignes.append((b, b.source))
    return lignes + [_fermer(o, signaler) for o in reversed(pile)]


def _fermer(ouverture: _Balise, signaler: Signaler) -> tuple[_Balise, str]:
    fin = "endset" if ouverture.mot == "set_bloc" else "end" + ouverture.mot
    signaler(ouverture, f"bloc « {ouverture.mot.removesuffix('_bloc')} » jamais fermé : ajoutez {{% {fin} %}}")
    return ouverture, "{% " + fin + " %}"


def _controler_tableau(ouverture: _Balise, suite: _Balise, signaler: Signaler) -> None:
    """Une boucle ou condition qui enjambe lignes ou cellules doit s'écrire {%tr …%} ou {%tc …%}."""
    mot = ouverture.mot
    if mot not in ("for", "if"):
        return
    prefixes = (ouverture.prefixe, suite.prefixe)
    if "tr" in prefixes and prefixes[0] != prefixes[1]:
        fautive, unite = (suite if prefixes[0] == "tr" else ouverture), "lignes"
    elif "tr" in prefixes or "tc" in prefixes or ouverture.cellule is suite.cellule:
        return
    else:
        fautive = ouverture
        unite = "cellules" if ouverture.ligne is not None and ouverture.ligne is suite.ligne else "lignes"
    prefixe, nature = ("tc" if unite == "cellules" else "tr"), ("boucle" if mot == "for" else "condition")
    signaler(
        fautive, f"{nature} sur des {unite} de tableau : écrivez {{%{prefixe} {mot} … %}} et {{%{prefixe} end{mot} %}}"
    )


def _compiler(lignes: list[tuple[_Balise, str]], env: Environment, signaler: Signaler) -> nodes.Template | None:
    """L'arbre Jinja des balises (une par ligne) ; une balise fautive hors structure est écartée et l'on réessaie."""
    sources = [s for _, s in lignes]
    while True:
        try:
            return env.parse("\n".join(sources))
        except TemplateSyntaxError as exc:
            rang = min(max((exc.lineno or 1) - 1, 0), len(lignes) - 1)
            b = lignes[rang][0]
            signaler(b, f"erreur de syntaxe Jinja : {_traduire(exc.message or '')}")
            if b.mot in _OUVRANTS or b.mot in ("set_bloc", "else", "elif") or b.mot.startswith("end"):
                return None
            sources[rang] = ""


def _traduire(message: str) -> str:
    for motif, traduction in _TRADUCTIONS:
        message = re.sub(motif, traduction, message)
    return message


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

    def __init__(self, lignes: list[tuple[_Balise, str]], signaler: Signaler) -> None:
        self.lignes, self._signaler = lignes, signaler

    def signaler(self, n: nodes.Node, message: str) -> None:
        self._signaler(self.lignes[min(max(n.lineno - 1, 0), len(self.lignes) - 1)][0], message)

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
            self.signaler(n, f"variable inconnue « {n.name} »{_SCHEMA}")
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
        if typing_extensions.is_typeddict(base):
            champs = _champs(base)
            if cle in champs or hasattr(dict, cle):
                return champs.get(cle, Any)
        elif hasattr(typing.get_origin(base) or base, cle):
            return Any
        self.signaler(n, f"variable inconnue « {_chemin(n)} »{_SCHEMA}")
        return Any
