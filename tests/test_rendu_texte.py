"""Le texte de la convention rendue : visas, typographie, listes imbriquées, clauses qui suivent les données.

Chaque cas est un vrai document : données d'exemple modifiées → contexte → gabarit livré → .docx relu par
python-docx (texte des paragraphes, styles, runs en exposant). Le contrôle des règles n'est pas en cause ici
(voir ``test_regles``) : certaines variantes (un million un euros…) ne seraient pas valides.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from docx.document import Document as DocumentWord
from docx.text.paragraph import Paragraph
from docx_texte import SUPPRIMER, convention_exemple, ouvrir, paragraphes_bruts, tableau_apres, tableaux_annexe

from convgen.contexte import construire_contexte
from convgen.gabarit.rendu import rendre_docx
from convgen.regles import valider

BLANC = "\u2026" * 6
MOIS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
VERSEMENT_UNIQUE = [{"date": dt.date(2009, 4, 1), "montant": 172000}]
ACTIONS_IMBRIQUEES = [
    {"numero": n, "methode": "M.", "echeancier": "E.", "indicateurs": ["I"], "financements": [
        {"financeur": "etat", "montant": 1000}]} for n in (1, 6, 13, 14)
]  # fmt: skip

VARIANTES: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
    "auvergne": ("auvergne", {}, {}),
    "bretagne": ("bretagne", {}, {}),
    "bretagne-projet": ("bretagne", {}, {"projet": True}),
    "unique": ("bretagne", {"versements": VERSEMENT_UNIQUE}, {}),
    "ratio": ("auvergne", {"afficher_ratio": True}, {}),
    "sans-arrete": ("bretagne", {"etat.delegataire.arrete": SUPPRIMER}, {}),
    "sans-delegataire": ("bretagne", {"etat.delegataire": SUPPRIMER}, {}),
    "2012": ("bretagne", {"annee": 2012, "signature.date": dt.date(2012, 3, 2)}, {}),
    "million-un": ("bretagne", {"actions[0].financements[0].montant": 870001}, {}),
    "un-euro": ("bretagne", {"actions": [{**ACTIONS_IMBRIQUEES[0], "financements": [
        {"financeur": "etat", "montant": 1}]}]}, {}),
    "imbriquees": ("bretagne", {"actions": ACTIONS_IMBRIQUEES}, {}),
    "sans-indicateur": ("bretagne", {"actions": [{**ACTIONS_IMBRIQUEES[0], "indicateurs": []}]}, {}),
}  # fmt: skip


@pytest.fixture(scope="module")
def documents() -> dict[str, DocumentWord]:
    """Chaque variante rendue avec le gabarit livré, puis rouverte."""
    return {
        nom: ouvrir(rendre_docx(construire_contexte(convention_exemple(exemple, changements), **options)))
        for nom, (exemple, changements, options) in VARIANTES.items()
    }


def _paragraphes(doc: DocumentWord) -> list[str]:
    return paragraphes_bruts(doc)


def _texte(doc: DocumentWord) -> str:
    return "\n".join(paragraphes_bruts(doc))


# --- 1. Visas ----------------------------------------------------------------------------------

VISAS_FIXES_DEBUT = [
    "Vu la loi organique n°\xa02001-692 du 1er\xa0août\xa02001 relative aux lois de finances\xa0;",
]
VISAS_FIXES_SUITE = [
    "Vu le code du travail, notamment ses articles L.\xa05314-1 à L.\xa05314-4\xa0;",
    "Vu la loi n°\xa02000-321 du 12\xa0avril\xa02000 relative aux droits des citoyens dans leurs relations avec les "
    "administrations, notamment son article 10\xa0;",
    "Vu le décret n°\xa02001-495 du 6\xa0juin\xa02001 pris pour l’application de l’article 10 de la loi "
    "n°\xa02000-321 du 12\xa0avril\xa02000 et relatif à la transparence financière des aides octroyées par les "
    "personnes publiques\xa0;",
    "Vu l’arrêté du 11\xa0octobre\xa02006 relatif au compte rendu financier prévu par l’article 10 de la loi "
    "n°\xa02000-321 du 12\xa0avril\xa02000\xa0;",
    "Vu le protocole 2005 des missions locales du 10\xa0mai\xa02005\xa0;",
    "Vu la circulaire DGEFP n°\xa02007-26 du 12\xa0octobre\xa02007 relative au financement des missions locales "
    "et PAIO\xa0;",
    "Vu la circulaire DGEFP n°\xa02008-15 du 29\xa0septembre\xa02008 relative au financement des structures "
    "chargées du programme régional d’animation des missions locales\xa0;",
]
LOI_2009 = "Vu la loi n°\xa02008-1425 du 27\xa0décembre\xa02008 de finances pour 2009\xa0;"


@pytest.mark.parametrize(
    ("variante", "loi", "delegation"),
    [
        ("bretagne", LOI_2009, ["Vu l’arrêté préfectoral n°\xa009-0012 du 12\xa0janvier\xa02009 portant délégation "
                                "de signature à M.\xa0Yves Le Goff\xa0;"]),
        ("sans-arrete", LOI_2009, [f"Vu l’arrêté préfectoral n°\xa0{BLANC} du {BLANC} portant délégation de "
                                   "signature à M.\xa0Yves Le Goff\xa0;"]),
        ("sans-delegataire", LOI_2009, []),
        ("2012", f"Vu la loi n°\xa0{BLANC} du {BLANC} de finances pour 2012\xa0;",
         ["Vu l’arrêté préfectoral n°\xa009-0012 du 12\xa0janvier\xa02009 portant délégation de signature à "
          "M.\xa0Yves Le Goff\xa0;"]),
    ],
)  # fmt: skip
def test_visas_avant_entre(documents: dict[str, DocumentWord], variante: str, loi: str, delegation: list[str]) -> None:
    paragraphes = _paragraphes(documents[variante])
    visas = paragraphes[paragraphes.index(VISAS_FIXES_DEBUT[0]) : paragraphes.index("ENTRE")]
    assert visas == [*VISAS_FIXES_DEBUT, loi, *VISAS_FIXES_SUITE, *delegation]


def test_visas_de_la_region_en_dernier(documents: dict[str, DocumentWord]) -> None:
    paragraphes = _paragraphes(documents["auvergne"])
    avant_entre = paragraphes[: paragraphes.index("ENTRE")]
    assert avant_entre[-2:] == [
        "Vu l’arrêté préfectoral n°\xa02009-01-015 du 5\xa0janvier\xa02009 portant délégation de signature à "
        "Mme\xa0Claire Martin\xa0;",
        "Vu la délibération n°\xa0CP-09-0123 de la commission permanente du conseil régional d’Auvergne du "
        "16\xa0février\xa02009\xa0;",
    ]


@pytest.mark.parametrize(
    ("variante", "codes"),
    [("bretagne", set()), ("sans-arrete", {"delegation-sans-arrete"}), ("sans-delegataire", set()),
     ("2012", {"visa-a-completer"})],
)  # fmt: skip
def test_alertes_des_visas(variante: str, codes: set[str]) -> None:
    exemple, changements, _ = VARIANTES[variante]
    constats = valider(convention_exemple(exemple, changements))
    trouves = {
        (c.code, c.gravite.value, c.chemin)
        for c in constats
        if c.code in {"visa-a-completer", "delegation-sans-arrete"}
    }
    chemins = {"visa-a-completer": "annee", "delegation-sans-arrete": "etat.delegataire"}
    assert trouves == {(code, "alerte", chemins[code]) for code in codes}


# --- 2. Typographie ----------------------------------------------------------------------------


@pytest.mark.parametrize("variante", ["auvergne", "bretagne", "bretagne-projet", "unique", "ratio"])
def test_typographie_du_document(documents: dict[str, DocumentWord], variante: str) -> None:
    """Ni date ni montant coupable en fin de ligne, apostrophe ’, capitales accentuées (données en ’)."""
    texte = _texte(documents[variante])
    dates = re.findall(rf"\b(?:\d{{1,2}}|1er)[ \xa0](?:{MOIS})[ \xa0]\d{{4}}\b", texte)
    assert dates and all(" " not in date for date in dates)
    assert not re.findall(r"\d[ \u202f]€|\d \d{3}\b|\bn° |\bArticle \d", texte)
    # Ponctuation du texte écrit par convgen (hors tableaux, où figurent les textes saisis, pris tels quels).
    corps = "\n".join(p.text for p in documents[variante].paragraphs)
    assert not re.findall(r" [:;?!%»]|« ", corps)
    assert "'" not in texte
    assert not re.findall(r"\b(?:ETAT|ECHEANCIER|Echeancier|ECHANGE|GERER|CONNAITRE)\b", texte)


def _runs(paragraphe: Paragraph) -> list[tuple[str, bool]]:
    return [(r.text, bool(r.font.superscript)) for r in paragraphe.runs]


def test_exposant_de_1er(documents: dict[str, DocumentWord]) -> None:
    """« er » de « 1er » est un run en exposant (w:vertAlign) : titres, dates fixes et dates des données."""
    doc = documents["auvergne"]
    article_1 = next(p for p in doc.paragraphs if p.text.startswith("Article\xa01er"))
    assert _runs(article_1) == [("Article\xa01", False), ("er", True), ("\xa0– Objet", False)]
    periode = next(p for p in doc.paragraphs if p.text.startswith("La présente convention est conclue"))
    assert [t for t, haut in _runs(periode) if haut] == ["er"]
    assert "".join(t for t, _ in _runs(periode)).endswith("du 1er\xa0janvier\xa02009 au 31\xa0décembre\xa02009.")
    cellule = tableau_apres(doc, "Les parties conviennent").rows[1].cells[0]
    assert _runs(cellule.paragraphs[0]) == [("1", False), ("er", True), ("\xa0avril\xa02009", False)]
    exposants = [r for p in doc.paragraphs for r in p.runs if r.font.superscript]
    assert exposants and all(r.text in {"er", "re"} for r in exposants)
    xml = doc.element.xml
    assert xml.count('<w:vertAlign w:val="superscript"/>') >= 8


@pytest.mark.parametrize(
    ("variante", "phrase"),
    [
        ("million-un", "L’État contribue financièrement à ce programme pour un montant d’un million un euros "
                       "(1\u202f000\u202f001,00\xa0€) au titre de l’année 2009."),
        ("un-euro", "L’État contribue financièrement à ce programme pour un montant d’un euro (1,00\xa0€) au titre "
                    "de l’année 2009."),
        ("bretagne", "L’État contribue financièrement à ce programme pour un montant de cent soixante-douze mille "
                     "euros (172\u202f000,00\xa0€) au titre de l’année 2009."),
    ],
)  # fmt: skip
def test_elision_des_montants(documents: dict[str, DocumentWord], variante: str, phrase: str) -> None:
    assert any(p.startswith(phrase) for p in _paragraphes(documents[variante]))


# --- 3. Listes imbriquées de l'annexe-type ----------------------------------------------------------


def _cellule(doc: DocumentWord, numero: str, colonne: int) -> list[tuple[str, str]]:
    for tableau in tableaux_annexe(doc):
        for ligne in tableau.rows[1:-1]:
            if ligne.cells[0].text == numero:
                return [(p.text, p.style.name if p.style else "") for p in ligne.cells[colonne].paragraphs]
    raise AssertionError(f"action {numero} absente")


PUCE, SOUS_PUCE = "Puce tableau", "Sous-puce tableau"


@pytest.mark.parametrize(
    ("numero", "colonne", "attendu"),
    [
        ("1", 2, [("Aider à la maîtrise des contenus des CPO", PUCE),
                  ("Améliorer la compréhension des logiques de conventionnement par objectifs", SOUS_PUCE),
                  ("Améliorer l’atteinte des objectifs, notamment sur l’accès à l’emploi", SOUS_PUCE),
                  ("Aider au conventionnement FSE", PUCE)]),
        ("13", 3, [("Participation au comité de pilotage régional pour\xa0:", PUCE),
                   ("le suivi du partenariat et des moyens mis en œuvre", SOUS_PUCE),
                   ("la veille sur l’atteinte des objectifs", SOUS_PUCE),
                   ("le fonctionnement des plates-formes de vocation", SOUS_PUCE),
                   ("l’interconnexion P3/DUDE", SOUS_PUCE)]),
        ("14", 3, [("Recenser les besoins de formation non couverts et les faire connaître", PUCE),
                   ("Renforcer le partenariat avec\xa0:", PUCE),
                   ("Le conseil régional", SOUS_PUCE),
                   ("Les autres collectivités publiques finançant des formations", SOUS_PUCE),
                   ("Les organismes de formation", SOUS_PUCE)]),
    ],
)  # fmt: skip
def test_listes_imbriquees(
    documents: dict[str, DocumentWord], numero: str, colonne: int, attendu: list[tuple[str, str]]
) -> None:
    assert _cellule(documents["imbriquees"], numero, colonne) == attendu


def test_intitules_des_objectifs(documents: dict[str, DocumentWord]) -> None:
    titres = [p for p in _paragraphes(documents["imbriquees"]) if p.startswith("Objectif ")]
    assert titres == [
        "Objectif 1 – CONTRIBUER AU DÉVELOPPEMENT DES COMPÉTENCES ET À LA PROFESSIONNALISATION DES ML-PAIO",
        "Objectif 3 – FAIRE CONNAÎTRE ET VALORISER l’action des missions locales de la région",
        "Objectif 6 – CONTRIBUER à la constitution de partenariats régionaux",
    ]


@pytest.mark.parametrize(
    ("variante", "attendu"),
    [("imbriquees", ["M.", "Indicateurs\xa0:", "I"]), ("sans-indicateur", ["M."])],
)
def test_indicateurs_seulement_s_il_y_en_a(
    documents: dict[str, DocumentWord], variante: str, attendu: list[str]
) -> None:
    assert [texte for texte, _ in _cellule(documents[variante], "1", 4)] == attendu


# --- 4. et 5. Clauses qui suivent les données -------------------------------------------------------

DEUX_FOIS = (
    "Les parties conviennent que la contribution de l’État est versée en deux fois\xa0: une avance de 80\xa0% à la "
    "signature de la présente convention, puis le solde de 20\xa0%, selon l’échéancier suivant\xa0:"
)
UNE_FOIS = (
    "Les parties conviennent que la contribution de l’État est versée en une seule fois, selon l’échéancier "
    "suivant\xa0:"
)


@pytest.mark.parametrize(
    ("variante", "annonce", "lignes"),
    [
        ("bretagne", DEUX_FOIS, [["2\xa0mars\xa02009", "137\u202f600,00\xa0€", "avance de 80\xa0% à la signature"],
                                 ["1er\xa0octobre\xa02009", "34\u202f400,00\xa0€", "solde de 20\xa0%"]]),
        ("bretagne-projet", DEUX_FOIS, [["à la signature", "137\u202f600,00\xa0€", "avance de 80\xa0%"],
                                        ["1er\xa0octobre\xa02009", "34\u202f400,00\xa0€", "solde de 20\xa0%"]]),
        ("unique", UNE_FOIS, [["1er\xa0avril\xa02009", "172\u202f000,00\xa0€", "versement unique"]]),
    ],
)  # fmt: skip
def test_echeancier(documents: dict[str, DocumentWord], variante: str, annonce: str, lignes: list[list[str]]) -> None:
    doc = documents[variante]
    assert annonce in _paragraphes(doc)
    _, *versements, _ = tableau_apres(doc, "Les parties conviennent").rows
    assert [[c.text for c in r.cells] for r in versements] == lignes
    assert not [p for p in _paragraphes(doc) if "faute d" in p.lower()]


@pytest.mark.parametrize(("variante", "present"), [("ratio", True), ("auvergne", False)])
def test_ratio_a_l_article_3_sur_demande(documents: dict[str, DocumentWord], variante: str, present: bool) -> None:
    phrase = (
        "Ce coût représente 2,89\xa0% du budget global des missions locales d’Auvergne, qui s’élève à "
        "3\u202f500\u202f000,00\xa0€."
    )
    assert (phrase in _paragraphes(documents[variante])) is present
    synthese = "Le coût total du programme représente 2,89\xa0% du budget global des missions locales d’Auvergne"
    assert any(p.startswith(synthese) for p in _paragraphes(documents[variante]))
