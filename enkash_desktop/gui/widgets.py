"""Small widgets shared by the panels: masked secret fields, field messages, accents."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSize, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QIcon,
    QKeySequence,
    QPalette,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from .qtprops import set_enum

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QBrush, QResizeEvent


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
    # first paint (see qtprops). The painting classes load with the first eye drawn.
    from PySide6.QtCore import QPointF, QRectF
    from PySide6.QtGui import QPainter, QPainterPath, QPainterPathStroker, QPixmap

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


def set_text_and_style(label: QLabel, text: str, style: str) -> None:
    """Set a status line; unchanged values are not set again (a style sheet repolishes the
    label, and a countdown sets it twice a second)."""
    if label.text() != text:
        label.setText(text)
        label.setToolTip(text)
    if label.styleSheet() != style:
        label.setStyleSheet(style)


class SecretLineEdit(QLineEdit):
    """A masked line edit with a trailing show/hide action (keyboard: Alt+F8 while focused,
    as in browsers' password fields; Alt+letters belong to the window's labels).

    The eye is drawn in the palette's placeholder colour; when the palette changes (the
    system switched between light and dark) the window calls :meth:`refresh_icon` through a
    :class:`PaletteWatcher`.
    """

    revealedChanged = Signal(bool)

    def __init__(self, parent: QWidget | None = None, *, eye_now: bool = True) -> None:
        """``eye_now=False`` leaves the eye undrawn until :meth:`show_eye` (a field that
        stays empty and disabled at first, like the result's token)."""
        super().__init__(parent)
        self.setEchoMode(QLineEdit.EchoMode.Password)
        set_enum(self, "inputMethodHints",
                 "ImhHiddenText|ImhNoPredictiveText|ImhSensitiveData")
        self.toggle_action = QAction(self)
        self.toggle_action.setCheckable(True)
        self.toggle_action.setShortcuts([QKeySequence("Alt+F8")])
        set_enum(self.toggle_action, "shortcutContext", "WidgetShortcut")
        self.toggle_action.toggled.connect(self.set_revealed)
        self.addAction(self.toggle_action, QLineEdit.ActionPosition.TrailingPosition)
        self.eye_drawn = False
        if eye_now:
            self.refresh_icon()
        else:  # named (for screen readers and tooltips) before its eye is drawn
            self._name_action()

    def show_eye(self) -> None:
        """Draw the eye now, if it has not been drawn yet."""
        if not self.eye_drawn:
            self.refresh_icon()

    @property
    def revealed(self) -> bool:
        return self.echoMode() == QLineEdit.EchoMode.Normal

    def set_revealed(self, revealed: bool) -> None:
        if revealed == self.revealed and revealed == self.toggle_action.isChecked():
            return  # as it is (every call masks the result's token again): nothing to redraw
        self.setEchoMode(QLineEdit.EchoMode.Normal if revealed else QLineEdit.EchoMode.Password)
        if self.toggle_action.isChecked() != revealed:
            self.toggle_action.setChecked(revealed)
        self.refresh_icon()
        self.revealedChanged.emit(revealed)

    def refresh_icon(self) -> None:
        """Draw the eye (open or crossed out) and its texts for the current palette."""
        self.eye_drawn = True
        brush = self.palette().brush(QPalette.ColorRole.PlaceholderText)
        self.toggle_action.setIcon(_eye_icon(brush, crossed=self.revealed))
        self._name_action()

    def _name_action(self) -> None:
        if self.revealed:
            self.toggle_action.setText(self.tr("Hide"))
            self.toggle_action.setToolTip(self.tr("Hide the value (Alt+F8)"))
        else:
            self.toggle_action.setText(self.tr("Show"))
            self.toggle_action.setToolTip(self.tr("Show the value (Alt+F8)"))


def message_font(base: QFont) -> QFont:
    """The font of the line under a field: ``base`` a little smaller."""
    font = QFont(base)
    font.setPointSizeF(max(7.0, base.pointSizeF() * 0.9))
    return font


def message_line_height() -> int:
    """The height of the line under a field, for the application's font (worked out once
    per font: every form row keeps this much room from the start)."""
    from PySide6.QtGui import QFontMetrics, QGuiApplication

    font = QGuiApplication.font()
    key = font.toString()
    height = _LINE_HEIGHTS.get(key)
    if height is None:
        height = _LINE_HEIGHTS[key] = QFontMetrics(message_font(font)).height()
    return height


_LINE_HEIGHTS: dict[str, int] = {}


class FieldMessage(QLabel):
    """The line under a field: an error (red), a warning (amber), or nothing (blank).

    One line of a fixed height, in the room its row kept from the start, so a message never
    moves the fields below. A message too long for the line ends in "…"; its whole text is
    the line's tooltip and accessible name (and the field's accessible description).
    """

    def __init__(self, height: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        set_enum(self, "textFormat", "PlainText")
        # The width is the column's, whatever the text: a long message never widens a form.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(height)
        self.setFont(message_font(self.font()))
        self.kind = ""
        self.message = ""

    def show_message(self, text: str, kind: str = "error") -> None:
        """Show ``text`` as an ``"error"`` or a ``"warning"``; an empty text blanks the line."""
        self.message = text
        self.kind = kind if text else ""
        if text:
            color = ERROR_COLOR if kind == "error" else WARNING_COLOR
            style = f"color: {color.name()};"
            if self.styleSheet() != style:
                self.setStyleSheet(style)
        self.setToolTip(text)
        self.setAccessibleName(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        from PySide6.QtCore import Qt

        shown = self.fontMetrics().elidedText(self.message, Qt.TextElideMode.ElideRight,
                                              max(0, self.width()))
        if shown != self.text():
            self.setText(shown)


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
    """Hands a paste into the watched line edits to ``handle()`` first: the paste shortcut
    (Ctrl+V, Shift+Insert) and the context menu's Paste. The field pastes as usual unless
    ``handle`` returns True (the window opens the Paste cURL preview, or fills a row of
    ids)."""

    def __init__(self, handle: Callable[[], bool], parent: QObject | None = None) -> None:
        from PySide6.QtCore import QEvent  # here, not at the top: see PaletteWatcher
        from PySide6.QtGui import QKeyEvent

        super().__init__(parent)
        self._handle = handle
        self._key_press = QEvent.Type.KeyPress
        self._context_menu = QEvent.Type.ContextMenu
        self._key_event = QKeyEvent

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == self._key_press and isinstance(event, self._key_event) \
                and event.matches(QKeySequence.StandardKey.Paste) and self._handle():
            event.accept()
            return True
        if kind == self._context_menu and isinstance(watched, QLineEdit):
            from PySide6.QtGui import QContextMenuEvent

            if isinstance(event, QContextMenuEvent):
                menu = self.context_menu(watched)
                menu.exec(event.globalPos())
                menu.deleteLater()
                return True
        return super().eventFilter(watched, event)

    def context_menu(self, edit: QLineEdit) -> QMenu:
        """The field's own context menu, whose Paste goes through ``handle`` first."""
        menu = edit.createStandardContextMenu()
        paste = menu.findChild(QAction, "edit-paste")
        if paste is not None:

            def handle_paste() -> None:
                if not self._handle():
                    edit.paste()

            paste.triggered.disconnect()
            paste.triggered.connect(handle_paste)
        return menu


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


class LinkView(QLabel):
    """A link shown whole when it fits, else elided in the middle: its host and its ending
    (``/employee_rewards/…`` or ``/reward_account/…``) always show. ``text()`` is the whole
    link; the tooltip and the accessible description carry it too."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        set_enum(self, "textFormat", "PlainText")
        set_enum(self, "textInteractionFlags", "NoTextInteraction")
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._link = ""
        self._placeholder = ""

    def text(self) -> str:
        return self._link

    def setText(self, text: str) -> None:
        self._link = text
        self.setToolTip(text)
        self.setAccessibleDescription(text or self._placeholder)
        self.elide()

    def setPlaceholderText(self, text: str) -> None:
        self._placeholder = text
        if not self._link:
            self.setAccessibleDescription(text)
            self.elide()

    def placeholderText(self) -> str:
        return self._placeholder

    def shown_text(self) -> str:
        """What is painted now (the link elided to the width, or the placeholder)."""
        return super().text()

    def elide(self) -> None:
        """Fit the link to the width (the window calls this when the view is resized)."""
        if not self._link:
            self.setEnabled(False)
            super().setText(self._placeholder)
            return
        from PySide6.QtCore import Qt  # with the first link, not at the first paint

        self.setEnabled(True)
        width = max(40, self.contentsRect().width())
        super().setText(self.fontMetrics().elidedText(self._link, Qt.TextElideMode.ElideMiddle,
                                                      width))


class NoticeBar(QFrame):
    """A strip above the form for things the user should read once (a keyring problem, a
    settings file that could not be read); Dismiss hides it. Notices add up while shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 4, 4)
        self.label = QLabel()
        self.label.setWordWrap(True)
        set_enum(self.label, "textFormat", "PlainText")
        self.label.setAccessibleName(self.tr("Notice"))
        dismiss = QToolButton()
        dismiss.setText(self.tr("Dismiss"))
        dismiss.setAccessibleName(self.tr("Dismiss the notice"))
        dismiss.clicked.connect(self.hide)
        row.addWidget(self.label, 1)
        row.addWidget(dismiss)
        self.hide()

    def add(self, text: str) -> None:
        current = self.label.text()
        self.label.setText(f"{current}\n{text}" if current and not self.isHidden() else text)
        self.show()


class FocusAndSize(QObject):
    """After the first paint (no event reaches Python before it): a field entered with a
    shortcut (a label's Alt+letter) keeps its text unselected, so the next key typed never
    replaces a value by surprise (Tab still selects, as everywhere); a watched link view is
    elided again when its width changes."""

    def __init__(self, parent: QObject | None = None) -> None:
        from PySide6.QtCore import QEvent, Qt  # here, not at the top: see PaletteWatcher

        super().__init__(parent)
        self._focus_in = QEvent.Type.FocusIn
        self._resize = QEvent.Type.Resize
        self._shortcut = Qt.FocusReason.ShortcutFocusReason

    def watch(self, widgets: list[QWidget]) -> None:
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == self._resize and isinstance(watched, LinkView):
            watched.elide()
        elif kind == self._focus_in and isinstance(watched, QLineEdit) \
                and getattr(event, "reason", lambda: None)() == self._shortcut:
            QLineEdit.focusInEvent(watched, event)  # type: ignore[arg-type]
            watched.deselect()
            watched.end(False)
            return True
        return super().eventFilter(watched, event)
