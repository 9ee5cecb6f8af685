"""Pont UNO vers un LibreOffice déjà lancé : lancé par :class:`convgen.convertisseur.ConvertisseurPdf`.

Ce script tourne sous le Python qui connaît le module ``uno`` de LibreOffice (sous
Debian, celui du système, paquet python3-uno), pas forcément celui de convgen : il
n'importe donc que la bibliothèque standard et ``uno``. Il lit sur son entrée une
demande JSON par ligne (``{"entree": …, "sortie": …, "pdfa": true}``) et répond une
ligne JSON (``{"ok": true}`` ou ``{"erreur": "…"}``) ; ``{"pret": true}`` annonce la
connexion établie. Une panne de LibreOffice le fait sortir : le convertisseur relance
alors LibreOffice et le pont.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from typing import Any

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def _propriete(nom: str, valeur: object) -> Any:
    propriete = PropertyValue()
    propriete.Name = nom
    propriete.Value = valeur
    return propriete


def _connecter(tuyau: str, delai: float) -> Any:
    local = uno.getComponentContext()
    resolveur = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    limite = time.monotonic() + delai
    while True:
        try:
            contexte = resolveur.resolve(f"uno:pipe,name={tuyau};urp;StarOffice.ComponentContext")
            return contexte.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", contexte)
        except Exception:
            if time.monotonic() > limite:
                raise
            time.sleep(0.1)


def _convertir(bureau: Any, entree: str, sortie: str, pdfa: bool) -> None:
    # Lecture seule : pas de fichier verrou à côté du document, et un peu plus rapide ; même PDF.
    chargement = tuple(
        _propriete(nom, valeur)
        for nom, valeur in (("Hidden", True), ("ReadOnly", True), ("FilterName", "MS Word 2007 XML"))
    )
    document = bureau.loadComponentFromURL(uno.systemPathToFileUrl(entree), "_blank", 0, chargement)
    if document is None:
        raise ValueError("LibreOffice n'a pas pu ouvrir le document")
    try:
        options = [_propriete("UseTaggedPDF", True)]
        if pdfa:
            options.append(_propriete("SelectPdfVersion", 2))  # PDF/A-2b : polices incorporées
        donnees = uno.Any("[]com.sun.star.beans.PropertyValue", tuple(options))
        export = (_propriete("FilterName", "writer_pdf_Export"), _propriete("FilterData", donnees))
        uno.invoke(document, "storeToURL", (uno.systemPathToFileUrl(sortie), export))
    finally:
        document.close(True)


def main() -> int:
    tuyau, delai = sys.argv[1], float(sys.argv[2])
    bureau = _connecter(tuyau, delai)
    try:
        print(json.dumps({"pret": True}), flush=True)
        for ligne in sys.stdin:
            demande = json.loads(ligne)
            try:
                _convertir(bureau, demande["entree"], demande["sortie"], bool(demande["pdfa"]))
                reponse: dict[str, object] = {"ok": True}
            except Exception as exc:
                if "DisposedException" in type(exc).__name__ or "RuntimeException" in type(exc).__name__:
                    return 3  # LibreOffice est tombé : le convertisseur relance tout
                reponse = {"erreur": f"{type(exc).__name__} : {exc}"}
            print(json.dumps(reponse, ensure_ascii=False), flush=True)
    finally:
        # Entrée fermée ou réponse impossible : le convertisseur a fini, ou son processus est mort (même tué
        # par SIGKILL, pendant que LibreOffice démarrait) ; LibreOffice ne lui survit pas.
        with contextlib.suppress(Exception):  # déjà arrêté, ou tombé : rien à faire
            bureau.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
