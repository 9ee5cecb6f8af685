"""La couche XML d'un .docx : lire l'archive sous contrôle, préparer ses parties pour Jinja, réécrire l'archive.

Comme python-docx sépare ses objets de leur XML, convgen sépare ici ce qui touche aux octets et
au XML d'un document Word (limites de taille, bombe zip, encodage, balises de docxtpl, sauts de
ligne, archive reproductible) de ce qui rend et vérifie les gabarits (:mod:`convgen.gabarit.rendu`,
:mod:`convgen.gabarit.verification`), qui s'appuient tous deux sur ce module.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.parsers import expat

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined
from lxml import etree

from convgen.erreurs import ErreurGabarit, FichierIllisible, RenduImpossible, motif_systeme
from convgen.fichiers import lire_ordinaire
from convgen.francais import exposants
from convgen.gabarit.balises import fusionner, lire_xml
from convgen.gabarit.bornes import EnvironnementBorne

__all__ = [
    "DATE_FIXE",
    "PARTIES_A_RENDRE",
    "TAILLE_MAX_DECOMPRESSEE",
    "TAILLE_MAX_GABARIT",
    "EntreeZip",
    "compresser",
    "ecrire_archive",
    "environnement",
    "finir_xml",
    "lieu",
    "lire_archive",
    "lire_octets",
    "preparer_xml",
    "verifier_xml",
]

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
_BALISES = re.compile(r"\{[{%#]|\{_[{%]")


_ECHAPPEMENTS_DOCXTPL = re.compile(r"\{_\{|\}_\}|\{_%|%_\}")
_BALISE_PREPAREE = re.compile(r"\{[{%].*?[}%]\}")
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def preparer_xml(contenu: bytes, gabarit: str = "gabarit", nom_partie: str = "") -> str:
    """Le XML d'une partie, prêt pour Jinja ; chaîne vide si elle n'a aucune balise.

    La partie est lue par lxml (le texte que voit la vérification, UTF-8 ou UTF-16, références
    de caractères décodées), les balises coupées par Word sont réunies
    (:func:`convgen.gabarit.balises.fusionner`), puis docxtpl résout ``{%p``/``{%tr``/``{%tc``.
    Dans une balise, ``&amp;``, ``&lt;`` et ``&gt;`` redeviennent les caractères tapés (Writer
    enregistre ainsi les guillemets et les esperluettes). Les accolades littérales de docxtpl
    (``{_{`` pour « {{ »…) deviennent des chaînes Jinja : traduites ici, dans le gabarit, et non
    après le rendu, elles ne touchent jamais aux données.
    """
    try:
        return _preparer(contenu)
    except etree.XMLSyntaxError as exc:
        raise ErreurGabarit(f"{gabarit} : {lieu(nom_partie)} : XML illisible ({exc.msg})") from None


@lru_cache(maxsize=32)
def _preparer(contenu: bytes) -> str:
    """:func:`preparer_xml`, gardé en mémoire : la vérification d'un gabarit puis sa compilation le demandent."""
    racine = lire_xml(contenu)
    fusionner(racine)
    xml = etree.tostring(racine, encoding="unicode")
    if not _BALISES.search(xml):
        return ""
    xml = _BALISE_PREPAREE.sub(_entites, _OUTIL.patch_xml(_DECLARATION + xml))
    xml = _ECHAPPEMENTS_DOCXTPL.sub(lambda m: '{{ "' + m.group().replace("_", "") + '" }}', xml)
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)


def _entites(balise: re.Match[str]) -> str:
    """En une passe : « &amp;lt; » tapé dans Word reste « &lt; » (docxtpl a déjà traité &lt; et &gt;)."""
    return balise[0].replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


_PARAGRAPHE = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)
_CONTROLES_TEXTE = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\n\t\a\f]")


def finir_xml(xml: str) -> str:
    """Après Jinja : retire les repères, met « er » de « 1er » en exposant, change ``\n`` et ``\t`` des
    données en sauts de ligne et tabulations."""
    # Deux remplacements littéraux (C) plutôt qu'une expression à groupe, dix fois plus lente ici.
    xml = xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")
    if "1er" in xml or "1re" in xml:
        xml = _exposer_runs(xml)
    corps = xml.partition("?>")[2] if xml.startswith("<?xml") else xml  # la déclaration est suivie d'un saut
    if not any(c in corps[1:] for c in "\n\t\a\f") or not _CONTROLES_TEXTE.search(xml):
        return xml  # cas courant : rien à convertir (test littéral d'abord, l'expression est lente)
    return _PARAGRAPHE.sub(_resoudre_paragraphe, xml)


# Un run de texte simple : propriétés éventuelles (sans franchir leur fin), puis un seul w:t.
_RUN = re.compile(
    r"<w:r(?: [^>]*)?>(?:<w:rPr/>|<w:rPr>((?:(?!</w:rPr>).)*)</w:rPr>)?<w:t(?: [^>]*)?>([^<]*)</w:t></w:r>", re.DOTALL
)
# Éléments qui suivent w:vertAlign dans w:rPr (ordre imposé par le schéma OOXML, CT_RPr).
_APRES_VERTALIGN = re.compile(r"<w:(?:rtl|cs|em|lang|eastAsianLayout|specVanish|oMath)\b")


_CANDIDAT = re.compile(r"1(?:er|re)")


def _exposer_runs(xml: str) -> str:
    """Applique :func:`_exposer` aux seuls runs qui contiennent « 1er » ou « 1re ».

    Même résultat que ``_RUN.sub(_exposer, xml)`` (un run commence par ``<w:r>`` ou ``<w:r `` et son
    texte n'a pas de « < ») ; mais on part des quelques occurrences au lieu d'essayer chaque run.
    """
    morceaux: list[str] = []
    fait = 0
    for candidat in _CANDIDAT.finditer(xml):
        position = candidat.start()
        if position < fait:
            continue  # dans un run déjà traité
        debut = max(xml.rfind("<w:r>", fait, position), xml.rfind("<w:r ", fait, position))
        trouve = _RUN.match(xml, debut) if debut >= 0 else None
        if trouve is None or trouve.end() <= position:
            continue
        morceaux += (xml[fait:debut], _exposer(trouve))
        fait = trouve.end()
    return "".join([*morceaux, xml[fait:]]) if morceaux else xml


def _exposer(trouve: re.Match[str]) -> str:
    """Découpe un run autour de « er » (« 1er ») : ce morceau reçoit ``w:vertAlign`` exposant (typographie)."""
    morceaux = exposants(trouve.group(2))
    if len(morceaux) <= 1:  # rien à mettre en exposant ; un run vide reste tel quel
        return trouve.group(0)
    proprietes = re.sub(r"<w:vertAlign [^>]*/>", "", trouve.group(1) or "")
    suite = _APRES_VERTALIGN.search(proprietes)
    coupure = suite.start() if suite else len(proprietes)
    exposant = f'{proprietes[:coupure]}<w:vertAlign w:val="superscript"/>{proprietes[coupure:]}'
    return "".join(
        f'<w:r><w:rPr>{exposant if haut else proprietes}</w:rPr><w:t xml:space="preserve">{texte}</w:t></w:r>'
        for texte, haut in morceaux
    )


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


def verifier_xml(octets: bytes, gabarit: str, nom_partie: str) -> None:
    """Le rendu est-il un XML bien formé ? Un gabarit dont les blocs coupent des balises le casserait.

    expat (C, sans construire d'arbre, préfixes d'espaces de noms contrôlés) fait ce contrôle deux
    fois plus vite que lxml ; aucune entité n'est développée.
    """
    analyseur = expat.ParserCreate(namespace_separator=" ")
    analyseur.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        analyseur.Parse(octets, True)
    except expat.ExpatError as exc:
        motif = f"{expat.ErrorString(exc.code)}, ligne {exc.lineno}, colonne {exc.offset + 1}"
        raise RenduImpossible(
            gabarit, f"{lieu(nom_partie)} : le rendu n'est pas un XML valide ({motif}) ; vérifiez le gabarit"
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
        raise ErreurGabarit(f"{chemin} : lecture impossible ({motif_systeme(exc)})") from None


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


@dataclass(frozen=True, slots=True)
class EntreeZip:
    """Une entrée d'archive déjà compressée : une partie inchangée du gabarit ne l'est qu'une fois."""

    nom: str
    crc: int
    taille: int
    compresse: bytes


def compresser(nom: str, contenu: bytes) -> EntreeZip:
    """Deflate brut de niveau 1 : trois fois plus rapide que le niveau par défaut, pour quelques Kio de plus."""
    compresseur = zlib.compressobj(1, zlib.DEFLATED, -15)
    return EntreeZip(nom, zlib.crc32(contenu), len(contenu), compresseur.compress(contenu) + compresseur.flush())


# Enregistrements de l'archive (APPNOTE de PKWARE, §4.3) : en-tête local, entrée du répertoire central, fin.
_EN_TETE_LOCAL = struct.Struct("<4s2B4HL2L2H")
_REPERTOIRE = struct.Struct("<4s4B4HL2L5H2L")
_FIN = struct.Struct("<4s4H2LH")
_DATE_DOS = (DATE_FIXE[0] - 1980) << 9 | DATE_FIXE[1] << 5 | DATE_FIXE[2]
_HEURE_DOS = DATE_FIXE[3] << 11 | DATE_FIXE[4] << 5 | DATE_FIXE[5] // 2
_VERSION = 20  # 2.0 : deflate
_ATTRIBUTS = 0o644 << 16  # -rw-r--r--, créé par « MS-DOS » (0) : mêmes octets sur toute machine


def ecrire_archive(entrees: Sequence[EntreeZip]) -> bytes:
    """L'archive .docx, reproductible : date fixe, attributs fixes, ordre donné.

    Les octets sont ceux qu'écrirait :mod:`zipfile` avec ces réglages (un test le vérifie) ; seules
    les parties rendues sont compressées à chaque document.
    """
    morceaux: list[bytes] = []
    repertoire: list[bytes] = []
    position = 0
    for entree in entrees:
        nom, drapeaux = _nom_zip(entree.nom)
        en_tete = _EN_TETE_LOCAL.pack(
            b"PK\x03\x04", _VERSION, 0, drapeaux, zipfile.ZIP_DEFLATED, _HEURE_DOS, _DATE_DOS,
            entree.crc, len(entree.compresse), entree.taille, len(nom), 0,
        )  # fmt: skip
        central = _REPERTOIRE.pack(
            b"PK\x01\x02", _VERSION, 0, _VERSION, 0, drapeaux, zipfile.ZIP_DEFLATED, _HEURE_DOS, _DATE_DOS,
            entree.crc, len(entree.compresse), entree.taille, len(nom), 0, 0, 0, 0, _ATTRIBUTS, position,
        )  # fmt: skip
        repertoire.append(central + nom)
        morceaux += (en_tete, nom, entree.compresse)
        position += len(en_tete) + len(nom) + len(entree.compresse)
    central = b"".join(repertoire)
    fin = _FIN.pack(b"PK\x05\x06", 0, 0, len(entrees), len(entrees), len(central), position, 0)
    return b"".join([*morceaux, central, fin])


def _nom_zip(nom: str) -> tuple[bytes, int]:
    """Le nom encodé, et le drapeau UTF-8 (bit 11) s'il n'est pas en ASCII, comme le fait zipfile."""
    try:
        return nom.encode("ascii"), 0
    except UnicodeEncodeError:
        return nom.encode("utf-8"), 0x800
