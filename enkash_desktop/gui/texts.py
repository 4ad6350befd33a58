"""Sentences from the Qt-free floors, passed through Qt's translator."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def tr_core(text: str) -> str:
    """Pass a sentence from the core through Qt's translator (the core has no Qt)."""
    return QCoreApplication.translate("EnkashError", text) if text else ""


def plural(count: int, one: str, many: str) -> str:
    """``one`` (already translated) when ``count`` is 1, else ``many`` with ``%d`` filled:
    "1 row is ready", "3 rows are ready"."""
    return one if count == 1 else many.replace("%d", str(count))
