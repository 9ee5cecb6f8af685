"""Avenant : modifications relevées, refus, texte des articles, document rendu, commande."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import RACINE, convgen
from docx_texte import convention_exemple, donnees_exemple, modifier, texte_docx, texte_pdf

from convgen.avenant import comparer, controler_avenant
from convgen.chargement import depuis_donnees
from convgen.contexte_avenant import ContexteAvenant, construire_contexte_avenant
from convgen.cycle import GABARIT_AVENANT, generer_avenant
from convgen.erreurs import DonneesInvalides, FichierExistant, Gravite
from convgen.gabarit.rendu import chemin_gabarit_par_defaut
from convgen.gabarit.verification import verifier_gabarit
from convgen.modele import Convention

INITIALE = RACINE / "donnees_exemple" / "auvergne_2009_tripartite.yaml"
MODIFIEE = RACINE / "donnees_exemple" / "auvergne_2009_avenant_1.yaml"
GOLDEN = Path(__file__).parent / "golden" / "avenant_1_auvergne_2009.txt"
ACTION_LOCALE = {
    "objectif": 2,
    "intitule": "Journée régionale des conseillers",
    "pourquoi": ["Diffuser les pratiques"],
    "comment": ["Une journée d’échanges"],
    "methode": "L’ARML organise la journée.",
    "echeancier": "Novembre 2009.",
    "indicateurs": ["1 journée, 80 conseillers"],
    "financements": [{"financeur": "conseil_regional", "montant": 5000}],
}


def auvergne(changements: dict[str, Any] | None = None, *, actions: list[Any] | None = None) -> Convention:
    donnees = modifier(donnees_exemple("auvergne"), changements or {})
    if actions is not None:
        donnees["actions"] = actions
    return depuis_donnees(donnees)


def _sans_action_12() -> list[Any]:
    return [a for a in donnees_exemple("auvergne")["actions"] if a.get("numero") != 12]


# --- Ce que comparer relève, par sorte de changement ------------------------------------------------

SORTES = [
    ("montant d'une action", {"actions[0].cout": 31500.50, "actions[0].financements[0].montant": 22500.50,
                               "versements[1].montant": 19000}, None,
     ["cout-total", "contribution-etat", "versements", "action-cout", "action-financements"]),
    ("action ajoutée", {}, [*donnees_exemple("auvergne")["actions"], ACTION_LOCALE],
     ["cout-total", "contribution-region", "action-ajoutee"]),
    ("action retirée", {"versements[1].montant": 5300}, _sans_action_12(),
     ["cout-total", "contribution-etat", "contribution-region", "versements", "action-retiree"]),
    ("versements", {"versements[1].date": dt.date(2009, 11, 2)}, None, ["versements"]),
    ("signataire", {"etat.prefet.nom": "Dupont"}, None, ["signataire"]),
    ("compte bancaire", {"structure.iban": "FR1420041010050500013M02606"}, None, ["coordonnees-bancaires"]),
    ("description seule", {"actions[1].echeancier": "Recueil publié en décembre 2009."}, None,
     ["action-description"]),
    ("budget des missions locales", {"budget_missions_locales": 3600000}, None, ["budget-missions-locales"]),
]  # fmt: skip


@pytest.mark.parametrize(("sorte", "changements", "actions", "objets"), SORTES, ids=[s[0] for s in SORTES])
def test_comparer_releve_chaque_sorte(
    sorte: str, changements: dict[str, Any], actions: list[Any] | None, objets: list[str]
) -> None:
    modifiee = auvergne(changements, actions=actions)
    assert sorted(m.objet for m in comparer(auvergne(), modifiee)) == sorted(objets)
    assert [c.code for c in controler_avenant(auvergne(), modifiee) if c.gravite is Gravite.ERREUR] == []


def test_une_modification_dit_avant_et_apres() -> None:
    assert comparer(auvergne(), convention_exemple("auvergne")) == []
    modifiee = auvergne({"actions[0].cout": 31500.50, "actions[0].financements[0].montant": 22500.50,
                         "versements[1].montant": 19000})  # fmt: skip
    par_objet = {m.objet: m for m in comparer(auvergne(), modifiee)}
    assert (par_objet["contribution-etat"].avant, par_objet["contribution-etat"].apres) == (
        Decimal("60000.50"),
        Decimal("64000.50"),
    )
    assert par_objet["contribution-etat"].article == 4
    assert par_objet["action-cout"].chemin == "actions[0].cout"
    assert par_objet["action-cout"].action == 1


# --- Refus ------------------------------------------------------------------------------------------

REFUS = [
    ("identiques", {}, None, "avenant-sans-modification"),
    ("autre région", {"region": "Limousin"}, None, "avenant-parties-differentes"),
    ("autre année", {"annee": 2010}, None, "avenant-parties-differentes"),
    ("autre structure", {"structure.siret": "73282932000074"}, None, "avenant-parties-differentes"),
    ("la Région se retire", {"conseil_regional": None}, None, "avenant-parties-differentes"),
    ("convention modifiée invalide", {"actions[0].cout": 1}, None, "financement-incoherent"),
    ("échéancier faux", {"versements[1].montant": 1}, None, "versements-incoherents"),
]  # fmt: skip


@pytest.mark.parametrize(("cas", "changements", "date", "code"), REFUS, ids=[r[0] for r in REFUS])
def test_refus(cas: str, changements: dict[str, Any], date: dt.date | None, code: str, tmp_path: Path) -> None:
    if changements.get("conseil_regional", 0) is None:
        donnees = donnees_exemple("auvergne")
        del donnees["conseil_regional"]
        modifiee = depuis_donnees(donnees)
    else:
        modifiee = auvergne(changements)
    codes = [c.code for c in controler_avenant(auvergne(), modifiee, date=date) if c.gravite is Gravite.ERREUR]
    assert code in codes
    with pytest.raises(DonneesInvalides) as exc:
        generer_avenant(auvergne(), modifiee, tmp_path / "a.docx", date=date)
    assert code in {c.code for c in exc.value.constats}
    assert not (tmp_path / "a.docx").exists()


DATES = [
    (dt.date(2009, 2, 15), {"versements[1].montant": 19000, "actions[0].cout": 31500.50,
                            "actions[0].financements[0].montant": 22500.50}, "signature de la convention"),
    (dt.date(2009, 3, 1), {"etat.prefet.nom": "Dupont"}, "le 1er\xa0mars\xa02009"),
    (dt.date(2009, 5, 1), {"versements[0].montant": 40000.50, "versements[1].montant": 20000},
     "échu avant l’avenant"),
]  # fmt: skip


@pytest.mark.parametrize(("date", "changements", "extrait"), DATES)
def test_dates_incoherentes(date: dt.date, changements: dict[str, Any], extrait: str) -> None:
    constats = [c for c in controler_avenant(auvergne(), auvergne(changements), date=date) if c.gravite == "erreur"]
    assert [c.code for c in constats] == ["dates-incoherentes"]
    assert extrait in constats[0].message


def test_versement_echu_inchange_accepte() -> None:
    modifiee = auvergne({"versements[1].date": dt.date(2009, 11, 2)})
    assert [c for c in controler_avenant(auvergne(), modifiee, date=dt.date(2009, 5, 1)) if c.gravite == "erreur"] == []


# --- Le texte des articles ----------------------------------------------------------------------------

TEXTES = [
    ({"actions[0].cout": 31500.50, "actions[0].financements[0].montant": 22500.50, "versements[1].montant": 19000},
     "Le coût total prévisionnel du programme est porté de 101\u202f000,50\xa0€ à 105\u202f000,50\xa0€ (cent cinq "
     "mille euros et cinquante centimes). Il représente désormais 3,00\xa0% du budget global des missions locales."),
    ({"actions[0].cout": 31500.50, "actions[0].financements[0].montant": 22500.50, "versements[1].montant": 19000},
     "La contribution de l’État est portée de 60\u202f000,50\xa0€ à 64\u202f000,50\xa0€ (soixante-quatre mille "
     "euros et cinquante centimes)."),
    ({"actions[0].cout": 23500.50, "actions[0].financements[0].montant": 14500.50, "versements[1].montant": 11000},
     "La contribution de l’État est ramenée de 60\u202f000,50\xa0€ à 56\u202f000,50\xa0€ (cinquante-six mille "
     "euros et cinquante centimes)."),
    ({"etat.prefet.nom": "Dupont"},
     "le préfet de région\xa0: M.\xa0Dominique Dupont, au lieu de M.\xa0Dominique Schmitt."),
    ({"actions[1].echeancier": "Recueil publié en décembre 2009."},
     "la description de l’action n°\xa03 est modifiée (échéancier)."),
]  # fmt: skip


@pytest.mark.parametrize(("changements", "alinea"), TEXTES)
def test_texte_des_articles(changements: dict[str, Any], alinea: str) -> None:
    contexte = construire_contexte_avenant(auvergne(), auvergne(changements), date=dt.date(2009, 9, 15))
    textes = [t for a in contexte["avenant"]["articles"] for t in (*a["alineas"], *a["puces"])]
    assert alinea in textes
    dernier = contexte["avenant"]["articles"][-1]
    assert "Les autres stipulations de la convention demeurent inchangées." in dernier["alineas"]


def test_articles_numerotes_et_annexe_restreinte() -> None:
    contexte = construire_contexte_avenant(auvergne(), auvergne(actions=[*donnees_exemple("auvergne")["actions"],
                                                                         ACTION_LOCALE]))  # fmt: skip
    assert [a["numero"] for a in contexte["avenant"]["articles"]] == ["1er", "2", "3", "4"]
    assert [o["numero"] for m in contexte["annexe"]["missions"] for o in m["objectifs"]] == ["2"]
    assert contexte["signature"]["mention"].startswith("Fait à " + "\u2026" * 12)
    assert (
        contexte["convention"]["entete"]
        == "Avenant n°\xa01 à la convention annuelle d’objectifs 2009 n°\xa0DRTEFP-AUV-2009-007"
    )


# --- Le document ------------------------------------------------------------------------------------


def test_gabarits_du_cycle_sains_et_reconstruits_a_l_identique(tmp_path: Path) -> None:
    """``gabarits/fabriquer_cycle.py`` refait, octet pour octet, les deux gabarits livrés (avenant, bilan)."""
    from convgen.contexte_bilan import ContexteBilan
    from convgen.cycle import GABARIT_BILAN

    assert verifier_gabarit(chemin_gabarit_par_defaut(GABARIT_AVENANT), schema=ContexteAvenant) == []
    assert verifier_gabarit(chemin_gabarit_par_defaut(GABARIT_BILAN), schema=ContexteBilan) == []
    copie = tmp_path / "gabarits"
    copie.mkdir()
    (copie / "fabriquer_cycle.py").write_bytes((RACINE / "gabarits" / "fabriquer_cycle.py").read_bytes())
    (copie / "fabrique").symlink_to(RACINE / "gabarits" / "fabrique")
    subprocess.run([sys.executable, str(copie / "fabriquer_cycle.py")], check=True, capture_output=True, timeout=120)
    for nom in (GABARIT_AVENANT, GABARIT_BILAN):
        assert (copie / nom).read_bytes() == chemin_gabarit_par_defaut(nom).read_bytes(), nom


def test_texte_de_reference(tmp_path: Path) -> None:
    from convgen.chargement import charger

    chemin = generer_avenant(charger(INITIALE), charger(MODIFIEE), tmp_path / "a.docx", date=dt.date(2009, 9, 15),
                             lieu="Clermont-Ferrand")  # fmt: skip
    assert chemin is not None
    texte = texte_docx(chemin)
    if os.environ.get("CONVGEN_REGENERER_GOLDEN") == "1":
        GOLDEN.write_text(texte, encoding="utf-8")
    assert texte.splitlines() == GOLDEN.read_text(encoding="utf-8").splitlines()


def test_jamais_ecrase_sans_autorisation(tmp_path: Path) -> None:
    modifiee = auvergne({"etat.prefet.nom": "Dupont"})
    generer_avenant(auvergne(), modifiee, tmp_path / "a.docx")
    with pytest.raises(FichierExistant):
        generer_avenant(auvergne(), modifiee, tmp_path / "a.docx")
    assert generer_avenant(auvergne(), modifiee, tmp_path / "a.docx", ecraser=True) == tmp_path / "a.docx"


# --- La commande ----------------------------------------------------------------------------------------


def test_commande_avenant(tmp_path: Path) -> None:
    resultat = convgen("avenant", INITIALE, MODIFIEE, "--sortie", tmp_path, "--date", "2009-09-15", "--numero", "2")
    assert resultat.returncode == 0, resultat.stderr
    assert (tmp_path / "avenant_2_2009_auvergne.docx").is_file()
    assert "modifié : article 4 : la contribution de l’État" in resultat.stdout
    assert "modifié : annexe : le coût de l’action n°\xa01" in resultat.stdout
    refus = convgen("avenant", INITIALE, INITIALE, "--sortie", tmp_path / "refus")
    assert refus.returncode == 1
    assert "avenant-sans-modification" in refus.stdout
    assert not (tmp_path / "refus").exists()


@pytest.mark.lent
def test_commande_avenant_pdf(outils: None, tmp_path: Path) -> None:
    resultat = convgen("avenant", INITIALE, MODIFIEE, "--sortie", tmp_path, "--pdf", "--lieu", "Clermont-Ferrand")
    assert resultat.returncode == 0, resultat.stderr
    texte = texte_pdf(tmp_path / "avenant_1_2009_auvergne.pdf")
    assert "Avenant n° 1" in texte
    assert "Les autres stipulations de la convention demeurent inchangées." in texte


def test_projet_laisse_la_date_en_blanc() -> None:
    contexte = construire_contexte_avenant(
        auvergne(), auvergne({"etat.prefet.nom": "Dupont"}), date=dt.date(2009, 9, 15), lieu="Clermont-Ferrand",
        projet=True,
    )  # fmt: skip
    assert (
        contexte["signature"]["mention"] == f"Fait à Clermont-Ferrand, le {'…' * 12}, en trois exemplaires originaux."
    )
    assert contexte["convention"]["mention_projet"] == "PROJET"


@pytest.mark.parametrize(
    ("actions", "debut", "objectifs"),
    [
        ([a for a in donnees_exemple("auvergne")["actions"] if "objectif" not in a], "Les objectifs dont le présent "
         "avenant retire les actions n’en comptent plus aucune", []),
        ([*donnees_exemple("auvergne")["actions"], ACTION_LOCALE], "Les objectifs dont une action est ajoutée", ["2"]),
        (None, "Le présent avenant ne modifie aucune action", []),
    ],
    ids=["objectif-vide", "objectif-complete", "sans-action"],
)  # fmt: skip
def test_annexe_de_l_avenant(actions: list[Any] | None, debut: str, objectifs: list[str]) -> None:
    changements = {} if actions is not None else {"etat.prefet.nom": "Dupont"}
    contexte = construire_contexte_avenant(auvergne(), auvergne(changements, actions=actions))
    assert contexte["avenant"]["annexe_texte"].startswith(debut)
    assert [o["numero"] for m in contexte["annexe"]["missions"] for o in m["objectifs"]] == objectifs


@pytest.mark.parametrize(("sorte", "changements", "actions", "objets"), SORTES, ids=[s[0] for s in SORTES])
def test_chaque_sorte_rendue(
    sorte: str, changements: dict[str, Any], actions: list[Any] | None, objets: list[str]
) -> None:
    """Chaque sorte de modification donne un document Word complet, relu par python-docx."""
    import io

    tampon = io.BytesIO()
    generer_avenant(auvergne(), auvergne(changements, actions=actions), tampon, date=dt.date(2009, 3, 15))
    texte = texte_docx(tampon.getvalue())
    assert "Les autres stipulations de la convention demeurent inchangées." in texte
    assert "Synthèse financière" in texte
    article_5 = {"versements", "coordonnees-bancaires"} & set(objets)
    assert ("L’article 5 de la convention est ainsi modifié⍽:" in texte) == bool(article_5)


def test_article_5_annonce_l_echeancier_en_dernier() -> None:
    modifiee = auvergne({"structure.iban": "FR1420041010050500013M02606", "versements[1].date": dt.date(2009, 11, 2)})
    (article,) = [
        a for a in construire_contexte_avenant(auvergne(), modifiee)["avenant"]["articles"] if a["echeancier"]
    ]
    assert article["alineas"][1].startswith("La contribution est créditée au compte")
    assert article["alineas"][-1].startswith("La contribution de l’État est versée selon l’échéancier suivant")


def test_gabarit_personnalise_verifie_contre_le_contexte_de_l_avenant(tmp_path: Path) -> None:
    gabarit = RACINE / "gabarits" / "convention_dgefp_2008_15.docx"  # celui de la convention : pas le bon contrat
    resultat = convgen("avenant", INITIALE, MODIFIEE, "--sortie", tmp_path, "--gabarit", gabarit)
    assert resultat.returncode == 1
    assert "variable inconnue « versements_par_defaut »" in resultat.stderr
    assert list(tmp_path.iterdir()) == []
    livre = chemin_gabarit_par_defaut(GABARIT_AVENANT)
    assert convgen("avenant", INITIALE, MODIFIEE, "--sortie", tmp_path, "--gabarit", livre).returncode == 0
