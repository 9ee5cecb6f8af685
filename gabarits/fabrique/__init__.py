"""Fabrique du gabarit Word de la convention, en modules.

Le point d'entrée reste ``gabarits/fabriquer_gabarit.py``, qui assemble les morceaux :

- :mod:`constantes` : police, couleurs, mise en page et noms de styles ;
- :mod:`ooxml` : outils OOXML bruts (éléments, polices, champs, bordures, fonds, largeurs) ;
- :mod:`briques` : paragraphes d'un seul run et tableaux à largeurs fixes ;
- :mod:`paquet` : nettoyage du paquet, propriétés, réglages, thème, enregistrement reproductible ;
- :mod:`styles` : styles, listes à tirets, mise en page, en-tête et pied de page ;
- :mod:`convention` et :mod:`clauses` : texte de la convention et blocs de signature ;
- :mod:`annexe` : la section paysage de l'annexe et sa synthèse financière.
"""
