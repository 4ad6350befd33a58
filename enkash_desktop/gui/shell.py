"""What the controllers need of the window that holds them (the window implements it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from .worker import Job


class Shell(Protocol):
    """The window as its controllers see it: its state, its status line, its worker."""

    @property
    def ready(self) -> bool:
        """True once storage is attached (before, nothing can be loaded or sent)."""
        ...

    @property
    def closing(self) -> bool: ...

    def status(self, text: str) -> None:
        """Say ``text`` in the status bar for a while."""
        ...

    def show_notice(self, text: str) -> None:
        """Show ``text`` in the notice bar until dismissed."""
        ...

    def run_background(self, fn: Callable[[], object],
                       on_success: Callable[[object], None] | None,
                       on_failure: Callable[[object], None] | None = None,
                       *, name: str = "background",
                       on_finished: Callable[[Job], None] | None = None) -> Job | None:
        """Run ``fn`` on the window's private pool; results arrive on the GUI thread."""
        ...

    def widget(self) -> QWidget:
        """The parent for dialogs."""
        ...
