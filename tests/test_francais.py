"""Tests de convgen.francais : tables entrée -> chaîne exacte, propriétés, doctests."""

from __future__ import annotations

import datetime
import doctest
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import convgen.francais
from convgen.francais import (
    accorder,
    date_longue,
    euros,
    euros_en_lettres,
    guillemets,
    habilite,
    iban_affiche,
    le_prefet,
    le_president,
    nom_complet,
    nombre_en_lettres,
    ordinal,
    pourcentage,
    represente,
    siret_affiche,
)


def test_doctests() -> None:
    resultat = doctest.testmod(convgen.francais)
    assert resultat.failed == 0
    assert resultat.attempted > 20


@pytest.mark.parametrize(
    ("d", "attendu"),
    [
        (datetime.date(2009, 3, 1), "1er\xa0mars\xa02009"),
        (datetime.date(2009, 3, 2), "2\xa0mars\xa02009"),
        (datetime.date(2009, 12, 31), "31\xa0décembre\xa02009"),
        (datetime.date(2009, 1, 1), "1er\xa0janvier\xa02009"),
        (datetime.date(2009, 2, 10), "10\xa0février\xa02009"),
        (datetime.date(2021, 8, 1), "1er\xa0août\xa02021"),
        (datetime.datetime(2009, 3, 1, 14, 30), "1er\xa0mars\xa02009"),
    ],
)
def test_date_longue(d: datetime.date, attendu: str) -> None:
    assert date_longue(d) == attendu


def test_date_longue_comme_babel() -> None:
    """Le format long de fr_FR, écrit par convgen, est celui de babel (CLDR), jour par jour sur plusieurs années."""
    from babel.dates import format_date

    debut = datetime.date(2007, 1, 1)
    for decalage in range(366 * 4):
        jour = debut + datetime.timedelta(days=decalage)
        attendu = format_date(jour, format="long", locale="fr_FR").replace(" ", "\xa0")
        if jour.day == 1:
            attendu = "1er" + attendu[1:]
        assert date_longue(jour) == attendu


@pytest.mark.parametrize(
    ("n", "feminin", "attendu"),
    [
        (1, False, "1er"),
        (1, True, "1re"),
        (2, False, "2e"),
        (3, True, "3e"),
        (16, False, "16e"),
        (21, False, "21e"),
    ],
)
def test_ordinal(n: int, feminin: bool, attendu: str) -> None:
    assert ordinal(n, feminin) == attendu


@pytest.mark.parametrize("n", [0, -1])
def test_ordinal_refuse(n: int) -> None:
    with pytest.raises(ValueError):
        ordinal(n)


@pytest.mark.parametrize(
    ("montant", "attendu"),
    [
        ("45000.5", "45\u202f000,50\xa0€"),
        ("45000", "45\u202f000,00\xa0€"),
        ("0", "0,00\xa0€"),
        ("0.00", "0,00\xa0€"),
        ("1000000", "1\u202f000\u202f000,00\xa0€"),
        ("1000", "1\u202f000,00\xa0€"),
        ("999.99", "999,99\xa0€"),
        ("23000", "23\u202f000,00\xa0€"),
        ("-12", "-12,00\xa0€"),
        ("-1234.5", "-1\u202f234,50\xa0€"),
        ("0.125", "0,13\xa0€"),  # demi supérieur, pas au pair
        ("0.135", "0,14\xa0€"),
        ("2.5E+3", "2\u202f500,00\xa0€"),
        ("-0.001", "0,00\xa0€"),  # pas de « -0,00 »
        ("-0.005", "-0,01\xa0€"),
    ],
)
def test_euros(montant: str, attendu: str) -> None:
    assert euros(Decimal(montant)) == attendu


@pytest.mark.parametrize("valeur", [0.5, 45000.0, 12, "12"])
def test_euros_refuse_non_decimal(valeur: object) -> None:
    with pytest.raises(TypeError):
        euros(valeur)  # type: ignore[arg-type]


@pytest.mark.parametrize("valeur", ["NaN", "Infinity", "-Infinity"])
def test_euros_refuse_non_fini(valeur: str) -> None:
    with pytest.raises(ValueError):
        euros(Decimal(valeur))


@pytest.mark.parametrize(
    ("montant", "attendu"),
    [
        ("1", "un euro"),
        ("2", "deux euros"),
        ("0", "zéro euro"),
        ("45000", "quarante-cinq mille euros"),
        ("75000.50", "soixante-quinze mille euros et cinquante centimes"),
        ("1234.50", "mille deux cent trente-quatre euros et cinquante centimes"),
        ("1000000", "un million d’euros"),
        ("2000000", "deux millions d’euros"),
        ("1000000000", "un milliard d’euros"),
        ("2000000000", "deux milliards d’euros"),
        ("1200000", "un million deux cent mille euros"),
        ("1000001", "un million un euros"),
        ("80", "quatre-vingts euros"),
        ("80000", "quatre-vingt mille euros"),
        ("200", "deux cents euros"),
        ("200000", "deux cent mille euros"),
        ("21", "vingt et un euros"),
        ("1.01", "un euro et un centime"),
        ("1.5", "un euro et cinquante centimes"),
        ("0.50", "cinquante centimes"),
        ("0.01", "un centime"),
        ("0.80", "quatre-vingts centimes"),
        ("1000000.21", "un million d’euros et vingt et un centimes"),
        ("23000.00", "vingt-trois mille euros"),
        ("0.005", "un centime"),  # arrondi au demi supérieur
    ],
)
def test_euros_en_lettres(montant: str, attendu: str) -> None:
    assert euros_en_lettres(Decimal(montant)) == attendu


@pytest.mark.parametrize("montant", ["-1", "-0.01", "-1000000"])
def test_euros_en_lettres_refuse_negatif(montant: str) -> None:
    with pytest.raises(ValueError):
        euros_en_lettres(Decimal(montant))


def test_euros_en_lettres_refuse_float() -> None:
    with pytest.raises(TypeError):
        euros_en_lettres(12.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("ratio", "decimales", "attendu"),
    [
        ("0.05", 2, "5,00\xa0%"),
        ("0.035", 1, "3,5\xa0%"),
        ("0.035", 0, "4\xa0%"),
        ("0.025", 0, "3\xa0%"),  # babel donnerait 2 (au pair)
        ("0.02", 2, "2,00\xa0%"),
        ("0.04", 0, "4\xa0%"),
        ("0.12345", 2, "12,35\xa0%"),
        ("1", 2, "100,00\xa0%"),
        ("0", 1, "0,0\xa0%"),
        ("15", 0, "1\u202f500\xa0%"),
    ],
)
def test_pourcentage(ratio: str, decimales: int, attendu: str) -> None:
    assert pourcentage(Decimal(ratio), decimales) == attendu


def test_pourcentage_defaut_deux_decimales() -> None:
    assert pourcentage(Decimal("0.035")) == "3,50\xa0%"


def test_pourcentage_refuse() -> None:
    with pytest.raises(TypeError):
        pourcentage(0.05)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        pourcentage(Decimal("0.05"), -1)


@pytest.mark.parametrize(
    ("n", "attendu"),
    [
        (2, "deux"),
        (3, "trois"),
        (0, "zéro"),
        (21, "vingt et un"),
        (71, "soixante et onze"),
        (80, "quatre-vingts"),
        (81, "quatre-vingt-un"),
        (1100, "mille cent"),
    ],
)
def test_nombre_en_lettres(n: int, attendu: str) -> None:
    assert nombre_en_lettres(n) == attendu


@pytest.mark.parametrize(
    ("civilite", "attendu"),
    [("M.", "masc"), ("Mme", "fém"), (" Mme ", "fém")],
)
def test_accorder(civilite: str, attendu: str) -> None:
    assert accorder(civilite, "masc", "fém") == attendu


@pytest.mark.parametrize("civilite", ["Mlle", "M", "Mme.", "Monsieur", "", "mme"])
def test_accorder_refuse(civilite: str) -> None:
    with pytest.raises(ValueError, match="civilité inconnue"):
        accorder(civilite, "masc", "fém")


@pytest.mark.parametrize(
    ("fonction", "masculin", "feminin"),
    [
        (le_prefet, "le préfet", "la préfète"),
        (le_president, "le président", "la présidente"),
        (represente, "représenté", "représentée"),
        (habilite, "habilité", "habilitée"),
    ],
)
def test_titres_accordes(fonction: object, masculin: str, feminin: str) -> None:
    assert callable(fonction)
    assert fonction("M.") == masculin
    assert fonction("Mme") == feminin
    with pytest.raises(ValueError):
        fonction("Dr")


@pytest.mark.parametrize(
    ("civilite", "prenom", "nom", "attendu"),
    [
        ("M.", "Dominique", "Schmitt", "M.\xa0Dominique Schmitt"),
        ("Mme", "Claire", "Martin", "Mme\xa0Claire Martin"),
        ("Mme", " Claire ", " Martin ", "Mme\xa0Claire Martin"),
        ("M.", "", "Schmitt", "M.\xa0Schmitt"),
    ],
)
def test_nom_complet(civilite: str, prenom: str, nom: str, attendu: str) -> None:
    assert nom_complet(civilite, prenom, nom) == attendu


def test_nom_complet_refuse() -> None:
    with pytest.raises(ValueError):
        nom_complet("Mlle", "Claire", "Martin")


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [
        ("l'État", "«\xa0l'État\xa0»"),
        ("  convention  ", "«\xa0convention\xa0»"),
    ],
)
def test_guillemets(texte: str, attendu: str) -> None:
    assert guillemets(texte) == attendu


@pytest.mark.parametrize(
    ("siret", "attendu"),
    [
        ("73282932000074", "732\xa0829\xa0320\xa000074"),
        ("732 829 320 00074", "732\xa0829\xa0320\xa000074"),
        ("732\xa0829\u202f320 00074", "732\xa0829\xa0320\xa000074"),
    ],
)
def test_siret_affiche(siret: str, attendu: str) -> None:
    assert siret_affiche(siret) == attendu


@pytest.mark.parametrize(
    "siret", ["7328293200007", "732829320000745", "", "73282932O00074", "７３２８２９３２０００７４"]
)
def test_siret_affiche_refuse(siret: str) -> None:
    with pytest.raises(ValueError):
        siret_affiche(siret)


@pytest.mark.parametrize(
    ("iban", "attendu"),
    [
        (
            "FR7630006000011234567890189",
            "FR76\xa03000\xa06000\xa00112\xa03456\xa07890\xa0189",
        ),
        (
            "fr76 3000 6000 0112 3456 7890 189",
            "FR76\xa03000\xa06000\xa00112\xa03456\xa07890\xa0189",
        ),
        ("DE89370400440532013000", "DE89\xa03704\xa00044\xa00532\xa00130\xa000"),
    ],
)
def test_iban_affiche(iban: str, attendu: str) -> None:
    assert iban_affiche(iban) == attendu


@pytest.mark.parametrize("iban", ["", "FR76", "FR76-3000-6000-0112-3456-7890-189", "X" * 35])
def test_iban_affiche_refuse(iban: str) -> None:
    with pytest.raises(ValueError):
        iban_affiche(iban)


montants = st.decimals(
    min_value=Decimal(0),
    max_value=Decimal(10) ** 10,
    places=2,
    allow_nan=False,
    allow_infinity=False,
)


@given(montants)
def test_propriete_euros_en_lettres(montant: Decimal) -> None:
    texte = euros_en_lettres(montant)
    assert "zéro centime" not in texte
    assert texte.endswith(("euro", "euros", "d’euros", "centime", "centimes"))
    assert "  " not in texte and texte == texte.strip()


@given(montants)
def test_propriete_euros_aller_retour(montant: Decimal) -> None:
    texte = euros(montant)
    assert texte.endswith("\xa0€")
    relu = texte.removesuffix("\xa0€").replace("\u202f", "").replace(",", ".")
    assert Decimal(relu) == montant
    assert " " not in texte


def test_nombre_en_lettres_comme_num2words() -> None:
    """Notre écriture des cardinaux est celle de num2words (orthographe traditionnelle), en dix fois plus rapide :
    tous les nombres jusqu’à 1 000, des tranches délicates (80, 200, 280, 999 mille), puis des tirages jusqu'à 10^21."""
    import random

    from num2words import num2words

    from convgen.francais import nombre_en_lettres

    tirage = random.Random(2009)
    nombres = [*range(1_001), *(m * 1000 + r for m in (1, 80, 200, 280, 999) for r in range(0, 1000, 7))]
    nombres += [tirage.randrange(10**k) for k in range(4, 22) for _ in range(30)]
    ecarts = [(n, nombre_en_lettres(n), num2words(n, lang="fr")) for n in nombres]
    assert [e for e in ecarts if e[1] != e[2]] == []
