"""La couche XML d'un .docx : lire l'archive sous contrôle, préparer ses parties pour Jinja, réécrire l'archive.

Comme python-docx sépare ses objets de leur XML, convgen sépare ici ce qui touche aux octets et
au XML d'un document Word (limites de taille, bombe zip, encodage, balises de docxtpl, sauts de
ligne, archive reproductible) de ce qui rend et vérifie les gabarits (:mod:`convgen.gabarit.rendu`,
:mod:`convgen.gabarit.verification`), qui s'appuient tous deux sur ce module.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined
from lxml import etree

from convgen.erreurs import ErreurGabarit, FichierIllisible, RenduImpossible
from convgen.fichiers import lire_ordinaire
from convgen.gabarit.bornes import EnvironnementBorne

TAILLE_MAX_GABARIT = 20 * 1024 * 1024
"""Un gabarit de convention pèse quelques dizaines de kilo-octets ; au-delà de 20 Mio, il est refusé."""
TAILLE_MAX_DECOMPRESSEE = 200 * 1024 * 1024
"""Borne la taille décompressée : une « bombe » zip est refusée avant d'être lue."""
DATE_FIXE = (1980, 1, 1, 0, 0, 0)
PARTIES_A_RENDRE = re.compile(r"^(word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml|docProps/core\.xml)$")


def environnement() -> EnvironnementBorne:
    """Le bac à sable Jinja des gabarits : échappement automatique, variable absente = erreur, rendu borné."""
    env = EnvironnementBorne(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
    # Ce dont un document a besoin, rien de plus : pas de générateur de texte ni de cycles.
    for nom in ("lipsum", "cycler", "joiner", "dict"):
        env.globals.pop(nom, None)
    return env


_OUTIL = DocxTemplate(io.BytesIO())  # n'ouvre rien : sert pour patch_xml et resolve_listing


_ECHAPPEMENTS_DOCXTPL = re.compile(r"\{_\{|\}_\}|\{_%|%_\}")


def preparer_xml(xml: str) -> str:
    """Le XML d'une partie, prêt pour Jinja (balises de docxtpl réunies, ``{%p``/``{%tr`` résolus).

    Les accolades littérales de docxtpl (``{_{`` pour « {{ »…) deviennent des chaînes Jinja :
    traduites ici, dans le gabarit, et non après le rendu, elles ne touchent jamais aux données.
    """
    xml = _ECHAPPEMENTS_DOCXTPL.sub(lambda m: '{{ "' + m.group().replace("_", "") + '" }}', _OUTIL.patch_xml(xml))
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)


_PARAGRAPHE = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)
_CONTROLES_TEXTE = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\n\t\a\f]")


def finir_xml(xml: str) -> str:
    """Après Jinja : retire les repères, change ``\\n`` et ``\\t`` des données en sauts de ligne et tabulations."""
    xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
    if not _CONTROLES_TEXTE.search(xml):
        return xml  # cas courant : rien à convertir, on évite de réécrire chaque paragraphe
    return _PARAGRAPHE.sub(_resoudre_paragraphe, xml)


def _resoudre_paragraphe(trouve: re.Match[str]) -> str:
    paragraphe = trouve.group(0)
    if not _CONTROLES_TEXTE.search(paragraphe):
        return paragraphe
    return str(_OUTIL.resolve_listing(paragraphe))


def lieu(nom_partie: str) -> str:
    if "header" in nom_partie:
        return f"en-tête ({nom_partie})"
    if "footer" in nom_partie:
        return f"pied de page ({nom_partie})"
    return "corps du document" if nom_partie == "word/document.xml" else nom_partie


def texte_xml(contenu: bytes, gabarit: str, nom_partie: str) -> str:
    """Le XML d'une partie en texte ; une partie enregistrée en UTF-16 est relue par lxml (sans déclaration)."""
    try:
        return contenu.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return str(etree.tostring(etree.fromstring(contenu), encoding="unicode"))
        except etree.XMLSyntaxError as exc:
            raise ErreurGabarit(f"{gabarit} : {lieu(nom_partie)} : XML illisible ({exc.msg})") from None


def verifier_xml(octets: bytes, gabarit: str, nom_partie: str) -> None:
    try:
        etree.fromstring(octets, etree.XMLParser(resolve_entities=False, huge_tree=True))
    except etree.XMLSyntaxError as exc:
        raise RenduImpossible(
            gabarit, f"{lieu(nom_partie)} : le rendu n'est pas un XML valide ({exc.msg}) ; vérifiez le gabarit"
        ) from None


def lire_octets(chemin: Path) -> bytes:
    try:
        octets, taille = lire_ordinaire(chemin, TAILLE_MAX_GABARIT)  # ni tube ni /dev/zero
        if taille > TAILLE_MAX_GABARIT:
            raise ErreurGabarit(f"{chemin} : gabarit trop gros ({taille // 1024} Kio)")
        return octets
    except FichierIllisible as exc:
        raise ErreurGabarit(f"{chemin} : {exc.motif}") from None
    except FileNotFoundError:
        raise ErreurGabarit(f"{chemin} : gabarit introuvable") from None
    except OSError as exc:
        raise ErreurGabarit(f"{chemin} : lecture impossible ({exc.strerror})") from None


def lire_archive(octets: bytes, nom: str) -> dict[str, bytes]:
    """Les entrées de l'archive, dans leur ordre, après contrôle (zip valide, pas de bombe, corps présent)."""
    try:
        with zipfile.ZipFile(io.BytesIO(octets)) as archive:
            infos = archive.infolist()
            if sum(i.file_size for i in infos) > TAILLE_MAX_DECOMPRESSEE:
                raise ErreurGabarit(f"{nom} : archive démesurée une fois décompressée (bombe zip ?) : refusée")
            noms = [i.filename for i in infos]
            if "word/document.xml" not in noms:
                raise ErreurGabarit(f"{nom} : ce n'est pas un document Word (word/document.xml manquant)")
            return {i.filename: archive.read(i) for i in infos if not i.is_dir()}
    except (zipfile.BadZipFile, EOFError, zlib.error, RuntimeError, NotImplementedError):  # abîmé, chiffré, exotique
        raise ErreurGabarit(f"{nom} : ce n'est pas un fichier .docx valide (archive zip illisible)") from None


def ecrire_archive(entrees: Mapping[str, bytes], remplacees: Mapping[str, bytes]) -> bytes:
    tampon = io.BytesIO()
    # Niveau 1 : trois fois plus rapide que le niveau par défaut, pour quelques kilo-octets de plus.
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for nom, contenu in entrees.items():
            info = zipfile.ZipInfo(nom, date_time=DATE_FIXE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0o644 << 16
            archive.writestr(info, remplacees.get(nom, contenu), compresslevel=1)
    return tampon.getvalue()
