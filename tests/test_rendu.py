"""Rendu .docx : documents réels écrits sur disque puis relus avec python-docx."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx.document import Document as DocumentWord
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx_texte import (
    FICHIERS_EXEMPLES,
    archive_sans_corps,
    convention_exemple,
    gabarit_word,
    ouvrir,
    paragraphes_bruts,
    tableau_apres,
    tableaux_annexe,
    texte_docx,
)

from convgen.erreurs import ErreurGabarit, GabaritInvalide, RenduImpossible
from convgen.gabarit.rendu import charger_gabarit, chemin_gabarit_par_defaut, generer_docx

VARIANTES: dict[str, tuple[str, dict[str, Any]]] = {
    "auvergne": ("auvergne", {}),
    "bretagne": ("bretagne", {}),
    "auvergne-bipartite": ("auvergne", {"version": "bipartite"}),
    "auvergne-projet": ("auvergne", {"projet": True}),
}


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, DocumentWord]:
    """Chaque variante écrite en .docx dans un dossier temporaire, puis rouverte."""
    dossier = tmp_path_factory.mktemp("rendu")
    rendus = {}
    for nom, (exemple, options) in VARIANTES.items():
        chemin = generer_docx(convention_exemple(exemple), dossier / f"{nom}.docx", **options)
        rendus[nom] = ouvrir(chemin)
    return rendus


# --- Texte : paragraphes entiers, chaînes françaises exactes ---------------------------------

PARAGRAPHES = [
    ("auvergne", "Fait à Clermont-Ferrand, le 1er\xa0mars\xa02009, en trois exemplaires originaux."),
    ("auvergne", "Le coût total prévisionnel du programme s’élève à 101\u202f000,50\xa0€, soit cent un mille euros "
                 "et cinquante centimes."),
    ("auvergne", "L’État contribue financièrement à ce programme pour un montant de soixante mille euros et "
                 "cinquante centimes (60\u202f000,50\xa0€) au titre de l’année 2009. Il n’attend aucune contrepartie "
                 "directe de cette contribution."),
    ("auvergne", "La Région contribue financièrement à ce programme pour un montant de trente-huit mille euros "
                 "(38\u202f000,00\xa0€). Cette contribution est versée selon les règles budgétaires et comptables "
                 "propres à la Région."),
    ("auvergne", "La présente convention est conclue pour l’année 2009. Elle couvre la période du "
                 "1er\xa0janvier\xa02009 au 31\xa0décembre\xa02009."),
    ("auvergne", "Vu la délibération n°\xa0CP-09-0123 de la commission permanente du conseil régional d’Auvergne "
                 "du 16\xa0février\xa02009\xa0;"),
    ("auvergne", "1er\xa0avril\xa02009"),
    ("auvergne", "45\u202f000,50\xa0€"),
    ("auvergne", "Total de la mission IV\xa0: 8\u202f000,00\xa0€, dont État\xa0: 0,00\xa0€"),
    ("auvergne", "Les parties conviennent que la contribution de l’État est versée selon l’échéancier suivant\xa0:"),
    ("auvergne", "Imputation budgétaire\xa0: programme\xa0102, action\xa003, centre financier\xa00102-DR63-DR63, "
                 "domaine fonctionnel\xa00102-03."),
    ("auvergne", "En cas de non-respect par l’une des parties de l’une de ses obligations résultant de la présente "
                 "convention, celle-ci peut être résiliée de plein droit par l’une quelconque des parties, à "
                 "l’expiration d’un délai de deux mois suivant l’envoi d’une lettre recommandée avec accusé de "
                 "réception valant mise en demeure restée sans effet. La mise en demeure et la résiliation sont "
                 "notifiées à chacune des deux autres parties."),
    ("auvergne", "Annexe à la convention annuelle d’objectifs 2009 — programme régional d’animation des missions "
                 "locales et PAIO d’Auvergne"),
    ("bretagne", "Fait à Rennes, le 2\xa0mars\xa02009, en deux exemplaires originaux."),
    ("bretagne", "L’État contribue financièrement à ce programme pour un montant de cent soixante-douze mille euros "
                 "(172\u202f000,00\xa0€) au titre de l’année 2009. Il n’attend aucune contrepartie directe de cette "
                 "contribution."),
    ("bretagne", "avance de 80\xa0% à la signature"),
    ("bretagne", "En cas de non-respect par l’une des parties de l’une de ses obligations résultant de la présente "
                 "convention, celle-ci peut être résiliée de plein droit par l’une ou l’autre des parties, à "
                 "l’expiration d’un délai de deux mois suivant l’envoi à l’autre partie d’une lettre recommandée avec "
                 "accusé de réception valant mise en demeure restée sans effet."),
    ("auvergne-bipartite", "Fait à Clermont-Ferrand, le 1er\xa0mars\xa02009, en deux exemplaires originaux."),
    ("auvergne-projet", "Fait à Clermont-Ferrand, le " + "\u2026" * 12 + ", en trois exemplaires originaux."),
]  # fmt: skip
ABSENTS = [
    ("bretagne", "Pour la Région"),
    ("bretagne", "ci-après dénommée «\xa0la Région\xa0»"),
    ("bretagne", "délibération"),
    ("bretagne", "Imputation budgétaire"),
    ("auvergne-bipartite", "La Région contribue"),
    ("auvergne-projet", "1er\xa0mars\xa02009"),
    ("auvergne", "{{"),
    ("auvergne", "{%"),
    ("auvergne", "Pour la structure"),
    ("auvergne", "faute d’échéancier"),
    ("auvergne", "Ce coût représente"),  # ratio à l’article 3 : afficher_ratio absent
    ("bretagne", "l’une quelconque des parties"),
]


@pytest.mark.parametrize(("variante", "paragraphe"), PARAGRAPHES, ids=[f"{v}-{p[:30]}" for v, p in PARAGRAPHES])
def test_paragraphe_present(documents: dict[str, DocumentWord], variante: str, paragraphe: str) -> None:
    assert paragraphe in paragraphes_bruts(documents[variante])


@pytest.mark.parametrize(("variante", "morceau"), ABSENTS, ids=[f"{v}-{m}" for v, m in ABSENTS])
def test_morceau_absent(documents: dict[str, DocumentWord], variante: str, morceau: str) -> None:
    assert not [p for p in paragraphes_bruts(documents[variante]) if morceau in p]


# --- Blocs de signature ------------------------------------------------------------------


DIRECTRICE = "la directrice régionale du travail, de l’emploi et de la formation professionnelle d’Auvergne"
ETAT_AUVERGNE = ("Pour le préfet de la région Auvergne et par délégation,\n" + DIRECTRICE, "Claire Martin")
STRUCTURE_AUVERGNE = ("Pour l’Association régionale des missions locales d’Auvergne,\nla présidente", "Hélène Martin")


@pytest.mark.parametrize(
    ("variante", "blocs"),
    [
        ("auvergne", [ETAT_AUVERGNE, ("Pour la Région Auvergne,\nle président du conseil régional", "René Souchon"),
                      STRUCTURE_AUVERGNE]),
        ("auvergne-bipartite", [ETAT_AUVERGNE, STRUCTURE_AUVERGNE]),
        ("bretagne", [("Pour le préfet de la région Bretagne et par délégation,\nle directeur régional du travail, "
                       "de l’emploi et de la formation professionnelle de Bretagne", "Yves Le Goff"),
                      ("Pour l’Association régionale des missions locales de Bretagne,\nle président",
                       "Loïc Kerhervé")]),
    ],
    ids=["trois", "deux-bipartite", "deux"],
)  # fmt: skip
def test_blocs_de_signature(documents: dict[str, DocumentWord], variante: str, blocs: list[tuple[str, str]]) -> None:
    qualites, noms = tableau_apres(documents[variante], "Fait à ").rows
    assert list(zip([c.text for c in qualites.cells], [c.text for c in noms.cells], strict=True)) == blocs


# --- Annexe : section paysage, un tableau par objectif ------------------------------------

COLONNES = ["N°", "QUOI", "POURQUOI", "COMMENT", "QUI FAIT QUOI\xa0?", "ÉCHÉANCIER", "COÛT PRÉVISIONNEL ET FINANCEMENT"]


@pytest.mark.parametrize(
    ("variante", "objectifs"),
    [
        ("auvergne", [(["1"], "27\u202f500,50\xa0€\ndont État\xa0: 18\u202f500,50\xa0€"),
                      (["3"], "20\u202f000,00\xa0€\ndont État\xa0: 12\u202f000,00\xa0€"),
                      (["8"], "28\u202f800,00\xa0€\ndont État\xa0: 19\u202f800,00\xa0€"),
                      (["12"], "16\u202f700,00\xa0€\ndont État\xa0: 9\u202f700,00\xa0€"),
                      (["17"], "8\u202f000,00\xa0€\ndont État\xa0: 0,00\xa0€")]),
        ("bretagne", [(["2"], "54\u202f000,00\xa0€\ndont État\xa0: 42\u202f000,00\xa0€"),
                      (["4"], "31\u202f000,00\xa0€\ndont État\xa0: 31\u202f000,00\xa0€"),
                      (["17"], "14\u202f500,00\xa0€\ndont État\xa0: 14\u202f500,00\xa0€"),
                      (["9"], "36\u202f500,00\xa0€\ndont État\xa0: 36\u202f500,00\xa0€"),
                      (["16"], "54\u202f000,00\xa0€\ndont État\xa0: 48\u202f000,00\xa0€")]),
    ],
    ids=["auvergne", "bretagne"],
)  # fmt: skip
def test_annexe_paysage_un_tableau_par_objectif(
    documents: dict[str, DocumentWord], variante: str, objectifs: list[tuple[list[str], str]]
) -> None:
    doc = documents[variante]
    corps, annexe = doc.sections
    assert (corps.orientation, corps.page_width < corps.page_height) == (WD_ORIENT.PORTRAIT, True)
    assert (annexe.orientation, annexe.page_width > annexe.page_height) == (WD_ORIENT.LANDSCAPE, True)
    tableaux = tableaux_annexe(doc)
    # Le saut de section (paragraphe qui porte w:sectPr) précède le premier tableau de l'annexe.
    elements = list(doc.element.body)
    saut = next(i for i, e in enumerate(elements) if e.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None)
    assert saut < elements.index(tableaux[0]._tbl)
    trouves = []
    for t in tableaux:
        entete, *actions, total = t.rows
        assert all(cellule.text.startswith(titre) for cellule, titre in zip(entete.cells, COLONNES, strict=True))
        assert entete._tr.trPr.find(qn("w:tblHeader")) is not None
        # Seule la dernière action, solidaire du total, peut se couper (si elle dépasse une page).
        secables = [r for r in t.rows if r._tr.trPr.find(qn("w:cantSplit")) is None]
        assert [r._tr for r in secables] == [actions[-1]._tr]
        assert all(r._tr.trPr.find(qn("w:tblHeader")) is None for r in t.rows[1:])
        assert total.cells[0].text.startswith("Total de l’objectif ")
        trouves.append(([r.cells[0].text for r in actions], total.cells[-1].text))
    assert trouves == objectifs


# --- Données hostiles, sauts de ligne --------------------------------------------------------

NOM = 'ARML & Cie <Auvergne> "réseau" l\'avenir'
METHODE = "Étape A & B <préparer> \"citée\" 'simple'"
FINANCEUR = "Fonds \"Européen\" & <Social> 'FSE'"


@pytest.mark.parametrize(
    ("changements", "paragraphes"),
    [
        ({"structure.nom": NOM}, [f"Titulaire du compte\xa0:\t{NOM}"]),
        ({"actions[0].methode": METHODE}, [METHODE]),
        ({"actions[0].financements[2].financeur": FINANCEUR}, [f"{FINANCEUR}\xa0: 3\u202f000,00\xa0€", FINANCEUR]),
    ],
    ids=["titulaire", "methode", "financeur"],
)  # fmt: skip
def test_texte_saisi_garde_exactement(tmp_path: Path, changements: dict[str, str], paragraphes: list[str]) -> None:
    doc = ouvrir(generer_docx(convention_exemple("auvergne", changements), tmp_path / "c.docx"))
    textes = paragraphes_bruts(doc)
    assert [p for p in paragraphes if p not in textes] == []


def test_echappements_docxtpl_dans_les_donnees_gardes(tmp_path: Path) -> None:
    methode = "Code {_{ x }_} et {_% y %_}"
    doc = ouvrir(generer_docx(convention_exemple("auvergne", {"actions[0].methode": methode}), tmp_path / "c.docx"))
    assert methode in paragraphes_bruts(doc)


def test_saut_de_ligne_devient_w_br(tmp_path: Path) -> None:
    methode = "Étape 1 : analyse.\nÉtape 2 : restitution."
    doc = ouvrir(generer_docx(convention_exemple("auvergne", {"actions[0].methode": methode}), tmp_path / "c.docx"))
    (paragraphe,) = [
        p for t in tableaux_annexe(doc) for c in t.rows[1].cells for p in c.paragraphs if "Étape" in p.text
    ]
    morceaux = [(e.tag, e.text) for e in paragraphe._p.iter(qn("w:t"), qn("w:br"))]
    assert morceaux == [(qn("w:t"), "Étape 1 : analyse."), (qn("w:br"), None), (qn("w:t"), "Étape 2 : restitution.")]


# --- Reproductibilité, en-tête, pied de page, projet --------------------------------------------


@pytest.mark.parametrize("exemple", ["auvergne", "bretagne"])
def test_memes_octets(tmp_path: Path, exemple: str) -> None:
    convention = convention_exemple(exemple)
    premier = generer_docx(convention, tmp_path / "1.docx").read_bytes()
    second = generer_docx(convention, tmp_path / "2.docx").read_bytes()
    tampon = io.BytesIO()
    assert generer_docx(convention, tampon) is None
    assert premier == second == tampon.getvalue()
    with zipfile.ZipFile(io.BytesIO(premier)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


@pytest.mark.parametrize(
    ("variante", "entete", "projet"),
    [
        ("auvergne", "Convention n°\xa0DRTEFP-AUV-2009-007", ""),
        ("bretagne", "Convention n°\xa0DRTEFP-BRE-2009-002", ""),
        ("auvergne-projet", "Convention n°\xa0DRTEFP-AUV-2009-007", "PROJET"),
    ],
    ids=["auvergne", "bretagne", "projet"],
)
def test_entete_et_pied(documents: dict[str, DocumentWord], variante: str, entete: str, projet: str) -> None:
    section = documents[variante].sections[0]
    (cellules,) = [[c.text for c in r.cells] for t in section.header.tables for r in t.rows]
    assert cellules == [entete, projet]
    assert ("PROJET" in section.header._element.xml) is bool(projet)
    champs = [e.text for e in section.footer._element.iter(qn("w:instrText"))]
    assert champs == [" PAGE ", " NUMPAGES "]
    assert section.footer.paragraphs[0].text == "Page 1 sur 1"
    assert all(
        s.header.is_linked_to_previous and s.footer.is_linked_to_previous for s in documents[variante].sections[1:]
    )


# --- Gabarits hostiles ou abîmés ----------------------------------------------------------


INTERNES = "corps du document : le gabarit tente d'atteindre les rouages internes de Python : refusé"
REFUS = "gabarit refusé ({}\n  corps, paragraphe 2 : "
CLE_CALCULEE = '{% set c = "__cla" ~ "ss__" %}'  # échappe à la vérification statique : le bac à sable l'arrête


@pytest.mark.parametrize(
    ("paragraphe", "erreur", "message"),
    [
        ("{{ ''.__class__.__mro__ }}", GabaritInvalide,
         REFUS.format("2 problème(s))") + "accès à un attribut interne « __class__ » : interdit"),
        ("{% for c in ().__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}", GabaritInvalide,
         REFUS.format("3 problème(s))") + "accès à un attribut interne « __class__ » : interdit"),
        (CLE_CALCULEE + "{{ structure.nom[c] }}", RenduImpossible,
         INTERNES),
        (CLE_CALCULEE + '{% set b = "__ba" ~ "se__" %}{% set s = "__subcla" ~ "sses__" %}'
         "{% for x in ()[c][b][s]() %}{{ x }}{% endfor %}", RenduImpossible,
         INTERNES),
        ("{{ variable_inconnue }}", GabaritInvalide,
         REFUS.format("1 problème(s))") + "variable inconnue « variable_inconnue » (voir convgen schema contexte)"),
        ('{% set k = "inexistante" %}{{ convention[k] }}', RenduImpossible,
         "corps du document : variable inconnue « inexistante » (voir convgen schema contexte)"),
        ("{% if region %}sans fin", GabaritInvalide,
         REFUS.format("1 problème(s))") + "bloc « if » jamais fermé : ajoutez {% endif %}"),
    ],
    ids=["mro", "sous-classes", "mro-cle-calculee", "sous-classes-cle-calculee", "variable-inconnue",
         "cle-calculee-inconnue", "syntaxe"],
)  # fmt: skip
def test_gabarit_refuse_rien_ecrit(tmp_path: Path, paragraphe: str, erreur: type, message: str) -> None:
    """Refusé à la vérification (GabaritInvalide) ou, si elle ne voit rien, par le bac à sable (RenduImpossible)."""
    gabarit = gabarit_word(tmp_path, "{{ structure.nom }}", paragraphe)
    destination = tmp_path / "sortie" / "convention.docx"
    with pytest.raises(erreur) as exc:
        generer_docx(convention_exemple("bretagne"), destination, gabarit=gabarit)
    assert str(exc.value).startswith(f"{gabarit.resolve()} : {message}")
    assert not destination.exists()
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["gabarit.docx"]


@pytest.mark.parametrize(
    ("octets", "message"),
    [
        (b"ceci n'est pas un document Word", "ce n'est pas un fichier .docx valide (archive zip illisible)"),
        (b"PK\x03\x04" + b"\x00" * 40, "ce n'est pas un fichier .docx valide (archive zip illisible)"),
        (archive_sans_corps(), "ce n'est pas un document Word (word/document.xml manquant)"),
        (None, "gabarit introuvable"),
    ],
    ids=["pas-un-zip", "zip-tronque", "sans-document-xml", "absent"],
)
def test_gabarit_illisible(tmp_path: Path, octets: bytes | None, message: str) -> None:
    chemin = tmp_path / "gabarit.docx"
    if octets is not None:
        chemin.write_bytes(octets)
    with pytest.raises(ErreurGabarit) as exc:
        generer_docx(convention_exemple("bretagne"), tmp_path / "convention.docx", gabarit=chemin)
    assert str(exc.value) == f"{chemin} : {message}"
    assert not (tmp_path / "convention.docx").exists()


def test_cache_du_gabarit(tmp_path: Path) -> None:
    assert charger_gabarit() is charger_gabarit(chemin_gabarit_par_defaut())
    chemin = gabarit_word(tmp_path, "{{ structure.nom }}")
    premier = charger_gabarit(chemin)
    assert charger_gabarit(chemin) is premier
    assert charger_gabarit(str(chemin)) is premier
    gabarit_word(tmp_path, "{{ structure.nom }} et {{ structure.sigle }}")  # même chemin, autre contenu
    os.utime(chemin, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    nouveau = charger_gabarit(chemin)
    assert nouveau is not premier
    assert charger_gabarit(chemin) is nouveau


# --- Fichiers de référence (texte normalisé du document entier) -----------------------------

GOLDEN = Path(__file__).parent / "golden"
REGENERER = "CONVGEN_REGENERER_GOLDEN"


@pytest.mark.parametrize("exemple", ["auvergne", "bretagne"])
def test_texte_de_reference(
    documents: dict[str, DocumentWord], exemple: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Compare au fichier de tests/golden/ ; ``CONVGEN_REGENERER_GOLDEN=1`` le réécrit (à relire avant commit)."""
    fichier = GOLDEN / FICHIERS_EXEMPLES[exemple].replace(".yaml", ".txt")
    texte = texte_docx(documents[exemple])
    if os.environ.get(REGENERER) == "1":
        fichier.parent.mkdir(exist_ok=True)
        fichier.write_text(texte, encoding="utf-8")
        with capsys.disabled():
            print(f"\n{fichier} régénéré ({REGENERER}=1) : relisez le diff avant de le valider")
        return
    assert fichier.is_file(), f"{fichier} manque : lancez les tests avec {REGENERER}=1 pour le créer"
    assert texte.splitlines() == fichier.read_text(encoding="utf-8").splitlines()


def _gabarit_modifie(tmp_path: Path, partie: str, transformer: Any) -> Path:
    """Copie du gabarit livré dont une partie est transformée (octets → octets)."""
    sortie = io.BytesIO()
    with zipfile.ZipFile(chemin_gabarit_par_defaut()) as source, zipfile.ZipFile(sortie, "w") as copie:
        for info in source.infolist():
            contenu = source.read(info)
            copie.writestr(info, transformer(contenu) if info.filename == partie else contenu)
    chemin = tmp_path / "gabarit.docx"
    chemin.write_bytes(sortie.getvalue())
    return chemin


def test_en_tete_enregistre_en_utf16(tmp_path: Path) -> None:
    def utf16(xml: bytes) -> bytes:
        return xml.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")

    gabarit = _gabarit_modifie(tmp_path, "word/header1.xml", utf16)
    document = generer_docx(convention_exemple("bretagne"), tmp_path / "c.docx", gabarit=gabarit)
    assert document is not None
    with zipfile.ZipFile(document) as archive:
        assert "Convention n°\xa0DRTEFP-BRE-2009-002" in archive.read("word/header1.xml").decode("utf-8")


def test_gabarit_au_flux_compresse_abime(tmp_path: Path) -> None:
    gabarit = tmp_path / "abime.docx"
    octets = bytearray(chemin_gabarit_par_defaut().read_bytes())
    debut = octets.find(b"word/document.xml") + 100
    octets[debut : debut + 60] = bytes(60)
    gabarit.write_bytes(bytes(octets))
    with pytest.raises(ErreurGabarit) as exc:
        charger_gabarit(gabarit)
    assert str(exc.value) == f"{gabarit} : ce n'est pas un fichier .docx valide (archive zip illisible)"
