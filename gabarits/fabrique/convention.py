"""Corps de la convention : page de titre, parties, préambule, articles 1 à 5."""

from __future__ import annotations

from collections.abc import Iterable

from docx.document import Document as DocumentWord
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.shared import Cm, Pt

from .briques import blocs, cellule, ligne, ligne_balise, paragraphe, solidaires, tableau
from .constantes import FOND_ENTETE, FOND_TOTAL, LARGEUR_PORTRAIT, TIRET


def page_de_titre(doc: DocumentWord) -> None:
    """Timbre, titre, objet et visas."""
    for texte, gras in (("RÉPUBLIQUE FRANÇAISE", True), ("{{ etat.prefecture }}", False)):
        p = paragraphe(doc, texte, gras=gras, alignement=WD_ALIGN_PARAGRAPH.CENTER)
        p.paragraph_format.space_after = Pt(0)
        p.runs[0].font.size = Pt(9)
    paragraphe(doc, "CONVENTION ANNUELLE D'OBJECTIFS {{ convention.annee }}", "Title")
    paragraphe(doc, "relative au {{ convention.objet }}", "Subtitle")
    for texte in VISAS:
        paragraphe(doc, texte).paragraph_format.space_after = Pt(3)


VISAS = (
    # Des lois aux actes : LOLF et loi de finances de l'année (référentiel), code du travail
    # (missions locales, recodification de 2008), transparence financière, circulaires, puis
    # les actes propres à la convention (délégation de signature, délibération de la Région).
    "Vu la loi organique n° 2001-692 du 1er août 2001 relative aux lois de finances ;",
    "Vu {{ visas.loi_de_finances }} ;",
    "Vu le code du travail, notamment ses articles L.\u00a05314-1 à L.\u00a05314-4 ;",
    "Vu la loi n° 2000-321 du 12 avril 2000 relative aux droits des citoyens dans leurs relations avec les "
    "administrations, notamment son article 10 ;",
    "Vu le décret n° 2001-495 du 6 juin 2001 pris pour l'application de l'article 10 de la loi n° 2000-321 "
    "du 12 avril 2000 et relatif à la transparence financière des aides octroyées par les personnes publiques ;",
    "Vu l'arrêté du 11 octobre 2006 relatif au compte rendu financier prévu par l'article 10 de la loi "
    "n° 2000-321 du 12 avril 2000 ;",
    "Vu le protocole 2005 des missions locales du 10 mai 2005 ;",
    "Vu la circulaire DGEFP n° 2007-26 du 12 octobre 2007 relative au financement des missions locales et PAIO ;",
    "Vu la circulaire DGEFP n° 2008-15 du 29 septembre 2008 relative au financement des structures chargées "
    "du programme régional d'animation des missions locales ;",
    "{%p if visas.delegation %}",
    "Vu {{ visas.delegation }} ;",
    "{%p endif %}",
    "{%p if region and region.deliberation %}",
    "Vu la {{ region.deliberation }} ;",
    "{%p endif %}",
)


def parties(doc: DocumentWord) -> None:
    """Comparution des parties : l'État (et la Région) d'une part, la structure d'autre part."""
    _mot_cle(doc, "ENTRE")
    paragraphe(doc, "{{ etat.partie }}")
    paragraphe(doc, "{%p if region %}")
    _mot_cle(doc, "ET")
    paragraphe(doc, "{{ region.partie }}")
    paragraphe(doc, "{%p endif %}")
    paragraphe(doc, "d'une part,", alignement=WD_ALIGN_PARAGRAPH.RIGHT)
    _mot_cle(doc, "ET")
    p = paragraphe(doc, "{{ structure.designation }}", gras=True)
    p.add_run(", {{ structure.partie }}")
    paragraphe(doc, "d'autre part,", alignement=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraphe(doc, "ci-après ensemble dénommées « les parties ».")


def _mot_cle(doc: DocumentWord, mot: str) -> None:
    p = paragraphe(doc, mot, gras=True)
    p.paragraph_format.space_before = Pt(6)
    p.paragraph_format.keep_with_next = True


def preambule(doc: DocumentWord) -> None:
    """Préambule : la circulaire, les quatre missions, l'opérateur, la convention d'objectifs."""
    paragraphe(doc, "Préambule", "Heading 1")
    blocs(
        doc,
        [
            "Il est préalablement exposé ce qui suit :",
            "La circulaire DGEFP n° 2008-15 du 29 septembre 2008 définit les modalités de financement, par l'État, "
            "des structures chargées du programme régional d'animation des missions locales. Elle inscrit ce "
            "financement, comme celui des missions locales, dans une logique de performance et de transparence, "
            "afin de contribuer à l'augmentation de la qualité de l'offre de service des missions locales et à la "
            "valorisation de leurs actions pour une meilleure insertion professionnelle et sociale des jeunes âgés "
            "de 16 à 25 ans.",
            "L'État soutient les fonctions d'appui technique, d'animation professionnelle et de valorisation des "
            "actions professionnelles des missions locales ; les fonctions de représentation et d'organisation, qui "
            "relèvent de la liberté des acteurs, n'entrent pas dans le champ de la présente convention. Les actions "
            "retenues s'organisent autour des quatre missions principales que l'État souhaite soutenir et "
            "développer :",
            "- une mission de développement des compétences et de professionnalisation des missions locales ;",
            "- une mission de capitalisation et de communication visant à répertorier, diffuser et valoriser les "
            "bonnes pratiques des missions locales ;",
            "- une mission d'observation des besoins des jeunes du territoire et des réponses apportées par les "
            "missions locales ;",
            "- une mission d'animation des partenariats régionaux.",
            "Conformément à la circulaire, l'opérateur chargé de la conception et de l'exécution du programme "
            "d'animation n'est pas une mission locale, les missions locales en étant les destinataires.",
            "Le financement prend la forme d'une convention annuelle d'objectifs, établie sur la base d'une annexe "
            "détaillée qui précise, pour chaque action, ses objectifs, la méthode et l'organisation retenues pour "
            "les atteindre, son coût et l'apport des différents financeurs. Ces objectifs sont spécifiques, "
            "applicables, réalistes, définis dans le temps et mesurables.",
            "{%p if region %}",
            "Le programme a été élaboré en concertation avec la Région, premier partenaire de l'État pour "
            "l'animation des missions locales, qui s'associe à la présente convention et participe à son "
            "financement.",
            "{%p endif %}",
        ],
        "Normal",
        "List Bullet",
    )
    p = paragraphe(doc, "Il est convenu ce qui suit :", gras=True)
    p.paragraph_format.space_before = Pt(12)
    p.paragraph_format.keep_with_next = True


def article(doc: DocumentWord, numero: int, titre: str, lignes: Iterable[str] = ()) -> None:
    """Un article : titre (Titre 2) « Article 1er – Objet », puis ses paragraphes."""
    rang = "1er" if numero == 1 else str(numero)
    paragraphe(doc, f"Article\u00a0{rang}\u00a0{TIRET} {titre}", "Heading 2")
    blocs(doc, lignes, "Normal", "List Bullet")


def articles_1_a_4(doc: DocumentWord) -> None:
    """Objet, durée, coût du programme, contributions."""
    for rediger in (_article_1_objet, _article_2_duree, _article_3_cout, _article_4_contributions):
        rediger(doc)


def _article_1_objet(doc: DocumentWord) -> None:
    """Article 1er : le programme mis en œuvre et son financement."""
    article(
        doc,
        1,
        "Objet",
        [
            "Par la présente convention, la structure s'engage, à son initiative et sous sa responsabilité, à mettre "
            "en œuvre le {{ convention.objet }} pour l'année {{ convention.annee }}.",
            "Ce programme est décrit dans l'annexe, qui fait partie intégrante de la présente convention : pour "
            "chaque action, elle en présente les objectifs, les moyens, la méthode et l'organisation retenues, "
            "l'échéancier, les indicateurs permettant d'en mesurer les résultats, le coût prévisionnel et l'apport "
            "de chaque financeur.",
            "{%p if region %}",
            "L'État et la Région contribuent au financement de ce programme dans les conditions fixées par la "
            "présente convention.",
            "{%p else %}",
            "L'État contribue au financement de ce programme dans les conditions fixées par la présente convention.",
            "{%p endif %}",
        ],
    )


def _article_2_duree(doc: DocumentWord) -> None:
    """Article 2 : l'année couverte et les obligations qui lui survivent."""
    article(
        doc,
        2,
        "Durée",
        [
            "La présente convention est conclue pour l'année {{ convention.annee }}. Elle couvre la période "
            "{{ convention.periode }}.",
            "Les obligations de la structure relatives aux justificatifs, au contrôle et à l'évaluation (articles 6, "
            "9 et 10) demeurent au-delà de ce terme.",
        ],
    )


def _article_3_cout(doc: DocumentWord) -> None:
    """Article 3 : coût total prévisionnel et budget détaillé dans l'annexe."""
    article(
        doc,
        3,
        "Coût du programme",
        [
            "Le coût total prévisionnel du programme s'élève à {{ montants.total }}, soit "
            "{{ montants.total_lettres }}.",
            "{%p if convention.afficher_ratio %}",
            "Ce coût représente {{ montants.ratio }} du budget global des missions locales {{ convention.de_region }}, "
            "qui s'élève à {{ montants.budget_missions_locales }}.",
            "{%p endif %}",
            "Le budget prévisionnel, détaillé par action et par financeur, figure dans l'annexe. En cours d'exécution, "
            "la structure peut adapter la répartition des dépenses entre les actions sans remettre en cause les "
            "objectifs fixés ; toute modification substantielle fait l'objet d'un avenant (article 11).",
        ],
    )


def _article_4_contributions(doc: DocumentWord) -> None:
    """Article 4 : titre selon la présence de la Région, puis les montants de chaque financeur."""
    paragraphe(doc, "{%p if region %}")
    article(doc, 4, "Montant des contributions de l'État et de la Région")
    paragraphe(doc, "{%p else %}")
    article(doc, 4, "Montant de la contribution de l'État")
    paragraphe(doc, "{%p endif %}")
    blocs(
        doc,
        [
            "L'État contribue financièrement à ce programme pour un montant {{ montants.etat_de }} "
            "({{ montants.etat }}) au titre de l'année {{ convention.annee }}. Il n'attend aucune contrepartie "
            "directe de cette contribution.",
            "{%p if region %}",
            "La Région contribue financièrement à ce programme pour un montant {{ montants.region_de }} "
            "({{ montants.region }}). Cette contribution est versée selon les règles budgétaires et comptables "
            "propres à la Région.",
            "{%p endif %}",
            "{%p if montants.cofinancement_region %}",
            "{{ montants.cofinancement_region }}",
            "{%p endif %}",
            "La contribution de chaque financeur est détaillée, action par action, dans l'annexe.",
        ],
        "Normal",
        "List Bullet",
    )


def article_5(doc: DocumentWord) -> None:
    """Modalités de versement : échéancier, compte bancaire, imputation, ordonnateur, comptable."""
    _article_5_introduction(doc)
    _echeancier_versements(doc)
    p = paragraphe(
        doc,
        "Les versements sont effectués sous réserve de la disponibilité des crédits et du respect, par la "
        "structure, des obligations prévues par la présente convention. La contribution est créditée au compte "
        "ouvert au nom de la structure :",
    )
    p.paragraph_format.space_before = Pt(6)
    p.paragraph_format.keep_with_next = True
    _coordonnees_bancaires(doc)
    blocs(
        doc,
        [
            "La dépense est imputée sur les crédits du programme 102 « Accès et retour à l'emploi » de la mission "
            "« Travail et emploi » du budget de l'État, article 43.",
            "{%p if etat.imputation %}",
            "Imputation budgétaire : {{ etat.imputation }}.",
            "{%p endif %}",
            "L'ordonnateur de la dépense est {{ etat.prefet_titre }}. Le comptable assignataire est "
            "{{ etat.comptable }}.",
        ],
        "Normal",
        "List Bullet",
    )


def _article_5_introduction(doc: DocumentWord) -> None:
    """Titre de l'article 5 et phrase d'annonce de l'échéancier, solidaire du tableau qui suit."""
    article(
        doc,
        5,
        "Modalités de versement",
        [
            "{%p if versements_par_defaut %}",
            "Les parties conviennent que la contribution de l'État est versée en deux fois : une avance de 80 % "
            "à la signature de la présente convention, puis le solde de 20 %, selon l'échéancier suivant :",
            "{%p elif versement_unique %}",
            "Les parties conviennent que la contribution de l'État est versée en une seule fois, selon l'échéancier "
            "suivant :",
            "{%p else %}",
            "Les parties conviennent que la contribution de l'État est versée selon l'échéancier suivant :",
            "{%p endif %}",
        ],
    )
    for p in doc.paragraphs[-6::2]:  # les trois phrases d'annonce
        p.paragraph_format.keep_with_next = True


def _echeancier_versements(doc: DocumentWord) -> None:
    """Tableau des versements : en-tête répété, une ligne par versement, total de la contribution."""
    largeurs = (2800, 2600, LARGEUR_PORTRAIT - 5400)
    t = tableau(doc, largeurs)
    entete = ligne(t, largeurs, entete=True, fond=FOND_ENTETE)
    for c, titre in zip(entete.cells, ("Date de versement", "Montant", "Objet du versement"), strict=True):
        cellule(c, ["**" + titre])
    ligne_balise(t, largeurs, "{%tr for v in versements %}")
    r = ligne(t, largeurs)
    cellule(r.cells[0], ["{{ v.date }}"])
    cellule(r.cells[1], ["{{ v.montant }}"], alignement=WD_ALIGN_PARAGRAPH.RIGHT)
    cellule(r.cells[2], ["{{ v.libelle }}"])
    ligne_balise(t, largeurs, "{%tr endfor %}")
    total = ligne(t, largeurs, fond=FOND_TOTAL)
    cellule(total.cells[0], ["**Total"])
    cellule(total.cells[1], ["**{{ montants.etat }}"], alignement=WD_ALIGN_PARAGRAPH.RIGHT)
    cellule(total.cells[2], [""])
    solidaires([entete, r])


def _coordonnees_bancaires(doc: DocumentWord) -> None:
    lignes = (
        ("Titulaire du compte :", "{{ structure.nom }}"),
        ("IBAN :", "{{ structure.iban }}"),
        ("BIC :", "{{ structure.bic }}"),
    )
    for rang, (libelle, valeur) in enumerate(lignes):
        p = paragraphe(doc, libelle)
        p.add_run("\t" + valeur).bold = True
        pf = p.paragraph_format
        pf.left_indent = Cm(1)
        pf.alignment = WD_ALIGN_PARAGRAPH.LEFT
        pf.tab_stops.add_tab_stop(Cm(5), WD_TAB_ALIGNMENT.LEFT)
        pf.space_after = Pt(6 if rang == len(lignes) - 1 else 0)
        pf.keep_with_next = rang < len(lignes) - 1
