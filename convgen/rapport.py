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
import hashlib
import io
import json
import os
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from convgen.erreurs import Constat
from convgen.fichiers import champ_csv, ecrire_atomique
from convgen.modele import Convention
from convgen.opendata import candidats, csv_donnees_essentielles, retenir
from convgen.production import Production, Statut

DOSSIER_ETAT = ".convgen"
_MONTANTS = {"cout_total", "etat", "conseil_regional", "autres_financeurs", "ratio_budget_missions_locales"}
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
    par_mission = [sum(1 for a in convention.actions_resolues if a.mission == m) for m in range(1, 5)]
    return {
        "annee": convention.annee,
        "region": convention.region,
        "structure": convention.structure.designation,
        "cout_total": convention.total_programme,
        "etat": convention.total_etat,
        "conseil_regional": convention.total_region,
        "autres_financeurs": convention.total_autres,
        "ratio_budget_missions_locales": (convention.ratio_budget * 100).quantize(Decimal("0.01"), ROUND_HALF_UP),
        **{f"actions_mission_{r}": n for r, n in zip(("I", "II", "III", "IV"), par_mission, strict=True)},
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
    """Lignes terminées d'un lot, ajoutées une à une et forcées sur le disque."""

    def __init__(self, dossier: Path, *, reprendre: bool) -> None:
        etat = dossier / DOSSIER_ETAT
        etat.mkdir(exist_ok=True)
        self.chemin = etat / "journal.jsonl"
        self._precedent: dict[tuple[str, str], dict[str, Any]] = {}
        contenu = ""
        if reprendre and self.chemin.exists():
            contenu = self.chemin.read_text(encoding="utf-8", errors="replace")  # coupure dans un « é »
            for texte in contenu.splitlines():
                try:
                    ligne = json.loads(texte)
                except json.JSONDecodeError:  # dernière ligne tronquée par une interruption
                    continue
                self._precedent[(ligne["source"], ligne["version"])] = ligne
        self._fichier = self.chemin.open("a" if reprendre else "w", encoding="utf-8")
        if contenu and not contenu.endswith("\n"):
            self._fichier.write("\n")  # la ligne tronquée reste seule : la suivante ne s'y colle pas

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
        for f in fichiers:
            chemin = Path(f["chemin"])
            if not chemin.is_file() or empreinte_fichiers([chemin]) != f["sha256"]:
                return None
        return ligne

    def produit_par_nous(self, source: str, version: str | None) -> bool:
        """Vrai si le journal a déjà une ligne pour cette tâche et que ses fichiers présents sont intacts :
        ce sont nos fichiers, une reprise peut les remplacer."""
        ligne = self._precedent.get((source, version or "auto"))
        if ligne is None:
            return False
        presents = [f for f in ligne["fichiers"] if Path(f["chemin"]).is_file()]
        return all(empreinte_fichiers([Path(f["chemin"])]) == f["sha256"] for f in presents)

    def ajouter(self, ligne: dict[str, Any]) -> None:
        # Vidé à chaque ligne : une interruption du processus (Ctrl-C, arrêt brutal) ne perd rien.
        # Forcé sur le disque à la fermeture seulement : une coupure de courant peut faire refaire
        # les dernières tâches, jamais en faire croire une finie.
        self._fichier.write(json.dumps(ligne, ensure_ascii=False) + "\n")
        self._fichier.flush()

    def fermer(self) -> None:
        self._fichier.flush()
        os.fsync(self._fichier.fileno())
        self._fichier.close()


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
    yield COLONNES_SYNTHESE
    for ligne in lignes:
        s = ligne.get("synthese")
        if s and ligne["statut"] in (Statut.PRODUIT, Statut.REPRIS):
            valeurs = {"source": ligne["source"], "version": ligne["version"], **s}
            yield [Decimal(valeurs[c]) if c in _MONTANTS else valeurs[c] for c in COLONNES_SYNTHESE]


def _synthese_xlsx(lignes: Sequence[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    classeur = Workbook(write_only=True)
    feuille = classeur.create_sheet("Synthèse")
    for rangee in _lignes_synthese(lignes):
        cellules = [WriteOnlyCell(feuille, v) for v in rangee]
        for cellule in cellules:
            if isinstance(cellule.value, str):
                cellule.data_type = "s"  # jamais de formule : « =HYPERLINK(…) » venu des données reste un texte
        feuille.append(cellules)
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()


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
    contenu_json = json.dumps({"entrees": list(lignes)}, ensure_ascii=False, indent=1).encode("utf-8")
    return [
        ecrire_atomique(dossier / "rapport.json", contenu_json, ecraser=True),
        ecrire_atomique(dossier / "rapport.csv", _csv(_lignes_rapport_csv(lignes)), ecraser=True),
        ecrire_atomique(dossier / "synthese.csv", _csv(_lignes_synthese(lignes)), ecraser=True),
        ecrire_atomique(dossier / "synthese.xlsx", _synthese_xlsx(lignes), ecraser=True),
    ]
