"""Fin de la convention : articles 6 à 14 et blocs de signature."""

from __future__ import annotations

from docx.document import Document as DocumentWord
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from .briques import cellule, ligne, paragraphe, solidaires, tableau
from .constantes import LARGEUR_PORTRAIT
from .convention import article
from .ooxml import bordures


def articles_6_a_14(doc: DocumentWord) -> None:
    """Justificatifs, engagements, sanctions, contrôle, évaluation, avenant, annexe, résiliation, recours."""
    for rediger in (
        _article_6_justificatifs,
        _article_7_autres_engagements,
        _article_8_sanctions,
        _article_9_controle,
        _article_10_evaluation,
        _article_11_avenant,
        _article_12_annexe,
        _article_13_resiliation,
        _article_14_recours,
    ):
        rediger(doc)


def _article_6_justificatifs(doc: DocumentWord) -> None:
    """Article 6 : documents à transmettre après l'exercice."""
    article(
        doc,
        6,
        "Justificatifs",
        [
            "La structure s'engage à transmettre à l'État, dans les six mois suivant la fin de l'exercice "
            "{{ convention.annee }}, les documents suivants :",
            "- le compte rendu financier de l'emploi de la contribution, prévu par l'article 10 de la loi "
            "n° 2000-321 du 12 avril 2000 et établi conformément à l'arrêté du 11 octobre 2006 ; il atteste la "
            "conformité des dépenses effectuées à l'objet de la contribution ;",
            "- un rapport d'activité détaillé, qui rend compte de la réalisation de chacune des actions de l'annexe "
            "et des résultats obtenus au regard des indicateurs qui y sont définis ;",
            "- les comptes annuels de l'exercice {{ convention.annee }} (bilan, compte de résultat et annexe), "
            "approuvés par l'organe délibérant et, le cas échéant, certifiés par un commissaire aux comptes.",
            "{%p if region %}",
            "Elle transmet également ces documents à la Région.",
            "{%p endif %}",
        ],
    )


def _article_7_autres_engagements(doc: DocumentWord) -> None:
    """Article 7 : information des financeurs et mention de leur soutien."""
    article(
        doc,
        7,
        "Autres engagements",
        [
            "La structure informe sans délai l'État et, le cas échéant, les autres financeurs de toute modification "
            "de ses statuts, de la composition de ses instances dirigeantes ou de ses coordonnées bancaires, ainsi "
            "que de toute difficulté ou de tout changement susceptible d'affecter la réalisation du programme.",
            "Elle s'engage à faire mention du soutien de l'État dans toutes ses actions de communication relatives "
            "au programme, notamment dans ses publications, ses documents d'information et ses sites internet.",
            "{%p if region %}",
            "Elle mentionne de la même manière le soutien de la Région.",
            "{%p endif %}",
        ],
    )


def _article_8_sanctions(doc: DocumentWord) -> None:
    """Article 8 : reversement, diminution ou suspension de la contribution."""
    article(
        doc,
        8,
        "Sanctions",
        [
            "En cas d'inexécution, de modification substantielle ou de retard significatif des conditions "
            "d'exécution de la présente convention par la structure sans l'accord écrit de l'État, celui-ci peut "
            "exiger le reversement de tout ou partie des sommes déjà versées au titre de la présente convention, "
            "diminuer ou suspendre sa contribution, après examen des justificatifs présentés par la structure et "
            "après l'avoir entendue. Il en va de même lorsque les justificatifs mentionnés à l'article 6 ne sont "
            "pas produits.",
            "L'État informe la structure de ces décisions par lettre recommandée avec accusé de réception.",
        ],
    )


def _article_9_controle(doc: DocumentWord) -> None:
    """Article 9 : contrôle sur pièces et sur place."""
    article(
        doc,
        9,
        "Contrôle",
        [
            "Pendant et au terme de la présente convention, l'État peut procéder, sur pièces et sur place, à tout "
            "contrôle de la réalisation du programme et de l'emploi de sa contribution. La structure s'engage à "
            "faciliter ce contrôle et à donner accès à tous les documents administratifs et comptables utiles.",
            "L'État peut exiger le reversement de la part de sa contribution qui excéderait le coût de mise en "
            "œuvre du programme.",
        ],
    )


def _article_10_evaluation(doc: DocumentWord) -> None:
    """Article 10 : évaluation conjointe du programme."""
    article(
        doc,
        10,
        "Évaluation",
        [
            "L'année suivant celle de la convention, les parties apprécient conjointement la mise en œuvre du "
            "programme au vu du rapport d'activité détaillé mentionné à l'article 6. Cette évaluation porte sur la "
            "réalisation de chaque action, au regard des objectifs et des indicateurs définis dans l'annexe, et sur "
            "sa contribution à l'amélioration de l'offre de service des missions locales.",
        ],
    )


def _article_11_avenant(doc: DocumentWord) -> None:
    """Article 11 : modification par avenant."""
    article(
        doc,
        11,
        "Avenant",
        [
            "Toute modification des conditions ou des modalités d'exécution de la présente convention, définie d'un "
            "commun accord entre les parties, fait l'objet d'un avenant écrit signé par chacune d'elles. L'avenant "
            "précise les éléments modifiés, sans remettre en cause les objectifs généraux définis à l'article 1er.",
        ],
    )


def _article_12_annexe(doc: DocumentWord) -> None:
    """Article 12 : l'annexe fait partie de la convention."""
    article(
        doc,
        12,
        "Annexe",
        [
            "L'annexe, qui décrit le programme par mission, par objectif et par action et en présente la synthèse "
            "financière, fait partie intégrante de la présente convention.",
        ],
    )


def _article_13_resiliation(doc: DocumentWord) -> None:
    """Article 13 : résiliation après mise en demeure."""
    article(
        doc,
        13,
        "Résiliation",
        [
            "{%p if region %}",
            "En cas de non-respect par l'une des parties de l'une de ses obligations résultant de la présente "
            "convention, celle-ci peut être résiliée de plein droit par l'une quelconque des parties, à l'expiration "
            "d'un délai de deux mois suivant l'envoi d'une lettre recommandée avec accusé de réception valant mise "
            "en demeure restée sans effet. La mise en demeure et la résiliation sont notifiées à chacune des deux "
            "autres parties.",
            "{%p else %}",
            "En cas de non-respect par l'une des parties de l'une de ses obligations résultant de la présente "
            "convention, celle-ci peut être résiliée de plein droit par l'une ou l'autre des parties, à l'expiration "
            "d'un délai de deux mois suivant l'envoi à l'autre partie d'une lettre recommandée avec accusé de "
            "réception valant mise en demeure restée sans effet.",
            "{%p endif %}",
        ],
    )


def _article_14_recours(doc: DocumentWord) -> None:
    """Article 14 : règlement amiable, puis tribunal administratif."""
    article(
        doc,
        14,
        "Recours",
        [
            "Les parties s'efforcent de résoudre à l'amiable tout différend relatif à l'interprétation ou à "
            "l'exécution de la présente convention. À défaut d'accord amiable, le litige est porté devant le "
            "tribunal administratif territorialement compétent.",
        ],
    )


def signatures(doc: DocumentWord) -> None:
    """« Fait à … » puis un tableau d'une ligne, une colonne par partie, sans bordure."""
    mention = paragraphe(doc, "{{ signature.mention }}")
    mention.paragraph_format.space_before = Pt(18)
    mention.paragraph_format.space_after = Pt(12)
    mention.paragraph_format.keep_with_next = True
    for balise, nombre in (("{%p if convention.tripartite %}", 3), ("{%p else %}", 2)):
        paragraphe(doc, balise)
        _bloc_signatures(doc, nombre)
    paragraphe(doc, "{%p endif %}")


def _bloc_signatures(doc: DocumentWord, nombre: int) -> None:
    """Deux lignes solidaires : « Pour … » et qualité, puis espace de signature et nom.

    Les noms sont sur une même ligne du tableau : ils restent alignés quelle que soit la
    longueur des qualités.
    """
    base = LARGEUR_PORTRAIT // nombre
    largeurs = [base] * (nombre - 1) + [LARGEUR_PORTRAIT - base * (nombre - 1)]
    t = tableau(doc, largeurs, style=None)
    bordures(t)
    qualites, noms = ligne(t, largeurs), ligne(t, largeurs)
    for rang in range(nombre):
        signataire = f"signataires[{rang}]"
        cellule(
            qualites.cells[rang],
            [f"**{{{{ {signataire}.pour }}}}", f"{{{{ {signataire}.qualite }}}}"],
            alignement=WD_ALIGN_PARAGRAPH.CENTER,
        )
        cellule(noms.cells[rang], [f"{{{{ {signataire}.nom }}}}"], alignement=WD_ALIGN_PARAGRAPH.CENTER)
        noms.cells[rang].paragraphs[0].paragraph_format.space_before = Cm(2.5)
    for c in (*qualites.cells, *noms.cells):
        for p in c.paragraphs:
            p.runs[0].font.size = Pt(10)
    solidaires([qualites])
