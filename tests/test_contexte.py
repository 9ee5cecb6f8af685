"""Contexte du gabarit : les chaînes françaises exactes que reçoit le document, et le contrat des clés."""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from typing import Any

import pytest
from docx_texte import SUPPRIMER, convention_exemple, donnees_exemple
from typing_extensions import is_typeddict

from convgen.chargement import depuis_donnees
from convgen.contexte import BLANC, construire_contexte
from convgen.erreurs import DonneesInvalides
from convgen.schema_contexte import Contexte
from convgen.schemas import schema_contexte

CONTEXTES = {
    "auvergne": construire_contexte(convention_exemple("auvergne")),
    "bretagne": construire_contexte(convention_exemple("bretagne")),
    "auvergne-projet": construire_contexte(convention_exemple("auvergne"), projet=True),
    "bretagne-projet": construire_contexte(convention_exemple("bretagne"), projet=True),
}
VIDE = "\u2026" * 12
"""La date de signature d'un projet : une ligne de points de suspension."""


def valeur(contexte: Any, chemin: str) -> Any:
    """``valeur(ctx, "signataires.1.nom")`` : suit les clés et les indices séparés par des points."""
    for morceau in chemin.split("."):
        contexte = contexte[int(morceau)] if morceau.isdigit() else contexte[morceau]
    return contexte


# --- Chaînes exactes des deux exemples ----------------------------------------------------


CHAINES = [
    ("auvergne", "convention.periode", "du 1er\xa0janvier\xa02009 au 31\xa0décembre\xa02009"),
    ("auvergne", "convention.entete", "Convention n°\xa0DRTEFP-AUV-2009-007"),
    ("auvergne", "convention.objet", "programme régional d’animation des missions locales d’Auvergne"),
    ("bretagne", "convention.objet", "programme régional d’animation des missions locales de Bretagne"),
    ("auvergne", "convention.mention_projet", ""),
    ("auvergne", "signature.date", "1er\xa0mars\xa02009"),
    ("auvergne", "signature.mention",
     "Fait à Clermont-Ferrand, le 1er\xa0mars\xa02009, en trois exemplaires originaux."),
    ("bretagne", "signature.date", "2\xa0mars\xa02009"),
    ("bretagne", "signature.mention", "Fait à Rennes, le 2\xa0mars\xa02009, en deux exemplaires originaux."),
    ("auvergne", "montants.total", "101\u202f000,50\xa0€"),
    ("auvergne", "montants.total_lettres", "cent un mille euros et cinquante centimes"),
    ("auvergne", "montants.etat", "60\u202f000,50\xa0€"),
    ("auvergne", "montants.etat_lettres", "soixante mille euros et cinquante centimes"),
    ("auvergne", "montants.region", "38\u202f000,00\xa0€"),
    ("auvergne", "montants.region_lettres", "trente-huit mille euros"),
    ("auvergne", "montants.autres", "3\u202f000,00\xa0€"),
    ("auvergne", "montants.budget_missions_locales", "3\u202f500\u202f000,00\xa0€"),
    ("auvergne", "montants.ratio", "2,89\xa0%"),
    ("auvergne", "montants.seuil", "23\u202f000,00\xa0€"),
    ("bretagne", "montants.total", "190\u202f000,00\xa0€"),
    ("bretagne", "montants.total_lettres", "cent quatre-vingt-dix mille euros"),
    ("bretagne", "montants.etat_lettres", "cent soixante-douze mille euros"),
    ("bretagne", "montants.region", "0,00\xa0€"),
    ("bretagne", "montants.region_lettres", "zéro euro"),
    ("bretagne", "montants.ratio", "3,06\xa0%"),
    ("auvergne", "structure.siret", "443\xa0061\xa0841\xa000047"),
    ("auvergne", "structure.iban", "FR76\xa03000\xa06000\xa00112\xa03456\xa07890\xa0189"),
    ("auvergne", "etat.partie",
     "L’État, représenté par M.\xa0Dominique Schmitt, préfet de la région Auvergne, et par délégation par "
     "Mme\xa0Claire Martin, directrice régionale du travail, de l’emploi et de la formation professionnelle "
     "d’Auvergne, ci-après dénommé «\xa0l’État\xa0»,"),
    ("auvergne", "region.partie",
     "La Région Auvergne, représentée par M.\xa0René Souchon, président du conseil régional d’Auvergne, dûment "
     "habilité par délibération n°\xa0CP-09-0123 de la commission permanente du conseil régional d’Auvergne du "
     "16\xa0février\xa02009, ci-après dénommée «\xa0la Région\xa0»,"),
    ("auvergne", "structure.partie",
     "régie par la loi du 1er\xa0juillet\xa01901, dont le siège est situé 12, rue de l’Éclache, "
     "63000\xa0Clermont-Ferrand, immatriculée sous le numéro SIRET 443\xa0061\xa0841\xa000047, représentée "
     "par Mme\xa0Hélène Martin, sa présidente, ci-après dénommée «\xa0la structure\xa0»,"),
    ("bretagne", "etat.partie",
     "L’État, représenté par M.\xa0Jean Daubigny, préfet de la région Bretagne, et par délégation par "
     "M.\xa0Yves Le Goff, directeur régional du travail, de l’emploi et de la formation professionnelle de "
     "Bretagne, ci-après dénommé «\xa0l’État\xa0»,"),
    ("bretagne", "structure.partie",
     "régie par la loi du 1er\xa0juillet\xa01901, dont le siège est situé 3, place de la Gare, "
     "35000\xa0Rennes, immatriculée sous le numéro SIRET 775\xa0672\xa0231\xa000021, représentée par "
     "M.\xa0Loïc Kerhervé, son président, ci-après dénommée «\xa0la structure\xa0»,"),
    ("bretagne", "region", None),
    ("auvergne-projet", "signature.date", VIDE),
    ("auvergne-projet", "signature.mention", f"Fait à Clermont-Ferrand, le {VIDE}, en trois exemplaires originaux."),
    ("bretagne-projet", "signature.mention", f"Fait à Rennes, le {VIDE}, en deux exemplaires originaux."),
    ("auvergne-projet", "convention.mention_projet", "PROJET"),
    ("auvergne-projet", "convention.projet", True),
    ("auvergne", "annexe.missions.3.objectifs.0.actions.0.etat", "0,00\xa0€"),
]  # fmt: skip


@pytest.mark.parametrize(("exemple", "chemin", "attendu"), CHAINES, ids=[f"{e}-{c}" for e, c, _ in CHAINES])
def test_chaines_exactes(exemple: str, chemin: str, attendu: str | None) -> None:
    assert valeur(CONTEXTES[exemple], chemin) == attendu


# --- Titres accordés selon la civilité (copie modifiée des données) -------------------------

SANS_DELEGATION = {"etat.delegataire": SUPPRIMER}


@pytest.mark.parametrize(
    ("exemple", "changements", "chemin", "attendu"),
    [
        ("bretagne", SANS_DELEGATION, "etat.prefet_titre", "le préfet de la région Bretagne"),
        ("bretagne", {**SANS_DELEGATION, "etat.prefet.civilite": "Mme"}, "etat.prefet_titre",
         "la préfète de la région Bretagne"),
        ("bretagne", {**SANS_DELEGATION, "etat.prefet.civilite": "Mme"}, "etat.partie",
         "L’État, représenté par Mme\xa0Jean Daubigny, préfète de la région Bretagne, ci-après dénommé "
         "«\xa0l’État\xa0»,"),
        ("bretagne", {**SANS_DELEGATION, "etat.prefet.civilite": "Mme"}, "signataires.0",
         {"pour": "Pour l’État,", "qualite": "la préfète de la région Bretagne", "nom": "Jean Daubigny"}),
        ("auvergne", {"etat.prefet.civilite": "Mme"}, "signataires.0.pour",
         "Pour la préfète de la région Auvergne et par délégation,"),
        ("auvergne", {"conseil_regional.president.civilite": "Mme"}, "region.president_titre",
         "la présidente du conseil régional d’Auvergne"),
        ("auvergne", {"conseil_regional.president.civilite": "Mme"}, "region.signature_qualite",
         "la présidente du conseil régional"),
        ("auvergne", {"conseil_regional.president.civilite": "Mme"}, "region.partie",
         "La Région Auvergne, représentée par Mme\xa0René Souchon, présidente du conseil régional d’Auvergne, "
         "dûment habilitée par délibération n°\xa0CP-09-0123 de la commission permanente du conseil régional "
         "d’Auvergne du 16\xa0février\xa02009, ci-après dénommée «\xa0la Région\xa0»,"),
        ("auvergne", {"conseil_regional.deliberation": SUPPRIMER}, "region.partie",
         "La Région Auvergne, représentée par M.\xa0René Souchon, président du conseil régional d’Auvergne, "
         "dûment habilité par délibération n°\xa0… du …, ci-après dénommée «\xa0la Région\xa0»,"),
        ("auvergne", {"structure.representant.civilite": "M.", "structure.representant.fonction": "président"},
         "structure.representant_fonction", "le président"),
        ("auvergne", {"structure.representant.fonction": "administratrice provisoire"}, "signataires.2",
         {"pour": "Pour l’Association régionale des missions locales d’Auvergne,",
          "qualite": "l’administratrice provisoire", "nom": "Hélène Martin"}),
    ],
    ids=["prefet", "prefete", "prefete-partie", "prefete-signe", "prefete-delegation", "presidente",
         "presidente-signe", "presidente-partie", "sans-deliberation", "president-structure", "administratrice"],
)  # fmt: skip
def test_titres_accordes(exemple: str, changements: dict[str, Any], chemin: str, attendu: Any) -> None:
    contexte = construire_contexte(convention_exemple(exemple, changements))
    assert valeur(contexte, chemin) == attendu


# --- Signataires et versions ------------------------------------------------------------

ETAT_AUVERGNE = (
    "Pour le préfet de la région Auvergne et par délégation,",
    "la directrice régionale du travail, de l’emploi et de la formation professionnelle d’Auvergne",
    "Claire Martin",
)
STRUCTURE_AUVERGNE = ("Pour l’Association régionale des missions locales d’Auvergne,", "la présidente", "Hélène Martin")
ETAT_BRETAGNE = (
    "Pour le préfet de la région Bretagne et par délégation,",
    "le directeur régional du travail, de l’emploi et de la formation professionnelle de Bretagne",
    "Yves Le Goff",
)


@pytest.mark.parametrize(
    ("exemple", "version", "signataires", "exemplaires"),
    [
        ("auvergne", None, [ETAT_AUVERGNE, ("Pour la Région Auvergne,", "le président du conseil régional",
                                            "René Souchon"), STRUCTURE_AUVERGNE], "trois"),
        ("auvergne", "bipartite", [ETAT_AUVERGNE, STRUCTURE_AUVERGNE], "deux"),
        ("bretagne", None, [ETAT_BRETAGNE, ("Pour l’Association régionale des missions locales de Bretagne,",
                             "le président", "Loïc Kerhervé")], "deux"),
    ],
    ids=["auvergne", "auvergne-bipartite", "bretagne"],
)  # fmt: skip
def test_signataires(exemple: str, version: Any, signataires: list[tuple[str, str, str]], exemplaires: str) -> None:
    contexte = construire_contexte(convention_exemple(exemple), version=version)
    assert [(s["pour"], s["qualite"], s["nom"]) for s in contexte["signataires"]] == signataires
    assert contexte["signature"]["exemplaires"] == exemplaires
    assert contexte["signature"]["mention"].endswith(f", en {exemplaires} exemplaires originaux.")
    assert contexte["convention"]["tripartite"] is (len(signataires) == 3)
    assert (contexte["region"] is None) is (len(signataires) == 2)


def test_tripartite_sans_region_refusee() -> None:
    with pytest.raises(DonneesInvalides) as erreur:
        construire_contexte(convention_exemple("bretagne"), version="tripartite")
    assert [(c.code, c.chemin) for c in erreur.value.constats] == [("tripartite-sans-region", "conseil_regional")]


VERSEMENTS_AUVERGNE = [
    ("1er\xa0avril\xa02009", "45\u202f000,50\xa0€", "1er versement"),
    ("1er\xa0octobre\xa02009", "15\u202f000,00\xa0€", "2e versement"),
]
AVANCE_BRETAGNE = ("137\u202f600,00\xa0€", "avance de 80\xa0% à la signature")
SOLDE_BRETAGNE = ("1er\xa0octobre\xa02009", "34\u202f400,00\xa0€", "solde de 20\xa0%")


@pytest.mark.parametrize(
    ("exemple", "versements"),
    [
        ("auvergne", VERSEMENTS_AUVERGNE),
        ("auvergne-projet", VERSEMENTS_AUVERGNE),
        ("bretagne", [("2\xa0mars\xa02009", *AVANCE_BRETAGNE), SOLDE_BRETAGNE]),
        ("bretagne-projet", [("à la signature", "137\u202f600,00\xa0€", "avance de 80\xa0%"), SOLDE_BRETAGNE]),
    ],
    ids=["auvergne", "auvergne-projet", "bretagne-par-defaut", "bretagne-projet"],
)
def test_versements(exemple: str, versements: list[tuple[str, str, str]]) -> None:
    contexte = CONTEXTES[exemple]
    assert [(v["date"], v["montant"], v["libelle"]) for v in contexte["versements"]] == versements


def test_projet_date_blanche() -> None:
    assert VIDE == BLANC


# --- Annexe : missions et objectifs qui ont des actions, numéros, totaux ---------------------


def sommaire(contexte: Any) -> list[tuple[str, ...]]:
    """Une ligne par mission (numéro, coût, part de l'État) et par objectif (les mêmes, puis ses actions)."""
    lignes: list[tuple[str, ...]] = []
    for m in contexte["annexe"]["missions"]:
        lignes.append((m["numero"], m["total"], m["total_etat"]))
        for o in m["objectifs"]:
            lignes.append((o["numero"], o["total"], o["total_etat"], *(a["numero"] for a in o["actions"])))
    return lignes


@pytest.mark.parametrize(
    ("exemple", "attendu"),
    [
        ("auvergne", [
            ("I", "27\u202f500,50\xa0€", "18\u202f500,50\xa0€"),
            ("1", "27\u202f500,50\xa0€", "18\u202f500,50\xa0€", "1"),
            ("II", "20\u202f000,00\xa0€", "12\u202f000,00\xa0€"),
            ("2", "20\u202f000,00\xa0€", "12\u202f000,00\xa0€", "3"),
            ("III", "45\u202f500,00\xa0€", "29\u202f500,00\xa0€"),
            ("4", "28\u202f800,00\xa0€", "19\u202f800,00\xa0€", "8"),
            ("5", "16\u202f700,00\xa0€", "9\u202f700,00\xa0€", "12"),
            ("IV", "8\u202f000,00\xa0€", "0,00\xa0€"),
            ("6", "8\u202f000,00\xa0€", "0,00\xa0€", "17"),
        ]),
        ("bretagne", [
            ("I", "54\u202f000,00\xa0€", "42\u202f000,00\xa0€"),
            ("1", "54\u202f000,00\xa0€", "42\u202f000,00\xa0€", "2"),
            ("II", "45\u202f500,00\xa0€", "45\u202f500,00\xa0€"),
            ("2", "31\u202f000,00\xa0€", "31\u202f000,00\xa0€", "4"),
            ("3", "14\u202f500,00\xa0€", "14\u202f500,00\xa0€", "17"),
            ("III", "36\u202f500,00\xa0€", "36\u202f500,00\xa0€"),
            ("4", "36\u202f500,00\xa0€", "36\u202f500,00\xa0€", "9"),
            ("IV", "54\u202f000,00\xa0€", "48\u202f000,00\xa0€"),
            ("6", "54\u202f000,00\xa0€", "48\u202f000,00\xa0€", "16"),
        ]),
    ],
    ids=["auvergne", "bretagne"],
)  # fmt: skip
def test_annexe_sommaire(exemple: str, attendu: list[tuple[str, ...]]) -> None:
    """Missions et objectifs sans action absents (objectif 3 en Auvergne, 5 en Bretagne) ; action locale n° 17."""
    assert sommaire(CONTEXTES[exemple]) == attendu


LOCALE_OBJECTIF_3 = {
    "objectif": 3, "intitule": "Journée régionale", "pourquoi": ["Valoriser"], "comment": ["Une journée"],
    "methode": "L'ARML organise.", "echeancier": "Juin 2009.", "financements": [{"financeur": "etat", "montant": 5000}],
}  # fmt: skip


@pytest.mark.parametrize(
    ("exemple", "transformer", "attendu"),
    [
        ("bretagne", lambda d: d.update(actions=d["actions"][:1]), [("I", "1", "2", False)]),
        ("auvergne", lambda d: d["actions"].append(LOCALE_OBJECTIF_3),
         [("I", "1", "1", False), ("II", "2", "3", False), ("II", "3", "18", True), ("III", "4", "8", False),
          ("III", "5", "12", False), ("IV", "6", "17", True)]),
    ],
    ids=["une-seule-action", "deux-actions-locales"],
)  # fmt: skip
def test_annexe_numerotation(exemple: str, transformer: Callable[[dict[str, Any]], None], attendu: Any) -> None:
    """Seuls figurent les missions et objectifs qui ont des actions ; les actions locales suivent la 16."""
    donnees = donnees_exemple(exemple)
    transformer(donnees)
    contexte = construire_contexte(depuis_donnees(donnees))
    lignes = [
        (m["numero"], o["numero"], a["numero"], a["locale"])
        for m in contexte["annexe"]["missions"]
        for o in m["objectifs"]
        for a in o["actions"]
    ]
    assert lignes == attendu


@pytest.mark.parametrize(
    ("exemple", "chemin", "attendu"),
    [
        ("auvergne", "annexe.missions.0.objectifs.0.actions.0.financements",
         [("État", "18\u202f500,50\xa0€", "67,27\xa0%"), ("Conseil régional", "6\u202f000,00\xa0€", "21,82\xa0%"),
          ("Fonds social européen (FSE)", "3\u202f000,00\xa0€", "10,91\xa0%")]),
        ("auvergne", "annexe.financeurs",
         [("État", "60\u202f000,50\xa0€", "59,41\xa0%"), ("Conseil régional", "38\u202f000,00\xa0€", "37,62\xa0%"),
          ("Fonds social européen (FSE)", "3\u202f000,00\xa0€", "2,97\xa0%")]),
        ("bretagne", "annexe.financeurs",
         [("État", "172\u202f000,00\xa0€", "90,53\xa0%"),
          ("Fonds social européen (FSE)", "12\u202f000,00\xa0€", "6,32\xa0%"),
          ("Chambre régionale de commerce & d’industrie", "6\u202f000,00\xa0€", "3,16\xa0%")]),
    ],
    ids=["auvergne-action-1", "auvergne-synthese", "bretagne-synthese"],
)  # fmt: skip
def test_financements(exemple: str, chemin: str, attendu: list[tuple[str, str, str]]) -> None:
    assert [(f["financeur"], f["montant"], f["part"]) for f in valeur(CONTEXTES[exemple], chemin)] == attendu


# --- Contrat : clés produites = clés déclarées, chacune documentée ---------------------------


def ecarts(donnee: Any, type_: Any, chemin: str = "contexte") -> list[str]:
    """Les écarts entre une valeur du contexte et son type déclaré (TypedDict, liste, union, scalaire)."""
    if is_typeddict(type_):
        if not isinstance(donnee, dict):
            return [f"{chemin} : dictionnaire attendu"]
        annonces = typing.get_type_hints(type_)
        trouves = [f"{chemin}.{cle} : clé non déclarée dans {type_.__name__}" for cle in donnee.keys() - annonces]
        trouves += [f"{chemin}.{cle} : clé déclarée absente" for cle in annonces.keys() - donnee.keys()]
        for cle in donnee.keys() & annonces.keys():
            trouves += ecarts(donnee[cle], annonces[cle], f"{chemin}.{cle}")
        return trouves
    origine = typing.get_origin(type_)
    if origine is list:
        if not isinstance(donnee, list):
            return [f"{chemin} : liste attendue"]
        (element_type,) = typing.get_args(type_)
        return [e for i, element in enumerate(donnee) for e in ecarts(element, element_type, f"{chemin}[{i}]")]
    if origine in (types.UnionType, typing.Union):
        if donnee is None and type(None) in typing.get_args(type_):
            return []
        (autre,) = [t for t in typing.get_args(type_) if t is not type(None)]
        return ecarts(donnee, autre, chemin)
    return [] if type(donnee) is type_ else [f"{chemin} : {type(donnee).__name__} au lieu de {type_.__name__}"]


@pytest.mark.parametrize(
    ("exemple", "options"),
    [("auvergne", {}), ("auvergne", {"version": "bipartite"}), ("auvergne", {"projet": True}), ("bretagne", {}),
     ("bretagne", {"projet": True})],
    ids=["auvergne", "auvergne-bipartite", "auvergne-projet", "bretagne", "bretagne-projet"],
)  # fmt: skip
def test_cles_declarees(exemple: str, options: dict[str, Any]) -> None:
    contexte = construire_contexte(convention_exemple(exemple), **options)
    assert ecarts(contexte, Contexte) == []


def typeddicts(type_: Any) -> dict[str, Any]:
    """Tous les TypedDict atteints depuis ``type_``, par nom."""
    if is_typeddict(type_):
        trouves = {type_.__name__: type_}
        for sous_type in typing.get_type_hints(type_).values():
            trouves |= typeddicts(sous_type)
        return trouves
    return {nom: t for argument in typing.get_args(type_) for nom, t in typeddicts(argument).items()}


def test_chaque_cle_documentee_dans_le_schema() -> None:
    schema = schema_contexte()
    declares = typeddicts(Contexte)
    assert sorted(declares) == sorted([*schema["$defs"], "Contexte"])
    for nom, type_ in declares.items():
        proprietes = (schema if nom == "Contexte" else schema["$defs"][nom])["properties"]
        assert sorted(proprietes) == sorted(typing.get_type_hints(type_)), nom
        assert [cle for cle, p in proprietes.items() if not p.get("description", "").strip()] == [], nom


@pytest.mark.parametrize(
    ("exemplaires", "fin"),
    [(1, "en un exemplaire original."), (2, "en deux exemplaires originaux."), (4, "en quatre exemplaires originaux.")],
    ids=["un", "deux", "quatre"],
)
def test_mention_des_exemplaires_accordee(exemplaires: int, fin: str) -> None:
    convention = convention_exemple("bretagne", {"signature.exemplaires": exemplaires})
    assert construire_contexte(convention)["signature"]["mention"].endswith(fin)


# --- Parties selon la région, l'année et la forme juridique (issue 8) ----------------------------------

GIP = {"structure.statut": "carif", "structure.forme_juridique": "gip", "structure.nom": "Carif-Oref de Bretagne"}
ALSACE = {"region": "Alsace", "structure.adresse.code_postal": "67000", "structure.adresse.commune": "Strasbourg"}
DELIB = {"conseil_regional.deliberation": SUPPRIMER}


@pytest.mark.parametrize(
    ("exemple", "changements", "chemin", "attendu"),
    [
        ("auvergne", {"region": "Corse"}, "region.partie",
         "La Collectivité territoriale de Corse, représentée par M.\xa0René Souchon, président du conseil exécutif de "
         "Corse, dûment habilité par délibération n°\xa0CP-09-0123 de l’Assemblée de Corse du 16\xa0février\xa02009, "
         "ci-après dénommée «\xa0la Région\xa0»,"),
        ("auvergne", {"region": "Corse", "annee": 2018}, "region.designation", "la Collectivité de Corse"),
        ("auvergne", {"region": "Corse"}, "region.signature_qualite", "le président du conseil exécutif de Corse"),
        ("auvergne", {"region": "Corse"}, "etat.prefet_titre", "le préfet de Corse"),
        ("auvergne", {"region": "La Réunion"}, "etat.prefet_titre", "le préfet de La Réunion"),
        ("auvergne", {"region": "La Réunion"}, "etat.prefecture", "Préfecture de La Réunion"),
        ("auvergne", {"region": "La Réunion", **DELIB}, "region.partie",
         "La Région Réunion, représentée par M.\xa0René Souchon, président du conseil régional de La Réunion, dûment "
         "habilité par délibération n°\xa0… du …, ci-après dénommée «\xa0la Région\xa0»,"),
        ("auvergne", {"region": "La Réunion"}, "region.deliberation", "délibération n°\xa0CP-09-0123 de la "
         "commission permanente du conseil régional de La Réunion du 16\xa0février\xa02009"),
        ("auvergne", {"region": "Mayotte", "annee": 2012}, "region.partie",
         "Le Département de Mayotte, représenté par M.\xa0René Souchon, président du conseil général de Mayotte, "
         "dûment habilité par délibération n°\xa0CP-09-0123 de la commission permanente du conseil général de "
         "Mayotte du 16\xa0février\xa02009, ci-après dénommé «\xa0la Région\xa0»,"),
        ("auvergne", {}, "etat.comptable", "le trésorier-payeur général de la région Auvergne"),
        ("auvergne", {"annee": 2012}, "etat.comptable", "le directeur régional des finances publiques de la région "
         "Auvergne"),
        ("auvergne", {"etat.comptable": "le receveur des finances"}, "etat.comptable", "le receveur des finances"),
        ("auvergne", {"region": "Guyane", "annee": 2016}, "etat.prefecture", "Préfecture de la Guyane"),
        ("bretagne", GIP, "structure.partie",
         "groupement d’intérêt public, dont le siège est situé 3, place de la Gare, 35000\xa0Rennes, immatriculé sous "
         "le numéro SIRET 775\xa0672\xa0231\xa000021, représenté par M.\xa0Loïc Kerhervé, son président, ci-après "
         "dénommé «\xa0la structure\xa0»,"),
        ("bretagne", {**GIP, "structure.nom": "Groupement d'intérêt public Carif-Oref"}, "structure.forme", ""),
        ("bretagne", {"structure.statut": "autre", "structure.nom": "Trajectoires Jeunes"}, "structure.forme", ""),
        ("bretagne", {**ALSACE, "structure.nom": "Réseau des missions locales"}, "structure.forme",
         "association inscrite au registre des associations du tribunal d’instance de Strasbourg, régie par les "
         "articles\xa021 à 79-III du code civil local"),
        ("bretagne", {**ALSACE, "structure.registre": "Illkirch-Graffenstaden"}, "structure.forme",
         "inscrite au registre des associations du tribunal d’instance d’Illkirch-Graffenstaden, régie par les "
         "articles\xa021 à 79-III du code civil local"),
        ("bretagne", {**ALSACE, "region": "Grand Est", "annee": 2021}, "structure.forme",
         "inscrite au registre des associations du tribunal judiciaire de Strasbourg, régie par les articles\xa021 à "
         "79-III du code civil local"),
        ("bretagne", {"region": "Lorraine", "structure.adresse.code_postal": "57000"}, "structure.partie",
         "inscrite au registre des associations du tribunal d’instance de Rennes, régie par les articles\xa021 à "
         "79-III du code civil local, dont le siège est situé 3, place de la Gare, 57000\xa0Rennes, immatriculée sous "
         "le numéro SIRET 775\xa0672\xa0231\xa000021, représentée par M.\xa0Loïc Kerhervé, son président, ci-après "
         "dénommée «\xa0la structure\xa0»,"),
        ("bretagne", {}, "montants.cofinancement_region", ""),
        ("auvergne", {}, "montants.cofinancement_region", ""),
        ("bretagne", {"budget_missions_locales": "100000000000"}, "montants.ratio", "moins de 0,01\xa0%"),
        ("bretagne", {"actions[0].financements[1].montant": "0.01"},
         "annexe.financeurs.1.part", "moins de 0,01\xa0%"),
    ],
    ids=["corse-2009", "corse-2018", "corse-signe", "prefet-corse", "prefet-reunion", "prefecture-reunion",
         "reunion-sans-deliberation", "reunion-deliberation", "mayotte-2012", "tpg-2009", "drfip-2012",
         "comptable-saisi", "guyane-2016", "gip", "gip-nomme", "autre-forme", "alsace-association-nommee-autrement",
         "alsace-registre", "grand-est-2021", "moselle", "bipartite-sans-region", "tripartite", "ratio-infime",
         "part-infime"],
)  # fmt: skip
def test_parties_selon_region_et_forme(exemple: str, changements: dict[str, Any], chemin: str, attendu: str) -> None:
    assert valeur(construire_contexte(convention_exemple(exemple, changements)), chemin) == attendu


def test_bipartite_imposee_mentionne_le_cofinancement_de_la_region() -> None:
    """La version bipartite ne tait pas l'argent de la Région : l'article 4 le dit, hors convention."""
    contexte = construire_contexte(convention_exemple("auvergne"), version="bipartite")
    assert contexte["montants"]["cofinancement_region"] == (
        "La Région Auvergne, qui n’est pas partie à la présente convention, apporte au programme un cofinancement "
        "de trente-huit mille euros (38\u202f000,00\xa0€), détaillé dans l’annexe\xa0; il est régi par ses propres "
        "décisions et n’engage pas l’État."
    )


@pytest.mark.parametrize(
    ("nom", "forme", "attendu"),
    [
        ("Association régionale des missions locales de Bretagne", "association",
         "Pour l’Association régionale des missions locales de Bretagne,"),
        ("Groupement d’intérêt public Carif-Oref de Bretagne", "gip",
         "Pour le Groupement d’intérêt public Carif-Oref de Bretagne,"),
        ("Maison de l’emploi de Rennes", "autre", "Pour la Maison de l’emploi de Rennes,"),
        ("Trajectoires Jeunes", "association", "Pour l’association Trajectoires Jeunes,"),
        ("Carif-Oref Bretagne", "gip", "Pour le groupement d’intérêt public Carif-Oref Bretagne,"),
        ("ARML Bretagne", "autre", "Pour ARML Bretagne,"),
    ],
)  # fmt: skip
def test_bloc_de_signature_nomme_la_structure(nom: str, forme: str, attendu: str) -> None:
    """Jamais « Pour la structure » : l'article vient du premier mot du nom, sinon de la forme juridique."""
    changements = {"structure.nom": nom, "structure.forme_juridique": forme, "structure.statut": SUPPRIMER}
    contexte = construire_contexte(convention_exemple("bretagne", changements))
    assert contexte["structure"]["signature_pour"] == attendu
    assert contexte["signataires"][-1]["pour"] == attendu
