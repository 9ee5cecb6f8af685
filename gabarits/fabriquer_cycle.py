"""Fabrique les gabarits Word du cycle de la convention : l'avenant et le compte rendu d'exécution.

Usage, depuis la racine du dépôt : ``python gabarits/fabriquer_cycle.py``.

Comme ``fabriquer_gabarit.py`` pour la convention, le script construit avec python-docx, à partir des
briques de ``gabarits/fabrique/``, ``gabarits/avenant_dgefp_2008_15.docx`` (variables de
:mod:`convgen.contexte_avenant`) et ``gabarits/bilan_dgefp_2008_15.docx`` (variables de
:mod:`convgen.contexte_bilan`), reproductibles octet pour octet.
"""

from __future__ import annotations

import sys
from pathlib import Path

DOSSIER = Path(__file__).resolve().parent
if str(DOSSIER) not in sys.path:
    sys.path.insert(0, str(DOSSIER))

from fabrique.avenant import fabriquer_avenant  # noqa: E402
from fabrique.bilan import fabriquer_bilan  # noqa: E402
from fabrique.paquet import enregistrer  # noqa: E402

GABARITS = {
    "avenant_dgefp_2008_15.docx": fabriquer_avenant,
    "bilan_dgefp_2008_15.docx": fabriquer_bilan,
}


def main() -> None:
    for nom, fabriquer in GABARITS.items():
        destination = DOSSIER / nom
        enregistrer(fabriquer(), destination)
        print(f"Gabarit écrit : {destination}")


if __name__ == "__main__":
    main()
