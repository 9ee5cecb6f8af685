"""``python -m convgen`` : la même chose que la commande ``convgen``."""

import sys

from convgen.cli import main

sys.exit(main())
