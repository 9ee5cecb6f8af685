"""Sorties sûres du lot : rien de perdu, rien d'écrit hors du dossier de sortie (issue 10).

Chaque test rejoue une attaque ou une maladresse pour de vrai : fichiers étrangers, liens
symboliques, journal altéré, second lot concurrent, entrées homonymes. Les interruptions
(SIGTERM, SIGINT) et LibreOffice bloqué sont dans ``test_lot_interruption.py``.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from lot_aide import BRETAGNE, convgen, lire_rapport, sha256, temporaires, texte_docx

from convgen.erreurs import ErreurSortie
from convgen.lot import generer_lot
from convgen.rapport import Journal

NOM_BRETAGNE = "convention_2009_bretagne_arml_bretagne"
ETRANGER = b"document de quelqu'un d'autre"


def _sortie_avec_etranger(tmp_path: Path, suffixe: str) -> tuple[Path, Path]:
    sortie = tmp_path / "sortie"
    sortie.mkdir(exist_ok=True)
    etranger = sortie / f"{NOM_BRETAGNE}{suffixe}"
    etranger.write_bytes(ETRANGER)
    return sortie, etranger


# --- 1. --reprendre ne remplace que ce que le journal dit écrit par ce lot -------------------------


def test_reprise_apres_refus_ne_remplace_pas_l_etranger(tmp_path: Path) -> None:
    """Le premier lot refuse d'écraser et consigne une ligne sans fichier : la reprise ne la croit pas sienne."""
    sortie, etranger = _sortie_avec_etranger(tmp_path, ".docx")
    for _ in range(3):
        rapport = generer_lot([BRETAGNE], sortie, reprendre=True)
        assert [str(e.statut) for e in rapport.lignes] == ["échec"]
        assert "existe déjà" in rapport.lignes[0].message
        assert etranger.read_bytes() == ETRANGER


def test_reprise_avec_pdf_ne_remplace_pas_un_pdf_etranger(tmp_path: Path) -> None:
    sortie = tmp_path / "sortie"
    assert generer_lot([BRETAGNE], sortie).produits == 1  # le .docx est à nous, consigné
    _, etranger = _sortie_avec_etranger(tmp_path, ".pdf")

    rapport = generer_lot([BRETAGNE], sortie, reprendre=True, pdf=True)

    assert [str(e.statut) for e in rapport.lignes] == ["échec"]
    assert f"{etranger} existe déjà" in rapport.lignes[0].message
    assert etranger.read_bytes() == ETRANGER


def test_reprise_remplace_son_propre_document_modifie_par_les_donnees(tmp_path: Path) -> None:
    """Le pendant : un document que le journal dit à nous, intact, est remplacé quand les données changent."""
    entree = tmp_path / "bretagne.yaml"
    entree.write_bytes(BRETAGNE.read_bytes())
    sortie = tmp_path / "sortie"
    (premier,) = generer_lot([entree], sortie).lignes
    entree.write_text(BRETAGNE.read_text(encoding="utf-8").replace("Rennes", "Brest"), encoding="utf-8")

    (second,) = generer_lot([entree], sortie, reprendre=True).lignes

    assert str(second.statut) == "produit", second.message
    assert second.sha256[0] != premier.sha256[0]
    assert sha256(second.fichiers[0]) == second.sha256[0]


# --- 2. Journal et .convgen/ sans lien symbolique ; un seul lot à la fois ---------------------------


def test_journal_lien_symbolique_refuse(tmp_path: Path) -> None:
    victime = tmp_path / "precieux.txt"
    victime.write_text("à ne pas tronquer", encoding="utf-8")
    (tmp_path / "sortie" / ".convgen").mkdir(parents=True)
    (tmp_path / "sortie" / ".convgen" / "journal.jsonl").symlink_to(victime)

    resultat = convgen("lot", BRETAGNE, "--sortie", tmp_path / "sortie")

    assert resultat.returncode == 1
    assert "journal.jsonl : journal impossible à écrire (c'est un lien symbolique, refusé)" in resultat.stderr
    assert victime.read_text(encoding="utf-8") == "à ne pas tronquer"
    assert list((tmp_path / "sortie").glob("*.docx")) == []


def test_dossier_d_etat_lien_symbolique_refuse(tmp_path: Path) -> None:
    ailleurs = tmp_path / "ailleurs"
    ailleurs.mkdir()
    (ailleurs / "journal.jsonl").write_text("à ne pas tronquer", encoding="utf-8")
    (tmp_path / "sortie").mkdir()
    (tmp_path / "sortie" / ".convgen").symlink_to(ailleurs)

    resultat = convgen("lot", BRETAGNE, "--sortie", tmp_path / "sortie")

    assert resultat.returncode == 1
    assert "dossier d'état du lot inutilisable (c'est un lien symbolique, refusé)" in resultat.stderr
    assert sorted(p.name for p in ailleurs.iterdir()) == ["journal.jsonl"]
    assert (ailleurs / "journal.jsonl").read_text(encoding="utf-8") == "à ne pas tronquer"


def test_journal_lie_ailleurs_par_un_lien_dur_refuse(tmp_path: Path) -> None:
    victime = tmp_path / "precieux.txt"
    victime.write_text("à ne pas tronquer", encoding="utf-8")
    (tmp_path / "sortie" / ".convgen").mkdir(parents=True)
    os.link(victime, tmp_path / "sortie" / ".convgen" / "journal.jsonl")
    with pytest.raises(ErreurSortie, match="journal refusé"):
        generer_lot([BRETAGNE], tmp_path / "sortie")
    assert victime.read_text(encoding="utf-8") == "à ne pas tronquer"


def test_second_lot_sur_le_meme_dossier(tmp_path: Path) -> None:
    sortie = tmp_path / "sortie"
    sortie.mkdir()
    premier = Journal(sortie, reprendre=False)  # un lot en cours : son journal est ouvert, le dossier verrouillé
    try:
        premier.ajouter({"indice": 0, "source": "en-cours.yaml"})
        resultat = convgen("lot", BRETAGNE, "--sortie", sortie, "--ecraser")
    finally:
        premier.fermer()
    assert resultat.returncode == 1
    assert f"convgen : un autre lot est en cours dans {sortie} : attendez qu'il finisse" in resultat.stderr
    assert list(sortie.glob("*.docx")) == []
    assert "en-cours.yaml" in (sortie / ".convgen" / "journal.jsonl").read_text(encoding="utf-8")  # pas vidé
    assert convgen("lot", BRETAGNE, "--sortie", sortie).returncode == 0  # verrou rendu à la fin du premier


# --- 3. Un lien symbolique à la place d'un document : on remplace le lien, jamais sa cible ----------


@pytest.mark.parametrize("commande", ["lot", "generer"])
def test_ecraser_un_lien_remplace_le_lien(tmp_path: Path, commande: str) -> None:
    sortie = tmp_path / "sortie"
    sortie.mkdir()
    voisin = sortie / "notes.txt"
    voisin.write_text("notes de la réunion", encoding="utf-8")
    nom = f"{NOM_BRETAGNE}.docx" if commande == "lot" else "convention_2009_bretagne.docx"
    (sortie / nom).symlink_to(voisin)

    refus = convgen(commande, BRETAGNE, "--sortie", sortie)
    assert refus.returncode == 1
    assert "existe déjà" in refus.stdout + refus.stderr
    assert (sortie / nom).is_symlink()

    accord = convgen(commande, BRETAGNE, "--sortie", sortie, "--ecraser")
    assert accord.returncode == 0, accord.stderr
    assert voisin.read_text(encoding="utf-8") == "notes de la réunion"
    assert not (sortie / nom).is_symlink()
    assert (sortie / nom).read_bytes().startswith(b"PK")


# --- 4. Noms réservés avant tout rendu ; empreintes du rapport = fichiers sur le disque -------------


def test_deux_entrees_meme_document(tmp_path: Path) -> None:
    entrees = tmp_path / "entrees"
    entrees.mkdir()
    for nom in ("a_bretagne.yaml", "b_bretagne.yaml"):
        shutil.copy(BRETAGNE, entrees / nom)
    (entrees / "b_bretagne.yaml").write_text(
        BRETAGNE.read_text(encoding="utf-8").replace("Rennes", "Saint-Brieuc"), encoding="utf-8"
    )
    sortie = tmp_path / "sortie"

    resultat = convgen("lot", entrees, "--sortie", sortie, "--ecraser")

    assert resultat.returncode == 1
    rapport = lire_rapport(sortie)
    assert [e["statut"] for e in rapport] == ["produit", "échec"]
    premier, second = (str(entrees / n) for n in ("a_bretagne.yaml", "b_bretagne.yaml"))
    assert rapport[1]["message"] == (
        f"{second} (auto) donnerait le même document que {premier} (auto) ({NOM_BRETAGNE}.docx : même année, "
        f"région et structure) : rien n'a été écrit pour {second} (auto)"
    )
    assert rapport[1]["fichiers"] == []
    (fichier,) = rapport[0]["fichiers"]
    assert sha256(Path(fichier["chemin"])) == fichier["sha256"]
    assert any("Fait à Rennes" in t for t in texte_docx(sortie / f"{NOM_BRETAGNE}.docx"))  # celui de la 1re entrée
    assert temporaires(sortie) == []


def test_disque_en_erreur_a_la_mise_en_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Le document rendu n'est mis en place qu'une fois sur le disque : si le disque refuse (EIO), l'entrée
    échoue en nommant le document, rien n'est mis à sa place et rien ne reste dans .convgen/."""

    def disque_en_panne(chemin: Path) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO), str(chemin))

    monkeypatch.setattr("convgen.production.forcer_sur_disque", disque_en_panne)
    sortie = tmp_path / "sortie"
    with ThreadPoolExecutor(2) as fils:
        rapport = generer_lot([BRETAGNE], sortie, executor=fils)

    (ligne,) = rapport.lignes
    assert (str(ligne.statut), ligne.fichiers) == ("échec", ())
    assert ligne.message.startswith(f"{sortie / NOM_BRETAGNE}.docx : écriture impossible (")
    assert list(sortie.glob("*.docx")) == []
    assert temporaires(sortie) == []


def test_generer_deux_fichiers_meme_document(tmp_path: Path) -> None:
    copie = tmp_path / "copie.yaml"
    shutil.copy(BRETAGNE, copie)
    resultat = convgen("generer", BRETAGNE, copie, "--sortie", tmp_path / "sortie", "--ecraser")
    assert resultat.returncode == 1
    assert f"{copie} donnerait le même document que {BRETAGNE}" in resultat.stderr


def test_ecraser_ne_depend_pas_des_dates(tmp_path: Path) -> None:
    """Un document existant daté dans le futur (horloge décalée, système de fichiers à la seconde) est bien
    remplacé avec --ecraser : aucune comparaison de dates ne le prend pour un document de ce lot."""
    sortie, ancien = _sortie_avec_etranger(tmp_path, ".docx")
    futur = 4_102_444_800  # 2100
    os.utime(ancien, (futur, futur))
    resultat = convgen("lot", BRETAGNE, "--sortie", sortie, "--ecraser")
    assert resultat.returncode == 0, resultat.stdout
    assert ancien.read_bytes().startswith(b"PK")


# --- 10. Journal altéré : lignes ignorées avec un avertissement, jamais de trace d'appel ------------

_DEBUT = {"source": str(BRETAGNE), "version": "auto", "statut": "produit", "empreinte_entree": "x"}
ALTERATIONS = {
    "liste": "[]",
    "null": "null",
    "objet-vide": "{}",
    "sans-fichiers": json.dumps(_DEBUT),
    "fichiers-invalides": json.dumps({**_DEBUT, "fichiers": [None]}),
    "synthese-invalide": json.dumps({**_DEBUT, "fichiers": [], "synthese": {"annee": 2009}}),
    "publication-invalide": json.dumps({**_DEBUT, "fichiers": [], "donnees_essentielles": [["etat", 5]]}),
    "pas-du-json": "{pas du json",
}


@pytest.mark.parametrize("alteration", ALTERATIONS.values(), ids=ALTERATIONS)
def test_journal_altere(tmp_path: Path, alteration: str) -> None:
    sortie = tmp_path / "sortie"
    assert convgen("lot", BRETAGNE, "--sortie", sortie).returncode == 0
    journal = sortie / ".convgen" / "journal.jsonl"
    journal.write_text(alteration + "\n" + journal.read_text(encoding="utf-8"), encoding="utf-8")

    resultat = convgen("lot", BRETAGNE, "--sortie", sortie, "--reprendre")  # pas de trace d'appel (convgen le vérifie)

    assert resultat.returncode == 0, resultat.stderr
    assert f"convgen : attention : {journal}, ligne 1 : ligne " in resultat.stderr
    assert "ignorée" in resultat.stderr
    assert [e["statut"] for e in lire_rapport(sortie)] == ["repris"]
