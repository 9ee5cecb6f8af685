"""Conversion en PDF des documents d'un lot : un LibreOffice par cœur, pendant le rendu.

Deux façons, selon ce que la machine permet :

* **en continu** (pont UNO présent, ou convertisseur partagé) : chaque fil garde un LibreOffice
  ouvert (:class:`~convgen.convertisseur.ConvertisseurPdf`) pour tout le lot, lancé dès le début,
  pendant que les .docx se rendent ; chaque document lui est passé dès qu'il est en place ;
* **par paquets** (sans pont) : une fois tous les .docx écrits, des paquets de documents sont
  convertis par plusieurs ``soffice --convert-to`` en parallèle, chacun avec son profil.

Un paquet qui échoue ou dépasse son délai est repris document par document avec un LibreOffice
neuf ; après deux LibreOffice bloqués, la conversion s'arrête (disjoncteur) et les documents
restants ont leur .docx sans PDF. Interrompue (Ctrl-C, SIGTERM), elle arrête ses LibreOffice avant
de rendre la main : ni processus orphelin ni profil temporaire laissé.
"""

from __future__ import annotations

import os
import queue
import shutil
import tempfile
import threading
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

from convgen.convertisseur import DELAI_DEMARRAGE, DELAI_DOCUMENT, ConvertisseurPdf, python_uno
from convgen.erreurs import ConversionEchouee, ErreurPdf, ErreurSortie, LibreOfficeBloque, motif_systeme
from convgen.fichiers import empreinte_document, mettre_en_place
from convgen.pdf import Convertisseur, ConvertitEnPdf
from convgen.pdfa import finaliser_pdf
from convgen.production import Statut, remplacable
from convgen.rapport import DOSSIER_ETAT

__all__ = ["BLOCAGES_MAX", "MESSAGE_DISJONCTE", "TAILLE_PAQUET_PDF", "ConversionPdf", "convertir_lignes"]

TAILLE_PAQUET_PDF = 16
"""Documents par appel de ``soffice`` : assez pour amortir son démarrage, assez peu pour reprendre vite."""
BLOCAGES_MAX = 2
"""Après deux LibreOffice bloqués (délai dépassé), la conversion s'arrête : un disjoncteur plutôt qu'une attente
de plusieurs minutes par paquet restant."""
MESSAGE_DISJONCTE = f"conversion en PDF arrêtée : LibreOffice s'est bloqué {BLOCAGES_MAX} fois"

Ligne = dict[str, Any]


def convertir_lignes(
    lignes: list[Ligne],
    *,
    paquet: int = TAILLE_PAQUET_PDF,
    ecraser: bool = False,
    connus: Mapping[str, str] | None = None,
    delai: float | None = None,
    convertisseur: ConvertitEnPdf | None = None,
) -> ConversionPdf:
    """Convertit en PDF les .docx des lignes, avec un LibreOffice par cœur ; rend chaque ligne finie.

    Un PDF déjà présent n'est remplacé qu'avec ``ecraser``, s'il est identique, ou si ``connus`` (chemin →
    sha256 consigné par le journal) montre que ce lot l'a écrit. ``delai`` borne chaque appel de LibreOffice.
    Avec ``convertisseur`` (partagé, que l'appelant ferme), tous les documents passent par lui, l'un après l'autre.
    """
    conversion = ConversionPdf(
        len(lignes), paquet=paquet, ecraser=ecraser, connus=connus or {}, delai=delai, partage=convertisseur
    )
    for ligne in lignes:
        conversion.ajouter(ligne)
    conversion.clore()
    return conversion


class ConversionPdf:
    """Les lignes à convertir (:meth:`ajouter`, puis :meth:`clore`), converties à itérer.

    ``attendus`` : nombre de documents prévus (au plus un LibreOffice par document). En continu, les
    LibreOffice partent dès la création ; par paquets, à :meth:`clore` s'il y a des documents.
    ``avertissements`` dit si le disjoncteur a arrêté la conversion. S'utilise aussi comme gestionnaire de
    contexte : en sortant sur une exception, LibreOffice est arrêté et les fils attendus.
    """

    def __init__(
        self,
        attendus: int,
        *,
        paquet: int = TAILLE_PAQUET_PDF,
        ecraser: bool,
        connus: Mapping[str, str],
        delai: float | None,
        partage: ConvertitEnPdf | None = None,
    ) -> None:
        self.ecraser, self.connus, self.delai, self.partage = ecraser, connus, delai, partage
        self.continu = partage is not None or python_uno() is not None
        coeurs = os.cpu_count() or 1
        self.fils = 1 if partage is not None else max(1, min(coeurs, attendus))
        # Par paquets : assez nombreux pour occuper chaque cœur, jamais plus gros que ``paquet``.
        self.paquet = max(1, min(paquet, -(-attendus // coeurs)))
        self.avertissements: list[str] = []
        self._attente: list[Ligne] = []
        self._entree: queue.Queue[list[Ligne] | None] = queue.Queue()
        self._finies: queue.Queue[Ligne | None] = queue.Queue()
        self._fins = 0
        """Fils qui ont annoncé leur fin (``None`` dans ``_finies``)."""
        self._en_cours: dict[int, Ligne] = {}
        """Lignes ajoutées, pas encore rendues : chacune revient une fois, convertie ou en échec."""
        self._groupe: ThreadPoolExecutor | None = None
        self._finition: ThreadPoolExecutor | None = None
        """En continu : la finition des PDF (pikepdf) pendant que LibreOffice convertit le document suivant."""
        self._arret = threading.Event()
        self._verrou = threading.Lock()
        self._blocages = 0
        self._actifs: set[Convertisseur | ConvertisseurPdf] = set()
        if self.continu and attendus:  # LibreOffice démarre pendant que les premiers .docx se rendent
            self._demarrer()

    def ajouter(self, ligne: Ligne) -> None:
        """Un .docx en place à convertir : aussitôt en continu, à :meth:`clore` par paquets."""
        self._en_cours[ligne["indice"]] = ligne
        if self.continu:
            self._demarrer()
            self._entree.put([ligne])
        else:
            self._attente.append(ligne)

    def clore(self) -> None:
        """Plus rien à ajouter : les fils finissent ce qui reste, puis s'arrêtent."""
        for i in range(0, len(self._attente), self.paquet):
            self._entree.put(self._attente[i : i + self.paquet])
        self._attente = []
        if not self._entree.empty():
            self._demarrer()
        for _ in range(self.fils):
            self._entree.put(None)

    def __enter__(self) -> ConversionPdf:
        return self

    def __exit__(self, genre: type[BaseException] | None, *_: object) -> None:
        if genre is not None:
            self._arreter()
        self._attendre_fils()

    def pretes(self) -> list[Ligne]:
        """Les lignes déjà converties, sans attendre : le lot les consigne au fil du rendu (leur PDF est en
        place ; une interruption ne doit pas le laisser inconnu du journal)."""
        lignes: list[Ligne] = []
        while True:
            try:
                finie = self._recevoir(self._finies.get_nowait())
            except queue.Empty:
                return lignes
            if finie is not None:
                lignes.append(finie)

    def __iter__(self) -> Iterator[Ligne]:
        """Les lignes converties, à mesure ; à appeler après :meth:`clore`. Chaque ligne ajoutée revient."""
        try:
            while self._fins < (self.fils if self._groupe is not None else 0):
                if (finie := self._recevoir(self._finies.get())) is not None:
                    yield finie
            yield from self.pretes()
        except BaseException:  # Ctrl-C, SIGTERM, abandon : LibreOffice arrêté avant d'attendre les fils
            self._arreter()
            raise
        finally:
            self._attendre_fils()
        for ligne in list(self._en_cours.values()):  # jamais revenue (fil arrêté) : en échec, dit comme tel
            yield _echec(ligne, MESSAGE_DISJONCTE if self._disjoncte() else "conversion interrompue")
        self._en_cours.clear()
        if self._disjoncte():
            self.avertissements.append(f"{MESSAGE_DISJONCTE} ; les .docx restants n'ont pas de PDF")

    def _recevoir(self, ligne: Ligne | None) -> Ligne | None:
        """La ligne revenue d'un fil (qui n'est plus en cours), ou None pour un fil qui annonce sa fin."""
        if ligne is None:
            self._fins += 1
            return None
        self._en_cours.pop(ligne["indice"], None)
        return ligne

    def _demarrer(self) -> None:
        if self._groupe is None:
            if self.continu and self.partage is None:
                self._finition = ThreadPoolExecutor(max_workers=1, thread_name_prefix="convgen-pdf-finition")
            self._groupe = ThreadPoolExecutor(max_workers=self.fils, thread_name_prefix="convgen-pdf")
            for _ in range(self.fils):
                self._groupe.submit(self._ouvrier)

    def _attendre_fils(self) -> None:
        for groupe in (self._groupe, self._finition):
            if groupe is not None:
                groupe.shutdown(wait=True)

    def _arreter(self) -> None:
        with self._verrou:
            self._arret.set()
            actifs = list(self._actifs)
        for convertisseur in actifs:
            convertisseur.interrompre()
        for _ in range(self.fils):  # débloque les fils qui attendent un document
            self._entree.put(None)

    def _disjoncte(self) -> bool:
        with self._verrou:
            return self._blocages >= BLOCAGES_MAX

    def _noter(self, exc: ErreurPdf) -> None:
        if isinstance(exc, LibreOfficeBloque):
            with self._verrou:
                self._blocages += 1

    def _nouveau(self) -> Convertisseur | ConvertisseurPdf:
        with self._verrou:
            if self._arret.is_set():
                raise ConversionEchouee("", "conversion interrompue")
            convertisseur: Convertisseur | ConvertisseurPdf
            if self.continu:  # LibreOffice gardé ouvert pour tout le lot
                convertisseur = ConvertisseurPdf(
                    delai=self.delai or DELAI_DOCUMENT, delai_demarrage=self.delai or DELAI_DEMARRAGE
                )
            else:
                convertisseur = Convertisseur(delai=self.delai)
            self._actifs.add(convertisseur)
            return convertisseur

    def _fermer(self, convertisseur: ConvertitEnPdf | None) -> None:
        if isinstance(convertisseur, Convertisseur | ConvertisseurPdf) and convertisseur is not self.partage:
            convertisseur.fermer()  # le convertisseur partagé reste à son propriétaire
            with self._verrou:
                self._actifs.discard(convertisseur)

    def _preparer(self) -> ConvertitEnPdf | None:
        """Le convertisseur d'un fil ; en continu, LibreOffice est lancé tout de suite (pendant le rendu)."""
        if self.partage is not None or not self.continu:
            return self.partage
        convertisseur = None
        try:
            convertisseur = self._nouveau()
            assert isinstance(convertisseur, ConvertisseurPdf)
            convertisseur.demarrer()
            return convertisseur
        except ErreurPdf as exc:  # compté ; le premier document retentera avec un LibreOffice neuf
            self._noter(exc)
            self._fermer(convertisseur)
            return None

    def _ouvrier(self) -> None:
        """Un fil, un LibreOffice, des documents jusqu'à épuisement ; remplacé s'il échoue."""
        convertisseur = None
        finitions: list[Future[None]] = []
        try:
            convertisseur = self._preparer()
            while (lot := self._entree.get()) is not None and not self._arret.is_set():
                try:
                    if self._disjoncte():
                        raise ConversionEchouee("", MESSAGE_DISJONCTE)
                    convertisseur = convertisseur or self._nouveau()
                    if self._finition is not None and isinstance(convertisseur, ConvertisseurPdf):
                        finitions.append(self._convertir_puis_finir(convertisseur, lot, self._finition))
                        continue
                    for ligne in self._convertir_paquet(convertisseur, lot):
                        self._finies.put(ligne)
                except ErreurPdf as exc:
                    # Paquet en échec ou bloqué : un LibreOffice neuf reprend chaque document seul.
                    self._noter(exc)
                    self._fermer(convertisseur)
                    convertisseur = self.partage  # le partagé se relance lui-même ; sinon, un neuf au besoin
                    for ligne in lot:
                        self._finies.put(self._convertir_seul(ligne))
                except Exception as exc:  # disque plein, dossier disparu… : ces documents échouent, le fil continue
                    for ligne in lot:
                        self._finies.put(_echec(ligne, _inattendue(exc)))
        finally:
            self._fermer(convertisseur)
            wait(finitions)  # toutes ses lignes rendues avant d'annoncer sa fin
            self._finies.put(None)

    def _convertir_seul(self, ligne: Ligne) -> Ligne:
        convertisseur = None
        try:
            if self._disjoncte():
                raise ConversionEchouee(_docx(ligne), MESSAGE_DISJONCTE)
            convertisseur = self._nouveau()
            (resultat,) = self._convertir_paquet(convertisseur, [ligne])
            return resultat
        except ErreurPdf as exc:
            self._noter(exc)
            return _echec(ligne, str(exc))
        except Exception as exc:
            return _echec(ligne, _inattendue(exc))
        finally:
            self._fermer(convertisseur)

    def _convertir_paquet(self, convertisseur: ConvertitEnPdf, lot: list[Ligne]) -> list[Ligne]:
        documents = [_docx(ligne) for ligne in lot]
        with tempfile.TemporaryDirectory(prefix="pdf-", dir=documents[0].parent / DOSSIER_ETAT) as dossier:
            pdfs = convertisseur.convertir(documents, Path(dossier))
            return [self._placer(ligne, pdf, docx) for ligne, pdf, docx in zip(lot, pdfs, documents, strict=True)]

    def _convertir_puis_finir(
        self, convertisseur: ConvertisseurPdf, lot: list[Ligne], finition: ThreadPoolExecutor
    ) -> Future[None]:
        """Convertit ; la finition et la mise en place se font à part, pendant la conversion suivante."""
        documents = [_docx(ligne) for ligne in lot]
        dossier = Path(tempfile.mkdtemp(prefix="pdf-", dir=documents[0].parent / DOSSIER_ETAT))
        try:
            pdfs = convertisseur.convertir(documents, dossier, finaliser=False)
        except BaseException:
            shutil.rmtree(dossier, ignore_errors=True)
            raise
        return finition.submit(self._finir, lot, pdfs, documents, dossier)

    def _finir(self, lot: list[Ligne], pdfs: list[Path], documents: list[Path], dossier: Path) -> None:
        try:
            for ligne, pdf, docx in zip(lot, pdfs, documents, strict=True):
                try:
                    finaliser_pdf(pdf, docx)
                    self._finies.put(self._placer(ligne, pdf, docx))
                except ErreurPdf as exc:
                    self._finies.put(_echec(ligne, str(exc)))
                except Exception as exc:
                    self._finies.put(_echec(ligne, _inattendue(exc)))
        finally:
            shutil.rmtree(dossier, ignore_errors=True)

    def _placer(self, ligne: Ligne, pdf: Path, docx: Path) -> Ligne:
        """Met le PDF en place (même système de fichiers : d'un seul coup) s'il en a le droit."""
        cible = docx.with_suffix(".pdf")
        empreinte = empreinte_document(pdf) or ""
        try:
            remplacer = remplacable(cible, ecraser=self.ecraser, connus=self.connus, empreinte=empreinte)
            mettre_en_place(pdf, cible, ecraser=remplacer)
        except ErreurSortie as exc:
            return _echec(ligne, str(exc))
        fichiers = [*ligne["fichiers"], {"chemin": str(cible), "sha256": empreinte}]
        return {**ligne, "fichiers": fichiers, "pdf_fait": True}


def _echec(ligne: Ligne, motif: str) -> Ligne:
    """La ligne d'un document sans PDF : en échec, le .docx gardé, le motif dit."""
    message = f"PDF non produit (le .docx est conservé) : {motif}"
    return {**ligne, "statut": str(Statut.ECHEC), "message": message, "pdf_fait": False}


def _inattendue(exc: Exception) -> str:
    motif = motif_systeme(exc) if isinstance(exc, OSError) else f"{type(exc).__name__} : {exc}"
    return f"erreur inattendue pendant la conversion ({motif})"


def _docx(ligne: Ligne) -> Path:
    return next(Path(f["chemin"]) for f in ligne["fichiers"] if f["chemin"].endswith(".docx"))
