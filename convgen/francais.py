r"""Mise en forme administrative française : fonctions pures et typées.

Ce module ne fait aucune entrée-sortie et ne garde aucun état global : chaque
fonction reçoit une valeur et rend une chaîne prête à être insérée dans une
convention. Les exemples des docstrings sont des doctests exécutés par la suite
de tests : ils SONT la spécification. Les sorties sont écrites sous forme de
``repr`` afin que les espaces insécables restent visibles (``\xa0`` pour
l'espace insécable U+00A0, ``\u202f`` pour l'espace fine insécable U+202F).

Règles typographiques appliquées (``shared/domaine.md``, section « French
typography, exactly », et *Lexique des règles typographiques en usage à
l'Imprimerie nationale*) :

* milliers : séparés par une espace fine insécable U+202F (``45\u202f000``) ;
  les nombres de quatre chiffres sont aussi séparés (``1\u202f000``), comme le
  fait CLDR/babel, pour que les montants s'alignent dans les tableaux
  financiers ;
* décimales : virgule (``45\u202f000,50``) ;
* euro : symbole après le montant, précédé d'une espace insécable U+00A0
  (``45\u202f000,50\xa0€``), toujours avec deux décimales ;
* pourcentage : espace insécable U+00A0 avant ``%`` (``3,5\xa0%``) ;
* premier du mois : « 1er », jamais « 1 » ni « 01 » (« 1er mars 2009 ») ; une date
  ne se coupe jamais en fin de ligne : espaces insécables U+00A0 entre ses mots ;
* ordinaux : 1er/1re, 2e, 3e, jamais « 2ème » ni « 2me » ; les lettres ne sont
  pas mises en exposant par des caractères Unicode : ``exposants`` découpe le
  texte et le rendu du .docx met « er » en exposant (``w:vertAlign``) ;
* espace insécable après « n° » et « Article », et avant « : ; ? ! » ;
* apostrophe typographique ’ (U+2019) dans tout texte écrit par convgen ; les
  données restent telles que saisies ;
* élision devant une voyelle : « d’un million un euros », « d’un euro », mais
  « de onze euros », « de huit euros » (h aspiré) ;
* capitales accentuées : « ÉTAT », « ÉCHÉANCIER » (``capitales``) ;
* guillemets français « » avec espace insécable U+00A0 à l'intérieur ;
* civilité : « M. » ou « Mme » (sans point), suivie d'une espace insécable pour
  ne jamais finir une ligne ;
* sommes en toutes lettres : « quarante-cinq mille euros », « un million
  d'euros », « un euro », jamais « et zéro centime ».

Pièges des bibliothèques (mesurés avec babel 2.19 et num2words 0.5.14) :
babel arrondit au pair le plus proche (half-even) et ``format_percent`` arrondit
à l'entier ; ``num2words(..., to='currency')`` lit un entier comme des centimes
et écrit « et zéro centimes ». On formate donc les nombres nous-mêmes à partir
de ``Decimal`` arrondis au demi supérieur (ROUND_HALF_UP, c'est-à-dire en
s'éloignant de zéro pour les négatifs), et on n'emprunte à num2words que ses
cardinaux, qui sont justes (quatre-vingts, deux cents, vingt et un...).
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from num2words import num2words  # type: ignore[import-untyped, unused-ignore]

__all__ = [
    "accorder",
    "apostrophes",
    "article_defini",
    "avec_article",
    "capitales",
    "date_longue",
    "de",
    "de_region",
    "euros",
    "euros_en_lettres",
    "exposants",
    "guillemets",
    "habilite",
    "iban_affiche",
    "le_prefet",
    "le_president",
    "nom_complet",
    "nombre_en_lettres",
    "numero",
    "ordinal",
    "part",
    "pourcentage",
    "represente",
    "sans_accents",
    "siret_affiche",
    "typographie",
]

# Espaces typographiques.
ESPACE_INSECABLE = "\u00a0"
ESPACE_FINE_INSECABLE = "\u202f"
APOSTROPHE = "\u2019"

_CENTIME = Decimal("0.01")
_CIVILITES = ("M.", "Mme")
# Un nombre écrit en lettres qui finit par l'un de ces mots appelle « d'euros ».
_FIN_DE_EUROS = re.compile(r"(?:million|milliard|billion|billiard|trillion)s?$")
_BLANCS = re.compile(r"\s+")


# --------------------------------------------------------------------------
# Dates et ordinaux
# --------------------------------------------------------------------------


def date_longue(d: datetime.date) -> str:
    r"""Date en toutes lettres, avec « 1er » pour le premier du mois.

    Les mots sont liés par des espaces insécables : « 1er mars 2009 » ne se coupe
    jamais en fin de ligne.

    >>> date_longue(datetime.date(2009, 3, 1))
    '1er\xa0mars\xa02009'
    >>> date_longue(datetime.date(2009, 3, 2))
    '2\xa0mars\xa02009'
    >>> date_longue(datetime.date(2009, 12, 31))
    '31\xa0décembre\xa02009'
    >>> date_longue(datetime.date(2021, 8, 1))
    '1er\xa0août\xa02021'
    """
    # Le format long de fr_FR (CLDR « d MMMM y », celui de babel), sans charger les données de babel
    # dans chaque processus ; un test le compare à babel pour chaque jour de plusieurs années.
    jour = ordinal(1) if d.day == 1 else str(d.day)
    return ESPACE_INSECABLE.join((jour, MOIS[d.month - 1], str(d.year)))


MOIS = ("janvier", "février", "mars", "avril", "mai", "juin",
        "juillet", "août", "septembre", "octobre", "novembre", "décembre")  # fmt: skip


def ordinal(n: int, feminin: bool = False) -> str:
    """Adjectif numéral ordinal abrégé : 1er/1re, puis 2e, 3e...

    >>> ordinal(1)
    '1er'
    >>> ordinal(1, feminin=True)
    '1re'
    >>> ordinal(2)
    '2e'
    >>> ordinal(16, feminin=True)
    '16e'
    >>> ordinal(0)
    Traceback (most recent call last):
        ...
    ValueError: un ordinal commence à 1 : 0
    """
    if n < 1:
        raise ValueError(f"un ordinal commence à 1 : {n}")
    if n == 1:
        return "1re" if feminin else "1er"
    return f"{n}e"


# --------------------------------------------------------------------------
# Nombres, montants et pourcentages en chiffres
# --------------------------------------------------------------------------


def _verifier_decimal(valeur: Decimal, nom: str) -> None:
    """Refuse les flottants (et tout ce qui n'est pas un Decimal fini)."""
    if not isinstance(valeur, Decimal):
        raise TypeError(f"{nom} doit être un Decimal, pas {type(valeur).__name__} : {valeur!r}")
    if not valeur.is_finite():
        raise ValueError(f"{nom} doit être un nombre fini : {valeur!r}")


def _arrondir(valeur: Decimal, decimales: int) -> Decimal:
    """Arrondi au demi supérieur (ROUND_HALF_UP), jamais au pair."""
    return valeur.quantize(Decimal(1).scaleb(-decimales), rounding=ROUND_HALF_UP)


def _grouper(chiffres: str) -> str:
    """Sépare les milliers d'une suite de chiffres par des espaces fines."""
    tranches = []
    while chiffres:
        tranches.append(chiffres[-3:])
        chiffres = chiffres[:-3]
    return ESPACE_FINE_INSECABLE.join(reversed(tranches))


@functools.lru_cache(maxsize=4096, typed=True)
def _nombre_decimal(valeur: Decimal, decimales: int) -> str:
    """Nombre arrondi, milliers groupés, virgule décimale, signe « - ».

    Gardé en mémoire : une convention écrit quatre-vingts montants, souvent les mêmes ; le texte ne dépend
    que de la valeur (deux ``Decimal`` égaux, « 1.0 » et « 1.00 », s'écrivent pareil une fois arrondis)."""
    arrondi = _arrondir(valeur, decimales)
    signe = "-" if arrondi < 0 else ""  # « -0,00 » devient « 0,00 »
    entier, _, fraction = f"{abs(arrondi):f}".partition(".")
    texte = signe + _grouper(entier)
    return f"{texte},{fraction}" if fraction else texte


def euros(montant: Decimal) -> str:
    r"""Montant en euros, deux décimales, à la française.

    Le montant doit être un ``Decimal`` (un flottant lève ``TypeError``). Il
    est normalement déjà arrondi au centime ; s'il a plus de deux décimales,
    il est arrondi au demi supérieur (ROUND_HALF_UP : 0,005 donne 0,01, et
    -0,005 donne -0,01). Le signe négatif est le trait d'union-moins ASCII
    « - » (pas U+2212) : il se cherche, se copie et se relit sans surprise.

    >>> euros(Decimal("45000.5"))
    '45\u202f000,50\xa0€'
    >>> euros(Decimal("0"))
    '0,00\xa0€'
    >>> euros(Decimal("1000000"))
    '1\u202f000\u202f000,00\xa0€'
    >>> euros(Decimal("-12"))
    '-12,00\xa0€'
    >>> euros(Decimal("0.125"))
    '0,13\xa0€'
    >>> euros(Decimal("23000"))
    '23\u202f000,00\xa0€'
    >>> euros(0.5)  # type: ignore[arg-type]
    Traceback (most recent call last):
        ...
    TypeError: le montant doit être un Decimal, pas float : 0.5
    """
    _verifier_decimal(montant, "le montant")
    return f"{_nombre_decimal(montant, 2)}{ESPACE_INSECABLE}€"


def pourcentage(ratio: Decimal, decimales: int = 2) -> str:
    r"""Pourcentage à partir d'une fraction (0,05 donne « 5,00 % »).

    Arrondi au demi supérieur à ``decimales`` chiffres après la virgule
    (jamais l'arrondi à l'entier de babel) ; espace insécable avant « % ».

    >>> pourcentage(Decimal("0.05"))
    '5,00\xa0%'
    >>> pourcentage(Decimal("0.035"), 1)
    '3,5\xa0%'
    >>> pourcentage(Decimal("0.035"), 0)
    '4\xa0%'
    >>> pourcentage(Decimal("0.02345"))
    '2,35\xa0%'
    >>> pourcentage(Decimal("1"), 0)
    '100\xa0%'
    """
    _verifier_decimal(ratio, "le ratio")
    if decimales < 0:
        raise ValueError(f"nombre de décimales négatif : {decimales}")
    return f"{_nombre_decimal(ratio * 100, decimales)}{ESPACE_INSECABLE}%"


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


# --------------------------------------------------------------------------
# Nombres et montants en lettres
# --------------------------------------------------------------------------


_UNITES = (
    "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf",
    "dix", "onze", "douze", "treize", "quatorze", "quinze", "seize",
)  # fmt: skip
_DIZAINES = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante", 8: "quatre-vingt"}
_GRANDS = ("mille", "million", "milliard", "billion", "billiard", "trillion")
"""Noms des puissances de mille (échelle longue, comme num2words) ; « mille » est invariable."""


def _moins_de_cent(n: int) -> str:
    """1 à 99 : « dix-sept », « vingt et un », « soixante et onze », « quatre-vingt-onze »."""
    if n <= 16:
        return _UNITES[n]
    if n < 20:
        return f"dix-{_UNITES[n - 10]}"
    dizaine, unite = divmod(n, 10)
    if dizaine in (7, 9):  # soixante-dix…, quatre-vingt-dix… : la dizaine d'avant, plus 10 à 19
        dizaine, unite = dizaine - 1, unite + 10
    base = _DIZAINES[dizaine]
    if unite == 0:
        return base
    if unite in (1, 11) and dizaine != 8:  # « vingt et un », « soixante et onze », mais « quatre-vingt-un »
        return f"{base} et {_UNITES[unite]}"
    return f"{base}-{_moins_de_cent(unite)}"


def _moins_de_mille(n: int, *, final: bool) -> str:
    """1 à 999 ; ``final`` : rien ne suit (ou un nom, million…), « cents » et « vingts » prennent l's."""
    centaines, reste = divmod(n, 100)
    mots = []
    if centaines:
        mots.append("cent" if centaines == 1 else f"{_UNITES[centaines]} cent" + ("s" if final and not reste else ""))
    if reste:
        mots.append(_moins_de_cent(reste) + ("s" if final and reste == 80 else ""))
    return " ".join(mots)


def nombre_en_lettres(n: int) -> str:
    """Nombre entier en toutes lettres, orthographe traditionnelle (les cardinaux de num2words, vérifiés
    contre lui de 0 à un million et au-delà par échantillons, mais dix fois plus vite).

    >>> nombre_en_lettres(3), nombre_en_lettres(21), nombre_en_lettres(71), nombre_en_lettres(91)
    ('trois', 'vingt et un', 'soixante et onze', 'quatre-vingt-onze')
    >>> nombre_en_lettres(80), nombre_en_lettres(81), nombre_en_lettres(180)
    ('quatre-vingts', 'quatre-vingt-un', 'cent quatre-vingts')
    >>> nombre_en_lettres(200000), nombre_en_lettres(1001), nombre_en_lettres(101000)
    ('deux cent mille', 'mille un', 'cent un mille')
    >>> nombre_en_lettres(200_000_000), nombre_en_lettres(1_080_000)
    ('deux cents millions', 'un million quatre-vingt mille')
    >>> nombre_en_lettres(2_200_000_000)
    'deux milliards deux cents millions'
    """
    if n < 0:
        return f"moins {nombre_en_lettres(-n)}"
    if n == 0:
        return _UNITES[0]
    groupes = []
    while n:
        n, groupe = divmod(n, 1000)
        groupes.append(groupe)
    if len(groupes) > len(_GRANDS) + 1:
        return str(num2words(sum(g * 1000**i for i, g in enumerate(groupes)), lang="fr"))
    mots = []
    for rang in range(len(groupes) - 1, -1, -1):
        groupe = groupes[rang]
        if not groupe:
            continue
        if rang == 0:
            mots.append(_moins_de_mille(groupe, final=True))
        elif rang == 1:  # « mille », jamais « un mille » ; invariable, et « deux cent mille »
            mots.append("mille" if groupe == 1 else f"{_moins_de_mille(groupe, final=False)} mille")
        else:  # million, milliard… sont des noms : « deux cents millions », « quatre-vingts millions »
            nom = _GRANDS[rang - 1] + ("s" if groupe > 1 else "")
            mots.append(f"{_moins_de_mille(groupe, final=True)} {nom}")
    return " ".join(mots)


def _euros_en_lettres(n: int) -> str:
    """Partie entière : « un euro », « deux euros », « un million d’euros »."""
    mots = nombre_en_lettres(n)
    if n <= 1:  # « zéro euro », « un euro » : singulier
        return f"{mots} euro"
    if _FIN_DE_EUROS.search(mots):
        return f"{mots} d{APOSTROPHE}euros"
    return f"{mots} euros"


def _centimes_en_lettres(n: int) -> str:
    """Centimes : « un centime », « cinquante centimes »."""
    return f"{nombre_en_lettres(n)} centime{'s' if n > 1 else ''}"


def euros_en_lettres(montant: Decimal) -> str:
    """Montant en euros écrit en toutes lettres.

    Arrondi au centime au demi supérieur comme ``euros``. Sans centimes, on
    n'écrit jamais « et zéro centime » ; moins d'un euro, on n'écrit que les
    centimes. « d'euros » suit seulement million(s), milliard(s)...

    >>> euros_en_lettres(Decimal("45000"))
    'quarante-cinq mille euros'
    >>> euros_en_lettres(Decimal("1"))
    'un euro'
    >>> euros_en_lettres(Decimal("0"))
    'zéro euro'
    >>> euros_en_lettres(Decimal("1234.50"))
    'mille deux cent trente-quatre euros et cinquante centimes'
    >>> euros_en_lettres(Decimal("1000000"))
    'un million d’euros'
    >>> euros_en_lettres(Decimal("1000001"))
    'un million un euros'
    >>> euros_en_lettres(Decimal("1200000"))
    'un million deux cent mille euros'
    >>> euros_en_lettres(Decimal("80"))
    'quatre-vingts euros'
    >>> euros_en_lettres(Decimal("1.01"))
    'un euro et un centime'
    >>> euros_en_lettres(Decimal("0.50"))
    'cinquante centimes'
    >>> euros_en_lettres(Decimal("-1"))
    Traceback (most recent call last):
        ...
    ValueError: montant négatif : -1
    """
    _verifier_decimal(montant, "le montant")
    arrondi = _arrondir(montant, 2)
    if arrondi < 0:
        raise ValueError(f"montant négatif : {montant}")
    entier = int(arrondi)
    centimes = int((arrondi - entier) * 100)
    if centimes == 0:
        return _euros_en_lettres(entier)
    if entier == 0:
        return _centimes_en_lettres(centimes)
    return f"{_euros_en_lettres(entier)} et {_centimes_en_lettres(centimes)}"


# --------------------------------------------------------------------------
# Civilités et accords
# --------------------------------------------------------------------------


def accorder(civilite: str, masculin: str, feminin: str) -> str:
    """Choisit la forme masculine (« M. ») ou féminine (« Mme »).

    >>> accorder("M.", "directeur", "directrice")
    'directeur'
    >>> accorder("Mme", "directeur", "directrice")
    'directrice'
    >>> accorder("Mlle", "directeur", "directrice")
    Traceback (most recent call last):
        ...
    ValueError: civilité inconnue : 'Mlle' (attendu « M. » ou « Mme »)
    """
    civ = civilite.strip()
    if civ not in _CIVILITES:
        raise ValueError(f"civilité inconnue : {civilite!r} (attendu « M. » ou « Mme »)")
    return masculin if civ == "M." else feminin


def le_prefet(civilite: str) -> str:
    """« le préfet » ou « la préfète ».

    >>> le_prefet("M."), le_prefet("Mme")
    ('le préfet', 'la préfète')
    """
    return accorder(civilite, "le préfet", "la préfète")


def le_president(civilite: str) -> str:
    """« le président » ou « la présidente ».

    >>> le_president("M."), le_president("Mme")
    ('le président', 'la présidente')
    """
    return accorder(civilite, "le président", "la présidente")


def represente(civilite: str) -> str:
    """« représenté » ou « représentée ».

    >>> represente("M."), represente("Mme")
    ('représenté', 'représentée')
    """
    return accorder(civilite, "représenté", "représentée")


def habilite(civilite: str) -> str:
    """« habilité » ou « habilitée ».

    >>> habilite("M."), habilite("Mme")
    ('habilité', 'habilitée')
    """
    return accorder(civilite, "habilité", "habilitée")


def nom_complet(civilite: str, prenom: str, nom: str) -> str:
    r"""Civilité, prénom et nom ; espace insécable après la civilité.

    >>> nom_complet("M.", "Dominique", "Schmitt")
    'M.\xa0Dominique Schmitt'
    >>> nom_complet("Mme", "Claire", "Martin")
    'Mme\xa0Claire Martin'
    """
    civ = accorder(civilite, "M.", "Mme")
    identite = " ".join(p for p in (prenom.strip(), nom.strip()) if p)
    return f"{civ}{ESPACE_INSECABLE}{identite}"


# --------------------------------------------------------------------------
# Guillemets et identifiants
# --------------------------------------------------------------------------


def sans_accents(texte: str) -> str:
    """Texte sans accents ni casse, pour comparer ce que les gens écrivent de mille façons.

    >>> sans_accents("Échéancier  MISSION Locale")
    'echeancier  mission locale'
    """
    decompose = unicodedata.normalize("NFKD", texte)
    return "".join(c for c in decompose if not unicodedata.combining(c)).casefold()


def guillemets(texte: str) -> str:
    r"""Guillemets français avec espaces insécables à l'intérieur.

    >>> guillemets("l’État")
    '«\xa0l’État\xa0»'
    """
    return f"«{ESPACE_INSECABLE}{texte.strip()}{ESPACE_INSECABLE}»"


def _sans_blancs(texte: str) -> str:
    """Retire tous les blancs, y compris les espaces insécables."""
    return _BLANCS.sub("", texte)


def siret_affiche(siret: str) -> str:
    r"""SIRET en tranches 3-3-3-5 séparées par des espaces insécables.

    Seuls la longueur (14) et les chiffres sont contrôlés, pas la clé de
    Luhn (voir ``stdnum.fr.siret`` pour la validation).

    >>> siret_affiche("73282932000074")
    '732\xa0829\xa0320\xa000074'
    >>> siret_affiche("732 829 320 00074")
    '732\xa0829\xa0320\xa000074'
    >>> siret_affiche("7328293200007")
    Traceback (most recent call last):
        ...
    ValueError: un SIRET compte 14 chiffres : '7328293200007'
    """
    s = _sans_blancs(siret)
    if len(s) != 14 or not (s.isascii() and s.isdigit()):
        raise ValueError(f"un SIRET compte 14 chiffres : {siret!r}")
    return ESPACE_INSECABLE.join((s[:3], s[3:6], s[6:9], s[9:]))


def iban_affiche(iban: str) -> str:
    r"""IBAN en majuscules, par groupes de 4 séparés par des espaces insécables.

    Seuls les caractères (lettres et chiffres ASCII, 15 à 34) sont contrôlés,
    pas la clé (voir ``stdnum.iban`` pour la validation).

    >>> iban_affiche("fr7630006000011234567890189")
    'FR76\xa03000\xa06000\xa00112\xa03456\xa07890\xa0189'
    >>> iban_affiche("FR76 3000 6000 0112 3456 7890 189")
    'FR76\xa03000\xa06000\xa00112\xa03456\xa07890\xa0189'
    """
    s = _sans_blancs(iban).upper()
    if not (15 <= len(s) <= 34 and s.isascii() and s.isalnum()):
        raise ValueError(f"IBAN mal formé : {iban!r}")
    return ESPACE_INSECABLE.join(s[i : i + 4] for i in range(0, len(s), 4))


# --------------------------------------------------------------------------
# Articles et prépositions
# --------------------------------------------------------------------------

_VOYELLES = "aàâäeéèêëiîïoôöuùûüyhAÀÂÄEÉÈÊËIÎÏOÔÖUÙÛÜYH"

# Usage des conseils régionaux (régions de 2009 et de 2016) ; les autres noms suivent
# la règle générale (élision devant une voyelle ou un h muet).
_PREPOSITIONS_REGIONS = {
    "Centre": "du Centre",
    "Centre-Val de Loire": "du Centre-Val de Loire",
    "Grand Est": "du Grand Est",
    "Languedoc-Roussillon": "du Languedoc-Roussillon",
    "Limousin": "du Limousin",
    "Nord-Pas-de-Calais": "du Nord-Pas-de-Calais",
    "Pays de la Loire": "des Pays de la Loire",
    "Hauts-de-France": "des Hauts-de-France",
    "Guadeloupe": "de la Guadeloupe",
    "Martinique": "de la Martinique",
    "Guyane": "de la Guyane",
    "La Réunion": "de La Réunion",
    "Réunion": "de La Réunion",
}


def de_region(region: str) -> str:
    """Complément « de la région » : « d’Auvergne », « du Centre », « de Bretagne ».

    >>> de_region("Auvergne"), de_region("Bretagne"), de_region("Île-de-France")
    ('d’Auvergne', 'de Bretagne', 'd’Île-de-France')
    >>> de_region("Centre"), de_region("Pays de la Loire"), de_region("La Réunion")
    ('du Centre', 'des Pays de la Loire', 'de La Réunion')
    >>> de_region("Haute-Normandie")
    'de Haute-Normandie'
    """
    nom = region.strip()
    if nom in _PREPOSITIONS_REGIONS:
        return _PREPOSITIONS_REGIONS[nom]
    # « h » aspiré des régions (Haute-, Hauts-) : pas d'élision.
    if nom[:1] in _VOYELLES and not nom.lower().startswith("haut"):
        return f"d{APOSTROPHE}{nom}"
    return f"de {nom}"


def avec_article(civilite: str, fonction: str) -> str:
    """Fonction précédée de l'article défini accordé, élidé devant une voyelle.

    >>> avec_article("Mme", "présidente"), avec_article("M.", "président")
    ('la présidente', 'le président')
    >>> avec_article("Mme", "administratrice provisoire")
    'l’administratrice provisoire'
    """
    texte = fonction.strip()
    if texte[:1] in _VOYELLES and not texte.lower().startswith("haut"):
        return f"l{APOSTROPHE}{texte}"
    return f"{accorder(civilite, 'le', 'la')} {texte}"


# --------------------------------------------------------------------------
# Typographie du texte écrit par convgen (jamais appliquée aux données)
# --------------------------------------------------------------------------

# Élision devant une voyelle ; « onze », « onzième » et « huit » (h aspiré) n'élident pas,
# ni les mots en h, trop souvent aspirés (« de Haute-Normandie ») pour être devinés.
_ELISION = re.compile(r"^[aàâäeéèêëiîïoôöuùûüœAÀÂÄEÉÈÊËIÎÏOÔÖUÙÛÜŒ]")
_SANS_ELISION = re.compile(r"^(?:onze|onzième|huit)\b", re.IGNORECASE)
# Genre du premier mot d'un nom de structure, pour l'article qui le précède.
_FEMININS = frozenset({"association", "union", "federation", "maison", "agence", "fondation", "coordination"})
_MASCULINS = frozenset(
    {"groupement", "centre", "observatoire", "comite", "reseau", "institut", "carrefour", "pole", "syndicat"}
)
_MOIS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
_DATE = re.compile(rf"\b(\d{{1,2}}|1er) ({_MOIS}) (\d{{4}})\b")
_EXPOSANT = re.compile(r"(?<![\w.,-])(1)(er|re)(?![\w])")


def apostrophes(texte: str) -> str:
    """Apostrophe typographique ’ (U+2019) à la place de l’apostrophe droite.

    >>> apostrophes("l'État et l'association d'Auvergne")
    'l’État et l’association d’Auvergne'
    """
    return texte.replace("'", APOSTROPHE)


def typographie(texte: str) -> str:
    r"""Texte fixe d'un document : apostrophes ’ et espaces insécables à leur place.

    Espace insécable avant « : ; ? ! % » et « » », après « « », « n° » et « Article »,
    et entre les mots d'une date.

    >>> typographie("Article 3 : l'avance n° 2 ; « l'État » ?")
    'Article\xa03\xa0: l’avance n°\xa02\xa0; «\xa0l’État\xa0»\xa0?'
    >>> typographie("une avance de 80 % ; la loi du 1er août 2001 et celle du 12 avril 2000")
    'une avance de 80\xa0%\xa0; la loi du 1er\xa0août\xa02001 et celle du 12\xa0avril\xa02000'
    """
    texte = re.sub(r" ([:;?!»%])", f"{ESPACE_INSECABLE}\\1", apostrophes(texte))
    texte = re.sub(r"(«|\bn°|\bArticle) ", f"\\1{ESPACE_INSECABLE}", texte)
    return _DATE.sub(lambda m: ESPACE_INSECABLE.join(m.groups()), texte)


def numero(valeur: str) -> str:
    r"""« n° » suivi d'une espace insécable et du numéro tel que saisi.

    >>> numero("CP-09-0123")
    'n°\xa0CP-09-0123'
    """
    return f"n°{ESPACE_INSECABLE}{valeur.strip()}"


def de(texte: str) -> str:
    """La préposition « de », élidée devant une voyelle (« d’un euro »).

    >>> de("un million un euros"), de("un euro"), de("quarante-cinq mille euros")
    ('d’un million un euros', 'd’un euro', 'de quarante-cinq mille euros')
    >>> de("onze euros"), de("huit cents euros"), de("Haute-Normandie")
    ('de onze euros', 'de huit cents euros', 'de Haute-Normandie')
    """
    if _ELISION.match(texte) and not _SANS_ELISION.match(texte):
        return f"d{APOSTROPHE}{texte}"
    return f"de {texte}"


def article_defini(nom: str) -> str | None:
    """Le nom d'une structure précédé de l'article défini, si son premier mot en dit le genre.

    Le nom garde sa casse ; un premier mot inconnu (nom propre, sigle) rend ``None`` :
    on ne devine pas un genre.

    >>> article_defini("Association régionale des missions locales d'Auvergne")
    "l’Association régionale des missions locales d'Auvergne"
    >>> article_defini("Groupement d'intérêt public Carif-Oref"), article_defini("Maison de l’emploi")
    ("le Groupement d'intérêt public Carif-Oref", 'la Maison de l’emploi')
    >>> article_defini("Observatoire régional"), article_defini("Trajectoires Jeunes") is None
    ('l’Observatoire régional', True)
    """
    premier = sans_accents(re.split(r"[\s'’-]", nom.strip(), maxsplit=1)[0])
    if premier not in _FEMININS | _MASCULINS:
        return None
    if _ELISION.match(nom.strip()):
        return f"l{APOSTROPHE}{nom.strip()}"
    return f"{'la' if premier in _FEMININS else 'le'} {nom.strip()}"


def capitales(texte: str) -> str:
    """Texte en capitales, accents gardés (« ÉTAT », jamais « ETAT »).

    >>> capitales("Échéancier de l’État")
    'ÉCHÉANCIER DE L’ÉTAT'
    """
    return texte.upper()


def exposants(texte: str) -> list[tuple[str, bool]]:
    r"""Découpe un texte en morceaux, vrai pour les lettres à mettre en exposant (« 1er », « 1re »).

    Le rendu Word pose ``w:vertAlign`` sur ces morceaux ; le texte lui-même ne change pas.

    >>> exposants("le 1er\xa0mars, article 1er.")
    [('le 1', False), ('er', True), ('\xa0mars, article 1', False), ('er', True), ('.', False)]
    >>> exposants("21er, 1erement, 2e")
    [('21er, 1erement, 2e', False)]
    """
    morceaux: list[tuple[str, bool]] = []
    debut = 0
    for trouve in _EXPOSANT.finditer(texte):
        morceaux += [(texte[debut : trouve.start(2)], False), (trouve.group(2), True)]
        debut = trouve.end(2)
    if debut < len(texte):
        morceaux.append((texte[debut:], False))
    return [m for m in morceaux if m[0]]
