"""Compte rendu d'exécution : réalisation, contrôles, reversement dû, document, classeur, commande."""

from __future__ import annotations

import copy
import io
import os
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import RACINE, convgen, modifier
from docx.oxml.ns import qn
from docx_texte import convention_exemple, ouvrir, texte_docx, texte_pdf
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from convgen.bilan import (
    Realisation,
    comparer_bilan,
    controler_bilan,
    depuis_donnees_realisation,
    reversement_du,
)
from convgen.contexte_bilan import ContexteBilan, construire_contexte_bilan
from convgen.cycle import GABARIT_BILAN, charger_realisation, generer_bilan, rendre_bilan
from convgen.erreurs import DonneesInvalides, Gravite
from convgen.francais import euros
from convgen.gabarit.rendu import chemin_gabarit_par_defaut
from convgen.gabarit.verification import verifier_gabarit

pytestmark = pytest.mark.usefixtures("polices_matplotlib")
CONVENTION = RACINE / "donnees_exemple" / "auvergne_2009_tripartite.yaml"
REALISATION = RACINE / "donnees_exemple" / "auvergne_2009_realisation.yaml"
GOLDEN = Path(__file__).parent / "golden" / "bilan_auvergne_2009.txt"
_EXEMPLE = yaml.safe_load(REALISATION.read_text(encoding="utf-8"))


def realisation(changements: dict[str, Any] | None = None, *, sans: tuple[int, ...] = ()) -> Realisation:
    """La réalisation d'exemple, modifiée ; ``sans`` retire les actions de ces numéros."""
    donnees = modifier(copy.deepcopy(_EXEMPLE), changements or {})
    donnees["actions"] = [a for a in donnees["actions"] if a["numero"] not in sans]
    return depuis_donnees_realisation(donnees)


# --- Le reversement, cas par cas ---------------------------------------------------------------------

CAS = [
    # (cas, changements, actions retirées, coût réalisé total, reversement dû)
    ("sous-consommation", {}, (), "96300.00", "4700.50"),
    ("surconsommation", {"actions[0].cout_realise": 40000}, (), "111300.00", "0.00"),
    ("coût égal aux financements", {"actions[0].cout_realise": 29700.50}, (), "101000.50", "0.00"),
    ("réalisation partielle", {}, (17,), "88300.00", "4700.50"),
    ("plafonné à ce que l'État a versé", {"actions[0].cout_realise": 0, "actions[1].cout_realise": 0,
                                           "actions[2].cout_realise": 0, "actions[3].cout_realise": 0,
                                           "actions[4].cout_realise": 0}, (), "0.00", "60000.50"),
    ("rien de versé", {"versements_recus": []}, (), "96300.00", "0.00"),
]  # fmt: skip


@pytest.mark.parametrize(("cas", "changements", "sans", "cout", "du"), CAS, ids=[c[0] for c in CAS])
def test_reversement(cas: str, changements: dict[str, Any], sans: tuple[int, ...], cout: str, du: str) -> None:
    bilan = comparer_bilan(convention_exemple("auvergne"), realisation(changements, sans=sans))
    assert bilan.total.realise == Decimal(cout)
    assert bilan.etat.reversement == Decimal(du)
    conclusion = construire_contexte_bilan(bilan)["bilan"]["etat"]["conclusion"]
    assert conclusion.startswith("Le reversement dû" if Decimal(du) else "Aucun reversement n’est dû")


montants = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(verse=montants, autres=montants, cout=montants)
def test_propriete_du_reversement(verse: Decimal, autres: Decimal, cout: Decimal) -> None:
    du = reversement_du(verse, autres, cout)
    assert Decimal(0) <= du <= verse
    if cout >= verse + autres:
        assert du == 0
    else:
        assert du == min(verse, verse + autres - cout)


# --- Contrôles ----------------------------------------------------------------------------------------

CONTROLES = [
    ("autre année", {"annee": 2010}, (), "bilan-convention-differente", Gravite.ERREUR, "annee"),
    ("autre région", {"region": "Limousin"}, (), "bilan-convention-differente", Gravite.ERREUR, "region"),
    ("action inconnue", {"actions[4].numero": 18}, (), "bilan-action-inconnue", Gravite.ERREUR, "actions[4].numero"),
    ("action non renseignée", {}, (12,), "bilan-action-non-renseignee", Gravite.ALERTE, "actions"),
    ("versements incohérents", {"versements_recus[1].montant": 10000}, (), "bilan-versements-incoherents",
     Gravite.ALERTE, "versements_recus"),
    ("action en double", {"actions[4].numero": 1}, (), "action-en-double", Gravite.ERREUR, "actions[4].numero"),
]  # fmt: skip


@pytest.mark.parametrize(("cas", "changements", "sans", "code", "gravite", "chemin"), CONTROLES,
                         ids=[c[0] for c in CONTROLES])  # fmt: skip
def test_controles(
    cas: str, changements: dict[str, Any], sans: tuple[int, ...], code: str, gravite: Gravite, chemin: str
) -> None:
    constats = controler_bilan(convention_exemple("auvergne"), realisation(changements, sans=sans))
    assert [(c.code, c.gravite, c.chemin) for c in constats if c.code == code] == [(code, gravite, chemin)]


def test_exemple_sans_constat_et_refus_sans_rien_ecrire(tmp_path: Path) -> None:
    assert controler_bilan(convention_exemple("auvergne"), realisation()) == []
    with pytest.raises(DonneesInvalides) as exc:
        generer_bilan(convention_exemple("auvergne"), realisation({"region": "Limousin"}), tmp_path / "b.docx")
    assert [c.code for c in exc.value.constats] == ["bilan-convention-differente"]
    assert not (tmp_path / "b.docx").exists()


@pytest.mark.parametrize(
    ("contenu", "code", "ligne"),
    [
        ("annee: 2009\nregion: Auvergne\ndate: 2010-03-15\nacteurs: []\n", "champ-inconnu", 4),
        ("annee: 2009\nregion: Auvergne\ndate: 2010-03-15\nactions:\n  - numero: 1\n    cout_realise: -5\n",
         "donnee-invalide", 6),
        ("annee: 2009\nregion: Auvergne\nactions: []\n", "champ-manquant", None),
    ],
)  # fmt: skip
def test_realisation_mal_formee(tmp_path: Path, contenu: str, code: str, ligne: int | None) -> None:
    chemin = tmp_path / "realisation.yaml"
    chemin.write_text(contenu, encoding="utf-8")
    with pytest.raises(DonneesInvalides) as exc:
        charger_realisation(chemin)
    assert (code, ligne) in [(c.code, c.ligne) for c in exc.value.constats]


def test_realisation_en_json(tmp_path: Path) -> None:
    import json

    chemin = tmp_path / "realisation.json"
    chemin.write_text(json.dumps(_EXEMPLE, default=str), encoding="utf-8")
    assert charger_realisation(chemin) == charger_realisation(REALISATION)


# --- Le document et le classeur -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def produits(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dossier = tmp_path_factory.mktemp("bilan")
    resultat = convgen("bilan", CONVENTION, REALISATION, "--sortie", dossier)
    assert resultat.returncode == 0, resultat.stderr
    return dossier


def test_commande_bilan(produits: Path, tmp_path: Path) -> None:
    assert sorted(p.name for p in produits.iterdir()) == ["bilan_2009_auvergne.docx", "bilan_2009_auvergne.xlsx"]
    autre = tmp_path / "autre.yaml"
    autre.write_text(yaml.safe_dump({**_EXEMPLE, "annee": 2010}, allow_unicode=True), encoding="utf-8")
    refus = convgen("bilan", CONVENTION, autre, "--sortie", tmp_path / "refus")
    assert refus.returncode == 1
    assert "bilan-convention-differente" in refus.stdout
    assert not (tmp_path / "refus").exists()


def test_texte_de_reference(produits: Path) -> None:
    texte = texte_docx(produits / "bilan_2009_auvergne.docx")
    if os.environ.get("CONVGEN_REGENERER_GOLDEN") == "1":
        GOLDEN.write_text(texte, encoding="utf-8")
    assert texte.splitlines() == GOLDEN.read_text(encoding="utf-8").splitlines()


def test_graphique_incorpore_avec_texte_de_remplacement(produits: Path) -> None:
    docx = produits / "bilan_2009_auvergne.docx"
    with zipfile.ZipFile(docx) as archive:
        (image,) = [n for n in archive.namelist() if n.startswith("word/media/")]
        png = archive.read(image)
    assert png.startswith(b"\x89PNG") and len(png) > 5000  # le graphique, pas l'image d'un pixel du gabarit
    (doc_pr,) = ouvrir(docx).element.body.iter(qn("wp:docPr"))
    assert doc_pr.get("descr").startswith("Graphique en barres du coût prévu et du coût réalisé par mission.")
    assert "Mission I\xa0: prévu 27\u202f500,50\xa0€, réalisé 25\u202f000,00\xa0€" in doc_pr.get("descr")


def _cellules(docx: Path) -> list[list[str]]:
    doc = ouvrir(docx)
    return [[c.text for c in r.cells] for t in doc.tables for r in t.rows]


def test_classeur_egal_au_document(produits: Path) -> None:
    lignes_docx = _cellules(produits / "bilan_2009_auvergne.docx")
    classeur = load_workbook(produits / "bilan_2009_auvergne.xlsx")
    actions = list(classeur["Actions"].iter_rows(min_row=2, values_only=True))
    assert len(actions) == 6
    for numero, _, _, intitule, prevu, realise, ecart, *_ in actions[:-1]:
        attendu = [euros(Decimal(str(v))) for v in (prevu, realise, ecart)]
        (ligne,) = [r for r in lignes_docx if len(r) == 6 and r[0] == str(numero) and r[1].startswith(intitule)]
        assert ligne[2:5] == attendu
    position = dict(classeur["État"].iter_rows(min_row=2, values_only=True))
    tableau_etat = {r[0]: r[1] for r in lignes_docx if len(r) == 2}
    assert tableau_etat["Reversement dû à l’État"] == euros(Decimal(str(position["Reversement dû (article 9)"])))
    assert tableau_etat["Coût réalisé total du programme"] == euros(Decimal(str(position["Coût réalisé total"])))
    financeurs = {r[0]: r[1:] for r in classeur["Financeurs"].iter_rows(min_row=2, values_only=True)}
    for ligne in lignes_docx:
        if ligne[0] in financeurs:
            assert ligne[1:4] == [euros(Decimal(str(v))) for v in financeurs[ligne[0]][:3]]


def test_gabarit_livre_sain() -> None:
    assert verifier_gabarit(chemin_gabarit_par_defaut(GABARIT_BILAN), schema=ContexteBilan) == []


def test_reproductible() -> None:
    premier, _ = rendre_bilan(convention_exemple("auvergne"), realisation())
    second, _ = rendre_bilan(convention_exemple("auvergne"), realisation())
    assert premier == second


def test_ecrit_dans_un_fichier_ouvert() -> None:
    tampon = io.BytesIO()
    assert generer_bilan(convention_exemple("auvergne"), realisation(sans=(17,)), tampon) is None
    texte = texte_docx(tampon.getvalue())
    assert "l’action n°⍽17 (Animation du réseau des référents « justice » des missions locales)" in texte
    assert "(non renseignée⍽: comptée pour zéro)" in texte
    # Word exige un paragraphe par cellule : une liste de résultats vide ne doit pas vider la sienne.
    cellules = list(ouvrir(tampon.getvalue()).element.body.iter(qn("w:tc")))
    assert cellules and all(c.findall(qn("w:p")) for c in cellules)


@pytest.mark.lent
def test_bilan_pdf(outils: None, tmp_path: Path) -> None:
    resultat = convgen("bilan", CONVENTION, REALISATION, "--sortie", tmp_path, "--pdf")
    assert resultat.returncode == 0, resultat.stderr
    texte = texte_pdf(tmp_path / "bilan_2009_auvergne.pdf")
    assert "Le reversement dû à l’État s’élève à 4 700,50 € (quatre mille sept cents euros et cinquante centimes)." in (
        texte
    )


# --- La réalisation en feuille de classeur ------------------------------------------------------------


def classeur_realisation(chemin: Path, donnees: dict[str, Any], *, entetes: bool = True) -> Path:
    """La réalisation écrite dans une feuille « Réalisation » (données générales, puis tableau des actions)."""
    from openpyxl import Workbook

    classeur = Workbook()
    feuille = classeur.active
    feuille.title = "Réalisation"
    for libelle, cle in (("Année", "annee"), ("Région", "region"), ("Date", "date")):
        feuille.append([libelle, donnees[cle]])
    for versement in donnees["versements_recus"]:
        feuille.append(["Versement reçu", versement["date"], versement["montant"]])
    feuille.append([])
    if entetes:
        feuille.append(["N° action", "Coût réalisé", "Financeur", "Montant", "Résultats atteints", "Commentaire"])
    for action in donnees["actions"]:
        for rang, f in enumerate(action["financements"]):
            premier = rang == 0
            feuille.append([
                action["numero"], action["cout_realise"] if premier else None,
                "État" if f["financeur"] == "etat" else f["financeur"], f["montant"],
                "\n".join(action.get("indicateurs", [])) if premier else None,
                action.get("commentaire") if premier else None,
            ])  # fmt: skip
    classeur.save(chemin)
    return chemin


def test_realisation_en_classeur(tmp_path: Path) -> None:
    chemin = classeur_realisation(tmp_path / "realisation.xlsx", _EXEMPLE)
    assert charger_realisation(chemin) == charger_realisation(REALISATION)


def test_realisation_en_classeur_erreur_situee(tmp_path: Path) -> None:
    fautive = modifier(copy.deepcopy(_EXEMPLE), {"actions[1].financements[1].montant": "douze"})
    with pytest.raises(DonneesInvalides) as exc:
        charger_realisation(classeur_realisation(tmp_path / "realisation.xlsx", fautive))
    (constat,) = exc.value.constats
    # lignes 1 à 5 : données générales ; 6 vide ; 7 en-têtes ; action 1 en 8-10, action 3 en 11-12
    assert (constat.code, constat.feuille, constat.ligne, constat.chemin) == (
        "montant-invalide",
        "Réalisation",
        12,
        "actions[1].financements[1].montant",
    )


def test_realisation_en_classeur_sans_tableau(tmp_path: Path) -> None:
    from convgen.erreurs import FichierIllisible

    with pytest.raises(FichierIllisible, match="N° action"):
        charger_realisation(classeur_realisation(tmp_path / "r.xlsx", _EXEMPLE, entetes=False))


@settings(max_examples=60, deadline=None)
@given(
    couts=st.lists(montants, min_size=5, max_size=5),
    recus=st.lists(montants, max_size=3),
    autres=st.lists(montants, min_size=5, max_size=5),
)
def test_propriete_du_reversement_sur_un_bilan(
    couts: list[Decimal], recus: list[Decimal], autres: list[Decimal]
) -> None:
    """Réalisations quelconques de la convention d’Auvergne : jamais plus que versé ; rien si tout est dépensé."""
    donnees = copy.deepcopy(_EXEMPLE)
    donnees["versements_recus"] = [{"date": "2009-04-03", "montant": m} for m in recus]
    for action, cout, autre in zip(donnees["actions"], couts, autres, strict=True):
        action["cout_realise"] = cout
        action["financements"] = [{"financeur": "Fonds social européen (FSE)", "montant": autre}]
    position = comparer_bilan(convention_exemple("auvergne"), depuis_donnees_realisation(donnees)).etat
    assert Decimal(0) <= position.reversement <= position.verse == sum(recus, Decimal(0))
    if position.cout_realise >= position.verse + position.autres_realises:
        assert position.reversement == 0


def test_realisation_en_classeur_formule_sans_valeur_refusee(tmp_path: Path) -> None:
    from convgen.erreurs import FichierIllisible

    formule = modifier(copy.deepcopy(_EXEMPLE), {"actions[0].cout_realise": "=20000+5000"})
    with pytest.raises(FichierIllisible, match="formule sans valeur enregistrée"):
        charger_realisation(classeur_realisation(tmp_path / "r.xlsx", formule))


def test_classeur_sans_formule_venue_des_donnees(tmp_path: Path) -> None:
    from convgen.tableur.bilan import classeur_bilan

    piege = '=HYPERLINK("http://exemple.invalid","clic")'
    realisee = realisation({"actions[0].financements[2].financeur": piege})
    chemin = tmp_path / "b.xlsx"
    chemin.write_bytes(classeur_bilan(comparer_bilan(convention_exemple("auvergne"), realisee)))
    feuille = load_workbook(chemin)["Financeurs"]
    (cellule,) = [c for c in feuille["A"] if c.value == piege]
    assert cellule.data_type == "s"


@pytest.mark.parametrize("chemin", ["actions[0].financements[0].montant", "versements_recus[0].montant"])
def test_montant_realise_negatif_refuse(chemin: str) -> None:
    with pytest.raises(DonneesInvalides) as exc:
        realisation({chemin: -1})
    assert [c.chemin for c in exc.value.constats] == [chemin]


def test_sans_image_graphique_le_document_reste_tel_quel() -> None:
    """Un gabarit personnalisé sans image « Graphique » : rien à remplacer, le document rendu reste intact."""
    from convgen.gabarit.images import remplacer_image

    convention = (RACINE / "gabarits" / "convention_dgefp_2008_15.docx").read_bytes()
    assert remplacer_image(convention, b"\x89PNG", alternatif="x") == convention
