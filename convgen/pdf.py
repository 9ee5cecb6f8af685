"""Conversion en PDF par LibreOffice sans interface : le seul adaptateur vers ``soffice``.

Par défaut le PDF est au format PDF/A-2b (archivage), polices incorporées. Chaque
convertisseur a son propre profil LibreOffice (deux ``soffice`` qui partagent un
profil se bloquent) ; un appel convertit tout un lot de documents, ce qui évite de
payer à chaque fois le démarrage de LibreOffice (environ une seconde). Un délai borne
chaque appel ; LibreOffice peut finir sans erreur sans avoir écrit le PDF, d'où le
contrôle de chaque fichier produit.

LibreOffice n'a aucun accès au réseau (espace de noms réseau vide quand ``unshare`` le permet)
et son profil lui interdit de charger quoi que ce soit de lié au document (images liées,
mises à jour des liens, macros, recherche de mises à jour) : un document ne lui fait ni
chercher une adresse ni incorporer un fichier local. Chaque PDF est ensuite repris par
pikepdf (:func:`finaliser_pdf`) : métadonnées XMP et dictionnaire Info concordants, dates
et identifiant tirés du document, de sorte que les mêmes données donnent les mêmes octets.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import zipfile
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import BinaryIO

from convgen.contexte import Version
from convgen.erreurs import ConversionEchouee, FichierExistant, LibreOfficeAbsent, LibreOfficeBloque, motif_systeme
from convgen.fichiers import ecrire
from convgen.gabarit.rendu import Gabarit, generer_docx
from convgen.modele import Convention
from convgen.pdfa import finaliser_pdf

DELAI_PAR_DEFAUT = 180.0
"""Secondes accordées à un appel de LibreOffice, démarrage compris."""
DELAI_PAR_DOCUMENT = 20.0
"""Secondes ajoutées par document au-delà du premier."""
_FILTRE_PDF = "pdf:writer_pdf_Export"


def trouver_soffice() -> str:
    """Le chemin de ``soffice`` : variable CONVGEN_SOFFICE, sinon le PATH ; sinon une erreur qui dit quoi installer."""
    explicite = os.environ.get("CONVGEN_SOFFICE")
    if explicite:
        if Path(explicite).is_file():
            return explicite
        raise LibreOfficeAbsent()
    for nom in ("soffice", "libreoffice"):
        chemin = shutil.which(nom)
        if chemin:
            return chemin
    raise LibreOfficeAbsent()


def _option_filtre(pdfa: bool) -> str:
    """Options du filtre d'export (syntaxe JSON, LibreOffice ≥ 7.4)."""
    options: dict[str, dict[str, str]] = {"UseTaggedPDF": {"type": "boolean", "value": "true"}}
    if pdfa:
        # 2 = PDF/A-2b ; le format impose l'incorporation des polices.
        options["SelectPdfVersion"] = {"type": "long", "value": "2"}
    return f"{_FILTRE_PDF}:{json.dumps(options, separators=(',', ':'))}"


class Convertisseur:
    """Un LibreOffice avec son propre profil, réutilisé d'un appel à l'autre."""

    def __init__(self, *, pdfa: bool = True, delai: float | None = None, soffice: str | None = None) -> None:
        self.soffice = soffice or trouver_soffice()
        self.pdfa = pdfa
        self.delai = delai
        self._profil = Path(tempfile.mkdtemp(prefix="convgen-lo-"))
        preparer_profil(self._profil)
        self._garde = _Garde()

    def interrompre(self) -> None:
        """Arrête le LibreOffice en cours (tout son groupe de processus) ; tout appel suivant échoue.

        Appelable d'un autre fil (Ctrl-C, SIGTERM reçus par le fil principal).
        """
        self._garde.interrompre()

    def fermer(self) -> None:
        self._garde.interrompre()
        shutil.rmtree(self._profil, ignore_errors=True)

    def __enter__(self) -> Convertisseur:
        return self

    def __exit__(self, *exc: object) -> None:
        self.fermer()

    def convertir(self, documents: Sequence[Path], dossier: Path) -> list[Path]:
        """Convertit les documents en PDF dans ``dossier`` ; rend les PDF, dans le même ordre."""
        if not documents:
            return []
        for document in documents:
            _verifier_docx(document)
        dossier.mkdir(parents=True, exist_ok=True)
        commande = [
            *isolement_reseau(),
            self.soffice,
            f"-env:UserInstallation={self._profil.as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nolockcheck",
            "--nodefault",
            "--infilter=MS Word 2007 XML",  # sinon LibreOffice lit n'importe quel fichier comme du texte
            "--convert-to",
            _option_filtre(self.pdfa),
            "--outdir",
            str(dossier),
            *(str(d) for d in documents),
        ]
        delai = self.delai or DELAI_PAR_DEFAUT + DELAI_PAR_DOCUMENT * (len(documents) - 1)
        sortie = _executer(commande, delai, documents[0], self._garde.suivre)
        pdfs = [dossier / f"{d.stem}.pdf" for d in documents]
        for document, pdf in zip(documents, pdfs, strict=True):
            _verifier_pdf(document, pdf, sortie)
            finaliser_pdf(pdf, document)
        return pdfs


class _Garde:
    """Le LibreOffice en cours d'un convertisseur, pour l'arrêter d'un autre fil."""

    def __init__(self) -> None:
        self._verrou = threading.Lock()
        self._processus: subprocess.Popen[bytes] | None = None
        self._interrompu = False

    def suivre(self, processus: subprocess.Popen[bytes] | None) -> bool:
        """Enregistre le processus lancé (None : il est fini) ; faux si le convertisseur est interrompu."""
        with self._verrou:
            self._processus = processus
            if self._interrompu and processus is not None:
                _tuer(processus)
            return not self._interrompu

    def interrompre(self) -> None:
        with self._verrou:
            self._interrompu = True
            if self._processus is not None:
                _tuer(self._processus)


def _tuer(processus: subprocess.Popen[bytes]) -> None:
    """Tue tout le groupe de processus de LibreOffice (soffice, oosplash, soffice.bin)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(processus.pid, signal.SIGKILL)


_OPTIONS_PROFIL = [
    # Ni images ni objets liés chargés depuis une adresse ou un fichier que nomme le document.
    ("/org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks", "boolean", "true"),
    ("/org.openoffice.Office.Writer/Content/Update", "Link", "int", "2"),  # liens : jamais mis à jour
    ("/org.openoffice.Office.Calc/Content/Update", "Link", "int", "2"),
    # Aucune macro, aucune recherche de mise à jour, aucun lien vers la documentation en ligne.
    ("/org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel", "int", "3"),
    ("/org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution", "boolean", "true"),
    (
        "/org.openoffice.Office.Jobs/Jobs/org.openoffice.Office.Jobs:Job['UpdateCheck']/Arguments",
        "AutoCheckEnabled",
        "boolean",
        "false",
    ),
    ("/org.openoffice.Office.Common/Help", "HelpRootURL", "string", ""),
    ("/org.openoffice.Office.Common/Misc", "CollectUsageInformation", "boolean", "false"),
]


def preparer_profil(profil: Path) -> None:
    """Écrit les réglages de sûreté dans un profil LibreOffice neuf (``user/registrymodifications.xcu``)."""
    elements = "".join(
        f'<item oor:path="{chemin}"><prop oor:name="{nom}" oor:op="fuse"><value>{valeur}</value></prop></item>'
        for chemin, nom, _, valeur in _OPTIONS_PROFIL
    )
    (profil / "user").mkdir(parents=True, exist_ok=True)
    (profil / "user" / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"{elements}</oor:items>\n",
        encoding="utf-8",
    )


@cache
def isolement_reseau() -> tuple[str, ...]:
    """Le préfixe qui lance LibreOffice sans réseau (``unshare`` : espace de noms réseau vide), s'il est permis ici.

    Sinon (``unshare`` absent, espaces de noms interdits), rien : le profil suffit à ne rien charger.
    """
    unshare = shutil.which("unshare")
    if unshare is None:
        return ()
    prefixe = (unshare, "--net", "--map-root-user")
    try:
        essai = subprocess.run([*prefixe, "true"], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ()
    return prefixe if essai.returncode == 0 else ()


def _verifier_docx(document: Path) -> None:
    """Un .docx est une archive zip qui contient word/document.xml ; LibreOffice convertirait le reste en texte."""
    try:
        with zipfile.ZipFile(document) as archive:
            archive.getinfo("word/document.xml")
    except FileNotFoundError:
        raise ConversionEchouee(document, "fichier introuvable") from None
    except (zipfile.BadZipFile, KeyError, OSError):
        raise ConversionEchouee(document, "ce n'est pas un document Word (.docx) valide") from None


def _executer(
    commande: list[str],
    delai: float,
    document: Path,
    suivre: Callable[[subprocess.Popen[bytes] | None], bool] = lambda _: True,
) -> str:
    """Lance LibreOffice dans son propre groupe de processus, tué en entier si le délai passe.

    ``suivre`` reçoit le processus (pour qu'un autre fil puisse l'arrêter), puis None quand il est fini.
    """
    try:
        processus = subprocess.Popen(
            commande,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env={**os.environ, "SAL_USE_VCLPLUGIN": "svp", "HOME": os.environ.get("HOME", tempfile.gettempdir())},
        )
    except OSError as exc:
        raise ConversionEchouee(document, f"LibreOffice n'a pas pu démarrer ({motif_systeme(exc)})") from None
    try:
        if not suivre(processus):
            raise ConversionEchouee(document, "conversion interrompue")
        sortie, _ = processus.communicate(timeout=delai)
    except subprocess.TimeoutExpired:
        _tuer(processus)
        processus.communicate()
        raise LibreOfficeBloque(document, f"LibreOffice n'a pas répondu en {delai:g} secondes (arrêté)") from None
    except BaseException:  # interruption : LibreOffice ne survit pas à son appelant
        _tuer(processus)
        processus.communicate()
        raise
    finally:
        suivre(None)
    if not suivre(None):
        raise ConversionEchouee(document, "conversion interrompue")
    texte = sortie.decode("utf-8", "replace").strip()
    if processus.returncode != 0:
        raise ConversionEchouee(document, f"LibreOffice a échoué (code {processus.returncode}) : {texte[-500:]}")
    return texte


def _verifier_pdf(document: Path, pdf: Path, sortie: str) -> None:
    """LibreOffice peut réussir sans rien écrire : le PDF doit exister, être non vide et en être un."""
    if not pdf.is_file() or pdf.stat().st_size == 0:
        raise ConversionEchouee(document, f"aucun PDF produit ({sortie[-300:] or 'LibreOffice ne dit rien'})")
    with pdf.open("rb") as fichier:
        if fichier.read(5) != b"%PDF-":
            raise ConversionEchouee(document, "le fichier produit n'est pas un PDF")


def convertir_en_pdf(docx: Path, *, pdfa: bool = True, delai: float | None = None) -> bytes:
    """Convertit un .docx et rend les octets du PDF (LibreOffice et profil temporaires)."""
    with Convertisseur(pdfa=pdfa, delai=delai) as convertisseur, tempfile.TemporaryDirectory() as dossier:
        (pdf,) = convertisseur.convertir([docx], Path(dossier))
        return pdf.read_bytes()


def generer_pdf(
    convention: Convention,
    destination: str | Path | BinaryIO,
    *,
    version: Version | None = None,
    projet: bool = False,
    gabarit: str | Path | Gabarit | None = None,
    pdfa: bool = True,
    ecraser: bool = False,
) -> Path | None:
    """Écrit la convention en PDF (PDF/A-2b par défaut) dans ``destination`` (chemin ou fichier binaire).

    Même contrôle préalable que :func:`~convgen.gabarit.rendu.generer_docx` ; rien n'est écrit
    si la conversion échoue.
    """
    if isinstance(destination, str | os.PathLike) and not ecraser and Path(destination).exists():
        raise FichierExistant(destination)
    with tempfile.TemporaryDirectory(prefix="convgen-") as dossier:
        docx = Path(dossier) / "convention.docx"
        generer_docx(convention, docx, version=version, projet=projet, gabarit=gabarit)
        octets = convertir_en_pdf(docx, pdfa=pdfa)
    return ecrire(destination, octets, ecraser=ecraser)
