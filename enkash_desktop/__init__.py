"""Enkash Desktop: mint an EnKash rewards SSO token and open the portal as the cardholder."""

import sys

__version__ = "0.1.0"
APP_NAME = "enkash-desktop"

# httpx imports its own command-line client (click, rich and pygments: about 8 MiB and a
# tenth of a second) whenever those happen to be installed, and this program never runs
# it. With this entry that import fails quietly; httpx then keeps a stub ``httpx.main``.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
