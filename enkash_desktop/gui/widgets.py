"""Small widgets shared by the panels: masked secret fields, field messages, accents."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPainterPath, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QSizePolicy, QWidget

# Accents chosen to read on both light and dark palettes; everything else uses palette roles.
ERROR_COLOR = QColor("#d64545")
WARNING_COLOR = QColor("#c98a00")
SUCCESS_COLOR = QColor("#2f9e5b")
PRODUCTION_COLOR = QColor("#c62828")


def _eye_icon(color: QColor, *, crossed: bool) -> QIcon:
    """A small eye (or a crossed-out eye) drawn in ``color``; no icon theme needed.

    Drawn once per colour and kind: every secret field shares it, and Send shows the token.
    """
    key = (color.rgba(), crossed)
    icon = _EYE_ICONS.get(key)
    if icon is None:
        icon = _EYE_ICONS[key] = _draw_eye(color, crossed=crossed)
    return icon


_EYE_ICONS: dict[tuple[int, bool], QIcon] = {}


def _draw_eye(color: QColor, *, crossed: bool) -> QIcon:
    icon = QIcon()
    for size in (16, 24, 32, 48):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(color, max(1.0, size / 12))
        painter.setPen(pen)
        s = float(size)
        path = QPainterPath(QPointF(s * 0.08, s * 0.5))
        path.quadTo(QPointF(s * 0.5, s * 0.08), QPointF(s * 0.92, s * 0.5))
        path.quadTo(QPointF(s * 0.5, s * 0.92), QPointF(s * 0.08, s * 0.5))
        painter.drawPath(path)
        painter.setBrush(color)
        painter.drawEllipse(QRectF(s * 0.38, s * 0.38, s * 0.24, s * 0.24))
        if crossed:
            painter.drawLine(QPointF(s * 0.15, s * 0.85), QPointF(s * 0.85, s * 0.15))
        painter.end()
        icon.addPixmap(pixmap)
    return icon


class SecretLineEdit(QLineEdit):
    """A masked line edit with a trailing show/hide action (keyboard: Alt+S while focused)."""

    revealedChanged = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEchoMode(QLineEdit.EchoMode.Password)
        self.setInputMethodHints(Qt.InputMethodHint.ImhHiddenText
                                 | Qt.InputMethodHint.ImhNoPredictiveText
                                 | Qt.InputMethodHint.ImhSensitiveData)
        self.toggle_action = QAction(self)
        self.toggle_action.setCheckable(True)
        self.toggle_action.setShortcut("Alt+S")
        self.toggle_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.toggle_action.toggled.connect(self.set_revealed)
        self.addAction(self.toggle_action, QLineEdit.ActionPosition.TrailingPosition)
        self._update_action()

    @property
    def revealed(self) -> bool:
        return self.echoMode() == QLineEdit.EchoMode.Normal

    def set_revealed(self, revealed: bool) -> None:
        self.setEchoMode(QLineEdit.EchoMode.Normal if revealed else QLineEdit.EchoMode.Password)
        if self.toggle_action.isChecked() != revealed:
            self.toggle_action.setChecked(revealed)
        self._update_action()
        self.revealedChanged.emit(revealed)

    def _update_action(self) -> None:
        color = self.palette().color(QPalette.ColorRole.PlaceholderText)
        if self.revealed:
            self.toggle_action.setIcon(_eye_icon(color, crossed=True))
            self.toggle_action.setText(self.tr("Hide"))
            self.toggle_action.setToolTip(self.tr("Hide the value (Alt+S)"))
        else:
            self.toggle_action.setIcon(_eye_icon(color, crossed=False))
            self.toggle_action.setText(self.tr("Show"))
            self.toggle_action.setToolTip(self.tr("Show the value (Alt+S)"))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._update_action()


class FieldMessage(QLabel):
    """The line under a field: an error (red), a warning (amber), or nothing (hidden)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
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
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
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
