"""Production des documents : ``convgen generer`` lancé pour de vrai, noms de fichiers sains, rien de laissé."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from conftest import convgen
from docx_texte import (
    EXEMPLES,
    RACINE,
    RELATION_IMAGE,
    avec_relation_externe,
    convention_exemple,
    gabarit_word,
    ouvrir,
    tableau_apres,
)

from convgen.contexte import Version
from convgen.erreurs import ErreurSortie
from convgen.fichiers import ecrire_atomique
from convgen.gabarit.rendu import generer_docx
from convgen.production import Statut, nom_document, produire

AUVERGNE = "donnees_exemple/auvergne_2009_tripartite.yaml"
BRETAGNE = "donnees_exemple/bretagne_2009_bipartite.yaml"
TROIS_ERREURS = "donnees_exemple/invalides/trois_erreurs.yaml"


def contenu(dossier: Path) -> list[str]:
    """Tous les noms du dossier, fichiers cachés compris (un « .nom.tmp » oublié s'y verrait)."""
    return sorted(p.name for p in dossier.iterdir()) if dossier.exists() else []


# --- convgen generer ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "code", "fichiers", "signatures", "sorties"),
    [
        ([AUVERGNE], 0, ["convention_2009_auvergne.docx"], 3, ["  écrit : {sortie}/convention_2009_auvergne.docx"]),
        ([BRETAGNE], 0, ["convention_2009_bretagne.docx"], 2, ["  écrit : {sortie}/convention_2009_bretagne.docx"]),
        ([AUVERGNE, "--bipartite"], 0, ["convention_2009_auvergne_bipartite.docx"], 2,
         ["  écrit : {sortie}/convention_2009_auvergne_bipartite.docx"]),
        ([AUVERGNE, "--projet"], 0, ["convention_2009_auvergne.docx"], 3, ["  écrit : "]),
        ([BRETAGNE, "--tripartite"], 1, [], None,
         ["  erreur  tripartite-sans-region — conseil_regional : la version tripartite demande la partie "
          "« conseil_regional » (président et, le cas échéant, délibération) : ajoutez-la aux données ou demandez "
          "la version bipartite", "  rien n'a été écrit : données refusées"]),
        ([TROIS_ERREURS], 1, [], None,
         ["  erreur  siret-invalide — ligne 18, structure.siret : ",
          "  erreur  versements-incoherents — ligne 27, versements[1].date : ",
          "  erreur  financement-incoherent — ligne 41, actions[1].cout : ",
          "  rien n'a été écrit : données refusées"]),
    ],
    ids=["auvergne", "bretagne", "bipartite", "projet", "tripartite-sans-region", "trois-erreurs"],
)  # fmt: skip
def test_generer(
    tmp_path: Path, arguments: list[str], code: int, fichiers: list[str], signatures: int | None, sorties: list[str]
) -> None:
    sortie = tmp_path / "sortie"
    resultat = convgen("generer", *arguments, "--sortie", sortie)
    assert resultat.returncode == code, resultat.stderr
    assert contenu(sortie) == fichiers
    texte = resultat.stdout + resultat.stderr
    assert [s for s in sorties if s.format(sortie=sortie) not in texte] == [], texte
    assert ("écrit :" in resultat.stdout) is (code == 0)
    if signatures is not None:
        (qualites, _) = tableau_apres(ouvrir(sortie / fichiers[0]), "Fait à ").rows
        assert len(qualites.cells) == signatures


def test_generer_n_ecrase_qu_avec_ecraser(tmp_path: Path) -> None:
    cible = tmp_path / "convention_2009_auvergne.docx"
    cible.write_bytes(b"version du 3 mars, annotee a la main")
    os.utime(cible, ns=(946_684_800_000_000_000, 946_684_800_000_000_000))  # 1er janvier 2000
    avant = (cible.stat().st_mtime_ns, cible.read_bytes())

    refus = convgen("generer", AUVERGNE, "--sortie", tmp_path)
    assert refus.returncode == 1
    assert f"échec : {cible} existe déjà : rien n'a été écrit (utilisez --ecraser pour le remplacer)" in refus.stderr
    assert "utilisez --ecraser pour le remplacer" in refus.stderr
    assert (cible.stat().st_mtime_ns, cible.read_bytes()) == avant
    assert contenu(tmp_path) == [cible.name]

    accord = convgen("generer", AUVERGNE, "--sortie", tmp_path, "--ecraser")
    assert accord.returncode == 0, accord.stderr
    assert f"  écrit : {cible}" in accord.stdout
    attendu = generer_docx(convention_exemple("auvergne"), tmp_path / "autre" / "attendu.docx").read_bytes()
    assert cible.read_bytes() == attendu
    assert contenu(tmp_path) == ["autre", cible.name]


# --- Noms de fichiers tirés des données ------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "nom"),
    [
        ("Auvergne", "convention_2009_auvergne.docx"),
        ("Provence-Alpes-Côte d'Azur", "convention_2009_provence_alpes_cote_d_azur.docx"),
        ("../../etc", "convention_2009_etc.docx"),
        ("/", "convention_2009_sans_nom.docx"),
        ("CON", "convention_2009_con_.docx"),
        ("é" * 300, "convention_2009_" + "e" * 80 + ".docx"),
    ],
    ids=["auvergne", "accents", "remontee", "racine", "reserve-windows", "trop-long"],
)
def test_nom_de_fichier_reste_dans_la_sortie(tmp_path: Path, region: str, nom: str) -> None:
    donnees = yaml.safe_load((EXEMPLES / "bretagne_2009_bipartite.yaml").read_text(encoding="utf-8"))
    donnees["region"] = region
    entree = tmp_path / "entree" / "convention.yaml"
    entree.parent.mkdir()
    entree.write_text(yaml.safe_dump(donnees, allow_unicode=True), encoding="utf-8")
    sortie = tmp_path / "a" / "b" / "sortie"

    (production,) = produire(entree, sortie)

    # Le nom est assaini quoi que dise la donnée ; une région inconnue est de plus refusée (region-inconnue).
    assert nom_document(convention_exemple("bretagne", {"region": region})) == nom
    tout = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    if region not in ("Auvergne", "Provence-Alpes-Côte d'Azur"):
        assert production.statut == Statut.REFUSE
        assert [c.code for c in production.constats if c.gravite.value == "erreur"] == ["region-inconnue"]
        assert tout == ["entree/convention.yaml"]
        return
    assert (production.statut, production.message) == (Statut.PRODUIT, "")
    assert production.fichiers == [sortie.resolve() / nom]
    assert tout == ["a/b/sortie/" + nom, "entree/convention.yaml"]


@pytest.mark.parametrize(
    ("version", "avec_structure", "nom"),
    [
        (None, False, "convention_2009_bretagne.docx"),
        ("bipartite", False, "convention_2009_bretagne_bipartite.docx"),
        (None, True, "convention_2009_bretagne_arml_bretagne.docx"),
        ("tripartite", True, "convention_2009_bretagne_arml_bretagne_tripartite.docx"),
    ],
    ids=["simple", "version", "structure", "structure-version"],
)
def test_nom_document(version: Version | None, avec_structure: bool, nom: str) -> None:
    assert nom_document(convention_exemple("bretagne"), version, avec_structure=avec_structure) == nom


# --- Rien de laissé derrière soi (fichiers temporaires « .*.tmp ») -----------------------------


def test_aucun_temporaire_apres_succes_ou_echec(tmp_path: Path) -> None:
    sortie = tmp_path / "sortie"
    (reussi,) = produire(RACINE / AUVERGNE, sortie)
    (deja_la,) = produire(RACINE / AUVERGNE, sortie)
    gabarit = gabarit_word(tmp_path, '{% set c = "__cla" ~ "ss__" %}{{ structure.nom[c] }}')  # refusé au rendu
    (refuse_gabarit,) = produire(RACINE / BRETAGNE, sortie, gabarit=gabarit)
    (refuse_donnees,) = produire(RACINE / TROIS_ERREURS, sortie)
    assert [p.statut for p in (reussi, deja_la, refuse_gabarit, refuse_donnees)] == [
        Statut.PRODUIT,
        Statut.ECHEC,
        Statut.ECHEC,
        Statut.REFUSE,
    ]
    assert "existe déjà" in deja_la.message
    assert "rouages internes de Python" in refuse_gabarit.message
    assert contenu(sortie) == ["convention_2009_auvergne.docx"]
    assert list(tmp_path.rglob("*.tmp")) == []


def test_aucun_temporaire_apres_echec_de_mise_en_place(tmp_path: Path) -> None:
    cible = tmp_path / "convention.docx"
    (cible / "dossier").mkdir(parents=True)  # un dossier occupe la place : le renommage final échoue
    with pytest.raises((ErreurSortie, OSError)):
        ecrire_atomique(cible, b"PK", ecraser=True)
    assert contenu(tmp_path) == ["convention.docx"]
    assert contenu(cible) == ["dossier"]


def test_generer_ecraser_un_dossier(tmp_path: Path) -> None:
    (tmp_path / "convention_2009_auvergne.docx" / "notes").mkdir(parents=True)
    resultat = convgen("generer", AUVERGNE, "--sortie", tmp_path, "--ecraser")  # vérifie l'absence de trace
    assert resultat.returncode == 1
    assert "convention_2009_auvergne.docx est un dossier : rien n'a été écrit" in resultat.stderr
    assert contenu(tmp_path) == ["convention_2009_auvergne.docx"]


# --- Aucun document produit ne porte de relation externe (issue 10, point 5) -----------------------

LIEN_HYPERTEXTE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
GABARIT_LIVRE = RACINE / "gabarits" / "convention_dgefp_2008_15.docx"


@pytest.mark.parametrize(
    ("cible", "image", "sorte", "accepte"),
    [
        ("http://127.0.0.1:9/suivi.png", True, RELATION_IMAGE, False),
        ("file:///etc/passwd", True, RELATION_IMAGE, False),
        ("http://exemple.invalid/modele.dotx", False,
         "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate", False),
        ("https://travail-emploi.gouv.fr/", False, LIEN_HYPERTEXTE, True),  # un lien n'est jamais suivi
    ],
    ids=["image-http", "image-fichier", "gabarit-attache", "lien-hypertexte"],
)  # fmt: skip
def test_gabarit_a_ressource_externe(tmp_path: Path, cible: str, image: bool, sorte: str, accepte: bool) -> None:
    gabarit = tmp_path / "gabarit.docx"
    gabarit.write_bytes(GABARIT_LIVRE.read_bytes())
    avec_relation_externe(gabarit, cible, image=image, type_=sorte)
    sortie = tmp_path / "sortie"

    (production,) = produire(RACINE / BRETAGNE, sortie, gabarit=gabarit)

    if accepte:
        assert production.statut is Statut.PRODUIT, production.message
        return
    assert production.statut is Statut.ECHEC
    assert "word/_rels/document.xml.rels" in production.message
    assert "externe" in production.message
    assert cible in production.message
    assert contenu(sortie) == []
