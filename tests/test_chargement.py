"""Tests de convgen.chargement : fichiers YAML et JSON, constats de forme exacts, fichiers refusés."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import SUPPRIMER, donnees_valides, ecrire_yaml, modifier

from convgen import chargement
from convgen.chargement import ALIAS_MAX, TAILLE_MAX, VALEURS_MAX, charger, chemin_lisible, depuis_donnees, lire
from convgen.erreurs import DonneesInvalides, FichierIllisible, Gravite

LOCALE = "actions[4]"  # l'action ajoutée localement (objectif 3) de la convention bretonne

LECTEURS = ["libyaml", "python"] if yaml.__with_libyaml__ else ["python"]


@pytest.fixture(autouse=True, params=LECTEURS)
def lecteur(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Chaque test passe par les deux lecteurs YAML : libyaml (en C) et celui de PyYAML en Python."""
    if request.param == "python":
        monkeypatch.setattr(chargement, "_ChargeurYaml", chargement._ChargeurPython)
    return str(request.param)


def test_libyaml_sert_quand_il_est_la(lecteur: str) -> None:
    attendu = {"libyaml": "_ChargeurLibyaml", "python": "_ChargeurPython"}[lecteur]
    assert chargement._ChargeurYaml.__name__ == attendu


def constats(tmp_path: Path, donnees: Any) -> list[tuple[str, str, str]]:
    """Écrit les données, les charge, et rend (code, chemin, message) de chaque constat."""
    chemin = ecrire_yaml(tmp_path, donnees)
    with pytest.raises(DonneesInvalides) as exc:
        charger(chemin)
    assert exc.value.fichier == str(chemin)
    assert {(c.gravite, c.fichier) for c in exc.value.constats} == {(Gravite.ERREUR, str(chemin))}
    return [(c.code, c.chemin, c.message) for c in exc.value.constats]


# --- Une erreur à la fois : code, chemin et message exacts ---------------------------

VT = "Association\x0brégionale"  # tabulation verticale collée depuis un tableur


@pytest.mark.parametrize(
    ("changements", "code", "chemin", "message"),
    [
        pytest.param({"budjet": 12}, "champ-inconnu", "budjet",
                     "champ inconnu « budjet » (vérifiez l'orthographe de la clé)", id="cle-inconnue"),
        pytest.param({"structure.adresse.pays": "France"}, "champ-inconnu", "structure.adresse.pays",
                     "champ inconnu « pays » (vérifiez l'orthographe de la clé)", id="cle-inconnue-imbriquee"),
        pytest.param({f"{LOCALE}.locale": True}, "champ-inconnu", f"{LOCALE}.locale",
                     "champ inconnu « locale » (vérifiez l'orthographe de la clé)", id="cle-nommee-comme-l-etiquette"),
        pytest.param({"region": SUPPRIMER}, "champ-manquant", "region", "champ obligatoire absent", id="manquant"),
        pytest.param({"structure.adresse.commune": SUPPRIMER}, "champ-manquant", "structure.adresse.commune",
                     "champ obligatoire absent", id="manquant-imbrique"),
        pytest.param({"signature.date": "2 mars 2009"}, "donnee-invalide", "signature.date",
                     "une date est attendue (AAAA-MM-JJ)", id="date-en-lettres"),
        pytest.param({"signature.date": "2009-03-01T10:30:00"}, "donnee-invalide", "signature.date",
                     "une date sans heure est attendue (AAAA-MM-JJ)", id="date-avec-heure"),
        pytest.param({f"{LOCALE}.objectif": 7}, "donnee-invalide", f"{LOCALE}.objectif", "la valeur 7 doit être ≤ 6",
                     id="objectif-7"),
        pytest.param({"actions[1].numero": 17}, "action-inconnue", "actions[1].numero",
                     "l'annexe-type ne compte pas d'action n° 17 (actions 1 à 16)", id="action-17"),
        pytest.param({"actions[0].objectif": 1}, "donnee-invalide", "actions[0]",
                     "une action doit avoir soit « numero » (annexe-type), soit « objectif » (action locale)",
                     id="numero-et-objectif"),
        pytest.param({"actions[0]": "action 2"}, "donnee-invalide", "actions[0]",
                     "un ensemble de clés et de valeurs est attendu", id="action-non-dictionnaire"),
        pytest.param({"etat.prefet.civilite": "Mlle"}, "donnee-invalide", "etat.prefet.civilite",
                     "valeur « Mlle » non prévue ; valeurs possibles : 'M.' ou 'Mme'", id="civilite-mlle"),
        pytest.param({"structure.statut": "sarl"}, "donnee-invalide", "structure.statut",
                     "valeur « sarl » non prévue ; valeurs possibles : 'association', 'gip', 'arml', 'carif', "
                     "'oref', 'autre' ou 'mission_locale'", id="statut-inconnu"),
        pytest.param({"structure.adresse.code_postal": "3500"}, "donnee-invalide", "structure.adresse.code_postal",
                     "« 3500 » n'a pas la forme attendue (un code postal a cinq chiffres)", id="code-postal"),
        pytest.param({"structure.nom": VT}, "texte-invalide", "structure.nom",
                     "texte inutilisable dans un document Word : tabulation verticale U+000B en position 12",
                     id="tabulation-verticale"),
        pytest.param({"actions[2].methode": "a\x00"}, "texte-invalide", "actions[2].methode",
                     "texte inutilisable dans un document Word : caractère nul U+0000 en position 2", id="nul"),
        pytest.param({f"{LOCALE}.intitule": "\x9fx"}, "texte-invalide", f"{LOCALE}.intitule",
                     "texte inutilisable dans un document Word : caractère interdit U+009F en position 1", id="c1"),
        pytest.param({"structure.adresse.commune": " \n "}, "champ-vide", "structure.adresse.commune",
                     "ce champ ne peut pas être vide", id="texte-vide"),
        pytest.param({"actions[0].indicateurs": ["", "ok"]}, "champ-vide", "actions[0].indicateurs[0]",
                     "ce champ ne peut pas être vide", id="indicateur-vide"),
        pytest.param({"actions[0].methode": "é" * 20_001}, "texte-invalide", "actions[0].methode",
                     "texte trop long : 20001 caractères (au plus 20000)", id="20001-caracteres"),
        pytest.param({"region": 35}, "donnee-invalide", "region", "un texte est attendu", id="nombre-pour-texte"),
        pytest.param({"annee": "deux mille neuf"}, "donnee-invalide", "annee", "un nombre entier est attendu",
                     id="annee-en-lettres"),
        pytest.param({"annee": 1999}, "donnee-invalide", "annee", "la valeur 1999 doit être ≥ 2000", id="annee-1999"),
        pytest.param({"budget_missions_locales": 0}, "donnee-invalide", "budget_missions_locales",
                     "la valeur 0 doit être > 0", id="budget-nul"),
        pytest.param({"signature.exemplaires": 11}, "donnee-invalide", "signature.exemplaires",
                     "la valeur 11 doit être ≤ 10", id="onze-exemplaires"),
        pytest.param({"actions": []}, "donnee-invalide", "actions", "il en faut au moins 1", id="aucune-action"),
        pytest.param({f"{LOCALE}.comment": []}, "donnee-invalide", f"{LOCALE}.comment", "il en faut au moins 1",
                     id="locale-sans-comment"),
        pytest.param({"actions[0].indicateurs": "un seul"}, "donnee-invalide", "actions[0].indicateurs",
                     "une liste est attendue", id="liste-attendue"),
        pytest.param({"referentiel": "circulaire_2025"}, "donnee-invalide", "referentiel",
                     "valeur « circulaire_2025 » non prévue ; valeurs possibles : 'circulaire_dgefp_2008_15'",
                     id="referentiel-inconnu"),
    ],
)  # fmt: skip
def test_une_erreur_de_forme(tmp_path: Path, changements: dict[str, Any], code: str, chemin: str, message: str) -> None:
    assert constats(tmp_path, modifier(donnees_valides(), changements)) == [(code, chemin, message)]


MONTANT = "actions[0].financements[0].montant"


@pytest.mark.parametrize(
    ("montant", "message"),
    [
        pytest.param(True, "un montant doit être un nombre, pas un booléen", id="booleen"),
        pytest.param("quarante mille", "« quarante mille » n'est pas un montant", id="en-lettres"),
        pytest.param("1.234,56", "« 1.234,56 » n'est pas un montant", id="separateurs-anglais-et-francais"),
        pytest.param("NaN", "un montant doit être un nombre fini", id="nan"),
        pytest.param(float("inf"), "un montant doit être un nombre fini", id="infini"),
        pytest.param("1e30", "montant démesuré (1E+30 €)", id="demesure"),
        pytest.param(10**27, "montant démesuré (1000000000000000000000000000 €)", id="entier-demesure"),
    ],
)
def test_montant_invalide(tmp_path: Path, montant: object, message: str) -> None:
    assert constats(tmp_path, modifier(donnees_valides(), {MONTANT: montant})) == [
        ("montant-invalide", MONTANT, message)
    ]


def test_toutes_les_erreurs_en_une_fois(tmp_path: Path) -> None:
    donnees = modifier(
        donnees_valides(),
        {"budjet": 12, "region": SUPPRIMER, "etat.prefet.civilite": "Mlle", f"{LOCALE}.objectif": 7,
         "structure.nom": VT, MONTANT: True},
    )  # fmt: skip
    assert sorted((code, chemin) for code, chemin, _ in constats(tmp_path, donnees)) == [
        ("champ-inconnu", "budjet"),
        ("champ-manquant", "region"),
        ("donnee-invalide", "actions[4].objectif"),
        ("donnee-invalide", "etat.prefet.civilite"),
        ("montant-invalide", MONTANT),
        ("texte-invalide", "structure.nom"),
    ]


# --- Lignes du fichier YAML ----------------------------------------------------------


def test_lignes_yaml_dans_les_constats(exemples: Path) -> None:
    fichier = exemples / "invalides" / "forme.yaml"
    with pytest.raises(DonneesInvalides) as exc:
        charger(fichier)
    assert sorted((c.ligne, c.code, c.chemin, c.fichier) for c in exc.value.constats) == [
        (24, "champ-inconnu", "budjet", str(fichier)),
        (25, "donnee-invalide", "signature.date", str(fichier)),
        (52, "donnee-invalide", "actions[4].objectif", str(fichier)),
    ]
    assert str(exc.value).splitlines()[0] == f"{fichier} : 3 erreurs dans les données"
    budjet = "erreur [champ-inconnu] ligne 24, budjet : champ inconnu « budjet » (vérifiez l'orthographe de la clé)"
    assert f"  {budjet}" in str(exc.value).splitlines()


@pytest.mark.parametrize(
    ("avant", "apres", "chemin", "ligne", "message"),
    [
        pytest.param(", commune: Rennes}", "}", "structure.adresse.commune", 19, "champ obligatoire absent",
                     id="absent-ligne-du-parent"),
        pytest.param("date: 2009-03-02", "date: 2009-02-30", "signature.date", 24,
                     "une date est attendue (AAAA-MM-JJ)", id="30-fevrier"),
        pytest.param("date: 2009-03-02", "date: 2009-13-02", "signature.date", 24,
                     "une date est attendue (AAAA-MM-JJ)", id="mois-13"),
        pytest.param("numero: 16", "numero: 17", "actions[3].numero", 44,
                     "l'annexe-type ne compte pas d'action n° 17 (actions 1 à 16)", id="action-17"),
    ],
)  # fmt: skip
def test_erreur_situee_dans_le_yaml(
    tmp_path: Path, exemples: Path, avant: str, apres: str, chemin: str, ligne: int, message: str
) -> None:
    texte = (exemples / "bretagne_2009_bipartite.yaml").read_text(encoding="utf-8")
    assert texte.count(avant) == 1
    (fichier := tmp_path / "c.yaml").write_text(texte.replace(avant, apres), encoding="utf-8")
    with pytest.raises(DonneesInvalides) as exc:
        charger(fichier)
    assert [(c.chemin, c.ligne, c.message) for c in exc.value.constats] == [(chemin, ligne, message)]


# --- YAML et JSON équivalents ; lecture décimale -------------------------------------


@pytest.mark.parametrize("nom", ["bretagne_2009_bipartite.yaml", "auvergne_2009_tripartite.yaml"])
def test_json_equivaut_au_yaml(tmp_path: Path, exemples: Path, nom: str) -> None:
    donnees = yaml.safe_load((exemples / nom).read_text(encoding="utf-8"))
    (fichier_json := tmp_path / "c.json").write_text(json.dumps(donnees, default=str), encoding="utf-8")
    depuis_yaml, depuis_json = charger(exemples / nom), charger(fichier_json)
    assert depuis_json == depuis_yaml
    assert depuis_json.model_dump() == depuis_yaml.model_dump()
    assert depuis_json.actions_resolues == depuis_yaml.actions_resolues


@pytest.mark.parametrize(
    ("ecrit", "attendu"),
    [("42000.10", "42000.10"), ("0.1", "0.10"), ("42_000.5", "42000.50"), ("42000", "42000.00"),
     ('"42 000,1"', "42000.10")],
    ids=["decimal", "dixieme", "souligne", "entier", "chaine-francaise"],
)  # fmt: skip
def test_yaml_lu_en_decimal(tmp_path: Path, exemples: Path, ecrit: str, attendu: str) -> None:
    texte = (exemples / "bretagne_2009_bipartite.yaml").read_text(encoding="utf-8")
    (fichier := tmp_path / "c.yaml").write_text(texte.replace("montant: 42000}", f"montant: {ecrit}}}"), "utf-8")
    assert str(charger(fichier).actions[0].financements[0].montant) == attendu


def test_ancre_et_alias_ordinaires_acceptes(tmp_path: Path, exemples: Path) -> None:
    texte = (exemples / "bretagne_2009_bipartite.yaml").read_text(encoding="utf-8")
    texte = texte.replace("{financeur: etat, montant: 42000}", "&etat {financeur: etat, montant: 42000}")
    texte = texte.replace("[{financeur: etat, montant: 36500}]", "[*etat]")
    (fichier := tmp_path / "c.yaml").write_text(texte, encoding="utf-8")
    assert charger(fichier).total_etat == 172000 - 36500 + 42000


# --- Fichiers refusés -----------------------------------------------------------------

RACINE_REFUSEE = "le fichier doit décrire une convention : des clés « annee », « region », « structure »…"


def _bombe(niveaux: int, largeur: int) -> str:
    lignes = ["  x0: &x0 [mot]"]
    lignes += [f"  x{i}: &x{i} [{', '.join([f'*x{i - 1}'] * largeur)}]" for i in range(1, niveaux + 1)]
    return "annee: 2009\nbudjet:\n" + "\n".join(lignes) + "\n"


@pytest.mark.parametrize(
    ("nom", "contenu", "ligne", "motif"),
    [
        pytest.param("c.yaml", "annee: 2009\nregion: [Bretagne\nnumero: x\n", 3,
                     "YAML mal formé : expected ',' or ']', but got ':'", id="crochet-non-ferme"),
        pytest.param("c.yaml", "annee: 2009\n\tregion: Bretagne\n", 2,
                     "YAML mal formé : tabulation interdite en YAML : indentez avec des espaces", id="tabulation"),
        pytest.param("c.json", '{"annee": 2009,\n "region": }', 2, "JSON mal formé : Expecting value", id="json"),
        pytest.param("c.JSON", '{"annee": 2009\n"region": "x"}', 2, "JSON mal formé : Expecting ',' delimiter",
                     id="json-majuscules"),
        pytest.param("c.yaml", "- annee: 2009\n", None, RACINE_REFUSEE, id="liste"),
        pytest.param("c.json", "[1, 2]", None, RACINE_REFUSEE, id="liste-json"),
        pytest.param("c.yaml", "Bretagne\n", None, RACINE_REFUSEE, id="texte-seul"),
        pytest.param("c.yaml", "# rien\n", None, RACINE_REFUSEE, id="vide"),
        pytest.param("c.yaml", _bombe(9, 9), None,
                     f"YAML refusé : plus de {VALEURS_MAX} valeurs une fois les alias développés : fichier refusé",
                     id="bombe-81-alias"),
        pytest.param("c.yaml", _bombe(9, 25), None, f"YAML refusé : plus de {ALIAS_MAX} alias YAML : fichier refusé",
                     id="bombe-225-alias"),
        pytest.param("c.yaml", "annee: " + "[" * 5000 + "]" * 5000, None, "YAML refusé : imbrication trop profonde",
                     id="yaml-trop-profond"),
        pytest.param("c.json", "[" * 100_000 + "]" * 100_000, None, "JSON refusé : imbrication trop profonde",
                     id="json-trop-profond"),
        pytest.param("c.yaml", b"annee: 2009\nregion: Bretagne \xe9\n", None,
                     "le fichier n'est pas en UTF-8 (octet illisible en position 30)", id="latin-1"),
    ],
)  # fmt: skip
def test_fichier_illisible(tmp_path: Path, nom: str, contenu: str | bytes, ligne: int | None, motif: str) -> None:
    fichier = tmp_path / nom
    if isinstance(contenu, bytes):
        fichier.write_bytes(contenu)
    else:
        fichier.write_text(contenu, encoding="utf-8")
    debut = time.monotonic()
    with pytest.raises(FichierIllisible) as exc:
        charger(fichier)
    assert time.monotonic() - debut < 5  # une bombe est refusée vite, sans tout développer
    assert (exc.value.motif, exc.value.ligne, exc.value.fichier) == (motif, ligne, str(fichier))
    lieu = f"{fichier}, ligne {ligne}" if ligne else str(fichier)
    assert str(exc.value) == f"{lieu} : {motif}"


def test_fichier_absent_ou_dossier(tmp_path: Path) -> None:
    with pytest.raises(FichierIllisible, match=r"absent\.yaml : fichier introuvable$"):
        charger(tmp_path / "absent.yaml")
    with pytest.raises(FichierIllisible, match=r" : c'est un dossier, pas un fichier$"):
        charger(tmp_path)


@pytest.mark.parametrize(
    ("taille", "motif"),
    [(TAILLE_MAX + 1, "fichier trop gros (2049 Kio ; au plus 2048 Kio)"), (TAILLE_MAX, RACINE_REFUSEE)],
    ids=["un-octet-de-trop", "juste-a-la-limite"],
)
def test_taille_maximale(tmp_path: Path, taille: int, motif: str) -> None:
    (fichier := tmp_path / "c.yaml").write_text("#" * taille, encoding="utf-8")
    with pytest.raises(FichierIllisible) as exc:
        charger(fichier)
    assert exc.value.motif == motif


def test_bom_utf8_accepte(tmp_path: Path) -> None:
    fichier = ecrire_yaml(tmp_path, donnees_valides())
    fichier.write_bytes(b"\xef\xbb\xbf" + fichier.read_bytes())
    assert charger(fichier).region == "Bretagne"


def test_lire_rend_les_lignes_du_yaml(exemples: Path) -> None:
    donnees, lignes = lire(exemples / "bretagne_2009_bipartite.yaml")
    assert donnees["region"] == "Bretagne"
    assert {c: lignes[c] for c in ("annee", "structure.adresse.code_postal", "actions[4].objectif")} == {
        "annee": 3, "structure.adresse.code_postal": 19, "actions[4].objectif": 51,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("loc", "attendu"),
    [
        (("actions", 2, "annexe", "cout"), "actions[2].cout"),
        (("actions", 2, "locale", "financements", 0, "montant"), "actions[2].financements[0].montant"),
        (("actions", 4, "locale", "locale"), "actions[4].locale"),
        (("annexe",), "annexe"),
        (("structure", "adresse", "code_postal"), "structure.adresse.code_postal"),
        ((), ""),
    ],
    ids=["etiquette-annexe", "etiquette-locale", "cle-locale-gardee", "cle-annexe-gardee", "imbrique", "racine"],
)
def test_chemin_lisible(loc: tuple[int | str, ...], attendu: str) -> None:
    assert chemin_lisible(loc) == attendu


@pytest.mark.parametrize(
    ("champ", "valeur"),
    [("structure.siret", 77567223100021), ("structure.adresse.code_postal", 35000)],
    ids=["siret", "code_postal"],
)
def test_identifiant_sans_guillemets_refuse_avec_conseil(champ: str, valeur: int) -> None:
    donnees = donnees_valides()
    cible = donnees
    *parents, dernier = champ.split(".")
    for cle in parents:
        cible = cible[cle]
    cible[dernier] = valeur
    with pytest.raises(DonneesInvalides) as exc:
        depuis_donnees(donnees)
    (constat,) = exc.value.constats
    assert (constat.code, constat.chemin) == ("donnee-invalide", champ)
    assert constat.message == (
        f'écrivez cette valeur entre guillemets ("{valeur}") : lue comme un nombre, elle peut perdre ses zéros initiaux'
    )


@pytest.mark.parametrize(
    ("nom", "texte", "motif"),
    [
        ("enorme.json", '{"annee": ' + "9" * 5000 + "}", "JSON refusé : nombre démesuré"),
        ("enorme.yaml", "annee: " + "9" * 5000 + "\n", "YAML refusé : valeur démesurée ou impossible"),
    ],
    ids=["json", "yaml"],
)
def test_nombre_demesure_refuse_sans_trace(tmp_path: Path, nom: str, texte: str, motif: str) -> None:
    chemin = tmp_path / nom
    chemin.write_text(texte, encoding="utf-8")
    with pytest.raises(FichierIllisible) as exc:
        lire(chemin)
    assert exc.value.motif == motif


# --- Nombres ambigus et clés en double (YAML 1.1) ---------------------------------------

CONSEIL = 'écrivez un montant sans zéro en tête ni « : » (32000, ou "32 000,00" entre guillemets)'


@pytest.mark.parametrize(
    ("ecrit", "forme"),
    [
        ("012000", "zéro en tête, lu en octal par YAML"),  # lu 5 120 sans ce refus
        ("019000", "zéro en tête, lu en octal par YAML"),  # lu 19 000 : refusé aussi, par cohérence
        ("0_12000", "zéro en tête, lu en octal par YAML"),
        ("-012000", "zéro en tête, lu en octal par YAML"),
        ("012000.50", "zéro en tête, lu en octal par YAML"),
        ("190:20:30", "écriture en base 60, sexagésimale"),  # lu 684 030
        ("1:30.5", "écriture en base 60, sexagésimale"),
        ("0x1F", "nombre hexadécimal"),
        ("0o17", "nombre octal"),
        ("0b101", "nombre binaire"),
    ],
)
def test_nombre_ambigu_refuse(tmp_path: Path, exemples: Path, ecrit: str, forme: str) -> None:
    texte = (exemples / "bretagne_2009_bipartite.yaml").read_text(encoding="utf-8")
    assert texte.count("montant: 42000}") == 1
    (fichier := tmp_path / "c.yaml").write_text(texte.replace("montant: 42000}", f"montant: {ecrit}}}"), "utf-8")
    ligne = texte[: texte.index("montant: 42000}")].count("\n") + 1
    with pytest.raises(DonneesInvalides) as exc:
        charger(fichier)
    (constat,) = exc.value.constats
    assert (constat.code, constat.chemin, constat.ligne, constat.fichier) == (
        "montant-invalide", MONTANT, ligne, str(fichier)
    )  # fmt: skip
    assert constat.message == f'nombre ambigu « {ecrit} » ({forme}) : {CONSEIL} et un code entre guillemets ("{ecrit}")'


@pytest.mark.parametrize("ecrit", ['"012000"', "'190:20:30'", "32000", "0.5", "0", '"32 000,00"'])
def test_nombre_entre_guillemets_ou_sans_ambiguite_accepte(tmp_path: Path, exemples: Path, ecrit: str) -> None:
    texte = (exemples / "bretagne_2009_bipartite.yaml").read_text(encoding="utf-8")
    (fichier := tmp_path / "c.yaml").write_text(texte.replace("montant: 42000}", f"montant: {ecrit}}}"), "utf-8")
    donnees, _ = lire(fichier)
    assert str(donnees["actions"][0]["financements"][0]["montant"]) == ecrit.strip("'\"")


def test_code_postal_octal_refuse(tmp_path: Path) -> None:
    (fichier := tmp_path / "c.yaml").write_text("annee: 2009\nstructure:\n  code_postal: 01000\n", "utf-8")
    with pytest.raises(DonneesInvalides) as exc:
        lire(fichier)
    assert [(c.code, c.chemin, c.ligne) for c in exc.value.constats] == [
        ("montant-invalide", "structure.code_postal", 3)
    ]


@pytest.mark.parametrize(
    ("texte", "chemin", "ligne", "premiere"),
    [
        ("annee: 2009\nregion: Bretagne\nregion: Auvergne\n", "region", 3, 2),
        ("annee: 2009\nstructure:\n  nom: A\n  sigle: B\n  nom: C\n", "structure.nom", 5, 3),
        ("annee: 2009\nactions:\n  - {numero: 1, cout: 5, cout: 6}\n", "actions[0].cout", 3, 3),
    ],
    ids=["racine", "imbrique", "en-ligne"],
)
def test_cle_en_double_refusee(tmp_path: Path, texte: str, chemin: str, ligne: int, premiere: int) -> None:
    (fichier := tmp_path / "c.yaml").write_text(texte, "utf-8")
    with pytest.raises(DonneesInvalides) as exc:
        lire(fichier)
    (constat,) = exc.value.constats
    cle = chemin.rsplit(".", 1)[-1].split("]")[-1] or chemin
    assert (constat.code, constat.chemin, constat.ligne) == ("cle-en-double", chemin, ligne)
    assert (
        constat.message == f"clé « {cle} » en double (déjà ligne {premiere}) : une seule des deux valeurs serait gardée"
    )


def test_cle_en_double_refusee_en_json(tmp_path: Path) -> None:
    (fichier := tmp_path / "c.json").write_text('{"annee": 2009, "region": "A", "region": "B"}', "utf-8")
    with pytest.raises(DonneesInvalides) as exc:
        lire(fichier)
    assert [(c.code, c.chemin, c.message) for c in exc.value.constats] == [
        ("cle-en-double", "region", "clé « region » en double : une seule des deux valeurs serait gardée")
    ]


def test_fusion_yaml_ordinaire_acceptee(tmp_path: Path) -> None:
    texte = "annee: 2009\nbase: &b {nom: A, sigle: B}\nstructure:\n  <<: *b\n  nom: C\n"
    (fichier := tmp_path / "c.yaml").write_text(texte, "utf-8")
    assert lire(fichier)[0]["structure"] == {"nom": "C", "sigle": "B"}
