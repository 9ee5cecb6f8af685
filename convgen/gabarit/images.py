"""Images d'un document rendu : le graphique du compte rendu d'exécution prend la place de celle du gabarit.

Le gabarit porte une image (``word/media/…png``), dont la taille dans la page et le texte de
remplacement sont ceux du gabarit ; convgen en remplace les octets après le rendu, sans toucher au
XML : un gabarit personnalisé peut déplacer ou redimensionner l'image dans Word.
"""

from __future__ import annotations

from convgen.gabarit.docx_xml import ecrire_archive, lire_archive


def remplacer_image(docx: bytes, png: bytes, *, nom: str = "document") -> bytes:
    """Le document dont la première image PNG est remplacée par ``png`` ; inchangé s'il n'en a pas."""
    entrees = lire_archive(docx, nom)
    images = sorted(n for n in entrees if n.startswith("word/media/") and n.lower().endswith(".png"))
    if not images:
        return docx
    return ecrire_archive(entrees, {images[0]: png})
