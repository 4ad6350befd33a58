"""The service floor: what the window and the command line both do, without Qt.

- :class:`ProfileBook` — the profiles, saved and session secrets, the demo profile, the rules
  of new / duplicate / save / delete, "modified?", and the snapshot that is saved.
- :class:`ClientPool` — one :class:`~enkash_desktop.core.client.EnkashClient` per profile and
  secrets, with its failure counter; a replaced client is closed once it is idle.
- :class:`CallRecorder` — the one place where a finished call reaches the history; results
  wait in memory until the history opens, and a history that cannot be written is said.

Imports: ``core`` and ``store`` only (checked by lint-imports).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client_pool import ClientPool
    from .profile_book import ProfileBook, SaveOutcome
    from .recorder import CallRecorder

__all__ = ["CallRecorder", "ClientPool", "ProfileBook", "SaveOutcome"]

# Each part loads when first asked for: the command line needs only the recorder. The
# imports are spelled out, so a bundle built from the sources finds them.
def __getattr__(name: str) -> Any:
    if name == "CallRecorder":
        from .recorder import CallRecorder

        return CallRecorder
    if name == "ClientPool":
        from .client_pool import ClientPool

        return ClientPool
    if name in ("ProfileBook", "SaveOutcome"):
        from . import profile_book

        return getattr(profile_book, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
