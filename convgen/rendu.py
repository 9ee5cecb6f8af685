"""Rendu des gabarits .docx : sûr, reproductible et rapide.

Le gabarit est écrit dans la syntaxe de docxtpl (``{{ x }}``, ``{%p for %}``,
``{%tr for %}``) ; convgen en reprend la préparation du XML mais fait lui-même le
reste, pour trois raisons :

* **sûreté** : Jinja tourne dans un bac à sable immuable (aucun accès aux
  attributs internes de Python), avec échappement automatique (``&``, ``<`` et ``>``
  des données restent du texte) et variables indéfinies interdites ;
* **vitesse** : chaque partie du gabarit (corps, en-têtes, pieds de page) est
  préparée et compilée une seule fois par processus, puis rendue autant de fois
  qu'il y a de conventions, directement dans l'archive, sans repasser par python-docx
  (docxtpl recompile tout à chaque rendu) ;
* **reproductibilité** : l'archive produite a des dates et un ordre fixes ; les
  mêmes données donnent les mêmes octets.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, BinaryIO

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, Template, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree

from convgen.contexte import Version, construire_contexte
from convgen.erreurs import (
    DonneesInvalides,
    ErreurGabarit,
    GabaritInvalide,
    ProblemeGabarit,
    RenduImpossible,
    erreurs,
)
from convgen.fichiers import ecrire
from convgen.modele import Convention
from convgen.regles import valider

GABARIT_PAR_DEFAUT = "convention_dgefp_2008_15.docx"
TAILLE_MAX_GABARIT = 20 * 1024 * 1024
"""Un gabarit de convention pèse quelques dizaines de kilo-octets ; au-delà de 20 Mio, il est refusé."""
TAILLE_MAX_DECOMPRESSEE = 200 * 1024 * 1024
"""Borne la taille décompressée : une « bombe » zip est refusée avant d'être lue."""
DATE_FIXE = (1980, 1, 1, 0, 0, 0)
_PARTIES_A_RENDRE = re.compile(r"^(word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml|docProps/core\.xml)$")
_BALISES = re.compile(r"\{[{%#]")


def environnement() -> ImmutableSandboxedEnvironment:
    """Le bac à sable Jinja des gabarits : échappement automatique, variable absente = erreur."""
    env = ImmutableSandboxedEnvironment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
    # Ce dont un document a besoin, rien de plus : pas de générateur de texte ni de cycles.
    for nom in ("lipsum", "cycler", "joiner", "dict"):
        env.globals.pop(nom, None)
    return env


@dataclass(frozen=True)
class _Partie:
    nom: str
    modele: Template


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


def _finir_xml(xml: str) -> str:
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


class Gabarit:
    """Un gabarit .docx lu, contrôlé et compilé une fois, rendu autant de fois qu'on veut."""

    def __init__(self, source: str | Path | bytes, *, nom: str | None = None) -> None:
        self.nom = nom or (str(source) if not isinstance(source, bytes) else "gabarit")
        octets = source if isinstance(source, bytes) else _lire_octets(Path(source))
        self._entrees = _lire_archive(octets, self.nom)
        from convgen.verification import verifier_ou_lever  # import local : verification s'appuie sur ce module

        verifier_ou_lever(octets, self.nom)  # tout gabarit est vérifié avant d'être compilé
        env = environnement()
        self._parties: dict[str, _Partie] = {}
        problemes: list[ProblemeGabarit] = []
        for nom_partie, contenu in self._entrees.items():
            if not _PARTIES_A_RENDRE.match(nom_partie):
                continue
            xml = texte_xml(contenu, self.nom, nom_partie)
            if not _BALISES.search(xml):
                continue
            try:
                self._parties[nom_partie] = _Partie(nom_partie, env.from_string(preparer_xml(xml)))
            except TemplateSyntaxError as exc:
                problemes.append(ProblemeGabarit(_lieu(nom_partie), f"syntaxe : {exc.message}"))
        if problemes:
            raise GabaritInvalide(self.nom, problemes)

    def rendre(self, contexte: Mapping[str, Any]) -> bytes:
        """Le document rendu, en octets (archive .docx reproductible)."""
        rendues: dict[str, bytes] = {}
        for nom_partie, partie in self._parties.items():
            try:
                xml = _finir_xml(partie.modele.render(contexte))
            except SecurityError:
                raise RenduImpossible(
                    self.nom,
                    f"{_lieu(nom_partie)} : le gabarit tente d'atteindre les rouages internes de Python : refusé",
                ) from None
            except UndefinedError as exc:
                raise RenduImpossible(self.nom, f"{_lieu(nom_partie)} : {_variable_inconnue(exc)}") from None
            except TemplateError as exc:
                raise RenduImpossible(self.nom, f"{_lieu(nom_partie)} : {exc}") from None
            octets = xml.encode("utf-8")
            _verifier_xml(octets, self.nom, nom_partie)
            rendues[nom_partie] = octets
        return _ecrire_archive(self._entrees, rendues)


def _variable_inconnue(exc: UndefinedError) -> str:
    """Le message de Jinja (« 'dict object' has no attribute 'x' ») dit en français."""
    trouve = re.search(r"(?:attribute|key) '([^']+)'|'([^']+)' is undefined", exc.message or "")
    nom = next((g for g in trouve.groups() if g), "?") if trouve else "?"
    return f"variable inconnue « {nom} » (voir convgen schema contexte)"


def _lieu(nom_partie: str) -> str:
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
            raise ErreurGabarit(f"{gabarit} : {_lieu(nom_partie)} : XML illisible ({exc.msg})") from None


def _verifier_xml(octets: bytes, gabarit: str, nom_partie: str) -> None:
    try:
        etree.fromstring(octets, etree.XMLParser(resolve_entities=False, huge_tree=True))
    except etree.XMLSyntaxError as exc:
        raise RenduImpossible(
            gabarit, f"{_lieu(nom_partie)} : le rendu n'est pas un XML valide ({exc.msg}) ; vérifiez le gabarit"
        ) from None


def _lire_octets(chemin: Path) -> bytes:
    try:
        taille = chemin.stat().st_size
        if taille > TAILLE_MAX_GABARIT:
            raise ErreurGabarit(f"{chemin} : gabarit trop gros ({taille // 1024} Kio)")
        return chemin.read_bytes()
    except FileNotFoundError:
        raise ErreurGabarit(f"{chemin} : gabarit introuvable") from None
    except OSError as exc:
        raise ErreurGabarit(f"{chemin} : lecture impossible ({exc.strerror})") from None


def _lire_archive(octets: bytes, nom: str) -> dict[str, bytes]:
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


def _ecrire_archive(entrees: Mapping[str, bytes], remplacees: Mapping[str, bytes]) -> bytes:
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


def chemin_gabarit_par_defaut() -> Path:
    """Le gabarit livré : dans le paquet installé, sinon dans le dépôt (installation éditable)."""
    installe = files("convgen") / "gabarits" / GABARIT_PAR_DEFAUT
    if installe.is_file():
        return Path(str(installe))
    return Path(__file__).resolve().parent.parent / "gabarits" / GABARIT_PAR_DEFAUT


@lru_cache(maxsize=8)
def _gabarit_en_cache(chemin: Path, date_modif: float, taille: int) -> Gabarit:
    return Gabarit(chemin)


def charger_gabarit(chemin: str | Path | None = None) -> Gabarit:
    """Le gabarit compilé, gardé en mémoire tant que le fichier ne change pas."""
    chemin = Path(chemin) if chemin is not None else chemin_gabarit_par_defaut()
    try:
        etat = chemin.stat()
    except OSError:
        raise ErreurGabarit(f"{chemin} : gabarit introuvable") from None
    return _gabarit_en_cache(chemin.resolve(), etat.st_mtime, etat.st_size)


def rendre_docx(contexte: Mapping[str, Any], *, gabarit: str | Path | Gabarit | None = None) -> bytes:
    """Rend un contexte avec un gabarit (par défaut, celui de convgen)."""
    modele = gabarit if isinstance(gabarit, Gabarit) else charger_gabarit(gabarit)
    return modele.rendre(contexte)


def generer_docx(
    convention: Convention,
    destination: str | Path | BinaryIO,
    *,
    version: Version | None = None,
    projet: bool = False,
    gabarit: str | Path | Gabarit | None = None,
    ecraser: bool = False,
) -> Path | None:
    """Écrit la convention en .docx dans ``destination`` (chemin, ou fichier binaire ouvert).

    La convention est d'abord contrôlée : une erreur des règles lève
    :class:`~convgen.erreurs.DonneesInvalides` et rien n'est écrit. Un chemin existant
    n'est remplacé qu'avec ``ecraser=True`` ; l'écriture est atomique.
    """
    refus = erreurs(valider(convention))
    if refus:
        raise DonneesInvalides(refus)
    contexte = construire_contexte(convention, version=version, projet=projet)
    return ecrire(destination, rendre_docx(contexte, gabarit=gabarit), ecraser=ecraser)
