"""Entry script of the bundled `enkash-sso` command (shares the folder with the app)."""

from __future__ import annotations

import sys

from enkash_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
