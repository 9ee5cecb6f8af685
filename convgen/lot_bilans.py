"""Les comptes rendus d'exécution d'un lot (``convgen lot … --bilans DOSSIER``).

Chaque réalisation du dossier (YAML ou JSON) est appariée à la convention du lot de même année, même
région et même structure : la réalisation ne nomme pas la structure (son format est celui de
``convgen bilan``), l'appariement se fait donc sur l'année et la région, et une région qui compte
plusieurs structures dans le lot rend la réalisation ambiguë (échec signalé, rien n'est écrit). Le
compte rendu (.docx, .xlsx et, avec ``pdf``, .pdf) est écrit à côté des conventions ; la ligne de la
convention dans la synthèse reçoit le coût réalisé et le reversement dû.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from convgen.bilan import Bilan, Realisation, controler_bilan
from convgen.cycle import charger_realisation, ecrire_documents, rendre_bilan
from convgen.erreurs import Constat, DonneesInvalides, ErreurConvgen, FichierIllisible, Gravite
from convgen.fichiers import chemin_dans, nom_sain
from convgen.modele import Convention
from convgen.production import Statut, examiner_source
from convgen.rapport import empreinte_fichiers
from convgen.tableur.bilan import classeur_bilan

EXTENSIONS = (".yaml", ".yml", ".json", ".xlsx")
VERSION = "bilan"


def _ligne(
    indice: int,
    source: Path,
    statut: Statut,
    *,
    constats: Sequence[Constat] = (),
    message: str = "",
    fichiers: Sequence[Path] = (),
) -> dict[str, Any]:
    """Une ligne du rapport du lot, de la même forme que celles des conventions."""
    return {
        "indice": indice,
        "source": str(source),
        "version": VERSION,
        "statut": str(statut),
        "empreinte_entree": empreinte_fichiers([source]) if source.is_file() else "",
        "fichiers": [{"chemin": str(f), "sha256": empreinte_fichiers([f])} for f in fichiers],
        "constats": [
            {"code": c.code, "gravite": str(c.gravite), "chemin": c.chemin, "ligne": c.ligne, "message": c.message}
            for c in constats
        ],
        "message": message,
        "synthese": None,
    }


def _conventions(lignes: Sequence[dict[str, Any]], realisation: Realisation) -> dict[str, dict[str, Any]]:
    """Les lignes produites de même année et même région, une par structure (les versions se confondent)."""
    trouvees: dict[str, dict[str, Any]] = {}
    for ligne in lignes:
        s = ligne.get("synthese")
        if (
            s
            and ligne["statut"] in (Statut.PRODUIT, Statut.REPRIS)
            and (s["annee"], s["region"])
            == (
                realisation.annee,
                realisation.region,
            )
        ):
            trouvees.setdefault(s["structure"], ligne)
    return trouvees


def _convention(ligne: dict[str, Any]) -> Convention | None:
    s = ligne["synthese"]
    for examen in examiner_source(ligne["source"]):
        c = examen.convention
        if c is not None and (c.annee, c.region, c.structure.designation) == (s["annee"], s["region"], s["structure"]):
            return c
    return None


def produire_bilans(
    lignes: Sequence[dict[str, Any]], dossier: str | Path, sortie: Path, *, pdf: bool = False, ecraser: bool = False
) -> list[dict[str, Any]]:
    """Les lignes du rapport des comptes rendus ; complète la synthèse des conventions appariées."""
    dossier = Path(dossier)
    if not dossier.is_dir():
        motif = Constat("fichier-illisible", Gravite.ERREUR, "dossier des réalisations introuvable")
        return [_ligne(len(lignes), dossier, Statut.REFUSE, constats=[motif])]
    fichiers = sorted(p for p in dossier.iterdir() if p.suffix.lower() in EXTENSIONS)
    return [
        _produire(rang, fichier, lignes, sortie, pdf=pdf, ecraser=ecraser)
        for rang, fichier in enumerate(fichiers, start=len(lignes))
    ]


def _produire(
    rang: int, fichier: Path, lignes: Sequence[dict[str, Any]], sortie: Path, *, pdf: bool, ecraser: bool
) -> dict[str, Any]:
    try:
        realisation = charger_realisation(fichier)
    except FichierIllisible as exc:
        return _ligne(rang, fichier, Statut.REFUSE, constats=[Constat("fichier-illisible", Gravite.ERREUR, exc.motif)])
    except DonneesInvalides as exc:
        return _ligne(rang, fichier, Statut.REFUSE, constats=exc.constats)
    candidates = _conventions(lignes, realisation)
    if len(candidates) != 1:
        message = (
            f"aucune convention {realisation.annee} de la région {realisation.region} n'a été produite dans ce lot"
            if not candidates
            else f"{len(candidates)} structures de la région {realisation.region} dans ce lot "
            f"({', '.join(sorted(candidates))}) : réalisation ambiguë, produisez son compte rendu avec convgen bilan"
        )
        return _ligne(rang, fichier, Statut.ECHEC, message=message)
    (ligne,) = candidates.values()
    convention = _convention(ligne)
    if convention is None:
        return _ligne(rang, fichier, Statut.ECHEC, message=f"{ligne['source']} ne se relit plus")
    try:
        octets, bilan = rendre_bilan(convention, realisation)
        structure = nom_sain(convention.structure.sigle or convention.structure.nom)[:40]
        docx = chemin_dans(sortie, f"bilan_{convention.annee}_{nom_sain(convention.region)}_{structure}.docx")
        ecrits = ecrire_documents(docx, octets, pdf=pdf, ecraser=ecraser, voisins={".xlsx": classeur_bilan(bilan)})
    except DonneesInvalides as exc:
        return _ligne(rang, fichier, Statut.REFUSE, constats=exc.constats)
    except ErreurConvgen as exc:
        return _ligne(rang, fichier, Statut.ECHEC, message=str(exc))
    ligne["synthese"] = {**ligne["synthese"], **_chiffres(bilan)}
    alertes = [c for c in controler_bilan(convention, realisation) if c.gravite is Gravite.ALERTE]
    return _ligne(rang, fichier, Statut.PRODUIT, constats=alertes, fichiers=ecrits)


def _chiffres(bilan: Bilan) -> dict[str, str]:
    """Les colonnes ajoutées à la synthèse (en texte dans le JSON, comme les autres montants)."""
    return {"cout_realise": str(bilan.total.realise), "reversement_du": str(bilan.etat.reversement)}
