"""Désignation des parties : l'État, la Région (ou la collectivité qui en tient lieu), la structure.

Les formes viennent de la table des régions (:mod:`convgen.regions`) : « préfet de La Réunion »,
« la Collectivité territoriale de Corse, représentée par le président du conseil exécutif de
Corse ». La structure est décrite selon sa forme juridique : association de la loi du 1er juillet
1901 ou de droit local d'Alsace-Moselle (code civil local, art. 21 à 79-III), groupement
d'intérêt public (accords au masculin), autre forme (rien n'est affirmé de sa nature).
"""

from __future__ import annotations

from convgen.francais import (
    date_longue,
    de,
    de_region,
    euros,
    euros_en_lettres,
    guillemets,
    habilite,
    le_prefet,
    le_president,
    nom_complet,
    sans_accents,
    siret_affiche,
)
from convgen.modele import Convention
from convgen.regions import Collectivite, Region, comptable, region, tribunal

TROU = "\u2026"
"""Ce que le signataire complète à la main (« délibération n° … du … »)."""
_LOI_1901 = "régie par la loi du 1er\xa0juillet\xa01901"
_DROIT_LOCAL = "régie par les articles\xa021 à 79-III du code civil local"
# Premiers mots masculins d'un nom de structure (accord de « représenté », « immatriculé »).
_MASCULINS = ("groupement", "gip", "centre", "observatoire", "comite", "reseau", "institut", "office", "pole", "carif")


def region_de(c: Convention) -> Region:
    """La région des données dans la table ; à défaut (données refusées par les règles), des formes génériques."""
    trouvee = region(c.region, c.annee)
    if trouvee is not None:
        return trouvee
    de_nom = de_region(c.region)
    generique = Collectivite(
        f"la Région {c.region}",
        True,
        f"président du conseil régional {de_nom}",
        f"la commission permanente du conseil régional {de_nom}",
    )
    return Region(c.region, de_nom, f"de la région {c.region}", generique)


def prefet_titre(c: Convention) -> str:
    """« le préfet de la région Auvergne », « la préfète de La Réunion »."""
    return f"{le_prefet(c.etat.prefet.civilite)} {region_de(c).etat}"


def comptable_assignataire(c: Convention) -> str:
    """Le comptable saisi, sinon celui de l'année : « le trésorier-payeur général de la région Auvergne »."""
    return c.etat.comptable or f"le {comptable(c.annee)} {region_de(c).etat}"


def _president(civilite: str, fonction: str) -> str:
    """« président du conseil exécutif de Corse » → « la présidente du conseil exécutif de Corse »."""
    return f"{le_president(civilite)}{fonction.removeprefix('président')}"


def partie_region(c: Convention) -> dict[str, str]:
    """Comparution de la Région : désignation, titre du président, délibération (ou blanc à remplir)."""
    assert c.conseil_regional is not None
    president, deliberation = c.conseil_regional.president, c.conseil_regional.deliberation
    collectivite = region_de(c).collectivite
    titre = _president(president.civilite, collectivite.representant)
    e = "e" if collectivite.feminin else ""
    if deliberation is not None:
        acte = f"délibération n°\xa0{deliberation.numero} {de(collectivite.organe)} du {date_longue(deliberation.date)}"
    else:
        acte = ""
    habilitation = acte or f"délibération n°\xa0{TROU} du {TROU}"
    designation = collectivite.designation
    partie = (
        f"{designation[0].upper()}{designation[1:]}, représenté{e} par "
        f"{nom_complet(president.civilite, president.prenom, president.nom)}, {titre.split(' ', 1)[1]}, "
        f"dûment {habilite(president.civilite)} par {habilitation}, ci-après dénommé{e} {guillemets('la Région')},"
    )
    # « le président du conseil régional » suffit sous « Pour la Région Auvergne » ; une collectivité garde son titre.
    qualite = titre.removesuffix(f" {region_de(c).de}") if designation.startswith("la Région") else titre
    return {"partie": partie, "designation": designation, "titre": titre, "qualite": qualite, "deliberation": acte}


def _masculin(nom: str, forme: str) -> bool:
    if forme != "autre":
        return forme == "gip"
    premier = sans_accents(nom).split(" ", 1)[0].strip("’'")
    return premier.startswith(_MASCULINS)


def forme_structure(c: Convention) -> str:
    """Ce que la comparution dit de la forme, sans répéter ce que le nom en dit déjà."""
    s = c.structure
    nom = sans_accents(s.nom).replace("’", "'")
    if s.forme == "gip":
        dit = nom.startswith(("groupement d'interet public", "gip "))
        return "" if dit else "groupement d’intérêt public"
    if s.forme == "association":
        regime = _LOI_1901
        if s.droit_local:
            registre = s.registre or s.adresse.commune
            regime = f"inscrite au registre des associations du {tribunal(c.annee)} {de(registre)}, {_DROIT_LOCAL}"
        return regime if nom.startswith("association") else f"association {regime}"
    return ""


def partie_structure(c: Convention, fonction: str) -> str:
    """« association régie par …, dont le siège est situé …, immatriculée …, représentée par … »."""
    s, rep = c.structure, c.structure.representant
    e = "" if _masculin(s.nom, s.forme) else "e"
    adresse = f"{s.adresse.voie}, {s.adresse.code_postal}\xa0{s.adresse.commune}"
    morceaux = (
        forme_structure(c),
        f"dont le siège est situé {adresse}",
        f"immatriculé{e} sous le numéro SIRET {siret_affiche(s.siret)}",
        f"représenté{e} par {nom_complet(rep.civilite, rep.prenom, rep.nom)}, {_sa(fonction)}",
        f"ci-après dénommé{e} {guillemets('la structure')},",
    )
    return ", ".join(m for m in morceaux if m)


def _sa(fonction_avec_article: str) -> str:
    """« la présidente » → « sa présidente » ; « l’administratrice » → « son administratrice »."""
    article, _, reste = fonction_avec_article.partition(" ")
    if fonction_avec_article.startswith(("l’", "l'")):
        return f"son {fonction_avec_article[2:]}"
    return f"{'sa' if article == 'la' else 'son'} {reste}"


def cofinancement_region(c: Convention, tripartite: bool) -> str:
    """Version bipartite d'une convention où la Région finance : son apport est dit, hors convention."""
    if tripartite or c.total_region <= 0:
        return ""
    designation = region_de(c).collectivite.designation
    return (
        f"{designation[0].upper()}{designation[1:]}, qui n’est pas partie à la présente convention, apporte au "
        f"programme un cofinancement de {euros_en_lettres(c.total_region)} ({euros(c.total_region)}), "
        "détaillé dans l’annexe\xa0; il est régi par ses propres décisions et n’engage pas l’État."
    )
