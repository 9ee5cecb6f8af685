"""Ce que le rendu verrait d'une partie sans que Word ni Writer le montrent : refusé avant toute autre analyse.

Le rendu (docxtpl puis Jinja) travaille sur le XML entier, la vérification sur le texte visible.
Pour qu'aucune balise n'échappe à la seconde en atteignant le premier, une partie est refusée si :

* elle porte une déclaration DOCTYPE (ses entités peuvent contenir des balises ; un document
  Word n'en a jamais) ;
* elle est dans un autre encodage qu'UTF-8 ou UTF-16 (UTF-7 fait de « +AHsAew- » un « {{ ») ;
* un caractère de balise (``{``, ``}``, ``%``, ``#``) y est écrit en référence XML (``&#123;``) ;
* une balise se trouve hors du texte : attribut, commentaire XML, instruction de traitement, code
  de champ (``w:instrText``), texte supprimé en mode révision (``w:delText``).
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from convgen.gabarit.balises import OUVERTURE, W

_REFERENCE = re.compile(r"&#(?:[xX]0*(7[bBdD]|25|23)|0*(123|125|37|35));")
_CARACTERES = {"7b": "{", "7d": "}", "25": "%", "23": "#", "123": "{", "125": "}", "37": "%", "35": "#"}

_DOCTYPE = (
    "déclaration DOCTYPE refusée : un document Word n'en porte pas, et ses entités cachent des balises ; "
    "enregistrez le gabarit à nouveau depuis Word ou Writer"
)
Refus = tuple[str, str, str]
"""(lieu dans la partie, message, extrait)."""


def refus_de_la_partie(racine: Any, contenu: bytes) -> list[Refus]:
    """Les raisons de refuser la partie d'emblée ; liste vide si rien n'y est caché."""
    info = racine.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        return [("", _DOCTYPE, info.doctype[:60])]
    encodage = (info.encoding or "UTF-8").upper()
    if encodage not in ("UTF-8", "UTF-16", "UTF-16LE", "UTF-16BE"):
        return [("", f"encodage « {encodage} » refusé : enregistrez le gabarit depuis Word ou Writer (UTF-8)", "")]
    texte = contenu.decode("utf-16" if encodage.startswith("UTF-16") else "utf-8", errors="replace")
    refus = [
        ("", f"caractère « {_CARACTERES[(m[1] or m[2]).lower()]} » écrit en référence XML ({m[0]}) : une balise "
             "s'y cacherait ; tapez le caractère lui-même", _autour(texte, m.start()))
        for m in _REFERENCE.finditer(texte)
    ]  # fmt: skip
    return refus + _hors_du_texte(racine)


def _hors_du_texte(racine: Any) -> list[Refus]:
    wordml = racine.tag.startswith(W)
    rangs = {p: n for n, p in enumerate(racine.iter(W + "p"), 1)}
    refus: list[Refus] = []
    for element in racine.iter():
        trouvees: list[tuple[str | None, str]] = []
        if not isinstance(element.tag, str):  # commentaire XML ou instruction de traitement
            nature = "un commentaire XML" if isinstance(element, etree._Comment) else "une instruction de traitement"
            trouvees.append((element.text, nature))
        else:
            nom = f"{element.prefix + ':' if element.prefix else ''}{etree.QName(element).localname}"
            trouvees += [(v, f"l'attribut « {etree.QName(a).localname} » de « {nom} »") for a, v in element.items()]
            visible = element.tag == W + "t" and next(element.iterancestors(W + "p"), None) is not None
            if wordml and not visible:
                trouvees.append((element.text, f"l'élément « {nom} »"))
            trouvees.append((element.tail, f"l'espace qui suit « {nom} »"))
        for texte, endroit in trouvees:
            if texte and (m := OUVERTURE.search(texte)):
                paragraphe = element if element.tag == W + "p" else next(element.iterancestors(W + "p"), None)
                lieu = f"paragraphe {rangs[paragraphe]}" if paragraphe is not None else ""
                message = f"balise cachée dans {endroit} : le rendu l'exécuterait sans que Word la montre ; retirez-la"
                refus.append((lieu, message, _autour(texte, m.start())))
    return refus


def _autour(texte: str, debut: int) -> str:
    return texte[max(0, debut - 20) : debut + 40].strip()
