"""Paquet du .docx : parties inutiles retirées, propriétés, réglages, thème, enregistrement reproductible."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from docx.document import Document as DocumentWord
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from .briques import fr
from .constantes import DATE_FIXE, LANGUE


def nettoyer_paquet(doc: DocumentWord) -> None:
    """Retire la vignette, le customXml et stylesWithEffects du modèle de python-docx."""
    paquet = doc.part.package
    for proprietaire, types in (
        (paquet, {RT.THUMBNAIL}),
        (doc.part, {RT.CUSTOM_XML, "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"}),
    ):
        for rid, relation in list(proprietaire.rels.items()):
            if relation.reltype in types:
                del proprietaire.rels[rid]
                proprietaire.rels.related_parts.pop(rid, None)


def proprietes(doc: DocumentWord) -> None:
    """Propriétés du document : titre de la convention, français, auteur « convgen », dates fixes.

    Le titre est lui-même une balise : convgen rend aussi ``docProps/core.xml``.
    """
    cp = doc.core_properties
    cp.title = "{{ convention.titre }} — {{ convention.objet }}"
    cp.subject = fr("Programme régional d'animation des missions locales (circulaire DGEFP n° 2008-15)")
    cp.author = cp.last_modified_by = "convgen"
    cp.language = LANGUE
    cp.keywords = cp.category = cp.comments = cp.content_status = cp.identifier = cp.version = ""
    cp.created = cp.modified = DATE_FIXE
    cp.revision = 1
    application = next(p for p in doc.part.package.parts if p.partname.endswith("/app.xml"))
    application._blob = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        b"<Application>convgen</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
        b"<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
        b"<HyperlinksChanged>false</HyperlinksChanged></Properties>"
    )


def reglages(doc: DocumentWord) -> None:
    """Réglages : langue française, séparateurs français, ni rsid ni état de relecture."""
    settings = doc.settings.element
    for inutile in settings.xpath("w:rsids|w:proofState|w:savePreviewPicture"):
        settings.remove(inutile)
    for balise, valeur in (("themeFontLang", LANGUE), ("decimalSymbol", ","), ("listSeparator", ";")):
        for noeud in settings.xpath(f"w:{balise}"):
            noeud.attrib.clear()
            noeud.set(qn("w:val"), valeur)


def theme(doc: DocumentWord) -> None:
    """Arial aussi dans les polices du thème, pour qu'aucune autre police ne s'y glisse."""
    part = doc.part.part_related_by(RT.THEME)
    part._blob = re.sub(rb'(<a:latin typeface=")[^"]*(")', rb"\1Arial\2", part.blob)


def enregistrer(doc: DocumentWord, destination: Path) -> None:
    """Enregistre le .docx avec des horodatages fixes : deux exécutions, mêmes octets."""
    tampon = io.BytesIO()
    doc.save(tampon)
    sortie = io.BytesIO()
    with zipfile.ZipFile(tampon) as source, zipfile.ZipFile(sortie, "w", zipfile.ZIP_DEFLATED) as cible:
        for info in source.infolist():
            fixe = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixe.compress_type = zipfile.ZIP_DEFLATED
            fixe.external_attr = 0o644 << 16
            cible.writestr(fixe, source.read(info.filename))
    destination.write_bytes(sortie.getvalue())
