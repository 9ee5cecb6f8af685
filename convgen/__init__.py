"""convgen : conventions annuelles d'objectifs du programme régional d'animation des missions locales.

La façade publique tient en quelques noms ; ils sont chargés à la première
utilisation, de sorte que ``import convgen`` (et la ligne de commande) démarre vite
et sans effet de bord.

>>> import convgen
>>> convention = convgen.charger("donnees_exemple/auvergne_2009_tripartite.yaml")  # doctest: +SKIP
>>> [c.code for c in convgen.valider(convention)]  # doctest: +SKIP
['seuil-convention']
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from convgen.avenant import Modification, comparer
    from convgen.chargement import charger
    from convgen.contexte import construire_contexte
    from convgen.cycle import charger_realisation, generer_avenant, generer_bilan
    from convgen.erreurs import Constat, ErreurConvgen, Gravite
    from convgen.gabarit.rendu import generer_docx
    from convgen.lot import generer_lot
    from convgen.modele import Convention
    from convgen.opendata import donnees_essentielles
    from convgen.pdf import generer_pdf
    from convgen.regles import valider

__all__ = [
    "Constat",
    "Convention",
    "ErreurConvgen",
    "Gravite",
    "Modification",
    "charger",
    "charger_realisation",
    "comparer",
    "construire_contexte",
    "donnees_essentielles",
    "generer_avenant",
    "generer_bilan",
    "generer_docx",
    "generer_lot",
    "generer_pdf",
    "valider",
]

_ORIGINES = {
    "Constat": "convgen.erreurs",
    "Convention": "convgen.modele",
    "ErreurConvgen": "convgen.erreurs",
    "Gravite": "convgen.erreurs",
    "Modification": "convgen.avenant",
    "charger": "convgen.chargement",
    "charger_realisation": "convgen.cycle",
    "comparer": "convgen.avenant",
    "construire_contexte": "convgen.contexte",
    "donnees_essentielles": "convgen.opendata",
    "generer_avenant": "convgen.cycle",
    "generer_bilan": "convgen.cycle",
    "generer_docx": "convgen.gabarit.rendu",
    "generer_lot": "convgen.lot",
    "generer_pdf": "convgen.pdf",
    "valider": "convgen.regles",
}


def __getattr__(nom: str) -> Any:
    if nom in _ORIGINES:
        valeur = getattr(import_module(_ORIGINES[nom]), nom)
        globals()[nom] = valeur
        return valeur
    raise AttributeError(f"le module convgen n'a pas d'attribut {nom!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
