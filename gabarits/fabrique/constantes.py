"""Constantes du gabarit : police, couleurs, mise en page (en twips) et noms de styles."""

from __future__ import annotations

import datetime as dt

from docx.shared import RGBColor

POLICE = "Arial"
LANGUE = "fr-FR"
NOIR = RGBColor(0, 0, 0)
GRIS_TEXTE = RGBColor(0x40, 0x40, 0x40)
FOND_ENTETE = "D9D9D9"
FOND_TOTAL = "F2F2F2"
BORDURE = "7F7F7F"
TIRET = "\u2013"
MARGE_CELLULE = 85  # marge gauche et droite des cellules (twips) : les tableaux débordent d'autant à gauche
DATE_FIXE = dt.datetime(2000, 1, 1)

# Mise en page en twips (1 cm = 567 twips) : A4, marges de 2 cm puis 1,5 cm pour l'annexe.
A4_COURT, A4_LONG = 11906, 16838
MARGE_PORTRAIT, MARGE_PAYSAGE = 1134, 850
LARGEUR_PORTRAIT = A4_COURT - 2 * MARGE_PORTRAIT
LARGEUR_PAYSAGE = A4_LONG - 2 * MARGE_PAYSAGE

# Numéros des listes à tirets créées dans numbering.xml (corps du texte, tableaux).
NUM_PUCE_CORPS, NUM_PUCE_TABLEAU, NUM_SOUS_PUCE_TABLEAU = 101, 102, 103

STYLE_TABLEAU = "Tableau convention"
STYLE_TEXTE_TABLEAU = "Texte tableau"
STYLE_PUCE_TABLEAU = "Puce tableau"
STYLE_SOUS_PUCE_TABLEAU = "Sous-puce tableau"
