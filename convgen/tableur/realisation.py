"""La réalisation d'une convention saisie dans une feuille de classeur (.xlsx), pour ``convgen bilan``.

Une feuille (« Réalisation » si elle existe, sinon la première) ; en tête, une ligne par donnée
générale, le libellé en colonne A et la valeur en B (un versement reçu : date en B, montant en C) ;
puis la ligne d'en-têtes du tableau des actions, et une ligne par financement d'une action (le numéro
répété ; coût réalisé, résultats et commentaire sur la première ligne de l'action) :

==================  ==============  ===========  ========  ===========================  ===========
Année               2009
Région              Auvergne
Date                2010-03-15
Versement reçu      2009-04-03      45000.50
N° action           Coût réalisé    Financeur    Montant   Résultats atteints           Commentaire
1                   25000           etat         18500.50  14 missions locales (un par ligne de la cellule)
1                                   Conseil régional  6000
==================  ==============  ===========  ========  ===========================  ===========

Les erreurs sont situées comme celles des conventions : feuille, ligne, colonne.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Any

from convgen.bilan import Realisation, depuis_donnees_realisation
from convgen.erreurs import Constat, DonneesInvalides, FichierIllisible, motif_systeme
from convgen.fichiers import lire_ordinaire
from convgen.francais import sans_accents
from convgen.tableur.archive import LIGNES_LUES_MAX, examiner_archive
from convgen.tableur.lecture import TAILLE_MAX

FEUILLE = "Réalisation"
_GENERALES = {"annee": "annee", "region": "region", "date": "date", "versement recu": "versements_recus"}
_COLONNES = ("n° action", "cout realise", "financeur", "montant", "resultats atteints", "commentaire")
_FINANCEURS = {"etat": "etat", "conseil regional": "conseil_regional", "conseil_regional": "conseil_regional"}


def _cle(valeur: Any) -> str:
    return sans_accents(str(valeur or "")).strip()


def _valeur(brute: Any) -> Any:
    """Une cellule : date sans heure, texte sans blancs autour, nombre tel quel (converti par le modèle)."""
    if isinstance(brute, dt.datetime):
        return brute.date()
    if isinstance(brute, float):
        return repr(brute)  # lu en Decimal par le modèle, sans arithmétique flottante
    return brute.strip() if isinstance(brute, str) else brute


def _feuille(chemin: Path) -> tuple[Any, Any]:
    """Le classeur et sa feuille, avec les protections de la lecture des conventions (tube, taille, bombe zip,
    formules sans valeur enregistrée : :mod:`convgen.tableur.archive`)."""
    from openpyxl import load_workbook

    try:
        octets, taille = lire_ordinaire(chemin, TAILLE_MAX)
    except OSError as exc:
        raise FichierIllisible(f"fichier inaccessible ({motif_systeme(exc)})", fichier=chemin) from None
    if taille > TAILLE_MAX:
        raise FichierIllisible(f"classeur trop gros (au plus {TAILLE_MAX // 2**20} Mio)", fichier=chemin)
    examiner_archive(octets, chemin, [])  # démesuré une fois décompressé : refusé avant openpyxl
    try:
        with warnings.catch_warnings():  # extensions inconnues d'openpyxl : sans objet ici
            warnings.simplefilter("ignore")
            classeur = load_workbook(io.BytesIO(octets), read_only=True, data_only=True)
    except Exception:  # zip abîmé, XML invalide… : le fichier vient de l'extérieur
        raise FichierIllisible("ce n'est pas un classeur Excel valide", fichier=chemin) from None
    feuille = classeur[FEUILLE] if FEUILLE in classeur.sheetnames else classeur.worksheets[0]
    sans_valeur = examiner_archive(octets, chemin, [feuille.title]).formules_sans_valeur.get(feuille.title)
    if sans_valeur:
        classeur.close()
        raise FichierIllisible(
            f"feuille « {feuille.title} » : formule sans valeur enregistrée ({', '.join(sans_valeur[:5])}) ; "
            "enregistrez le classeur dans Excel ou LibreOffice, ou tapez la valeur elle-même",
            fichier=chemin,
        )
    return classeur, feuille


def lire_realisation_tableur(chemin: str | Path) -> Realisation:
    """Lit la feuille ; :class:`~convgen.erreurs.DonneesInvalides` situe chaque erreur (feuille, ligne, colonne)."""
    chemin = Path(chemin)
    classeur, feuille = _feuille(chemin)
    try:
        lignes = list(feuille.iter_rows(values_only=True, max_row=LIGNES_LUES_MAX))
    finally:
        classeur.close()
    donnees: dict[str, Any] = {"versements_recus": [], "actions": []}
    lieux: dict[str, int] = {}
    rang = 0
    for rang, ligne in enumerate(lignes, start=1):
        cle = _cle(ligne[0] if ligne else "")
        if cle == _COLONNES[0]:
            break
        champ = _GENERALES.get(cle)
        if champ == "versements_recus":
            lieux[f"versements_recus[{len(donnees[champ])}]"] = rang
            donnees[champ].append({"date": _valeur(ligne[1]), "montant": _valeur(ligne[2] if len(ligne) > 2 else None)})
        elif champ:
            lieux[champ] = rang
            donnees[champ] = _valeur(ligne[1] if len(ligne) > 1 else None)
    else:
        raise FichierIllisible(
            f"feuille « {feuille.title} » : ligne d'en-têtes « N° action » introuvable", fichier=chemin
        )
    _actions(lignes[rang:], rang, donnees["actions"], lieux)
    try:
        return depuis_donnees_realisation(donnees, fichier=chemin)
    except DonneesInvalides as exc:
        raise DonneesInvalides([_situer(c, lieux, feuille.title) for c in exc.constats], fichier=chemin) from None


def _actions(
    lignes: list[tuple[Any, ...]], decalage: int, actions: list[dict[str, Any]], lieux: dict[str, int]
) -> None:
    """Une action par numéro, dans l'ordre de première apparition ; une ligne par financement."""
    par_numero: dict[Any, dict[str, Any]] = {}
    for rang, brute in enumerate(lignes, start=decalage + 1):
        ligne = [_valeur(v) for v in (*brute, *(None,) * len(_COLONNES))][: len(_COLONNES)]
        numero, cout, financeur, montant, resultats, commentaire = ligne
        if all(v in (None, "") for v in ligne):
            continue
        if numero not in par_numero:
            par_numero[numero] = {"numero": numero, "cout_realise": cout, "financements": [], "indicateurs": []}
            lieux[f"actions[{len(actions)}]"] = rang
            actions.append(par_numero[numero])
        action = par_numero[numero]
        if resultats:
            action["indicateurs"] += [r.strip() for r in str(resultats).splitlines() if r.strip()]
        if commentaire:
            action["commentaire"] = str(commentaire)
        if financeur not in (None, "") or montant not in (None, ""):
            indice = actions.index(action)
            lieux[f"actions[{indice}].financements[{len(action['financements'])}]"] = rang
            nom = _FINANCEURS.get(_cle(financeur), financeur)
            action["financements"].append({"financeur": nom, "montant": montant})


def _situer(constat: Constat, lieux: dict[str, int], feuille: str) -> Constat:
    """La ligne du champ, ou celle de son parent le plus proche."""
    chemin = constat.chemin
    while chemin and chemin not in lieux:
        chemin = chemin.rsplit(".", 1)[0] if "." in chemin else ""
    return replace(constat, feuille=feuille, ligne=lieux.get(chemin))
