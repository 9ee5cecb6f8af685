"""Banc d'essai de ``verifier_gabarit`` (ce n'est pas un test : il mesure et imprime des rapports).

La vérification doit rester linéaire : un gabarit forgé de N balises fautives (erreurs de syntaxe,
fins orphelines, blocs jamais fermés, variables mal tapées, balises coupées par Word) est vérifié
pour N et 10 N ; le rapport des durées doit rester voisin de 10 (un nouvel analyseur du modèle entier
après chaque erreur le porterait vers 100).

Usage : ``python tests/perf/banc_verification.py [--balises 300]``.
"""

from __future__ import annotations

import argparse
import io
import platform
import sys
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(RACINE))

FAUTIVES = ["{{ structure.nom + }}", "{% for x in %}", "{% endif %}", "{% if region %}", "{{ structure.nmo }}"]


def gabarit(n: int) -> bytes:
    """N balises fautives, un paragraphe chacune, une sur cinq coupée en deux runs de forme différente."""
    from docx import Document

    doc = Document()
    for i in range(n):
        texte = FAUTIVES[i % len(FAUTIVES)]
        p = doc.add_paragraph(texte[:5] if i % 5 == 4 else texte)
        if i % 5 == 4:
            p.add_run(texte[5:]).bold = True
    tampon = io.BytesIO()
    doc.save(tampon)
    return tampon.getvalue()


def mesurer(n: int) -> tuple[float, int]:
    from convgen.gabarit.verification import verifier_gabarit

    octets = gabarit(n)
    debut = time.perf_counter()
    problemes = verifier_gabarit(octets)
    return time.perf_counter() - debut, len(problemes)


def main() -> None:
    analyseur = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    analyseur.add_argument("--balises", type=int, default=300, help="N (le second gabarit en a 10 N)")
    n = analyseur.parse_args().balises
    print(f"Machine : {len(__import__('os').sched_getaffinity(0))} cœurs ; Python {platform.python_version()}")
    mesurer(10)  # chauffe : imports, schéma du contexte
    (court, pc), (long, pl) = mesurer(n), mesurer(10 * n)
    print(f"{n:>6} balises fautives : {court:6.2f} s ({pc} problèmes)")
    print(f"{10 * n:>6} balises fautives : {long:6.2f} s ({pl} problèmes)")
    print(f"rapport : {long / court:5.1f} (linéaire ≈ 10 ; quadratique ≈ 100)")


if __name__ == "__main__":
    main()
