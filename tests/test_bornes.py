"""Tests de convgen.gabarit.bornes : gabarits qui tourneraient sans fin ou épuiseraient la mémoire.

Chaque gabarit passe la vérification (ce n'est pas elle qui l'arrête) ; c'est le rendu qui s'interrompt
avec une erreur française nommant le gabarit et la partie, dans l'API, dans ``generer`` et dans ``lot``.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import convgen
from docx import Document
from lot_aide import BRETAGNE

from convgen.chargement import charger
from convgen.contexte import construire_contexte
from convgen.erreurs import RenduImpossible
from convgen.gabarit import bornes
from convgen.gabarit.rendu import Gabarit
from convgen.gabarit.verification import verifier_gabarit

F = "\u202f"  # espace fine insécable, séparateur des milliers
IMBRIQUEES = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"


def _trop(quoi: str, taille: str) -> str:
    """« texte démesuré (6 000 000 caractères ou éléments ; au plus 5 000 000) », espaces fines comprises."""
    return f"{quoi} démesuré ({taille} caractères ou éléments ; au plus 5 000 000)".replace(" 000", F + "000")


PRETS = "le contexte donne des textes prêts"
# (identifiant, texte du gabarit, fin attendue du message)
ATTAQUES = [
    ("boucles-imbriquees", IMBRIQUEES, f"plus de 1{F}000{F}000 tours de boucle : rendu interrompu"),
    ("repetition", "{{ 'a' * 10**10 }}", _trop("texte ou liste répété", "10 000 000 000")),
    ("liste-repetee", "{{ [0] * 10**9 }}", _trop("texte ou liste répété", "1 000 000 000")),
    ("doublement", "{% set a = 'x' * 3000000 %}{% set b = a ~ a %}{{ b|length }}", _trop("texte", "6 000 000")),
    ("addition", "{% set a = 'x' * 3000000 %}{{ (a + a)|length }}", _trop("texte ou liste", "6 000 000")),
    ("puissance", "{{ 9 ** 999999999 }}", "puissance démesurée (exposant 999999999 ; au plus 256)"),
    ("range-geant", "{% for i in range(10**12) %}{% endfor %}", "plage « range » démesurée (au plus 100 000)"),
    ("center", "{{ 'x'.center(10**9) }}", "argument démesuré (1000000000) pour « center »"),
    ("replace", "{{ ('a' * 100000)|replace('a', 'a' * 100000) }}", _trop("texte remplacé", "10 000 000 000")),
    ("join", "{{ ([('a' * 1000000)] * 100)|join }}", _trop("texte joint", "100 000 000")),
    ("format", "{{ '{:>999999999}'.format(1) }}", f"mise en forme « format » d'un texte refusée : {PRETS}"),
    ("pourcent", "{{ '%999999999d' % 1 }}", f"mise en forme « % » d'un texte refusée : {PRETS}"),
    ("rendu-de-2-go", "{% for i in range(500) %}{{ 'x' * 4000000 }}{% endfor %}",
     "document rendu démesuré (plus de 100 millions de caractères)"),
    ("division-par-zero", "{{ 1 / 0 }}", "calcul impossible dans le gabarit (ZeroDivisionError : division by zero)"),
    ("types-melanges", "{{ 1 + 'a' }}",
     "calcul impossible dans le gabarit (TypeError : unsupported operand type(s) for +: 'int' and 'str')"),
    ("boucle-recursive", "{% for c in 'ab' recursive %}{{ loop(c) }}{% endfor %}",
     "récursion sans fin (boucle « recursive » ?)"),
]  # fmt: skip


def gabarit(texte: str) -> bytes:
    doc = Document()
    doc.add_paragraph("Convention {{ convention.annee }}")
    doc.add_paragraph(texte)
    tampon = io.BytesIO()
    doc.save(tampon)
    return tampon.getvalue()


@pytest.fixture(scope="module")
def contexte() -> Any:
    return construire_contexte(charger(BRETAGNE))


@pytest.mark.parametrize(("texte", "fin"), [a[1:] for a in ATTAQUES], ids=[a[0] for a in ATTAQUES])
def test_rendu_borne(contexte: Any, texte: str, fin: str) -> None:
    octets = gabarit(texte)
    assert verifier_gabarit(octets) == []  # la vérification laisse passer : c'est le rendu qui borne
    with pytest.raises(RenduImpossible) as exc:
        Gabarit(octets, nom="piege.docx").rendre(contexte)
    assert str(exc.value) == f"piege.docx : corps du document : {fin}"


def test_duree_bornee(contexte: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Peu de tours, mais chacun coûteux : c'est l'horloge qui arrête le rendu."""
    monkeypatch.setattr(bornes, "DUREE_MAX", 0.5)
    texte = "{% set a = 'x' * 5000000 %}{% for i in range(100000) %}{{ a.count('y') }}{% endfor %}"
    with pytest.raises(RenduImpossible) as exc:
        Gabarit(gabarit(texte), nom="lent.docx").rendre(contexte)
    assert (
        str(exc.value) == "lent.docx : corps du document : rendu interrompu après 0.5 s (boucles ou calculs démesurés)"
    )


@pytest.mark.parametrize(
    "texte",
    [
        "{% for i in range(3) %}{{ i }}{% endfor %}",
        "{{ 'ab' * 3 }} {{ 2 ** 8 }} {{ [1, 2] + [3] }} {{ 'a' ~ 'b' }}",
        "{{ ['a', 'b']|join(', ') }} {{ 'abc'|replace('b', 'x') }} {{ 'x'.center(5) }}",
    ],
    ids=["boucle", "operations", "filtres"],
)
def test_usage_ordinaire_intact(contexte: Any, texte: str) -> None:
    """Un gabarit raisonnable passe sans encombre ; le budget d'un document ne déborde pas sur le suivant."""
    modele = Gabarit(gabarit(texte))
    assert modele.rendre(contexte) == modele.rendre(contexte)


@pytest.fixture
def piege(tmp_path: Path) -> Path:
    chemin = tmp_path / "piege.docx"
    chemin.write_bytes(gabarit(IMBRIQUEES))
    return chemin


def test_generer_echoue_en_francais(tmp_path: Path, piege: Path) -> None:
    sortie = tmp_path / "sortie"
    resultat = convgen("generer", BRETAGNE, "--sortie", sortie, "--gabarit", piege, timeout=120)
    assert resultat.returncode == 1
    attendu = f"échec : {piege} : corps du document : plus de 1{F}000{F}000 tours de boucle : rendu interrompu"
    assert attendu in resultat.stderr
    assert not list(sortie.glob("*.docx"))


def test_lot_echoue_rapports_ecrits(tmp_path: Path, piege: Path) -> None:
    sortie = tmp_path / "sortie"
    resultat = convgen("lot", BRETAGNE, "--sortie", sortie, "--gabarit", piege, timeout=120)
    assert resultat.returncode == 1
    (ligne,) = json.loads((sortie / "rapport.json").read_text(encoding="utf-8"))["entrees"]
    assert ligne["statut"] == "échec"
    assert (
        ligne["message"]
        == f"{piege} : corps du document : plus de 1\u202f000\u202f000 tours de boucle : rendu interrompu"
    )
    assert (sortie / "synthese.csv").is_file() and not list(sortie.glob("*.docx"))
