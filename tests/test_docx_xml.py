"""Couche XML des .docx : l'archive écrite à la main est celle qu'écrirait zipfile, octet pour octet."""

from __future__ import annotations

import io
import zipfile

import pytest

from convgen.erreurs import RenduImpossible
from convgen.gabarit.docx_xml import DATE_FIXE, compresser, ecrire_archive, lire_archive, verifier_xml
from convgen.gabarit.rendu import chemin_gabarit_par_defaut


def _par_zipfile(entrees: dict[str, bytes]) -> bytes:
    """La référence : l'archive telle que zipfile l'écrit avec les réglages de convgen."""
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for nom, contenu in entrees.items():
            info = zipfile.ZipInfo(nom, date_time=DATE_FIXE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0o644 << 16
            archive.writestr(info, contenu, compresslevel=1)
    return tampon.getvalue()


GABARIT = lire_archive(chemin_gabarit_par_defaut().read_bytes(), "gabarit livré")


@pytest.mark.parametrize(
    "entrees",
    [
        GABARIT,
        {"word/document.xml": b""},
        {"[Content_Types].xml": b"<a/>" * 10_000, "word/média é.xml": "données « é »".encode()},
        {f"partie{i}.bin": bytes(range(256)) * i for i in range(1, 6)},
    ],
    ids=["gabarit-livre", "partie-vide", "nom-non-ascii", "binaire"],
)
def test_archive_identique_a_celle_de_zipfile(entrees: dict[str, bytes]) -> None:
    ecrite = ecrire_archive([compresser(nom, contenu) for nom, contenu in entrees.items()])
    assert ecrite == _par_zipfile(entrees)
    with zipfile.ZipFile(io.BytesIO(ecrite)) as relue:
        assert relue.testzip() is None
        assert {nom: relue.read(nom) for nom in relue.namelist()} == entrees


@pytest.mark.parametrize(
    ("xml", "motif"),
    [
        (b"<w:document xmlns:w='urn:w'><w:p></w:document>", "mismatched tag"),
        (b"<w:document xmlns:w='urn:w'><x:p/></w:document>", "unbound prefix"),
        (b"<a>&inconnue;</a>", "undefined entity"),
        (b"<a>texte</a><b/>", "junk after document element"),
        (b"", "no element found"),
    ],
)
def test_un_rendu_mal_forme_est_refuse_et_situe(xml: bytes, motif: str) -> None:
    with pytest.raises(
        RenduImpossible, match=rf"corps du document : le rendu n'est pas un XML valide \({motif}, ligne"
    ):
        verifier_xml(xml, "g.docx", "word/document.xml")


def test_un_rendu_bien_forme_passe() -> None:
    verifier_xml(GABARIT["word/styles.xml"], "g.docx", "word/styles.xml")
    verifier_xml("<a>« &amp; » é</a>".encode(), "g.docx", "word/document.xml")
