"""Tests de la ligne de commande, lancée pour de vrai : ``python -m convgen …`` dans un sous-processus."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import convgen, donnees_valides, ecrire_yaml, modifier
from docx_texte import gabarit_word, lignes_docx

from convgen.gabarit.rendu import chemin_gabarit_par_defaut

RACINE = Path(__file__).resolve().parents[1]
EXEMPLES = RACINE / "donnees_exemple"


# --- valider --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fichiers", "code", "bilans"),
    [
        (["bretagne_2009_bipartite.yaml"], 0, ["valide — 0 erreur, 0 alerte"]),
        (["bretagne_2009_bipartite.yaml", "auvergne_2009_tripartite.yaml"], 0, ["valide — 0 erreur, 0 alerte"] * 2),
        (["invalides/trois_erreurs.yaml"], 1, ["REFUSÉ — 3 erreurs, 0 alerte"]),
        (["invalides/mission_locale.yaml"], 1, ["REFUSÉ — 1 erreur, 0 alerte"]),
        (["bretagne_2009_bipartite.yaml", "invalides/forme.yaml"], 1, ["valide — 0 erreur, 0 alerte",
                                                                        "REFUSÉ — 3 erreurs, 0 alerte"]),
        (["absent.yaml"], 1, ["REFUSÉ — 1 erreur, 0 alerte"]),
    ],
    ids=["valide", "deux-valides", "trois-erreurs", "mission-locale", "un-refuse-sur-deux", "absent"],
)  # fmt: skip
def test_valider_code_de_sortie(fichiers: list[str], code: int, bilans: list[str]) -> None:
    resultat = convgen("valider", *(f"donnees_exemple/{f}" for f in fichiers))
    assert resultat.returncode == code
    entetes = [ligne for ligne in resultat.stdout.splitlines() if not ligne.startswith("  ")]
    assert entetes == [f"donnees_exemple/{f} : {b} :" for f, b in zip(fichiers, bilans, strict=True)]


def test_valider_trois_erreurs_une_ligne_chacune() -> None:
    resultat = convgen("valider", "donnees_exemple/invalides/trois_erreurs.yaml")
    erreurs = [ligne for ligne in resultat.stdout.splitlines() if ligne.startswith("  erreur ")]
    assert erreurs == [
        "  erreur  siret-invalide — ligne 18, structure.siret : SIRET « 77567223100022 » invalide : clé de contrôle "
        "fausse",
        "  erreur  versements-incoherents — ligne 27, versements[1].date : versement du 15\xa0janvier\xa02010 hors de "
        "l'année 2009",
        "  erreur  financement-incoherent — ligne 41, actions[1].cout : le coût déclaré de l'action n° 4 "
        "(33\u202f000,00\xa0€) diffère de la somme de ses financements (31\u202f000,00\xa0€)",
    ]  # fmt: skip
    assert resultat.stderr == ""


@pytest.mark.parametrize(
    ("options", "code", "bilan"),
    [([], 0, "valide — 0 erreur, 1 alerte"), (["--strict"], 1, "REFUSÉ (mode strict : alertes) — 0 erreur, 1 alerte")],
    ids=["alerte-permise", "strict"],
)
def test_strict_refuse_les_alertes(tmp_path: Path, options: list[str], code: int, bilan: str) -> None:
    fichier = ecrire_yaml(tmp_path, modifier(donnees_valides(), {"actions[3].indicateurs": []}))
    resultat = convgen("valider", *options, fichier)
    assert resultat.returncode == code
    assert resultat.stdout.splitlines()[0] == f"{fichier} : {bilan} :"
    assert "  alerte  action-sans-indicateur — ligne " in resultat.stdout


@pytest.mark.parametrize(
    ("contenu", "constat"),
    [
        ("annee: 2009\nsignature: {date: 2009-02-30}\n", "erreur  donnee-invalide — ligne 2, signature.date : "),
        ("annee: " + "[" * 3000 + "]" * 3000, "erreur  fichier-illisible — YAML refusé : imbrication trop profonde"),
        (b"region: Bretagne \xe9", "erreur  fichier-illisible — le fichier n'est pas en UTF-8"),
    ],
    ids=["30-fevrier", "imbrication", "latin-1"],
)
def test_valider_fichier_piege_sans_trace_d_appel(tmp_path: Path, contenu: str | bytes, constat: str) -> None:
    fichier = tmp_path / "piege.yaml"
    fichier.write_bytes(contenu if isinstance(contenu, bytes) else contenu.encode())
    resultat = convgen("valider", fichier)
    assert resultat.returncode == 1
    assert constat in resultat.stdout


# --- Erreurs d'utilisation ------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([], "convgen : erreur : arguments obligatoires manquants : COMMANDE"),
        (["inventer"], "convgen : erreur : COMMANDE : choix « 'inventer' » inconnu (possibles : 'valider', "),
        (["valider"], "convgen valider : erreur : arguments obligatoires manquants : FICHIER"),
        (["valider", "--bof", "x.yaml"], "convgen : erreur : arguments inconnus : --bof"),
        (["catalogue", "en-trop"], "convgen : erreur : arguments inconnus : en-trop"),
    ],
    ids=["sans-commande", "commande-inconnue", "sans-fichier", "option-inconnue", "argument-en-trop"],
)
def test_erreur_d_utilisation_en_francais(arguments: list[str], message: str) -> None:
    resultat = convgen(*arguments)
    assert (resultat.returncode, resultat.stdout) == (2, "")
    assert resultat.stderr.startswith("utilisation : convgen")
    assert message in resultat.stderr
    assert not re.search(r"\b(usage|error|invalid|required|unrecognized)\b", resultat.stderr)


@pytest.mark.parametrize("arguments", [["--help"], ["-h"], ["valider", "--help"], ["catalogue", "--help"]])
def test_aide_en_francais(arguments: list[str]) -> None:
    resultat = convgen(*arguments)
    assert (resultat.returncode, resultat.stderr) == (0, "")
    assert resultat.stdout.startswith("utilisation : convgen")
    assert re.search(r"^  -h, --help +affiche cette aide et quitte$", resultat.stdout, re.MULTILINE)
    assert not re.search(r"\b(usage|show this help|positional arguments|optional arguments)\b", resultat.stdout)


def test_aide_generale_decrit_commandes_et_codes() -> None:
    sortie = convgen("--help").stdout
    for attendu in ["commandes:", "valider ", "catalogue", "exemple ", "affiche un fichier de départ commenté",
                    "Codes de sortie : 0 succès, 1 fichier refusé, 2 erreur d'utilisation."]:  # fmt: skip
        assert attendu in sortie


# --- exemple et catalogue -------------------------------------------------------------


def test_exemple_ecrit_dans_un_fichier_puis_valide(tmp_path: Path) -> None:
    resultat = convgen("exemple")
    assert (resultat.returncode, resultat.stderr) == (0, "")
    assert resultat.stdout == (RACINE / "convgen" / "modeles" / "exemple_commente.yaml").read_text(encoding="utf-8")
    (fichier := tmp_path / "ma_convention.yaml").write_text(resultat.stdout, encoding="utf-8")
    validation = convgen("valider", fichier)
    assert validation.returncode == 0
    assert validation.stdout.startswith(f"{fichier} : valide — 0 erreur, 0 alerte :")


def test_catalogue_16_actions_6_objectifs_4_missions() -> None:
    resultat = convgen("catalogue")
    assert (resultat.returncode, resultat.stderr) == (0, "")
    lignes = resultat.stdout.splitlines()
    assert lignes[0].startswith("Circulaire DGEFP n° 2008-15 du 29 septembre 2008")
    actions = [int(m[1]) for ligne in lignes if (m := re.match(r"^    ([ \d]\d)\. \S", ligne))]
    assert actions == list(range(1, 17))
    assert [ligne.split(" : ")[0] for ligne in lignes if ligne.startswith("  Objectif")] == [
        f"  Objectif {n}" for n in range(1, 7)
    ]
    assert [ligne.split(". ")[0] for ligne in lignes if re.match(r"^[IV]+\. ", ligne)] == ["I", "II", "III", "IV"]


# --- gabarit et CONVGEN_GABARIT -------------------------------------------------------------


def test_gabarit_copier_sans_ecraser(tmp_path: Path) -> None:
    copie = tmp_path / "mon_gabarit.docx"
    premiere = convgen("gabarit", "--copier", copie)
    assert (premiere.returncode, premiere.stderr) == (0, "")
    assert premiere.stdout.splitlines() == [
        f"écrit : {copie}",
        f"Modifiez-le dans Word ou Writer, puis : convgen verifier-gabarit {copie}",
    ]
    assert copie.read_bytes() == chemin_gabarit_par_defaut().read_bytes()
    copie.write_bytes(b"version du service")
    refus = convgen("gabarit", "--copier", copie)
    assert refus.returncode == 1
    assert (
        refus.stderr == f"convgen : {copie} existe déjà : rien n'a été écrit (utilisez --ecraser pour le remplacer)\n"
    )
    assert copie.read_bytes() == b"version du service"
    assert convgen("gabarit", "--copier", copie, "--ecraser").returncode == 0
    assert copie.read_bytes() == chemin_gabarit_par_defaut().read_bytes()


def test_gabarit_copier_exige_un_docx(tmp_path: Path) -> None:
    resultat = convgen("gabarit", "--copier", tmp_path / "gabarit.odt")
    assert resultat.returncode == 2
    assert "le gabarit doit porter l'extension .docx" in resultat.stderr
    assert not (tmp_path / "gabarit.odt").exists()


@pytest.mark.parametrize(
    ("variable", "option", "attendu"),
    [
        (True, False, "Gabarit du service : Bretagne"),
        (True, True, "CONVENTION ANNUELLE D’OBJECTIFS 2009"),
        (False, False, "CONVENTION ANNUELLE D’OBJECTIFS 2009"),
    ],
    ids=["variable", "option-l-emporte", "gabarit-livre"],
)
def test_convgen_gabarit_choisit_le_gabarit(tmp_path: Path, variable: bool, option: bool, attendu: str) -> None:
    service = gabarit_word(tmp_path, "Gabarit du service : {{ convention.region }}")
    environnement = {"CONVGEN_GABARIT": str(service)} if variable else {"CONVGEN_GABARIT": ""}
    options = ["--gabarit", str(chemin_gabarit_par_defaut())] if option else []
    resultat = convgen("generer", EXEMPLES / "bretagne_2009_bipartite.yaml", "--sortie", tmp_path / "sortie",
                       *options, environnement=environnement)  # fmt: skip
    assert resultat.returncode == 0, resultat.stderr
    (document,) = (tmp_path / "sortie").glob("*.docx")
    assert attendu in lignes_docx(document)
    dit = convgen("gabarit", environnement=environnement).stdout
    assert dit == (f"gabarit par défaut : {service} (variable d'environnement CONVGEN_GABARIT)\n" if variable
                   else f"gabarit par défaut : {chemin_gabarit_par_defaut()} (livré avec convgen)\n")  # fmt: skip


def test_convgen_gabarit_introuvable(tmp_path: Path) -> None:
    absent = tmp_path / "absent.docx"
    for commande in (["generer", EXEMPLES / "bretagne_2009_bipartite.yaml", "--sortie", tmp_path],
                     ["lot", EXEMPLES / "bretagne_2009_bipartite.yaml", "--sortie", tmp_path]):  # fmt: skip
        resultat = convgen(*commande, environnement={"CONVGEN_GABARIT": str(absent)})
        assert resultat.returncode == 1
        assert resultat.stderr == f"convgen : {absent} : gabarit introuvable (choisi par la variable CONVGEN_GABARIT)\n"
    assert not list(tmp_path.glob("*.docx"))
