"""Tests de convgen.gabarit.verification : vrais .docx faits avec python-docx ; un problème par cas, lieu et message."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import convgen
from docx import Document
from docx.document import Document as DocumentWord
from docx_texte import archive_zip, convention_exemple, ouvrir

from convgen.contexte import construire_contexte
from convgen.contexte_avenant import ContexteAvenant
from convgen.contexte_bilan import ContexteBilan
from convgen.erreurs import GabaritInvalide, ProblemeGabarit
from convgen.gabarit.rendu import GABARITS_VERIFIES, Gabarit, chemin_gabarit_par_defaut
from convgen.gabarit.verification import verifier_gabarit, verifier_ou_lever
from convgen.schema_contexte import Contexte

Construire = Callable[[DocumentWord], None]
VARIABLE = "variable inconnue « {} » (voir convgen schema contexte)"


def inconnue(chemin: str, *proches: str) -> str:
    """Le message attendu pour une variable inconnue, avec les noms proches proposés."""
    if not proches:
        return VARIABLE.format(chemin)
    noms = " ou ".join(f"« {p} »" for p in proches)
    return f"variable inconnue « {chemin} » : vouliez-vous dire {noms} ? (voir convgen schema contexte)"


GUILLEMETS = "guillemets typographiques dans une balise : utilisez des guillemets droits : "


def fabriquer(*constructions: Construire) -> bytes:
    """Un .docx réel : document vierge de python-docx, puis chaque construction dans l'ordre."""
    doc = Document()
    suite(*constructions)(doc)
    tampon = io.BytesIO()
    doc.save(tampon)
    return tampon.getvalue()


def suite(*constructions: Construire) -> Construire:
    def construire(doc: DocumentWord) -> None:
        for une in constructions:
            une(doc)

    return construire


def paragraphes(*textes: str) -> Construire:
    def construire(doc: DocumentWord) -> None:
        for texte in textes:
            doc.add_paragraph(texte)

    return construire


def coupee(debut: str, fin: str) -> Construire:
    """Un paragraphe en deux runs, le second en gras : ce que fait Word quand on met une partie en forme."""

    def construire(doc: DocumentWord) -> None:
        p = doc.add_paragraph(debut)
        p.add_run(fin).bold = True

    return construire


def tableau(*lignes: list[str]) -> Construire:
    def construire(doc: DocumentWord) -> None:
        t = doc.add_table(rows=len(lignes), cols=len(lignes[0]))
        for rangee, textes in zip(t.rows, lignes, strict=True):
            for cellule, texte in zip(rangee.cells, textes, strict=True):
                premier, *suite = texte.split("\n")  # « \n » : un paragraphe de plus dans la cellule
                cellule.text = premier
                for autre in suite:
                    cellule.add_paragraph(autre)

    return construire


def entete(texte: str) -> Construire:
    def construire(doc: DocumentWord) -> None:
        doc.sections[0].header.paragraphs[0].text = texte

    return construire


def pied(texte: str) -> Construire:
    def construire(doc: DocumentWord) -> None:
        doc.sections[0].footer.paragraphs[0].text = texte

    return construire


def test_le_gabarit_livre_na_aucun_probleme() -> None:
    assert verifier_gabarit(chemin_gabarit_par_defaut()) == []
    assert verifier_gabarit(chemin_gabarit_par_defaut().read_bytes()) == []
    verifier_ou_lever(chemin_gabarit_par_defaut(), "convention")


@pytest.mark.parametrize(
    ("nom", "schema"),
    [
        ("convention_dgefp_2008_15.docx", Contexte),
        ("avenant_dgefp_2008_15.docx", ContexteAvenant),
        ("bilan_dgefp_2008_15.docx", ContexteBilan),
    ],
)
def test_gabarits_livres_verifies(nom: str, schema: type) -> None:
    """Le chargement se dispense de vérifier les gabarits livrés : ceux-là, et eux seuls, sont vérifiés ici."""
    octets = chemin_gabarit_par_defaut(nom).read_bytes()
    empreinte = hashlib.sha256(octets).hexdigest()
    assert verifier_gabarit(octets, schema=schema) == []
    assert GABARITS_VERIFIES.get(empreinte) == f"{schema.__module__}.{schema.__qualname__}", (
        f"gabarit livré {nom} refait : mettez {empreinte} dans GABARITS_VERIFIES (convgen/gabarit/rendu.py)"
    )


def test_gabarit_livre_modifie_est_verifie() -> None:
    """Un octet de plus dans le texte du gabarit livré (une balise fautive) : il est vérifié, et refusé."""
    octets = chemin_gabarit_par_defaut().read_bytes()
    with zipfile.ZipFile(io.BytesIO(octets)) as archive:
        parties = {i.filename: archive.read(i) for i in archive.infolist()}
    parties["word/document.xml"] = parties["word/document.xml"].replace(
        b"{{ structure.nom }}", b"{{ structure.nmo }}", 1
    )
    with pytest.raises(GabaritInvalide, match=r"structure\.nmo"):
        Gabarit(archive_zip(parties))


SAIN = [
    paragraphes("{{ structure.nom }}, {{ structure.siret }}", "Sans balise."),
    paragraphes("{%p if region %}", "{{ region.president }} ({{ region.designation|upper }})", "{%p endif %}"),
    paragraphes("{% if region and region.deliberation %}Vu la {{ region.deliberation }}{% endif %}"),
    paragraphes(
        "{%p for mission in annexe.missions %}",
        "{%p for objectif in mission.objectifs %}",
        "{%p for action in objectif.actions %}",
        "{{ loop.index }}. {{ action.intitule }} : {{ action.pourquoi|join(', ') }}",
        "{%p for f in action.financements %}",
        "{{ f.financeur }} {{ f.montant }}{% if not loop.last %},{% endif %}",
        "{%p endfor %}",
        "{%p endfor %}",
        "{%p endfor %}",
        "{%p endfor %}",
    ),
    paragraphes("{% set nom = structure.nom|default('sans nom') %}{{ nom|trim }} {{ annexe.missions[0].intitule }}"),
    paragraphes('{{ convention.numero or "l’État" }} {{ signataires|length }} {{ structure.nom.upper() }}'),
    tableau(
        ["Date", "Montant"],
        ["{%tr for v in versements %}", ""],
        ["{{ v.date }}", "{{ v.montant }}"],
        ["{%tr endfor %}", ""],
    ),
    tableau(["{%p if versements_par_defaut %}\n(échéancier proposé)\n{%p endif %}", "{{ montants.total }}"]),
    entete("{{ convention.entete }} {{ convention.mention_projet }}"),
]


@pytest.mark.parametrize("construire", SAIN)
def test_gabarit_sain(construire: Construire) -> None:
    octets = fabriquer(construire)
    assert verifier_gabarit(octets) == []
    Gabarit(octets)  # et le rendu le compile


CAS: list[tuple[str, Construire, str, str]] = [
    (
        "balise sur deux paragraphes",
        paragraphes("{{ structure.", "nom }}"),
        "corps, paragraphe 1",
        "balise non refermée dans son paragraphe : une balise doit tenir dans un seul paragraphe",
    ),
    (
        "balise sur deux cellules",
        tableau(["{{ structure.", "nom }}"]),
        "corps, tableau 1, ligne 1, cellule 1",
        "balise non refermée dans son paragraphe : une balise doit tenir dans un seul paragraphe",
    ),
    (
        "guillemets typographiques",
        paragraphes("{% if convention.region == “Auvergne” %}A{% endif %}"),
        "corps, paragraphe 1",
        GUILLEMETS + '{% if convention.region == "Auvergne" %}',
    ),
    (
        "apostrophes typographiques",
        paragraphes("x", "{{ structure.nom|default(‘?’) }}"),
        "corps, paragraphe 2",
        GUILLEMETS + "{{ structure.nom|default('?') }}",
    ),
    (
        "chevrons français, chaîne droite gardée",
        paragraphes('{{ structure.nom|default(« ? ») ~ "l’État" }}'),
        "corps, paragraphe 1",
        GUILLEMETS + '{{ structure.nom|default(" ? ") ~ "l’État" }}',
    ),
    (
        "bloc jamais fermé",
        paragraphes("Versements :", "{%p for v in versements %}", "{{ v.date }}"),
        "corps, paragraphe 2",
        "bloc « for » jamais fermé : ajoutez {% endfor %}",
    ),
    (
        "fin de bloc orpheline",
        paragraphes("{{ structure.nom }}", "{%p endif %}"),
        "corps, paragraphe 2",
        "fin de bloc « endif » sans ouverture correspondante",
    ),
    (
        "syntaxe Jinja",
        paragraphes("{{ structure.nom + }}"),
        "corps, paragraphe 1",
        "erreur de syntaxe Jinja : « }} » inattendu",
    ),
    (
        "instruction inconnue",
        paragraphes("{% colonne 2 %}"),
        "corps, paragraphe 1",
        "erreur de syntaxe Jinja : instruction inconnue « colonne »",
    ),
    (
        "champ inconnu",
        paragraphes("SIRET : {{ structure.sirret }}"),
        "corps, paragraphe 1",
        inconnue("structure.sirret", "structure.siret"),
    ),
    ("variable inconnue", paragraphes("{{ structur.nom }}"), "corps, paragraphe 1", inconnue("structur", "structure")),
    (
        "champ inconnu au fond des boucles",
        paragraphes(
            "{%p for mission in annexe.missions %}",
            "{%p for objectif in mission.objectifs %}",
            "{%p for action in objectif.actions %}",
            "{{ action.intitul }}",
            "{%p endfor %}",
            "{%p endfor %}",
            "{%p endfor %}",
        ),
        "corps, paragraphe 4",
        inconnue("action.intitul", "action.intitule"),
    ),
    (
        "liste prise pour un élément",
        paragraphes("{{ annexe.missions.objectifs }}"),
        "corps, paragraphe 1",
        VARIABLE.format("annexe.missions.objectifs"),
    ),
    (
        "champ inconnu de la Région facultative",
        paragraphes("{% if region %}{{ region.presidente }}{% endif %}"),
        "corps, paragraphe 1",
        inconnue("region.presidente", "region.president", "region.president_titre"),
    ),
    (
        "variable de boucle hors de sa boucle",
        paragraphes("{%p for v in versements %}", "{%p endfor %}", "{{ v.date }}"),
        "corps, paragraphe 3",
        VARIABLE.format("v"),
    ),
    (
        "loop inconnu",
        paragraphes("{% for v in versements %}{{ loop.rang }}{% endfor %}"),
        "corps, paragraphe 1",
        VARIABLE.format("loop.rang"),
    ),
    (
        "filtre safe",
        paragraphes("{{ structure.nom|safe }}"),
        "corps, paragraphe 1",
        "le filtre safe désactive l'échappement : interdit",
    ),
    (
        "attribut interne",
        paragraphes("{{ structure.nom.__class__ }}"),
        "corps, paragraphe 1",
        "accès à un attribut interne « __class__ » : interdit",
    ),
    (
        "attribut interne entre crochets",
        paragraphes("{{ structure['__class__'] }}"),
        "corps, paragraphe 1",
        "accès à un attribut interne « __class__ » : interdit",
    ),
    (
        "échappement coupé",
        paragraphes("{% autoescape false %}{{ structure.nom }}{% endautoescape %}"),
        "corps, paragraphe 1",
        "le bloc autoescape désactive l'échappement : interdit",
    ),
    (
        "inclusion",
        paragraphes("{% include 'autre.xml' %}"),
        "corps, paragraphe 1",
        "instruction « include » non autorisée dans un gabarit",
    ),
    (
        "{%p} accompagnée",
        paragraphes("{%p if region %} Région", "{%p endif %}"),
        "corps, paragraphe 1",
        "la balise {%p …%} doit être seule dans son paragraphe",
    ),
    (
        "{%tr} accompagnée",
        tableau(["{%tr for v in versements %}", "Montant"], ["{{ v.date }}", ""], ["{%tr endfor %}", ""]),
        "corps, tableau 1, ligne 1, cellule 1",
        "la balise {%tr …%} doit être seule dans sa ligne de tableau : le reste serait effacé",
    ),
    (
        "boucle sur des lignes sans {%tr}",
        tableau(
            ["Date", "Montant"], ["{% for v in versements %}{{ v.date }}", "{{ v.montant }}"], ["{% endfor %}", ""]
        ),
        "corps, tableau 1, ligne 2, cellule 1",
        "boucle sur des lignes de tableau : écrivez {%tr for … %} et {%tr endfor %}",
    ),
    (
        "boucle sur des cellules sans {%tc}",
        tableau(["{% for v in versements %}{{ v.date }}", "{% endfor %}"]),
        "corps, tableau 1, ligne 1, cellule 1",
        "boucle sur des cellules de tableau : écrivez {%tc for … %} et {%tc endfor %}",
    ),
    (
        "{%tr if} fermée sans {%tr}",
        tableau(["{%tr if region %}", ""], ["{{ region.president }}", ""], ["{% endif %}", ""]),
        "corps, tableau 1, ligne 3, cellule 1",
        "condition sur des lignes de tableau : écrivez {%tr if … %} et {%tr endif %}",
    ),
    (
        "cellule d'un tableau",
        tableau(["a", "b", "c"], ["d", "e", "{{ structure.sirret }}"]),
        "corps, tableau 1, ligne 2, cellule 3",
        inconnue("structure.sirret", "structure.siret"),
    ),
    (
        "second tableau",
        suite(tableau(["{{ structure.nom }}"]), tableau(["x"], ["{{ montants.totl }}"])),
        "corps, tableau 2, ligne 2, cellule 1",
        inconnue("montants.totl", "montants.total"),
    ),
    (
        "commentaire non refermé",
        paragraphes("{# note pour le service", "#}"),
        "corps, paragraphe 1",
        "commentaire non refermé dans son paragraphe : un commentaire {# … #} doit tenir dans un seul paragraphe",
    ),
    (
        "{#tr} hors tableau",
        paragraphes("{#tr ligne d'exemple #}"),
        "corps, paragraphe 1",
        "le commentaire {#tr …#} doit être dans une ligne de tableau",
    ),
    (
        "{#p} accompagné",
        paragraphes("Texte gardé {#p note #}"),
        "corps, paragraphe 1",
        "le commentaire {#p …#} doit être seul dans son paragraphe",
    ),
    (
        "{#tr} accompagné",
        tableau(["{#tr exemple #}", "Montant"]),
        "corps, tableau 1, ligne 1, cellule 1",
        "le commentaire {#tr …#} doit être seul dans sa ligne de tableau : le reste serait effacé",
    ),
    (
        "ouverture dans une balise",
        paragraphes('{{ "{%" }}', "{% if region %}A{% endif %}"),
        "corps, paragraphe 1",
        "« {% » à l'intérieur d'une balise : le rendu la couperait ; "
        "dans le texte, écrivez {_{ pour « {{ » et {_% pour « {% »",
    ),
    (
        "erreur révélée par la préparation",
        paragraphes("Titre", "{%p for v in versements %}", "{% vm %}{{ v.date }}", "{%p endfor %}"),
        "corps, paragraphe 3",
        "erreur de syntaxe après préparation : instruction inconnue « vm »",
    ),
    (
        "nom de premier niveau mal tapé",
        paragraphes("{{ montant.total }}"),
        "corps, paragraphe 1",
        inconnue("montant", "montants"),
    ),
    (
        "champ mal tapé",
        paragraphes("{{ structure.nmo }}"),
        "corps, paragraphe 1",
        inconnue("structure.nmo", "structure.nom"),
    ),
    (
        "en-tête",
        entete("{{ convention.entte }}"),
        "en-tête (word/header1.xml), paragraphe 1",
        inconnue("convention.entte", "convention.entete", "convention.titre"),
    ),
    (
        "pied de page",
        pied("Page {{ page }}"),
        "pied de page (word/footer1.xml), paragraphe 1",
        VARIABLE.format("page"),
    ),
]


@pytest.mark.parametrize(("construire", "emplacement", "message"), [c[1:] for c in CAS], ids=[c[0] for c in CAS])
def test_un_probleme_situe(construire: Construire, emplacement: str, message: str) -> None:
    problemes = verifier_gabarit(fabriquer(construire))
    assert [(p.emplacement, p.message) for p in problemes] == [(emplacement, message)]
    assert problemes[0].extrait


def test_chaine_ouverte_dans_une_balise_fermee_dans_une_autre() -> None:
    """Le modèle entier s'analyse (la chaîne avale le texte entre les deux balises), mais chaque balise, seule,
    est fautive : les deux sont signalées, et le gabarit n'est pas chargé."""
    octets = fabriquer(paragraphes("Nom : {{ 'a }}", "x {{ structure.nom ~ ' }}"))
    problemes = verifier_gabarit(octets)
    assert [p.emplacement for p in problemes] == ["corps, paragraphe 1", "corps, paragraphe 2"]
    assert all(p.message.startswith("erreur de syntaxe Jinja : ") for p in problemes)
    with pytest.raises(GabaritInvalide):
        Gabarit(octets)


def test_commentaire_tr_accepte_et_rendu() -> None:
    octets = fabriquer(tableau(["Date"], ["{#tr ligne d'exemple, retirée au rendu #}"], ["{{ montants.total }}"]))
    assert verifier_gabarit(octets) == []
    rendu = ouvrir(Gabarit(octets).rendre(construire_contexte(convention_exemple("bretagne"))))
    assert [[c.text for c in r.cells] for r in rendu.tables[0].rows] == [["Date"], ["190\u202f000,00\u00a0€"]]


def test_extrait_apres_preparation() -> None:
    octets = fabriquer(paragraphes("Titre", "{%p for v in versements %}", "{% vm %}{{ v.date }}", "{%p endfor %}"))
    (probleme,) = verifier_gabarit(octets)
    assert probleme.extrait == "{% vm %}{{ v.date }}{% endfor %}"


def test_balises_tr_hors_tableau() -> None:
    octets = fabriquer(paragraphes("{%tr for v in versements %}", "{{ v.date }}", "{%tr endfor %}"))
    assert [(p.emplacement, p.message) for p in verifier_gabarit(octets)] == [
        ("corps, paragraphe 1", "la balise {%tr …%} doit être dans une ligne de tableau"),
        ("corps, paragraphe 3", "la balise {%tr …%} doit être dans une ligne de tableau"),
    ]


def test_filtre_non_autorise() -> None:
    (probleme,) = verifier_gabarit(fabriquer(paragraphes("{{ structure|attr('nom') }}")))
    assert probleme.emplacement == "corps, paragraphe 1"
    assert probleme.message.startswith("filtre « attr » non autorisé (permis : capitalize, count, d, default,")


def test_extrait_autour_de_la_balise() -> None:
    texte = "Un long préambule qui précède la balise fautive, " * 3 + "{{ structure.sirret }} et la suite du texte."
    (probleme,) = verifier_gabarit(fabriquer(paragraphes(texte)))
    assert "{{ structure.sirret }}" in probleme.extrait
    assert len(probleme.extrait) <= 62
    assert probleme.extrait.startswith("…")


TITRE = "convention.titre"


def test_tous_les_problemes_dun_coup() -> None:
    octets = fabriquer(
        entete("{{ convention.entte }}"),
        paragraphes("Titre", "{{ structure.nom|safe }}"),
        coupee("{{ montants.", "totl }}"),
        paragraphes("{{ structure.sirret }} {% if x == “a” %}", "{%p endif %}"),
        tableau(["a", "b"], ["{{ structure.__dict__ }}", ""]),
    )
    assert [(p.emplacement, p.message) for p in verifier_gabarit(octets)] == [
        ("corps, paragraphe 2", "le filtre safe désactive l'échappement : interdit"),
        ("corps, paragraphe 3", inconnue("montants.totl", "montants.total")),
        ("corps, paragraphe 4", inconnue("structure.sirret", "structure.siret")),
        ("corps, paragraphe 4", GUILLEMETS + '{% if x == "a" %}'),
        ("corps, paragraphe 4", VARIABLE.format("x")),
        ("corps, tableau 1, ligne 2, cellule 1", "accès à un attribut interne « __dict__ » : interdit"),
        ("en-tête (word/header1.xml), paragraphe 1", inconnue("convention.entte", "convention.entete", TITRE)),
    ]


def test_chaque_erreur_de_syntaxe_dexpression() -> None:
    octets = fabriquer(paragraphes("{{ structure.nom + }}", "{{ structure nom }}", "{{ structure.sirret }}"))
    assert [(p.emplacement, p.message) for p in verifier_gabarit(octets)] == [
        ("corps, paragraphe 1", "erreur de syntaxe Jinja : « }} » inattendu"),
        ("corps, paragraphe 2", "erreur de syntaxe Jinja : « }} » attendu, « nom » trouvé"),
        ("corps, paragraphe 3", inconnue("structure.sirret", "structure.siret")),
    ]


def test_erreurs_en_nombre_sans_masquer_la_suite() -> None:
    """Chaque balise fautive est signalée, et l'analyse des noms continue après elles."""
    octets = fabriquer(
        paragraphes(*["{{ structure.nom + }}", "{% for x in %}", "{% endfor %}"] * 50, "{{ structure.nmo }}")
    )
    problemes = verifier_gabarit(octets)
    assert len(problemes) == 101
    assert problemes[-1].message == inconnue("structure.nmo", "structure.nom")


def test_blocs_trop_imbriques() -> None:
    octets = fabriquer(paragraphes("{% if region %}" * 2000 + "x" + "{% endif %}" * 2000))
    assert [p.message for p in verifier_gabarit(octets)] == [
        "blocs imbriqués trop profondément : simplifiez le gabarit"
    ]


def _bombe() -> bytes:
    """201 Mio de zéros, quelques centaines de Kio une fois compressés."""
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:document/>")
        with archive.open("zeros.bin", "w", force_zip64=True) as flux:
            for _ in range(201):
                flux.write(bytes(1024 * 1024))
    return tampon.getvalue()


@pytest.mark.parametrize(
    ("octets", "message"),
    [
        (b"ceci n'est pas un zip", "ce n'est pas un fichier .docx valide (archive zip illisible)"),
        (archive_zip({"autre.xml": b"<a/>"}), "ce n'est pas un document Word (word/document.xml manquant)"),
        (_bombe(), "archive démesurée une fois décompressée (bombe zip ?) : refusée"),
    ],
    ids=["pas un zip", "pas de corps", "bombe zip"],
)
def test_fichier_inutilisable(octets: bytes, message: str) -> None:
    assert verifier_gabarit(octets) == [ProblemeGabarit("fichier", message)]


def test_fichier_absent(tmp_path: Path) -> None:
    assert verifier_gabarit(tmp_path / "absent.docx") == [ProblemeGabarit("fichier", "gabarit introuvable")]


def test_xml_illisible() -> None:
    (probleme,) = verifier_gabarit(archive_zip({"word/document.xml": b"<w:document><w:p>"}))
    assert probleme.emplacement == "corps"
    assert probleme.message.startswith("XML illisible : ")


def test_verifier_ou_lever(tmp_path: Path) -> None:
    chemin = tmp_path / "gabarit.docx"
    chemin.write_bytes(fabriquer(paragraphes("{{ structure.sirret }}", "{{ structure.nom|safe }}")))
    with pytest.raises(GabaritInvalide) as erreur:
        verifier_ou_lever(chemin, "mon gabarit")
    assert erreur.value.gabarit == "mon gabarit"
    assert [p.emplacement for p in erreur.value.problemes] == ["corps, paragraphe 1", "corps, paragraphe 2"]
    assert str(erreur.value).startswith("mon gabarit : gabarit refusé (2 problème(s))")


@pytest.mark.parametrize("cible", ["/dev/zero", "fifo"])
def test_gabarit_special_refuse(tmp_path: Path, cible: str) -> None:
    chemin = tmp_path / "piege.docx"
    if cible == "fifo":
        os.mkfifo(chemin)
    else:
        chemin.symlink_to(cible)
    resultat = convgen("verifier-gabarit", chemin, timeout=60)  # un tube bloquait la lecture pour toujours
    assert resultat.returncode == 1
    assert resultat.stdout.splitlines() == [
        f"{chemin} : 1 problème",
        "  fichier : ce n'est pas un fichier ordinaire (tube, périphérique ou socket) : refusé",
    ]
