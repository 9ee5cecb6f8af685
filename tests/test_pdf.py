"""PDF/A par le vrai LibreOffice, lu par poppler (pdftotext, pdffonts, pdfinfo).

Sans ces outils, les tests qui en ont besoin sont sautés, sauf en CI (variable CI) où
leur absence est un échec : la CI les installe (voir .ci/run).
"""

from __future__ import annotations

import hashlib
import http.server
import random
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pikepdf
import pytest
from docx_texte import (
    avec_relation_externe,
    convention_exemple,
    espaces_normalises,
    metadonnees_pdf,
    pages_pdf,
    png_rouge,
    polices_pdf,
    texte_pdf,
)

from convgen.erreurs import ConversionEchouee, FichierExistant, LibreOfficeAbsent
from convgen.gabarit.rendu import generer_docx
from convgen.pdf import Convertisseur, convertir_en_pdf, generer_pdf, trouver_soffice

pytestmark = pytest.mark.lent
MESSAGE_ABSENT = (
    "LibreOffice est introuvable (commande « soffice »). Installez-le, par exemple sous Debian ou Ubuntu : "
    "apt-get install libreoffice-writer-nogui fonts-liberation2, ou indiquez son chemin dans la variable "
    "d'environnement CONVGEN_SOFFICE."
)


@pytest.fixture(scope="module")
def convertisseur(outils: None) -> Iterator[Convertisseur]:
    """Un seul LibreOffice (un profil) pour tout le module."""
    with Convertisseur() as c:
        yield c


@pytest.fixture(scope="module")
def pdfs(convertisseur: Convertisseur, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Les deux exemples, convertis en un seul appel de LibreOffice."""
    dossier = tmp_path_factory.mktemp("pdf")
    noms = ["auvergne", "bretagne"]
    docx = [generer_docx(convention_exemple(nom), dossier / f"{nom}.docx") for nom in noms]
    return dict(zip(noms, convertisseur.convertir(docx, dossier / "pdf"), strict=True))


# --- Contenu du PDF -----------------------------------------------------------------------

CHAINES = [
    ("auvergne", "CONVENTION ANNUELLE D’OBJECTIFS 2009"),
    ("auvergne", "Convention n° DRTEFP-AUV-2009-007"),
    ("auvergne", "relative au programme régional d’animation des missions locales d’Auvergne"),
    ("auvergne", "L’État, représenté par M. Dominique Schmitt, préfet de la région Auvergne"),
    ("auvergne", "La Région Auvergne, représentée par M. René Souchon, président du conseil régional d’Auvergne"),
    ("auvergne", "Association régionale des missions locales d’Auvergne (ARML Auvergne), régie par la loi"),
    ("auvergne", "s’élève à 101 000,50 €, soit cent un mille euros et cinquante centimes."),
    ("auvergne", "soixante mille euros et cinquante centimes (60 000,50 €)"),
    ("auvergne", "Fait à Clermont-Ferrand, le 1er mars 2009, en trois exemplaires originaux."),
    ("auvergne", "Total de la mission IV : 8 000,00 €, dont État : 0,00 €"),
    ("bretagne", "CONVENTION ANNUELLE D’OBJECTIFS 2009"),
    ("bretagne", "Convention n° DRTEFP-BRE-2009-002"),
    ("bretagne", "Fait à Rennes, le 2 mars 2009, en deux exemplaires originaux."),
    ("bretagne", "cent soixante-douze mille euros (172 000,00 €)"),
    ("bretagne", "Rencontres « Jeunes & Entreprises » des missions locales bretonnes"),
]


@pytest.mark.parametrize(("exemple", "chaine"), CHAINES, ids=[f"{e}-{c[:30]}" for e, c in CHAINES])
def test_texte_du_pdf(pdfs: dict[str, Path], exemple: str, chaine: str) -> None:
    assert espaces_normalises(chaine) in texte_pdf(pdfs[exemple])


@pytest.mark.parametrize("exemple", ["auvergne", "bretagne"])
def test_pied_de_page_numerote(pdfs: dict[str, Path], exemple: str) -> None:
    """« Page 1 sur N » … « Page N sur N » : les champs PAGE et NUMPAGES sont calculés par LibreOffice."""
    texte, pages = texte_pdf(pdfs[exemple]), pages_pdf(pdfs[exemple])
    assert pages >= 5  # corps en portrait, annexe en paysage
    assert [n for n in range(1, pages + 1) if f"Page {n} sur {pages}" not in texte] == []
    assert f"Page {pages + 1} sur" not in texte


@pytest.mark.parametrize("exemple", ["auvergne", "bretagne"])
def test_pdfa_polices_incorporees(pdfs: dict[str, Path], exemple: str) -> None:
    polices = polices_pdf(pdfs[exemple])
    assert polices
    assert [nom for nom, incorporee in polices if incorporee != "yes"] == []
    xmp = metadonnees_pdf(pdfs[exemple])
    assert re.search(r"pdfaid:part(>|=[\"'])2", xmp), xmp
    assert re.search(r"pdfaid:conformance(>|=[\"'])B", xmp), xmp
    assert pdfs[exemple].read_bytes().startswith(b"%PDF-")


def test_generer_pdf_projet(outils: None, tmp_path: Path) -> None:
    destination = tmp_path / "projet.pdf"
    assert generer_pdf(convention_exemple("bretagne"), destination, projet=True) == destination
    texte = texte_pdf(destination)
    assert "PROJET" in texte
    assert "Fait à Rennes, le " + "…" * 12 + ", en deux exemplaires originaux." in texte
    with pytest.raises(FichierExistant):
        generer_pdf(convention_exemple("bretagne"), destination)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["projet.pdf"]


# --- Échecs : rien n'est écrit, le message dit quoi faire -------------------------------------


@pytest.mark.parametrize(
    "appel",
    [
        lambda d: generer_pdf(convention_exemple("bretagne"), d / "convention.pdf"),
        lambda d: convertir_en_pdf(generer_docx(convention_exemple("bretagne"), d / "convention.docx")),
        lambda d: Convertisseur(),
        lambda d: trouver_soffice(),
    ],
    ids=["generer_pdf", "convertir_en_pdf", "Convertisseur", "trouver_soffice"],
)
def test_libreoffice_absent(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, appel: Callable[[Path], Any]) -> None:
    monkeypatch.setenv("CONVGEN_SOFFICE", "/nonexistent")
    with pytest.raises(LibreOfficeAbsent) as exc:
        appel(tmp_path)
    assert str(exc.value) == MESSAGE_ABSENT
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".pdf"] == []


def contenu_illisible(nom: str) -> bytes:
    return {
        "zip-tronque": b"PK\x03\x04" + bytes(60),
        "octets-aleatoires": random.Random(2009).randbytes(4096),
        "fichier-vide": b"",
    }[nom]


@pytest.mark.parametrize(
    "nom",
    [
        "zip-tronque",
        "octets-aleatoires",
        "fichier-vide",
    ],
)
def test_document_inconvertible(convertisseur: Convertisseur, tmp_path: Path, nom: str) -> None:
    document = tmp_path / "convention.docx"
    document.write_bytes(contenu_illisible(nom))
    with pytest.raises(ConversionEchouee) as exc:
        convertisseur.convertir([document], tmp_path / "pdf")
    assert str(exc.value) == f"{document} : conversion en PDF impossible : ce n'est pas un document Word (.docx) valide"
    assert not (tmp_path / "pdf").exists()


def processus_du_profil(profil: Path) -> list[str]:
    """Les processus encore vivants qui utilisent ce profil LibreOffice."""
    vivants = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            ligne = cmdline.read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if profil.as_uri() in ligne:
            vivants.append(ligne)
    return vivants


def test_delai_depasse(outils: None, tmp_path: Path) -> None:
    document = generer_docx(convention_exemple("bretagne"), tmp_path / "convention.docx")
    with Convertisseur(delai=0.001) as lent, pytest.raises(ConversionEchouee) as exc:
        lent.convertir([document], tmp_path / "pdf")
    message = str(exc.value)
    assert re.fullmatch(
        rf"{re.escape(str(document))} : conversion en PDF impossible : LibreOffice n'a pas répondu en 0\.001 "
        r"secondes \(arrêté\)",
        message,
    ), message
    assert list((tmp_path / "pdf").iterdir()) == []
    time.sleep(0.2)
    assert processus_du_profil(lent._profil) == []


# --- Aucune ressource externe : LibreOffice ne va rien chercher (issue 10, point 5) ------------


class _Temoin(http.server.BaseHTTPRequestHandler):
    """Serveur local qui note chaque requête : LibreOffice ne doit jamais l'appeler."""

    requetes: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.requetes.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(png_rouge())

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def temoin() -> Iterator[tuple[str, list[str]]]:
    serveur = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Temoin)
    _Temoin.requetes = []
    fil = threading.Thread(target=serveur.serve_forever, daemon=True)
    fil.start()
    try:
        yield f"http://127.0.0.1:{serveur.server_address[1]}", _Temoin.requetes
    finally:
        serveur.shutdown()
        serveur.server_close()
        fil.join(timeout=10)


def _images(pdf: Path) -> int:
    """Les images du PDF, où qu'elles soient (pages, formulaires imbriqués)."""
    with pikepdf.open(pdf) as document:
        return sum(1 for o in document.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image")


@pytest.mark.parametrize("sorte", ["http", "file"])
def test_libreoffice_ne_charge_aucune_ressource_externe(
    convertisseur: Convertisseur, tmp_path: Path, temoin: tuple[str, list[str]], sorte: str
) -> None:
    adresse, requetes = temoin
    (tmp_path / "secret.png").write_bytes(png_rouge())
    cible = f"{adresse}/image.png" if sorte == "http" else (tmp_path / "secret.png").as_uri()
    document = avec_relation_externe(generer_docx(convention_exemple("bretagne"), tmp_path / "lie.docx"), cible)

    (pdf,) = convertisseur.convertir([document], tmp_path / "pdf")

    assert requetes == []
    assert _images(pdf) == 0  # ni l'image distante ni le fichier local ne sont incorporés
    assert "Fait à Rennes" in texte_pdf(pdf)


# --- PDF/A : métadonnées concordantes, mêmes données → mêmes octets (point 11) -----------------


def test_pdf_metadonnees_concordantes_et_reproductible(outils: None, tmp_path: Path) -> None:
    document = generer_docx(convention_exemple("bretagne"), tmp_path / "bretagne.docx")
    premier = convertir_en_pdf(document)
    second = convertir_en_pdf(document)  # un autre LibreOffice, un autre profil, un autre instant

    assert premier == second
    chemin = tmp_path / "bretagne.pdf"
    chemin.write_bytes(premier)
    titre = "Convention annuelle d’objectifs 2009 — programme régional d’animation des missions locales de Bretagne"
    with pikepdf.open(chemin) as pdf:
        info, xmp = pdf.docinfo, pdf.open_metadata()
        assert str(info["/Title"]) == xmp["dc:title"] == titre
        assert str(info["/Author"]) == "convgen"
        assert xmp["dc:creator"] == ["convgen"]
        assert str(info["/Subject"]) == xmp["dc:description"]
        assert str(info["/Producer"]) == xmp["pdf:Producer"]
        assert str(info["/Creator"]) == xmp["xmp:CreatorTool"]
        assert str(info["/CreationDate"]) == str(info["/ModDate"]) == "D:20000101000000Z"
        assert xmp["xmp:CreateDate"] == xmp["xmp:ModifyDate"] == "2000-01-01T00:00:00Z"
        assert xmp["pdfaid:part"] == "2"
        identifiant = hashlib.sha256(document.read_bytes()).digest()[:16]
        assert bytes(pdf.trailer.ID[0]) == identifiant
        assert xmp["xmpMM:DocumentID"] == f"uuid:{uuid.UUID(bytes=identifiant)}"
    assert b"&amp;apos;" not in premier
