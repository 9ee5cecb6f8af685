"""L'arbre des exceptions dessiné dans ``convgen/erreurs.py`` est vrai, et chaque exception se produit vraiment.

Chaque exception de l'arbre est levée par un vrai usage de l'API publique (``import convgen``),
jamais construite à la main (``NomDejaPris``, que ``generer`` et le lot rapportent, par sa source) ;
elle est attrapée par sa classe, celle de son parent et la racine ``ErreurConvgen``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from conftest import donnees_valides
from docx_texte import gabarit_word

import convgen
import convgen.erreurs


def _arbre() -> dict[str, str | None]:
    """{exception: parent} d'après le dessin de la docstring (indentation de 4 caractères par niveau)."""
    parents: dict[str, str | None] = {}
    pile: list[str] = []
    for ligne in (convgen.erreurs.__doc__ or "").splitlines():
        trouve = re.match(r"^    ((?:[│ ]   )*)(?:[├└]── )?([A-Z]\w+)\s", ligne + " ")
        if not trouve or ("──" not in ligne and trouve.group(2) != "ErreurConvgen"):
            continue
        niveau = len(trouve.group(1)) // 4 + (1 if "──" in ligne else 0)
        del pile[niveau:]
        parents[trouve.group(2)] = pile[-1] if pile else None
        pile.append(trouve.group(2))
    return parents


ARBRE = _arbre()


def test_arbre_lu() -> None:
    assert ARBRE["ErreurConvgen"] is None
    assert ARBRE["DonneesInvalides"] == "ErreurDonnees"
    assert ARBRE["FichierExistant"] == "ErreurSortie"
    assert ARBRE["LibreOfficeBloque"] == "ConversionEchouee"
    assert len(ARBRE) == 15


@pytest.mark.parametrize(("nom", "parent"), sorted(ARBRE.items(), key=str))
def test_arbre_conforme_aux_classes(nom: str, parent: str | None) -> None:
    classe = getattr(convgen, nom)  # chaque exception de l'arbre est publique
    attendu = Exception if parent is None else getattr(convgen, parent)
    assert classe.__bases__ == (attendu,)


def test_aucune_exception_hors_de_l_arbre() -> None:
    classes = {
        nom
        for nom, objet in vars(convgen.erreurs).items()
        if isinstance(objet, type) and issubclass(objet, convgen.ErreurConvgen)
    }
    assert classes == set(ARBRE)


def _gabarit(tmp_path: Path, paragraphe: str) -> Path:
    return gabarit_word(tmp_path, paragraphe)


def _lot_perdu(tmp_path: Path) -> None:
    # Un vrai groupe de processus dont chaque processus meurt en naissant : le lot ne peut pas aboutir.
    with ProcessPoolExecutor(1, initializer=os._exit, initargs=(1,)) as perdu:
        convgen.generer_lot([Path("donnees_exemple/bretagne_2009_bipartite.yaml")], tmp_path / "lot", executor=perdu)


def _deux_fois(tmp_path: Path) -> None:
    convention = convgen.charger(donnees_valides())
    convgen.generer_docx(convention, tmp_path / "c.docx")
    convgen.generer_docx(convention, tmp_path / "c.docx")


def _meme_document(tmp_path: Path) -> None:
    # generer et le lot la rapportent pour l'entrée en cause sans s'arrêter : provoquée ici à sa source.
    from convgen.production import NomsReserves

    noms = NomsReserves()
    noms.reserver(tmp_path / "convention_2009_bretagne.docx", "bretagne.yaml")
    noms.reserver(tmp_path / "convention_2009_bretagne.docx", "copie_de_bretagne.yaml")


def _sortie_fichier(tmp_path: Path) -> None:
    (tmp_path / "fichier").write_text("x", encoding="utf-8")
    convgen.generer_lot([], tmp_path / "fichier")


def _soffice_absent(tmp_path: Path) -> None:
    os.environ["CONVGEN_SOFFICE"] = str(tmp_path / "absent" / "soffice")
    try:
        convgen.generer_pdf(convgen.charger(donnees_valides()), tmp_path / "c.pdf")
    finally:
        del os.environ["CONVGEN_SOFFICE"]


PROVOCATIONS: dict[str, Callable[[Path], object]] = {
    "FichierIllisible": lambda tmp: convgen.charger(tmp / "absent.yaml"),
    "DonneesInvalides": lambda tmp: convgen.charger({"annee": "deux mille neuf"}),
    "ErreurDonnees": lambda tmp: convgen.charger({}),
    "GabaritInvalide": lambda tmp: convgen.generer_docx(
        convgen.charger(donnees_valides()), tmp / "c.docx", gabarit=_gabarit(tmp, "{{ inconnue }}")
    ),
    "RenduImpossible": lambda tmp: convgen.generer_docx(
        convgen.charger(donnees_valides()),
        tmp / "c.docx",
        gabarit=_gabarit(tmp, '{% set k = "inexistante" %}{{ convention[k] }}'),
    ),
    "ErreurGabarit": lambda tmp: convgen.generer_docx(
        convgen.charger(donnees_valides()), tmp / "c.docx", gabarit=tmp / "absent.docx"
    ),
    "LibreOfficeAbsent": _soffice_absent,
    "LibreOfficeBloque": lambda tmp: convgen.ConvertisseurPdf(delai=0.01).en_pdf(
        convgen.generer_docx(convgen.charger(donnees_valides()), tmp / "c.docx") or tmp / "c.docx"
    ),
    "ConversionEchouee": lambda tmp: convgen.ConvertisseurPdf(soffice="soffice").en_pdf(b"pas un document Word"),
    "ErreurPdf": lambda tmp: convgen.ConvertisseurPdf(soffice="soffice").en_pdf(b"PK\x03\x04"),
    "FichierExistant": _deux_fois,
    "NomDejaPris": _meme_document,
    "ErreurSortie": _sortie_fichier,
    "ErreurLot": _lot_perdu,
    "ErreurConvgen": lambda tmp: convgen.charger(tmp),
}


def test_chaque_exception_provoquee() -> None:
    assert set(PROVOCATIONS) == set(ARBRE)


@pytest.mark.parametrize("nom", sorted(PROVOCATIONS))
def test_exception_levee_par_l_api(request: pytest.FixtureRequest, tmp_path: Path, nom: str) -> None:
    if nom == "LibreOfficeBloque":
        request.getfixturevalue("outils")  # un vrai LibreOffice, arrêté faute de réponse à temps
    attendue = getattr(convgen, nom)
    with pytest.raises(attendue) as exc:
        PROVOCATIONS[nom](tmp_path)
    parent = ARBRE[nom]
    assert parent is None or isinstance(exc.value, getattr(convgen, parent))
    assert isinstance(exc.value, convgen.ErreurConvgen)
    assert str(exc.value) and "Traceback" not in str(exc.value)
