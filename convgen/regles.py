"""Règles de la circulaire DGEFP n° 2008-15 et contrôles de cohérence.

Chaque règle a un code stable (kebab-case), une gravité et une description ; elle
produit des constats qui nomment le champ en cause. ``valider`` les applique toutes
et rend la liste complète, erreurs d'abord : la convention n'est refusée que s'il y a
au moins une erreur ; les alertes et informations sont à lire par l'agent.

Les chemins des actions désignent leur position dans les données d'entrée
(``actions[2]`` est la troisième action saisie), non leur numéro dans l'annexe.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from stdnum import bic, iban
from stdnum.exceptions import ValidationError as ErreurStdnum
from stdnum.fr import siret

from convgen.erreurs import Constat, DonneesInvalides, FichierIllisible, Gravite, erreurs
from convgen.francais import date_longue, euros, pourcentage, sans_accents
from convgen.modele import CONSEIL_REGIONAL, ActionResolue, Convention

SEUIL_CONVENTION = Decimal("23000")
"""Décret n° 2001-495 du 6 juin 2001 : au-delà, une convention est obligatoire (loi 2000-321, art. 10)."""
FOURCHETTE_RECOMMANDEE = (Decimal("0.02"), Decimal("0.04"))
"""Circulaire §3 : « une fourchette de 2 à 4 % du budget global des missions locales »."""
FOURCHETTE_OBSERVEE = (Decimal("0.01"), Decimal("0.06"))
"""Circulaire §3 : « de 1 à 6 % du budget consacré aux Missions locales » selon les régions."""


@dataclass(frozen=True)
class Regle:
    code: str
    gravite: Gravite
    description: str
    verifier: Callable[[Convention], Iterator[Constat]]


REGLES: list[Regle] = []


def regle(code: str, gravite: Gravite, description: str) -> Callable[[Callable[..., Iterator[Constat]]], Regle]:
    """Enregistre une règle ; la fonction reçoit ``constat(message, chemin)`` pour signaler."""

    def enregistrer(fonction: Callable[..., Iterator[Constat]]) -> Regle:
        def verifier(convention: Convention) -> Iterator[Constat]:
            def constat(message: str, chemin: str = "") -> Constat:
                return Constat(code, gravite, message, chemin)

            return fonction(convention, constat)

        entree = Regle(code, gravite, description, verifier)
        REGLES.append(entree)
        return entree

    return enregistrer


Signaler = Callable[[str, str], Constat]


@regle("structure-mission-locale", Gravite.ERREUR, "La structure porteuse est une mission locale (circulaire §3).")
def _structure_mission_locale(convention: Convention, constat: Signaler) -> Iterator[Constat]:
    if convention.structure.statut == "mission_locale":
        yield constat(
            "l'opérateur du programme d'animation ne peut pas être une mission locale "
            "(circulaire DGEFP n° 2008-15, §3)",
            "structure.statut",
        )


@regle(
    "structure-nom-mission-locale",
    Gravite.ALERTE,
    "Le nom de la structure évoque une mission locale alors que son statut dit autre chose.",
)
def _nom_mission_locale(convention: Convention, constat: Signaler) -> Iterator[Constat]:
    # « mission locale » au singulier : « association régionale des missions locales » ne compte pas.
    nom = sans_accents(convention.structure.nom)
    if convention.structure.statut != "mission_locale" and re.search(r"\bmission\s+locale\b", nom):
        yield constat(
            f"le nom « {convention.structure.nom} » évoque une mission locale, qui ne peut pas porter "
            "le programme (circulaire §3) : vérifiez le statut de la structure",
            "structure.nom",
        )


@regle(
    "financement-incoherent",
    Gravite.ERREUR,
    "Coût déclaré différent de la somme des financements, financement négatif, nul ou absent, "
    "aucune contribution de l'État.",
)
def _financements(convention: Convention, constat: Signaler) -> Iterator[Constat]:
    for action in convention.actions_saisies:
        chemin = f"actions[{action.indice}]"
        if not action.financements:
            yield constat(f"l'action n° {action.numero} n'a aucun financement", f"{chemin}.financements")
        for j, financement in enumerate(action.financements):
            if financement.montant < 0:
                yield constat(
                    f"montant négatif ({euros(financement.montant)}) pour {financement.libelle}",
                    f"{chemin}.financements[{j}].montant",
                )
            elif financement.montant == 0:  # un financeur à zéro euro n'engage rien : la ligne n'a pas de sens
                yield constat(
                    f"financement nul ({euros(financement.montant)}) pour {financement.libelle} : "
                    "donnez son montant ou retirez la ligne",
                    f"{chemin}.financements[{j}].montant",
                )
        if action.cout_declare is not None and action.cout_declare != action.total_financements:
            yield constat(
                f"le coût déclaré de l'action n° {action.numero} ({euros(action.cout_declare)}) "
                f"diffère de la somme de ses financements ({euros(action.total_financements)})",
                f"{chemin}.cout",
            )
    if convention.total_etat <= 0:
        yield constat("aucune action n'est financée par l'État (financeur « etat »)", "actions")


@regle(
    "versements-incoherents",
    Gravite.ERREUR,
    "Les versements ne totalisent pas la contribution de l'État ou tombent hors de l'année ; signature trop tardive "
    "pour l'échéancier par défaut.",
)
def _versements(convention: Convention, constat: Signaler) -> Iterator[Constat]:
    signature = convention.signature.date
    if convention.versements is None and signature and signature >= dt.date(convention.annee, 10, 1):
        # L'échéancier par défaut verse le solde le 1er octobre, après l'avance à la signature.
        yield constat(
            f"signée le {date_longue(signature)}, la convention ne peut pas suivre l'échéancier par défaut "
            "(avance de 80\u00a0% à la signature, solde de 20\u00a0% le 1er octobre) : saisissez les versements "
            "(« versements »)",
            "signature.date",
        )
        return
    if convention.versements is None:
        # Échéancier par défaut : l'avance tombe à la signature, qui doit donc être dans l'année.
        hors = [v for v in convention.versements_prevus if v.date.year != convention.annee]
        if hors:
            yield constat(
                f"l'échéancier par défaut verserait l'avance le {date_longue(hors[0].date)}, hors de l'année "
                f"{convention.annee} : corrigez la date de signature ou saisissez les versements",
                "signature.date",
            )
        return
    for i, versement in enumerate(convention.versements):
        if versement.date.year != convention.annee:
            yield constat(
                f"versement du {date_longue(versement.date)} hors de l'année {convention.annee}",
                f"versements[{i}].date",
            )
        if versement.montant <= 0:
            yield constat(f"montant de versement non positif ({euros(versement.montant)})", f"versements[{i}].montant")
    total = sum((v.montant for v in convention.versements), Decimal("0.00"))
    if total != convention.total_etat:
        yield constat(
            f"les versements totalisent {euros(total)} alors que la contribution de l'État "
            f"est de {euros(convention.total_etat)}",
            "versements",
        )


def _identifiant(valider: Callable[[str], str], valeur: str) -> str | None:
    """Le motif du refus de python-stdnum, ou None si l'identifiant est valide."""
    try:
        valider(valeur)
    except ErreurStdnum as exc:
        motifs = {
            "InvalidLength": "longueur incorrecte",
            "InvalidFormat": "caractères non admis",
            "InvalidChecksum": "clé de contrôle fausse",
            "InvalidComponent": "code pays ou banque inconnu",
        }
        return motifs.get(type(exc).__name__, "numéro invalide")
    return None


@regle("siret-invalide", Gravite.ERREUR, "Un numéro SIRET (structure, État, Région) est invalide.")
def _siret(convention: Convention, constat: Signaler) -> Iterator[Constat]:
    region = convention.conseil_regional
    numeros = {
        "structure.siret": convention.structure.siret,
        "etat.siret": convention.etat.siret,
        "conseil_regional.siret": region.siret if region is not None else None,
    }
    for chemin, numero in numeros.items():
        motif = None if numero is None else _identifiant(siret.validate, numero)
        if motif:
            yield constat(f"SIRET « {numero} » invalide : {motif}", chemin)


@regle("iban-invalide", Gravite.ERREUR, "L'IBAN de la structure est invalide.")
def _iban(convention: Convention, constat: Signaler) -> Iterator[Constat]:
    motif = _identifiant(iban.validate, convention.structure.iban)
    if motif:
        yield constat(f"IBAN « {convention.structure.iban} » invalide : {motif}", "structure.iban")


@regle("bic-invalide", Gravite.ERREUR, "Le BIC de la structure est invalide.")
def _bic(convention: Convention, constat: Signaler) -> Iterator[Constat]:
    motif = _identifiant(bic.validate, convention.structure.bic)
    if motif:
        yield constat(f"BIC « {convention.structure.bic} » invalide : {motif}", "structure.bic")


def part(montant: Decimal, total: Decimal) -> str:
    r"""Part d'un montant dans un total ; « moins de 0,01 % » plutôt qu'un 0,00 % trompeur.

    >>> part(Decimal("1"), Decimal("4")), part(Decimal("1"), Decimal("1000000")), part(Decimal("0"), Decimal("0"))
    ('25,00\xa0%', 'moins de 0,01\xa0%', '0,00\xa0%')
    """
    if not total:
        return pourcentage(Decimal(0))
    texte = pourcentage(montant / total)
    if montant and texte == pourcentage(Decimal(0)):
        return f"moins de {pourcentage(Decimal('0.0001'))}"
    return texte


def _message_ratio(convention: Convention, fourchette: tuple[Decimal, Decimal], qualificatif: str) -> str:
    bas, haut = (pourcentage(b, 0) for b in fourchette)
    return (
        f"le programme ({euros(convention.total_programme)}) représente "
        f"{part(convention.total_programme, convention.budget_missions_locales)} du budget des missions locales "
        f"({euros(convention.budget_missions_locales)}), hors de la fourchette {qualificatif} "
        f"de {bas} à {haut} (circulaire §3)"
    )


def _dans(valeur: Decimal, fourchette: tuple[Decimal, Decimal]) -> bool:
    return fourchette[0] <= valeur <= fourchette[1]


# Les deux règles de ratio s'excluent : hors de 1-6 %, seule la plus grave est signalée.
@regle(
    "ratio-hors-fourchette",
    Gravite.ALERTE,
    "Coût du programme hors de 2 à 4 % du budget des missions locales (recommandé, circulaire §3).",
)
def _ratio_recommande(convention: Convention, constat: Signaler) -> Iterator[Constat]:
    ratio = convention.ratio_budget
    if _dans(ratio, FOURCHETTE_OBSERVEE) and not _dans(ratio, FOURCHETTE_RECOMMANDEE):
        yield constat(_message_ratio(convention, FOURCHETTE_RECOMMANDEE, "recommandée"), "budget_missions_locales")


@regle(
    "ratio-hors-observe",
    Gravite.ALERTE,
    "Coût du programme hors de 1 à 6 % du budget des missions locales (pratiques observées, circulaire §3).",
)
def _ratio_observe(convention: Convention, constat: Signaler) -> Iterator[Constat]:
    if not _dans(convention.ratio_budget, FOURCHETTE_OBSERVEE):
        yield constat(_message_ratio(convention, FOURCHETTE_OBSERVEE, "observée"), "budget_missions_locales")


@regle("action-sans-indicateur", Gravite.ALERTE, "Action sans indicateur : les objectifs doivent être mesurables (§2).")
def _indicateurs(convention: Convention, constat: Signaler) -> Iterator[Constat]:
    for action in convention.actions_saisies:
        if not action.indicateurs:
            yield constat(
                f"l'action n° {action.numero} n'a aucun indicateur : les objectifs doivent être "
                "« mesurables » (circulaire §2)",
                f"actions[{action.indice}].indicateurs",
            )


LONGUEUR_MAX_COLONNE = 1200
"""Au-delà, une cellule de l'annexe (paysage, corps 9) dépasse une page : mesuré sur le gabarit livré."""


def _colonnes_annexe(action: ActionResolue) -> list[tuple[str, str, str]]:
    """(colonne de l'annexe, champ des données, texte) pour chaque colonne de texte libre d'une action."""
    return [
        ("pourquoi", "pourquoi", "\n".join(action.lignes_pourquoi)),
        ("comment", "comment", "\n".join(action.lignes_comment)),
        ("qui fait quoi", "methode", "\n".join((action.methode, *action.indicateurs))),
        ("échéancier", "echeancier", action.echeancier),
    ]


@regle(
    "action-trop-longue",
    Gravite.ALERTE,
    "Une colonne de l'action dépasse une page de l'annexe (la ligne serait coupée).",
)
def _action_trop_longue(convention: Convention, constat: Signaler) -> Iterator[Constat]:
    for action in convention.actions_saisies:
        for colonne, champ, texte in _colonnes_annexe(action):
            if len(texte) > LONGUEUR_MAX_COLONNE:
                yield constat(
                    f"l'action n° {action.numero} : la colonne « {colonne} » compte {len(texte)} caractères ; "
                    f"au-delà d'environ {LONGUEUR_MAX_COLONNE}, sa ligne dépasse une page de l'annexe et peut être "
                    "coupée : abrégez le texte ou scindez l'action",
                    f"actions[{action.indice}].{champ}",
                )


@regle("action-en-double", Gravite.ERREUR, "Une action de l'annexe-type figure deux fois.")
def _doublons(convention: Convention, constat: Signaler) -> Iterator[Constat]:
    vus: dict[int, int] = {}
    for action in convention.actions_saisies:
        if action.locale:
            continue
        if action.numero in vus:
            yield constat(
                f"l'action n° {action.numero} figure déjà en actions[{vus[action.numero]}]",
                f"actions[{action.indice}].numero",
            )
        vus.setdefault(action.numero, action.indice)


@regle(
    "region-non-signataire",
    Gravite.ALERTE,
    "Le conseil régional finance des actions sans être partie à la convention.",
)
def _region_non_signataire(convention: Convention, constat: Signaler) -> Iterator[Constat]:
    if convention.conseil_regional is None and convention.total_financeur(CONSEIL_REGIONAL) > 0:
        yield constat(
            f"le conseil régional apporte {euros(convention.total_region)} sans être signataire : "
            "ajoutez « conseil_regional » pour une convention tripartite (circulaire §4)",
            "conseil_regional",
        )


@regle(
    "seuil-convention",
    Gravite.INFO,
    "Contribution de l'État au regard du seuil de 23 000 € (décret 2001-495), ou d'un GIP, personne publique.",
)
def _seuil(convention: Convention, constat: Signaler) -> Iterator[Constat]:
    total, seuil = convention.total_etat, euros(SEUIL_CONVENTION)
    if convention.structure.forme == "gip":
        # La loi n° 2000-321 (art. 10) vise les organismes de droit privé ; un GIP est une personne publique.
        yield constat(
            f"contribution de l'État de {euros(total)} à un groupement d'intérêt public, personne morale de droit "
            "public : l'obligation de convention de la loi n° 2000-321 (art. 10 ; décret n° 2001-495), qui vise les "
            "organismes de droit privé, ne s'applique pas ; la convention procède de la circulaire DGEFP n° 2008-15",
            "structure.forme_juridique" if convention.structure.forme_juridique else "structure.statut",
        )
        return
    if total > SEUIL_CONVENTION:
        message = f"contribution de l'État de {euros(total)}, au-delà de {seuil} : la convention est obligatoire"
    else:
        message = f"contribution de l'État de {euros(total)}, ne dépassant pas {seuil} : la convention est facultative"
    yield constat(f"{message} (loi n° 2000-321, art. 10 ; décret n° 2001-495)", "")


@regle(
    "visa-a-completer",
    Gravite.ALERTE,
    "Le référentiel ne connaît pas la loi de finances de l'année : son visa reste à compléter à la main.",
)
def _visa_loi_de_finances(convention: Convention, constat: Signaler) -> Iterator[Constat]:
    if convention.ref.loi_de_finances(convention.annee) is None:
        yield constat(
            f"la loi de finances pour {convention.annee} n'est pas dans la table du référentiel : son visa porte "
            "un numéro et une date à compléter à la main",
            "annee",
        )


@regle(
    "delegation-sans-arrete",
    Gravite.ALERTE,
    "Un délégataire signe sans que l'arrêté préfectoral de délégation soit donné : son visa reste à compléter.",
)
def _delegation_sans_arrete(convention: Convention, constat: Signaler) -> Iterator[Constat]:
    delegataire = convention.etat.delegataire
    if delegataire is not None and delegataire.arrete is None:
        yield constat(
            f"{delegataire.prenom} {delegataire.nom} signe par délégation du préfet sans arrêté de délégation : "
            "ajoutez etat.delegataire.arrete (numero, date), sinon le visa porte un numéro et une date à compléter",
            "etat.delegataire",
        )


_ORDRE = {Gravite.ERREUR: 0, Gravite.ALERTE: 1, Gravite.INFO: 2}


def valider(convention: Convention) -> list[Constat]:
    """Applique toutes les règles : erreurs d'abord, puis alertes, puis informations."""
    constats = [c for r in REGLES for c in r.verifier(convention)]
    return sorted(constats, key=lambda c: _ORDRE[c.gravite])


@dataclass(frozen=True)
class Examen:
    """Résultat de l'examen d'un fichier : la convention si elle a pu être lue, et tous les constats."""

    fichier: str
    convention: Convention | None
    constats: list[Constat]
    lignes: dict[str, int] = field(default_factory=dict)
    """Ligne de chaque champ dans le fichier (YAML), pour situer les constats ajoutés ensuite."""

    @property
    def erreurs(self) -> list[Constat]:
        return erreurs(self.constats)

    @property
    def alertes(self) -> list[Constat]:
        return [c for c in self.constats if c.gravite is Gravite.ALERTE]

    def pour_version(self, version: str | None) -> Examen:
        """L'examen complété des constats propres à la version produite (bipartite imposée…)."""
        if self.convention is None:
            return self
        propres = [
            replace(c, fichier=self.fichier, ligne=_ligne(c.chemin, self.lignes))
            for c in regles_juridiques.constats_de_version(self.convention, version)
        ]
        return replace(self, constats=sorted([*self.constats, *propres], key=_ordre_lecture)) if propres else self

    def accepte(self, *, strict: bool = False) -> bool:
        """Vrai si la convention peut être produite (en mode strict, sans alerte non plus)."""
        return self.convention is not None and not self.erreurs and not (strict and self.alertes)


def examiner(chemin: str | Path) -> Examen:
    """Lit, valide et contrôle un fichier de convention, sans jamais lever pour une faute des données.

    Les constats des règles sont situés dans le fichier (ligne du champ en cause, pour le YAML).
    """
    from convgen.chargement import depuis_donnees, lire

    fichier = str(chemin)
    try:
        donnees, lignes = lire(chemin)
        convention = depuis_donnees(donnees, fichier=chemin, lignes=lignes)
    except FichierIllisible as exc:
        constat = Constat("fichier-illisible", Gravite.ERREUR, exc.motif, "", fichier, ligne=exc.ligne)
        return Examen(fichier, None, [constat])
    except DonneesInvalides as exc:
        return Examen(fichier, None, sorted(exc.constats, key=_ordre_lecture))
    constats = [replace(c, fichier=fichier, ligne=_ligne(c.chemin, lignes)) for c in valider(convention)]
    return Examen(fichier, convention, sorted(constats, key=_ordre_lecture), lignes)


def _ordre_lecture(constat: Constat) -> tuple[int, int]:
    """Par gravité, puis dans l'ordre du fichier."""
    return _ORDRE[constat.gravite], constat.ligne or 0


def _ligne(chemin: str, lignes: dict[str, int]) -> int | None:
    while chemin:
        if chemin in lignes:
            return lignes[chemin]
        chemin = chemin.rsplit(".", 1)[0] if "." in chemin else ""
    return None


# Les règles de cohérence juridique s'inscrivent dans REGLES à leur import (elles utilisent ``regle``).
from convgen import regles_juridiques  # noqa: E402
