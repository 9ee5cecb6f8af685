"""Banc d'essai du traitement par lot (ce n'est pas un test : il mesure et imprime des rapports).

Mesure côte à côte, dans la même exécution, sur le même gabarit et les mêmes données :

1. .docx : conventions par seconde de ``generer_lot`` contre une boucle docxtpl simple
   (charger le gabarit, rendre le contexte de ``construire_contexte``, enregistrer, pour
   chaque convention), à 150 et à 1 000 conventions — cible : au moins 30 fois à 150 ; le
   meilleur de trois essais alternés à 150 (la machine est partagée), un seul à 1 000 ;
   puis le coût de chaque étape (lecture, règles, contexte, rendu, archive, écriture) ;
2. PDF : ``generer_lot(..., pdf=True)`` contre un appel ``soffice --convert-to pdf`` par
   document, à 24 conventions — cible : au moins 8 fois ; et ce que coûte la finition PDF/A
   (pikepdf : métadonnées concordantes et reproductibles), faite pendant la conversion suivante ;
3. mémoire de pointe pour 50 et 1000 conventions (processus principal et processus
   de rendu) — cible : elle ne croît pas avec le nombre de conventions.

Usage : ``python tests/perf/banc_lot.py [--docx 150,1000] [--pdf 24] [--memoire 50,1000]``.
Les conventions sont toutes distinctes (noms, montants, budgets), comme dans un vrai lot.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

RACINE = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(RACINE))

REGIONS = [
    "Alsace", "Aquitaine", "Auvergne", "Basse-Normandie", "Bourgogne", "Bretagne", "Centre",
    "Champagne-Ardenne", "Corse", "Franche-Comté", "Haute-Normandie", "Île-de-France",
    "Languedoc-Roussillon", "Limousin", "Lorraine", "Midi-Pyrénées", "Nord-Pas-de-Calais",
    "Pays de la Loire", "Picardie", "Poitou-Charentes", "Provence-Alpes-Côte d'Azur", "Rhône-Alpes",
    "Guadeloupe", "Martinique", "Guyane", "La Réunion",
]  # fmt: skip
PATRONYMES = ["Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent"]


def preparer_donnees(dossier: Path, nombre: int) -> list[Path]:
    """``nombre`` conventions valides et toutes distinctes, comme celles d'un vrai lot : régions, noms de
    structures et de signataires, numéros, budgets et montants (donc montants en lettres) varient."""
    from convgen.chargement import lire

    modeles = [lire(RACINE / "donnees_exemple" / n)[0] for n in
               ("auvergne_2009_tripartite.yaml", "bretagne_2009_bipartite.yaml")]  # fmt: skip
    dossier.mkdir(parents=True, exist_ok=True)
    chemins = []
    for i in range(nombre):
        donnees = copy.deepcopy(modeles[i % 2])
        donnees["region"] = REGIONS[i % len(REGIONS)]
        donnees["structure"]["sigle"] = f"ARML {i:04d}"
        donnees["structure"]["nom"] = f"Association régionale des missions locales n° {i} ({REGIONS[i % len(REGIONS)]})"
        donnees["structure"]["representant"]["nom"] = f"{PATRONYMES[i % len(PATRONYMES)]}-{i}"
        donnees["numero"] = f"BANC-{i:04d}"
        donnees["budget_missions_locales"] = donnees["budget_missions_locales"] + 1000 * i
        _ajouter_a_l_etat(donnees, Decimal(i) + Decimal(i % 100) / 100)
        chemin = dossier / f"convention_{i:04d}.json"
        chemin.write_text(json.dumps(donnees, default=str, ensure_ascii=False), encoding="utf-8")
        chemins.append(chemin)
    return chemins


def _ajouter_a_l_etat(donnees: dict[str, Any], ecart: Decimal) -> None:
    """Ajoute ``ecart`` à la part de l'État de la première action (coût et échéancier suivent)."""
    action = donnees["actions"][0]
    financement = next(f for f in action["financements"] if f["financeur"] == "etat")
    financement["montant"] = Decimal(str(financement["montant"])) + ecart
    if action.get("cout") is not None:
        action["cout"] = Decimal(str(action["cout"])) + ecart
    if donnees.get("versements"):
        dernier = donnees["versements"][-1]
        dernier["montant"] = Decimal(str(dernier["montant"])) + ecart


def boucle_docxtpl(chemins: list[Path], sortie: Path) -> float:
    """La référence : docxtpl tel qu'on l'emploie d'habitude, un rendu complet par convention."""
    from docxtpl import DocxTemplate
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    import convgen
    from convgen.gabarit.rendu import chemin_gabarit_par_defaut

    gabarit = chemin_gabarit_par_defaut()
    sortie.mkdir(parents=True, exist_ok=True)
    debut = time.perf_counter()
    for chemin in chemins:
        contexte = convgen.construire_contexte(convgen.charger(chemin))
        modele = DocxTemplate(gabarit)
        modele.render(contexte, jinja_env=SandboxedEnvironment(undefined=StrictUndefined), autoescape=True)
        modele.save(sortie / f"{chemin.stem}.docx")
    return time.perf_counter() - debut


def lot(chemins: list[Path], sortie: Path, *, pdf: bool = False) -> float:
    """Un lot, gabarit compris : oublié par ce processus, il est relu et compilé comme au premier appel."""
    from convgen.gabarit import docx_xml, rendu
    from convgen.lot import generer_lot

    rendu._gabarit_en_cache.cache_clear()
    docx_xml._preparer.cache_clear()
    debut = time.perf_counter()
    rapport = generer_lot([str(c) for c in chemins], sortie, pdf=pdf)
    duree = time.perf_counter() - debut
    assert rapport.echecs == 0, [ligne.message for ligne in rapport.lignes if ligne.message]
    return duree


def soffice_par_document(documents: list[Path], sortie: Path) -> float:
    """La référence PDF : un appel de LibreOffice par document (profil dédié, réutilisé)."""
    from convgen.pdf import trouver_soffice

    soffice = trouver_soffice()
    profil = Path(tempfile.mkdtemp(prefix="banc-lo-"))
    debut = time.perf_counter()
    for document in documents:
        subprocess.run(
            [soffice, f"-env:UserInstallation={profil.as_uri()}", "--headless", "--convert-to", "pdf",
             "--outdir", str(sortie), str(document)],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
    duree = time.perf_counter() - debut
    shutil.rmtree(profil, ignore_errors=True)
    return duree


def finition(pdfs: list[Path], documents: list[Path], dossier: Path) -> float:
    """Millisecondes de ``finaliser_pdf`` par PDF, sur des copies des PDF que LibreOffice a écrits."""
    from convgen.pdfa import finaliser_pdf

    dossier.mkdir(parents=True, exist_ok=True)
    copies = [Path(shutil.copy(pdf, dossier / pdf.name)) for pdf in pdfs]
    debut = time.perf_counter()
    for copie, document in zip(copies, documents, strict=True):
        finaliser_pdf(copie, document)
    return 1000 * (time.perf_counter() - debut) / len(copies)


def memoire(nombre: int) -> dict[str, float]:
    """Mémoire de pointe (Mio) d'un lot de ``nombre`` conventions, mesurée dans un processus neuf."""
    code = (
        "import json, resource, sys, tempfile; from pathlib import Path; "
        f"sys.path.insert(0, {str(RACINE)!r}); sys.path.insert(0, {str(Path(__file__).parent)!r}); "
        "import banc_lot; d = Path(tempfile.mkdtemp()); "
        f"c = banc_lot.preparer_donnees(d / 'e', {nombre}); banc_lot.lot(c, d / 's'); "
        "print(json.dumps({'principal': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "
        "'rendu': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))"
    )
    sortie = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    resultat: dict[str, float] = json.loads(sortie.stdout.strip().splitlines()[-1])
    return resultat


def phases(chemins: list[Path], sortie: Path) -> dict[str, float]:
    """Millisecondes par convention de chaque étape, dans ce processus (gabarit déjà compilé)."""
    from convgen.chargement import depuis_donnees, lire
    from convgen.contexte import construire_contexte
    from convgen.fichiers import ecrire_atomique
    from convgen.gabarit.rendu import charger_gabarit
    from convgen.regles import valider

    gabarit = charger_gabarit(None)
    sortie.mkdir(parents=True, exist_ok=True)
    durees = dict.fromkeys(("lecture", "règles", "contexte", "rendu", "archive", "écriture"), 0.0)
    for chemin in chemins:
        instants = [time.perf_counter()]
        convention = depuis_donnees(lire(chemin)[0])
        instants.append(time.perf_counter())
        valider(convention)
        instants.append(time.perf_counter())
        contexte = construire_contexte(convention)
        instants.append(time.perf_counter())
        parties = gabarit.rendre_parties(contexte)
        instants.append(time.perf_counter())
        octets = gabarit.archiver(parties)
        instants.append(time.perf_counter())
        ecrire_atomique(sortie / f"{chemin.stem}.docx", octets)
        instants.append(time.perf_counter())
        for etape, avant, apres in zip(durees, instants, instants[1:], strict=False):
            durees[etape] += apres - avant
    return {etape: 1000 * duree / len(chemins) for etape, duree in durees.items()}


def comparer_docx(dossier: Path, nombre: int) -> tuple[float, float]:
    """(boucle docxtpl, generer_lot) en conventions par seconde, sur les mêmes ``nombre`` conventions.

    Le disque est vidé (``sync``) avant chaque mesure : les écritures que la boucle docxtpl laisse en
    mémoire ne sont pas comptées au lot, qui force chaque document sur le disque avant de le consigner.
    Jusqu'à 200 conventions, chaque côté est mesuré trois fois, en alternance, et le meilleur temps retenu."""
    chemins = preparer_donnees(dossier / f"entrees_{nombre}", nombre)
    simples, rapides = [], []
    for essai in range(3 if nombre <= 200 else 1):  # machine partagée : le meilleur de trois, de part et d'autre
        os.sync()
        simples.append(boucle_docxtpl(chemins, dossier / f"docxtpl_{nombre}_{essai}"))
        os.sync()
        rapides.append(lot(chemins, dossier / f"lot_{nombre}_{essai}"))
    return nombre / min(simples), nombre / min(rapides)


def main() -> int:
    analyseur = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    analyseur.add_argument("--docx", default="150,1000", help="tailles des lots .docx comparés")
    analyseur.add_argument("--pdf", type=int, default=24, help="conventions du banc PDF (0 : sauté)")
    analyseur.add_argument("--memoire", default="50,1000", help="tailles de lot pour la mémoire")
    arguments = analyseur.parse_args()
    print(f"Machine : {os.cpu_count()} cœurs ; Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="banc-") as temporaire:
        dossier = Path(temporaire)
        for nombre in (int(n) for n in arguments.docx.split(",") if n):
            simple, rapide = comparer_docx(dossier, nombre)
            print(f"docx : {nombre:5d} conventions : boucle docxtpl {simple:6.1f} conv./s ; generer_lot "
                  f"{rapide:7.1f} conv./s ; rapport {rapide / simple:5.1f} (cible ≥ 30 à 150)")  # fmt: skip
        echantillon = preparer_donnees(dossier / "phases", 150)
        par_phase = phases(echantillon, dossier / "phases_sortie")
        print("phases (ms par convention, un processus) : "
              + " ; ".join(f"{etape} {ms:.2f}" for etape, ms in par_phase.items())
              + f" ; total {sum(par_phase.values()):.2f}")  # fmt: skip
        if arguments.pdf:
            chemins = preparer_donnees(dossier / "entrees_pdf", arguments.pdf)
            documents = sorted((dossier / "phases_sortie").glob("*.docx"))[: arguments.pdf]
            os.sync()
            reference = soffice_par_document(documents, dossier / "pdf_simple")
            os.sync()
            par_lot = lot(chemins, dossier / "lot_pdf", pdf=True)
            print(f"pdf  : {arguments.pdf} conventions : soffice par document {arguments.pdf / reference:5.2f} "
                  f"conv./s ; generer_lot(pdf=True) {arguments.pdf / par_lot:5.2f} conv./s ; "
                  f"rapport {reference / par_lot:5.1f} (cible ≥ 8)")  # fmt: skip
            pdfs = [dossier / "pdf_simple" / f"{d.stem}.pdf" for d in documents]
            ms = finition(pdfs, documents, dossier / "finition")
            print(f"pdf  : finition PDF/A (pikepdf) {ms:.1f} ms par PDF, faite pendant la conversion suivante")
    tailles = [int(n) for n in arguments.memoire.split(",") if n]
    mesures = {n: memoire(n) for n in tailles}
    for n, m in mesures.items():
        print(f"mémoire : {n:5d} conventions : principal {m['principal']:6.1f} Mio ; rendu {m['rendu']:6.1f} Mio")
    if len(tailles) >= 2:
        petit, grand = mesures[tailles[0]], mesures[tailles[-1]]
        rendu = f"{grand['rendu'] / petit['rendu']:4.2f}" if petit["rendu"] else "non mesuré"
        print(f"mémoire : rapport {tailles[-1]}/{tailles[0]} : principal {grand['principal'] / petit['principal']:4.2f}"
              f" ; rendu {rendu} (cible ≈ 1)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
