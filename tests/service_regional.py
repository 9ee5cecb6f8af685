"""Script d'un service régional, écrit comme son auteur l'écrirait : rien d'autre que ``import convgen``.

Les données arrivent d'un autre système sous forme de dictionnaires ; le script les valide,
produit pour chacune la version bipartite et, quand la Région est partie, la tripartite, en
Word et en PDF (un seul LibreOffice pour tous), et rend une archive zip en mémoire avec le
bilan des refus. ``tests/test_service.py`` l'exécute ; le README en montre le cœur.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping

import convgen


# --- début de l'exemple du README ---
def archive_des_conventions(enregistrements: Iterable[Mapping[str, object]]) -> tuple[bytes, list[convgen.Constat]]:
    """Les conventions valides en .docx et .pdf dans un zip ; les constats qui ont fait refuser les autres."""
    valides: list[convgen.Convention] = []
    refus: list[convgen.Constat] = []
    for enregistrement in enregistrements:
        try:
            convention = convgen.charger(enregistrement)  # dictionnaire, chemin ou fichier ouvert
        except convgen.DonneesInvalides as exc:  # erreurs de forme, toutes à la fois
            refus += exc.constats
            continue
        erreurs = [c for c in convgen.valider(convention) if c.gravite is convgen.Gravite.ERREUR]
        if erreurs:  # règles de la circulaire
            refus += erreurs
        else:
            valides.append(convention)
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w") as archive, convgen.ConvertisseurPdf() as convertisseur:
        for convention in valides:
            versions: list[convgen.Version] = ["bipartite", "tripartite"] if convention.tripartite else ["bipartite"]
            for version in versions:
                docx = io.BytesIO()
                convgen.generer_docx(convention, docx, version=version)
                archive.writestr(convgen.nom_document(convention, version), docx.getvalue())
                pdf = convertisseur.en_pdf(docx.getvalue())  # le même LibreOffice pour tous les PDF
                archive.writestr(convgen.nom_document(convention, version, suffixe=".pdf"), pdf)
    return tampon.getvalue(), refus


# --- fin de l'exemple du README ---
