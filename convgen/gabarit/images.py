"""Images d'un document rendu : le graphique du compte rendu d'exécution prend la place de celle du gabarit.

Le gabarit porte, dans le corps, une image nommée « Graphique » (propriété ``name`` de ``wp:docPr``,
« Texte de remplacement » dans Word) dont la taille et la place dans la page sont celles du gabarit ;
convgen en remplace les octets après le rendu et pose son texte de remplacement (``descr``). Le texte
passe par lxml, jamais par Jinja : une balise dans un attribut serait invisible dans Word, la
vérification des gabarits la refuse. Un gabarit personnalisé sans image « Graphique » n'a pas de graphique.
"""

from __future__ import annotations

from lxml import etree

from convgen.gabarit.docx_xml import compresser, ecrire_archive, lire_archive

NOM_IMAGE = "Graphique"
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PAQUET = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ANALYSEUR = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
_CORPS, _RELATIONS = "word/document.xml", "word/_rels/document.xml.rels"


def _image_nommee(corps: etree._Element, relations: etree._Element) -> tuple[etree._Element, str] | None:
    """Le ``wp:docPr`` de l'image « Graphique » et le chemin de son fichier dans l'archive."""
    for doc_pr in corps.iter(_WP + "docPr"):
        if doc_pr.get("name") != NOM_IMAGE:
            continue
        dessin = doc_pr.getparent()
        blip = next(dessin.iter(_A + "blip"), None) if dessin is not None else None
        identifiant = blip.get(_R + "embed") if blip is not None else None
        for relation in relations.iter(_PAQUET + "Relationship"):
            if relation.get("Id") == identifiant and relation.get("TargetMode") != "External":
                return doc_pr, "word/" + str(relation.get("Target", "")).removeprefix("/word/").lstrip("/")
    return None


def remplacer_image(docx: bytes, png: bytes, *, alternatif: str, nom: str = "document") -> bytes:
    """Le document dont l'image « Graphique » devient ``png``, avec ``alternatif`` pour texte de remplacement."""
    entrees = lire_archive(docx, nom)
    if _RELATIONS not in entrees:
        return docx
    corps = etree.fromstring(entrees[_CORPS], _ANALYSEUR)
    trouvee = _image_nommee(corps, etree.fromstring(entrees[_RELATIONS], _ANALYSEUR))
    if trouvee is None or trouvee[1] not in entrees:
        return docx
    doc_pr, media = trouvee
    doc_pr.set("descr", alternatif)
    xml = etree.tostring(corps, xml_declaration=True, encoding="UTF-8", standalone=True)
    remplacees = {media: png, _CORPS: xml}
    return ecrire_archive([compresser(n, remplacees.get(n, contenu)) for n, contenu in entrees.items()])
