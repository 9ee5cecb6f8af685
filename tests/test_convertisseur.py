"""``ConvertisseurPdf`` : un seul LibreOffice pour beaucoup de PDF, relancé s'il tombe (vrai LibreOffice)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from docx_texte import convention_exemple, espaces_normalises, metadonnees_pdf, texte_pdf

import convgen
from convgen.gabarit.rendu import rendre_docx

pytestmark = pytest.mark.lent


@pytest.fixture(scope="module")
def convertisseur(outils: None) -> Iterator[convgen.ConvertisseurPdf]:
    with convgen.ConvertisseurPdf() as c:
        yield c


@pytest.fixture(scope="module")
def docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chemin = tmp_path_factory.mktemp("docx") / "bretagne.docx"
    convgen.generer_docx(convention_exemple("bretagne"), chemin)
    return chemin


def test_pont_uno_disponible(convertisseur: convgen.ConvertisseurPdf) -> None:
    """En intégration continue, python3-uno est installé (.ci/run) : le convertisseur garde LibreOffice ouvert."""
    if convertisseur.python is None and not os.environ.get("CI"):
        pytest.skip("aucun Python ne connaît le module uno (apt-get install python3-uno)")
    assert convertisseur.python is not None


@pytest.mark.parametrize("forme", ["chemin", "texte", "octets"])
def test_chemin_ou_octets(convertisseur: convgen.ConvertisseurPdf, docx: Path, tmp_path: Path, forme: str) -> None:
    source: str | Path | bytes = {"chemin": docx, "texte": str(docx), "octets": docx.read_bytes()}[forme]
    pdf = tmp_path / "sortie.pdf"
    pdf.write_bytes(convertisseur.en_pdf(source))
    assert espaces_normalises("Fait à Rennes, le 2 mars 2009, en deux exemplaires originaux.") in texte_pdf(pdf)
    assert re.search(r"pdfaid:part(>|=[\"'])2", metadonnees_pdf(pdf))


def test_un_seul_libreoffice_pour_plusieurs(convertisseur: convgen.ConvertisseurPdf, tmp_path: Path) -> None:
    avant = convertisseur.demarrages
    for nom in ("auvergne", "bretagne", "auvergne"):
        convgen.generer_pdf(convention_exemple(nom), tmp_path / f"{nom}.pdf", convertisseur=convertisseur, ecraser=True)
    assert convertisseur.demarrages == max(avant, 1)
    assert "Clermont-Ferrand" in texte_pdf(tmp_path / "auvergne.pdf")


def test_relance_apres_la_chute_de_libreoffice(
    convertisseur: convgen.ConvertisseurPdf, docx: Path, tmp_path: Path
) -> None:
    convertisseur.en_pdf(docx)
    processus = convertisseur.processus
    assert processus is not None
    os.killpg(processus, signal.SIGKILL)
    avant = convertisseur.demarrages
    (tmp_path / "apres.pdf").write_bytes(convertisseur.en_pdf(docx))
    assert convertisseur.demarrages == avant + 1
    assert "Rennes" in texte_pdf(tmp_path / "apres.pdf")


@pytest.mark.parametrize(
    ("octets", "message"),
    [
        (b"pas un docx", "ce n'est pas un document Word"),
        (b"PK\x05\x06" + b"\x00" * 18, "ce n'est pas un document Word"),
    ],
    ids=["texte", "zip-vide"],
)
def test_document_refuse(convertisseur: convgen.ConvertisseurPdf, octets: bytes, message: str) -> None:
    with pytest.raises(convgen.ConversionEchouee, match=message):
        convertisseur.en_pdf(octets)


def test_fermer_arrete_libreoffice(outils: None) -> None:
    with convgen.ConvertisseurPdf() as c:
        c.en_pdf(rendre_docx(convgen.construire_contexte(convention_exemple("bretagne"))))
        processus = c.processus
        assert processus is not None
    assert c.processus is None
    with pytest.raises(ProcessLookupError):
        os.kill(processus, 0)


def test_libreoffice_ne_survit_pas_a_un_script_qui_oublie_fermer(outils: None, docx: Path) -> None:
    script = f"import convgen, sys\nc = convgen.ConvertisseurPdf()\nc.en_pdf({str(docx)!r})\nprint(c.processus)\n"
    resultat = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=180, check=True)
    processus = int(resultat.stdout.strip())
    time.sleep(0.5)  # le temps que le système ramasse le groupe tué
    try:
        etat = Path(f"/proc/{processus}/status").read_text(encoding="utf-8")
    except FileNotFoundError:
        etat = ""  # processus disparu
    assert etat == "" or "zombie" in etat


def test_partage_entre_fils(convertisseur: convgen.ConvertisseurPdf, docx: Path) -> None:
    """Un service à plusieurs fils partage un convertisseur : les demandes passent l'une après l'autre."""
    with ThreadPoolExecutor(3) as fils:
        pdfs = list(fils.map(convertisseur.en_pdf, [docx] * 3))
    assert all(pdf.startswith(b"%PDF-") for pdf in pdfs)
