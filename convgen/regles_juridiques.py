"""Règles de cohérence juridique : ce qu'un juriste refuserait dans une convention bien formée.

Financeurs réservés écrits en clair, Région absente du texte ou de l'argent, dates qui se
contredisent, exemplaires trop peu nombreux, délibération absente, région ou année hors du
référentiel, fonction mal accordée. Ces règles s'inscrivent dans :data:`convgen.regles.REGLES`
à l'import de :mod:`convgen.regles` ; elles n'ont rien à importer d'autre que le modèle.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from convgen.erreurs import Constat, Gravite
from convgen.francais import date_longue, euros, sans_accents
from convgen.modele import CONSEIL_REGIONAL, ETAT, Convention, Signataire
from convgen.regions import existence, premiere_annee, region, regions_de, suggestions
from convgen.regles import Signaler, regle

# Noms libres qui désignent l'État ou la Région (comparés sans accents, casse ni ponctuation).
# Services de l'État en région : DRTEFP (2009), DIRECCTE (2010-2020), DREETS (depuis 2021) ; outre-mer :
# DTEFP, DIECCTE, DEETS ; Île-de-France : DRIEETS.
_ETAT = re.compile(
    r"\b(?:etat|d?d?r?tefp|direccte|dieccte|d?r?i?eets|prefecture|prefet"
    r"|direction regionale (?:du travail|des entreprises|de l economie))\b"
)
_REGION = re.compile(r"\b(?:region|conseil regional|collectivite (?:territoriale )?de (?:corse|guyane|martinique))\b")


def _cle(texte: str) -> str:
    """« L'État (DRTEFP) » → « l etat drtefp »."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", sans_accents(texte)).split())


@regle(
    "financeur-reserve",
    Gravite.ERREUR,
    "Un financeur saisi en clair désigne l'État ou la Région : il faut écrire « etat » ou « conseil_regional ».",
)
def _financeur_reserve(convention: Convention, constat: Signaler) -> Iterator[Constat]:
    for action in convention.actions_saisies:
        for j, financement in enumerate(action.financements):
            if financement.financeur in (ETAT, CONSEIL_REGIONAL):
                continue
            cle = _cle(financement.financeur)
            code = ETAT if _ETAT.search(cle) else CONSEIL_REGIONAL if _REGION.search(cle) else None
            if code:
                partie = "l'État" if code == ETAT else "la Région"
                yield constat(
                    f"« {financement.financeur} » désigne {partie} : écrivez « {code} », sinon ce financement est "
                    "compté comme celui d'un autre financeur et manque au montant de l'article 4",
                    f"actions[{action.indice}].financements[{j}].financeur",
                )


@regle(
    "region-sans-contribution",
    Gravite.ALERTE,
    "La Région signe une convention tripartite sans rien apporter au programme.",
)
def _region_sans_contribution(convention: Convention, constat: Signaler) -> Iterator[Constat]:
    if convention.tripartite and convention.total_region <= 0:
        yield constat(
            "la Région est partie à la convention mais ne finance aucune action (financeur « conseil_regional ») : "
            "l'article 4 lui ferait apporter zéro euro",
            "conseil_regional",
        )


@regle("deliberation-absente", Gravite.ALERTE, "Convention tripartite sans la délibération qui habilite le président.")
def _deliberation(convention: Convention, constat: Signaler) -> Iterator[Constat]:
    if convention.conseil_regional is not None and convention.conseil_regional.deliberation is None:
        yield constat(
            "la délibération qui habilite le président de la Région à signer n'est pas donnée "
            "(conseil_regional.deliberation : numero, date) : le document laisse « n° … du … » à remplir",
            "conseil_regional",
        )


@regle(
    "dates-incoherentes",
    Gravite.ERREUR,
    "Délibération postérieure à la signature, versement antérieur à la signature, signature après l'année.",
)
def _dates(convention: Convention, constat: Signaler) -> Iterator[Constat]:
    signature = convention.signature.date
    if signature is None:
        return
    fin = dt.date(convention.annee, 12, 31)
    if signature > fin:
        yield constat(
            f"signature le {date_longue(signature)}, après le {date_longue(fin)} : une convention annuelle ne peut "
            "pas être signée après la période qu'elle couvre",
            "signature.date",
        )
    deliberation = convention.conseil_regional.deliberation if convention.conseil_regional else None
    if deliberation is not None and deliberation.date > signature:
        yield constat(
            f"la délibération du {date_longue(deliberation.date)} est postérieure à la signature "
            f"({date_longue(signature)}) : le président ne peut signer qu'une fois habilité",
            "conseil_regional.deliberation.date",
        )
    for i, versement in enumerate(convention.versements or []):
        if versement.date < signature:
            yield constat(
                f"versement du {date_longue(versement.date)} antérieur à la signature ({date_longue(signature)}) : "
                "rien ne peut être versé avant que la convention soit signée",
                f"versements[{i}].date",
            )


@regle(
    "exemplaires-insuffisants",
    Gravite.ERREUR,
    "Moins d'exemplaires originaux que de parties (deux, ou trois pour une convention tripartite).",
)
def _exemplaires(convention: Convention, constat: Signaler) -> Iterator[Constat]:
    parties = 3 if convention.tripartite else 2
    exemplaires = convention.signature.exemplaires
    if exemplaires is not None and exemplaires < parties:
        yield constat(
            f"{exemplaires} exemplaire{'s originaux' if exemplaires > 1 else ' original'} pour {parties} parties : "
            "chaque partie doit garder un original signé",
            "signature.exemplaires",
        )


@regle(
    "annee-hors-referentiel",
    Gravite.ERREUR,
    "L'année précède la circulaire DGEFP n° 2008-15 (conventions à partir de 2009).",
)
def _annee(convention: Convention, constat: Signaler) -> Iterator[Constat]:
    if convention.annee < premiere_annee():
        yield constat(
            f"l'année {convention.annee} précède le référentiel : la circulaire DGEFP n° 2008-15 régit les "
            f"conventions à partir de {premiere_annee()}",
            "annee",
        )


@regle("region-inconnue", Gravite.ERREUR, "La région n'existe pas l'année de la convention (nom mal écrit ou ancien).")
def _region_inconnue(convention: Convention, constat: Signaler) -> Iterator[Constat]:
    if convention.annee < premiere_annee() or region(convention.region, convention.annee) is not None:
        return
    proches = suggestions(convention.region, convention.annee)
    if proches:
        aide = " ou ".join(f"« {p} ? »" for p in proches)
    else:
        aide = f"régions de {convention.annee} : {', '.join(regions_de(convention.annee))}"
    periode = existence(convention.region)
    if periode is None:
        motif = f"région « {convention.region} » inconnue en {convention.annee}"
    elif convention.annee < periode[0]:
        motif = f"« {convention.region} » n'est une région qu'à partir de {periode[0]}"
    else:
        motif = f"la région « {convention.region} » n'existe plus en {convention.annee} (jusqu'en {periode[1]})"
    yield constat(f"{motif} : {aide}" if proches or periode is None else motif, "region")


# Mots de tête d'une fonction qui s'accordent (masculin, féminin) ; le reste est recopié tel quel.
_PAIRES = (
    ("le", "la"),
    ("président", "présidente"),
    ("vice-président", "vice-présidente"),
    ("directeur", "directrice"),
    ("administrateur", "administratrice"),
    ("délégué", "déléguée"),
    ("trésorier", "trésorière"),
    ("chargé", "chargée"),
    ("adjoint", "adjointe"),
    ("régional", "régionale"),
    ("général", "générale"),
    ("départemental", "départementale"),
)
_VERS = {
    "Mme": {sans_accents(m): f for m, f in _PAIRES},
    "M.": {sans_accents(f): m for m, f in _PAIRES},
}


def _accordee(civilite: str, fonction: str) -> str | None:
    """La fonction accordée à la civilité, ou ``None`` si elle l'est déjà.

    Seuls les mots de tête (avant « de », « du », « des », « d' » ou une virgule) sont accordés :
    « directeur régional du travail » → « directrice régionale du travail ».
    """
    texte = fonction.strip()
    tete = re.split(r"\s+(?:de|du|des)\s|\s+d['’]|,", texte, maxsplit=1)[0]
    mots = tete.split()
    accordes = [_VERS[civilite].get(sans_accents(mot), mot) for mot in mots]
    if accordes == mots:
        return None
    return " ".join(accordes) + texte[len(tete) :]


@regle("accord-fonction", Gravite.ALERTE, "La fonction d'un signataire ne s'accorde pas avec sa civilité.")
def _accord_fonction(convention: Convention, constat: Signaler) -> Iterator[Constat]:
    signataires: list[tuple[str, Signataire | None]] = [
        ("etat.delegataire", convention.etat.delegataire),
        ("structure.representant", convention.structure.representant),
    ]
    for chemin, signataire in signataires:
        if signataire is None:
            continue
        accordee = _accordee(signataire.civilite, signataire.fonction)
        if accordee is not None:
            yield constat(
                f"« {signataire.civilite} {signataire.nom}, {signataire.fonction} » : la fonction ne s'accorde pas "
                f"avec la civilité ; écrivez plutôt « {accordee} » (le texte reprend la fonction telle que saisie)",
                f"{chemin}.fonction",
            )


def constats_de_version(convention: Convention, version: str | None) -> list[Constat]:
    """Constats propres à la version produite : la Région qui finance hors d'une version bipartite imposée."""
    if version == "bipartite" and convention.tripartite and convention.total_region > 0:
        return [
            Constat(
                "region-non-signataire",
                Gravite.ALERTE,
                f"la version bipartite laisse hors de la convention la Région, qui apporte "
                f"{euros(convention.total_region)} : l'article 4 en fait mention comme d'un cofinancement",
                "conseil_regional",
            )
        ]
    return []
