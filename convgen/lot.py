"""Production par lot : toutes les conventions d'un pays en une commande.

Les entrées (fichiers YAML ou JSON, dossiers, classeurs Excel) deviennent des tâches,
une par entrée et par version demandée. Les .docx sont rendus par un
``concurrent.futures.Executor`` (un groupe de processus à la taille de la machine par
défaut ; tout autre exécuteur convient, celui de dask.distributed ou de Ray compris) :
chaque processus compile le gabarit une fois, reçoit les tâches par paquets, lit, contrôle
et rend chacune, et écrit son document à part dans ``.convgen/``. Le processus principal
réserve les noms dans l'ordre des entrées et met chaque document en place d'un seul coup ;
les PDF se font pendant ce temps (:mod:`convgen.lot_pdf`).

Rien ne s'arrête à la première erreur ; rien n'est perdu : chaque tâche terminée est
consignée aussitôt dans un journal (``.convgen/journal.jsonl`` du dossier de sortie),
ce qui permet à ``reprendre=True`` de sauter ce qui est déjà fait avec les mêmes données
(même empreinte) après une interruption. De deux entrées qui donneraient le même document,
la seconde échoue sans rien écrire, quel que soit le processus le plus rapide.
Un lot interrompu (Ctrl-C, SIGTERM) arrête ses processus et LibreOffice avant de rendre la main.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import hashlib
import multiprocessing
import os
import shutil
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import (
    BrokenExecutor,
    Executor,
    Future,
    ProcessPoolExecutor,
    wait,
)
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from convgen import __version__
from convgen.contexte import Version
from convgen.erreurs import (
    Constat,
    ErreurConvgen,
    ErreurLot,
    ErreurSortie,
    Gravite,
    erreurs,
    motif_systeme,
)
from convgen.examen import Examen, examiner
from convgen.fichiers import ecrire_temporaire
from convgen.gabarit.rendu import charger_gabarit, chemin_gabarit_par_defaut
from convgen.lot_pdf import ConversionPdf
from convgen.modele import Convention
from convgen.pdf import ConvertitEnPdf
from convgen.production import (
    NomsReserves,
    Production,
    Statut,
    examiner_source,
    placer_document,
    rendre_examen,
)
from convgen.rapport import (
    DOSSIER_ETAT,
    Journal,
    ecrire_donnees_essentielles,
    ecrire_rapports,
    empreinte_fichiers,
    ligne_rapport,
)
from convgen.regles import ORDRE_GRAVITES, valider
from convgen.tableur.lecture import est_tableur

__all__ = ["Avancement", "LigneRapport", "RapportLot", "executeur_par_defaut", "generer_lot"]

T = TypeVar("T")
EXTENSIONS = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class Tache:
    """Une entrée à produire dans une version ; assez petite pour voyager vers un autre processus."""

    indice: int
    source: str
    version: Version | None
    sortie: str
    projet: bool
    strict: bool
    gabarit: str | None
    pdf: bool = False
    reprise: bool = False
    examen: Any = None
    """Examen déjà fait (convention d'un classeur ou passée en objet) ; sinon le processus de rendu lit la source."""
    empreinte_source: str = ""
    facultative: bool = False
    """Version tripartite demandée avec la bipartite : sans données de la Région, elle est sans objet."""


@dataclass
class Avancement:
    """Où en est un lot : ce que reçoit la fonction ``progression`` de :func:`generer_lot` à chaque tâche finie."""

    total: int
    """Tâches du lot (une par entrée et par version)."""
    faits: int = 0
    """Tâches finies, quel qu'en soit le statut."""
    echecs: int = 0
    """Tâches refusées ou en échec."""
    repris: int = 0
    """Tâches reprises telles quelles d'une exécution précédente (``reprendre``)."""


@dataclass(frozen=True)
class LigneRapport:
    """Une ligne du bilan d'un lot : ce qu'a donné une entrée dans une version."""

    source: str
    """Fichier d'entrée (« classeur.xlsx#clé » pour une convention d'un classeur, « objet n° 3 (…) » pour
    une convention passée en objet)."""
    version: str
    """« bipartite », « tripartite » ou « auto » (version choisie d'après les données)."""
    statut: Statut
    """Produit, repris (déjà fait avec les mêmes données), refusé (erreurs), en échec, ou sans objet."""
    fichiers: tuple[Path, ...]
    """Documents écrits (.docx, puis .pdf)."""
    sha256: tuple[str, ...]
    """Empreinte SHA-256 de chaque document, dans l'ordre de ``fichiers``."""
    constats: tuple[Constat, ...]
    """Erreurs, alertes et informations sur les données."""
    message: str
    """Cause d'un échec ou d'un refus, en français ; vide sinon."""
    empreinte_entree: str
    """Empreinte de tout ce qui détermine les documents (données, version, gabarit, convgen)."""

    @classmethod
    def depuis_journal(cls, ligne: dict[str, Any]) -> LigneRapport:
        """La ligne typée à partir de sa forme JSON (celle du journal et de ``rapport.json``)."""
        return cls(
            source=ligne["source"],
            version=ligne["version"],
            statut=Statut(ligne["statut"]),
            fichiers=tuple(Path(f["chemin"]) for f in ligne["fichiers"]),
            sha256=tuple(f["sha256"] for f in ligne["fichiers"]),
            constats=tuple(
                Constat(c["code"], Gravite(c["gravite"]), c["message"], c["chemin"], ligne=c["ligne"])
                for c in ligne["constats"]
            ),
            message=ligne["message"],
            empreinte_entree=ligne["empreinte_entree"],
        )

    @property
    def en_echec(self) -> bool:
        return self.statut in (Statut.REFUSE, Statut.ECHEC)


@dataclass
class RapportLot:
    """Bilan d'un lot : une ligne par entrée et par version, et les fichiers de rapport écrits."""

    lignes: list[LigneRapport] = field(default_factory=list)
    fichiers_rapport: list[Path] = field(default_factory=list)
    avertissements: list[str] = field(default_factory=list)
    """Lignes du journal altérées et ignorées, conversion PDF arrêtée…"""
    constats_opendata: list[Constat] = field(default_factory=list)
    """Avec ``opendata`` : conventions produites mais absentes des données essentielles, et pourquoi."""

    def _nombre(self, *statuts: Statut) -> int:
        return sum(1 for ligne in self.lignes if ligne.statut in statuts)

    @property
    def produits(self) -> int:
        return self._nombre(Statut.PRODUIT)

    @property
    def repris(self) -> int:
        return self._nombre(Statut.REPRIS)

    @property
    def echecs(self) -> int:
        return self._nombre(Statut.REFUSE, Statut.ECHEC)

    @property
    def lignes_en_echec(self) -> list[LigneRapport]:
        """Les entrées refusées ou en échec, dans l'ordre des sources."""
        return [ligne for ligne in self.lignes if ligne.en_echec]

    @property
    def code_sortie(self) -> int:
        """0 si toutes les entrées ont abouti (données essentielles comprises, si demandées), 1 sinon.

        Une version sans objet n'est pas un échec."""
        return 1 if self.echecs or erreurs(self.constats_opendata) else 0


def _fichiers_du_dossier(dossier: Path, exclus: Path | None) -> list[Path]:
    """Les fichiers de données d'un dossier, sans dossiers cachés, fichiers verrous d'Excel (« ~$ ») ni le
    dossier de sortie du lot lui-même (ses rapports ne sont pas des entrées)."""
    retenus = []
    for chemin in dossier.rglob("*"):
        relatif = chemin.relative_to(dossier)
        if any(p.startswith((".", "~$")) for p in relatif.parts):
            continue
        if exclus is not None and (chemin.resolve() == exclus or exclus in chemin.resolve().parents):
            continue
        if chemin.is_file() and (chemin.suffix.lower() in EXTENSIONS or est_tableur(chemin)):
            retenus.append(chemin)
    return sorted(retenus)


def _empreinte_source(chemin: Path) -> str:
    try:
        return empreinte_fichiers([chemin])
    except OSError:
        return ""  # fichier illisible : l'examen le dira (fichier-illisible)


def lister_entrees(
    sources: Iterable[str | Path | Convention], *, sortie: Path | None = None
) -> Iterator[tuple[str, Examen | None, str]]:
    """(source, examen déjà fait ou None, empreinte) pour chaque entrée, dans un ordre stable.

    Un classeur donne une entrée par convention ; un classeur illisible, une entrée en erreur : rien
    n'arrête le lot. Une convention passée en objet est examinée ici (ses règles) ; elle est nommée
    « objet n° i (année, région) » dans le rapport.
    """
    exclus = sortie.resolve() if sortie is not None else None
    for position, source in enumerate(sources, start=1):
        if isinstance(source, Convention):
            yield _entree_objet(position, source)
            continue
        chemin = Path(source)
        fichiers = _fichiers_du_dossier(chemin, exclus) if chemin.is_dir() else [chemin]
        for fichier in fichiers:
            if est_tableur(fichier):
                for examen in examiner_source(fichier):
                    contenu = examen.convention.model_dump_json() if examen.convention else examen.fichier
                    yield examen.fichier, examen, hashlib.sha256(contenu.encode()).hexdigest()
            else:
                yield str(fichier), None, _empreinte_source(fichier)


def _entree_objet(position: int, convention: Convention) -> tuple[str, Examen, str]:
    nom = f"objet n° {position} ({convention.annee}, {convention.region})"
    constats = sorted(valider(convention), key=lambda c: ORDRE_GRAVITES[c.gravite])
    return nom, Examen(nom, convention, constats), hashlib.sha256(convention.model_dump_json().encode()).hexdigest()


def _empreinte_tache(tache: Tache, empreinte_gabarit: str) -> str:
    """Empreinte de tout ce qui détermine le document : données, version, projet, gabarit, convgen."""
    morceaux = ["convgen", __version__, tache.empreinte_source, str(tache.version), str(tache.projet)]
    return hashlib.sha256("\x1f".join([*morceaux, empreinte_gabarit]).encode()).hexdigest()


def executeur_par_defaut() -> ProcessPoolExecutor:
    """Un processus par cœur.

    Sans autre fil d'exécution dans le processus, les processus de rendu naissent par
    « fork » : instantanés, ils héritent du gabarit déjà compilé. Sinon (service web,
    interface…), « forkserver », sûr en présence de fils : un serveur qui a importé
    convgen une fois engendre chaque processus.
    """
    nombre = os.cpu_count() or 1
    principal: int | None = None
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        contexte: multiprocessing.context.BaseContext = multiprocessing.get_context("fork")
        principal = os.getpid()  # le parent de chaque processus de rendu
    else:
        contexte = multiprocessing.get_context("forkserver")
        contexte.set_forkserver_preload(["convgen.lot", "convgen.gabarit.rendu", "convgen.contexte"])
    return ProcessPoolExecutor(
        max_workers=nombre, mp_context=contexte, initializer=_preparer_processus, initargs=(principal,)
    )


def _preparer_processus(principal: int | None) -> None:
    """Dans un processus de rendu : Ctrl-C (que le terminal envoie à tout le groupe) et SIGTERM sont l'affaire
    du processus principal, qui arrête le lot et ferme le groupe ; ses processus finissent leur document.

    Si leur parent meurt sans rien fermer (tué par SIGKILL), ils meurent avec lui (Linux : PR_SET_PDEATHSIG ;
    nés par « forkserver », leur parent est ce serveur, qui meurt avec le processus principal) : sinon ils
    attendraient sans fin une tâche, et le verrou du dossier de sortie, qu'ils partagent, interdirait de
    reprendre le lot. ``principal`` : le parent attendu (par « fork »), pour le cas où il serait déjà mort.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # hors de Linux : pas de prctl
        return
    if principal is not None and os.getppid() != principal:
        os._exit(1)  # le principal est mort avant l'appel


_PR_SET_PDEATHSIG = 1


def generer_lot(
    sources: Sequence[str | Path | Convention],
    sortie: str | Path,
    *,
    pdf: bool = False,
    versions: Sequence[Version | None] = (None,),
    executor: Executor | None = None,
    reprendre: bool = False,
    ecraser: bool = False,
    strict: bool = False,
    projet: bool = False,
    gabarit: str | Path | None = None,
    progression: Callable[[Avancement], None] | None = None,
    bilans: str | Path | None = None,
    delai_pdf: float | None = None,
    convertisseur: ConvertitEnPdf | None = None,
    opendata: bool = False,
) -> RapportLot:
    """Produit les conventions de toutes les sources dans ``sortie`` ; rend le bilan.

    ``sources`` : fichiers YAML ou JSON, dossiers, classeurs, et objets ``Convention`` mêlés.
    ``versions`` : ``["bipartite", "tripartite"]`` produit les deux ; la tripartite d'une
    convention sans données de la Région est alors sans objet (constat d'information
    ``version-sans-objet``), non un échec. ``executor`` : n'importe quel
    ``concurrent.futures.Executor`` (par défaut, un processus par cœur). Les tâches et leurs
    résultats sont de petits objets sérialisables ; les documents sont écrits par les processus
    eux-mêmes dans ``sortie/.convgen``, puis mis en place par l'appelant : ``sortie`` doit donc leur
    être accessible, sur le même système de fichiers. ``convertisseur`` (un
    ``convgen.ConvertisseurPdf`` ouvert) : tous les PDF passent par lui plutôt que par un
    LibreOffice par cœur. ``delai_pdf`` : secondes accordées à chaque appel de LibreOffice (par défaut, selon la
    taille du paquet) ; après deux LibreOffice bloqués, la conversion s'arrête et le rapport le dit.
    ``bilans`` : dossier des réalisations, dont les comptes rendus d'exécution sont produits à la suite
    (voir :mod:`convgen.lot_bilans`). ``opendata`` : écrit aussi ``donnees_essentielles.csv`` (SCDL
    « subventions ») des conventions produites dont une contribution publique dépasse 23 000 €.
    """
    # Vérifié et compilé avant tout : un gabarit fautif arrête le lot sans rien écrire, et les
    # processus nés par « fork » en héritent tout compilé.
    charger_gabarit(gabarit)
    empreinte_gabarit = empreinte_fichiers([Path(gabarit) if gabarit is not None else chemin_gabarit_par_defaut()])
    dossier = Path(sortie)
    suivi = _Suivi(_ouvrir_journal(dossier, reprendre), progression, ecraser=ecraser, reprise=reprendre, pdf=pdf)
    try:  # journal fermé même si le lot est interrompu (Ctrl-C) : rien ne reste ouvert
        base = Tache(
            0,
            "",
            None,
            str(dossier),
            projet,
            strict,
            None if gabarit is None else str(gabarit),
            pdf,
            reprendre,
        )
        taches = [
            replace(
                base,
                indice=i,
                source=source,
                version=version,
                examen=examen,
                empreinte_source=empreinte,
                facultative=version == "tripartite" and "bipartite" in versions,
            )
            for i, (version, (source, examen, empreinte)) in enumerate(
                (v, e) for e in lister_entrees(sources, sortie=dossier) for v in versions
            )
        ]
        a_faire = suivi.trier(taches, empreinte_gabarit)
        conversion = None
        if pdf:
            conversion = functools.partial(
                ConversionPdf, ecraser=ecraser, connus=suivi.journal.connus, delai=delai_pdf, partage=convertisseur
            )
        _produire(suivi, executor, a_faire, empreinte_gabarit, dossier, conversion)
        lignes = [suivi.lignes[i] for i in sorted(suivi.lignes)]
        if bilans is not None:
            from convgen.lot_bilans import produire_bilans

            # Un compte rendu de ce lot est remplacé à la reprise : il dépend de conventions qu'on vient de relire.
            lignes += produire_bilans(lignes, bilans, dossier, pdf=pdf, ecraser=ecraser or reprendre)
        rapport = RapportLot(
            [LigneRapport.depuis_journal(ligne) for ligne in lignes],
            ecrire_rapports(dossier, lignes),
            avertissements=suivi.avertissements,
        )
        if opendata:
            chemin, rapport.constats_opendata = ecrire_donnees_essentielles(dossier, lignes)
            rapport.fichiers_rapport.append(chemin)
        return rapport
    finally:
        suivi.journal.fermer()


def _produire(
    suivi: _Suivi,
    executor: Executor | None,
    taches: list[Tache],
    empreinte_gabarit: str,
    dossier: Path,
    conversion: Callable[[int], ConversionPdf] | None,
) -> None:
    """Rend les tâches et consigne leurs lignes ; avec ``conversion``, chaque .docx mis en place part aussitôt en PDF.

    Les LibreOffice démarrent pendant le rendu des premiers documents ; les processus de rendu sont nés
    avant eux (un « fork » ne se fait jamais dans un processus qui a d'autres fils).
    """
    executeur = executor or executeur_par_defaut()
    pdfs = None
    try:
        if conversion is not None:
            _resultat(executeur.submit(int))  # processus de rendu nés ici (« fork » les lance tous au premier envoi)
            pdfs = conversion(len(taches))
        with pdfs or contextlib.nullcontext():
            try:
                _consigner_rendus(suivi, executeur, taches, empreinte_gabarit, pdfs)
            finally:
                if executor is None:
                    executeur.shutdown(cancel_futures=True)  # libérés pendant la fin des conversions
                retirer_temporaires(dossier)  # documents rendus d'un lot interrompu, jamais mis en place
            if pdfs is not None:
                pdfs.clore()
                for ligne in pdfs:
                    suivi.consigner(ligne, fin_de_tache=True)
                suivi.avertissements.extend(pdfs.avertissements)
    except BaseException:
        if pdfs is not None:  # interrompu : les PDF déjà en place sont consignés (LibreOffice est arrêté)
            for finie in pdfs.pretes():
                suivi.consigner(finie, fin_de_tache=True)
        raise
    finally:
        if executor is None:
            executeur.shutdown(cancel_futures=True)  # sans effet s'il l'est déjà ; sinon, échec avant le rendu


def _consigner_rendus(
    suivi: _Suivi, executeur: Executor, taches: list[Tache], empreinte_gabarit: str, pdfs: ConversionPdf | None
) -> None:
    """Consigne chaque ligne rendue et mise en place ; son .docx part aussitôt en PDF, et les PDF déjà en place
    sont consignés au fil du rendu (une interruption ne les laisse pas inconnus du journal)."""
    for ligne in _rendre_tous(executeur, taches, empreinte_gabarit, suivi.placer):
        a_convertir = pdfs is not None and ligne["statut"] == Statut.PRODUIT and _a_docx(ligne)
        suivi.consigner(ligne, fin_de_tache=not a_convertir)
        if pdfs is not None:
            if a_convertir:
                pdfs.ajouter(ligne)
            for finie in pdfs.pretes():
                suivi.consigner(finie, fin_de_tache=True)


def _ouvrir_journal(dossier: Path, reprendre: bool) -> Journal:
    try:
        dossier.mkdir(parents=True, exist_ok=True)
        journal = Journal(dossier, reprendre=reprendre)
    except OSError as exc:
        raise ErreurSortie(f"{dossier} : dossier de sortie inutilisable ({motif_systeme(exc)})") from None
    # Restes d'un lot tué (documents rendus, dossiers de conversion) ; le verrou dit qu'aucun autre ne tourne.
    retirer_temporaires(dossier, conversions=True)
    return journal


class _Suivi:
    """L'état d'un lot en cours : lignes du rapport, journal, avancement signalé."""

    def __init__(
        self,
        journal: Journal,
        progression: Callable[[Avancement], None] | None,
        *,
        ecraser: bool,
        reprise: bool,
        pdf: bool,
    ) -> None:
        self.journal = journal
        self.progression = progression
        self.ecraser, self.reprise, self.pdf = ecraser, reprise, pdf
        self.lignes: dict[int, dict[str, Any]] = {}
        self.avancement = Avancement(total=0)
        self.noms = NomsReserves()
        self.connus = journal.connus
        self.avertissements = list(journal.avertissements)

    def trier(self, taches: list[Tache], empreinte_gabarit: str) -> list[Tache]:
        """Les tâches à faire ; celles déjà faites avec la même empreinte sont reprises telles quelles."""
        self.avancement.total = len(taches)
        a_faire = []
        for tache in taches:
            reprise = tache.reprise
            deja = None
            if reprise:
                empreinte = _empreinte_tache(tache, empreinte_gabarit)
                deja = self.journal.deja_fait(tache.source, tache.version, empreinte, pdf=tache.pdf)
            if deja is not None:
                self.lignes[tache.indice] = {**deja, "indice": tache.indice, "statut": Statut.REPRIS}
                self.avancement.repris += 1
                for fichier in deja["fichiers"]:  # ses documents restent les siens
                    self.noms.reserver(Path(fichier["chemin"]).with_suffix(".docx"), _libelle(tache), cle=tache.indice)
            else:
                a_faire.append(tache)
        self._signaler()
        return a_faire

    def placer(self, ligne: dict[str, Any]) -> dict[str, Any]:
        """Réserve le nom du document rendu d'une ligne, dans l'ordre des entrées, puis le met en place.

        Le processus de rendu a écrit le .docx à part (``a_placer``) ; il n'est mis à sa place qu'ici :
        si une entrée précédente donne le même document, ou si la place est prise sans droit de la
        reprendre, il est retiré et la ligne dit l'échec — rien n'est écrit pour cette entrée.
        """
        a_placer = ligne.pop("a_placer", None)
        if a_placer is None:
            return ligne
        temporaire, docx = Path(a_placer["temporaire"]), Path(a_placer["chemin"])
        try:
            self.noms.reserver(docx, f"{ligne['source']} ({ligne['version']})", cle=ligne["indice"])
        except ErreurSortie as exc:  # même document qu'une entrée précédente
            temporaire.unlink(missing_ok=True)
            vide: dict[str, Any] = {"constats": [], "synthese": None, "donnees_essentielles": []}
            return {**ligne, **vide, "statut": str(Statut.ECHEC), "message": str(exc)}
        try:
            placer_document(
                temporaire,
                docx,
                a_placer["sha256"],
                ecraser=self.ecraser,
                connus=self.connus,
                reprise=self.reprise,
                avec_pdf=self.pdf,
            )
        except ErreurSortie as exc:
            return {**ligne, "statut": str(Statut.ECHEC), "message": str(exc)}
        except OSError as exc:  # lecture d'un document déjà là, retrait d'un reste… : motif en français
            message = f"{docx} : écriture impossible ({motif_systeme(exc)})"
            return {**ligne, "statut": str(Statut.ECHEC), "message": message}
        return {**ligne, "fichiers": [{"chemin": str(docx), "sha256": a_placer["sha256"]}]}

    def consigner(self, ligne: dict[str, Any], *, fin_de_tache: bool) -> None:
        self.lignes[ligne["indice"]] = ligne
        self.journal.ajouter(ligne)
        if fin_de_tache:
            self.avancement.faits += 1
            if ligne["statut"] in (Statut.REFUSE, Statut.ECHEC):
                self.avancement.echecs += 1
            self._signaler()

    def _signaler(self) -> None:
        if self.progression is not None:
            self.progression(self.avancement)


def _libelle(tache: Tache) -> str:
    return f"{tache.source} ({tache.version or 'auto'})"


def _a_docx(ligne: dict[str, Any]) -> bool:
    return any(f["chemin"].endswith(".docx") for f in ligne["fichiers"])


PAQUET_RENDU_MAX = 16
"""Tâches au plus par envoi à un processus de rendu : un aller-retour pour plusieurs documents."""
PREFIXE_RENDU = "rendu-"
"""Documents rendus par les processus, écrits dans ``.convgen/`` en attendant d'être mis en place."""


def taille_paquet(taches: int, processus: int) -> int:
    """Tâches par envoi : huit envois par processus au moins (équilibre en fin de lot), seize tâches au plus.

    >>> taille_paquet(150, 2), taille_paquet(1000, 2), taille_paquet(10, 2)
    (9, 16, 1)
    """
    return max(1, min(PAQUET_RENDU_MAX, taches // (8 * processus)))


def _rendre_tous(
    executeur: Executor,
    taches: list[Tache],
    empreinte_gabarit: str,
    placer: Callable[[dict[str, Any]], dict[str, Any]],
) -> Iterator[dict[str, Any]]:
    """Rend les tâches par paquets dans les processus ; rend les lignes finies dans l'ordre des entrées.

    Chaque ligne passe par ``placer`` (le processus principal réserve le nom et met le document en
    place) dans l'ordre des entrées : de deux entrées de même document, la seconde échoue, quel que
    soit le processus le plus rapide. Fenêtre bornée de paquets en cours : la mémoire ne croît pas
    avec le lot, et chaque processus a toujours un paquet d'avance.
    """
    processus = getattr(executeur, "_max_workers", None) or os.cpu_count() or 1
    taille = taille_paquet(len(taches), processus)
    paquets = (taches[i : i + taille] for i in range(0, len(taches), taille))
    en_cours: deque[Future[list[dict[str, Any]]]] = deque()
    try:
        while True:
            while len(en_cours) < 2 * processus + 1 and (paquet := next(paquets, None)) is not None:
                en_cours.append(executeur.submit(traiter_paquet, paquet, empreinte_gabarit))
            if not en_cours:
                return
            for ligne in _resultat(en_cours.popleft()):
                yield placer(ligne)
    finally:  # interruption : ce qui n'a pas commencé ne commencera pas ; ce qui tourne finit ses écritures
        for futur in en_cours:
            futur.cancel()
        wait(en_cours)  # avant que l'appelant ne retire les documents rendus restés à part


def _resultat(futur: Future[T]) -> T:
    try:
        resultat: T = futur.result()
    except BrokenExecutor as exc:
        raise ErreurLot(
            "un processus de rendu s'est arrêté brutalement (mémoire épuisée, processus tué, ou script "
            "lanceur sans « if __name__ == '__main__': ») ; relancez avec --reprendre pour terminer le lot"
        ) from exc
    return resultat


def traiter_paquet(taches: Sequence[Tache], empreinte_gabarit: str) -> list[dict[str, Any]]:
    """Les lignes d'un paquet de tâches (dans un processus de l'exécuteur)."""
    return [traiter(tache, empreinte_gabarit) for tache in taches]


def traiter(tache: Tache, empreinte_gabarit: str) -> dict[str, Any]:
    """Examine et rend une tâche (dans un processus de l'exécuteur) ; ne lève jamais pour une entrée fautive.

    Le .docx est écrit à part dans ``.convgen/`` (``a_placer`` de la ligne) : c'est le processus
    principal qui lui donne son nom, dans l'ordre des entrées (:meth:`_Suivi.placer`).
    """
    empreinte = _empreinte_tache(tache, empreinte_gabarit)
    try:
        examen = tache.examen if tache.examen is not None else examiner(tache.source)
        if tache.facultative and examen.convention is not None and not examen.convention.tripartite:
            return ligne_rapport(tache.indice, _sans_objet(tache, examen), empreinte)
        sortie = Path(tache.sortie)
        production, docx, octets = rendre_examen(
            examen,
            sortie,
            version=tache.version,
            projet=tache.projet,
            gabarit=tache.gabarit,
            strict=tache.strict,
            avec_structure=True,
        )
        ligne = ligne_rapport(tache.indice, production, empreinte)
        if docx is not None:
            temporaire = ecrire_temporaire(
                sortie / DOSSIER_ETAT, octets, prefixe=PREFIXE_RENDU, cible=docx, synchroniser=False
            )  # forcé sur le disque par le processus principal, avant sa mise en place
            sha256 = hashlib.sha256(octets).hexdigest()
            ligne["a_placer"] = {"chemin": str(docx), "temporaire": str(temporaire), "sha256": sha256}
        return ligne
    except ErreurConvgen as exc:  # défense : une entrée ne doit jamais arrêter le lot
        production = Production(tache.source, str(tache.version or "auto"), Statut.ECHEC, message=str(exc))
    except OSError as exc:  # message du système en français (motif_systeme), comme partout
        message = f"{tache.source} : {motif_systeme(exc)}"
        production = Production(tache.source, str(tache.version or "auto"), Statut.ECHEC, message=message)
    return ligne_rapport(tache.indice, production, empreinte)


def retirer_temporaires(dossier: Path, *, conversions: bool = False) -> None:
    """Retire de ``.convgen/`` les documents rendus jamais mis en place (lot interrompu, processus tué), et avec
    ``conversions``, les dossiers de conversion PDF d'un lot tué."""
    etat = dossier / DOSSIER_ETAT
    if etat.is_symlink():  # remplacé par un lien depuis l'ouverture du journal : on ne touche à rien ailleurs
        return
    for reste in etat.glob(f"{PREFIXE_RENDU}*.tmp"):
        with contextlib.suppress(OSError):
            reste.unlink()
    for reste in etat.glob("pdf-*") if conversions else ():
        if reste.is_dir() and not reste.is_symlink():
            shutil.rmtree(reste, ignore_errors=True)


def _sans_objet(tache: Tache, examen: Examen) -> Production:
    constat = Constat(
        "version-sans-objet",
        Gravite.INFO,
        "version tripartite non produite : les données ne décrivent pas le conseil régional (la bipartite l'est)",
        "conseil_regional",
        fichier=examen.fichier,
    )
    return Production(tache.source, "tripartite", Statut.SANS_OBJET, [*examen.constats, constat])
