"""Gabarits Word : couche XML des .docx (:mod:`.docx_xml`), vérification située (:mod:`.verification`)
et rendu dans un bac à sable (:mod:`.rendu`), qui s'appuient tous deux sur la couche XML."""

__all__ = []
