"""Un LibreOffice gardé ouvert pour convertir beaucoup de documents en PDF.

Lancer LibreOffice coûte plus d'une seconde ; convertir un document déjà rendu, quelques
dixièmes. :class:`ConvertisseurPdf` lance donc un seul LibreOffice (son propre profil, sans
interface) et lui passe chaque document par UNO, au travers d'un petit pont
(:mod:`convgen._pont_uno`) qui tourne sous le Python qui connaît le module ``uno`` (sous
Debian, celui du système : paquet python3-uno, installé avec LibreOffice). Si LibreOffice
tombe, il est relancé et la conversion reprise une fois ; si elle échoue encore, elle lève
:class:`~convgen.erreurs.ConversionEchouee`. Sans pont possible (aucun Python ne connaît
``uno``), chaque conversion lance LibreOffice, comme :func:`~convgen.pdf.generer_pdf` seul.

>>> with ConvertisseurPdf() as convertisseur:  # doctest: +SKIP
...     octets = convertisseur.en_pdf(Path("convention.docx"))
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import uuid
import weakref
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from convgen.erreurs import ConversionEchouee, ErreurPdf, LibreOfficeBloque, motif_systeme
from convgen.pdf import (
    Convertisseur,
    isolement_reseau,
    preparer_profil,
    trouver_soffice,
    verifier_docx,
    verifier_pdf,
)
from convgen.pdfa import finaliser_pdf

__all__ = ["ConvertisseurPdf", "python_uno"]

DELAI_DEMARRAGE = 60.0
"""Secondes accordées à LibreOffice pour démarrer et accepter le pont."""
DELAI_DOCUMENT = 120.0
"""Secondes accordées à la conversion d'un document."""
_PONT = Path(__file__).with_name("_pont_uno.py")


@functools.cache
def python_uno() -> str | None:
    """Un Python qui connaît le module ``uno`` : variable CONVGEN_PYTHON_UNO, celui-ci, ou celui du système."""
    explicite = os.environ.get("CONVGEN_PYTHON_UNO")
    candidats = [explicite] if explicite else [sys.executable, "/usr/bin/python3", shutil.which("python3")]
    for candidat in candidats:
        if candidat and Path(candidat).is_file():
            with contextlib.suppress(OSError, subprocess.SubprocessError):
                essai = subprocess.run([candidat, "-c", "import uno"], capture_output=True, timeout=30, check=False)
                if essai.returncode == 0:
                    return candidat
    return None


def _liberer(groupe: int | None, profil: Path | None) -> None:
    """Filet de sécurité (convertisseur oublié sans ``with`` ni ``fermer``) : LibreOffice ne survit pas au script."""
    if groupe is not None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(groupe, signal.SIGKILL)
    if profil is not None:
        shutil.rmtree(profil, ignore_errors=True)


class _Panne(Exception):
    """LibreOffice ou le pont ne répond plus : on relance tout."""

    def __init__(self, motif: str, *, delai_depasse: bool = False) -> None:
        super().__init__(motif)
        self.delai_depasse = delai_depasse


class ConvertisseurPdf:
    """Convertit des .docx (chemins ou octets) en PDF avec un seul LibreOffice, gardé ouvert.

    S'utilise comme gestionnaire de contexte (``with convgen.ConvertisseurPdf() as c:``),
    qui arrête LibreOffice à la sortie ; se passe à :func:`~convgen.pdf.generer_pdf` et à
    :func:`~convgen.lot.generer_lot` par leur paramètre ``convertisseur``. ``pdfa`` : PDF/A-2b
    (par défaut). Plusieurs fils peuvent le partager : ils passent l'un après l'autre.
    """

    def __init__(
        self,
        *,
        pdfa: bool = True,
        delai: float = DELAI_DOCUMENT,
        soffice: str | None = None,
        delai_demarrage: float = DELAI_DEMARRAGE,
    ) -> None:
        self.pdfa = pdfa
        self.delai = delai
        self.delai_demarrage = delai_demarrage
        self.soffice = soffice or trouver_soffice()
        self.python = python_uno()
        self.demarrages = 0
        """Nombre de LibreOffice lancés (1 si aucun n'est tombé)."""
        self._profil: Path | None = None
        self._office: subprocess.Popen[bytes] | None = None
        self._pont: subprocess.Popen[str] | None = None
        self._verrou = threading.Lock()
        self._filet: weakref.finalize[[int | None, Path | None], ConvertisseurPdf] | None = None
        self._secours: Convertisseur | None = None
        self._interrompu = False

    def __enter__(self) -> ConvertisseurPdf:
        return self

    def __exit__(
        self, genre: type[BaseException] | None, exc: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.fermer()

    @property
    def processus(self) -> int | None:
        """Numéro du processus LibreOffice en service (chef de son groupe), ou ``None`` s'il n'est pas lancé."""
        return self._office.pid if self._office is not None and self._office.poll() is None else None

    def demarrer(self) -> None:
        """Lance LibreOffice sans attendre le premier document (un lot le fait pendant qu'il rend les .docx)."""
        with self._verrou:
            if self.python is not None:
                self._demarrer()

    def interrompre(self) -> None:
        """Arrête LibreOffice sur-le-champ, même depuis un autre fil (Ctrl-C) : la conversion en cours échoue,
        et toute autre aussi jusqu'à :meth:`fermer`."""
        self._interrompu = True
        office, pont, secours = self._office, self._pont, self._secours
        if office is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(office.pid, signal.SIGKILL)
        if pont is not None:
            with contextlib.suppress(OSError):
                pont.kill()
        if secours is not None:
            secours.interrompre()

    def fermer(self) -> None:
        """Arrête LibreOffice et le pont, efface le profil ; le convertisseur peut resservir (il relancera)."""
        with self._verrou:
            self._interrompu = False
            self._arreter()
            if self._secours is not None:
                self._secours.fermer()
                self._secours = None
            if self._profil is not None:
                shutil.rmtree(self._profil, ignore_errors=True)
                self._profil = None

    def en_pdf(self, source: str | os.PathLike[str] | bytes) -> bytes:
        """Les octets du PDF d'un .docx donné par son chemin ou ses octets."""
        with tempfile.TemporaryDirectory(prefix="convgen-pdf-") as dossier:
            if isinstance(source, bytes):
                document = Path(dossier) / "document.docx"
                document.write_bytes(source)
            else:
                document = Path(source)
            (pdf,) = self.convertir([document], Path(dossier) / "pdf")
            return pdf.read_bytes()

    def convertir(self, documents: Sequence[Path], dossier: Path, *, finaliser: bool = True) -> list[Path]:
        """Convertit les documents dans ``dossier`` (PDF du même nom) ; rend les PDF dans le même ordre.

        ``finaliser=False`` : les PDF sont rendus tels que LibreOffice les écrit ; l'appelant les passe
        lui-même à :func:`~convgen.pdfa.finaliser_pdf` (un lot le fait pendant que LibreOffice convertit
        le document suivant).
        """
        for document in documents:
            verifier_docx(document)
        dossier.mkdir(parents=True, exist_ok=True)
        with self._verrou:  # un seul LibreOffice, une demande à la fois
            if self.python is None:  # pas de pont UNO : un LibreOffice par appel
                self._secours = self._secours or Convertisseur(pdfa=self.pdfa, soffice=self.soffice)
                return self._secours.convertir(documents, dossier)
            return [self._un(document, dossier / f"{document.stem}.pdf", finaliser) for document in documents]

    def _un(self, document: Path, pdf: Path, finaliser: bool) -> Path:
        for essai in (1, 2):
            try:
                reponse = self._demander({"entree": str(document.resolve()), "sortie": str(pdf.resolve())})
            except _Panne as panne:
                self._arreter()
                if essai == 2:
                    raise LibreOfficeBloque(
                        document, f"LibreOffice ne répond plus ({panne}) ; il a été arrêté"
                    ) from None
                continue
            if "erreur" in reponse:
                raise ConversionEchouee(document, f"LibreOffice a refusé le document ({reponse['erreur']})")
            verifier_pdf(document, pdf, "")
            if finaliser:  # métadonnées PDF/A concordantes et reproductibles, comme generer_pdf
                finaliser_pdf(pdf, document)
            return pdf
        raise AssertionError("inatteignable")  # pragma: no cover

    def _demander(self, demande: dict[str, str]) -> dict[str, object]:
        pont = self._demarrer()
        assert pont.stdin is not None
        try:
            pont.stdin.write(json.dumps({**demande, "pdfa": self.pdfa}) + "\n")
            pont.stdin.flush()
        except OSError as exc:
            raise _Panne(motif_systeme(exc)) from None
        return self._lire(pont, self.delai)

    def _lire(self, pont: subprocess.Popen[str], delai: float) -> dict[str, object]:
        assert pont.stdout is not None
        pret, _, _ = select.select([pont.stdout], [], [], delai)
        if not pret:
            raise _Panne(f"aucune réponse en {delai:g} secondes", delai_depasse=True)
        ligne = pont.stdout.readline()
        if not ligne:
            raise _Panne("LibreOffice s'est arrêté")
        reponse: dict[str, object] = json.loads(ligne)
        return reponse

    def _demarrer(self) -> subprocess.Popen[str]:
        """Le pont en service ; LibreOffice et le pont relancés s'ils sont tombés."""
        if self._pont is not None and self._pont.poll() is None and self._office and self._office.poll() is None:
            return self._pont
        self._arreter()
        if self._interrompu:
            raise ConversionEchouee("LibreOffice", "conversion interrompue")
        assert self.python is not None
        tuyau = f"convgen-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        if self._profil is None:  # un profil à lui : deux LibreOffice qui partagent un profil se bloquent
            self._profil = Path(tempfile.mkdtemp(prefix="convgen-lo-"))
            preparer_profil(self._profil)  # ni macro, ni lien externe, ni mise à jour (réglages de pdf)
        options = ["--headless", "--invisible", "--norestore", "--nologo", "--nolockcheck", "--nodefault"]
        environnement = {**os.environ, "SAL_USE_VCLPLUGIN": "svp"}
        try:
            self._office = subprocess.Popen(
                [
                    *isolement_reseau(),  # sans réseau, comme generer_pdf (le tube UNO est un fichier local)
                    self.soffice,
                    f"-env:UserInstallation={self._profil.as_uri()}",
                    *options,
                    f"--accept=pipe,name={tuyau};urp;",
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # le groupe entier (soffice.bin compris) est arrêté ensemble
                env=environnement,
            )
            self._pont = subprocess.Popen(
                [self.python, str(_PONT), tuyau, str(self.delai_demarrage)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                encoding="utf-8",
            )
        except OSError as exc:
            self._arreter()
            raise ErreurPdf(f"LibreOffice n'a pas pu démarrer ({motif_systeme(exc)})") from None
        self.demarrages += 1
        self._filet = weakref.finalize(self, _liberer, self._office.pid, self._profil)
        try:
            self._lire(self._pont, self.delai_demarrage)
        except _Panne as panne:
            self._arreter()
            if panne.delai_depasse:  # compté comme un blocage par le disjoncteur d'un lot
                raise LibreOfficeBloque(
                    "LibreOffice", f"pas prêt en {self.delai_demarrage:g} secondes (arrêté)"
                ) from None
            raise ErreurPdf(f"LibreOffice n'a pas pu démarrer ({panne})") from None
        return self._pont

    def _arreter(self) -> None:
        if self._filet is not None:
            self._filet.detach()
            self._filet = None
        if self._pont is not None:
            with contextlib.suppress(OSError):
                if self._pont.stdin:
                    self._pont.stdin.close()
            self._pont.kill()
            self._pont.wait()
            if self._pont.stdout:
                self._pont.stdout.close()
            self._pont = None
        if self._office is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._office.pid, signal.SIGKILL)
            self._office.wait()
            self._office = None
