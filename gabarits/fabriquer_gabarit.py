"""Fabrique le gabarit Word de la convention (circulaire DGEFP n° 2008-15).

Usage, depuis la racine du dépôt : ``python gabarits/fabriquer_gabarit.py``.

Le script construit avec python-docx le fichier ``gabarits/convention_dgefp_2008_15.docx``,
gabarit docxtpl rendu dans un environnement Jinja bac à sable, avec échappement
automatique et ``StrictUndefined`` : il n'utilise que les clés décrites dans
:mod:`convgen.schema_contexte`, sans calcul ni mise en forme, et chaque balise tient
dans un seul « run » (un seul ``add_run`` par balise). Le fichier produit est
reproductible octet pour octet (dates et horodatages du zip fixés).

Ce fichier n'est que le point d'entrée : les morceaux du document sont dans le paquet
voisin ``gabarits/fabrique/`` (voir sa docstring), qui ne fait pas partie de la roue.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Le paquet ``fabrique`` est à côté de ce script, hors du paquet convgen : on met ce dossier
# en tête du chemin d'import, quel que soit le dossier courant ou la façon de lancer le script.
DOSSIER = Path(__file__).resolve().parent
if str(DOSSIER) not in sys.path:
    sys.path.insert(0, str(DOSSIER))

from docx.document import Document as DocumentWord  # noqa: E402
from fabrique.annexe import annexe  # noqa: E402
from fabrique.articles import articles  # noqa: E402
from fabrique.clauses import signatures  # noqa: E402
from fabrique.convention import page_de_titre, parties, preambule  # noqa: E402
from fabrique.cycle import document_portrait  # noqa: E402
from fabrique.paquet import enregistrer, proprietes  # noqa: E402

DESTINATION = Path(__file__).with_name("convention_dgefp_2008_15.docx")


def fabriquer() -> DocumentWord:
    """Construit le gabarit complet."""
    doc = document_portrait()
    page_de_titre(doc)
    parties(doc)
    preambule(doc)
    articles(doc)
    signatures(doc)
    annexe(doc)
    proprietes(doc)
    return doc


def main() -> None:
    enregistrer(fabriquer(), DESTINATION)
    print(f"Gabarit écrit : {DESTINATION}")


if __name__ == "__main__":
    main()
