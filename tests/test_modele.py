"""Tests de convgen.modele : montants décimaux, totaux, actions résolues, échéancier, textes."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import SUPPRIMER, donnees_valides, modifier
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from convgen.chargement import charger, depuis_donnees
from convgen.erreurs import DonneesInvalides
from convgen.modele import Convention, Financement
from convgen.referentiel import charger_referentiel


def convention(changements: dict[str, Any] | None = None) -> Convention:
    return Convention.model_validate(modifier(donnees_valides(), changements or {}))


def action_etat(montant: object) -> dict[str, Any]:
    """Une action de l'annexe-type (n° 2) financée par l'État seul."""
    return {"numero": 2, "methode": "m", "echeancier": "e", "financements": [{"financeur": "etat", "montant": montant}]}


def action_locale(objectif: int, intitule: str) -> dict[str, Any]:
    return {
        "objectif": objectif,
        "intitule": intitule,
        "pourquoi": ["p"],
        "comment": ["c"],
        "methode": "m",
        "echeancier": "e",
        "financements": [{"financeur": "etat", "montant": 1000}],
    }


# --- Montants ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("saisi", "attendu"),
    [
        pytest.param(45000.3, "45000.30", id="flottant-sans-passer-par-le-binaire"),
        pytest.param("45 000,50", "45000.50", id="chaine-a-la-francaise"),
        pytest.param("45\u202f000,50\xa0€", "45000.50", id="chaine-espaces-fines-et-euro"),
        pytest.param(" 12,3 ", "12.30", id="chaine-blancs-autour"),
        pytest.param(0.005, "0.01", id="demi-centime-au-dessus"),
        pytest.param(2.675, "2.68", id="2,675-au-dessus-malgre-le-binaire"),
        pytest.param(Decimal("0.125"), "0.13", id="decimal-demi-au-dessus"),
        pytest.param(-0.005, "-0.01", id="negatif-en-s-eloignant-de-zero"),
        pytest.param(Decimal("0.004"), "0.00", id="sous-le-demi-centime"),
        pytest.param(42000, "42000.00", id="entier"),
        pytest.param("1e3", "1000.00", id="notation-scientifique"),
    ],
)
def test_montant_decimal_arrondi_une_fois(saisi: object, attendu: str) -> None:
    montant = Financement.model_validate({"financeur": "etat", "montant": saisi}).montant
    assert isinstance(montant, Decimal)
    assert str(montant) == attendu  # deux décimales exactement, pas seulement la valeur


@pytest.mark.parametrize("saisi", [True, False], ids=["vrai", "faux"])
def test_montant_booleen_refuse(saisi: bool) -> None:
    with pytest.raises(ValidationError) as exc:
        Financement.model_validate({"financeur": "etat", "montant": saisi})
    assert [e["type"] for e in exc.value.errors()] == ["montant_invalide"]


# --- Totaux et ratio -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("fichier", "totaux", "programme", "ratio_pour_dix_mille"),
    [
        pytest.param(
            "bretagne_2009_bipartite.yaml",
            {"etat": "172000.00", "Fonds social européen (FSE)": "12000.00",
             "Chambre régionale de commerce & d’industrie": "6000.00"},
            "190000.00",
            "306.45",  # 190 000 / 6 200 000
            id="bretagne-sans-region",
        ),
        pytest.param(
            "auvergne_2009_tripartite.yaml",
            {"etat": "60000.50", "conseil_regional": "38000.00", "Fonds social européen (FSE)": "3000.00"},
            "101000.50",
            "288.57",  # 101 000,50 / 3 500 000
            id="auvergne-tripartite",
        ),
    ],
)  # fmt: skip
def test_totaux_par_financeur_et_ratio(
    exemples: Path, fichier: str, totaux: dict[str, str], programme: str, ratio_pour_dix_mille: str
) -> None:
    conv = charger(exemples / fichier)
    obtenus = conv.totaux_par_financeur()
    assert list(obtenus) == list(totaux)  # l'État, la Région, puis les autres dans l'ordre des données
    assert {f: str(m) for f, m in obtenus.items()} == totaux
    assert conv.total_etat == Decimal(totaux["etat"])
    assert conv.total_region == Decimal(totaux.get("conseil_regional", "0"))
    assert str(conv.total_programme) == programme
    assert conv.ratio_budget == conv.total_programme / conv.budget_missions_locales  # fraction exacte
    assert str((conv.ratio_budget * 10000).quantize(Decimal("0.01"))) == ratio_pour_dix_mille


def test_cout_declare_ou_somme_des_financements(exemples: Path) -> None:
    actions = {a.numero: a for a in charger(exemples / "auvergne_2009_tripartite.yaml").actions_resolues}
    assert (actions[1].cout_declare, actions[1].cout) == (Decimal("27500.50"), Decimal("27500.50"))
    assert (actions[3].cout_declare, actions[3].cout) == (None, Decimal("20000.00"))
    assert actions[1].montant("Fonds social européen (FSE)") == Decimal("3000.00")
    assert actions[1].montant("inconnu") == Decimal("0.00")


# --- Actions résolues ----------------------------------------------------------------


def test_ordre_et_rattachement_des_actions_resolues() -> None:
    # Données : 2, 4, 9, 16, puis une action locale (objectif 3) ; annexe : objectif puis numéro.
    resolues = convention().actions_resolues
    assert [(a.numero, a.objectif, a.mission, a.indice, a.locale) for a in resolues] == [
        (2, 1, 1, 0, False),
        (4, 2, 2, 1, False),
        (17, 3, 2, 4, True),
        (9, 4, 3, 2, False),
        (16, 6, 4, 3, False),
    ]


def test_actions_locales_numerotees_17_18_19_dans_l_ordre_des_donnees() -> None:
    donnees = donnees_valides()
    donnees["actions"] += [action_locale(6, "sixième"), action_locale(1, "première")]
    resolues = Convention.model_validate(donnees).actions_resolues
    locales = {a.intitule: a.numero for a in resolues if a.locale}
    assert locales == {"Rencontres « Jeunes & Entreprises » des missions locales bretonnes": 17,
                       "sixième": 18, "première": 19}  # fmt: skip
    assert [a.numero for a in resolues] == [2, 19, 4, 17, 9, 16, 18]


REF_4 = charger_referentiel().action(4)
POURQUOI_4, COMMENT_4 = (tuple(p.texte for p in points) for points in (REF_4.pourquoi, REF_4.comment))
"""Les points de l'action n° 4 de l'annexe-type (elle n'a pas de sous-points)."""
VEILLE = "Mettre à disposition une veille juridique mensuelle"  # « pourquoi_ajouts » de l'action n° 4 (actions[1])


@pytest.mark.parametrize(
    ("changements", "pourquoi", "comment"),
    [
        pytest.param({"pourquoi_ajouts": SUPPRIMER}, POURQUOI_4, COMMENT_4, id="annexe-type-seule"),
        pytest.param({}, (*POURQUOI_4, VEILLE), COMMENT_4, id="pourquoi-ajoute"),
        pytest.param({"pourquoi": ["R"], "pourquoi_ajouts": []}, ("R",), COMMENT_4, id="pourquoi-remplace"),
        pytest.param({"pourquoi": ["R"]}, ("R", VEILLE), COMMENT_4, id="pourquoi-remplace-et-ajoute"),
        pytest.param({"comment_ajouts": ["C"]}, (*POURQUOI_4, VEILLE), (*COMMENT_4, "C"), id="comment-ajoute"),
        pytest.param({"comment": ["X", "Y"]}, (*POURQUOI_4, VEILLE), ("X", "Y"), id="comment-remplace"),
        pytest.param({"comment": ["X"], "comment_ajouts": ["C"]}, (*POURQUOI_4, VEILLE), ("X", "C"),
                     id="comment-remplace-et-ajoute"),
    ],
)  # fmt: skip
def test_pourquoi_et_comment_remplaces_ou_completes(
    changements: dict[str, Any], pourquoi: tuple[str, ...], comment: tuple[str, ...]
) -> None:
    conv = convention({f"actions[1].{cle}": valeur for cle, valeur in changements.items()})
    (resolue,) = [a for a in conv.actions_resolues if a.numero == 4]
    assert (resolue.intitule, resolue.lignes_pourquoi, resolue.lignes_comment) == (REF_4.intitule, pourquoi, comment)
    assert all(not p.sous_points for p in (*resolue.pourquoi, *resolue.comment))


# --- Échéancier par défaut -----------------------------------------------------------


@pytest.mark.parametrize(
    ("montant_etat", "signature", "avance", "date_avance", "solde", "date_solde"),
    [
        pytest.param(172000, "2009-03-02", "137600.00", "2009-03-02", "34400.00", "2009-10-01", id="a-la-signature"),
        pytest.param(172000, None, "137600.00", "2009-04-01", "34400.00", "2009-10-01", id="projet-sans-date"),
        pytest.param(1000, "2009-11-15", "800.00", "2009-11-15", "200.00", "2009-11-15", id="signe-apres-octobre"),
        pytest.param("100000.01", "2009-03-02", "80000.01", "2009-03-02", "20000.00", "2009-10-01", id="impair"),
        pytest.param("33333.33", "2009-03-02", "26666.66", "2009-03-02", "6666.67", "2009-10-01", id="tiers"),
        pytest.param("0.05", "2009-03-02", "0.04", "2009-03-02", "0.01", "2009-10-01", id="cinq-centimes"),
    ],
)
def test_echeancier_par_defaut_80_20_somme_exacte(
    montant_etat: object, signature: str | None, avance: str, date_avance: str, solde: str, date_solde: str
) -> None:
    conv = convention({"actions": [action_etat(montant_etat)], "signature.date": signature})
    premier, second = conv.versements_prevus
    assert (str(premier.montant), premier.date.isoformat(), premier.libelle) == (
        avance, date_avance, "avance de 80\xa0% à la signature"
    )  # fmt: skip
    assert (str(second.montant), second.date.isoformat(), second.libelle) == (solde, date_solde, "solde de 20\xa0%")
    assert premier.montant + second.montant == conv.total_etat


def test_echeancier_saisi_rendu_tel_quel() -> None:
    saisis = [{"date": dt.date(2009, 5, 1), "montant": "172000"}]
    (versement,) = convention({"versements": saisis}).versements_prevus
    assert (versement.date, versement.montant, versement.libelle) == (dt.date(2009, 5, 1), Decimal("172000.00"), None)


# --- Textes, forme et immuabilité ----------------------------------------------------


@pytest.mark.parametrize(
    ("saisi", "attendu"),
    [
        pytest.param("ligne 1\r\nligne 2", "ligne 1\nligne 2", id="crlf-windows"),
        pytest.param("ligne 1\rligne 2", "ligne 1\nligne 2", id="cr-seul"),
        pytest.param("a\r\n\r\nb", "a\n\nb", id="paragraphes"),
        pytest.param("a\n\tb", "a\n\tb", id="lf-et-tabulation-gardes"),
        pytest.param("  marges  ", "  marges  ", id="blancs-gardes"),
    ],
)
def test_fins_de_ligne_normalisees(saisi: str, attendu: str) -> None:
    conv = convention({"actions[0].methode": saisi, "structure.nom": saisi})
    assert (conv.actions[0].methode, conv.structure.nom) == (attendu, attendu)


def test_bipartite_tripartite_et_designation(exemples: Path) -> None:
    bretagne, auvergne = (charger(exemples / f) for f in ("bretagne_2009_bipartite.yaml",
                                                          "auvergne_2009_tripartite.yaml"))  # fmt: skip
    assert (bretagne.tripartite, auvergne.tripartite) == (False, True)
    assert bretagne.structure.designation == "Association régionale des missions locales de Bretagne (ARML Bretagne)"
    assert convention({"structure.sigle": None}).structure.designation == bretagne.structure.nom


@pytest.mark.parametrize(
    "affecter",
    [
        pytest.param(lambda c: setattr(c, "annee", 2010), id="convention"),
        pytest.param(lambda c: setattr(c.structure, "nom", "autre"), id="structure"),
        pytest.param(lambda c: setattr(c.actions[0].financements[0], "montant", Decimal(0)), id="financement"),
    ],
)
def test_modele_immuable(affecter: Any) -> None:
    conv = convention()
    with pytest.raises(ValidationError, match="frozen"):
        affecter(conv)


def test_action_resolue_immuable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        convention().actions_resolues[0].numero = 99  # type: ignore[misc]


# --- Propriété : tout texte est gardé tel quel ou refusé proprement ------------------

_PIEGES = ["&", "<", ">", '"', "'", "e\u0301", "\u0301", "😀", "👩\u200d👩\u200d👧", "🇫🇷", "\u202e", "שלום", "مرحبا",
           "\r\n", "\r", "\n", "\t", "\x0b", "\x0c", "\x00", "\x1f", "\x7f", "\x85", "\x9f", "\ud800", "\ufffe",
           "\uffff", "\ufeff", "\u2028", "\xa0", "\u202f", "\u3000", " "]  # fmt: skip
# Morceaux : texte quelconque (caractères de contrôle compris), pièges, pièges répétés (textes longs).
_MORCEAUX = st.one_of(
    st.text(max_size=40),
    st.sampled_from(_PIEGES),
    st.builds(lambda piege, n: piege * n, st.sampled_from([*_PIEGES, "x"]), st.integers(0, 2500)),
)
_TEXTES = st.lists(_MORCEAUX, max_size=30).map(lambda morceaux: "".join(morceaux)[:10_000])


def _admis_par_xml(c: str) -> bool:
    """Production « Char » de XML 1.0, moins les caractères de contrôle C1 (U+007F à U+009F)."""
    n = ord(c)
    return (n in (0x9, 0xA, 0xD) or 0x20 <= n <= 0xD7FF or 0xE000 <= n <= 0xFFFD or n >= 0x10000) and not (
        0x7F <= n <= 0x9F
    )


@settings(max_examples=150, deadline=None)
@given(texte=_TEXTES, champ=st.sampled_from(["structure.nom", "actions[0].methode"]))
def test_texte_quelconque_garde_ou_refuse(texte: str, champ: str) -> None:
    interdits = [(i, c) for i, c in enumerate(texte) if not _admis_par_xml(c)]
    normalise = texte.replace("\r\n", "\n").replace("\r", "\n")
    try:
        conv = depuis_donnees(modifier(donnees_valides(), {champ: texte}))
    except DonneesInvalides as exc:
        (constat,) = exc.constats
        assert constat.chemin == champ
        if interdits:
            i, c = interdits[0]
            assert constat.code == "texte-invalide"
            assert constat.message.startswith("texte inutilisable dans un document Word : ")
            assert constat.message.endswith(f"U+{ord(c):04X} en position {i + 1}")
        else:
            assert (constat.code, constat.message) == ("champ-vide", "ce champ ne peut pas être vide")
            assert not normalise.strip()
        return
    assert not interdits and normalise.strip()
    garde = conv.structure.nom if champ == "structure.nom" else conv.actions[0].methode
    assert garde == normalise


@pytest.mark.parametrize(
    ("changements", "forme", "droit_local"),
    [
        ({}, "association", False),  # ancien usage : statut « association »
        ({"structure.statut": "gip"}, "gip", False),
        ({"structure.statut": "carif"}, "autre", False),
        ({"structure.statut": "carif", "structure.forme_juridique": "gip"}, "gip", False),
        ({"structure.statut": SUPPRIMER, "structure.forme_juridique": "association"}, "association", False),
        ({"structure.adresse.code_postal": "67000"}, "association", True),
        ({"structure.adresse.code_postal": "57000"}, "association", True),
        ({"structure.adresse.code_postal": "68100"}, "association", True),
        ({"structure.adresse.code_postal": "69000"}, "association", False),
        ({"structure.adresse.code_postal": "67000", "structure.forme_juridique": "gip"}, "gip", False),
    ],
    ids=["statut-association", "statut-gip", "role-seul", "role-et-forme", "forme-seule", "bas-rhin", "moselle",
         "haut-rhin", "rhone", "gip-strasbourg"],
)  # fmt: skip
def test_forme_juridique_distincte_du_role(changements: dict[str, Any], forme: str, droit_local: bool) -> None:
    structure = convention(changements).structure
    assert (structure.forme, structure.droit_local) == (forme, droit_local)


def test_ni_forme_ni_statut_refuse() -> None:
    with pytest.raises(DonneesInvalides) as exc:
        depuis_donnees(modifier(donnees_valides(), {"structure.statut": SUPPRIMER}))
    assert [(c.code, c.chemin) for c in exc.value.constats] == [("champ-manquant", "structure")]
    assert "forme_juridique" in exc.value.constats[0].message


@pytest.mark.parametrize(
    ("valeur", "code"),
    [("association", None), ("gip", None), ("autre", None), ("carif", "donnee-invalide")],
)
def test_forme_juridique_valeurs(valeur: str, code: str | None) -> None:
    donnees = modifier(donnees_valides(), {"structure.forme_juridique": valeur})
    if code is None:
        assert depuis_donnees(donnees).structure.forme == valeur
    else:
        with pytest.raises(DonneesInvalides) as exc:
            depuis_donnees(donnees)
        assert [(c.code, c.chemin) for c in exc.value.constats] == [(code, "structure.forme_juridique")]


def test_comptable_saisi() -> None:
    comptable = "le receveur général des finances"
    assert convention({"etat.comptable": comptable}).etat.comptable == comptable
    assert convention().etat.comptable is None


@pytest.mark.parametrize(
    ("valeur", "attendu"),
    [(True, True), ("oui", True), ("Vrai", True), ("non", False), ("FAUX", False), (SUPPRIMER, False),
     ("peut-être", None)],
)  # fmt: skip
def test_afficher_ratio(valeur: Any, attendu: bool | None) -> None:
    """Booléen, ou « oui »/« non » d'un classeur français ; absent : le ratio reste hors de l'article 3."""
    donnees = donnees_valides()
    donnees["afficher_ratio"] = valeur
    if valeur is SUPPRIMER:
        del donnees["afficher_ratio"]
    if attendu is None:
        with pytest.raises(DonneesInvalides) as exc:
            depuis_donnees(donnees)
        assert [(c.code, c.chemin) for c in exc.value.constats] == [("donnee-invalide", "afficher_ratio")]
    else:
        assert depuis_donnees(donnees).afficher_ratio is attendu


@pytest.mark.parametrize(
    ("arrete", "code"),
    [({"numero": "09-0012", "date": "2009-01-12"}, None), ({"numero": "09-0012"}, "champ-manquant"),
     ({"numero": "09-0012", "date": "2009-01-12", "objet": "x"}, "champ-inconnu")],
)  # fmt: skip
def test_arrete_de_delegation(arrete: dict[str, str], code: str | None) -> None:
    donnees = modifier(donnees_valides(), {"etat.delegataire.arrete": arrete})
    if code is None:
        delegataire = depuis_donnees(donnees).etat.delegataire
        assert delegataire is not None and delegataire.arrete is not None
        assert (delegataire.arrete.numero, delegataire.arrete.date) == ("09-0012", dt.date(2009, 1, 12))
    else:
        with pytest.raises(DonneesInvalides) as exc:
            depuis_donnees(donnees)
        assert [c.code for c in exc.value.constats] == [code]
