"""``python -m convgen`` : la même chose que la commande ``convgen``."""

import sys

from convgen.cli import main

if __name__ == "__main__":  # les processus de rendu d'un lot réimportent ce module
    sys.exit(main())
