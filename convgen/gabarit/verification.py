"""Vérification d'un gabarit .docx avant tout rendu : tous les problèmes d'un coup, chacun situé.

Chaque partie rendue (corps, en-têtes, pieds de page, notes, propriétés) est lue avec lxml, ses
balises coupées par Word sont réunies comme le fera le rendu (:mod:`convgen.gabarit.balises`), puis
elle est parcourue paragraphe par paragraphe. Chaque balise y est relevée avec son emplacement
(« corps, tableau 2, ligne 3, cellule 1 ») et contrôlée : guillemets typographiques, place des
``{%p``/``{%tr``/``{%tc``, blocs, syntaxe Jinja, variables (contre :mod:`convgen.schema_contexte`),
filtres et tests permis (:mod:`convgen.gabarit.analyse`). Ce que le rendu verrait sans que Word
le montre est refusé : DOCTYPE et entités, caractères de balise écrits en références XML, balises
dans un attribut, un commentaire XML ou un code de champ, balise coupée entre deux paragraphes.

Le travail est linéaire : chaque balise est analysée seule une fois, puis le modèle entier une fois.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, TemplateSyntaxError, nodes
from jinja2.parser import Parser
from lxml import etree

from convgen.erreurs import ErreurGabarit, GabaritInvalide, ProblemeGabarit
from convgen.gabarit.analyse import FILTRES_PERMIS, TESTS_PERMIS, analyser
from convgen.gabarit.balises import OUVERTURE, W, fusionner, lire_xml, reperer, textes_du_paragraphe
from convgen.gabarit.docx_xml import PARTIES_A_RENDRE, environnement, lire_archive, lire_octets, preparer_xml
from convgen.gabarit.garde import refus_de_la_partie
from convgen.gabarit.relations import relations_externes
from convgen.schema_contexte import Contexte

__all__ = ["FILTRES_PERMIS", "TESTS_PERMIS", "verifier_gabarit", "verifier_ou_lever"]

_PREFIXE = re.compile(r"^\{([{%#])(tr|tc|p|r)(?=\s)")
_TYPOGRAPHIQUES = "“”„‘’‚«»"
_DROITS = str.maketrans(_TYPOGRAPHIQUES, '"""\'\'\'""')
_CHAINES = re.compile(r"\"[^\"]*\"|'[^']*'")
_OUVRANTS = frozenset({"for", "if", "macro", "call", "filter", "with", "block", "autoescape", "raw"})
_NEUTRES = {  # ouverture de remplacement d'une balise fautive, pour que sa fin ne soit pas dite orpheline
    "for": "{% for _ in () %}", "if": "{% if true %}", "with": "{% with %}", "filter": "{% filter upper %}",
    "set_bloc": "{% set _ %}", "elif": "{% elif true %}", "else": "{% else %}", "autoescape": "{% autoescape true %}",
}  # fmt: skip
_TRADUCTIONS = (  # messages de Jinja les plus courants, en français
    (r"Encountered unknown tag '(.+?)'.*", r"instruction inconnue « \1 »"),
    (r"expected token '(.+?)', got '(.+?)'", r"« \1 » attendu, « \2 » trouvé"),
    (r"unexpected char '(.+?)'.*", r"caractère « \1 » inattendu"),
    (r"unexpected '(.+?)'", r"« \1 » inattendu"),
    (r"end of print statement", "}}"),
    (r"end of statement block", "%}"),
    (r"end of template", "fin du gabarit"),
)
_NON_REFERME = {
    False: "balise non refermée dans son paragraphe : une balise doit tenir dans un seul paragraphe",
    True: "commentaire non refermé dans son paragraphe : un commentaire {# … #} doit tenir dans un seul paragraphe",
}
_GUILLEMETS = "guillemets typographiques dans une balise : utilisez des guillemets droits : "
_LIBELLES = {"document": "corps", "header": "en-tête", "footer": "pied de page", "footnotes": "notes de bas de page",
             "endnotes": "notes de fin", "core": "propriétés du document"}  # fmt: skip


@dataclass
class _Balise:
    """Une balise du gabarit, telle que tapée, et où elle se trouve."""

    texte: str
    lieu: str
    extrait: str
    cle: tuple[int, int]  # (rang du paragraphe, position) : ordre des problèmes
    ligne: Any = None  # w:tr qui la contient
    cellule: Any = None  # w:tc qui la contient
    jinja: str = field(init=False)  # ce que le modèle d'ensemble compile (remplacée si fautive)

    def __post_init__(self) -> None:
        self.jinja = self.source

    @property
    def prefixe(self) -> str:
        m = _PREFIXE.match(self.texte)
        return m[2] if m else ""

    @property
    def commentaire(self) -> bool:
        return self.texte.startswith("{#")

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


def verifier_gabarit(
    source: str | Path | bytes, *, schema: object = Contexte, filet: bool = True
) -> list[ProblemeGabarit]:
    """Tous les problèmes du gabarit (chemin ou octets), dans l'ordre du document ; liste vide s'il est sain.

    ``schema`` : le TypedDict des variables offertes (par défaut, celui de la convention ; l'avenant et
    le compte rendu d'exécution ont le leur). ``filet`` : analyse aussi chaque partie telle que le rendu
    la compilera (:class:`~convgen.gabarit.rendu.Gabarit`, qui la compile aussitôt, s'en passe d'abord).
    """
    nom = "gabarit" if isinstance(source, bytes) else str(Path(source))
    try:
        octets = source if isinstance(source, bytes) else lire_octets(Path(source))
        entrees = lire_archive(octets, nom)
    except ErreurGabarit as exc:
        return [ProblemeGabarit("fichier", str(exc).removeprefix(f"{nom} : "))]
    env = environnement()
    parties = sorted((n for n in entrees if PARTIES_A_RENDRE.match(n)), key=lambda n: (_partie(n), n))
    problemes = [p for n in parties for p in _verifier_partie(n, entrees[n], env, schema, filet)]
    return problemes + relations_externes(entrees)


def verifier_ou_lever(
    source: str | Path | bytes, nom: str | Path | None = None, *, schema: Any = Contexte, filet: bool = True
) -> None:
    """Lève :class:`~convgen.erreurs.GabaritInvalide` (avec tous les problèmes) si le gabarit en a."""
    problemes = verifier_gabarit(source, schema=schema, filet=filet)
    if problemes:
        raise GabaritInvalide(nom or ("gabarit" if isinstance(source, bytes) else source), problemes)


def _partie(nom: str) -> tuple[int, str]:
    """Rang (corps, en-têtes, pieds, notes, propriétés) et libellé d'une partie : « en-tête (word/header1.xml) »."""
    rang, libelle = next(((i, lib) for i, (cle, lib) in enumerate(_LIBELLES.items()) if cle in nom), (9, nom))
    return rang, libelle if rang in (0, 9) else f"{libelle} ({nom})"


def _verifier_partie(nom: str, contenu: bytes, env: Environment, schema: Any, filet: bool) -> list[ProblemeGabarit]:
    libelle = _partie(nom)[1]
    try:
        racine = lire_xml(contenu)
    except etree.XMLSyntaxError as exc:
        return [ProblemeGabarit(libelle, f"XML illisible : {exc.msg}")]
    refus = refus_de_la_partie(racine, contenu)
    if refus:
        return [ProblemeGabarit(f"{libelle}{', ' + lieu if lieu else ''}", m, e) for lieu, m, e in refus]
    fusionner(racine)
    trouves: list[tuple[tuple[int, int], ProblemeGabarit]] = []

    def signaler(b: _Balise, message: str) -> None:
        trouves.append((b.cle, ProblemeGabarit(f"{libelle}, {b.lieu}", message, b.extrait)))

    balises = _relever(racine, signaler)
    lignes = _equilibrer([b for b in _syntaxe(balises, env, signaler) if b.jinja and not b.commentaire], signaler)
    modele = _compiler(lignes, env, signaler)
    if modele is not None:
        analyser(modele, lambda n, message: signaler(lignes[min(max(n - 1, 0), len(lignes) - 1)][0], message), schema)
    if filet and not trouves and balises:
        trouves += _apres_preparation(contenu, env, libelle, balises)
    return list(dict.fromkeys(p for _, p in sorted(trouves, key=lambda t: t[0])))


def _apres_preparation(
    contenu: bytes, env: Environment, libelle: str, balises: list[_Balise]
) -> list[tuple[tuple[int, int], ProblemeGabarit]]:
    """Filet de sécurité : ce que compilera le rendu lui-même, l'erreur située par le texte qui l'entoure."""
    try:
        xml = preparer_xml(contenu)
        env.parse(xml)
    except ErreurGabarit:
        return []  # partie illisible : déjà signalée par l'analyse XML
    except RecursionError:
        return [((0, 0), ProblemeGabarit(libelle, "blocs imbriqués trop profondément"))]
    except TemplateSyntaxError as exc:
        lignes = xml.split("\n")
        texte = re.sub(r"<[^>]+>", "", lignes[min(max((exc.lineno or 1) - 1, 0), len(lignes) - 1)])
        message = f"erreur de syntaxe après préparation : {_traduire(exc.message or '')}"
        for b in balises:
            position = max(texte.find(b.texte), texte.find(_PREFIXE.sub(r"{\1", b.texte)))
            if position >= 0:
                return [(b.cle, ProblemeGabarit(f"{libelle}, {b.lieu}", message, _extrait(texte, position)))]
        return [((0, 0), ProblemeGabarit(libelle, message, _extrait(texte, 0)))]
    return []


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


def _paragraphes(racine: Any) -> list[tuple[Any, str]]:
    """Chaque paragraphe et son texte ; un champ par « paragraphe » hors WordprocessingML (propriétés)."""
    if not racine.tag.startswith(W):
        return [(e, e.text) for e in racine.iter() if isinstance(e.tag, str) and e.text and e.text.strip()]
    return [(p, "".join(t.text or "" for t in textes_du_paragraphe(p))) for p in racine.iter(W + "p")]


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
    numeros, balises, precedent = _numeros(racine), [], ""
    for rang, (paragraphe, texte) in enumerate(_paragraphes(racine), 1):
        lieu = _lieu(paragraphe, rang, numeros)
        if precedent.endswith("{") and texte[:1] in ("{", "%", "#"):  # docxtpl réunirait « { » et « { »
            b = _Balise(texte[:1], lieu, _extrait(texte, 0), (rang, 0))
            signaler(b, "balise coupée entre deux paragraphes : une balise doit tenir dans un seul paragraphe")
        precedent = texte or precedent
        for debut, fin in reperer(texte):
            b = _Balise(texte[debut : fin if fin > 0 else None], lieu, _extrait(texte, debut), (rang, debut),
                        _proche(paragraphe, W + "tr"), _proche(paragraphe, W + "tc"))  # fmt: skip
            if fin < 0:
                signaler(b, _NON_REFERME[b.commentaire])
                continue
            _controler_forme(b, texte, signaler)
            balises.append(b)
    return balises


def _controler_forme(b: _Balise, paragraphe: str, signaler: Signaler) -> None:
    nature = "le commentaire" if b.commentaire else "la balise"
    ouvrant, fermant = ("{#", "#}") if b.commentaire else ("{%", "%}")
    if not b.commentaire and any(c in _TYPOGRAPHIQUES for c in _CHAINES.sub("", b.texte)):
        signaler(b, _GUILLEMETS + _redresser(b.texte))
    if not b.commentaire and (interieure := OUVERTURE.search(b.texte, 2)):
        signaler(b, f"« {interieure[0]} » à l'intérieur d'une balise : le rendu la couperait ; "
                    "dans le texte, écrivez {_{ pour « {{ » et {_% pour « {% »")  # fmt: skip
    if b.prefixe == "p" and paragraphe.strip() != b.texte.strip():
        seul = "seul" if b.commentaire else "seule"
        signaler(b, f"{nature} {ouvrant}p …{fermant} doit être {seul} dans son paragraphe")
    if b.prefixe in ("tr", "tc"):
        conteneur, nom = (b.ligne, "ligne") if b.prefixe == "tr" else (b.cellule, "cellule")
        seul = "seul" if b.commentaire else "seule"
        if conteneur is None:
            signaler(b, f"{nature} {ouvrant}{b.prefixe} …{fermant} doit être dans une {nom} de tableau")
        elif _texte(conteneur).strip() != b.texte.strip():
            signaler(
                b,
                f"{nature} {ouvrant}{b.prefixe} …{fermant} doit être {seul} dans sa {nom} de tableau : "
                "le reste serait effacé",
            )


def _redresser(texte: str) -> str:
    """La balise corrigée : guillemets typographiques redressés hors des chaînes déjà entre guillemets droits."""
    morceaux, fin = [], 0
    for m in _CHAINES.finditer(texte):
        morceaux += [texte[fin : m.start()].translate(_DROITS), m[0]]
        fin = m.end()
    return "".join(morceaux) + texte[fin:].translate(_DROITS)


def _syntaxe(balises: list[_Balise], env: Environment, signaler: Signaler) -> list[_Balise]:
    """Chaque balise compilée seule (entourée de quoi la rendre complète) : une erreur ne masque pas les suivantes.

    Une balise fautive est remplacée dans le modèle d'ensemble par une ouverture neutre de même nature
    (ou retirée), pour que sa fin de bloc ne soit pas dite orpheline.
    """
    # Cas courant : le modèle entier s'analyse, et chaque balise y reste une balise (une chaîne ouverte dans
    # l'une et fermée dans une autre en ferait une seule) ; aucune n'a donc d'erreur de syntaxe à elle.
    jinja = [b.jinja for b in balises if b.jinja and not b.commentaire]
    modele = "\n".join(jinja)
    try:
        debuts = sum(1 for _, jeton, _ in env.lex(modele) if jeton in ("variable_begin", "block_begin"))
        if debuts == len(jinja):
            _analyser_jinja(env, modele)
            return balises
    except (TemplateSyntaxError, RecursionError):
        pass
    for b in balises:
        if b.commentaire:
            continue
        mot = b.mot
        ouverture = _NEUTRES.get("set_bloc" if mot == "endset" else mot[3:]) if mot.startswith("end") else None
        if mot in _OUVRANTS or mot == "set_bloc":
            essai = b.jinja + "{% end" + mot.removesuffix("_bloc") + " %}"
        elif mot in ("else", "elif"):
            essai = "{% if true %}" + b.jinja + "{% endif %}"
        elif mot.startswith("end") and ouverture:
            essai = ouverture + b.jinja
        else:
            essai = b.jinja
        try:
            _analyser_jinja(env, essai)
        except TemplateSyntaxError as exc:
            signaler(b, f"erreur de syntaxe Jinja : {_traduire(exc.message or '')}")
            b.jinja = ("{% " + mot + " %}" if ouverture else "") if mot.startswith("end") else _NEUTRES.get(mot, "")
        except RecursionError:
            signaler(b, "expression imbriquée trop profondément")
            b.jinja = ""
    return balises


def _equilibrer(balises: list[_Balise], signaler: Signaler) -> list[tuple[_Balise, str]]:
    """Les lignes du modèle Jinja (balise, source), blocs équilibrés ; signale ouvertures et fins orphelines."""
    pile: list[_Balise] = []
    ouverts: dict[str, int] = {}  # nombre de blocs ouverts par mot : une fin orpheline se voit sans parcourir la pile
    lignes: list[tuple[_Balise, str]] = []
    for b in balises:
        mot = b.mot
        if mot in _OUVRANTS or mot == "set_bloc":
            pile.append(b)
            ouverts[mot] = ouverts.get(mot, 0) + 1
        elif mot in ("else", "elif") and pile:
            _controler_tableau(pile[-1], b, signaler)
        elif mot.startswith("end"):
            attendu = "set_bloc" if mot == "endset" else mot[3:]
            if not ouverts.get(attendu):
                signaler(b, f"fin de bloc « {mot} » sans ouverture correspondante")
                continue
            while pile[-1].mot != attendu:
                lignes.append(_fermer(pile.pop(), ouverts, signaler))
            ouverts[attendu] -= 1
            _controler_tableau(pile.pop(), b, signaler)
        lignes.append((b, b.jinja))
    return lignes + [_fermer(o, ouverts, signaler) for o in reversed(pile)]


def _fermer(ouverture: _Balise, ouverts: dict[str, int], signaler: Signaler) -> tuple[_Balise, str]:
    ouverts[ouverture.mot] -= 1
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
    """L'arbre Jinja des balises (une par ligne), compilé une seule fois ; ``None`` s'il reste une erreur."""
    try:
        return _analyser_jinja(env, "\n".join(s for _, s in lignes))
    except TemplateSyntaxError as exc:
        b = lignes[min(max((exc.lineno or 1) - 1, 0), len(lignes) - 1)][0]
        signaler(b, f"erreur de syntaxe Jinja : {_traduire(exc.message or '')}")
    except RecursionError:
        signaler(lignes[0][0], "blocs imbriqués trop profondément : simplifiez le gabarit")
    return None


@lru_cache(maxsize=16)
def _analyser_jinja(env: Environment, source: str) -> nodes.Template:
    """L'arbre Jinja, sans passer par ``env.parse`` : sa réécriture de la pile d'appels, à chaque erreur,
    coûte dix fois l'analyse d'une balise. Gardé en mémoire : le modèle entier est analysé deux fois
    (syntaxe de chaque balise, puis blocs équilibrés), sans être modifié."""
    return Parser(env, source).parse()


def _traduire(message: str) -> str:
    for motif, traduction in _TRADUCTIONS:
        message = re.sub(motif, traduction, message)
    return message
