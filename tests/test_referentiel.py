"""Tests du référentiel de la circulaire DGEFP n° 2008-15 (annexe-type).

Les intitulés ci-dessous sont recopiés à la main de la circulaire : ils constituent
la vérité propre des tests, indépendante du fichier YAML livré avec le paquet. Le
référentiel n'en diffère que par la typographie (apostrophe ’, espace insécable, capitales
accentuées), que ``normaliser`` retire avant de comparer.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from pathlib import Path

import pytest
import yaml

from convgen.referentiel import (
    ActionType,
    Point,
    Referentiel,
    charger_referentiel,
    referentiel_depuis_donnees,
    referentiels_disponibles,
)

NOM = "circulaire_dgefp_2008_15"
# Texte source partagé à côté du dépôt (/work/shared), vu d'un clone ou d'un arbre de travail (/work/wt/…).
CIRCULAIRE = next(
    (c for d in Path(__file__).parents[2:4] if (c := d / "shared" / "circulaire_dgefp_2008-15.md").is_file()),
    Path(__file__).parents[2] / "shared" / "circulaire_dgefp_2008-15.md",
)

_SANS_TYPOGRAPHIE = str.maketrans({"’": "'", "\xa0": " ", "É": "E", "È": "E", "Ê": "E", "À": "A", "Î": "I"})


def normaliser(texte: str) -> str:
    """Le texte tel que la circulaire le tape : apostrophe droite, espaces simples, capitales sans accent."""
    return texte.translate(_SANS_TYPOGRAPHIE)


MISSIONS = {
    1: ("I", "MISSION FORMATION/ ECHANGE"),
    2: ("II", "MISSION CAPITALISATION/COMMUNICATION"),
    3: ("III", "MISSION OBSERVATOIRE"),
    4: ("IV", "MISSION PARTENARIAT"),
}

# numéro d'objectif -> (numéro de mission, intitulé de l'intertitre « OBJECTIF n » de l'annexe)
OBJECTIFS = {
    1: (1, "CONTRIBUER AU DEVELOPPEMENT DES COMPETENCES ET A LA PROFESSIONNALISATION DES ML-PAIO"),
    2: (2, "CAPITALISER, DIFFUSER les expériences et CONSTITUER un pôle de ressources"),
    3: (2, "FAIRE CONNAITRE ET VALORISER l'action des missions locales de la région"),
    4: (3, "GERER, ANIMER les systèmes d'information des missions locales"),
    5: (3, "OBSERVER et ANALYSER l'évolution des situations et des besoins des jeunes"),
    6: (4, "CONTRIBUER à la constitution de partenariats régionaux"),
}

# numéro d'action -> (numéro d'objectif, intitulé « QUOI »)
ACTIONS = {
    1: (1, "Aide à la maîtrise des conventionnement ETAT et FSE"),
    2: (
        1,
        "Outillage des missions locales pour la mise en œuvre des politiques et dispositifs publics "
        "en faveur de l'insertion des jeunes et de la lutte contre les discriminations",
    ),
    3: (2, "Collecte et diffusion des bonnes pratiques et des innovations"),
    4: (2, "Documentation"),
    5: (2, "Coordination régionale et nationale"),
    6: (3, "Valorisation de l'action des missions locales"),
    7: (3, "Développement de communications ciblées en direction des entreprises"),
    8: (4, "Administration technique de l'entrepôt régional"),
    9: (4, "Animation régionale de Parcours"),
    10: (4, "Suivi de la réalisation des comptes rendus d'activité sur ICARE"),
    11: (5, "Observation régionale des données sur l'insertion des jeunes"),
    12: (5, "Analyse régionale des jeunes accueillis dans les Missions Locales et PAIO"),
    13: (6, "Suivi et facilitation de la co-traitance ANPE/ML (ou du futur opérateur unique)"),
    14: (6, "Collaboration régionale avec les acteurs de la formation"),
    15: (
        6,
        "Collaboration avec l'éducation nationale dans le cadre du traitement des sorties sans qualification",
    ),
    16: (6, "Développement des relations avec les grandes entreprises, les branches, les employeurs..."),
}


@pytest.fixture(scope="module")
def referentiel() -> Referentiel:
    return charger_referentiel()


# ---------------------------------------------------------------------------
# Contenu attendu
# ---------------------------------------------------------------------------


def test_identite(referentiel: Referentiel) -> None:
    assert referentiel.nom == NOM
    assert normaliser(referentiel.source) == (
        "Circulaire DGEFP n° 2008-15 du 29 septembre 2008 relative au financement des structures "
        "chargées du programme régional d'animation des missions locales"
    )


def test_effectifs(referentiel: Referentiel) -> None:
    assert len(referentiel.missions) == 4
    assert len(referentiel.objectifs) == 6
    assert len(referentiel.actions) == 16


@pytest.mark.parametrize(("numero", "attendu"), sorted(MISSIONS.items()))
def test_missions(referentiel: Referentiel, numero: int, attendu: tuple[str, str]) -> None:
    mission = referentiel.mission(numero)
    assert (mission.numero, mission.romain, normaliser(mission.intitule)) == (numero, *attendu)


@pytest.mark.parametrize(("numero", "attendu"), sorted(OBJECTIFS.items()))
def test_objectifs(referentiel: Referentiel, numero: int, attendu: tuple[int, str]) -> None:
    objectif = referentiel.objectif(numero)
    assert (objectif.numero, objectif.mission, normaliser(objectif.intitule)) == (numero, *attendu)
    assert referentiel.mission_de_objectif(numero).numero == attendu[0]


@pytest.mark.parametrize(("numero", "attendu"), sorted(ACTIONS.items()))
def test_actions(referentiel: Referentiel, numero: int, attendu: tuple[int, str]) -> None:
    action = referentiel.action(numero)
    assert (action.numero, action.objectif, normaliser(action.intitule)) == (numero, *attendu)
    assert action.pourquoi
    assert action.comment


def test_ordre_des_listes(referentiel: Referentiel) -> None:
    assert [m.numero for m in referentiel.missions] == sorted(MISSIONS)
    assert [o.numero for o in referentiel.objectifs] == sorted(OBJECTIFS)
    assert [a.numero for a in referentiel.actions] == sorted(ACTIONS)


@pytest.mark.parametrize(
    ("numero", "colonne", "attendu"),
    [
        (1, "pourquoi", (
            Point("Aider à la maîtrise des contenus des CPO", (
                "Améliorer la compréhension des logiques de conventionnement par objectifs",
                "Améliorer l’atteinte des objectifs, notamment sur l’accès à l’emploi")),
            Point("Aider au conventionnement FSE"))),
        (13, "comment", (
            Point("Participation au comité de pilotage régional pour\xa0:", (
                "le suivi du partenariat et des moyens mis en œuvre", "la veille sur l’atteinte des objectifs",
                "le fonctionnement des plates-formes de vocation", "l’interconnexion P3/DUDE")),)),
        (14, "comment", (
            Point("Recenser les besoins de formation non couverts et les faire connaître"),
            Point("Renforcer le partenariat avec\xa0:", (
                "Le conseil régional", "Les autres collectivités publiques finançant des formations",
                "Les organismes de formation")))),
    ],
)  # fmt: skip
def test_listes_imbriquees(referentiel: Referentiel, numero: int, colonne: str, attendu: tuple[Point, ...]) -> None:
    assert getattr(referentiel.action(numero), colonne) == attendu


def _textes(referentiel: Referentiel) -> list[str]:
    textes = [m.intitule for m in referentiel.missions] + [o.intitule for o in referentiel.objectifs]
    for action in referentiel.actions:
        textes += [action.intitule, *(ligne for p in (*action.pourquoi, *action.comment) for ligne in p.lignes)]
    return textes


def test_textes_sans_puces_ni_balises(referentiel: Referentiel) -> None:
    for texte in _textes(referentiel):
        assert texte == texte.strip()
        assert not re.search(r"[<>➤•⇒]", texte), texte


def test_typographie_du_referentiel(referentiel: Referentiel) -> None:
    """Apostrophe ’, espace insécable avant « : », capitales accentuées (ÉTAT, GÉRER, À préciser)."""
    for texte in (*_textes(referentiel), referentiel.source):
        assert "'" not in texte, texte
        assert " :" not in texte, texte
        assert not re.search(
            r"\b(?:ETAT|ECHANGE|DEVELOPPEMENT|COMPETENCES|CONNAITRE|GERER|A|Etre|Elaboration)\b", texte
        ), texte
    for objectif in referentiel.objectifs:
        assert "⇒" not in objectif.intitule


# ---------------------------------------------------------------------------
# Comportement du chargeur
# ---------------------------------------------------------------------------


def test_numeros_inconnus(referentiel: Referentiel) -> None:
    with pytest.raises(KeyError):
        referentiel.mission(5)
    with pytest.raises(KeyError):
        referentiel.objectif(0)
    with pytest.raises(KeyError):
        referentiel.action(17)
    with pytest.raises(KeyError):
        referentiel.mission_de_objectif(7)


def test_immuable(referentiel: Referentiel) -> None:
    action = referentiel.action(1)
    assert isinstance(action, ActionType)
    assert isinstance(action.pourquoi, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        action.intitule = "autre"  # type: ignore[misc]


def test_cache() -> None:
    assert charger_referentiel() is charger_referentiel(NOM)


def test_referentiels_disponibles() -> None:
    assert NOM in referentiels_disponibles()


def test_nom_inconnu() -> None:
    with pytest.raises(ValueError, match=r"inconnu.*circulaire_dgefp_2008_15"):
        charger_referentiel("circulaire_inexistante")


def _donnees_brutes() -> dict[str, object]:
    chemin = Path(__file__).parents[1] / "convgen" / "referentiels" / f"{NOM}.yaml"
    donnees = yaml.safe_load(chemin.read_text(encoding="utf-8"))
    assert isinstance(donnees, dict)
    return donnees


def test_donnees_brutes_valides() -> None:
    assert referentiel_depuis_donnees(_donnees_brutes(), NOM) == charger_referentiel()


@pytest.mark.parametrize(
    ("cle", "indice", "champ", "valeur", "motif"),
    [
        ("objectifs", 2, "mission", 9, "mission 9"),
        ("actions", 0, "objectif", 7, "objectif 7"),
        ("actions", 15, "numero", 18, "numérotés"),
        ("objectifs", 0, "numero", 2, "numérotés"),
        ("missions", 1, "romain", "V", "romain"),
        ("actions", 3, "pourquoi", [], "vide"),
        ("actions", 3, "numero", True, "entier"),
    ],
)
def test_incoherences_detectees(cle: str, indice: int, champ: str, valeur: object, motif: str) -> None:
    donnees = copy.deepcopy(_donnees_brutes())
    liste = donnees[cle]
    assert isinstance(liste, list)
    liste[indice][champ] = valeur
    with pytest.raises(ValueError, match=motif):
        referentiel_depuis_donnees(donnees, NOM)


def test_nom_discordant() -> None:
    with pytest.raises(ValueError, match="nom"):
        referentiel_depuis_donnees(_donnees_brutes(), "autre_nom")


# ---------------------------------------------------------------------------
# Fidélité au texte de la circulaire
# ---------------------------------------------------------------------------


def _fragments(cellule: str) -> list[str]:
    """Découpe un texte aux balises HTML, retire les puces de mise en page (➤, •)."""
    fragments = []
    for morceau in re.split(r"<[^>]+>|[\t\n]", cellule):
        morceau = re.sub(r"^[➤•]\s*", "", morceau.strip())
        if morceau:
            fragments.append(morceau)
    return fragments


@pytest.fixture(scope="module")
def texte_circulaire() -> str:
    if not CIRCULAIRE.is_file():
        pytest.skip(f"texte source de la circulaire absent : {CIRCULAIRE}")
    return CIRCULAIRE.read_text(encoding="utf-8")


def _points_circulaire(cellule: str) -> list[tuple[str, list[str]]]:
    """Les points d'une cellule de l'annexe : un ``<p>`` suivi d'une liste en a les sous-points."""
    points: list[tuple[str, list[str]]] = []
    dans_liste_de_p = False
    for m in re.finditer(r"<p>(.*?)</p>|<li>(.*?)</li>|<ul[^>]*>|</ul>", cellule):
        if m.group(1) is not None:
            points.append((m.group(1).strip(), []))
        elif m.group(2) is not None:
            texte = re.sub(r"^[➤•]\s*", "", m.group(2).strip())
            if dans_liste_de_p:
                points[-1][1].append(texte)
            else:
                points.append((texte, []))
        elif m.group(0).startswith("<ul"):
            dans_liste_de_p = bool(points) and cellule[: m.start()].rstrip().endswith("</p>")
        else:
            dans_liste_de_p = False
    return points


def _concorde(point: Point, source: tuple[str, list[str]]) -> bool:
    """Le point redit la circulaire : même liste imbriquée, ou sous-points que la circulaire a mis bout à bout."""
    texte, sous_points = normaliser(point.texte), [normaliser(s) for s in point.sous_points]
    if source[1]:
        return (texte, sous_points) == source
    bout_a_bout = r",? ".join(re.escape(ligne) for ligne in (texte, *sous_points))
    return re.fullmatch(bout_a_bout, source[0]) is not None


def test_lignes_du_tableau(referentiel: Referentiel, texte_circulaire: str) -> None:
    """Chaque ligne « <b>n</b> » de l'annexe redonne exactement QUOI, POURQUOI, COMMENT, dans l'ordre."""
    lignes = {
        int(m.group(1)): ligne.split("\t")
        for ligne in texte_circulaire.splitlines()
        if (m := re.match(r"<b>(\d+)</b>\t", ligne))
    }
    assert sorted(lignes) == sorted(ACTIONS)
    for numero, colonnes in lignes.items():
        action = referentiel.action(numero)
        assert _fragments(colonnes[1]) == [normaliser(action.intitule)]
        for points, cellule in ((action.pourquoi, colonnes[2]), (action.comment, colonnes[3])):
            sources = _points_circulaire(cellule)
            assert len(points) == len(sources), (numero, sources)
            for point, source in zip(points, sources, strict=True):
                assert _concorde(point, source), (numero, point, source)


def test_intitules_des_objectifs(referentiel: Referentiel, texte_circulaire: str) -> None:
    """Chaque objectif porte l'intitulé de son propre intertitre « OBJECTIF n » dans l'annexe."""
    lignes = [ligne.strip() for ligne in texte_circulaire.splitlines() if ligne.strip()]
    intertitres = {
        int(m.group(1)): lignes[rang + 1].removeprefix("### ")
        for rang, ligne in enumerate(lignes)
        if (m := re.fullmatch(r"#+ OBJECTIF (\d+)", ligne))
    }
    assert {o.numero: normaliser(o.intitule) for o in referentiel.objectifs} == intertitres


def test_lois_de_finances(referentiel: Referentiel) -> None:
    """Visa de la loi de finances de l'année (domaine : lois de finances pour 2009 à 2011)."""
    attendu = {2009: ("2008-1425", "2008-12-27"), 2010: ("2009-1673", "2009-12-30"), 2011: ("2010-1657", "2010-12-29")}
    for annee, (numero, date) in attendu.items():
        loi = referentiel.loi_de_finances(annee)
        assert loi is not None and (loi.numero, loi.date.isoformat()) == (numero, date)
    assert referentiel.loi_de_finances(2012) is None


def test_rattachement_aux_intertitres(referentiel: Referentiel, texte_circulaire: str) -> None:
    """L'objectif de chaque action est celui du dernier intertitre « OBJECTIF n » qui la précède."""
    courant = None
    vus = {}
    for ligne in texte_circulaire.splitlines():
        if m := re.fullmatch(r"#+ OBJECTIF (\d+)", ligne.strip()):
            courant = int(m.group(1))
        elif m := re.match(r"<b>(\d+)</b>\t", ligne):
            vus[int(m.group(1))] = courant
    assert vus == {a.numero: a.objectif for a in referentiel.actions}


def test_tableau_recapitulatif(referentiel: Referentiel, texte_circulaire: str) -> None:
    """Les missions du tableau récapitulatif (les objectifs prennent l'intitulé de leur intertitre, plus haut)."""
    for mission in referentiel.missions:
        assert f"{mission.romain}\t{normaliser(mission.intitule)}\t" in texte_circulaire
