"""Small widgets shared by the panels: masked secret fields, field messages, accents."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPointF, QRectF, QSize, Signal
from PySide6.QtGui import (
    QAction,
    QBrush,
    QColor,
    QIcon,
    QKeySequence,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPalette,
    QPixmap,
)
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QSizePolicy, QWidget

from .qtprops import set_enum

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent

# Accents chosen to read on both light and dark palettes; everything else uses palette roles.
ERROR_COLOR = QColor("#d64545")
WARNING_COLOR = QColor("#c98a00")
SUCCESS_COLOR = QColor("#2f9e5b")
PRODUCTION_COLOR = QColor("#c62828")


def _eye_icon(brush: QBrush, *, crossed: bool) -> QIcon:
    """A small eye (or a crossed-out eye) drawn with ``brush``; no icon theme needed.

    Drawn once per colour and kind: every secret field shares it, and Send shows the token.
    """
    key = (brush.color().rgba(), crossed)
    icon = _EYE_ICONS.get(key)
    if icon is None:
        icon = _EYE_ICONS[key] = _draw_eye(brush, crossed=crossed)
    return icon


_EYE_ICONS: dict[tuple[int, bool], QIcon] = {}


def _draw_eye(brush: QBrush, *, crossed: bool) -> QIcon:
    # The outline is stroked into a shape and filled with a palette brush: QPainter.setPen
    # and any QColor-to-QBrush conversion would create the whole Qt namespace before the
    # first paint (see qtprops).
    icon = QIcon()
    for size in (16, 24, 32, 48):
        s = float(size)
        outline = QPainterPath(QPointF(s * 0.08, s * 0.5))
        outline.quadTo(QPointF(s * 0.5, s * 0.08), QPointF(s * 0.92, s * 0.5))
        outline.quadTo(QPointF(s * 0.5, s * 0.92), QPointF(s * 0.08, s * 0.5))
        if crossed:
            outline.moveTo(QPointF(s * 0.15, s * 0.85))
            outline.lineTo(QPointF(s * 0.85, s * 0.15))
        stroker = QPainterPathStroker()
        stroker.setWidth(max(1.0, size / 12))
        shape = stroker.createStroke(outline)
        shape.addEllipse(QRectF(s * 0.38, s * 0.38, s * 0.24, s * 0.24))
        pixmap = QPixmap(size, size)
        pixmap.fill(QColor(0, 0, 0, 0))  # transparent
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillPath(shape, brush)
        painter.end()
        icon.addPixmap(pixmap)
    return icon


class SecretLineEdit(QLineEdit):
    """A masked line edit with a trailing show/hide action (keyboard: Alt+S while focused).

    The eye is drawn in the palette's placeholder colour; when the palette changes (the
    system switched between light and dark) the window calls :meth:`refresh_icon` through a
    :class:`PaletteWatcher`.
    """

    revealedChanged = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEchoMode(QLineEdit.EchoMode.Password)
        set_enum(self, "inputMethodHints",
                 "ImhHiddenText|ImhNoPredictiveText|ImhSensitiveData")
        self.toggle_action = QAction(self)
        self.toggle_action.setCheckable(True)
        self.toggle_action.setShortcuts([QKeySequence("Alt+S")])
        set_enum(self.toggle_action, "shortcutContext", "WidgetShortcut")
        self.toggle_action.toggled.connect(self.set_revealed)
        self.addAction(self.toggle_action, QLineEdit.ActionPosition.TrailingPosition)
        self.refresh_icon()

    @property
    def revealed(self) -> bool:
        return self.echoMode() == QLineEdit.EchoMode.Normal

    def set_revealed(self, revealed: bool) -> None:
        self.setEchoMode(QLineEdit.EchoMode.Normal if revealed else QLineEdit.EchoMode.Password)
        if self.toggle_action.isChecked() != revealed:
            self.toggle_action.setChecked(revealed)
        self.refresh_icon()
        self.revealedChanged.emit(revealed)

    def refresh_icon(self) -> None:
        """Draw the eye (open or crossed out) and its texts for the current palette."""
        brush = self.palette().brush(QPalette.ColorRole.PlaceholderText)
        if self.revealed:
            self.toggle_action.setIcon(_eye_icon(brush, crossed=True))
            self.toggle_action.setText(self.tr("Hide"))
            self.toggle_action.setToolTip(self.tr("Hide the value (Alt+S)"))
        else:
            self.toggle_action.setIcon(_eye_icon(brush, crossed=False))
            self.toggle_action.setText(self.tr("Show"))
            self.toggle_action.setToolTip(self.tr("Show the value (Alt+S)"))


class FieldMessage(QLabel):
    """The line under a field: an error (red), a warning (amber), or nothing (hidden)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        set_enum(self, "textFormat", "PlainText")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        font = self.font()
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
        self.setFont(font)
        self.kind = ""
        self.hide()

    def show_message(self, text: str, kind: str = "error") -> None:
        """Show ``text`` as an ``"error"`` or a ``"warning"``; an empty text hides the line."""
        if not text:
            self.kind = ""
            self.clear()
            self.hide()
            return
        self.kind = kind
        color = ERROR_COLOR if kind == "error" else WARNING_COLOR
        self.setStyleSheet(f"color: {color.name()};")
        self.setText(text)
        self.show()


class Banner(QLabel):
    """A full-width coloured strip (the production marker, notices)."""

    def __init__(self, color: QColor | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        set_enum(self, "textFormat", "PlainText")
        set_enum(self, "alignment", "AlignCenter")
        self.setMargin(6)
        self.setFrameShape(QFrame.Shape.NoFrame)
        if color is not None:
            self.setAutoFillBackground(True)
            self.setStyleSheet(
                f"background-color: {color.name()}; color: white; font-weight: bold;"
                "border-radius: 4px;"
            )
        self.hide()

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(min(hint.width(), 400), hint.height())


class PasteFilter(QObject):
    """Hands the paste shortcut (Ctrl+V) to ``handle()`` first; the field pastes as usual
    unless ``handle`` returns True (the window imports a curl command into an empty form)."""

    def __init__(self, handle: Callable[[], bool], parent: QObject | None = None) -> None:
        from PySide6.QtCore import QEvent  # here, not at the top: see PaletteWatcher
        from PySide6.QtGui import QKeyEvent

        super().__init__(parent)
        self._handle = handle
        self._key_press = QEvent.Type.KeyPress
        self._key_event = QKeyEvent

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == self._key_press and isinstance(event, self._key_event) \
                and event.matches(QKeySequence.StandardKey.Paste) and self._handle():
            event.accept()
            return True
        return super().eventFilter(watched, event)


class PaletteWatcher(QObject):
    """Calls ``changed()`` when the watched widget's palette changes (light/dark switch).

    One watcher on the window, installed after its first paint, instead of a Python
    ``changeEvent`` on every masked field: PySide builds its ``QEvent`` type (~4 ms) the first
    time an event reaches Python, and the fields receive events while they are built.
    """

    def __init__(self, changed: Callable[[], None], parent: QObject | None = None) -> None:
        from PySide6.QtCore import QEvent

        super().__init__(parent)
        self._changed = changed
        self._palette_change = QEvent.Type.PaletteChange

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == self._palette_change:
            from PySide6.QtCore import QTimer

            # The window hears of it before its children have the new palette.
            QTimer.singleShot(0, self, self._changed)
        return super().eventFilter(watched, event)
