"""Entry script of the bundled `enkash-desktop` (PyInstaller needs a script, not an entry point)."""

from __future__ import annotations

import sys

from enkash_desktop.app import main

if __name__ == "__main__":
    sys.exit(main())
