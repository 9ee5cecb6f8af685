"""Tests de convgen.lot_pdf avec un convertisseur de test (rapide, sans LibreOffice) passé à ``generer_lot`` :
chaque PDF mis en place est consigné au fil du rendu, chaque document ajouté revient, une erreur imprévue
d'un document ne fait perdre aucune ligne. La conversion par un vrai LibreOffice est testée dans
test_lot.py, test_lot_interruption.py et test_convertisseur.py."""

from __future__ import annotations

import errno
import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest
from lot_aide import ExecuteurCoupe, lire_rapport, preparer_donnees, temporaires

from convgen.lot import generer_lot


class ConvertisseurDeTest:
    """Écrit un « PDF » par document ; ``panne`` : les documents (noms) qui lèvent OSError (disque plein)."""

    def __init__(self, panne: Sequence[str] = ()) -> None:
        self.panne = set(panne)
        self.convertis: list[str] = []
        self._verrou = threading.Lock()

    def convertir(self, documents: Sequence[Path], dossier: Path) -> list[Path]:
        pdfs = []
        for document in documents:
            if document.name in self.panne:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dossier))
            pdf = dossier / f"{document.stem}.pdf"
            pdf.write_bytes(b"%PDF-1.7\n% " + document.name.encode() + b"\n%%EOF\n")
            pdfs.append(pdf)
            with self._verrou:
                self.convertis.append(document.name)
        return pdfs


def _journal(sortie: Path) -> list[dict[str, object]]:
    texte = (sortie / ".convgen" / "journal.jsonl").read_text(encoding="utf-8")
    return [json.loads(ligne) for ligne in texte.splitlines()]


def test_pdf_consigne_au_fil_du_rendu_puis_reprise(tmp_path: Path) -> None:
    """Interrompu pendant le rendu, le lot a déjà mis des PDF en place : le journal les connaît tous, et la
    reprise les garde (aucun « existe déjà »), puis termine."""
    preparer_donnees(tmp_path / "entrees", 12)
    sortie, convertisseur = tmp_path / "sortie", ConvertisseurDeTest()
    with pytest.raises(KeyboardInterrupt):
        generer_lot([tmp_path / "entrees"], sortie, pdf=True, convertisseur=convertisseur,
                    executor=ExecuteurCoupe(limite=9))  # fmt: skip

    sur_disque = {p.name for p in sortie.glob("*.pdf")}
    consignes = {Path(str(f["chemin"])).name for ligne in _journal(sortie) for f in ligne["fichiers"]}  # type: ignore[attr-defined]
    assert sur_disque and sur_disque <= consignes

    rapport = generer_lot([tmp_path / "entrees"], sortie, pdf=True, reprendre=True, convertisseur=convertisseur)
    assert (rapport.echecs, rapport.produits + rapport.repris) == (0, 12)
    assert rapport.repris >= len(sur_disque)
    assert len(list(sortie.glob("*.pdf"))) == 12
    assert temporaires(sortie) == []


def test_erreur_imprevue_d_un_document(tmp_path: Path) -> None:
    """Disque plein pendant la conversion d'un document : lui seul échoue (message en français, .docx gardé),
    les autres ont leur PDF ; aucune ligne perdue, code de sortie 1."""
    preparer_donnees(tmp_path / "entrees", 5)
    generer_lot([tmp_path / "entrees"], tmp_path / "essai")
    fautif = sorted(p.name for p in (tmp_path / "essai").glob("*.docx"))[2]
    sortie = tmp_path / "sortie"

    rapport = generer_lot([tmp_path / "entrees"], sortie, pdf=True, convertisseur=ConvertisseurDeTest([fautif]))

    assert [str(ligne.statut) for ligne in rapport.lignes].count("produit") == 4
    (echec,) = rapport.lignes_en_echec
    assert echec.fichiers == (sortie / fautif,)
    assert echec.message.startswith(
        "PDF non produit (le .docx est conservé) : erreur inattendue pendant la conversion ("
    )
    assert rapport.code_sortie == 1
    assert len(lire_rapport(sortie)) == 5
    assert (sortie / fautif).exists() and not (sortie / fautif).with_suffix(".pdf").exists()
    assert temporaires(sortie) == []
