"""Le graphique du compte rendu d'exécution : coût prévu et réalisé par mission (PNG, matplotlib).

Le dessin se fait hors de tout écran (moteur Agg, sans pyplot ni état global) et le PNG ne porte ni
date ni version du logiciel : mêmes chiffres, mêmes octets. Les montants ne servent qu'à tracer des
barres ; les chiffres imprimés dans le document viennent du contexte, en ``Decimal``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

LARGEUR_CM, HAUTEUR_CM = 16.0, 8.0
"""Taille du graphique dans le document (celle de l'image du gabarit)."""
_POUCE = 2.54


def _milliers(valeur: float, _position: object = None) -> str:
    """Graduation « 40 000 € » (espace fine insécable, comme les montants du document)."""
    return f"{valeur:,.0f}\u202f€".replace(",", "\u202f")


def graphique_missions(missions: Sequence[tuple[str, Decimal, Decimal]]) -> bytes:
    """Barres groupées « prévu » et « réalisé » pour chaque (libellé, prévu, réalisé) ; le PNG en octets."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    figure = Figure(figsize=(LARGEUR_CM / _POUCE, HAUTEUR_CM / _POUCE), dpi=150)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    rangs = range(len(missions))
    largeur = 0.38
    prevus = [float(prevu) for _, prevu, _ in missions]
    realises = [float(realise) for _, _, realise in missions]
    axes.bar([r - largeur / 2 for r in rangs], prevus, largeur, label="Prévu", color="#9e9e9e")
    axes.bar([r + largeur / 2 for r in rangs], realises, largeur, label="Réalisé", color="#1f4e79")
    axes.set_xticks(list(rangs), [libelle for libelle, _, _ in missions], fontsize=8)
    axes.yaxis.set_major_formatter(FuncFormatter(_milliers))
    axes.tick_params(axis="y", labelsize=8)
    axes.legend(fontsize=8, frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    tampon = io.BytesIO()
    figure.savefig(tampon, format="png", metadata={"Software": None})
    return tampon.getvalue()
