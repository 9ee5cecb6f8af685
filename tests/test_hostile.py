"""Entrées hostiles à travers toute la chaîne : modèle → contexte → .docx.

Propriété vérifiée : toute chaîne saisie se retrouve exactement dans le texte du
document produit (à la normalisation des fins de ligne près), ou bien elle est refusée
avec ``texte-invalide`` (ou ``champ-vide``) au bon champ. Rien n'est perdu en silence.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from conftest import donnees_valides
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from convgen.chargement import depuis_donnees
from convgen.contexte import construire_contexte
from convgen.erreurs import DonneesInvalides
from convgen.gabarit.rendu import charger_gabarit

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# Ce que les gens collent depuis un tableur ou un courriel, et pire.
MORCEAUX = [
    "&", "<", ">", '"', "'", "« ", " »", "&amp;", "<w:t>", "]]>", "{{ x }}", "{% if %}",
    "😀", "🇫🇷", "e\u0301", "\u200f", "שלום", "مرحبا", "\n", "\t", "\r\n", "\x0b", "\x00", "\x85",
    "\ufeff", "\u202f", "\xa0", "Ω", "ß", "İ",
]  # fmt: skip
TEXTES = st.lists(st.one_of(st.sampled_from(MORCEAUX), st.text(max_size=20)), max_size=12).map("".join)

CHAMPS = {
    "structure.nom": lambda d, v: d["structure"].__setitem__("nom", v),
    "actions[0].methode": lambda d, v: d["actions"][0].__setitem__("methode", v),
    "actions[0].indicateurs[0]": lambda d, v: d["actions"][0].__setitem__("indicateurs", [v]),
    "actions[0].financements[1].financeur": lambda d, v: d["actions"][0]["financements"][1].__setitem__("financeur", v),
}


def texte_du_document(octets: bytes) -> str:
    """Texte du corps : sauts de ligne Word → ``\\n``, tabulations → ``\\t``, un paragraphe par ligne."""
    with zipfile.ZipFile(io.BytesIO(octets)) as archive:
        racine = etree.fromstring(archive.read("word/document.xml"))
    paragraphes = []
    for paragraphe in racine.iter(f"{W}p"):
        morceaux = []
        for element in paragraphe.iter(f"{W}t", f"{W}br", f"{W}tab"):
            if element.tag == f"{W}t":
                morceaux.append(element.text or "")
            else:
                morceaux.append("\n" if element.tag == f"{W}br" else "\t")
        paragraphes.append("".join(morceaux))
    return "\n".join(paragraphes)


def produire(champ: str, valeur: str) -> str | DonneesInvalides:
    donnees = donnees_valides()
    CHAMPS[champ](donnees, valeur)
    try:
        convention = depuis_donnees(donnees)
    except DonneesInvalides as exc:
        return exc
    return texte_du_document(charger_gabarit().rendre(construire_contexte(convention)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(champ=st.sampled_from(sorted(CHAMPS)), valeur=TEXTES)
def test_tout_texte_est_garde_ou_refuse(champ: str, valeur: str) -> None:
    resultat = produire(champ, valeur)
    if isinstance(resultat, DonneesInvalides):
        assert {(c.code, c.chemin) for c in resultat.constats} <= {
            ("texte-invalide", champ),
            ("champ-vide", champ),
        }, resultat.constats
    else:
        attendu = valeur.replace("\r\n", "\n").replace("\r", "\n")
        assert attendu in resultat


@pytest.mark.parametrize(
    ("valeur", "code"),
    [
        ("Tableur\x0bcollé", "texte-invalide"),
        ("nul\x00", "texte-invalide"),
        ("C1 \x85 mal décodé", "texte-invalide"),
        ("   ", "champ-vide"),
        ("x" * 20_001, "texte-invalide"),
    ],
    ids=["tabulation-verticale", "nul", "c1", "blanc", "trop-long"],
)
def test_texte_refuse_au_bon_champ(valeur: str, code: str) -> None:
    resultat = produire("actions[0].methode", valeur)
    assert isinstance(resultat, DonneesInvalides)
    assert [(c.code, c.chemin) for c in resultat.constats] == [(code, "actions[0].methode")]


@pytest.mark.parametrize(
    "valeur",
    [
        "A & B <c> \"d\" 'e' « f »",
        "é" * 10_000,
        "ligne 1\nligne 2\n\tretrait",
        "שלום مرحبا 😀 e\u0301",
        "{{ structure.siret }} {% raw %}",
    ],
    ids=["echappement", "dix-mille", "lignes", "rtl-emoji", "balises"],
)
def test_texte_garde_exactement(valeur: str) -> None:
    texte = produire("actions[0].methode", valeur)
    assert isinstance(texte, str)
    assert valeur in texte


def test_saut_de_ligne_devient_saut_word() -> None:
    donnees = donnees_valides()
    donnees["actions"][0]["methode"] = "première ligne\nseconde ligne"
    octets = charger_gabarit().rendre(construire_contexte(depuis_donnees(donnees)))
    with zipfile.ZipFile(io.BytesIO(octets)) as archive:
        xml = archive.read("word/document.xml").decode()
    assert 'première ligne</w:t><w:br/><w:t xml:space="preserve">seconde ligne' in xml
