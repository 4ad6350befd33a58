"""`python -m enkash_desktop` opens the window (see :mod:`enkash_desktop.app`)."""

import sys

from enkash_desktop.app import main

sys.exit(main())
