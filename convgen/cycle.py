"""Les documents du cycle de la convention : l'avenant (article 11) et le compte rendu d'exécution (article 6).

Comme :func:`convgen.gabarit.rendu.generer_docx` pour la convention : les données sont contrôlées
d'abord (une erreur lève :class:`~convgen.erreurs.DonneesInvalides` et rien n'est écrit), le contexte
est rendu avec le gabarit livré (ou un gabarit personnalisé, vérifié contre le schéma de son contexte)
et le document est écrit atomiquement, jamais par-dessus un fichier existant sans ``ecraser``.

``produire_avenant`` et ``produire_bilan`` partent des fichiers (ce que fait la ligne de commande) :
elles rassemblent les constats situés de chaque fichier et écrivent .docx, .pdf et, pour le bilan, .xlsx.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from convgen.avenant import ARTICLE_ANNEXE, comparer, constats_avenant, controler_avenant
from convgen.bilan import Bilan, Realisation, charger_realisation_texte, comparer_bilan, controler_bilan
from convgen.chargement import lire
from convgen.contexte_avenant import ContexteAvenant, construire_contexte_avenant
from convgen.contexte_bilan import ContexteBilan, construire_contexte_bilan, series_graphique
from convgen.erreurs import Constat, DonneesInvalides, FichierExistant, FichierIllisible, Gravite, erreurs
from convgen.fichiers import chemin_dans, ecrire, ecrire_atomique, nom_sain
from convgen.gabarit.images import remplacer_image
from convgen.gabarit.rendu import Gabarit, charger_gabarit, chemin_gabarit_par_defaut
from convgen.graphique import graphique_missions
from convgen.modele import Convention
from convgen.pdf import convertir_en_pdf
from convgen.regles import examiner, valider
from convgen.tableur.bilan import classeur_bilan
from convgen.tableur.lecture import est_tableur

GABARIT_AVENANT = "avenant_dgefp_2008_15.docx"
GABARIT_BILAN = "bilan_dgefp_2008_15.docx"


def _gabarit(gabarit: str | Path | Gabarit | None, defaut: str, schema: object) -> Gabarit:
    if isinstance(gabarit, Gabarit):
        return gabarit
    return charger_gabarit(gabarit or chemin_gabarit_par_defaut(defaut), schema=schema)


def rendre_avenant(
    initiale: Convention,
    modifiee: Convention,
    *,
    numero: int = 1,
    date: dt.date | None = None,
    lieu: str | None = None,
    projet: bool = False,
    gabarit: str | Path | Gabarit | None = None,
) -> bytes:
    """Le .docx de l'avenant, en octets ; lève :class:`~convgen.erreurs.DonneesInvalides` s'il est refusé."""
    refus = erreurs(controler_avenant(initiale, modifiee, date=date))
    if refus:
        raise DonneesInvalides(refus)
    contexte = construire_contexte_avenant(initiale, modifiee, numero=numero, date=date, lieu=lieu, projet=projet)
    return _gabarit(gabarit, GABARIT_AVENANT, ContexteAvenant).rendre(contexte)


def generer_avenant(
    initiale: Convention,
    modifiee: Convention,
    destination: str | Path | BinaryIO,
    *,
    numero: int = 1,
    date: dt.date | None = None,
    lieu: str | None = None,
    projet: bool = False,
    gabarit: str | Path | Gabarit | None = None,
    ecraser: bool = False,
) -> Path | None:
    """Écrit l'avenant n° ``numero`` qui fait passer de ``initiale`` à ``modifiee`` (.docx).

    Refusé (:class:`~convgen.erreurs.DonneesInvalides`, codes ``avenant-sans-modification``,
    ``avenant-parties-differentes``, ``dates-incoherentes`` et ceux de :func:`convgen.valider` sur la
    convention modifiée) sans rien écrire. ``date`` et ``lieu`` absents restent en blanc, à remplir à la main.
    """
    octets = rendre_avenant(initiale, modifiee, numero=numero, date=date, lieu=lieu, projet=projet, gabarit=gabarit)
    return ecrire(destination, octets, ecraser=ecraser)


@dataclass
class Resultat:
    """Ce qu'a donné une commande du cycle : constats situés et fichiers écrits (aucun si refus)."""

    constats: list[Constat] = field(default_factory=list)
    fichiers: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Ce que le document contient, en une ligne chacun (les modifications d'un avenant)."""

    @property
    def refuse(self) -> bool:
        return bool(erreurs(self.constats))


def lire_convention(chemin: str | Path, resultat: Resultat) -> Convention | None:
    """La convention d'un fichier ; ses constats, situés dans le fichier, s'ajoutent au résultat."""
    examen = examiner(chemin)
    resultat.constats += examen.constats
    return examen.convention


def ecrire_documents(
    docx: Path, octets: bytes, *, pdf: bool, ecraser: bool, voisins: dict[str, bytes] | None = None
) -> list[Path]:
    """Écrit le .docx et ses voisins (``{".xlsx": octets}``), puis son PDF ; rien si l'un d'eux existe déjà."""
    fichiers = {docx: octets, **{docx.with_suffix(s): o for s, o in (voisins or {}).items()}}
    cibles = [*fichiers, *([docx.with_suffix(".pdf")] if pdf else [])]
    existant = next((c for c in cibles if c.exists()), None)
    if existant is not None and not ecraser:
        raise FichierExistant(existant)
    ecrits = [ecrire_atomique(cible, contenu, ecraser=ecraser) for cible, contenu in fichiers.items()]
    if pdf:
        ecrits.append(_pdf(docx, ecraser=ecraser))
    return ecrits


def _pdf(docx: Path, *, ecraser: bool) -> Path:
    with tempfile.TemporaryDirectory(prefix="convgen-cycle-") as dossier:
        copie = Path(dossier) / docx.name
        copie.write_bytes(docx.read_bytes())
        octets = convertir_en_pdf(copie)
    return ecrire_atomique(docx.with_suffix(".pdf"), octets, ecraser=ecraser)


def _place(article: int | None) -> str:
    """Où porte une modification : « parties », « article 4 », « annexe »."""
    return "parties" if article is None else "annexe" if article == ARTICLE_ANNEXE else f"article {article}"


def produire_avenant(
    initiale: str | Path,
    modifiee: str | Path,
    sortie: str | Path,
    *,
    numero: int = 1,
    date: dt.date | None = None,
    lieu: str | None = None,
    projet: bool = False,
    pdf: bool = False,
    ecraser: bool = False,
    gabarit: str | Path | None = None,
) -> Resultat:
    """Lit les deux versions, contrôle l'avenant et écrit ``avenant_<n>_<année>_<région>.docx`` (et .pdf)."""
    examen = examiner(initiale)  # illisible, rien à comparer ; ses alertes ne concernent plus l’avenant
    avant, resultat = examen.convention, Resultat()
    if avant is None:
        return Resultat(examen.constats)
    apres = lire_convention(modifiee, resultat)
    if apres is None:
        return resultat
    propres = [replace(c, fichier=str(modifiee)) for c in constats_avenant(avant, apres, date=date)]
    resultat.constats = [*propres, *resultat.constats]
    if resultat.refuse:
        return resultat
    octets = rendre_avenant(avant, apres, numero=numero, date=date, lieu=lieu, projet=projet, gabarit=gabarit)
    resultat.notes = [f"{_place(m.article)} : {m.libelle}" for m in comparer(avant, apres)]
    nom = f"avenant_{numero}_{apres.annee}_{nom_sain(apres.region)}.docx"
    resultat.fichiers = ecrire_documents(chemin_dans(Path(sortie), nom), octets, pdf=pdf, ecraser=ecraser)
    return resultat


# --- Compte rendu d'exécution ------------------------------------------------------------------------


def rendre_bilan(
    convention: Convention, realisation: Realisation, *, gabarit: str | Path | Gabarit | None = None
) -> tuple[bytes, Bilan]:
    """Le .docx du compte rendu (graphique compris) et le bilan chiffré ; refusé sur erreur, sans rien écrire.

    Les erreurs des règles de la convention elle-même, comme celles de la réalisation, empêchent le compte rendu.
    """
    refus = erreurs([*controler_bilan(convention, realisation), *valider(convention)])
    if refus:
        raise DonneesInvalides(refus)
    bilan = comparer_bilan(convention, realisation)
    contexte = construire_contexte_bilan(bilan)
    octets = _gabarit(gabarit, GABARIT_BILAN, ContexteBilan).rendre(contexte)
    png = graphique_missions(series_graphique(bilan))
    return remplacer_image(octets, png, alternatif=contexte["bilan"]["graphique_alt"]), bilan


def generer_bilan(
    convention: Convention,
    realisation: Realisation,
    destination: str | Path | BinaryIO,
    *,
    gabarit: str | Path | Gabarit | None = None,
    ecraser: bool = False,
) -> Path | None:
    """Écrit le compte rendu d'exécution (.docx) : prévu et réalisé, indicateurs, graphique, reversement dû.

    Refusé (:class:`~convgen.erreurs.DonneesInvalides`) pour ``bilan-convention-differente``,
    ``bilan-action-inconnue`` ou une erreur de la convention ; ``bilan-action-non-renseignee`` et
    ``bilan-versements-incoherents`` sont des alertes (:func:`convgen.bilan.controler_bilan`).
    """
    octets, _ = rendre_bilan(convention, realisation, gabarit=gabarit)
    return ecrire(destination, octets, ecraser=ecraser)


def charger_realisation(chemin: str | Path) -> Realisation:
    """Lit et valide une réalisation : YAML, JSON, ou feuille « Réalisation » d'un classeur .xlsx.

    Lève :class:`~convgen.erreurs.FichierIllisible` ou :class:`~convgen.erreurs.DonneesInvalides`
    (tous les constats, situés par ligne ou par feuille, ligne et colonne).
    """
    if est_tableur(chemin):
        from convgen.tableur.realisation import lire_realisation_tableur

        return lire_realisation_tableur(chemin)
    return charger_realisation_texte(chemin)


def lire_realisation(chemin: str | Path, resultat: Resultat) -> Realisation | None:
    """La réalisation d'un fichier ; une faute de forme devient des constats situés, jamais une exception."""
    try:
        return charger_realisation(chemin)
    except FichierIllisible as exc:
        resultat.constats.append(
            Constat("fichier-illisible", Gravite.ERREUR, exc.motif, "", str(chemin), ligne=exc.ligne)
        )
    except DonneesInvalides as exc:
        resultat.constats += exc.constats
    return None


def produire_bilan(
    convention: str | Path,
    realisation: str | Path,
    sortie: str | Path,
    *,
    pdf: bool = False,
    ecraser: bool = False,
    gabarit: str | Path | None = None,
) -> Resultat:
    """Lit convention et réalisation, contrôle, écrit ``bilan_<année>_<région>.docx``, ``.xlsx`` (et ``.pdf``)."""
    resultat = Resultat()
    prevue = lire_convention(convention, resultat)
    resultat.constats = erreurs(resultat.constats)  # les alertes de la convention ont été lues à sa signature
    realisee = lire_realisation(realisation, resultat)
    if prevue is None or realisee is None:
        return resultat
    lignes = charger_lignes(realisation)
    resultat.constats += [
        replace(c, fichier=str(realisation), ligne=lignes.get(c.chemin)) for c in controler_bilan(prevue, realisee)
    ]
    if resultat.refuse:
        return resultat
    octets, bilan = rendre_bilan(prevue, realisee, gabarit=gabarit)
    docx = chemin_dans(Path(sortie), f"bilan_{prevue.annee}_{nom_sain(prevue.region)}.docx")
    voisins = {".xlsx": classeur_bilan(bilan)}
    resultat.fichiers = ecrire_documents(docx, octets, pdf=pdf, ecraser=ecraser, voisins=voisins)
    return resultat


def charger_lignes(chemin: str | Path) -> dict[str, int]:
    """La ligne de chaque champ d'un fichier YAML (vide pour le JSON ou un fichier illisible)."""
    try:
        return lire(chemin)[1]
    except FichierIllisible:
        return {}
