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

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import BinaryIO

from jinja2 import Template, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError

from convgen.contexte import Version, construire_contexte
from convgen.erreurs import (
    DonneesInvalides,
    ErreurGabarit,
    GabaritInvalide,
    ProblemeGabarit,
    RenduImpossible,
    erreurs,
)
from convgen.fichiers import ecrire, ecrire_atomique
from convgen.gabarit.bornes import LimiteDepassee, budget, fermer_budget, nouveau_budget
from convgen.gabarit.docx_xml import (
    PARTIES_A_RENDRE,
    compresser,
    ecrire_archive,
    environnement,
    finir_xml,
    lieu,
    lire_archive,
    lire_octets,
    preparer_xml,
    verifier_xml,
)
from convgen.gabarit.verification import verifier_ou_lever
from convgen.modele import Convention
from convgen.regles import valider
from convgen.schema_contexte import Contexte

__all__ = [
    "GABARIT_PAR_DEFAUT",
    "Gabarit",
    "charger_gabarit",
    "chemin_gabarit_par_defaut",
    "generer_docx",
    "rendre_docx",
]

GABARIT_PAR_DEFAUT = "convention_dgefp_2008_15.docx"
GABARITS_VERIFIES = {
    "eadf8698f0351dbd6c9d26e55103435ee74957f56f723d85a6353abc1f0a5515": "convgen.schema_contexte.Contexte",
    "66437573d2af7a0a8e33dd44aae56686a90d129a9885f1c8a2e06822976e864f": "convgen.contexte_avenant.ContexteAvenant",
    "cd0491935d4e3e181922301845065e515d9c2cc278da18f79c4c90126d7089fe": "convgen.contexte_bilan.ContexteBilan",
}
"""SHA-256 des gabarits livrés et schéma de leurs variables : la suite de tests les vérifie
(tests/test_verification.py), le chargement s'en dispense (un tiers du temps de démarrage). Tout
autre gabarit, y compris un gabarit livré modifié d'un octet, est vérifié à chaque chargement."""


@dataclass(frozen=True)
class _Partie:
    nom: str
    modele: Template


class Gabarit:
    """Un gabarit .docx lu, contrôlé et compilé une fois, rendu autant de fois qu'on veut."""

    def __init__(self, source: str | Path | bytes, *, nom: str | None = None, schema: object = Contexte) -> None:
        self.nom = nom or (str(source) if not isinstance(source, bytes) else "gabarit")
        octets = source if isinstance(source, bytes) else lire_octets(Path(source))
        self._entrees = lire_archive(octets, self.nom)
        # Tout gabarit est vérifié avant d'être compilé (les livrés l'ont été par les tests) ; s'il ne se
        # compile pas, la vérification complète (« filet » : la partie préparée pour le rendu) situe l'erreur.
        if GABARITS_VERIFIES.get(hashlib.sha256(octets).hexdigest()) != _nom_complet(schema):
            verifier_ou_lever(octets, self.nom, schema=schema, filet=False)
        env = environnement()
        self._parties: dict[str, _Partie] = {}
        problemes: list[ProblemeGabarit] = []
        for nom_partie, contenu in self._entrees.items():
            if not PARTIES_A_RENDRE.match(nom_partie):
                continue
            xml = preparer_xml(contenu, self.nom, nom_partie)
            if not xml:
                continue
            try:
                self._parties[nom_partie] = _Partie(nom_partie, env.from_string(xml))
            except TemplateSyntaxError as exc:
                problemes.append(ProblemeGabarit(lieu(nom_partie), f"syntaxe : {exc.message}"))
        if problemes:
            verifier_ou_lever(octets, self.nom, schema=schema)
            raise GabaritInvalide(self.nom, problemes)
        # Les parties que le rendu ne touche pas sont compressées une fois pour toutes.
        self._compressees = {nom: compresser(nom, contenu) for nom, contenu in self._entrees.items()}

    def rendre(self, contexte: Mapping[str, object]) -> bytes:
        """Le document rendu, en octets (archive .docx reproductible), dans les bornes de :mod:`.bornes`."""
        return self.archiver(self.rendre_parties(contexte))

    def rendre_parties(self, contexte: Mapping[str, object]) -> dict[str, bytes]:
        """Le XML de chaque partie qui porte des balises, rendu dans les bornes et contrôlé (bien formé)."""
        rendues: dict[str, bytes] = {}
        jeton = nouveau_budget()
        try:
            for nom_partie, partie in self._parties.items():
                octets = self._rendre_partie(nom_partie, partie, contexte).encode("utf-8")
                verifier_xml(octets, self.nom, nom_partie)
                rendues[nom_partie] = octets
        finally:
            fermer_budget(jeton)
        return rendues

    def archiver(self, rendues: Mapping[str, bytes]) -> bytes:
        """L'archive : parties rendues compressées, les autres reprises telles que compressées au chargement."""
        return ecrire_archive(
            [compresser(nom, rendues[nom]) if nom in rendues else deja for nom, deja in self._compressees.items()]
        )

    def _rendre_partie(self, nom_partie: str, partie: _Partie, contexte: Mapping[str, object]) -> str:
        compte = budget()
        try:
            morceaux = []
            for morceau in partie.modele.generate(contexte):  # taille et durée contrôlées au fil du rendu
                compte.rendre(morceau)
                morceaux.append(morceau)
            return finir_xml("".join(morceaux))
        except LimiteDepassee as exc:
            raise RenduImpossible(self.nom, f"{lieu(nom_partie)} : {exc}") from None
        except OverflowError:  # range() de plus de 100 000 éléments, refusé par le bac à sable de Jinja
            raise RenduImpossible(
                self.nom, f"{lieu(nom_partie)} : plage « range » démesurée (au plus 100 000)"
            ) from None
        except RecursionError:
            raise RenduImpossible(
                self.nom, f"{lieu(nom_partie)} : récursion sans fin (boucle « recursive » ?)"
            ) from None
        except MemoryError:
            raise RenduImpossible(self.nom, f"{lieu(nom_partie)} : mémoire épuisée par le rendu") from None
        except SecurityError:
            raise RenduImpossible(
                self.nom, f"{lieu(nom_partie)} : le gabarit tente d'atteindre les rouages internes de Python : refusé"
            ) from None
        except UndefinedError as exc:
            raise RenduImpossible(self.nom, f"{lieu(nom_partie)} : {_variable_inconnue(exc)}") from None
        except TemplateError as exc:
            raise RenduImpossible(self.nom, f"{lieu(nom_partie)} : {exc}") from None
        except (ArithmeticError, TypeError, ValueError, LookupError) as exc:  # {{ 1 / 0 }}, {{ 1 + "a" }}…
            raise RenduImpossible(
                self.nom, f"{lieu(nom_partie)} : calcul impossible dans le gabarit ({type(exc).__name__} : {exc})"
            ) from None


def _nom_complet(schema: object) -> str:
    """« convgen.schema_contexte.Contexte » : un schéma d'un autre module, même nommé pareil, ne compte pas."""
    return f"{getattr(schema, '__module__', '')}.{getattr(schema, '__qualname__', '')}"


def _variable_inconnue(exc: UndefinedError) -> str:
    """Le message de Jinja (« 'dict object' has no attribute 'x' ») dit en français."""
    trouve = re.search(r"(?:attribute|key) '([^']+)'|'([^']+)' is undefined", exc.message or "")
    nom = next((g for g in trouve.groups() if g), "?") if trouve else "?"
    return f"variable inconnue « {nom} » (voir convgen schema contexte)"


def chemin_gabarit_par_defaut(nom: str = GABARIT_PAR_DEFAUT) -> Path:
    """Un gabarit livré (par défaut, celui de la convention) : dans le paquet installé, sinon dans le dépôt."""
    installe = files("convgen") / "gabarits" / nom
    if installe.is_file():
        return Path(str(installe))
    return Path(__file__).resolve().parents[2] / "gabarits" / nom


def copier_gabarit(destination: str | Path, *, ecraser: bool = False) -> Path:
    """Écrit une copie du gabarit livré, à modifier dans Word ou Writer ; refuse d'écraser sans ``ecraser``."""
    return ecrire_atomique(Path(destination), chemin_gabarit_par_defaut().read_bytes(), ecraser=ecraser)


@lru_cache(maxsize=8)
def _gabarit_en_cache(chemin: Path, date_modif: float, taille: int, schema: object) -> Gabarit:
    return Gabarit(chemin, schema=schema)


def charger_gabarit(chemin: str | Path | None = None, *, schema: object = Contexte) -> Gabarit:
    """Le gabarit compilé, gardé en mémoire tant que le fichier ne change pas."""
    chemin = Path(chemin) if chemin is not None else chemin_gabarit_par_defaut()
    try:
        etat = chemin.stat()
    except OSError:
        raise ErreurGabarit(f"{chemin} : gabarit introuvable") from None
    return _gabarit_en_cache(chemin.resolve(), etat.st_mtime, etat.st_size, schema)


def rendre_docx(contexte: Mapping[str, object], *, gabarit: str | Path | Gabarit | None = None) -> bytes:
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
