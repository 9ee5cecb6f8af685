"""Classeurs Excel des conventions : colonnes décrites une fois (:mod:`.colonnes`), lecture située
(:mod:`.lecture`) et écriture (:mod:`.ecriture`)."""

from convgen.tableur.ecriture import ecrire_modele_tableur, ecrire_tableur
from convgen.tableur.lecture import est_tableur, lire_tableur

__all__ = ["ecrire_modele_tableur", "ecrire_tableur", "est_tableur", "lire_tableur"]
