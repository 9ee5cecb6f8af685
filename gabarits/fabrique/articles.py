"""Articles de la convention, écrits d'après ``gabarits/clauses.yaml`` : numéros et renvois calculés.

Le texte des clauses est une donnée (``clauses.yaml``, commenté en tête) ; ce module en fait les
articles du gabarit : le numéro de chaque article vient de sa place dans la liste et « [[cle]] » devient
le numéro de l'article de cette clé (« (articles [[justificatifs]], [[controle]] et [[evaluation]]) »
→ « (articles 6, 9 et 10) »). Une clé inconnue ou en double arrête la fabrication, avec son article.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from docx.document import Document as DocumentWord
from docx.shared import Pt

from .briques import blocs, paragraphe
from .constantes import TIRET
from .convention import coordonnees_bancaires, echeancier_versements

CLAUSES = Path(__file__).resolve().parents[1] / "clauses.yaml"
_RENVOI = re.compile(r"\[\[([^\]]*)\]\]")
_CLE = re.compile(r"[a-z_]+")
_INSERTIONS = {"@echeancier": echeancier_versements, "@compte": coordonnees_bancaires}
"""Lignes qui placent un élément construit par la fabrique (tableau, coordonnées bancaires)."""


@dataclass(frozen=True)
class Clause:
    """Un article tel que le décrit ``clauses.yaml`` : sa clé, son titre (ou ses deux titres), son texte."""

    cle: str
    titre: str | tuple[str, str]
    """Un titre, ou (version tripartite, version bipartite)."""
    texte: tuple[str, ...]


def rang(numero: int) -> str:
    """« 1er » pour le premier article, puis « 2 », « 3 »…"""
    return "1er" if numero == 1 else str(numero)


def lire_clauses(chemin: Path = CLAUSES) -> list[Clause]:
    """Les clauses du fichier, contrôlées (clés uniques en minuscules, titres et textes non vides)."""
    donnees = yaml.safe_load(chemin.read_text(encoding="utf-8"))
    clauses = []
    for position, brut in enumerate(donnees["articles"], start=1):
        ou = f"{chemin.name}, article n° {position}"
        cle, titre, texte = brut.get("cle"), brut.get("titre"), brut.get("texte")
        if not isinstance(cle, str) or not _CLE.fullmatch(cle):
            raise ValueError(f"{ou} : « cle » doit être un mot en minuscules (lettres et _), pas {cle!r}")
        if isinstance(titre, Mapping) and set(titre) == {"region", "sinon"}:
            titre = (str(titre["region"]), str(titre["sinon"]))
        elif not isinstance(titre, str) or not titre.strip():
            raise ValueError(f"{ou} ({cle}) : « titre » doit être un texte, ou {{region: …, sinon: …}}")
        if not isinstance(texte, list) or not texte or not all(isinstance(t, str) and t.strip() for t in texte):
            raise ValueError(f"{ou} ({cle}) : « texte » doit être une liste de paragraphes non vides")
        clauses.append(Clause(cle, titre, tuple(texte)))
    return clauses


def numeroter(clauses: Sequence[Clause]) -> list[Clause]:
    """Les clauses dont chaque renvoi « [[cle]] » est remplacé par le numéro de l'article visé."""
    numeros: dict[str, int] = {}
    for numero, clause in enumerate(clauses, start=1):
        if clause.cle in numeros:
            raise ValueError(f"clé « {clause.cle} » en double (articles {numeros[clause.cle]} et {numero})")
        numeros[clause.cle] = numero
    return [Clause(c.cle, c.titre, tuple(_renvois(ligne, c.cle, numeros) for ligne in c.texte)) for c in clauses]


def _renvois(ligne: str, cle_article: str, numeros: Mapping[str, int]) -> str:
    def numero(trouve: re.Match[str]) -> str:
        cle = trouve.group(1)
        if cle not in numeros:
            connues = ", ".join(numeros)
            raise ValueError(f"article « {cle_article} » : renvoi à « {cle} », qui n'est pas une clé ({connues})")
        return rang(numeros[cle])

    return _RENVOI.sub(numero, ligne)


def article(doc: DocumentWord, numero: int, titre: str, lignes: Iterable[str] = ()) -> None:
    """Un article : titre (Titre 2) « Article 1er – Objet », puis ses paragraphes."""
    paragraphe(doc, f"Article\u00a0{rang(numero)}\u00a0{TIRET} {titre}", "Heading 2")
    _ecrire(doc, lignes)


def articles(doc: DocumentWord, chemin: Path = CLAUSES) -> None:
    """Tous les articles de ``clauses.yaml``, dans l'ordre ; un double titre suit la présence de la Région."""
    for numero, clause in enumerate(numeroter(lire_clauses(chemin)), start=1):
        if isinstance(clause.titre, str):
            article(doc, numero, clause.titre, clause.texte)
            continue
        tripartite, bipartite = clause.titre
        paragraphe(doc, "{%p if region %}")
        article(doc, numero, tripartite)
        paragraphe(doc, "{%p else %}")
        article(doc, numero, bipartite)
        paragraphe(doc, "{%p endif %}")
        _ecrire(doc, clause.texte)


def _ecrire(doc: DocumentWord, lignes: Iterable[str]) -> None:
    """Les paragraphes d'un article, et les éléments qu'insèrent les lignes « @… ».

    Une phrase qui annonce la suite (« … selon l'échéancier suivant : ») reste sur la page de ce
    qu'elle annonce (paragraphe solidaire du suivant) ; le paragraphe qui suit un tableau s'en écarte.
    """
    apres_tableau = False
    for ligne in lignes:
        if ligne in _INSERTIONS:
            _INSERTIONS[ligne](doc)
            apres_tableau = ligne == "@echeancier"
            continue
        blocs(doc, [ligne], "Normal", "List Bullet")
        format_ = doc.paragraphs[-1].paragraph_format
        format_.keep_with_next = ligne.rstrip().endswith(":") or None
        if apres_tableau:
            format_.space_before = Pt(6)
        apres_tableau = False
