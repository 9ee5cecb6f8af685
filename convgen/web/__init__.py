"""Interface web de convgen (``convgen serveur``) : déposer un fichier, lire ses constats, recevoir la convention.

Une application ASGI (Starlette, servie par uvicorn) au-dessus de l'API publique :
:mod:`.application` (routes), :mod:`.reception` (envois bornés, un dossier temporaire par
requête), :mod:`.traitement` (examiner, produire, emballer), :mod:`.reponses` (pages, JSON,
documents), :mod:`.securite` (jeton, hôtes, en-têtes, journal d'accès),
:mod:`.conversion` (un LibreOffice partagé, file d'attente bornée) et :mod:`.serveur`
(lancement, refus d'écouter hors de la boucle locale sans jeton). Ses dépendances
viennent avec ``pip install "convgen[web]"``.
"""

__all__ = []
