"""The store's errors: a polite sentence for the user plus the technical detail for the log.

::

    StoreError            a per-user file or database could not be read or written
      SettingsError       the settings file cannot be saved (for instance it is read-only)

Foreign errors (sqlite3, OSError, keyring) are translated into these, or into a notice, at
one boundary per module; the keyring never raises to callers (see :mod:`.secrets`).
"""

from __future__ import annotations


class StoreError(Exception):
    """A storage failure the user can understand; ``detail`` is for the history and the log."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return self.message


class SettingsError(StoreError):
    """The settings could not be saved, so the file on disk was left as it was."""
