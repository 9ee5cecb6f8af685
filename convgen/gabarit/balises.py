"""Les balises d'un gabarit telles que Word et Writer les enregistrent, réunies avant tout contrôle ou rendu.

Word coupe le texte d'un paragraphe en *runs* au gré de la frappe : marques de correction
(``w:proofErr``), signets (``_GoBack``, que Word pose à chaque enregistrement), identifiants de
révision (``w:rsidR``), ou simple changement de mise en forme au milieu d'une balise. docxtpl
réunit ces morceaux en retirant, par expressions régulières, le XML situé entre ``{{`` et ``}}``
(``DocxTemplate.patch_xml``) ; convgen fait de même, mais sur l'arbre lxml, paragraphe par
paragraphe : le texte entier de la balise va dans le premier morceau (la balise prend donc la mise
en forme de son premier caractère), les morceaux suivants perdent ce qui en faisait partie, et tout
le reste (signets, marques, propriétés) demeure. Une balise qui déborde de son paragraphe n'est pas
réunie : la vérification la refuse, avec son emplacement.

Le contrôle (:mod:`convgen.gabarit.verification`) et le rendu (:mod:`convgen.gabarit.docx_xml`)
lisent ainsi le même texte, décodé une seule fois par le même analyseur XML.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import Any

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
OUVERTURE = re.compile(r"\{[{%#]")
FERMETURE = {"{": "}}", "%": "%}", "#": "#}"}


def lire_xml(contenu: bytes) -> Any:
    """La racine d'une partie, lue sans DTD, sans entités externes ni réseau (lève ``etree.XMLSyntaxError``)."""
    analyseur = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    return etree.fromstring(contenu, analyseur)


def reperer(texte: str) -> Iterator[tuple[int, int]]:
    """Début et fin de chaque balise du texte ; fin = -1 pour une balise jamais refermée (la dernière)."""
    i = 0
    while m := OUVERTURE.search(texte, i):
        fin = texte.find(FERMETURE[m[0][1]], m.end())
        if fin < 0:
            yield m.start(), -1
            return
        yield m.start(), fin + 2
        i = fin + 2


def textes_du_paragraphe(paragraphe: Any) -> list[Any]:
    """Les ``w:t`` du paragraphe, dans l'ordre, sans ceux d'un paragraphe imbriqué (zone de texte)."""
    return [t for t in paragraphe.iter(W + "t") if next(t.iterancestors(W + "p"), None) is paragraphe]


def fusionner(racine: Any) -> None:
    """Réunit dans son premier ``w:t`` chaque balise que Word a répartie sur plusieurs morceaux d'un paragraphe."""
    for paragraphe in racine.iter(W + "p"):
        morceaux = textes_du_paragraphe(paragraphe)
        if len(morceaux) > 1:
            _fusionner_paragraphe(morceaux)


def _fusionner_paragraphe(morceaux: list[Any]) -> None:
    textes = [t.text or "" for t in morceaux]
    texte = "".join(textes)
    if not OUVERTURE.search(texte):
        return
    debuts, position = [], 0
    for un in textes:
        debuts.append(position)
        position += len(un)

    def rang(position: int) -> int:
        """Le morceau qui contient le caractère ``position`` (le dernier de ceux qui commencent avant lui)."""
        return bisect.bisect_right(debuts, position) - 1

    # De la dernière balise à la première : les positions des balises précédentes restent justes.
    for debut, fin in reversed([(d, f) for d, f in reperer(texte) if f > 0]):
        premier, dernier = rang(debut), rang(fin - 1)
        if premier == dernier:
            continue
        a, b = morceaux[premier], morceaux[dernier]
        a.text = (a.text or "")[: debut - debuts[premier]] + texte[debut:fin]
        b.text = (b.text or "")[fin - debuts[dernier] :]
        for t in morceaux[premier + 1 : dernier]:
            t.text = ""
        for t in (a, b):
            t.set(XML_SPACE, "preserve")
