"""Ligne de commande ``convgen`` : lit les arguments et appelle l'API, rien de plus.

Codes de sortie : 0 tout va bien (alertes permises), 1 au moins un fichier refusé,
2 erreur d'utilisation. Une faute de l'utilisateur s'affiche en français, sans trace
d'appel. Les modules lourds (pydantic, docxtpl) ne sont importés que par la commande
qui en a besoin, pour que ``convgen --help`` réponde tout de suite.
"""

from __future__ import annotations

import argparse
import re
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from convgen.erreurs import Constat
    from convgen.examen import Examen

__all__ = [
    "commande_catalogue",
    "commande_exemple",
    "commande_generer",
    "commande_lot",
    "commande_modele_tableur",
    "commande_schema",
    "commande_valider",
    "commande_verifier_gabarit",
    "main",
]

VARIABLE_GABARIT = "CONVGEN_GABARIT"
"""Variable d'environnement : le gabarit par défaut de generer et lot (``--gabarit`` l'emporte)."""
_TRADUCTIONS = [
    (r"the following arguments are required: (.*)", r"arguments obligatoires manquants : \1"),
    (r"unrecognized arguments: (.*)", r"arguments inconnus : \1"),
    (r"argument (.*?): invalid choice: (.*?) \(choose from (.*)\)", r"\1 : choix « \2 » inconnu (possibles : \3)"),
    (r"argument (.*?): not allowed with argument (.*)", r"l'option \1 est incompatible avec \2"),
    (r"argument (.*?): expected one argument", r"l'option \1 attend une valeur"),
    (r"argument (.*?): invalid (.*?) value: (.*)", r"\1 : valeur \3 invalide"),
    (r"^argument (\S+): (.*)", r"\1 : \2"),
]


class _Formateur(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage: str | None, actions: object, groups: object, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "utilisation : " if prefix is None else prefix)  # type: ignore[arg-type]


class _Analyseur(argparse.ArgumentParser):
    """ArgumentParser qui parle français, y compris dans ses erreurs."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", _Formateur)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        self.add_argument("-h", "--help", action="help", help="affiche cette aide et quitte")

    def error(self, message: str) -> NoReturn:
        for motif, traduction in _TRADUCTIONS:
            message = re.sub(motif, traduction, message)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {message}\n")


def _nombre(n: int, mot: str) -> str:
    """« 0 erreur », « 1 erreur », « 2 erreurs » (le singulier vaut pour 0 et 1 en français)."""
    return f"{n} {mot}{'s' if n > 1 else ''}"


def _afficher_constats(fichier: str, constats: Sequence[Constat]) -> None:
    print(f"{fichier} :")
    for constat in constats:
        lieu = constat.emplacement
        print(f"  {constat.gravite:<7} {constat.code} — {lieu + ' : ' if lieu else ''}{constat.message}")


def _afficher_examen(examen: Examen, *, strict: bool) -> None:
    nb_erreurs, nb_alertes = len(examen.erreurs), len(examen.alertes)
    if examen.accepte(strict=strict):
        bilan = "valide"
    elif nb_erreurs:
        bilan = "REFUSÉ"
    else:
        bilan = "REFUSÉ (mode strict : alertes)"
    details = f"{_nombre(nb_erreurs, 'erreur')}, {_nombre(nb_alertes, 'alerte')}"
    _afficher_constats(f"{examen.fichier} : {bilan} — {details}".removesuffix(" :"), examen.constats)


def commande_valider(arguments: argparse.Namespace) -> int:
    from convgen.production import examiner_source

    code = 0
    for fichier in arguments.fichiers:
        for examen in examiner_source(fichier):
            _afficher_examen(examen, strict=arguments.strict)
            if not examen.accepte(strict=arguments.strict):
                code = 1
    return code


def commande_generer(arguments: argparse.Namespace) -> int:
    from pathlib import Path

    from convgen.convertisseur import ConvertisseurPdf
    from convgen.gabarit.rendu import charger_gabarit
    from convgen.production import NomsReserves, Statut, produire

    sortie = Path(arguments.sortie)
    gabarit = charger_gabarit(_gabarit_choisi(arguments.gabarit))
    convertisseur = ConvertisseurPdf() if arguments.pdf else None  # un LibreOffice pour tous les fichiers
    reservations = NomsReserves()  # ce qu'écrit cette commande n'est jamais remplacé par elle-même
    code = 0
    try:
        for fichier in arguments.fichiers:
            productions = produire(
                fichier,
                sortie,
                version=arguments.version,
                projet=arguments.projet,
                gabarit=gabarit,
                strict=arguments.strict,
                ecraser=arguments.ecraser,
                convertisseur=convertisseur,
                reservations=reservations,
            )
            for production in productions:
                _afficher_constats(production.source, production.constats)
                if production.statut is Statut.PRODUIT:
                    for chemin in production.fichiers:
                        print(f"  écrit : {chemin}")
                else:
                    code = 1
                    if production.statut is Statut.REFUSE:
                        print("  rien n'a été écrit : données refusées", file=sys.stderr)
                    else:
                        print(f"  échec : {production.message}", file=sys.stderr)
    finally:
        if convertisseur is not None:
            convertisseur.fermer()
    return code


def _versions(texte: str) -> list[str]:
    """``--versions bipartite,tripartite`` : la liste des versions, contrôlée."""
    versions = [v.strip() for v in texte.split(",") if v.strip()]
    inconnues = [v for v in versions if v not in ("bipartite", "tripartite")]
    if inconnues or not versions:
        raise argparse.ArgumentTypeError(
            f"version inconnue : {', '.join(inconnues) or repr(texte)} (possibles : bipartite, tripartite)"
        )
    return versions


def commande_lot(arguments: argparse.Namespace) -> int:
    from convgen.lot import generer_lot

    with _Progression() as progression:
        rapport = generer_lot(
            arguments.sources,
            arguments.sortie,
            pdf=arguments.pdf,
            versions=arguments.versions,
            reprendre=arguments.reprendre,
            ecraser=arguments.ecraser,
            strict=arguments.strict,
            projet=arguments.projet,
            gabarit=_gabarit_choisi(arguments.gabarit),
            progression=progression,
            bilans=arguments.bilans,
            opendata=arguments.opendata,
        )
    for avertissement in rapport.avertissements:
        print(f"convgen : attention : {avertissement}", file=sys.stderr)
    _afficher_publication(rapport.constats_opendata)
    for ligne in rapport.lignes_en_echec:
        codes = ", ".join(c.code for c in ligne.constats if c.gravite == "erreur")
        print(f"{ligne.source} ({ligne.version}) : {ligne.statut} — {codes or ligne.message}")
    print(
        f"{rapport.produits} produit(s), {rapport.repris} repris, {rapport.echecs} en échec ; "
        f"rapports : {', '.join(str(f) for f in rapport.fichiers_rapport)}"
    )
    return rapport.code_sortie


class _Progression:
    """Barre de progression sur un terminal (faits, échecs, restants, temps restant) ; muette sinon."""

    def __enter__(self) -> Callable[[Any], None] | None:
        if not sys.stderr.isatty():
            self._barre = None
            return None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._barre = Progress(
            TextColumn("[bold]Conventions"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("échecs : {task.fields[echecs]} · repris : {task.fields[repris]}"),
            TextColumn("· reste"),
            TimeRemainingColumn(),
            transient=False,
        )
        self._barre.start()
        self._tache = self._barre.add_task("lot", total=None, echecs=0, repris=0)
        return self._avancer

    def _avancer(self, avancement: Any) -> None:
        assert self._barre is not None
        self._barre.update(
            self._tache,
            total=avancement.total,
            completed=avancement.faits + avancement.repris,
            echecs=avancement.echecs,
            repris=avancement.repris,
        )

    def __exit__(self, *exc: object) -> None:
        if self._barre is not None:
            self._barre.stop()


def _gabarit_choisi(option: str | None) -> str | None:
    """Le gabarit à utiliser : ``--gabarit``, sinon la variable ``CONVGEN_GABARIT``, sinon le gabarit livré (None)."""
    import os
    from pathlib import Path

    from convgen.erreurs import ErreurGabarit

    if option:
        return option
    choisi = os.environ.get(VARIABLE_GABARIT, "").strip()
    if choisi and not Path(choisi).is_file():
        raise ErreurGabarit(f"{choisi} : gabarit introuvable (choisi par la variable {VARIABLE_GABARIT})")
    return choisi or None


def commande_gabarit(arguments: argparse.Namespace) -> int:
    from convgen.gabarit.rendu import chemin_gabarit_par_defaut, copier_gabarit

    if arguments.copier:
        chemin = copier_gabarit(arguments.copier, ecraser=arguments.ecraser)
        print(f"écrit : {chemin}")
        print(f"Modifiez-le dans Word ou Writer, puis : convgen verifier-gabarit {chemin}")
        return 0
    choisi = _gabarit_choisi(None)
    if choisi:
        print(f"gabarit par défaut : {choisi} (variable d'environnement {VARIABLE_GABARIT})")
    else:
        print(f"gabarit par défaut : {chemin_gabarit_par_defaut()} (livré avec convgen)")
    return 0


def commande_opendata(arguments: argparse.Namespace) -> int:
    from convgen.opendata import publier_donnees_essentielles

    publication = publier_donnees_essentielles(
        arguments.sources, arguments.sortie, tous=arguments.tous, ecraser=arguments.ecraser
    )
    _afficher_publication(publication.constats)
    ecrites = len(publication.lignes)
    print(f"{_nombre(ecrites, 'ligne')} {_nombre(ecrites, 'écrite').split()[1]} dans {publication.chemin}")
    return publication.code_sortie


def _afficher_publication(constats: Sequence[Constat]) -> None:
    """Les constats des données essentielles, fichier par fichier (les informations du seuil comprises)."""
    par_fichier: dict[str, list[Constat]] = {}
    for constat in constats:
        par_fichier.setdefault(constat.fichier or "", []).append(constat)
    for fichier, siens in par_fichier.items():
        _afficher_constats(fichier, siens)


def commande_modele_tableur(arguments: argparse.Namespace) -> int:
    from pathlib import Path

    from convgen.production import preremplir_tableur
    from convgen.tableur import ecrire_modele_tableur

    if not arguments.depuis:
        print(f"écrit : {ecrire_modele_tableur(Path(arguments.fichier), ecraser=arguments.ecraser)}")
        return 0
    chemin, examens = preremplir_tableur(arguments.depuis, Path(arguments.fichier), ecraser=arguments.ecraser)
    if chemin is None:
        for examen in examens:
            if examen.convention is None:
                _afficher_examen(examen, strict=False)
        print(f"convgen : {arguments.fichier} : rien n'a été écrit (sources refusées ci-dessus)", file=sys.stderr)
        return 1
    print(f"écrit : {chemin} ({_nombre(len(examens), 'convention')})")
    return 0


def commande_schema(arguments: argparse.Namespace) -> int:
    import json

    from convgen.schemas import schema_json_contexte, schema_json_donnees

    schema = schema_json_contexte() if arguments.quoi == "contexte" else schema_json_donnees()
    print(json.dumps(schema, ensure_ascii=False, indent=2))
    return 0


def commande_verifier_gabarit(arguments: argparse.Namespace) -> int:
    from convgen.gabarit.verification import verifier_gabarit

    code = 0
    for fichier in arguments.gabarits:
        problemes = verifier_gabarit(fichier)
        print(f"{fichier} : {'aucun problème' if not problemes else _nombre(len(problemes), 'problème')}")
        for probleme in problemes:
            print(f"  {probleme}")
        code = code or (1 if problemes else 0)
    return code


def commande_catalogue(arguments: argparse.Namespace) -> int:
    from convgen.referentiel import charger_referentiel

    ref = charger_referentiel()
    print(ref.source)
    for mission in ref.missions:
        print(f"\n{mission.romain}. {mission.intitule}")
        for objectif in (o for o in ref.objectifs if o.mission == mission.numero):
            print(f"  Objectif {objectif.numero} : {objectif.intitule}")
            for action in (a for a in ref.actions if a.objectif == objectif.numero):
                print(f"    {action.numero:>2}. {action.intitule}")
    return 0


def commande_exemple(arguments: argparse.Namespace) -> int:
    from importlib.resources import files

    sys.stdout.write((files("convgen") / "exemples" / "exemple_commente.yaml").read_text(encoding="utf-8"))
    return 0


def commande_serveur(arguments: argparse.Namespace) -> int:
    import os

    try:
        from convgen.web.serveur import lancer
    except ImportError as exc:
        print(
            f'convgen : l\'interface web demande ses dépendances ({exc.name}) : pip install "convgen[web]"',
            file=sys.stderr,
        )
        return 2
    lancer(arguments.hote, arguments.port, arguments.jeton or os.environ.get("CONVGEN_JETON") or None)
    return 0


def _date(texte: str) -> Any:
    """``--date AAAA-MM-JJ`` : une date du calendrier."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(texte)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"date « {texte} » invalide (attendu AAAA-MM-JJ, par exemple 2009-09-15)"
        ) from None


def _afficher_resultat(source: str, resultat: Any) -> int:
    """Constats, puis fichiers écrits ou refus ; le code de sortie (1 si refusé)."""
    if resultat.constats:
        _afficher_constats(source, resultat.constats)
    if resultat.refuse:
        print("  rien n'a été écrit : données refusées", file=sys.stderr)
        return 1
    for note in resultat.notes:
        print(f"  modifié : {note}")
    for chemin in resultat.fichiers:
        print(f"  écrit : {chemin}")
    return 0


def commande_avenant(arguments: argparse.Namespace) -> int:
    from convgen.cycle import produire_avenant

    resultat = produire_avenant(
        arguments.initiale,
        arguments.modifiee,
        arguments.sortie,
        numero=arguments.numero,
        date=arguments.date,
        lieu=arguments.lieu,
        projet=arguments.projet,
        pdf=arguments.pdf,
        ecraser=arguments.ecraser,
        gabarit=arguments.gabarit,
    )
    return _afficher_resultat(arguments.modifiee, resultat)


def commande_bilan(arguments: argparse.Namespace) -> int:
    from convgen.cycle import produire_bilan

    resultat = produire_bilan(
        arguments.convention,
        arguments.realisation,
        arguments.sortie,
        pdf=arguments.pdf,
        ecraser=arguments.ecraser,
        gabarit=arguments.gabarit,
    )
    return _afficher_resultat(arguments.realisation, resultat)


def _commandes_cycle(commandes: Any) -> None:
    """Les commandes du cycle de la convention : avenant (article 11) et compte rendu d'exécution (article 6)."""
    avenant = commandes.add_parser(
        "avenant", help="produit l'avenant qui fait passer d'une version de la convention à l'autre",
        formatter_class=_Formateur,
    )  # fmt: skip
    avenant.add_argument("initiale", metavar="INITIALE", help="la convention signée (YAML ou JSON)")
    avenant.add_argument("modifiee", metavar="MODIFIEE", help="la convention telle que l'avenant la modifie")
    avenant.add_argument("--sortie", required=True, metavar="DOSSIER", help="dossier des documents")
    avenant.add_argument("--numero", type=int, default=1, metavar="N", help="numéro de l'avenant (défaut : 1)")
    avenant.add_argument("--date", type=_date, metavar="AAAA-MM-JJ", help="date de l'avenant (défaut : en blanc)")
    avenant.add_argument("--lieu", metavar="LIEU", help="lieu de signature de l'avenant (défaut : en blanc)")
    avenant.add_argument("--pdf", action="store_true", help="produit aussi le PDF/A (LibreOffice requis)")
    avenant.add_argument("--projet", action="store_true", help="projet : mention PROJET, date en blanc")
    avenant.add_argument("--ecraser", action="store_true", help="remplace les documents existants")
    avenant.add_argument("--gabarit", metavar="FICHIER.docx", help="gabarit Word personnalisé de l'avenant")
    avenant.set_defaults(executer=commande_avenant)

    bilan = commandes.add_parser(
        "bilan", help="produit le compte rendu d'exécution (prévu, réalisé, reversement dû)", formatter_class=_Formateur
    )
    bilan.add_argument("convention", metavar="CONVENTION", help="la convention (YAML ou JSON)")
    bilan.add_argument("realisation", metavar="REALISATION", help="sa réalisation (YAML ou JSON)")
    bilan.add_argument("--sortie", required=True, metavar="DOSSIER", help="dossier des documents")
    bilan.add_argument("--pdf", action="store_true", help="produit aussi le PDF/A (LibreOffice requis)")
    bilan.add_argument("--ecraser", action="store_true", help="remplace les documents existants")
    bilan.add_argument("--gabarit", metavar="FICHIER.docx", help="gabarit Word personnalisé du compte rendu")
    bilan.set_defaults(executer=commande_bilan)


_AIDE_GABARIT = f"gabarit Word personnalisé (défaut : variable {VARIABLE_GABARIT}, sinon le gabarit livré)"


def _docx(texte: str) -> str:
    if not texte.lower().endswith(".docx"):
        raise argparse.ArgumentTypeError(f"« {texte} » : le gabarit doit porter l'extension .docx")
    return texte


def _analyseur() -> _Analyseur:
    analyseur = _Analyseur(
        prog="convgen",
        description="Conventions annuelles d'objectifs du programme régional d'animation des missions "
        "locales (circulaire DGEFP n° 2008-15).",
        epilog="Codes de sortie : 0 succès, 1 fichier refusé, 2 erreur d'utilisation.",
    )
    commandes = analyseur.add_subparsers(title="commandes", dest="commande", metavar="COMMANDE")
    commandes.required = True

    valider = commandes.add_parser(
        "valider", help="valide des fichiers de convention (YAML ou JSON)", formatter_class=_Formateur
    )
    valider.add_argument("fichiers", nargs="+", metavar="FICHIER", help="fichier YAML ou JSON")
    valider.add_argument("--strict", action="store_true", help="refuse aussi les fichiers qui ont des alertes")
    valider.set_defaults(executer=commande_valider)

    generer = commandes.add_parser(
        "generer", help="produit la convention en .docx (et en PDF)", formatter_class=_Formateur
    )
    generer.add_argument("fichiers", nargs="+", metavar="FICHIER", help="fichier YAML ou JSON")
    generer.add_argument("--sortie", default=".", metavar="DOSSIER", help="dossier des documents (défaut : .)")
    generer.add_argument("--pdf", action="store_true", help="produit aussi le PDF/A (LibreOffice requis)")
    versions = generer.add_mutually_exclusive_group()
    versions.add_argument(
        "--bipartite",
        dest="version",
        action="store_const",
        const="bipartite",
        help="version bipartite (État, structure), même si la Région est décrite",
    )
    versions.add_argument(
        "--tripartite",
        dest="version",
        action="store_const",
        const="tripartite",
        help="version tripartite (État, Région, structure)",
    )
    generer.add_argument("--projet", action="store_true", help="projet : mention PROJET, date de signature en blanc")
    generer.add_argument("--gabarit", metavar="FICHIER.docx", help=_AIDE_GABARIT)
    generer.add_argument("--strict", action="store_true", help="refuse aussi les fichiers qui ont des alertes")
    generer.add_argument("--ecraser", action="store_true", help="remplace les documents existants")
    generer.set_defaults(executer=commande_generer, version=None)

    lot = commandes.add_parser(
        "lot", help="produit les conventions de dossiers, fichiers et classeurs", formatter_class=_Formateur
    )
    lot.add_argument("sources", nargs="+", metavar="SOURCE", help="fichier YAML/JSON, classeur .xlsx ou dossier")
    lot.add_argument("--sortie", required=True, metavar="DOSSIER", help="dossier des documents et des rapports")
    lot.add_argument("--pdf", action="store_true", help="produit aussi les PDF/A (LibreOffice requis)")
    lot.add_argument(
        "--versions",
        metavar="LISTE",
        type=_versions,
        default=[None],
        help="versions à produire : bipartite,tripartite (défaut : celle que décrivent les données)",
    )
    lot.add_argument("--reprendre", action="store_true", help="saute ce qui est déjà produit avec les mêmes données")
    lot.add_argument("--projet", action="store_true", help="projets : mention PROJET, date de signature en blanc")
    lot.add_argument("--gabarit", metavar="FICHIER.docx", help=_AIDE_GABARIT)
    lot.add_argument("--strict", action="store_true", help="refuse aussi les entrées qui ont des alertes")
    lot.add_argument("--ecraser", action="store_true", help="remplace les documents existants")
    lot.add_argument(
        "--opendata", action="store_true", help="écrit aussi donnees_essentielles.csv (SCDL) près de la synthèse"
    )
    lot.add_argument(
        "--bilans", metavar="DOSSIER", help="réalisations (YAML/JSON) : produit aussi leurs comptes rendus d'exécution"
    )
    lot.set_defaults(executer=commande_lot)

    opendata = commandes.add_parser(
        "opendata",
        help="écrit les données essentielles (SCDL « subventions ») des conventions au-delà de 23 000 €",
        formatter_class=_Formateur,
    )
    opendata.add_argument("sources", nargs="+", metavar="SOURCE", help="fichier YAML/JSON, classeur ou dossier")
    opendata.add_argument("--sortie", required=True, metavar="FICHIER.csv", help="fichier CSV à écrire")
    opendata.add_argument("--tous", action="store_true", help="publie aussi les contributions de 23 000 € ou moins")
    opendata.add_argument("--ecraser", action="store_true", help="remplace le fichier s'il existe")
    opendata.set_defaults(executer=commande_opendata)

    modele = commandes.add_parser(
        "modele-tableur",
        help="écrit un classeur Excel à remplir, vide ou prérempli (--depuis)",
        formatter_class=_Formateur,
    )
    modele.add_argument("fichier", metavar="FICHIER.xlsx", help="classeur à créer")
    modele.add_argument(
        "--depuis",
        nargs="+",
        metavar="SOURCE",
        help="préremplit le classeur avec ces conventions (YAML, JSON, classeur .xlsx ou .ods)",
    )
    modele.add_argument("--ecraser", action="store_true", help="remplace le fichier s'il existe")
    modele.set_defaults(executer=commande_modele_tableur)

    gabarit = commandes.add_parser(
        "gabarit",
        help="dit quel gabarit est utilisé ; --copier en écrit une copie à modifier",
        formatter_class=_Formateur,
    )
    gabarit.add_argument("--copier", metavar="DEST.docx", type=_docx, help="écrit une copie du gabarit livré")
    gabarit.add_argument("--ecraser", action="store_true", help="remplace DEST.docx s'il existe")
    gabarit.set_defaults(executer=commande_gabarit)

    schema = commandes.add_parser("schema", help="affiche un schéma JSON (données d'entrée ou contexte du gabarit)")
    schema.add_argument("quoi", choices=["donnees", "contexte"], help="donnees : l'entrée ; contexte : le gabarit")
    schema.set_defaults(executer=commande_schema)

    verifier = commandes.add_parser("verifier-gabarit", help="vérifie un gabarit Word et situe chaque problème")
    verifier.add_argument("gabarits", nargs="+", metavar="FICHIER.docx", help="gabarit à vérifier")
    verifier.set_defaults(executer=commande_verifier_gabarit)

    catalogue = commandes.add_parser("catalogue", help="liste les missions, objectifs et actions de l'annexe-type")
    catalogue.set_defaults(executer=commande_catalogue)

    exemple = commandes.add_parser("exemple", help="affiche un fichier de départ commenté")
    exemple.set_defaults(executer=commande_exemple)

    serveur = commandes.add_parser("serveur", help="interface web : déposer un fichier, recevoir la convention")
    serveur.add_argument("--hote", default="127.0.0.1", help="adresse d'écoute (défaut : 127.0.0.1, ce poste seul)")
    serveur.add_argument("--port", type=int, default=8000, help="port d'écoute (défaut : 8000)")
    serveur.add_argument(
        "--jeton", help="jeton d'accès exigé de chaque requête (ou variable CONVGEN_JETON) ; obligatoire hors 127.0.0.1"
    )
    serveur.set_defaults(executer=commande_serveur)

    _commandes_cycle(commandes)
    return analyseur


def main(argv: Sequence[str] | None = None) -> int:
    """Point d'entrée : rend le code de sortie ; une erreur de convgen s'affiche sans trace d'appel."""
    from convgen.erreurs import ErreurConvgen

    arguments = _analyseur().parse_args(argv)
    executer: Callable[[argparse.Namespace], int] = arguments.executer
    signal_recu = _arret_sur_sigterm()
    try:
        return executer(arguments)
    except ErreurConvgen as exc:
        print(f"convgen : {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # dernier recours : disque plein, droits… jamais de trace d'appel
        from convgen.erreurs import motif_systeme

        print(f"convgen : {exc.filename or ''} : {motif_systeme(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        # Les processus de rendu et LibreOffice ont été arrêtés en remontant jusqu'ici (lot.py, pdf.py).
        print("convgen : interrompu.", file=sys.stderr)
        return 128 + (signal_recu[0] if signal_recu else signal.SIGINT)


def _arret_sur_sigterm() -> list[int]:
    """SIGTERM devient une interruption comme Ctrl-C : le lot arrête proprement ses processus et LibreOffice
    (par défaut, SIGTERM tue Python sur-le-champ et laisse orphelins ses processus). Rend la liste où le
    numéro du signal reçu sera noté."""
    recu: list[int] = []

    def interrompre(numero: int, _cadre: object) -> None:
        recu.append(numero)
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, interrompre)
    return recu
