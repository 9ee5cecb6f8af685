"""Finition des PDF produits par LibreOffice : métadonnées concordantes, octets reproductibles.

LibreOffice 7.4 échappe deux fois le titre dans les métadonnées XMP (``d&amp;apos;objectifs``) :
XMP et dictionnaire Info ne disent plus la même chose, et le fichier n'est plus PDF/A-2b (ISO
19005-2, §6.6.3 : les deux doivent concorder). Il date aussi le PDF de l'instant de la conversion
et lui donne un identifiant aléatoire : deux conversions des mêmes données diffèrent.

:func:`finaliser_pdf` reprend le PDF avec pikepdf : titre, sujet et auteur lus dans les propriétés
du .docx (la source que LibreOffice a mal recopiée), écrits à l'identique dans Info et dans XMP ;
dates tirées du .docx (fixes pour les mêmes données) ; identifiant du document tiré de l'empreinte
du .docx. Les mêmes données donnent ainsi les mêmes octets, comme pour les .docx.
"""

from __future__ import annotations

import hashlib
import struct
import uuid
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from convgen.erreurs import ConversionEchouee

if TYPE_CHECKING:
    import pikepdf

_ESPACES = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
}
_DATE_PAR_DEFAUT = datetime(2000, 1, 1, tzinfo=UTC)


def proprietes_docx(docx: Path) -> dict[str, str | datetime]:
    """Titre, sujet, auteur et date de création inscrits dans ``docProps/core.xml`` du document."""
    try:
        with zipfile.ZipFile(docx) as archive:
            contenu = archive.read("docProps/core.xml")
        racine = etree.fromstring(contenu, etree.XMLParser(resolve_entities=False, no_network=True))
    except (KeyError, OSError, zipfile.BadZipFile, etree.XMLSyntaxError):
        racine = None

    def texte(chemin: str) -> str:
        element = None if racine is None else racine.find(chemin, _ESPACES)
        return "" if element is None or element.text is None else element.text.strip()

    try:
        date = datetime.fromisoformat(texte("dcterms:created").replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        date = _DATE_PAR_DEFAUT
    return {"titre": texte("dc:title"), "sujet": texte("dc:subject"), "auteur": texte("dc:creator"), "date": date}


def finaliser_pdf(pdf: Path, docx: Path) -> None:
    """Réécrit ``pdf`` (converti de ``docx``) : Info et XMP concordants, dates et identifiant tirés du .docx."""
    import pikepdf  # une demi-seconde d'import : seulement quand on convertit

    proprietes = proprietes_docx(docx)
    empreinte = hashlib.sha256(docx.read_bytes()).digest()
    date = proprietes["date"]
    assert isinstance(date, datetime)
    titre, sujet, auteur = (str(proprietes[cle]) for cle in ("titre", "sujet", "auteur"))
    identifiant = f"uuid:{uuid.UUID(bytes=empreinte[:16])}"
    try:
        with pikepdf.open(pdf, allow_overwriting_input=True) as document:
            info = document.docinfo
            for cle, valeur in (("/Title", titre), ("/Subject", sujet), ("/Author", auteur)):
                if valeur:
                    info[cle] = valeur
                elif cle in info:
                    del info[cle]
            info["/CreationDate"] = info["/ModDate"] = date.strftime("D:%Y%m%d%H%M%SZ")
            producteur, createur = str(info.get("/Producer", "")), str(info.get("/Creator", ""))
            with document.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
                for cle in ("dc:title", "dc:description", "dc:creator"):
                    if cle in xmp:
                        del xmp[cle]
                if titre:
                    xmp["dc:title"] = titre
                if sujet:
                    xmp["dc:description"] = sujet
                if auteur:
                    xmp["dc:creator"] = [auteur]
                iso = date.strftime("%Y-%m-%dT%H:%M:%SZ")
                for cle in ("xmp:CreateDate", "xmp:ModifyDate", "xmp:MetadataDate"):
                    xmp[cle] = iso
                if producteur:
                    xmp["pdf:Producer"] = producteur
                if createur:
                    xmp["xmp:CreatorTool"] = createur
                xmp["xmpMM:DocumentID"] = xmp["xmpMM:InstanceID"] = identifiant
            _dater_profils_icc(document, date)
            if "/DocChecksum" in document.trailer:  # somme de contrôle de LibreOffice, prise sur l'export daté
                del document.trailer["/DocChecksum"]
            document.trailer.ID = pikepdf.Array([pikepdf.String(empreinte[:16]), pikepdf.String(empreinte[16:])])
            # Flux laissés tels que LibreOffice les a compressés (deux fois plus rapide) ; identifiant fixe.
            document.save(
                pdf, static_id=True, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.preserve
            )
    except pikepdf.PdfError as exc:
        raise ConversionEchouee(docx, f"PDF produit illisible ({exc})") from None


def _dater_profils_icc(document: pikepdf.Pdf, date: datetime) -> None:
    """Le profil de couleurs sRGB que LibreOffice incorpore (PDF/A) porte l'heure de sa création, à la seconde
    (en-tête ICC, octets 24 à 35) : on y met la date du document. Si le profil a un identifiant (empreinte MD5
    de l'en-tête, ICC.1:2010 §7.2.18), il est recalculé."""
    import pikepdf

    for intention in document.Root.get("/OutputIntents", []):
        profil = intention.get("/DestOutputProfile")
        if not isinstance(profil, pikepdf.Stream):
            continue
        octets = bytearray(profil.read_bytes())
        if len(octets) < 128 or octets[36:40] != b"acsp":
            continue
        octets[24:36] = struct.pack(">6H", date.year, date.month, date.day, date.hour, date.minute, date.second)
        if any(octets[84:100]):
            copie = bytearray(octets)
            copie[44:48], copie[64:68], copie[84:100] = bytes(4), bytes(4), bytes(16)
            octets[84:100] = hashlib.md5(copie, usedforsecurity=False).digest()
        profil.write(zlib.compress(bytes(octets)), filter=pikepdf.Name.FlateDecode)
