"""Production par lot : toutes les conventions d'un pays en une commande.

Les entrées (fichiers YAML ou JSON, dossiers, classeurs Excel) deviennent des tâches,
une par entrée et par version demandée. Les .docx sont rendus par un
``concurrent.futures.Executor`` (un groupe de processus à la taille de la machine par
défaut ; tout autre exécuteur convient, celui de dask.distributed ou de Ray compris) :
chaque processus compile le gabarit une fois. Les PDF sont ensuite convertis par
paquets, par plusieurs LibreOffice en parallèle qui ont chacun leur profil ; un paquet
qui échoue ou dépasse son délai est repris document par document avec un LibreOffice
neuf, et après deux LibreOffice bloqués, la conversion s'arrête (disjoncteur).

Rien ne s'arrête à la première erreur ; rien n'est perdu : chaque tâche terminée est
consignée aussitôt dans un journal (``.convgen/journal.jsonl`` du dossier de sortie),
ce qui permet à ``reprendre=True`` de sauter ce qui est déjà fait avec les mêmes données
(même empreinte) après une interruption. Les documents sont écrits atomiquement ; les
noms sont réservés par le processus principal, dans l'ordre des entrées, avant tout rendu.
Un lot interrompu (Ctrl-C, SIGTERM) arrête ses processus et LibreOffice avant de rendre la main.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import queue
import signal
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import (
    FIRST_COMPLETED,
    BrokenExecutor,
    Executor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from convgen.contexte import Version
from convgen.erreurs import (
    Constat,
    ConversionEchouee,
    ErreurConvgen,
    ErreurLot,
    ErreurPdf,
    ErreurSortie,
    LibreOfficeBloque,
    erreurs,
    motif_systeme,
)
from convgen.fichiers import chemin_dans, empreinte_document, mettre_en_place
from convgen.pdf import Convertisseur
from convgen.production import NomsReserves, Production, Statut, nom_document, remplacable
from convgen.rapport import (
    DOSSIER_ETAT,
    Journal,
    ecrire_donnees_essentielles,
    ecrire_rapports,
    empreinte_fichiers,
    ligne_rapport,
)

T = TypeVar("T")
EXTENSIONS = (".yaml", ".yml", ".json")
TAILLE_PAQUET_PDF = 16
"""Documents par appel de LibreOffice : assez pour amortir son démarrage, assez peu pour reprendre vite."""


@dataclass(frozen=True)
class Tache:
    """Une entrée à produire dans une version ; assez petite pour voyager vers un autre processus."""

    indice: int
    source: str
    version: Version | None
    sortie: str
    projet: bool
    strict: bool
    ecraser: bool
    gabarit: str | None
    pdf: bool = False
    reprise: bool = False
    examen: Any = None
    """Examen déjà fait (convention d'un classeur, ou examen rendu par un processus avant la réservation du nom)."""
    empreinte_source: str = ""
    connus: tuple[tuple[str, str], ...] = ()
    """Fichiers de la tâche que le journal dit écrits par ce lot (chemin, sha256) : une reprise peut les remplacer."""


@dataclass
class Avancement:
    total: int
    faits: int = 0
    echecs: int = 0
    repris: int = 0


@dataclass
class RapportLot:
    """Bilan d'un lot : une ligne par entrée et par version, et les fichiers de rapport écrits."""

    lignes: list[dict[str, Any]] = field(default_factory=list)
    fichiers_rapport: list[Path] = field(default_factory=list)
    avertissements: list[str] = field(default_factory=list)
    """Lignes du journal altérées et ignorées, conversion PDF arrêtée…"""
    constats_opendata: list[Constat] = field(default_factory=list)
    """Avec ``opendata`` : conventions produites mais absentes des données essentielles, et pourquoi."""

    def _nombre(self, *statuts: Statut) -> int:
        return sum(1 for ligne in self.lignes if ligne["statut"] in statuts)

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
    def lignes_en_echec(self) -> list[dict[str, Any]]:
        """Les entrées refusées ou en échec, dans l'ordre des sources."""
        return [ligne for ligne in self.lignes if ligne["statut"] in (Statut.REFUSE, Statut.ECHEC)]

    @property
    def code_sortie(self) -> int:
        """0 si toutes les entrées ont abouti (données essentielles comprises, si demandées), 1 sinon."""
        return 1 if self.echecs or erreurs(self.constats_opendata) else 0


def _fichiers_du_dossier(dossier: Path, exclus: Path | None) -> list[Path]:
    """Les fichiers de données d'un dossier, sans dossiers cachés, fichiers verrous d'Excel (« ~$ ») ni le
    dossier de sortie du lot lui-même (ses rapports ne sont pas des entrées)."""
    from convgen.tableur.lecture import est_tableur

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


def lister_entrees(sources: Iterable[str | Path], *, sortie: Path | None = None) -> Iterator[tuple[str, Any, str]]:
    """(source, examen déjà fait ou None, empreinte) pour chaque entrée, dans un ordre stable.

    Un classeur donne une entrée par convention ; un classeur illisible, une entrée en erreur : rien
    n'arrête le lot.
    """
    from convgen.production import examiner_source
    from convgen.tableur.lecture import est_tableur

    exclus = sortie.resolve() if sortie is not None else None
    for source in sources:
        chemin = Path(source)
        fichiers = _fichiers_du_dossier(chemin, exclus) if chemin.is_dir() else [chemin]
        for fichier in fichiers:
            if est_tableur(fichier):
                for examen in examiner_source(fichier):
                    contenu = examen.convention.model_dump_json() if examen.convention else examen.fichier
                    yield examen.fichier, examen, hashlib.sha256(contenu.encode()).hexdigest()
            else:
                yield str(fichier), None, _empreinte_source(fichier)


def _empreinte_tache(tache: Tache, empreinte_gabarit: str) -> str:
    """Empreinte de tout ce qui détermine le document : données, version, projet, gabarit, convgen."""
    morceaux = ["convgen", _version_convgen(), tache.empreinte_source, str(tache.version), str(tache.projet)]
    return hashlib.sha256("\x1f".join([*morceaux, empreinte_gabarit]).encode()).hexdigest()


@cache
def _version_convgen() -> str:
    """Lue une fois par processus : interroger les métadonnées du paquet coûte 3 ms par tâche."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("convgen")
    except PackageNotFoundError:
        return "dev"


def executeur_par_defaut() -> ProcessPoolExecutor:
    """Un processus par cœur.

    Sans autre fil d'exécution dans le processus, les processus de rendu naissent par
    « fork » : instantanés, ils héritent du gabarit déjà compilé. Sinon (service web,
    interface…), « forkserver », sûr en présence de fils : un serveur qui a importé
    convgen une fois engendre chaque processus.
    """
    nombre = os.cpu_count() or 1
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        contexte: multiprocessing.context.BaseContext = multiprocessing.get_context("fork")
    else:
        contexte = multiprocessing.get_context("forkserver")
        contexte.set_forkserver_preload(["convgen.lot", "convgen.gabarit.rendu", "convgen.contexte"])
    return ProcessPoolExecutor(max_workers=nombre, mp_context=contexte, initializer=_ignorer_interruptions)


def _ignorer_interruptions() -> None:
    """Dans un processus de rendu : Ctrl-C (que le terminal envoie à tout le groupe) et SIGTERM sont l'affaire
    du processus principal, qui arrête le lot et ferme le groupe ; ses processus finissent leur document."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def generer_lot(
    sources: Sequence[str | Path],
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
    opendata: bool = False,
) -> RapportLot:
    """Produit les conventions de toutes les sources dans ``sortie`` ; rend le bilan.

    ``executor`` : n'importe quel ``concurrent.futures.Executor`` (par défaut, un processus
    par cœur). Les tâches et leurs résultats sont de petits objets sérialisables ; les
    documents sont écrits par les processus eux-mêmes dans ``sortie``, qui doit donc leur
    être accessible. ``delai_pdf`` : secondes accordées à chaque appel de LibreOffice (par défaut, selon la
    taille du paquet) ; après deux LibreOffice bloqués, la conversion s'arrête et le rapport le dit.
    ``bilans`` : dossier des réalisations, dont les comptes rendus d'exécution sont produits à la suite
    (voir :mod:`convgen.lot_bilans`). ``opendata`` : écrit aussi ``donnees_essentielles.csv`` (SCDL
    « subventions ») des conventions produites dont une contribution publique dépasse 23 000 €.
    """
    from convgen.gabarit.rendu import charger_gabarit, chemin_gabarit_par_defaut

    # Vérifié et compilé avant tout : un gabarit fautif arrête le lot sans rien écrire, et les
    # processus nés par « fork » en héritent tout compilé.
    charger_gabarit(gabarit)
    empreinte_gabarit = empreinte_fichiers([Path(gabarit) if gabarit is not None else chemin_gabarit_par_defaut()])
    dossier = Path(sortie)
    suivi = _Suivi(_ouvrir_journal(dossier, reprendre), progression)
    try:  # journal fermé même si le lot est interrompu (Ctrl-C) : rien ne reste ouvert
        modele = Tache(
            0,
            "",
            None,
            str(dossier),
            projet,
            strict,
            ecraser,
            None if gabarit is None else str(gabarit),
            pdf,
            reprendre,
        )
        taches = [
            replace(modele, indice=i, source=source, version=version, examen=examen, empreinte_source=empreinte)
            for i, (version, (source, examen, empreinte)) in enumerate(
                (v, e) for e in lister_entrees(sources, sortie=dossier) for v in versions
            )
        ]
        a_faire = suivi.trier(taches, empreinte_gabarit)
        propre = executor is None
        executeur = executor or executeur_par_defaut()
        try:
            for ligne in _rendre_tous(executeur, a_faire, empreinte_gabarit, suivi.reserver):
                suivi.consigner(ligne, fin_de_tache=not (pdf and _a_docx(ligne)))
        finally:
            if propre:
                executeur.shutdown(cancel_futures=True)
        if pdf:
            conversion = convertir_lignes(
                suivi.a_convertir(), ecraser=ecraser, connus=suivi.journal.connus, delai=delai_pdf
            )
            for ligne in conversion:
                suivi.consigner(ligne, fin_de_tache=True)
            suivi.avertissements.extend(conversion.avertissements)
        rapport = RapportLot([suivi.lignes[i] for i in sorted(suivi.lignes)], avertissements=suivi.avertissements)
        if bilans is not None:
            from convgen.lot_bilans import produire_bilans

            # Un compte rendu de ce lot est remplacé à la reprise : il dépend de conventions qu'on vient de relire.
            rapport.lignes += produire_bilans(rapport.lignes, bilans, dossier, pdf=pdf, ecraser=ecraser or reprendre)
        rapport.fichiers_rapport = ecrire_rapports(dossier, rapport.lignes)
        if opendata:
            chemin, rapport.constats_opendata = ecrire_donnees_essentielles(dossier, rapport.lignes)
            rapport.fichiers_rapport.append(chemin)
        return rapport
    finally:
        suivi.journal.fermer()


def _ouvrir_journal(dossier: Path, reprendre: bool) -> Journal:
    try:
        dossier.mkdir(parents=True, exist_ok=True)
        return Journal(dossier, reprendre=reprendre)
    except OSError as exc:
        raise ErreurSortie(f"{dossier} : dossier de sortie inutilisable ({motif_systeme(exc)})") from None


class _Suivi:
    """L'état d'un lot en cours : lignes du rapport, journal, avancement signalé."""

    def __init__(self, journal: Journal, progression: Callable[[Avancement], None] | None) -> None:
        self.journal = journal
        self.progression = progression
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

    def reserver(self, tache: Tache) -> Tache | dict[str, Any]:
        """Réserve le nom du document d'une tâche examinée, dans l'ordre des entrées et avant son rendu.

        Rend la tâche, avec les fichiers que le journal lui connaît, ou la ligne d'échec si une entrée
        précédente donne le même document.
        """
        convention = tache.examen.convention
        if convention is None:
            return tache  # données refusées : le rendu le dira, sans rien écrire
        try:
            docx = chemin_dans(Path(tache.sortie), nom_document(convention, tache.version, avec_structure=True))
            self.noms.reserver(docx, _libelle(tache), cle=tache.indice)
        except ErreurSortie as exc:
            production = Production(tache.source, str(tache.version or "auto"), Statut.ECHEC, message=str(exc))
            return ligne_rapport(tache.indice, production, tache.empreinte_source)
        chemins = (str(docx), str(docx.with_suffix(".pdf")))
        return replace(tache, connus=tuple((c, self.connus[c]) for c in chemins if c in self.connus))

    def consigner(self, ligne: dict[str, Any], *, fin_de_tache: bool) -> None:
        self.lignes[ligne["indice"]] = ligne
        self.journal.ajouter(ligne)
        if fin_de_tache:
            self.avancement.faits += 1
            if ligne["statut"] in (Statut.REFUSE, Statut.ECHEC):
                self.avancement.echecs += 1
            self._signaler()

    def a_convertir(self) -> list[dict[str, Any]]:
        """Les lignes dont le .docx vient d'être produit et attend son PDF."""
        return [
            ligne
            for ligne in self.lignes.values()
            if ligne["statut"] == Statut.PRODUIT and _a_docx(ligne) and not ligne.get("pdf_fait")
        ]

    def _signaler(self) -> None:
        if self.progression is not None:
            self.progression(self.avancement)


def _libelle(tache: Tache) -> str:
    return f"{tache.source} ({tache.version or 'auto'})"


def _a_docx(ligne: dict[str, Any]) -> bool:
    return any(f["chemin"].endswith(".docx") for f in ligne["fichiers"])


def _rendre_tous(
    executeur: Executor,
    taches: list[Tache],
    empreinte_gabarit: str,
    reserver: Callable[[Tache], Tache | dict[str, Any]],
) -> Iterator[dict[str, Any]]:
    """Examine, réserve le nom, puis rend chaque tâche ; rend les lignes finies.

    Les examens se font dans les processus ; le processus principal réserve les noms dans l'ordre
    des entrées, avant tout rendu (deux entrées de même document : la seconde échoue). Soumission
    par fenêtre bornée : la mémoire ne croît pas avec le lot.
    """
    fenetre = 4 * (getattr(executeur, "_max_workers", None) or os.cpu_count() or 1)
    examens: deque[tuple[Tache, Future[Tache] | None]] = deque()
    rendus: set[Future[dict[str, Any]]] = set()
    restantes = iter(taches)
    while True:
        while len(examens) + len(rendus) < fenetre and (tache := next(restantes, None)) is not None:
            examens.append((tache, None if tache.examen is not None else executeur.submit(examiner_tache, tache)))
        while examens and (examens[0][1] is None or examens[0][1].done()):
            tache, futur = examens.popleft()
            suite = reserver(tache if futur is None else _resultat(futur))
            if isinstance(suite, dict):
                yield suite
            else:
                rendus.add(executeur.submit(traiter, suite, empreinte_gabarit))
        if not examens and not rendus:
            return
        attendus: set[Future[Any]] = set(rendus)
        if examens and examens[0][1] is not None:
            attendus.add(examens[0][1])
        finis, _ = wait(attendus, return_when=FIRST_COMPLETED)
        for termine in finis & rendus:
            rendus.remove(termine)
            yield _resultat(termine)


def examiner_tache(tache: Tache) -> Tache:
    """Lit et contrôle l'entrée d'une tâche (dans un processus de l'exécuteur) ; ne lève jamais pour une entrée."""
    from convgen.regles import examiner

    return replace(tache, examen=examiner(tache.source))


def _resultat(futur: Future[T]) -> T:
    try:
        resultat: T = futur.result()
    except BrokenExecutor as exc:
        raise ErreurLot(
            "un processus de rendu s'est arrêté brutalement (mémoire épuisée, processus tué, ou script "
            "lanceur sans « if __name__ == '__main__': ») ; relancez avec --reprendre pour terminer le lot"
        ) from exc
    return resultat


def traiter(tache: Tache, empreinte_gabarit: str) -> dict[str, Any]:
    """Produit le .docx d'une tâche (dans un processus de l'exécuteur) ; ne lève jamais pour une entrée fautive."""
    from convgen.production import produire_examen
    from convgen.regles import examiner

    empreinte = _empreinte_tache(tache, empreinte_gabarit)
    try:
        examen = tache.examen if tache.examen is not None else examiner(tache.source)
        production = produire_examen(
            examen,
            Path(tache.sortie),
            version=tache.version,
            projet=tache.projet,
            gabarit=tache.gabarit,
            strict=tache.strict,
            ecraser=tache.ecraser,
            avec_structure=True,
            avec_pdf=tache.pdf,
            connus=dict(tache.connus),
            reprise=tache.reprise,
        )
    except (ErreurConvgen, OSError) as exc:  # défense : une entrée ne doit jamais arrêter le lot
        production = Production(tache.source, str(tache.version or "auto"), Statut.ECHEC, message=str(exc))
    return ligne_rapport(tache.indice, production, empreinte)


def convertir_lignes(
    lignes: list[dict[str, Any]],
    *,
    paquet: int = TAILLE_PAQUET_PDF,
    ecraser: bool = False,
    connus: Mapping[str, str] | None = None,
    delai: float | None = None,
) -> ConversionPdf:
    """Convertit en PDF les .docx des lignes, par paquets, avec un LibreOffice par cœur ; rend chaque ligne finie.

    Un PDF déjà présent n'est remplacé qu'avec ``ecraser``, s'il est identique, ou si ``connus`` (chemin →
    sha256 consigné par le journal) montre que ce lot l'a écrit. ``delai`` borne chaque appel de LibreOffice.
    """
    return ConversionPdf(lignes, paquet=paquet, ecraser=ecraser, connus=connus or {}, delai=delai)


BLOCAGES_MAX = 2
"""Après deux LibreOffice bloqués (délai dépassé), la conversion s'arrête : un disjoncteur plutôt qu'une attente
de plusieurs minutes par paquet restant."""
MESSAGE_DISJONCTE = f"conversion en PDF arrêtée : LibreOffice s'est bloqué {BLOCAGES_MAX} fois"


class ConversionPdf:
    """Les lignes converties, à itérer ; ``avertissements`` dit si le disjoncteur a arrêté la conversion.

    Interrompue (Ctrl-C, SIGTERM, itération abandonnée), elle arrête ses LibreOffice avant de rendre la
    main : ni processus orphelin ni profil temporaire laissé.
    """

    def __init__(
        self,
        lignes: list[dict[str, Any]],
        *,
        paquet: int,
        ecraser: bool,
        connus: Mapping[str, str],
        delai: float | None,
    ) -> None:
        self.lignes, self.ecraser, self.connus, self.delai = lignes, ecraser, connus, delai
        # Des paquets assez nombreux pour occuper chaque cœur, jamais plus gros que ``paquet``.
        self.paquet = max(1, min(paquet, -(-len(lignes) // (os.cpu_count() or 1))))
        self.avertissements: list[str] = []
        self._arret = threading.Event()
        self._verrou = threading.Lock()
        self._blocages = 0
        self._actifs: set[Convertisseur] = set()

    def __iter__(self) -> Iterator[dict[str, Any]]:
        paquets: queue.Queue[list[dict[str, Any]]] = queue.Queue()
        for i in range(0, len(self.lignes), self.paquet):
            paquets.put(self.lignes[i : i + self.paquet])
        finies: queue.Queue[dict[str, Any] | None] = queue.Queue()
        nombre = max(1, min(os.cpu_count() or 1, paquets.qsize()))
        with ThreadPoolExecutor(max_workers=nombre) as fils:
            try:
                for _ in range(nombre):
                    fils.submit(self._ouvrier, paquets, finies)
                restants = nombre
                while restants:
                    ligne = finies.get()
                    if ligne is None:
                        restants -= 1
                    else:
                        yield ligne
            except BaseException:  # Ctrl-C, SIGTERM, abandon : LibreOffice arrêté avant d'attendre les fils
                self._arreter()
                raise
        if self._disjoncte():
            self.avertissements.append(f"{MESSAGE_DISJONCTE} ; les .docx restants n'ont pas de PDF")

    def _arreter(self) -> None:
        with self._verrou:
            self._arret.set()
            actifs = list(self._actifs)
        for convertisseur in actifs:
            convertisseur.interrompre()

    def _disjoncte(self) -> bool:
        with self._verrou:
            return self._blocages >= BLOCAGES_MAX

    def _noter(self, exc: ErreurPdf) -> None:
        if isinstance(exc, LibreOfficeBloque):
            with self._verrou:
                self._blocages += 1

    def _nouveau(self) -> Convertisseur:
        with self._verrou:
            if self._arret.is_set():
                raise ConversionEchouee("", "conversion interrompue")
            convertisseur = Convertisseur(delai=self.delai)
            self._actifs.add(convertisseur)
            return convertisseur

    def _fermer(self, convertisseur: Convertisseur | None) -> None:
        if convertisseur is not None:
            convertisseur.fermer()
            with self._verrou:
                self._actifs.discard(convertisseur)

    def _ouvrier(self, paquets: queue.Queue[list[dict[str, Any]]], finies: queue.Queue[dict[str, Any] | None]) -> None:
        """Un fil, un LibreOffice (son profil), des paquets jusqu'à épuisement ; remplacé s'il échoue."""
        convertisseur: Convertisseur | None = None
        try:
            while not self._arret.is_set():
                try:
                    lot = paquets.get_nowait()
                except queue.Empty:
                    return
                try:
                    if self._disjoncte():
                        raise ConversionEchouee("", MESSAGE_DISJONCTE)
                    convertisseur = convertisseur or self._nouveau()
                    for ligne in self._convertir_paquet(convertisseur, lot):
                        finies.put(ligne)
                except ErreurPdf as exc:
                    # Paquet en échec ou bloqué : un LibreOffice neuf reprend chaque document seul.
                    self._noter(exc)
                    self._fermer(convertisseur)
                    convertisseur = None
                    for ligne in lot:
                        finies.put(self._convertir_seul(ligne))
        finally:
            self._fermer(convertisseur)
            finies.put(None)

    def _convertir_seul(self, ligne: dict[str, Any]) -> dict[str, Any]:
        convertisseur = None
        try:
            if self._disjoncte():
                raise ConversionEchouee(_docx(ligne), MESSAGE_DISJONCTE)
            convertisseur = self._nouveau()
            (resultat,) = self._convertir_paquet(convertisseur, [ligne])
            return resultat
        except ErreurPdf as exc:
            self._noter(exc)
            message = f"PDF non produit (le .docx est conservé) : {exc}"
            return {**ligne, "statut": str(Statut.ECHEC), "message": message, "pdf_fait": False}
        finally:
            self._fermer(convertisseur)

    def _convertir_paquet(self, convertisseur: Convertisseur, lot: list[dict[str, Any]]) -> list[dict[str, Any]]:
        documents = [_docx(ligne) for ligne in lot]
        with tempfile.TemporaryDirectory(prefix="pdf-", dir=documents[0].parent / DOSSIER_ETAT) as dossier:
            pdfs = convertisseur.convertir(documents, Path(dossier))
            return [self._placer(ligne, pdf, docx) for ligne, pdf, docx in zip(lot, pdfs, documents, strict=True)]

    def _placer(self, ligne: dict[str, Any], pdf: Path, docx: Path) -> dict[str, Any]:
        """Met le PDF en place (même système de fichiers : d'un seul coup) s'il en a le droit."""
        cible = docx.with_suffix(".pdf")
        try:
            remplacer = remplacable(
                cible, ecraser=self.ecraser, connus=self.connus, empreinte=empreinte_document(pdf) or ""
            )
            mettre_en_place(pdf, cible, ecraser=remplacer)
        except ErreurSortie as exc:
            message = f"PDF non produit (le .docx est conservé) : {exc}"
            return {**ligne, "statut": str(Statut.ECHEC), "message": message, "pdf_fait": False}
        fichiers = [*ligne["fichiers"], {"chemin": str(cible), "sha256": empreinte_document(cible)}]
        return {**ligne, "fichiers": fichiers, "pdf_fait": True}


def _docx(ligne: dict[str, Any]) -> Path:
    return next(Path(f["chemin"]) for f in ligne["fichiers"] if f["chemin"].endswith(".docx"))
