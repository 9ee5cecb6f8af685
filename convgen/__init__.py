"""convgen : conventions annuelles d'objectifs du programme régional d'animation des missions locales.

Tout ce dont un script a besoin s'importe d'ici : ``import convgen`` suffit. Les noms
sont chargés à leur première utilisation, de sorte que ``import convgen`` (et la ligne
de commande) démarre vite et sans effet de bord ; les modules internes peuvent changer,
cette façade non.

>>> import convgen
>>> convention = convgen.charger("donnees_exemple/auvergne_2009_tripartite.yaml")  # doctest: +SKIP
>>> [c.code for c in convgen.valider(convention)]  # doctest: +SKIP
['seuil-convention']
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.3.0"

if TYPE_CHECKING:
    from convgen.avenant import Modification, comparer
    from convgen.chargement import charger
    from convgen.contexte import Version, construire_contexte
    from convgen.convertisseur import ConvertisseurPdf
    from convgen.cycle import charger_realisation, generer_avenant, generer_bilan
    from convgen.erreurs import (
        Constat,
        ConversionEchouee,
        DonneesInvalides,
        ErreurConvgen,
        ErreurDonnees,
        ErreurGabarit,
        ErreurLot,
        ErreurPdf,
        ErreurSortie,
        FichierExistant,
        FichierIllisible,
        GabaritInvalide,
        Gravite,
        LibreOfficeAbsent,
        LibreOfficeBloque,
        NomDejaPris,
        ProblemeGabarit,
        RenduImpossible,
    )
    from convgen.examen import Examen, examiner
    from convgen.gabarit.rendu import Gabarit, charger_gabarit, generer_docx
    from convgen.gabarit.verification import verifier_gabarit
    from convgen.lot import Avancement, LigneRapport, RapportLot, generer_lot
    from convgen.modele import (
        ActionAnnexe,
        ActionLocale,
        Adresse,
        ConseilRegional,
        Convention,
        Deliberation,
        Etat,
        Financement,
        Personne,
        Signataire,
        Signature,
        Structure,
        Versement,
    )
    from convgen.opendata import donnees_essentielles
    from convgen.pdf import generer_pdf
    from convgen.production import Statut, nom_document
    from convgen.regles import valider
    from convgen.schemas import schema_json_contexte, schema_json_donnees
    from convgen.tableur import ecrire_tableur, lire_tableur

__all__ = [
    "ActionAnnexe",
    "ActionLocale",
    "Adresse",
    "Avancement",
    "ConseilRegional",
    "Constat",
    "Convention",
    "ConversionEchouee",
    "ConvertisseurPdf",
    "Deliberation",
    "DonneesInvalides",
    "ErreurConvgen",
    "ErreurDonnees",
    "ErreurGabarit",
    "ErreurLot",
    "ErreurPdf",
    "ErreurSortie",
    "Etat",
    "Examen",
    "FichierExistant",
    "FichierIllisible",
    "Financement",
    "Gabarit",
    "GabaritInvalide",
    "Gravite",
    "LibreOfficeAbsent",
    "LibreOfficeBloque",
    "LigneRapport",
    "Modification",
    "NomDejaPris",
    "Personne",
    "ProblemeGabarit",
    "RapportLot",
    "RenduImpossible",
    "Signataire",
    "Signature",
    "Statut",
    "Structure",
    "Versement",
    "Version",
    "__version__",
    "charger",
    "charger_gabarit",
    "charger_realisation",
    "comparer",
    "construire_contexte",
    "donnees_essentielles",
    "ecrire_tableur",
    "examiner",
    "generer_avenant",
    "generer_bilan",
    "generer_docx",
    "generer_lot",
    "generer_pdf",
    "lire_tableur",
    "nom_document",
    "schema_json_contexte",
    "schema_json_donnees",
    "valider",
    "verifier_gabarit",
]

_ORIGINES = {
    "ActionAnnexe": "convgen.modele",
    "ActionLocale": "convgen.modele",
    "Adresse": "convgen.modele",
    "Avancement": "convgen.lot",
    "ConseilRegional": "convgen.modele",
    "Constat": "convgen.erreurs",
    "Convention": "convgen.modele",
    "ConversionEchouee": "convgen.erreurs",
    "ConvertisseurPdf": "convgen.convertisseur",
    "Deliberation": "convgen.modele",
    "DonneesInvalides": "convgen.erreurs",
    "ErreurConvgen": "convgen.erreurs",
    "ErreurDonnees": "convgen.erreurs",
    "ErreurGabarit": "convgen.erreurs",
    "ErreurLot": "convgen.erreurs",
    "ErreurPdf": "convgen.erreurs",
    "ErreurSortie": "convgen.erreurs",
    "Etat": "convgen.modele",
    "Examen": "convgen.examen",
    "FichierExistant": "convgen.erreurs",
    "FichierIllisible": "convgen.erreurs",
    "Financement": "convgen.modele",
    "Gabarit": "convgen.gabarit.rendu",
    "GabaritInvalide": "convgen.erreurs",
    "Gravite": "convgen.erreurs",
    "LibreOfficeAbsent": "convgen.erreurs",
    "LibreOfficeBloque": "convgen.erreurs",
    "LigneRapport": "convgen.lot",
    "Modification": "convgen.avenant",
    "NomDejaPris": "convgen.erreurs",
    "Personne": "convgen.modele",
    "ProblemeGabarit": "convgen.erreurs",
    "RapportLot": "convgen.lot",
    "RenduImpossible": "convgen.erreurs",
    "Signataire": "convgen.modele",
    "Signature": "convgen.modele",
    "Statut": "convgen.production",
    "Structure": "convgen.modele",
    "Versement": "convgen.modele",
    "Version": "convgen.contexte",
    "charger": "convgen.chargement",
    "charger_gabarit": "convgen.gabarit.rendu",
    "charger_realisation": "convgen.cycle",
    "comparer": "convgen.avenant",
    "construire_contexte": "convgen.contexte",
    "donnees_essentielles": "convgen.opendata",
    "ecrire_tableur": "convgen.tableur",
    "examiner": "convgen.examen",
    "generer_avenant": "convgen.cycle",
    "generer_bilan": "convgen.cycle",
    "generer_docx": "convgen.gabarit.rendu",
    "generer_lot": "convgen.lot",
    "generer_pdf": "convgen.pdf",
    "lire_tableur": "convgen.tableur",
    "nom_document": "convgen.production",
    "schema_json_contexte": "convgen.schemas",
    "schema_json_donnees": "convgen.schemas",
    "valider": "convgen.regles",
    "verifier_gabarit": "convgen.gabarit.verification",
}


def __getattr__(nom: str) -> object:
    if nom in _ORIGINES:
        valeur: object = getattr(import_module(_ORIGINES[nom]), nom)
        globals()[nom] = valeur
        return valeur
    raise AttributeError(f"le module convgen n'a pas d'attribut {nom!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
