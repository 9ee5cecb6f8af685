"""Tests de convgen.tableur : classeur vide, aller-retour des exemples, constats situés.

Les dispositions attendues (noms des feuilles, en-têtes, lettres de colonne, listes
déroulantes) sont écrites ici à la main : elles forment le contrat avec les
utilisateurs du classeur, indépendamment du code qui le produit.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from convgen.chargement import charger, lire
from convgen.erreurs import FichierExistant, FichierIllisible, Gravite
from convgen.regles import Examen
from convgen.tableur import ecrire_modele_tableur, ecrire_tableur, est_tableur, lire_tableur

EXEMPLES = Path(__file__).parents[1] / "donnees_exemple"
AUVERGNE = EXEMPLES / "auvergne_2009_tripartite.yaml"
BRETAGNE = EXEMPLES / "bretagne_2009_bipartite.yaml"

FEUILLES = ["Aide", "Conventions", "Actions", "Financements", "Versements"]
ENTETES = {
    "Actions": ["Clé", "Action", "N° annexe-type", "Objectif", "Intitulé", "Pourquoi", "Pourquoi : ajouts", "Comment",
                "Comment : ajouts", "Méthode", "Échéancier", "Indicateurs", "Coût prévu"],
    "Financements": ["Clé", "Action", "Financeur", "Montant"],
    "Versements": ["Clé", "Date", "Montant", "Libellé"],
}  # fmt: skip
# Quelques colonnes de « Conventions » à leur place : (lettre, en-tête).
CONVENTIONS = [
    ("A", "Clé"),
    ("B", "Année"),
    ("E", "Préfet : civilité"),
    ("S", "Structure : statut"),
    ("T", "Structure : SIRET"),
    ("AD", "Budget des missions locales"),
    ("AF", "Signature : date"),
]
CIVILITES = ["M.", "Mme"]
STATUTS = ["association", "gip", "arml", "carif", "oref", "autre", "mission_locale"]

# (feuille, lettre, valeurs de la liste déroulante, valeur hors liste refusée)
LISTES = [
    ("Conventions", "E", CIVILITES, True),
    ("Conventions", "H", CIVILITES, True),
    ("Conventions", "L", CIVILITES, True),
    ("Conventions", "X", CIVILITES, True),
    ("Conventions", "S", STATUTS, True),
    ("Actions", "C", [str(n) for n in range(1, 17)], True),
    ("Actions", "D", [str(n) for n in range(1, 7)], True),
    ("Financements", "C", ["etat", "conseil_regional"], False),
]
# (feuille, lettre, format de nombre de la colonne)
FORMATS = [
    ("Conventions", "AD", "#,##0.00"),
    ("Conventions", "AF", "DD/MM/YYYY"),
    ("Conventions", "T", "@"),
    ("Actions", "M", "#,##0.00"),
    ("Financements", "D", "#,##0.00"),
    ("Versements", "B", "DD/MM/YYYY"),
    ("Versements", "C", "#,##0.00"),
]


@pytest.fixture
def modele(tmp_path: Path) -> Any:
    chemin = ecrire_modele_tableur(tmp_path / "modele.xlsx")
    return openpyxl.load_workbook(chemin)


@pytest.fixture
def classeur(tmp_path: Path) -> Path:
    """Les deux conventions d'exemple dans un même classeur (clés AUV-2009 et BRE-2009)."""
    return ecrire_tableur([lire(AUVERGNE)[0], lire(BRETAGNE)[0]], tmp_path / "classeur.xlsx")


def _modifier(chemin: Path, modification: Callable[[Any], object]) -> Path:
    livre = openpyxl.load_workbook(chemin)
    modification(livre)
    livre.save(chemin)
    return chemin


def _lettre(feuille: Any, entete: str) -> str:
    return str(next(c.column_letter for c in feuille[1] if c.value == entete))


def _examen(examens: list[Examen], suffixe: str) -> Examen:
    return next(e for e in examens if e.fichier.endswith(suffixe))


# --- Classeur vide ------------------------------------------------------------------


def test_modele_vide_feuilles_et_entetes(modele: Any) -> None:
    assert modele.sheetnames == FEUILLES
    for nom, entetes in ENTETES.items():
        assert [c.value for c in modele[nom][1]] == entetes
    for lettre, entete in CONVENTIONS:
        assert modele["Conventions"][f"{lettre}1"].value == entete
    for nom in FEUILLES[1:]:
        feuille = modele[nom]
        assert feuille.max_row == 1, "le modèle ne contient aucune donnée"
        assert all(c.font.bold for c in feuille[1])
        assert feuille.freeze_panes in ("B2", "C2")
        assert all(feuille.column_dimensions[c.column_letter].width >= 8 for c in feuille[1])


@pytest.mark.parametrize(("nom", "lettre", "valeurs", "bloquante"), LISTES)
def test_modele_vide_listes_deroulantes(
    modele: Any, nom: str, lettre: str, valeurs: list[str], bloquante: bool
) -> None:
    validations = [v for v in modele[nom].data_validations.dataValidation if f"{lettre}2" in v.sqref]
    assert len(validations) == 1
    validation = validations[0]
    assert validation.type == "list"
    assert validation.formula1 == '"' + ",".join(valeurs) + '"'
    assert bool(validation.showErrorMessage) is bloquante
    assert f"{lettre}1000" in validation.sqref


@pytest.mark.parametrize(("nom", "lettre", "format_"), FORMATS)
def test_modele_vide_formats(modele: Any, nom: str, lettre: str, format_: str) -> None:
    assert modele[nom].column_dimensions[lettre].number_format == format_


def test_modele_vide_aide_explique_chaque_colonne(modele: Any) -> None:
    aide = modele["Aide"]
    expliquees = {(r[0], r[1]) for r in aide.iter_rows(values_only=True) if r[0] in FEUILLES and r[4]}
    for nom in FEUILLES[1:]:
        for cellule in modele[nom][1]:
            assert (nom, cellule.value) in expliquees
    textes = [str(v) for r in aide.iter_rows(values_only=True) for v in r if v]
    assert any("M., Mme" in t for t in textes)
    assert any("Administration technique de l’entrepôt régional" in t for t in textes)  # action n° 8


def test_modele_vide_lu_sans_convention(tmp_path: Path) -> None:
    (examen,) = lire_tableur(ecrire_modele_tableur(tmp_path / "vide.xlsx"))
    assert examen.convention is None
    assert [(c.code, c.feuille) for c in examen.constats] == [("tableur-invalide", "Conventions")]


# --- Aller-retour -------------------------------------------------------------------


def _depuis_modele(chemin: Path) -> Path:
    """Les dictionnaires de ``model_dump()`` (valeurs None, listes vides, référentiel) s'écrivent aussi."""
    return ecrire_tableur([charger(AUVERGNE).model_dump(), charger(BRETAGNE).model_dump()], chemin)


@pytest.mark.parametrize("source", ["yaml", "model_dump"])
def test_aller_retour_des_exemples(classeur: Path, source: str) -> None:
    if source == "model_dump":
        classeur.unlink()
        _depuis_modele(classeur)
    examens = lire_tableur(classeur)
    assert [Path(e.fichier).name for e in examens] == ["classeur.xlsx#AUV-2009", "classeur.xlsx#BRE-2009"]
    for examen, yaml in zip(examens, [AUVERGNE, BRETAGNE], strict=True):
        assert examen.convention is not None, examen.constats
        assert examen.convention.model_dump() == charger(yaml).model_dump()
        assert examen.accepte()
        assert [c.code for c in examen.constats] == ["seuil-convention"]
        assert (examen.constats[0].feuille, examen.constats[0].colonne) == ("Conventions", "A")


def test_aller_retour_texte_commencant_par_egal(tmp_path: Path) -> None:
    donnees = lire(BRETAGNE)[0]
    donnees["actions"][0]["methode"] = "=SOMME(A1:A3) n'est pas une formule"
    (examen,) = lire_tableur(ecrire_tableur([donnees], tmp_path / "egal.xlsx"))
    assert examen.convention is not None
    assert examen.convention.actions[0].methode == "=SOMME(A1:A3) n'est pas une formule"


@pytest.mark.parametrize("debut", ["=", "+", "-", "@", "\t"])
def test_texte_ecrit_jamais_formule(tmp_path: Path, debut: str) -> None:
    donnees = lire(BRETAGNE)[0]
    donnees["structure"]["nom"] = f'{debut}HYPERLINK("http://127.0.0.1/x";"Cliquez")'
    classeur = openpyxl.load_workbook(ecrire_tableur([donnees], tmp_path / "piege.xlsx"))  # formules gardées
    try:
        feuille = classeur["Conventions"]
        colonne = [c.value for c in feuille[1]].index("Structure : nom") + 1
        cellule = feuille.cell(row=2, column=colonne)
        assert (cellule.value, cellule.data_type) == (donnees["structure"]["nom"], "s")
    finally:
        classeur.close()


# --- Valeurs des cellules -----------------------------------------------------------


def _saisir(feuille: str, entete: str, valeur: object, ligne: int = 2) -> Callable[[Any], object]:
    def modification(livre: Any) -> None:
        livre[feuille][f"{_lettre(livre[feuille], entete)}{ligne}"].value = valeur

    return modification


# (feuille, en-tête, valeur saisie, lecture de la convention, valeur attendue)
SAISIES: list[tuple[str, str, object, Callable[[Any], object], object]] = [
    ("Conventions", "Signature : date", "2009-03-05", lambda c: c.signature.date, datetime.date(2009, 3, 5)),
    ("Conventions", "Signature : date", "05/03/2009", lambda c: c.signature.date, datetime.date(2009, 3, 5)),
    ("Conventions", "Signature : date", datetime.datetime(2009, 3, 5), lambda c: c.signature.date,
     datetime.date(2009, 3, 5)),
    ("Conventions", "Adresse : code postal", 3000, lambda c: c.structure.adresse.code_postal, "03000"),
    ("Conventions", "Structure : SIRET", 44306184100047, lambda c: c.structure.siret, "44306184100047"),
    ("Conventions", "Budget des missions locales", 3500000.1, lambda c: c.budget_missions_locales,
     Decimal("3500000.10")),
    ("Conventions", "Budget des missions locales", "3 500 000,50", lambda c: c.budget_missions_locales,
     Decimal("3500000.50")),
    ("Conventions", "Délégataire : civilité", None, lambda c: c.etat.delegataire, "champ-manquant"),
    ("Financements", "Montant", 0.1, lambda c: c.actions[0].financements[0].montant, Decimal("0.10")),
    ("Actions", "Indicateurs", "  premier  \r\n\n second\n", lambda c: c.actions[0].indicateurs,
     ["premier", "second"]),
    ("Actions", "Pourquoi : ajouts", "ajout", lambda c: c.actions[0].pourquoi_ajouts, ["ajout"]),
    ("Actions", "Coût prévu", None, lambda c: c.actions[0].cout, None),
    ("Conventions", "Année", 2009.0, lambda c: c.annee, 2009),
]  # fmt: skip


@pytest.mark.parametrize(("feuille", "entete", "saisie", "lecture", "attendu"), SAISIES)
def test_valeurs_des_cellules(
    classeur: Path, feuille: str, entete: str, saisie: object, lecture: Callable[[Any], object], attendu: object
) -> None:
    examen = _examen(lire_tableur(_modifier(classeur, _saisir(feuille, entete, saisie))), "#AUV-2009")
    if attendu == "champ-manquant":  # délégataire incomplet : l'erreur est dans la colonne vidée
        (erreur,) = examen.erreurs
        assert (erreur.code, erreur.chemin, erreur.ligne) == ("champ-manquant", "etat.delegataire.civilite", 2)
        assert erreur.colonne == "H"
        return
    assert examen.convention is not None, examen.constats
    assert lecture(examen.convention) == attendu


def test_convention_bipartite_par_colonnes_vides(classeur: Path) -> None:
    def vider_region(livre: Any) -> None:
        for cellule in livre["Conventions"][1]:
            if str(cellule.value).startswith(("Président de région", "Délibération", "Région :")):
                livre["Conventions"][f"{cellule.column_letter}2"].value = None

    examen = _examen(lire_tableur(_modifier(classeur, vider_region)), "#AUV-2009")
    assert examen.convention is not None
    assert examen.convention.conseil_regional is None
    alerte = next(c for c in examen.alertes if c.code == "region-non-signataire")
    assert (alerte.feuille, alerte.ligne, alerte.colonne) == ("Conventions", 2, "L")  # Président de région : civilité


def test_entete_par_chemin_du_champ(classeur: Path) -> None:
    chemin = _modifier(classeur, lambda livre: setattr(livre["Conventions"]["T1"], "value", "structure.siret"))
    assert all(e.accepte() for e in lire_tableur(chemin))


# --- Constats situés ----------------------------------------------------------------


def test_erreurs_situees_siret_et_montant(tmp_path: Path) -> None:
    auvergne, bretagne = lire(AUVERGNE)[0], lire(BRETAGNE)[0]
    auvergne["structure"]["siret"] = "44306184100048"
    bretagne["actions"][1]["financements"][0]["montant"] = "trente et un mille"
    examens = lire_tableur(ecrire_tableur([auvergne, bretagne], tmp_path / "fautes.xlsx"))
    (siret,) = _examen(examens, "#AUV-2009").erreurs
    (montant,) = _examen(examens, "#BRE-2009").erreurs
    # Financements : 10 lignes pour l'Auvergne (2 à 11), puis la Bretagne : A1 en 12 et 13, A2 en 14.
    assert (siret.code, siret.feuille, siret.ligne, siret.colonne) == ("siret-invalide", "Conventions", 2, "T")
    assert (montant.code, montant.feuille, montant.ligne) == ("montant-invalide", "Financements", 14)
    assert montant.colonne == "D"
    assert montant.chemin == "actions[1].financements[0].montant"
    assert montant.fichier == f"{tmp_path / 'fautes.xlsx'}#BRE-2009"
    assert "feuille Financements, ligne 14, colonne D" in str(montant)


def _ajouter(feuille: str, valeurs: list[object]) -> Callable[[Any], object]:
    return lambda livre: livre[feuille].append(valeurs)


def _retirer_feuille(nom: str) -> Callable[[Any], object]:
    return lambda livre: livre.remove(livre[nom])


# (modification, examen concerné, feuille, ligne, colonne, extrait du message)
PROBLEMES: list[tuple[Callable[[Any], object], str, str, int | None, str | None, str]] = [
    (_ajouter("Actions", ["INCONNUE", "A1", 3]), "classeur.xlsx", "Actions", 12, "A", "« INCONNUE »"),
    (_ajouter("Actions", [None, "A1", 3]), "classeur.xlsx", "Actions", 12, "A", "clé absente"),
    (_ajouter("Versements", ["XYZ", "2009-04-01", 5]), "classeur.xlsx", "Versements", 4, "A", "« XYZ »"),
    (_ajouter("Financements", ["BRE-2009", "A99", "etat", 100]), "#BRE-2009", "Financements", 19, "B", "« A99 »"),
    (_ajouter("Conventions", ["AUV-2009", 2010]), "#AUV-2009", "Conventions", 4, "A", "en double"),
    (_ajouter("Actions", ["BRE-2009", "A2", 7]), "#BRE-2009", "Actions", 12, "B", "« A2 » en double"),
    (_retirer_feuille("Versements"), "classeur.xlsx", "Versements", None, None, "absente"),
    (_saisir("Conventions", "BIC", "Code BIC", ligne=1), "classeur.xlsx", "Conventions", 1, None, "« BIC »"),
    (_saisir("Actions", "Clé", None, ligne=1), "classeur.xlsx", "Actions", 1, None, "« Clé »"),
]


@pytest.mark.parametrize(("modification", "examen", "feuille", "ligne", "colonne", "extrait"), PROBLEMES)
def test_problemes_du_classeur(
    classeur: Path,
    modification: Callable[[Any], object],
    examen: str,
    feuille: str,
    ligne: int | None,
    colonne: str | None,
    extrait: str,
) -> None:
    examens = lire_tableur(_modifier(classeur, modification))
    constats = [c for c in _examen(examens, examen).constats if c.code == "tableur-invalide"]
    assert len(constats) == 1, constats
    constat = constats[0]
    assert constat.gravite is Gravite.ERREUR
    assert (constat.feuille, constat.ligne, constat.colonne) == (feuille, ligne, colonne)
    assert extrait in constat.message
    assert not _examen(examens, examen).accepte()


# --- Fichiers illisibles, écrasement ------------------------------------------------


def _texte(chemin: Path) -> Path:
    chemin.write_text("annee: 2009\n", encoding="utf-8")
    return chemin


def _trop_gros(chemin: Path) -> Path:
    with chemin.open("wb") as fichier:
        fichier.truncate(21 * 1024 * 1024)
    return chemin


# (nom du fichier, préparation, extrait du message)
ILLISIBLES: list[tuple[str, Callable[[Path], Path], str]] = [
    ("faux.xlsx", _texte, "pas un classeur Excel valide"),
    ("absent.xlsx", lambda chemin: chemin, "inaccessible"),
    ("donnees.csv", _texte, ".xlsx"),
    ("enorme.xlsx", _trop_gros, "trop gros"),
]


@pytest.mark.parametrize(("nom", "preparer", "extrait"), ILLISIBLES)
def test_fichier_illisible(tmp_path: Path, nom: str, preparer: Callable[[Path], Path], extrait: str) -> None:
    with pytest.raises(FichierIllisible, match=extrait) as exc:
        lire_tableur(preparer(tmp_path / nom))
    assert exc.value.fichier == str(tmp_path / nom)


def _ecrire_donnees(chemin: Path, *, ecraser: bool = False) -> Path:
    return ecrire_tableur([lire(BRETAGNE)[0]], chemin, ecraser=ecraser)


@pytest.mark.parametrize("ecrire", [ecrire_modele_tableur, _ecrire_donnees], ids=["modele", "donnees"])
def test_pas_d_ecrasement_sans_ecraser(tmp_path: Path, ecrire: Callable[..., Path]) -> None:
    chemin = tmp_path / "existant.xlsx"
    chemin.write_bytes(b"ancien")
    with pytest.raises(FichierExistant):
        ecrire(chemin)
    assert chemin.read_bytes() == b"ancien"
    assert ecrire(chemin, ecraser=True) == chemin
    assert openpyxl.load_workbook(chemin).sheetnames == FEUILLES


@pytest.mark.parametrize(
    ("nom", "attendu"),
    [("a.xlsx", True), ("b.XLSM", True), ("c.xls", False), ("d.yaml", False), ("xlsx", False)],
)
def test_est_tableur(nom: str, attendu: bool) -> None:
    assert est_tableur(nom) is attendu


def test_aller_retour_forme_juridique_registre_comptable(tmp_path: Path) -> None:
    """Les champs de l'issue 8 ont leur colonne : forme juridique, registre d'Alsace-Moselle, comptable."""
    donnees = lire(BRETAGNE)[0]
    donnees["region"] = "Alsace"
    donnees["etat"]["comptable"] = "le trésorier-payeur général de la région Alsace"
    donnees["structure"] |= {"forme_juridique": "association", "statut": "arml", "registre": "Strasbourg"}
    donnees["structure"]["adresse"] |= {"code_postal": "67000", "commune": "Strasbourg"}
    (examen,) = lire_tableur(ecrire_tableur([donnees], tmp_path / "alsace.xlsx"))
    assert examen.convention is not None, examen.constats
    structure = examen.convention.structure
    assert (structure.forme, structure.statut, structure.registre, structure.droit_local) == (
        "association", "arml", "Strasbourg", True
    )  # fmt: skip
    assert examen.convention.etat.comptable == "le trésorier-payeur général de la région Alsace"
