"""Tests de la production par lot : ligne de commande, versions, reprise, exécuteurs, PDF et classeurs.

Tout est réel : fichiers dans des dossiers temporaires, groupes de processus et de fils,
LibreOffice. Une interruption est provoquée par un exécuteur dont ``submit`` lève
KeyboardInterrupt, comme le ferait Ctrl-C dans le processus parent.
"""

from __future__ import annotations

import contextlib
import csv
import importlib.util
import io
import json
import multiprocessing
import os
import zipfile
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import openpyxl
import pytest
from lot_aide import (
    AUVERGNE,
    BRETAGNE,
    ExecuteurCoupe,
    convgen,
    empreintes,
    identites,
    lire_rapport,
    modifier_json,
    preparer_donnees,
    sha256,
    temporaires,
    texte_docx,
)

from convgen.chargement import lire
from convgen.lot import generer_lot
from convgen.lot_pdf import convertir_lignes
from convgen.tableur import ecrire_tableur

# --- Lot de 30 conventions par la ligne de commande -----------------------------------------------

# (fichier d'entrée rendu invalide, changements, code d'erreur attendu)
INVALIDES = [
    ("convention_0028.json", {"structure__siret": "44306184100048"}, "siret-invalide"),
    ("convention_0029.json", {"actions__0__cout": "99999.00"}, "financement-incoherent"),
]


def _lire_csv(chemin: Path) -> list[list[str]]:
    octets = chemin.read_bytes()
    assert octets.startswith(b"\xef\xbb\xbf"), "BOM UTF-8 attendu"
    return list(csv.reader(io.StringIO(octets.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_lot_de_trente_par_la_ligne_de_commande(tmp_path: Path) -> None:
    entrees, sortie = tmp_path / "entrees", tmp_path / "sortie"
    preparer_donnees(entrees, 30)
    for nom, changements, _ in INVALIDES:
        modifier_json(entrees / nom, **changements)

    resultat = convgen("lot", entrees, "--sortie", sortie)

    assert resultat.returncode == 1, resultat.stderr
    assert resultat.stderr == ""  # pas de barre de progression hors terminal
    assert len(list(sortie.glob("*.docx"))) == 28
    rapport = lire_rapport(sortie)
    assert len(rapport) == 30
    assert sum(e["statut"] == "produit" for e in rapport) == 28
    for entree in rapport:
        for fichier in entree["fichiers"]:
            assert sha256(Path(fichier["chemin"])) == fichier["sha256"]
    rangees_rapport = {Path(r[0]).name: r for r in _lire_csv(sortie / "rapport.csv")[1:]}
    for nom, _, code in INVALIDES:
        (entree,) = [e for e in rapport if Path(e["source"]).name == nom]
        assert entree["statut"] == "refusé"
        assert entree["fichiers"] == []
        assert code in {c["code"] for c in entree["constats"] if c["gravite"] == "erreur"}
        assert rangees_rapport[nom][2] == "refusé"
        assert code in rangees_rapport[nom][5]
        assert f"{nom} (auto) : refusé — {code}" in resultat.stdout
    assert "28 produit(s), 0 repris, 2 en échec" in resultat.stdout

    synthese = _lire_csv(sortie / "synthese.csv")
    assert synthese[0][:3] == ["source", "version", "annee"]
    assert len(synthese) == 29
    assert all(len(rangee) == 15 for rangee in synthese)
    assert all(rangee[5].count(",") == 1 and "." not in rangee[5] for rangee in synthese[1:])  # 101000,50
    assert (sortie / "synthese.csv").read_bytes().count(b"\r\n") == 29
    with contextlib.closing(openpyxl.load_workbook(sortie / "synthese.xlsx", read_only=True)) as classeur:
        rangees = [r for r in classeur.active.iter_rows(values_only=True) if any(v is not None for v in r)]
    assert rangees[0][0] == "source"
    assert len(rangees) == 29
    assert temporaires(sortie) == []


# --- Codes de sortie et versions ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "code", "message"),
    [
        ([AUVERGNE, BRETAGNE, "--sortie", "{sortie}"], 0, ""),
        ([AUVERGNE], 2, "arguments obligatoires manquants : --sortie"),
        ([AUVERGNE, "--sortie", "{sortie}", "--versions", "bipartite,quadripartite"], 2, "version inconnue"),
    ],
    ids=["tout-valide", "sans-sortie", "version-inconnue"],
)
def test_codes_de_sortie(tmp_path: Path, arguments: list[str | Path], code: int, message: str) -> None:
    resultat = convgen("lot", *(str(a).format(sortie=tmp_path / "sortie") for a in arguments))
    assert resultat.returncode == code
    assert message in resultat.stderr
    if code == 2:
        assert "erreur" in resultat.stderr
        assert not (tmp_path / "sortie").exists() or not list((tmp_path / "sortie").glob("*.docx"))


@pytest.mark.parametrize(
    ("source", "versions", "code", "attendus", "codes_version"),
    [
        (AUVERGNE, "bipartite,tripartite", 0, {"bipartite": "produit", "tripartite": "produit"}, set()),
        (BRETAGNE, "bipartite,tripartite", 0, {"bipartite": "produit", "tripartite": "sans objet"},
         {"version-sans-objet"}),
        (BRETAGNE, "tripartite", 1, {"tripartite": "refusé"}, {"tripartite-sans-region"}),
    ],
    ids=["tripartite", "bipartite-sans-objet", "tripartite-seule-refusee"],
)  # fmt: skip
def test_versions(
    tmp_path: Path, source: Path, versions: str, code: int, attendus: dict[str, str], codes_version: set[str]
) -> None:
    sortie = tmp_path / "sortie"
    resultat = convgen("lot", source, "--sortie", sortie, "--versions", versions)
    assert resultat.returncode == code
    rapport = lire_rapport(sortie)
    assert {e["version"]: e["statut"] for e in rapport} == attendus
    produits = {Path(e["fichiers"][0]["chemin"]).name: e["version"] for e in rapport if e["statut"] == "produit"}
    assert sorted(p.name for p in sortie.glob("*.docx")) == sorted(produits)
    assert all(nom.endswith(f"_{version}.docx") for nom, version in produits.items())
    versions_non_produites = [e for e in rapport if e["statut"] != "produit"]
    assert {
        c["code"] for e in versions_non_produites for c in e["constats"] if c["gravite"] != "alerte"
    } >= codes_version
    for entree in rapport:
        erreurs = {c["code"] for c in entree["constats"] if c["gravite"] == "erreur"}
        assert erreurs == ({"tripartite-sans-region"} if entree["statut"] == "refusé" else set())


# --- Reprise après interruption -------------------------------------------------------------------


@pytest.fixture
def entrees(tmp_path: Path) -> Path:
    preparer_donnees(tmp_path / "entrees", 12)
    return tmp_path / "entrees"


@pytest.fixture
def reference(tmp_path: Path, entrees: Path) -> dict[str, str]:
    """Empreintes des documents d'un lot mené sans interruption (processus par défaut)."""
    rapport = generer_lot([entrees], tmp_path / "reference")
    assert rapport.produits == 12
    return empreintes(tmp_path / "reference")


def test_reprise_apres_interruption(tmp_path: Path, entrees: Path, reference: dict[str, str]) -> None:
    sortie = tmp_path / "sortie"
    # 12 tâches, 2 fils : paquets d'une tâche, 5 en cours (2 par fil, plus un) ; passé la 5e soumission,
    # chacune suit une tâche consignée : la 6e et la 7e en suivent deux, la 8e est interrompue.
    executeur = ExecuteurCoupe(limite=7)
    with pytest.raises(KeyboardInterrupt):
        generer_lot([entrees], sortie, executor=executeur)
    executeur.shutdown(wait=True)  # les tâches déjà lancées finissent leurs écritures

    journal = [json.loads(t) for t in (sortie / ".convgen" / "journal.jsonl").read_text("utf-8").splitlines()]
    assert 1 <= len(journal) < 12
    finis = {Path(f["chemin"]).name for ligne in journal for f in ligne["fichiers"]}
    for ligne in journal:
        assert ligne["statut"] == "produit"
        assert all(sha256(Path(f["chemin"])) == f["sha256"] for f in ligne["fichiers"])
    assert temporaires(sortie) == []
    for document in sortie.glob("*.docx"):
        assert zipfile.ZipFile(document).testzip() is None  # aucun document à moitié écrit
    avant = identites(sortie)

    rapport = generer_lot([entrees], sortie, reprendre=True)

    apres = identites(sortie)
    assert {n: apres[n] for n in finis} == {n: avant[n] for n in finis}
    statuts = {e.fichiers[0].name: str(e.statut) for e in rapport.lignes}
    assert {n for n, s in statuts.items() if s == "repris"} == finis
    assert {n for n, s in statuts.items() if s == "produit"} == set(reference) - finis
    assert (rapport.repris, rapport.produits, rapport.echecs) == (len(finis), 12 - len(finis), 0)
    assert empreintes(sortie) == reference
    assert [e["statut"] for e in lire_rapport(sortie)] == [str(e.statut) for e in rapport.lignes]
    assert temporaires(sortie) == []


def test_reprise_refait_seulement_l_entree_modifiee(tmp_path: Path, entrees: Path, reference: dict[str, str]) -> None:
    sortie = tmp_path / "reference"
    avant = identites(sortie)
    modifier_json(entrees / "convention_0005.json", actions__0__echeancier="Tout au long de l'année 2009.")

    with ThreadPoolExecutor(2) as fils:
        rapport = generer_lot([entrees], sortie, reprendre=True, executor=fils)

    assert [str(e.statut) for e in rapport.lignes] == ["repris"] * 5 + ["produit"] + ["repris"] * 6
    apres, nouvelles = identites(sortie), empreintes(sortie)
    refait = rapport.lignes[5].fichiers[0].name
    assert {n for n in avant if avant[n] != apres[n]} == {refait}
    assert {n for n in reference if reference[n] != nouvelles[n]} == {refait}


def test_deuxieme_lot_sans_reprise_ni_ecrasement(tmp_path: Path, entrees: Path, reference: dict[str, str]) -> None:
    sortie = tmp_path / "reference"
    avant = identites(sortie)
    with ThreadPoolExecutor(2) as fils:
        rapport = generer_lot([entrees], sortie, executor=fils)
    assert [str(e.statut) for e in rapport.lignes] == ["échec"] * 12
    assert all("existe déjà" in e.message for e in rapport.lignes)
    assert all(e.fichiers == () for e in rapport.lignes)
    assert rapport.code_sortie == 1
    assert identites(sortie) == avant
    assert empreintes(sortie) == reference


# --- Exécuteurs -------------------------------------------------------------------------------------

EXECUTEURS: dict[str, Callable[[], Executor] | None] = {
    "fils": lambda: ThreadPoolExecutor(2),
    "processus": lambda: ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("forkserver")),
    "par-defaut": None,
}


@pytest.mark.parametrize("fabrique", EXECUTEURS.values(), ids=EXECUTEURS.keys())
def test_executeur(tmp_path: Path, fabrique: Callable[[], Executor] | None) -> None:
    executeur = fabrique() if fabrique else None
    try:
        rapport = generer_lot([AUVERGNE, BRETAGNE], tmp_path, executor=executeur)
        assert (rapport.produits, rapport.echecs) == (2, 0)
        assert len(list(tmp_path.glob("*.docx"))) == 2
        if executeur is not None:  # l'exécuteur de l'appelant n'est pas fermé par convgen
            assert executeur.submit(pow, 2, 10).result(timeout=60) == 1024
    finally:
        if executeur is not None:
            executeur.shutdown()


def test_dask_distributed_donne_les_memes_documents(tmp_path: Path) -> None:
    """Un très gros lot se répartit avec dask.distributed (README) : mêmes octets qu'avec l'exécuteur par défaut.

    Sauté si ``distributed`` manque ; jamais en CI, qui l'installe (extra ``test``)."""
    if importlib.util.find_spec("distributed") is None:
        if os.environ.get("CI"):
            pytest.fail("distributed est absent ; il est obligatoire en CI", pytrace=False)
        pytest.skip("distributed absent (pip install distributed)")
    from distributed import Client, LocalCluster

    entrees = tmp_path / "entrees"
    preparer_donnees(entrees, 6)
    par_defaut = generer_lot([entrees], tmp_path / "par_defaut")
    with (
        LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as grappe,
        Client(grappe) as client,
    ):
        reparti = generer_lot([entrees], tmp_path / "dask", executor=client.get_executor())
    assert (par_defaut.produits, reparti.produits) == (6, 6)
    assert empreintes(tmp_path / "dask") == empreintes(tmp_path / "par_defaut")


# --- PDF par lot ------------------------------------------------------------------------------------


@pytest.mark.lent
@pytest.mark.usefixtures("outils")
def test_pdf_par_lot(tmp_path: Path) -> None:
    preparer_donnees(tmp_path / "entrees", 3)
    rapport = generer_lot([tmp_path / "entrees"], tmp_path / "sortie", pdf=True)
    assert (rapport.produits, rapport.echecs) == (3, 0)
    pdfs = sorted((tmp_path / "sortie").glob("*.pdf"))
    assert len(pdfs) == 3
    assert all(p.read_bytes().startswith(b"%PDF") for p in pdfs)
    listes = {Path(f["chemin"]): f["sha256"] for e in lire_rapport(tmp_path / "sortie") for f in e["fichiers"]}
    assert {p.suffix for p in listes} == {".docx", ".pdf"}
    assert {p for p in listes if p.suffix == ".pdf"} == set(pdfs)
    assert all(sha256(p) == empreinte for p, empreinte in listes.items())
    assert temporaires(tmp_path / "sortie") == []


@pytest.mark.lent
@pytest.mark.usefixtures("outils")
def test_pdf_un_docx_illisible_n_arrete_pas_les_autres(tmp_path: Path) -> None:
    preparer_donnees(tmp_path / "entrees", 3)
    with ThreadPoolExecutor(2) as fils:
        generer_lot([tmp_path / "entrees"], tmp_path / "sortie", executor=fils)
    lignes = lire_rapport(tmp_path / "sortie")
    illisible = Path(lignes[1]["fichiers"][0]["chemin"])
    illisible.write_bytes(b"PK\x03\x04" + b"pas un document Word " * 50)

    finies = sorted(convertir_lignes(lignes), key=lambda ligne: ligne["indice"])

    assert [ligne["indice"] for ligne in finies] == [0, 1, 2]
    assert [str(ligne["statut"]) for ligne in finies] == ["produit", "échec", "produit"]
    assert "PDF" in finies[1]["message"]
    assert not illisible.with_suffix(".pdf").exists()
    assert illisible.exists()  # le .docx est conservé
    for ligne in (finies[0], finies[2]):
        (pdf,) = [f for f in ligne["fichiers"] if f["chemin"].endswith(".pdf")]
        assert Path(pdf["chemin"]).read_bytes().startswith(b"%PDF")
        assert sha256(Path(pdf["chemin"])) == pdf["sha256"]
    assert temporaires(tmp_path / "sortie") == []


# --- Classeur Excel --------------------------------------------------------------------------------


def test_classeur_et_yaml_donnent_les_memes_documents(tmp_path: Path) -> None:
    classeur = ecrire_tableur([lire(AUVERGNE)[0], lire(BRETAGNE)[0]], tmp_path / "conventions.xlsx")
    par_classeur = generer_lot([classeur], tmp_path / "classeur")
    par_yaml = generer_lot([AUVERGNE, BRETAGNE], tmp_path / "yaml")
    assert [e.source for e in par_classeur.lignes] == [f"{classeur}#AUV-2009", f"{classeur}#BRE-2009"]
    assert par_classeur.produits == par_yaml.produits == 2
    documents = sorted(p.name for p in (tmp_path / "yaml").glob("*.docx"))
    assert sorted(p.name for p in (tmp_path / "classeur").glob("*.docx")) == documents
    assert len(documents) == 2
    for nom in documents:
        assert len(texte_docx(tmp_path / "yaml" / nom)) > 50
        assert texte_docx(tmp_path / "classeur" / nom) == texte_docx(tmp_path / "yaml" / nom)
    synthese_classeur = [e["synthese"] for e in lire_rapport(tmp_path / "classeur")]
    assert synthese_classeur == [e["synthese"] for e in lire_rapport(tmp_path / "yaml")]


def test_modele_tableur_par_la_ligne_de_commande(tmp_path: Path) -> None:
    chemin = tmp_path / "modele.xlsx"
    assert convgen("modele-tableur", chemin).returncode == 0
    classeur = openpyxl.load_workbook(chemin)
    assert classeur.sheetnames == ["Aide", "Conventions", "Actions", "Financements", "Versements"]
    octets = chemin.read_bytes()

    refus = convgen("modele-tableur", chemin)
    assert refus.returncode == 1
    assert "existe déjà" in refus.stderr
    assert chemin.read_bytes() == octets

    assert convgen("modele-tableur", chemin, "--ecraser").returncode == 0
    assert openpyxl.load_workbook(chemin).sheetnames[0] == "Aide"


def test_entrees_fautives_n_arretent_pas_le_lot(tmp_path: Path) -> None:
    """Fichier absent, verrou d'Excel, rapports d'un lot précédent dans le dossier source : rien ne casse."""
    entrees = tmp_path / "entrees"
    entrees.mkdir()
    (entrees / "bretagne.yaml").write_bytes(BRETAGNE.read_bytes())
    (entrees / "~$budgets.xlsx").write_bytes(b"verrou")
    sortie = entrees / "sortie"
    for _ in range(2):  # la seconde fois, les rapports de la première sont dans le dossier source
        rapport = generer_lot([entrees, tmp_path / "absent.yaml"], sortie, reprendre=True)
        assert [Path(e.source).name for e in rapport.lignes] == ["bretagne.yaml", "absent.yaml"]
        assert str(rapport.lignes[0].statut) in ("produit", "repris")
        assert str(rapport.lignes[1].statut) == "refusé"
        assert rapport.lignes[1].constats[0].code == "fichier-illisible"


def test_reprise_ne_remplace_pas_un_fichier_etranger(tmp_path: Path) -> None:
    sortie = tmp_path / "sortie"
    sortie.mkdir()
    etranger = sortie / "convention_2009_bretagne_arml_bretagne.docx"
    etranger.write_bytes(b"document de quelqu'un d'autre")
    rapport = generer_lot([BRETAGNE], sortie, reprendre=True)
    assert [str(e.statut) for e in rapport.lignes] == ["échec"]
    assert "existe déjà" in rapport.lignes[0].message
    assert etranger.read_bytes() == b"document de quelqu'un d'autre"


def test_sortie_qui_est_un_fichier(tmp_path: Path) -> None:
    fichier = tmp_path / "sortie"
    fichier.write_text("pas un dossier", encoding="utf-8")
    resultat = convgen("lot", BRETAGNE, "--sortie", fichier)
    assert resultat.returncode == 1
    assert f"convgen : {fichier} : dossier de sortie inutilisable" in resultat.stderr


# --- Objets Convention et convertisseur partagé -----------------------------------------------------


def test_objets_et_chemins_meles(tmp_path: Path) -> None:
    """Des conventions construites en mémoire voyagent dans le lot comme des fichiers ; les lignes sont typées."""
    import convgen

    bretagne = convgen.charger(BRETAGNE)
    bretagne_2010 = bretagne.modifier(annee=2010, signature={"date": "2010-03-02"})
    with ThreadPoolExecutor(2) as fils:
        rapport = convgen.generer_lot([bretagne_2010, AUVERGNE], tmp_path / "sortie", executor=fils)
    assert [type(ligne) for ligne in rapport.lignes] == [convgen.LigneRapport] * 2
    assert [(ligne.source, ligne.statut) for ligne in rapport.lignes] == [
        ("objet n° 1 (2010, Bretagne)", convgen.Statut.PRODUIT),
        (str(AUVERGNE), convgen.Statut.PRODUIT),
    ]
    (docx,) = rapport.lignes[0].fichiers
    assert any("OBJECTIFS 2010" in ligne.upper() for ligne in texte_docx(docx))
    assert rapport.lignes[0].sha256 == (sha256(docx),)
    assert {c.code for c in rapport.lignes[0].constats} == {"seuil-convention"}


@pytest.mark.lent
@pytest.mark.usefixtures("outils")
def test_pdf_par_un_convertisseur_partage(tmp_path: Path) -> None:
    import convgen

    with convgen.ConvertisseurPdf() as convertisseur, ThreadPoolExecutor(2) as fils:
        rapport = convgen.generer_lot(
            [convgen.charger(BRETAGNE), AUVERGNE], tmp_path / "sortie", pdf=True, executor=fils,
            convertisseur=convertisseur, versions=["bipartite", "tripartite"],
        )  # fmt: skip
        assert convertisseur.demarrages == 1
    assert [(str(ligne.statut), ligne.version) for ligne in rapport.lignes] == [
        ("produit", "bipartite"), ("sans objet", "tripartite"), ("produit", "bipartite"), ("produit", "tripartite"),
    ]  # fmt: skip
    pdfs = [f for ligne in rapport.lignes for f in ligne.fichiers if f.suffix == ".pdf"]
    assert len(pdfs) == 3 and all(p.read_bytes().startswith(b"%PDF-") for p in pdfs)
    assert rapport.code_sortie == 0
