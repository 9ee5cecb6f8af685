"""Banc d'essai (pas un test) : trois PDF par ``generer_pdf`` seul, puis par un ``ConvertisseurPdf`` partagé.

``python tests/perf/banc_convertisseur.py [--documents 3]`` affiche les deux durées et leur
rapport (cible : au moins 2). Les deux façons sont mesurées dans la même exécution, sur les
mêmes données.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

import convgen

RACINE = Path(__file__).resolve().parents[2]


def main() -> None:
    analyseur = argparse.ArgumentParser(description=__doc__)
    analyseur.add_argument("--documents", type=int, default=3)
    n = analyseur.parse_args().documents
    convention = convgen.charger(RACINE / "donnees_exemple" / "auvergne_2009_tripartite.yaml")
    with tempfile.TemporaryDirectory() as dossier:
        debut = time.perf_counter()
        for i in range(n):
            convgen.generer_pdf(convention, Path(dossier) / f"seul_{i}.pdf")
        seuls = time.perf_counter() - debut
        debut = time.perf_counter()
        with convgen.ConvertisseurPdf() as convertisseur:
            for i in range(n):
                convgen.generer_pdf(convention, Path(dossier) / f"partage_{i}.pdf", convertisseur=convertisseur)
            pont = "pont UNO" if convertisseur.python else "sans pont UNO"
        partages = time.perf_counter() - debut
    print(f"Machine : {os.cpu_count()} cœurs ; Python {platform.python_version()} ; {pont}")
    print(f"{n} PDF : generer_pdf seul {seuls:6.2f} s ; ConvertisseurPdf partagé {partages:6.2f} s")
    print(f"rapport {seuls / partages:5.2f} (cible ≥ 2)")


if __name__ == "__main__":
    main()
