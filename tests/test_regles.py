"""Tests de convgen.regles : chaque règle, déclenchée ou non, avec son code, sa gravité, son chemin et son message.

Les montants des messages sont écrits avec leurs espaces visibles : ``\\u202f`` (espace fine
insécable, milliers) et ``\\xa0`` (espace insécable, avant « € » et « % »).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import RACINE, SUPPRIMER, donnees_valides, ecrire_yaml, modifier

from convgen.erreurs import Gravite
from convgen.francais import date_longue
from convgen.modele import Convention
from convgen.regles import REGLES, examiner, valider

E, A, I = Gravite.ERREUR, Gravite.ALERTE, Gravite.INFO  # noqa: E741

CODES_DOCUMENTES = {
    "structure-mission-locale": E,
    "structure-nom-mission-locale": A,
    "financement-incoherent": E,
    "versements-incoherents": E,
    "siret-invalide": E,
    "iban-invalide": E,
    "bic-invalide": E,
    "ratio-hors-fourchette": A,
    "ratio-hors-observe": A,
    "action-sans-indicateur": A,
    "action-trop-longue": A,
    "action-en-double": E,
    "region-non-signataire": A,
    "seuil-convention": I,
    "financeur-reserve": E,
    "region-sans-contribution": A,
    "deliberation-absente": A,
    "dates-incoherentes": E,
    "exemplaires-insuffisants": E,
    "annee-hors-referentiel": E,
    "region-inconnue": E,
    "accord-fonction": A,
    "visa-a-completer": A,
    "delegation-sans-arrete": A,
}


def test_codes_des_regles_exactement_ceux_documentes() -> None:
    assert {r.code: r.gravite for r in REGLES} == CODES_DOCUMENTES
    assert len(REGLES) == len(CODES_DOCUMENTES)  # un code par règle
    assert all(r.description.endswith(".") for r in REGLES)


def test_regles_documentees_dans_le_readme() -> None:
    documentees = {}
    for ligne in (RACINE / "README.md").read_text(encoding="utf-8").splitlines():
        if m := re.fullmatch(r"\| (`.+`) \| (erreur|alerte|info) \| .+ \|", ligne):
            documentees |= dict.fromkeys(re.findall(r"`([a-z-]+)`", m[1]), Gravite(m[2]))
    assert {code: documentees.get(code) for code in CODES_DOCUMENTES} == CODES_DOCUMENTES


TROP_LONGUE = (
    "l'action n° {} : la colonne « {} » compte {} caractères ; au-delà d'environ 1200, sa ligne dépasse une page "
    "de l'annexe et peut être coupée : abrégez le texte ou scindez l'action"
)


def _date(texte: str) -> str:
    """Date écrite comme dans les messages (« 2 mars 2009 », espaces insécables comprises)."""
    return date_longue(dt.date.fromisoformat(texte))


def sans_seuil(changements: dict[str, Any]) -> list[tuple[str, Gravite, str, str]]:
    """Constats des règles sur les données bretonnes modifiées, hors l'information « seuil-convention »."""
    convention = Convention.model_validate(modifier(donnees_valides(), changements))
    return [(c.code, c.gravite, c.chemin, c.message) for c in valider(convention) if c.code != "seuil-convention"]


def versements(*montants: object, date: str = "2009-04-01") -> list[dict[str, object]]:
    return [{"date": date, "montant": m} for m in montants]


FINANCEURS = {f"actions[{i}].financements[0].financeur": "FSE" for i in range(5)}
RATIO = "le programme (190\u202f000,00\xa0€) représente {} du budget des missions locales ({}), hors de la fourchette "
RECOMMANDEE = "recommandée de 2\xa0% à 4\xa0% (circulaire §3)"
OBSERVEE = "observée de 1\xa0% à 6\xa0% (circulaire §3)"
NOM_ML = "le nom « {} » évoque une mission locale, qui ne peut pas porter le programme (circulaire §3) : vérifiez le " \
    "statut de la structure"  # fmt: skip
SANS_INDICATEUR = "l'action n° {} n'a aucun indicateur : les objectifs doivent être « mesurables » (circulaire §2)"


@pytest.mark.parametrize(
    ("changements", "attendus"),
    [
        pytest.param({}, [], id="convention-conforme"),
        # structure-mission-locale
        pytest.param({"structure.statut": "mission_locale"}, [("structure-mission-locale", E, "structure.statut",
                     "l'opérateur du programme d'animation ne peut pas être une mission locale (circulaire DGEFP "
                     "n° 2008-15, §3)")], id="statut-mission-locale"),
        pytest.param({"structure.statut": "gip"}, [], id="statut-gip"),
        # structure-nom-mission-locale
        pytest.param({"structure.nom": "Mission Locale du Pays de Rennes"}, [("structure-nom-mission-locale", A,
                     "structure.nom", NOM_ML.format("Mission Locale du Pays de Rennes"))], id="nom-mission-locale"),
        pytest.param({"structure.nom": "MISSION\xa0LOCALE Rennes"}, [("structure-nom-mission-locale", A,
                     "structure.nom", NOM_ML.format("MISSION\xa0LOCALE Rennes"))], id="nom-majuscules-insecable"),
        pytest.param({"structure.nom": "Commission locale de l'emploi"}, [], id="nom-commission-locale"),
        pytest.param({"structure.nom": "Union des missions locales"}, [], id="nom-missions-locales-pluriel"),
        # financement-incoherent
        pytest.param({"actions[2].financements": []}, [("financement-incoherent", E, "actions[2].financements",
                     "l'action n° 9 n'a aucun financement")], id="action-sans-financement"),
        pytest.param({"actions[4].financements": SUPPRIMER}, [("financement-incoherent", E, "actions[4].financements",
                     "l'action n° 17 n'a aucun financement")], id="action-locale-sans-financement"),
        pytest.param({"actions[0].financements[1].montant": -12000}, [("financement-incoherent", E,
                     "actions[0].financements[1].montant", "montant négatif (-12\u202f000,00\xa0€) pour Fonds social "
                     "européen (FSE)")], id="financement-negatif"),
        pytest.param({"actions[2].financements[0].montant": "-0,5"}, [("financement-incoherent", E,
                     "actions[2].financements[0].montant", "montant négatif (-0,50\xa0€) pour État")],
                     id="financement-etat-negatif"),
        pytest.param({"actions[1].cout": 33000}, [("financement-incoherent", E, "actions[1].cout", "le coût déclaré de "
                     "l'action n° 4 (33\u202f000,00\xa0€) diffère de la somme de ses financements "
                     "(31\u202f000,00\xa0€)")], id="cout-different"),
        pytest.param({"actions[1].cout": "31 000,00"}, [], id="cout-egal"),
        pytest.param(FINANCEURS, [("financement-incoherent", E, "actions", "aucune action n'est financée par l'État "
                     "(financeur « etat »)")], id="sans-etat"),
        # versements-incoherents
        pytest.param({"versements": versements(137600) + versements(34400, date="2010-01-15")},
                     [("versements-incoherents", E, "versements[1].date", "versement du 15\xa0janvier\xa02010 hors de "
                     "l'année 2009")], id="versement-en-2010"),
        pytest.param({"versements": versements(172000, date="2008-12-01")}, [("versements-incoherents", E,
                     "versements[0].date", "versement du 1er\xa0décembre\xa02008 hors de l'année 2009"),
                     ("dates-incoherentes", E, "versements[0].date", f"versement du {_date('2008-12-01')} antérieur à "
                      f"la signature ({_date('2009-03-02')}) : rien ne peut être versé avant que la convention soit "
                      "signée")], id="en-2008"),
        pytest.param({"versements": versements(172000, 0)}, [("versements-incoherents", E, "versements[1].montant",
                     "montant de versement non positif (0,00\xa0€)")], id="versement-nul"),
        pytest.param({"versements": versements(100000)}, [("versements-incoherents", E, "versements",
                     "les versements totalisent 100\u202f000,00\xa0€ alors que la contribution de l'État est de "
                     "172\u202f000,00\xa0€")], id="total-insuffisant"),
        pytest.param({"versements": versements(172000, -1)}, [
                     ("versements-incoherents", E, "versements[1].montant", "montant de versement non positif "
                      "(-1,00\xa0€)"),
                     ("versements-incoherents", E, "versements", "les versements totalisent 171\u202f999,00\xa0€ alors "
                      "que la contribution de l'État est de 172\u202f000,00\xa0€")], id="negatif-et-total"),
        pytest.param({"versements": versements("100 000", "72000,00")}, [], id="versements-justes"),
        pytest.param({"versements": []}, [("versements-incoherents", E, "versements", "les versements totalisent "
                     "0,00\xa0€ alors que la contribution de l'État est de 172\u202f000,00\xa0€")], id="liste-vide"),
        # siret-invalide, iban-invalide, bic-invalide
        pytest.param({"structure.siret": "7756722310002"}, [("siret-invalide", E, "structure.siret",
                     "SIRET « 7756722310002 » invalide : longueur incorrecte")], id="siret-13-chiffres"),
        pytest.param({"structure.siret": "7756722310002A"}, [("siret-invalide", E, "structure.siret",
                     "SIRET « 7756722310002A » invalide : caractères non admis")], id="siret-lettre"),
        pytest.param({"structure.siret": "77567223100022"}, [("siret-invalide", E, "structure.siret",
                     "SIRET « 77567223100022 » invalide : clé de contrôle fausse")], id="siret-cle"),
        pytest.param({"structure.siret": "775 672 231 00021"}, [], id="siret-espaces"),
        pytest.param({"structure.iban": "FR76 1558 9351 0100 1234 5678 949"}, [("iban-invalide", E, "structure.iban",
                     "IBAN « FR76 1558 9351 0100 1234 5678 949 » invalide : clé de contrôle fausse")], id="iban-cle"),
        pytest.param({"structure.iban": "fr7615589351010012345678948"}, [], id="iban-minuscules-sans-espace"),
        pytest.param({"structure.bic": "CMBRFR2"}, [("bic-invalide", E, "structure.bic",
                     "BIC « CMBRFR2 » invalide : longueur incorrecte")], id="bic-7-caracteres"),
        pytest.param({"structure.bic": "CMBR1R2B"}, [("bic-invalide", E, "structure.bic",
                     "BIC « CMBR1R2B » invalide : caractères non admis")], id="bic-pays-chiffre"),
        pytest.param({"structure.bic": "AGRIFRPP"}, [], id="bic-8-caracteres"),
        # ratio-hors-fourchette, ratio-hors-observe (programme : 190 000 €)
        pytest.param({"budget_missions_locales": 19_000_000}, [("ratio-hors-fourchette", A, "budget_missions_locales",
                     RATIO.format("1,00\xa0%", "19\u202f000\u202f000,00\xa0€") + RECOMMANDEE)], id="ratio-1-pour-cent"),
        pytest.param({"budget_missions_locales": 3_800_000}, [("ratio-hors-fourchette", A, "budget_missions_locales",
                     RATIO.format("5,00\xa0%", "3\u202f800\u202f000,00\xa0€") + RECOMMANDEE)], id="ratio-5-pour-cent"),
        pytest.param({"budget_missions_locales": 38_000_000}, [("ratio-hors-observe", A, "budget_missions_locales",
                     RATIO.format("0,50\xa0%", "38\u202f000\u202f000,00\xa0€") + OBSERVEE)], id="ratio-0-5-pour-cent"),
        pytest.param({"budget_missions_locales": 1_900_000}, [("ratio-hors-observe", A, "budget_missions_locales",
                     RATIO.format("10,00\xa0%", "1\u202f900\u202f000,00\xa0€") + OBSERVEE)], id="ratio-10-pour-cent"),
        pytest.param({"budget_missions_locales": 9_500_000}, [], id="ratio-2-pour-cent-inclus"),
        pytest.param({"budget_missions_locales": 4_750_000}, [], id="ratio-4-pour-cent-inclus"),
        # action-sans-indicateur
        pytest.param({"actions[3].indicateurs": []}, [("action-sans-indicateur", A, "actions[3].indicateurs",
                     SANS_INDICATEUR.format(16))], id="sans-indicateur"),
        pytest.param({"actions[4].indicateurs": SUPPRIMER}, [("action-sans-indicateur", A, "actions[4].indicateurs",
                     SANS_INDICATEUR.format(17))], id="locale-sans-indicateur"),
        # action-trop-longue (au-delà de 1 200 caractères dans une colonne de l'annexe)
        pytest.param({"actions[1].methode": "m" * 1200, "actions[1].indicateurs": []}, [
                     ("action-sans-indicateur", A, "actions[1].indicateurs", SANS_INDICATEUR.format(4))],
                     id="methode-1200-caracteres"),
        pytest.param({"actions[1].methode": "m" * 1201, "actions[1].indicateurs": []}, [
                     ("action-sans-indicateur", A, "actions[1].indicateurs", SANS_INDICATEUR.format(4)),
                     ("action-trop-longue", A, "actions[1].methode", TROP_LONGUE.format(4, "qui fait quoi", 1201))],
                     id="methode-1201-caracteres"),
        pytest.param({"actions[0].methode": "m" * 1000, "actions[0].indicateurs": ["i" * 200]}, [
                     ("action-trop-longue", A, "actions[0].methode", TROP_LONGUE.format(2, "qui fait quoi", 1201))],
                     id="methode-et-indicateurs"),
        pytest.param({"actions[4].pourquoi": ["p" * 700, "q" * 700]}, [
                     ("action-trop-longue", A, "actions[4].pourquoi", TROP_LONGUE.format(17, "pourquoi", 1401))],
                     id="pourquoi-local"),
        pytest.param({"actions[2].echeancier": "é" * 1300}, [
                     ("action-trop-longue", A, "actions[2].echeancier", TROP_LONGUE.format(9, "échéancier", 1300))],
                     id="echeancier"),
        # action-en-double
        pytest.param({"actions[3].numero": 2}, [("action-en-double", E, "actions[3].numero",
                     "l'action n° 2 figure déjà en actions[0]")], id="action-2-deux-fois"),
        pytest.param({"actions[2].numero": 2, "actions[3].numero": 2}, [
                     ("action-en-double", E, "actions[2].numero", "l'action n° 2 figure déjà en actions[0]"),
                     ("action-en-double", E, "actions[3].numero", "l'action n° 2 figure déjà en actions[0]")],
                     id="action-2-trois-fois"),
        # region-non-signataire
        pytest.param({"actions[0].financements[1].financeur": "conseil_regional"}, [("region-non-signataire", A,
                     "conseil_regional", "le conseil régional apporte 12\u202f000,00\xa0€ sans être signataire : "
                     "ajoutez « conseil_regional » pour une convention tripartite (circulaire §4)")],
                     id="region-finance-sans-signer"),
        pytest.param({"actions[0].financements[1].financeur": "conseil_regional", "signature.exemplaires": 3,
                      "conseil_regional": {"president": {"civilite": "Mme", "prenom": "A", "nom": "B"},
                                           "deliberation": {"numero": "CP-1", "date": "2009-02-16"}}}, [],
                     id="region-signataire"),
        # plusieurs règles : erreurs d'abord, puis alertes
        pytest.param({"actions[3].indicateurs": [], "structure.bic": "CMBRFR2"}, [
                     ("bic-invalide", E, "structure.bic", "BIC « CMBRFR2 » invalide : longueur incorrecte"),
                     ("action-sans-indicateur", A, "actions[3].indicateurs", SANS_INDICATEUR.format(16))],
                     id="erreurs-avant-alertes"),
    ],
)  # fmt: skip
def test_regle(changements: dict[str, Any], attendus: list[tuple[str, Gravite, str, str]]) -> None:
    assert sans_seuil(changements) == attendus


@pytest.mark.parametrize(
    ("budget", "code"),
    [
        ("3166666.67", "ratio-hors-fourchette"),  # 5,99999… % : dans 1-6 %
        ("3166666.66", "ratio-hors-observe"),  # 6,000000001 %
        ("19000000", "ratio-hors-fourchette"),  # 1 % tout juste
        ("19000000.01", "ratio-hors-observe"),
    ],
    ids=["sous-6", "au-dessus-de-6", "1-pile", "sous-1"],
)
def test_ratio_aux_bornes_une_seule_alerte(budget: str, code: str) -> None:
    assert [c[0] for c in sans_seuil({"budget_missions_locales": budget})] == [code]


@pytest.mark.parametrize(
    ("montant", "message"),
    [
        ("23000", "contribution de l'État de 23\u202f000,00\xa0€, ne dépassant pas 23\u202f000,00\xa0€ : la convention "
         "est facultative"),
        ("23000.01", "contribution de l'État de 23\u202f000,01\xa0€, au-delà de 23\u202f000,00\xa0€ : la convention "
         "est obligatoire"),
        ("0.50", "contribution de l'État de 0,50\xa0€, ne dépassant pas 23\u202f000,00\xa0€ : la convention est "
         "facultative"),
    ],
    ids=["23000-facultative", "23000-01-obligatoire", "50-centimes"],
)  # fmt: skip
def test_seuil_convention_toujours_signale(montant: str, message: str) -> None:
    financements = [{"financeur": "etat", "montant": montant}]
    action = {"numero": 1, "methode": "m", "echeancier": "e", "financements": financements}
    convention = Convention.model_validate(modifier(donnees_valides(), {"actions": [action]}))
    (seuil,) = [c for c in valider(convention) if c.code == "seuil-convention"]
    loi = " (loi n° 2000-321, art. 10 ; décret n° 2001-495)"
    assert (seuil.gravite, seuil.chemin, seuil.message) == (I, "", message + loi)


@pytest.mark.parametrize(
    ("changements", "chemin"),
    [({"structure.statut": "gip"}, "structure.statut"),
     ({"structure.forme_juridique": "gip", "structure.statut": "carif"}, "structure.forme_juridique")],
    ids=["statut-gip", "forme-gip"],
)  # fmt: skip
def test_seuil_convention_d_un_gip(changements: dict[str, Any], chemin: str) -> None:
    """Un GIP est une personne publique : l'article 10 de la loi n° 2000-321 ne le vise pas."""
    convention = Convention.model_validate(modifier(donnees_valides(), changements))
    (seuil,) = [c for c in valider(convention) if c.code == "seuil-convention"]
    assert (seuil.gravite, seuil.chemin, seuil.message) == (
        I,
        chemin,
        (
            "contribution de l'État de 172\u202f000,00\xa0€ à un groupement d'intérêt public, personne morale de droit "
            "public : l'obligation de convention de la loi n° 2000-321 (art. 10 ; décret n° 2001-495), qui vise les "
            "organismes de droit privé, ne s'applique pas ; la convention procède de la circulaire DGEFP n° 2008-15"
        ),
    )


# --- examiner() sur les fichiers d'exemple -------------------------------------------

SEUIL = (I, "seuil-convention", "", None)


@pytest.mark.parametrize(
    ("fichier", "lue", "attendus"),
    [
        ("donnees_exemple/bretagne_2009_bipartite.yaml", True, [SEUIL]),
        ("donnees_exemple/auvergne_2009_tripartite.yaml", True, [SEUIL]),
        ("convgen/modeles/exemple_commente.yaml", True, [SEUIL]),
        ("donnees_exemple/invalides/forme.yaml", False, [(E, "champ-inconnu", "budjet", 24),
         (E, "donnee-invalide", "signature.date", 25), (E, "donnee-invalide", "actions[4].objectif", 52)]),
        ("donnees_exemple/invalides/mission_locale.yaml", True, [
         (E, "structure-mission-locale", "structure.statut", 16), SEUIL]),
        ("donnees_exemple/invalides/trois_erreurs.yaml", True, [(E, "siret-invalide", "structure.siret", 18),
         (E, "versements-incoherents", "versements[1].date", 27), (E, "financement-incoherent", "actions[1].cout", 41),
         SEUIL]),
    ],
    ids=["bretagne", "auvergne", "exemple-commente", "forme", "mission-locale", "trois-erreurs"],
)  # fmt: skip
def test_examiner_les_exemples(fichier: str, lue: bool, attendus: list[tuple[Gravite, str, str, int | None]]) -> None:
    examen = examiner(RACINE / fichier)
    assert (examen.convention is not None, examen.fichier) == (lue, str(RACINE / fichier))
    assert [(c.gravite, c.code, c.chemin, c.ligne) for c in examen.constats] == attendus
    assert {c.fichier for c in examen.constats} == {str(RACINE / fichier)}
    assert examen.accepte() is (not examen.erreurs)
    assert examen.accepte() is ("invalides" not in fichier)


def test_trois_erreurs_exactement(exemples: Path) -> None:
    examen = examiner(exemples / "invalides" / "trois_erreurs.yaml")
    assert [(c.code, c.chemin, c.message) for c in examen.erreurs] == [
        ("siret-invalide", "structure.siret", "SIRET « 77567223100022 » invalide : clé de contrôle fausse"),
        ("versements-incoherents", "versements[1].date", "versement du 15\xa0janvier\xa02010 hors de l'année 2009"),
        ("financement-incoherent", "actions[1].cout", "le coût déclaré de l'action n° 4 (33\u202f000,00\xa0€) diffère "
         "de la somme de ses financements (31\u202f000,00\xa0€)"),
    ]  # fmt: skip
    assert examen.alertes == []


def test_examiner_un_fichier_illisible_sans_lever(tmp_path: Path) -> None:
    (fichier := tmp_path / "c.yaml").write_text("annee: 2009\nregion: [Bretagne\nnumero: x\n", encoding="utf-8")
    for chemin, ligne, motif in [
        (tmp_path / "absent.yaml", None, "fichier introuvable"),
        (fichier, 3, "YAML mal formé : expected ',' or ']', but got ':'"),
    ]:
        examen = examiner(chemin)
        assert examen.convention is None and not examen.accepte()
        assert [(c.code, c.gravite, c.chemin, c.ligne, c.message) for c in examen.constats] == [
            ("fichier-illisible", E, "", ligne, motif)
        ]


def test_alerte_acceptee_sauf_en_mode_strict(tmp_path: Path) -> None:
    fichier = ecrire_yaml(tmp_path, modifier(donnees_valides(), {"actions[3].indicateurs": []}))
    ligne = fichier.read_text(encoding="utf-8").splitlines().index("  indicateurs: []") + 1
    examen = examiner(fichier)
    assert [(c.code, c.chemin, c.ligne) for c in examen.alertes] == [
        ("action-sans-indicateur", "actions[3].indicateurs", ligne)
    ]
    assert (examen.accepte(), examen.accepte(strict=True)) == (True, False)


def test_echeancier_par_defaut_hors_de_l_annee() -> None:
    """Sans versements saisis, l'avance tombe à la signature : une signature en 2008 la met hors de 2009."""
    assert sans_seuil({"signature.date": "2008-12-15"}) == [
        (
            "versements-incoherents",
            E,
            "signature.date",
            f"l'échéancier par défaut verserait l'avance le {_date('2008-12-15')}, hors de l'année 2009 : corrigez "
            "la date de signature ou saisissez les versements",
        )
    ]


# --- cohérence juridique (issue 8) : données → code, gravité, chemin, ligne, message ---------------

PRESIDENTE = {"civilite": "Mme", "prenom": "Anne", "nom": "Le Bris"}
TRIPARTITE = {"conseil_regional": {}, "conseil_regional.president": PRESIDENTE,
              "conseil_regional.deliberation": {"numero": "CP-09-12", "date": dt.date(2009, 2, 16)},
              "signature.exemplaires": 3, "actions[0].financements[1].financeur": "conseil_regional"}  # fmt: skip
"""Changements qui rendent la convention bretonne tripartite (chaque valeur est copiée par ``modifier``)."""


@pytest.mark.parametrize(
    ("changements", "code", "gravite", "chemin", "repere", "message"),
    [
        # 1. financeurs réservés
        pytest.param({"actions[0].financements[1].financeur": "Région Auvergne"}, "financeur-reserve", E,
                     "actions[0].financements[1].financeur", "financeur: Région Auvergne",
                     "« Région Auvergne » désigne la Région : écrivez « conseil_regional », sinon ce financement est "
                     "compté comme celui d'un autre financeur et manque au montant de l'article 4",
                     id="region-en-clair"),
        pytest.param({"actions[1].financements[0].financeur": "l'État (DRTEFP)"}, "financeur-reserve", E,
                     "actions[1].financements[0].financeur", "financeur: l'État (DRTEFP)",
                     "« l'État (DRTEFP) » désigne l'État : écrivez « etat », sinon ce financement est compté comme "
                     "celui d'un autre financeur et manque au montant de l'article 4", id="etat-en-clair"),
        pytest.param({"actions[0].financements[1].financeur": "CONSEIL RÉGIONAL de Bretagne"}, "financeur-reserve", E,
                     "actions[0].financements[1].financeur", "CONSEIL RÉGIONAL de Bretagne", None,
                     id="conseil-regional"),
        pytest.param({"actions[0].financements[1].financeur": "Préfecture d'Ille-et-Vilaine"}, "financeur-reserve", E,
                     "actions[0].financements[1].financeur", "Préfecture d", None, id="prefecture"),
        pytest.param({"actions[0].financements[1].financeur": "DIRECCTE"}, "financeur-reserve", E,
                     "actions[0].financements[1].financeur", "DIRECCTE", None, id="direccte"),
        # 2. Région sans contribution
        pytest.param({**TRIPARTITE, "actions[0].financements[1].financeur": "FSE"}, "region-sans-contribution", A,
                     "conseil_regional", "conseil_regional:", "la Région est partie à la convention mais ne finance "
                     "aucune action (financeur « conseil_regional ») : l'article 4 lui ferait apporter zéro euro",
                     id="region-sans-contribution"),
        # 3. dates
        pytest.param({**TRIPARTITE, "conseil_regional.deliberation.date": dt.date(2009, 3, 20)}, "dates-incoherentes",
                     E, "conseil_regional.deliberation.date", "date: 2009-03-20",
                     f"la délibération du {_date('2009-03-20')} est postérieure à la signature ({_date('2009-03-02')}) "
                     ": le président ne peut signer qu'une fois habilité", id="deliberation-apres-signature"),
        pytest.param({"versements": [{"date": dt.date(2009, 2, 27), "montant": 172000}]}, "dates-incoherentes", E,
                     "versements[0].date", "date: 2009-02-27", f"versement du {_date('2009-02-27')} antérieur à la "
                     f"signature ({_date('2009-03-02')}) : rien ne peut être versé avant que la convention soit signée",
                     id="versement-avant-signature"),
        pytest.param({"signature.date": dt.date(2010, 1, 5), "versements": [{"date": dt.date(2010, 2, 1),
                      "montant": 172000}]}, "dates-incoherentes", E, "signature.date", "date: 2010-01-05",
                     f"signature le {_date('2010-01-05')}, après le {_date('2009-12-31')} : une convention annuelle ne "
                     "peut pas être signée après la période qu'elle couvre", id="signature-apres-l-annee"),
        pytest.param({"signature.date": dt.date(2009, 10, 1)}, "versements-incoherents", E, "signature.date",
                     "date: 2009-10-01", f"signée le {_date('2009-10-01')}, la convention ne peut pas suivre "
                     "l'échéancier par défaut (avance de 80\xa0% à la signature, solde de 20\xa0% le 1er octobre) : "
                     "saisissez les versements (« versements »)", id="signature-au-1er-octobre"),
        # 4. exemplaires
        pytest.param({"signature.exemplaires": 1}, "exemplaires-insuffisants", E, "signature.exemplaires",
                     "exemplaires: 1", "1 exemplaire original pour 2 parties : chaque partie doit garder un original "
                     "signé", id="un-exemplaire-bipartite"),
        pytest.param({**TRIPARTITE, "signature.exemplaires": 2}, "exemplaires-insuffisants", E,
                     "signature.exemplaires", "exemplaires: 2", "2 exemplaires originaux pour 3 parties : chaque "
                     "partie doit garder un original signé", id="deux-exemplaires-tripartite"),
        # 5. délibération
        pytest.param({k: v for k, v in TRIPARTITE.items() if "deliberation" not in k}, "deliberation-absente", A,
                     "conseil_regional", "conseil_regional:", None, id="deliberation-absente"),
        # 6. régions et années
        pytest.param({"region": "Bretgne"}, "region-inconnue", E, "region", "region: Bretgne",
                     "région « Bretgne » inconnue en 2009 : « Bretagne ? »", id="bretgne"),
        pytest.param({"region": "Ile-de-France"}, "region-inconnue", E, "region", "region: Ile-de-France",
                     "région « Ile-de-France » inconnue en 2009 : « Île-de-France ? »", id="sans-accent"),
        pytest.param({"region": "Mayotte"}, "region-inconnue", E, "region", "region: Mayotte",
                     "« Mayotte » n'est une région qu'à partir de 2011", id="mayotte-en-2009"),
        pytest.param({"annee": 2016, "region": "Alsace", "signature.date": dt.date(2016, 3, 2)}, "region-inconnue", E,
                     "region", "region: Alsace", "la région « Alsace » n'existe plus en 2016 (jusqu'en 2015) : "
                     "« Grand Est ? »", id="alsace-en-2016"),
        pytest.param({"region": "Occitanie"}, "region-inconnue", E, "region", "region: Occitanie", None,
                     id="region-de-2016-en-2009"),
        pytest.param({"annee": 2008, "signature.date": dt.date(2008, 3, 2), "versements": [
                      {"date": dt.date(2008, 4, 1), "montant": 172000}]}, "annee-hors-referentiel", E, "annee",
                     "annee: 2008", "l'année 2008 précède le référentiel : la circulaire DGEFP n° 2008-15 régit les "
                     "conventions à partir de 2009", id="annee-2008"),
        # 8. fonction et civilité
        pytest.param({"structure.representant.fonction": "présidente"}, "accord-fonction", A,
                     "structure.representant.fonction", "fonction: présidente",
                     "« M. Kerhervé, présidente » : la fonction ne s'accorde pas avec la civilité ; écrivez plutôt "
                     "« président » (le texte reprend la fonction telle que saisie)", id="m-presidente"),
        pytest.param({"etat.delegataire.civilite": "Mme", "etat.delegataire.fonction": "la directeur régional"},
                     "accord-fonction", A, "etat.delegataire.fonction", "fonction: la directeur régional",
                     "« Mme Le Goff, la directeur régional » : la fonction ne s'accorde pas avec la civilité ; écrivez "
                     "plutôt « la directrice régionale » (le texte reprend la fonction telle que saisie)",
                     id="la-directeur-regional"),
        # 9. montants absurdes
        pytest.param({"actions[0].financements[1].montant": 0}, "financement-incoherent", E,
                     "actions[0].financements[1].montant", "montant: 0",
                     "financement nul (0,00\xa0€) pour Fonds social européen (FSE) : donnez son montant ou retirez la "
                     "ligne", id="financement-nul"),
    ],
)  # fmt: skip
def test_coherence_juridique(
    tmp_path: Path,
    changements: dict[str, Any],
    code: str,
    gravite: Gravite,
    chemin: str,
    repere: str,
    message: str | None,
) -> None:
    fichier = ecrire_yaml(tmp_path, modifier(donnees_valides(), changements))
    ligne = next(i for i, texte in enumerate(fichier.read_text(encoding="utf-8").splitlines(), 1) if repere in texte)
    examen = examiner(fichier)
    trouves = [c for c in examen.constats if c.code == code]
    assert [(c.gravite, c.chemin, c.ligne) for c in trouves] == [(gravite, chemin, ligne)], examen.constats
    if message is not None:
        assert trouves[0].message == message
    assert not examen.accepte(strict=True)


@pytest.mark.parametrize(
    ("fonction", "civilite"),
    [("président", "M."), ("présidente", "Mme"), ("directrice régionale du travail", "Mme"), ("secrétaire", "Mme"),
     ("directeur de la formation", "M."), ("Fonds social européen (FSE)", "M.")],
)  # fmt: skip
def test_fonction_accordee_sans_alerte(fonction: str, civilite: str) -> None:
    changements = {"structure.representant.fonction": fonction, "structure.representant.civilite": civilite}
    assert [c for c in sans_seuil(changements) if c[0] == "accord-fonction"] == []


@pytest.mark.parametrize(
    "financeur",
    ["Fonds européen de développement régional (FEDER)", "Fonds social européen (FSE)", "Agglomération de Rennes",
     "Conseil général d'Ille-et-Vilaine", "Pôle emploi"],
)  # fmt: skip
def test_financeur_libre_admis(financeur: str) -> None:
    assert sans_seuil({"actions[0].financements[1].financeur": financeur}) == []


def test_bipartite_imposee_avec_argent_de_la_region(tmp_path: Path) -> None:
    """La version bipartite d'une convention où la Région finance : alerte située, refus en mode strict."""
    fichier = ecrire_yaml(tmp_path, modifier(donnees_valides(), TRIPARTITE))
    examen = examiner(fichier)
    assert examen.accepte(strict=True), examen.constats
    bipartite = examen.pour_version("bipartite")
    ligne = fichier.read_text(encoding="utf-8").splitlines().index("conseil_regional:") + 1
    assert [(c.code, c.gravite, c.chemin, c.ligne, c.message) for c in bipartite.alertes] == [
        ("region-non-signataire", A, "conseil_regional", ligne, "la version bipartite laisse hors de la convention la "
         "Région, qui apporte 12\u202f000,00\xa0€ : l'article 4 en fait mention comme d'un cofinancement")
    ]  # fmt: skip
    assert (bipartite.accepte(), bipartite.accepte(strict=True)) == (True, False)
    assert examen.pour_version("tripartite") is examen and examen.pour_version(None) is examen


def test_ratio_infime_jamais_zero() -> None:
    """Un programme de 190 000 € pour un budget de 10 milliards : « moins de 0,01 % », pas « 0,00 % »."""
    ((code, _, chemin, message),) = sans_seuil({"budget_missions_locales": 10_000_000_000})
    assert (code, chemin) == ("ratio-hors-observe", "budget_missions_locales")
    assert message.startswith("le programme (190\u202f000,00\xa0€) représente moins de 0,01\xa0% du budget")


@pytest.mark.parametrize(
    ("financeur", "code"),
    [("État", "etat"), ("Etat", "etat"), ("l'État", "etat"), ("ETAT (BOP 102)", "etat"), ("DRTEFP Bretagne", "etat"),
     ("DIRECCTE", "etat"), ("DREETS", "etat"), ("DIECCTE Guadeloupe", "etat"), ("DTEFP de La Réunion", "etat"),
     ("Préfecture de région", "etat"), ("Direction régionale du travail", "etat"),
     ("Région", "conseil_regional"), ("Région Auvergne", "conseil_regional"), ("Conseil régional", "conseil_regional"),
     ("conseil régional d'Auvergne", "conseil_regional"), ("Conseil Regional de Bretagne", "conseil_regional"),
     ("Collectivité territoriale de Corse", "conseil_regional")],
)  # fmt: skip
def test_financeur_reserve_sous_toutes_ses_formes(financeur: str, code: str) -> None:
    ((trouve, gravite, chemin, message),) = sans_seuil({"actions[0].financements[1].financeur": financeur})
    assert (trouve, gravite, chemin) == ("financeur-reserve", E, "actions[0].financements[1].financeur")
    assert f"écrivez « {code} »" in message
