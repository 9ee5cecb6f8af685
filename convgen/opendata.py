"""Données essentielles des conventions de subvention, au format SCDL « subventions » 2.1.1.

Toute autorité administrative qui attribue une subvention de plus de 23 000 € en publie les
données essentielles (loi n° 2000-321, art. 10 ; décret n° 2017-779 du 5 mai 2017 ; arrêté du
17 novembre 2017), dans le format national du Socle commun des données locales : un fichier
CSV en UTF-8, séparé par des virgules, point décimal, une ligne par convention, par
attribuant et par bénéficiaire.

Une convention tripartite a deux attribuants publics : l'État, toujours, et la Région quand
son SIRET est connu (``conseil_regional.siret``). Chacun n'est publié qu'au-delà du seuil, sauf
si l'on demande tout (``tous``). Sans le SIRET de l'attribuant (``etat.siret``), la ligne ne
peut pas être écrite : le constat ``opendata-siret-attribuant`` le dit.

Les colonnes et leurs contraintes sont celles du schéma (« Table Schema ») du SCDL ; les tests
valident le fichier produit contre ce schéma avec frictionless.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from convgen.erreurs import Constat, DonneesInvalides, FichierExistant, Gravite
from convgen.fichiers import champ_csv, ecrire_atomique
from convgen.francais import euros
from convgen.modele import CONSEIL_REGIONAL, ETAT, Convention
from convgen.parties import region_de
from convgen.production import examiner_source
from convgen.regles import SEUIL_CONVENTION

__all__ = [
    "COLONNES",
    "Publication",
    "candidats",
    "csv_donnees_essentielles",
    "donnees_essentielles",
    "publier_donnees_essentielles",
    "retenir",
]

COLONNES = (
    "nomAttribuant",
    "idAttribuant",
    "dateConvention",
    "referenceDecision",
    "nomBeneficiaire",
    "idBeneficiaire",
    "rnaBeneficiaire",
    "objet",
    "montant",
    "nature",
    "conditionsVersement",
    "datesPeriodeVersement",
    "idRAE",
    "notificationUE",
    "pourcentageSubvention",
    "dispositifAide",
)
"""Les colonnes du schéma SCDL « subventions » 2.1.1, dans son ordre."""

LONGUEUR_MAX_OBJET = 256
"""Contrainte ``maxLength`` des colonnes ``objet`` et ``conditionsVersement`` du schéma."""

_QUI = {ETAT: "l\u2019État", CONSEIL_REGIONAL: "la Région"}


def _sans_blancs(siret: str) -> str:
    return "".join(siret.split())


def _objet(convention: Convention) -> str:
    objet = (
        f"Programme régional d\u2019animation des missions locales {region_de(convention).de} : "
        f"convention annuelle d\u2019objectifs {convention.annee}"
    )
    return objet if len(objet) <= LONGUEUR_MAX_OBJET else objet[: LONGUEUR_MAX_OBJET - 1] + "…"


def _versements_etat(convention: Convention) -> tuple[str, str]:
    """« unique » ou « échelonné », et la date ou la période (premier/dernier versement)."""
    dates = sorted(v.date for v in convention.versements_prevus)
    if len(dates) == 1:
        return "unique", dates[0].isoformat()
    return "échelonné", f"{dates[0].isoformat()}/{dates[-1].isoformat()}"


def _ligne(convention: Convention, financeur: str) -> dict[str, str]:
    """La ligne d'un attribuant, telle qu'elle sera écrite (``idAttribuant`` vide s'il manque)."""
    c, region = convention, convention.conseil_regional
    if financeur == ETAT:
        nom = c.etat.nom_attribuant or f"Préfecture {region_de(c).etat}"
        siret = c.etat.siret
        conditions, dates = _versements_etat(c)
    else:
        assert region is not None
        # « Région Auvergne », « Collectivité territoriale de Corse » : la désignation sans son article.
        designation = region_de(c).collectivite.designation.split(" ", 1)[1]
        nom = region.nom_attribuant or designation[:1].upper() + designation[1:]
        siret = region.siret
        # L'échéancier de la convention est celui de l'État ; celui de la Région suit ses propres
        # règles : on publie la période de la convention, que le schéma admet (« AAAA-MM-JJ/AAAA-MM-JJ »).
        conditions, dates = "selon les modalités du conseil régional", f"{c.annee}-01-01/{c.annee}-12-31"
    return {
        "nomAttribuant": nom,
        "idAttribuant": _sans_blancs(siret or ""),
        "dateConvention": c.signature.date.isoformat() if c.signature.date else "",
        "referenceDecision": c.numero or "",
        "nomBeneficiaire": c.structure.nom,
        "idBeneficiaire": _sans_blancs(c.structure.siret),
        "rnaBeneficiaire": "",
        "objet": _objet(c),
        "montant": f"{c.total_financeur(financeur):.2f}",
        "nature": "aide en numéraire",
        "conditionsVersement": conditions,
        "datesPeriodeVersement": dates,
        "idRAE": "",
        "notificationUE": "non",
        "pourcentageSubvention": "1.00",  # un seul bénéficiaire, la structure porteuse
        "dispositifAide": "Programme régional d\u2019animation des missions locales (circulaire DGEFP n° 2008-15)",
    }


def candidats(convention: Convention) -> list[tuple[str, dict[str, str]]]:
    """Chaque attribuant public possible et sa ligne : l'État toujours, la Région quand elle est
    partie et que son SIRET est donné. Le seuil et les manques sont jugés par :func:`retenir`."""
    region = convention.conseil_regional
    financeurs = [ETAT] + ([CONSEIL_REGIONAL] if region is not None and region.siret else [])
    return [(financeur, _ligne(convention, financeur)) for financeur in financeurs]


def retenir(
    candidats: Iterable[tuple[str, dict[str, str]]], *, tous: bool, fichier: str | None
) -> tuple[list[dict[str, str]], list[Constat]]:
    """Les lignes à publier, et ce qui en écarte (seuil) ou en empêche (SIRET, date) les autres."""
    lignes: list[dict[str, str]] = []
    constats: list[Constat] = []
    for financeur, ligne in candidats:
        montant, qui = Decimal(ligne["montant"]), _QUI[financeur]
        if not tous and montant <= SEUIL_CONVENTION:
            message = (
                f"contribution de {qui} de {euros(montant)}, pas au-delà de {euros(SEUIL_CONVENTION)} : non publiée"
            )
            constats.append(Constat("opendata-sous-seuil", Gravite.INFO, message, financeur, fichier))
        elif not ligne["idAttribuant"]:
            message = (
                f"le SIRET de {qui}, attribuant, manque : renseignez « {financeur}.siret » pour publier "
                "les données essentielles de cette convention"
            )
            constats.append(
                Constat("opendata-siret-attribuant", Gravite.ERREUR, message, f"{financeur}.siret", fichier)
            )
        elif not ligne["dateConvention"]:
            message = "la convention n\u2019a pas de date de signature : seule une convention signée est publiée"
            constats.append(Constat("opendata-non-signee", Gravite.ERREUR, message, "signature.date", fichier))
        else:
            lignes.append(ligne)
    return lignes, constats


def donnees_essentielles(conventions: Iterable[Convention], *, tous: bool = False) -> list[dict[str, str]]:
    """Les lignes SCDL « subventions » des conventions : une par attribuant public publié.

    Chaque ligne associe aux noms de colonnes du schéma (:data:`COLONNES`) la valeur telle
    qu'elle s'écrit dans le fichier. Au-delà de 23 000 € seulement, sauf ``tous``.
    Lève :class:`~convgen.erreurs.DonneesInvalides` (avec tous les constats) si une
    convention ne peut pas être publiée (SIRET de l'attribuant absent, convention non signée).
    """
    lignes: list[dict[str, str]] = []
    bloquants: list[Constat] = []
    for convention in conventions:
        retenues, constats = retenir(candidats(convention), tous=tous, fichier=None)
        lignes += retenues
        bloquants += [c for c in constats if c.gravite is Gravite.ERREUR]
    if bloquants:
        raise DonneesInvalides(bloquants)
    return lignes


def csv_donnees_essentielles(lignes: Sequence[dict[str, str]]) -> bytes:
    """Le fichier CSV : UTF-8 sans BOM, virgule, guillemets au besoin, en-tête du schéma."""
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=",", lineterminator="\r\n")
    ecrivain.writerow(COLONNES)
    for ligne in lignes:
        cellules = [str(champ_csv(ligne[colonne])) for colonne in COLONNES]  # jamais de formule (OWASP)
        objet = COLONNES.index("objet")
        cellules[objet] = cellules[objet][:LONGUEUR_MAX_OBJET]  # l'apostrophe ajoutée ne doit pas le faire déborder
        ecrivain.writerow(cellules)
    return tampon.getvalue().encode("utf-8")


@dataclass
class Publication:
    """Ce qu'a donné une publication : lignes écrites, constats de chaque fichier, fichier écrit."""

    lignes: list[dict[str, str]] = field(default_factory=list)
    constats: list[Constat] = field(default_factory=list)
    chemin: Path | None = None

    @property
    def code_sortie(self) -> int:
        """0 si tout a été publié ou écarté sous le seuil ; 1 si une convention n'a pas pu l'être."""
        return 1 if any(c.gravite is Gravite.ERREUR for c in self.constats) else 0


def publier_donnees_essentielles(
    sources: Sequence[str | Path], sortie: str | Path, *, tous: bool = False, ecraser: bool = False
) -> Publication:
    """Lit les conventions des sources (YAML, JSON, classeurs), écrit le CSV des données essentielles.

    Une convention refusée par les règles ou sans SIRET d'attribuant est signalée et laissée
    de côté ; les autres sont écrites. Le fichier n'est jamais remplacé sans ``ecraser``.
    """
    from convgen.lot import lister_entrees  # les dossiers se parcourent comme pour un lot

    cible = Path(sortie)
    if not ecraser and cible.exists():  # dit avant de tout lire, et redit à l'écriture
        raise FichierExistant(cible)
    publication = Publication()
    for source, deja_fait, _ in lister_entrees(sources):
        for examen in [deja_fait] if deja_fait is not None else examiner_source(source):
            if examen.convention is None or examen.erreurs:
                publication.constats += examen.erreurs
                continue
            lignes, constats = retenir(candidats(examen.convention), tous=tous, fichier=examen.fichier)
            publication.lignes += lignes
            publication.constats += constats
    contenu = csv_donnees_essentielles(publication.lignes)
    publication.chemin = ecrire_atomique(cible, contenu, ecraser=ecraser)
    return publication
