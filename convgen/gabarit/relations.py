"""Ressources externes d'un gabarit .docx : toutes refusées, sauf les liens hypertextes.

Une relation ``TargetMode="External"`` (dans n'importe quelle partie ``_rels``) désigne une ressource
hors du document : image liée, modèle attaché, objet OLE, cadre, sous-document… LibreOffice va la
chercher en convertissant en PDF, sur le réseau (``http://127.0.0.1:…``) ou sur le disque
(``file:///etc/passwd``), et l'incorpore au PDF. Un gabarit n'en a jamais besoin : ce qu'il montre doit
y être inséré. Seuls les liens hypertextes restent permis, car ils ne sont jamais suivis, à condition
de ne servir qu'à des liens (un ``r:link`` d'image qui pointerait sur eux serait chargé).

Les champs Word qui vont chercher un contenu (``INCLUDEPICTURE``, ``INCLUDETEXT``, ``LINK``, ``DDE``…)
sont refusés pour la même raison.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping

from lxml import etree

from convgen.erreurs import ProblemeGabarit

_PAQUET = "http://schemas.openxmlformats.org/package/2006/relationships"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_ANALYSEUR = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
_NATURES = {
    "image": "image liée",
    "attachedTemplate": "modèle attaché",
    "oleObject": "objet OLE lié",
    "frame": "cadre (frame)",
    "subDocument": "sous-document",
    "aFChunk": "contenu importé (altChunk)",
    "package": "objet incorporé",
    "video": "vidéo liée",
    "audio": "son lié",
    "media": "média lié",
}
_ELEMENTS_DE_LIEN = frozenset({"hyperlink", "hlinkClick", "hlinkHover"})
_CHAMPS_QUI_CHARGENT = re.compile(r"(INCLUDEPICTURE|INCLUDETEXT|(?<!HYPER)LINK|DDEAUTO|DDE|IMPORT)\b", re.IGNORECASE)
_CONSEIL = "LibreOffice irait la chercher (réseau ou fichier local) : insérez-la dans le document"


def relations_externes(entrees: Mapping[str, bytes]) -> list[ProblemeGabarit]:
    """Les ressources externes du gabarit (entrées de l'archive), chacune avec sa partie, sa relation et sa cible."""
    problemes: list[ProblemeGabarit] = []
    for nom in sorted(n for n in entrees if n.endswith(".rels")):
        problemes += _relations_de(nom, entrees)
    for nom in sorted(n for n in entrees if n.startswith("word/") and n.endswith(".xml")):
        problemes += _champs_de(nom, entrees[nom])
    return problemes


def _source(nom_rels: str) -> str:
    """``word/_rels/document.xml.rels`` → ``word/document.xml`` ; ``_rels/.rels`` → ``""`` (le paquet)."""
    dossier, fichier = posixpath.split(nom_rels)
    return posixpath.join(posixpath.dirname(dossier), fichier.removesuffix(".rels")).lstrip("/")


def _relations_de(nom: str, entrees: Mapping[str, bytes]) -> list[ProblemeGabarit]:
    try:
        racine = etree.fromstring(entrees[nom], _ANALYSEUR)
    except etree.XMLSyntaxError as exc:
        return [ProblemeGabarit(f"relations ({nom})", f"XML illisible : {exc.msg}")]
    problemes = []
    for relation in racine.iter(f"{{{_PAQUET}}}Relationship"):
        if (relation.get("TargetMode") or "").lower() != "external":
            continue
        ident, cible, type_ = relation.get("Id", "?"), relation.get("Target", ""), relation.get("Type", "")
        source = _source(nom) or "l'archive"
        lieu = f"relations de {source} ({nom}), relation {ident}"
        genre = type_.rsplit("/", 1)[-1]
        if genre != "hyperlink":
            nature = _NATURES.get(genre, f"relation « {genre} »")
            problemes.append(ProblemeGabarit(lieu, f"ressource externe refusée : {nature} « {cible} » ; {_CONSEIL}"))
            continue
        for element in _usages(entrees.get(_source(nom), b""), ident):
            message = f"lien hypertexte « {cible} » employé comme ressource par <{element}> : refusé ; {_CONSEIL}"
            problemes.append(ProblemeGabarit(lieu, message))
    return problemes


def _usages(contenu: bytes, ident: str) -> list[str]:
    """Les éléments, autres que des liens, qui désignent la relation ``ident`` (``r:link``, ``r:embed``…)."""
    if not contenu:
        return []
    try:
        racine = etree.fromstring(contenu, _ANALYSEUR)
    except etree.XMLSyntaxError:
        return []  # partie illisible : la vérification du XML la signale déjà
    usages = []
    for element in racine.iter():
        if not isinstance(element.tag, str) or etree.QName(element).localname in _ELEMENTS_DE_LIEN:
            continue
        if any(cle.startswith(f"{{{_R}}}") and valeur == ident for cle, valeur in element.attrib.items()):
            usages.append(etree.QName(element).localname)
    return usages


def _champs_de(nom: str, contenu: bytes) -> list[ProblemeGabarit]:
    """Champs Word qui chargent un contenu extérieur ; le code d'un champ peut être réparti sur plusieurs runs."""
    if b"instr" not in contenu:
        return []
    try:
        racine = etree.fromstring(contenu, _ANALYSEUR)
    except etree.XMLSyntaxError:
        return []
    codes = ["".join(t.text or "" for t in racine.iter(f"{{{_W}}}instrText"))]
    codes += [f.get(f"{{{_W}}}instr", "") for f in racine.iter(f"{{{_W}}}fldSimple")]
    problemes = []
    for code in codes:
        for trouve in _CHAMPS_QUI_CHARGENT.finditer(code):
            extrait = code[trouve.start() : trouve.start() + 60].strip()
            message = f"champ {trouve[1].upper()} refusé : il charge un contenu extérieur ; {_CONSEIL}"
            problemes.append(ProblemeGabarit(f"champs de {nom}", message, extrait))
    return problemes
