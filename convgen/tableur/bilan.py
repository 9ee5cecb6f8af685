"""Le classeur du compte rendu d'exécution : les mêmes chiffres que le document, prêts à recalculer.

Trois feuilles : « Actions » (une ligne par action : prévu, réalisé, écart, puis chaque financeur),
« Financeurs » et « État » (position de l'État et reversement dû). Les montants sont écrits en
nombres décimaux exacts (``Decimal``), au format monétaire français d'Excel ; les valeurs sont
celles de :class:`convgen.bilan.Bilan`, dont le contexte du document tire aussi les siennes.
"""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from convgen.bilan import Bilan, Ecart
from convgen.modele import libelle_financeur

FORMAT_EUROS = '#,##0.00\\ "€"'
FORMAT_POURCENT = "0.00%"
_COLONNES_ECART = ("Prévu (€)", "Réalisé (€)", "Écart (€)", "Écart (%)")


def _ecart(e: Ecart) -> list[Decimal | None]:
    return [e.prevu, e.realise, e.ecart, None if e.ratio is None else round(e.ratio, 6)]


def _feuille(classeur: Workbook, titre: str, entetes: list[str], lignes: list[list[object]]) -> Worksheet:
    feuille = classeur.create_sheet(titre)
    for valeurs in [entetes, *lignes]:
        feuille.append(valeurs)
        for cellule in feuille[feuille.max_row]:
            if isinstance(cellule.value, str):
                cellule.data_type = "s"  # jamais de formule : « =HYPERLINK(…) » venu des données reste un texte
    for cellule in feuille[1]:
        cellule.font = Font(bold=True)
    for colonne, entete in enumerate(entetes, start=1):
        format_ = FORMAT_POURCENT if entete.endswith("(%)") else FORMAT_EUROS if entete.endswith("(€)") else None
        largeur = 40 if entete in ("Action", "Financeur", "Poste") else 16
        feuille.column_dimensions[feuille.cell(1, colonne).column_letter].width = largeur
        if format_:
            for ligne in feuille.iter_rows(min_row=2, min_col=colonne, max_col=colonne):
                ligne[0].number_format = format_
    feuille.freeze_panes = "A2"
    return feuille


def classeur_bilan(bilan: Bilan) -> bytes:
    """Le classeur .xlsx du compte rendu, en octets."""
    classeur = Workbook()
    classeur.remove(classeur.active)
    financeurs = list(bilan.financeurs())
    entetes = ["N°", "Mission", "Objectif", "Action", *_COLONNES_ECART]
    for f in financeurs:
        entetes += [f"{libelle_financeur(f)} prévu (€)", f"{libelle_financeur(f)} réalisé (€)"]
    lignes: list[list[object]] = []
    for ligne in bilan.lignes:
        a = ligne.action
        valeurs: list[object] = [a.numero, a.mission, a.objectif, a.intitule, *_ecart(ligne.cout)]
        for f in financeurs:
            e = ligne.financements.get(f, Ecart(Decimal("0.00"), Decimal("0.00")))
            valeurs += [e.prevu, e.realise]
        lignes.append(valeurs)
    lignes.append(["", "", "", "Total du programme", *_ecart(bilan.total)])
    _feuille(classeur, "Actions", entetes, lignes)
    _feuille(
        classeur,
        "Financeurs",
        ["Financeur", *_COLONNES_ECART],
        [[libelle_financeur(f), *_ecart(e)] for f, e in bilan.financeurs().items()],
    )
    position = bilan.etat
    _feuille(
        classeur,
        "État",
        ["Poste", "Montant (€)"],
        [
            ["Contribution de l’État prévue", position.prevu],
            ["Contribution versée par l’État", position.verse],
            ["Autres financements réalisés", position.autres_realises],
            ["Coût réalisé total", position.cout_realise],
            ["Reversement dû (article 9)", position.reversement],
        ],
    )
    classeur.properties.creator = "convgen"
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()
