"""Journal et rapports d'un lot : ``rapport.json``, ``rapport.csv``, ``synthese.csv`` et ``synthese.xlsx``.

Le journal (``.convgen/journal.jsonl``) reçoit une ligne dès qu'une tâche est finie :
c'est lui qui permet de reprendre un lot interrompu.
Les rapports sont écrits à la fin, atomiquement. Les fichiers CSV suivent l'usage des
tableurs français : séparateur « ; », virgule décimale, UTF-8 avec BOM.

La synthèse est le tableau du « point d'étape » d'un service national (circulaire §4) :
une ligne par convention, avec son coût, ses financements, son ratio et le nombre
d'actions de chaque mission.
"""

from __future__ import annotations

import csv
import errno
import fcntl
import hashlib
import io
import json
import os
import stat
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, TextIO

from convgen.erreurs import Constat, ErreurLot, ErreurSortie, motif_systeme
from convgen.fichiers import champ_csv, ecrire_atomique, empreinte_document
from convgen.modele import CONSEIL_REGIONAL, ETAT, Convention
from convgen.opendata import candidats, csv_donnees_essentielles, retenir
from convgen.production import Production, Statut
from convgen.tableur.feuille import feuille_xlsx

__all__ = [
    "COLONNES_SYNTHESE",
    "DOSSIER_ETAT",
    "Journal",
    "ecrire_rapports",
    "empreinte_fichiers",
    "ligne_rapport",
    "synthese",
]

DOSSIER_ETAT = ".convgen"
_MONTANTS = {
    "cout_total",
    "etat",
    "conseil_regional",
    "autres_financeurs",
    "ratio_budget_missions_locales",
    "cout_realise",
    "reversement_du",
}
"""Colonnes de la synthèse gardées en texte dans le JSON, redevenues des nombres pour les tableurs."""
COLONNES_SYNTHESE = [
    "source",
    "version",
    "annee",
    "region",
    "structure",
    "cout_total",
    "etat",
    "conseil_regional",
    "autres_financeurs",
    "ratio_budget_missions_locales",
    "actions_mission_I",
    "actions_mission_II",
    "actions_mission_III",
    "actions_mission_IV",
    "alertes",
]
COLONNES_BILAN = ["cout_realise", "reversement_du"]
"""Colonnes ajoutées quand le lot produit aussi des comptes rendus d'exécution (``--bilans``)."""


def empreinte_fichiers(chemins: Iterable[Path]) -> str:
    """SHA-256 du contenu des fichiers, dans l'ordre donné."""
    condensat = hashlib.sha256()
    for chemin in chemins:
        with Path(chemin).open("rb") as fichier:
            while bloc := fichier.read(1 << 20):
                condensat.update(bloc)
    return condensat.hexdigest()


def synthese(convention: Convention, alertes: int) -> dict[str, Any]:
    """Les chiffres de la convention pour le tableau de synthèse (montants en Decimal)."""
    par_mission = {
        f"actions_mission_{m.romain}": sum(1 for a in convention.actions_resolues if a.mission == m.numero)
        for m in convention.ref.missions  # les missions du référentiel (quatre dans la circulaire 2008-15)
    }
    return {
        "annee": convention.annee,
        "region": convention.region,
        "structure": convention.structure.designation,
        "cout_total": convention.total_programme,
        "etat": convention.total_etat,
        "conseil_regional": convention.total_region,
        "autres_financeurs": convention.total_autres,
        "ratio_budget_missions_locales": (convention.ratio_budget * 100).quantize(Decimal("0.01"), ROUND_HALF_UP),
        **par_mission,
        "alertes": alertes,
    }


def ligne_rapport(indice: int, production: Production, empreinte: str) -> dict[str, Any]:
    """La ligne du rapport (sérialisable en JSON) d'une entrée produite, refusée ou en échec."""
    alertes = sum(1 for c in production.constats if c.gravite == "alerte")
    return {
        "indice": indice,
        "source": production.source,
        "version": production.version,
        "statut": str(production.statut),
        "empreinte_entree": empreinte,
        "fichiers": [{"chemin": str(f), "sha256": empreinte_fichiers([f])} for f in production.fichiers],
        "constats": [
            {"code": c.code, "gravite": str(c.gravite), "chemin": c.chemin, "ligne": c.ligne, "message": c.message}
            for c in production.constats
        ],
        "message": production.message,
        "synthese": None if production.convention is None else _jsonable(synthese(production.convention, alertes)),
        "donnees_essentielles": []
        if production.convention is None
        else [list(c) for c in candidats(production.convention)],
    }


def _jsonable(valeurs: dict[str, Any]) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in valeurs.items()}


class Journal:
    """Lignes terminées d'un lot, ajoutées une à une et forcées sur le disque.

    Le dossier ``.convgen`` et le journal sont ouverts sans jamais suivre de lien symbolique (un lien
    posé là ferait écrire hors du dossier de sortie) ; un verrou exclusif y est pris pour toute la
    durée du lot : un second lot sur le même dossier s'arrête aussitôt, sans rien toucher.
    """

    def __init__(self, dossier: Path, *, reprendre: bool) -> None:
        etat = dossier / DOSSIER_ETAT
        self.chemin = etat / "journal.jsonl"
        self.avertissements: list[str] = []
        self._precedent: dict[tuple[str, str], dict[str, Any]] = {}
        self._dossier = _ouvrir_dossier_etat(etat)
        self._verrou = -1
        self._fichier: TextIO | None = None
        try:
            self._verrou = _verrouiller(self._dossier, dossier)
            contenu = self._relire() if reprendre else ""
            self._fichier = _ouvrir_journal(self._dossier, self.chemin, vider=not reprendre)
            if contenu and not contenu.endswith("\n"):
                self._fichier.write("\n")  # la ligne tronquée reste seule : la suivante ne s'y colle pas
        except BaseException:
            self._liberer()
            raise

    @property
    def connus(self) -> dict[str, str]:
        """Chemin → sha256 des fichiers que le journal dit écrits par ce lot : ceux qu'une reprise peut remplacer."""
        return {f["chemin"]: f["sha256"] for ligne in self._precedent.values() for f in ligne["fichiers"]}

    def _relire(self) -> str:
        try:
            descripteur = os.open("journal.jsonl", os.O_RDONLY | os.O_NOFOLLOW, dir_fd=self._dossier)
        except FileNotFoundError:
            return ""
        except OSError as exc:
            raise ErreurSortie(f"{self.chemin} : journal illisible ({_motif_lien(exc)})") from None
        with os.fdopen(descripteur, "rb") as fichier:
            contenu = fichier.read().decode("utf-8", errors="replace")  # coupure dans un « é »
        lignes = contenu.splitlines()
        for numero, texte in enumerate(lignes, start=1):
            try:
                ligne = json.loads(texte)
            except json.JSONDecodeError:
                if numero < len(lignes) or contenu.endswith("\n"):  # sinon : dernière ligne tronquée
                    self.avertissements.append(f"{self.chemin}, ligne {numero} : ligne illisible, ignorée")
                continue
            probleme = _probleme_ligne(ligne)
            if probleme:
                self.avertissements.append(f"{self.chemin}, ligne {numero} : ligne altérée ({probleme}), ignorée")
                continue
            self._precedent[(ligne["source"], ligne["version"])] = ligne
        return contenu

    def deja_fait(self, source: str, version: str | None, empreinte: str, *, pdf: bool) -> dict[str, Any] | None:
        """La ligne d'une tâche déjà produite avec la même empreinte et dont les fichiers sont intacts."""
        ligne = self._precedent.get((source, version or "auto"))
        if ligne is None or ligne["empreinte_entree"] != empreinte:
            return None
        if ligne["statut"] not in (Statut.PRODUIT, Statut.REPRIS):
            return None
        fichiers = ligne["fichiers"]
        if pdf and not any(f["chemin"].endswith(".pdf") for f in fichiers):
            return None
        if any(empreinte_document(Path(f["chemin"])) != f["sha256"] for f in fichiers):
            return None
        return ligne

    def ajouter(self, ligne: dict[str, Any]) -> None:
        # Vidé à chaque ligne : une interruption du processus (Ctrl-C, arrêt brutal) ne perd rien.
        # Forcé sur le disque à la fermeture seulement : une coupure de courant peut faire refaire
        # les dernières tâches, jamais en faire croire une finie.
        assert self._fichier is not None
        self._fichier.write(json.dumps(ligne, ensure_ascii=False) + "\n")
        self._fichier.flush()

    def fermer(self) -> None:
        if self._fichier is not None:
            self._fichier.flush()
            os.fsync(self._fichier.fileno())
        self._liberer()

    def _liberer(self) -> None:
        if self._fichier is not None:
            self._fichier.close()
            self._fichier = None
        for descripteur in (self._verrou, self._dossier):
            if descripteur >= 0:
                os.close(descripteur)  # le verrou tombe avec son descripteur
        self._verrou = self._dossier = -1


def _motif_lien(exc: OSError) -> str:
    return "c'est un lien symbolique, refusé" if exc.errno == errno.ELOOP else motif_systeme(exc)


def _ouvrir_dossier_etat(etat: Path) -> int:
    """Crée au besoin et ouvre ``.convgen`` ; refuse un lien symbolique ou autre chose qu'un dossier."""
    try:
        etat.mkdir(exist_ok=True)
        return os.open(etat, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as exc:
        motif = "c'est un lien symbolique, refusé" if etat.is_symlink() else motif_systeme(exc)
        raise ErreurSortie(f"{etat} : dossier d'état du lot inutilisable ({motif})") from None


def _verrouiller(dossier_etat: int, sortie: Path) -> int:
    try:
        verrou = os.open("verrou", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644, dir_fd=dossier_etat)
    except OSError as exc:
        raise ErreurSortie(f"{sortie / DOSSIER_ETAT / 'verrou'} : verrou impossible ({_motif_lien(exc)})") from None
    try:
        fcntl.flock(verrou, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(verrou)
        raise ErreurLot(
            f"un autre lot est en cours dans {sortie} : attendez qu'il finisse (ou arrêtez-le), puis relancez ; "
            "rien n'a été fait"
        ) from None
    return verrou


def _ouvrir_journal(dossier_etat: int, chemin: Path, *, vider: bool) -> TextIO:
    """Ouvre le journal en ajout, sans suivre de lien ; un fichier qui a d'autres noms (lien dur) est refusé."""
    try:
        descripteur = os.open(
            "journal.jsonl", os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, 0o644, dir_fd=dossier_etat
        )
    except OSError as exc:
        raise ErreurSortie(f"{chemin} : journal impossible à écrire ({_motif_lien(exc)})") from None
    etat = os.fstat(descripteur)
    if not stat.S_ISREG(etat.st_mode) or etat.st_nlink != 1:
        os.close(descripteur)
        raise ErreurSortie(f"{chemin} : journal refusé (pas un fichier ordinaire, ou lié ailleurs)")
    if vider:
        os.ftruncate(descripteur, 0)
    return os.fdopen(descripteur, "a", encoding="utf-8")


_CLES_TEXTE = ("source", "version", "statut", "empreinte_entree")


def _probleme_ligne(ligne: Any) -> str:
    """Ce qui rend une ligne du journal inutilisable (``[]``, ``null``, clé absente…), ou chaîne vide."""
    if not isinstance(ligne, dict):
        return "ce n'est pas un objet JSON"
    absentes = [cle for cle in _CLES_TEXTE if not isinstance(ligne.get(cle), str)]
    if absentes:
        return f"clé {', '.join(absentes)} absente ou invalide"
    fichiers = ligne.get("fichiers")
    if not isinstance(fichiers, list) or not all(
        isinstance(f, dict) and isinstance(f.get("chemin"), str) and isinstance(f.get("sha256"), str) for f in fichiers
    ):
        return "clé fichiers absente ou invalide"
    constats = ligne.setdefault("constats", [])
    if not isinstance(constats, list) or not all(
        isinstance(c, dict) and all(isinstance(c.get(k), str) for k in ("code", "gravite", "chemin")) for c in constats
    ):
        return "clé constats invalide"
    if not isinstance(ligne.setdefault("message", ""), str):
        return "clé message invalide"
    return _probleme_synthese(ligne.setdefault("synthese", None)) or _probleme_publication(
        ligne.setdefault("donnees_essentielles", [])
    )


def _probleme_publication(candidats_: Any) -> str:
    """Les lignes de données essentielles gardées au journal : ``[[financeur, {colonne: texte}], …]``."""
    try:
        for financeur, valeurs in candidats_:
            if financeur not in (ETAT, CONSEIL_REGIONAL) or not all(isinstance(v, str) for v in valeurs.values()):
                return "clé donnees_essentielles invalide"
            Decimal(valeurs["montant"]), valeurs["idAttribuant"], valeurs["dateConvention"]
    except (TypeError, ValueError, AttributeError, KeyError, ArithmeticError):
        return "clé donnees_essentielles invalide"
    return ""


def _probleme_synthese(valeurs: Any) -> str:
    if valeurs is None:
        return ""
    if not isinstance(valeurs, dict) or any(c not in valeurs for c in COLONNES_SYNTHESE[2:]):
        return "clé synthese invalide"
    try:
        for colonne in _MONTANTS:
            if colonne in valeurs or colonne not in COLONNES_BILAN:  # colonnes des comptes rendus : facultatives
                Decimal(str(valeurs[colonne]))
    except ArithmeticError:
        return "montant illisible dans la synthèse"
    return ""


def _csv(lignes: Iterable[Sequence[Any]]) -> bytes:
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=";", lineterminator="\r\n")
    for ligne in lignes:
        ecrivain.writerow([str(v).replace(".", ",") if isinstance(v, Decimal) else champ_csv(v) for v in ligne])
    return tampon.getvalue().encode("utf-8-sig")


def _lignes_rapport_csv(lignes: Sequence[dict[str, Any]]) -> Iterable[list[Any]]:
    yield ["source", "version", "statut", "fichiers", "sha256", "erreurs", "alertes", "message", "empreinte_entree"]
    for ligne in lignes:

        def codes(gravite: str, ligne: dict[str, Any] = ligne) -> str:
            return " ".join(f"{c['code']}@{c['chemin']}" for c in ligne["constats"] if c["gravite"] == gravite)

        yield [
            ligne["source"],
            ligne["version"],
            ligne["statut"],
            " ".join(f["chemin"] for f in ligne["fichiers"]),
            " ".join(f["sha256"] for f in ligne["fichiers"]),
            codes("erreur"),
            codes("alerte"),
            ligne["message"],
            ligne["empreinte_entree"],
        ]


def _lignes_synthese(lignes: Sequence[dict[str, Any]]) -> Iterable[list[Any]]:
    bilans = any(ligne.get("version") == "bilan" for ligne in lignes)
    colonnes = COLONNES_SYNTHESE + COLONNES_BILAN if bilans else COLONNES_SYNTHESE
    yield colonnes
    for ligne in lignes:
        s = ligne.get("synthese")
        if s and ligne["statut"] in (Statut.PRODUIT, Statut.REPRIS):
            valeurs = {"source": ligne["source"], "version": ligne["version"], **s}
            yield [
                "" if valeurs.get(c) is None else Decimal(valeurs[c]) if c in _MONTANTS else valeurs[c]
                for c in colonnes
            ]


def _synthese_xlsx(lignes: Sequence[dict[str, Any]]) -> bytes:
    """La synthèse en classeur : textes toujours textes (jamais de formule), montants en nombres."""
    return feuille_xlsx("Synthèse", _lignes_synthese(lignes))


def ecrire_donnees_essentielles(dossier: Path, lignes: Sequence[dict[str, Any]]) -> tuple[Path, list[Constat]]:
    """Écrit ``donnees_essentielles.csv`` (SCDL) des conventions produites, au-delà du seuil ; rend
    son chemin et les constats de celles qui n'ont pas pu y figurer (SIRET d'attribuant absent…)."""
    publiees: list[dict[str, str]] = []
    constats: list[Constat] = []
    for ligne in lignes:
        if ligne["statut"] in (Statut.PRODUIT, Statut.REPRIS):
            candidats_ = [(financeur, valeurs) for financeur, valeurs in ligne.get("donnees_essentielles", [])]
            retenues, siens = retenir(candidats_, tous=False, fichier=ligne["source"])
            publiees += retenues
            constats += siens
    chemin = ecrire_atomique(dossier / "donnees_essentielles.csv", csv_donnees_essentielles(publiees), ecraser=True)
    return chemin, constats


def ecrire_rapports(dossier: Path, lignes: Sequence[dict[str, Any]]) -> list[Path]:
    """Écrit les quatre rapports du lot (en les remplaçant) ; rend leurs chemins."""
    # Une entrée par ligne : l'encodeur C de json (celui d'« indent » est en Python, dix fois plus lent).
    entrees = ",\n".join(json.dumps(ligne, ensure_ascii=False) for ligne in lignes)
    contenu_json = ('{"entrees": [' + (f"\n{entrees}\n" if entrees else "") + "]}\n").encode("utf-8")
    return [
        ecrire_atomique(dossier / "rapport.json", contenu_json, ecraser=True),
        ecrire_atomique(dossier / "rapport.csv", _csv(_lignes_rapport_csv(lignes)), ecraser=True),
        ecrire_atomique(dossier / "synthese.csv", _csv(_lignes_synthese(lignes)), ecraser=True),
        ecrire_atomique(dossier / "synthese.xlsx", _synthese_xlsx(lignes), ecraser=True),
    ]
