"""Un lot interrompu (SIGTERM, SIGINT) ou un LibreOffice bloqué : ni processus orphelin, ni profil laissé.

Vrais signaux envoyés à un vrai ``convgen lot``, vrai LibreOffice ; le LibreOffice « bloqué » est
un vrai processus qui ne répond jamais (``CONVGEN_SOFFICE`` désigne un script qui dort), arrêté
par le délai. Chaque attente est bornée.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from lot_aide import RACINE, lire_rapport, preparer_donnees, temporaires

from convgen.lot import generer_lot
from convgen.lot_pdf import MESSAGE_DISJONCTE, convertir_lignes


def _parents() -> dict[int, tuple[int, str, str]]:
    """pid → (pid du parent, état, ligne de commande) de tous les processus visibles."""
    processus = {}
    for dossier in Path("/proc").glob("[0-9]*"):
        try:
            stat = (dossier / "stat").read_text()
            ligne = (dossier / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue  # fini entre la liste et la lecture
        etat, parent = stat.rsplit(")", 1)[1].split()[:2]
        processus[int(dossier.name)] = (int(parent), etat, ligne)
    return processus


def _descendants(racine: int) -> set[int]:
    tous = _parents()
    trouves, a_voir = set(), [racine]
    while a_voir:
        pid = a_voir.pop()
        enfants = {p for p, (parent, _, _) in tous.items() if parent == pid} - trouves
        trouves |= enfants
        a_voir.extend(enfants)
    return trouves


def _vivants(pids: set[int], marque: str) -> list[str]:
    """Les processus encore vivants (les zombies ne comptent pas) parmi ``pids`` ou qui citent ``marque``."""
    return [
        ligne
        for pid, (_, etat, ligne) in _parents().items()
        if etat != "Z" and (pid in pids or marque in ligne) and pid != os.getpid()
    ]


def _attendre(condition: Callable[[], bool], delai: float) -> bool:
    fin = time.monotonic() + delai
    while time.monotonic() < fin:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _lancer_lot(entrees: Path, sortie: Path, temporaire: Path, *options: str) -> subprocess.Popen[str]:
    environnement = {**os.environ, "PYTHONPATH": str(RACINE), "TMPDIR": str(temporaire)}
    return subprocess.Popen(
        [sys.executable, "-m", "convgen", "lot", str(entrees), "--sortie", str(sortie), *options],
        cwd=RACINE,
        env=environnement,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


ETAPES = {
    # étape : (entrées, options, signe que l'étape est en cours)
    "docx": (400, (), lambda sortie, pid: any(sortie.glob("*.docx"))),
    "pdf": (40, ("--pdf",), lambda sortie, pid: any("soffice" in _parents().get(p, (0, "", ""))[2]
                                                    for p in _descendants(pid))),
}  # fmt: skip


@pytest.mark.lent
@pytest.mark.parametrize("numero", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
@pytest.mark.parametrize("etape", ETAPES.keys())
def test_interruption_arrete_tout(outils: None, tmp_path: Path, etape: str, numero: signal.Signals) -> None:
    nombre, options, en_cours = ETAPES[etape]
    preparer_donnees(tmp_path / "entrees", nombre)
    temporaire, sortie = tmp_path / "tmp", tmp_path / "sortie"
    temporaire.mkdir()
    lot = _lancer_lot(tmp_path / "entrees", sortie, temporaire, *options)
    try:
        assert _attendre(lambda: en_cours(sortie, lot.pid), 120), lot.communicate(timeout=60)
        descendants = _descendants(lot.pid)
        lot.send_signal(numero)
        _, erreurs = lot.communicate(timeout=120)
    finally:
        if lot.poll() is None:
            lot.kill()
            lot.communicate()

    assert lot.returncode == 128 + numero, erreurs
    assert erreurs.strip().endswith("convgen : interrompu."), erreurs
    assert "Traceback" not in erreurs
    assert _attendre(lambda: _vivants(descendants, str(temporaire)) == [], 10), _vivants(descendants, str(temporaire))
    assert list(temporaire.glob("convgen-lo-*")) == []
    assert temporaires(sortie) == []
    journal = (sortie / ".convgen" / "journal.jsonl").read_text(encoding="utf-8")
    assert journal.count("\n") < nombre * (2 if options else 1)  # bien interrompu avant la fin
    if options:  # trois paquets (16, 16, 8) : aucun fil ne continue à convertir après l'interruption
        assert len(list(sortie.glob("*.pdf"))) < 16


@pytest.mark.lent
@pytest.mark.parametrize("etape", ETAPES.keys())
def test_lot_tue_puis_repris(outils: None, tmp_path: Path, etape: str) -> None:
    """SIGKILL : rien ne peut se fermer proprement. Les processus de rendu et LibreOffice meurent avec le
    lot (sinon le verrou du dossier, qu'ils partagent, interdirait la reprise) ; la reprise termine le lot,
    ne refait pas ce qui est consigné et retire les restes (documents rendus à part, dossiers de conversion)."""
    nombre, options, _ = ETAPES[etape]
    preparer_donnees(tmp_path / "entrees", nombre)
    temporaire, sortie = tmp_path / "tmp", tmp_path / "sortie"
    temporaire.mkdir()
    lot = _lancer_lot(tmp_path / "entrees", sortie, temporaire, *options)
    try:  # tué quand un premier document est fini (.docx, ou .pdf), les autres en cours
        assert _attendre(lambda: any(sortie.glob(f"*.{etape}")), 120), lot.communicate(timeout=60)
        descendants = _descendants(lot.pid)
        lot.kill()
        lot.communicate(timeout=60)
    finally:
        if lot.poll() is None:
            lot.kill()
            lot.communicate()
    assert _attendre(lambda: _vivants(descendants, str(temporaire)) == [], 20), _vivants(descendants, str(temporaire))

    reprise = _lancer_lot(tmp_path / "entrees", sortie, temporaire, "--reprendre", *options)
    _, erreurs = reprise.communicate(timeout=600)

    assert reprise.returncode == 0, erreurs
    statuts = [e["statut"] for e in lire_rapport(sortie)]
    assert len(statuts) == nombre and set(statuts) <= {"produit", "repris"}
    assert "repris" in statuts  # ce que le lot tué avait consigné n'est pas refait
    assert len(list(sortie.glob("*.docx"))) == nombre
    assert len(list(sortie.glob("*.pdf"))) == (nombre if options else 0)
    assert temporaires(sortie) == []
    assert _vivants(set(), str(temporaire)) == []


# --- LibreOffice bloqué : délai par paquet, disjoncteur après deux blocages --------------------------


@pytest.fixture
def soffice_bloque(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Un « LibreOffice » qui ne répond jamais ; chaque lancement note son numéro de processus."""
    script = tmp_path / "soffice-bloque"
    script.write_text(f'#!/bin/sh\necho $$ >> "{tmp_path}/lancements"\nexec sleep 600\n', encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("CONVGEN_SOFFICE", str(script))
    return tmp_path / "lancements"


def test_libreoffice_bloque_disjoncteur(tmp_path: Path, soffice_bloque: Path) -> None:
    preparer_donnees(tmp_path / "entrees", 6)
    sortie = tmp_path / "sortie"
    generer_lot([tmp_path / "entrees"], sortie)
    lignes = lire_rapport(sortie)  # la forme JSON des lignes, celle que reçoit la conversion

    conversion = convertir_lignes(lignes, paquet=1, delai=0.5)
    finies = sorted(conversion, key=lambda ligne: ligne["indice"])

    assert [ligne["indice"] for ligne in finies] == list(range(6))
    assert {str(ligne["statut"]) for ligne in finies} == {"échec"}
    assert all(ligne["message"].startswith("PDF non produit (le .docx est conservé) : ") for ligne in finies)
    assert sum(MESSAGE_DISJONCTE in ligne["message"] for ligne in finies) >= 4  # jamais tentés : pas d'attente
    assert conversion.avertissements == [f"{MESSAGE_DISJONCTE} ; les .docx restants n'ont pas de PDF"]
    lancements = {int(p) for p in soffice_bloque.read_text(encoding="utf-8").split()}
    assert 2 <= len(lancements) <= 3  # deux blocages, plus celui d'un second fil déjà lancé
    assert _vivants(lancements, str(soffice_bloque)) == []
    assert all(Path(ligne["fichiers"][0]["chemin"]).exists() for ligne in finies)  # les .docx restent
    assert list(sortie.glob("*.pdf")) == []
    assert temporaires(sortie) == []


def test_lot_dit_que_la_conversion_est_arretee(tmp_path: Path, soffice_bloque: Path) -> None:
    preparer_donnees(tmp_path / "entrees", 3)
    rapport = generer_lot([tmp_path / "entrees"], tmp_path / "sortie", pdf=True, delai_pdf=0.5)
    assert rapport.avertissements == [f"{MESSAGE_DISJONCTE} ; les .docx restants n'ont pas de PDF"]
    assert rapport.echecs == 3
    assert [e["statut"] for e in lire_rapport(tmp_path / "sortie")] == ["échec"] * 3
