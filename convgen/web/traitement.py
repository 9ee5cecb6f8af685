"""Le travail d'une requête, dans son propre dossier temporaire : examiner, produire, emballer.

Le fichier reçu est enregistré sous un nom fixe (``entree.yaml``…) : rien de ce que
le client envoie ne sert de chemin ; son nom n'est qu'affiché. Les constats sont
rendus sans les chemins du serveur (le dossier temporaire est remplacé par le nom du
fichier envoyé). Les documents portent les noms que leur donne ``convgen generer``.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from convgen.contexte import Version
from convgen.erreurs import Constat, Gravite
from convgen.examen import Examen
from convgen.fichiers import nom_sain
from convgen.gabarit.rendu import Gabarit
from convgen.production import Production, Statut, examiner_source, produire
from convgen.web.conversion import Convertir

__all__ = [
    "CODE_ECHEC",
    "SUFFIXES",
    "TAILLE_MAX",
    "Groupe",
    "Resultat",
    "archive",
    "examiner_envoi",
    "nom_affiche",
    "produire_cycle",
    "produire_envoi",
    "sans_chemins",
    "suffixe",
]

SUFFIXES = (".yaml", ".yml", ".json", ".xlsx", ".ods")
"""Ce que lit :func:`convgen.production.examiner_source` (données YAML/JSON, classeur Excel ou OpenDocument)."""
TAILLE_MAX = 2 * 1024 * 1024
"""Un fichier de convention fait quelques dizaines de Ko, un classeur de toutes les régions bien moins de 2 Mio."""
CODE_ECHEC = "production-impossible"
"""Constat ajouté quand des données acceptées n'ont pas pu être rendues (gabarit du serveur, disque…)."""
_DATE_ZIP = (2000, 1, 1, 0, 0, 0)  # mêmes données, même archive


def nom_affiche(nom_client: str | None) -> str:
    """Le nom à afficher d'un fichier reçu : sa dernière partie, sans caractère de contrôle, bornée.

    >>> nom_affiche("C:\\\\Users\\\\agent\\\\auvergne.yaml"), nom_affiche("../../etc/passwd"), nom_affiche(None)
    ('auvergne.yaml', 'passwd', 'fichier')
    """
    dernier = re.split(r"[\\/]", nom_client or "")[-1]
    propre = "".join(c for c in dernier if c.isprintable()).strip()[:120]
    return propre or "fichier"


def suffixe(nom: str, acceptes: tuple[str, ...] = SUFFIXES) -> str | None:
    """Le suffixe accepté du nom (en minuscules), ou None.

    >>> suffixe("Budgets 2009.XLSX"), suffixe("auvergne.yml"), suffixe("budgets.ods"), suffixe("gabarit.docx")
    ('.xlsx', '.yml', '.ods', None)
    """
    trouve = Path(nom).suffix.lower()
    return trouve if trouve in acceptes else None


@dataclass
class Groupe:
    """Les constats d'une convention du fichier reçu (ou du fichier entier s'il n'a pu être lu)."""

    libelle: str
    constats: list[Constat]
    produite: bool = False
    fichier: str = ""
    """Le fichier reçu dont la convention vient, quand la requête en porte plusieurs (avenant, bilan)."""


@dataclass
class Resultat:
    """Ce qu'a donné un fichier reçu : ses constats par convention et, à la génération, les documents."""

    nom: str
    groupes: list[Groupe]
    documents: list[tuple[str, bytes]] = field(default_factory=list)

    @property
    def erreurs(self) -> int:
        return sum(c.gravite is Gravite.ERREUR for g in self.groupes for c in g.constats)

    def en_json(self) -> dict[str, Any]:
        """``{"fichiers": [{"nom", "conventions": [{"constats": [...]}]}]}``, comme la réponse de /valider."""
        fichiers: dict[str, list[dict[str, Any]]] = {}
        for groupe in self.groupes:
            constats = [_constat_json(c) for c in groupe.constats]
            fichiers.setdefault(groupe.fichier or self.nom, []).append({"constats": constats})
        return {"fichiers": [{"nom": nom, "conventions": conventions} for nom, conventions in fichiers.items()]}


def _constat_json(constat: Constat) -> dict[str, Any]:
    return {
        "code": constat.code,
        "gravite": str(constat.gravite),
        "chemin": constat.chemin,
        "ligne": constat.ligne,
        "message": constat.message,
    }


def _libelle(fichier: str, entree: Path, nom: str) -> str:
    """« Bretagne » pour un fichier YAML, la clé de la convention pour une ligne de classeur."""
    if fichier == str(entree):
        return nom
    return f"{nom} — convention « {fichier.rsplit('#', 1)[-1]} »"


def sans_chemins(constats: Sequence[Constat], entree: Path, nom: str) -> list[Constat]:
    """Les messages ne montrent jamais le dossier du serveur : le fichier reçu y porte son nom."""
    return [
        replace(c, fichier=None, message=c.message.replace(str(entree), nom).replace(str(entree.parent), "…"))
        for c in constats
    ]


def examiner_envoi(entree: Path, nom: str) -> Resultat:
    """/valider : les constats de chaque convention du fichier."""
    groupes = [_groupe(examen, entree, nom) for examen in examiner_source(entree)]
    return Resultat(nom, groupes)


def _groupe(examen: Examen, entree: Path, nom: str) -> Groupe:
    return Groupe(_libelle(examen.fichier, entree, nom), sans_chemins(examen.constats, entree, nom))


def produire_envoi(
    entree: Path,
    nom: str,
    *,
    version: Version | None,
    projet: bool,
    gabarit: Gabarit | None,
    convertir: Convertir | None,
) -> Resultat:
    """/generer : les documents des conventions acceptées (et leurs PDF si ``convertir``), et tous les constats."""
    sortie = entree.parent / "documents"
    productions = produire(entree, sortie, version=version, projet=projet, gabarit=gabarit)
    groupes = [_groupe_produit(p, entree, nom) for p in productions]
    docx = [f for p in productions if p.statut is Statut.PRODUIT for f in p.fichiers]
    pdfs = convertir(docx, sortie) if convertir is not None and docx else []
    documents = [(f.name, f.read_bytes()) for f in [*docx, *pdfs]]
    return Resultat(nom, groupes, documents)


def _groupe_produit(production: Production, entree: Path, nom: str) -> Groupe:
    constats = list(production.constats)
    if production.statut is Statut.ECHEC:
        constats.append(Constat(CODE_ECHEC, Gravite.ERREUR, production.message))
    groupe = Groupe(_libelle(production.source, entree, nom), sans_chemins(constats, entree, nom))
    groupe.produite = production.statut is Statut.PRODUIT
    return groupe


def archive(resultat: Resultat) -> tuple[str, bytes]:
    """Le nom et les octets du .zip : les documents, et ``constats.json`` (même forme que /valider)."""
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED) as zip_:
        contenus = [*resultat.documents, ("constats.json", _json(resultat.en_json()))]
        for nom, octets in contenus:
            zip_.writestr(zipfile.ZipInfo(nom, _DATE_ZIP), octets, zipfile.ZIP_DEFLATED)
    docx = [nom for nom, _ in resultat.documents if nom.endswith(".docx")]
    if len(docx) == 1:
        nom_zip = Path(docx[0]).with_suffix(".zip").name
    else:
        nom_zip = f"conventions_{nom_sain(Path(resultat.nom).stem)}.zip"
    return nom_zip, tampon.getvalue()


def _json(donnees: dict[str, Any]) -> bytes:
    return json.dumps(donnees, ensure_ascii=False, indent=2).encode("utf-8")


def produire_cycle(
    fonction: Callable[..., Any], envois: Sequence[tuple[str, Path]], convertir: Convertir | None, **options: Any
) -> Resultat:
    """Avenant ou compte rendu (:mod:`convgen.cycle`) : documents, constats rangés sous le fichier qu'ils visent."""
    chemins = [chemin for _, chemin in envois]
    sortie = chemins[0].parent / "documents"
    produit = fonction(*chemins, sortie, pdf=False, **options)
    groupes = []
    for nom, chemin in envois:
        propres = [c for c in produit.constats if (c.fichier or "").split("#")[0] == str(chemin)]
        groupes.append(Groupe(nom, _sans_aucun_chemin(propres, envois), not produit.refuse, nom))
    situes = {id(c) for c in produit.constats if (c.fichier or "").split("#")[0] in map(str, chemins)}
    groupes[-1].constats += _sans_aucun_chemin([c for c in produit.constats if id(c) not in situes], envois)
    docx = [f for f in produit.fichiers if f.suffix == ".docx"]
    pdfs = convertir(docx, sortie) if convertir is not None and docx else []
    noms = " et ".join(nom for nom, _ in envois)
    return Resultat(noms, groupes, [(f.name, f.read_bytes()) for f in [*produit.fichiers, *pdfs]])


def _sans_aucun_chemin(constats: list[Constat], envois: Sequence[tuple[str, Path]]) -> list[Constat]:
    for nom, chemin in envois:
        constats = sans_chemins(constats, chemin, nom)
    return constats
