"""Corps de la convention : page de titre, parties, préambule ; tableau des versements et compte de l'article 5."""

from __future__ import annotations

from docx.document import Document as DocumentWord
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.shared import Cm, Pt

from convgen.francais import capitales

from .briques import blocs, cellule, ligne, ligne_balise, paragraphe, solidaires, tableau
from .constantes import FOND_ENTETE, FOND_TOTAL, LARGEUR_PORTRAIT


def page_de_titre(doc: DocumentWord) -> None:
    """Timbre, titre, objet et visas."""
    for texte, gras in (("RÉPUBLIQUE FRANÇAISE", True), ("{{ etat.prefecture }}", False)):
        p = paragraphe(doc, texte, gras=gras, alignement=WD_ALIGN_PARAGRAPH.CENTER)
        p.paragraph_format.space_after = Pt(0)
        p.runs[0].font.size = Pt(9)
    paragraphe(doc, capitales("Convention annuelle d'objectifs") + " {{ convention.annee }}", "Title")
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


def echeancier_versements(doc: DocumentWord) -> None:
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


def coordonnees_bancaires(doc: DocumentWord) -> None:
    """Titulaire, IBAN et BIC, alignés sur une tabulation, solidaires."""
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
