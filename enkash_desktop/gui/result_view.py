"""The result of a call: outcome sentence, status, SSO token, portal link and the raw reply."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from enkash_desktop import core

from .credential_guard import ClipboardGuard, seconds_text
from .qtprops import set_enum
from .texts import tr_core
from .widgets import ERROR_COLOR, SUCCESS_COLOR, WARNING_COLOR, LinkView, SecretLineEdit

if TYPE_CHECKING:
    from PySide6.QtGui import QFont

    from enkash_desktop.core.errors import EnkashError
    from enkash_desktop.core.models import SsoResult

    from .qr_dialog import QrDialog


def open_url(url: str) -> bool:
    """Open ``url`` in the user's browser (a module function so tests can replace it)."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    return QDesktopServices.openUrl(QUrl(url))


def _value_label() -> QLabel:
    label = QLabel("—")
    set_enum(label, "textInteractionFlags", "TextSelectableByMouse|TextSelectableByKeyboard")
    set_enum(label, "textFormat", "PlainText")
    label.setWordWrap(True)
    return label


class ResultView(QGroupBox):
    """The outcome of the last call, in plain language first and details after."""

    status = Signal(str)  # a short sentence for the status bar
    statusOver = Signal(str)  # a sentence of ``status`` that is no longer true
    unlockRequested = Signal()  # "EnKash has unlocked it" (shown while a login is locked)
    _private_outcome = Signal(str, str)  # url, outcome of open_in_private_window

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Result"), parent)
        layout = QVBoxLayout(self)
        layout.setSpacing(8)

        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        set_enum(self.outcome, "textFormat", "PlainText")
        self.outcome.setAccessibleName(self.tr("Outcome"))
        set_enum(self.outcome, "textInteractionFlags", "TextSelectableByMouse")
        font = self.outcome.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.outcome.setFont(font)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        set_enum(self.hint, "textFormat", "PlainText")
        self.hint.setAccessibleName(self.tr("What to do next"))
        set_enum(self.hint, "textInteractionFlags", "TextSelectableByMouse")
        policy = self.hint.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # no jump of the layout when a call starts
        self.hint.setSizePolicy(policy)
        layout.addWidget(self.outcome)
        layout.addWidget(self.hint)
        self.unlock_button = QPushButton(self.tr("EnKash has unlocked it…"))
        self.unlock_button.setAccessibleName(self.tr("EnKash has unlocked the login"))
        self.unlock_button.setToolTip(self.tr("Once EnKash has unlocked the login, say so "
                                              "here; logins are sent for it again."))
        self.unlock_button.hide()
        self.unlock_button.clicked.connect(self.unlockRequested)
        unlock_row = QHBoxLayout()
        unlock_row.addWidget(self.unlock_button)
        unlock_row.addStretch(1)
        layout.addLayout(unlock_row)

        layout.addLayout(self._build_details())

        self.copy_token_button.clicked.connect(self.copy_token)
        self.copy_link_button.clicked.connect(self.copy_link)
        self.open_button.clicked.connect(self.open_link)
        self.qr_button.clicked.connect(self.show_qr)
        self.qr_dialog: QrDialog | None = None
        # Copied credentials leave the clipboard, and the QR code hides, after its interval.
        self.clipboard_guard = ClipboardGuard(self)
        self.clipboard_guard.cleared.connect(self.status)
        self.open_private = True  # Open in browser uses a private window (a preference)
        self._told_not_private = False
        self._private_outcome.connect(self._after_private)
        self.clear()

    def _build_details(self) -> QGridLayout:
        """The portal link with its actions first, then the masked token, then the status,
        response code, time and message."""
        details = QGridLayout()
        details.setHorizontalSpacing(10)
        details.setVerticalSpacing(6)
        self.http_status = _value_label()
        self.response_code = _value_label()
        self.message = _value_label()
        self.elapsed = _value_label()

        def label_for(text: str, widget: QWidget, name: str) -> QLabel:
            label = QLabel(text)
            label.setBuddy(widget)
            set_enum(label, "alignment", "AlignRight|AlignVCenter")
            widget.setAccessibleName(name)
            return label

        self.link_view = LinkView()
        details.addWidget(label_for(self.tr("Portal link:"), self.link_view,
                                    self.tr("Portal link")), 0, 0)
        details.addWidget(self.link_view, 0, 1, 1, 6)
        self.open_button = QPushButton(self.tr("&Open in browser"))
        self.open_button.setAccessibleName(self.tr("Open the portal link in the browser"))
        font = self.open_button.font()
        font.setBold(True)
        self.open_button.setFont(font)
        self.copy_link_button = QPushButton(self.tr("Copy &link"))
        self.copy_link_button.setAccessibleName(self.tr("Copy the portal link"))
        self.copy_link_button.setToolTip(self.tr("Copy the portal link (Ctrl+Shift+C)"))
        self.qr_button = QPushButton(self.tr("Show &QR code…"))
        self.qr_button.setAccessibleName(self.tr("Show the portal link as a QR code"))
        self.qr_button.setToolTip(self.tr("Show the portal link as a QR code, to open it on "
                                          "a phone."))
        link_row = QHBoxLayout()
        link_row.addWidget(self.open_button)
        link_row.addWidget(self.copy_link_button)
        link_row.addWidget(self.qr_button)
        link_row.addStretch(1)
        details.addLayout(link_row, 1, 1, 1, 6)

        self.token_edit = SecretLineEdit(eye_now=False)  # its eye comes with a token
        self.token_edit.setReadOnly(True)
        self.copy_token_button = QPushButton(self.tr("Copy token"))
        self.copy_token_button.setAccessibleName(self.tr("Copy the SSO token"))
        token_row = QHBoxLayout()
        token_row.addWidget(self.token_edit, 1)
        token_row.addWidget(self.copy_token_button)
        details.addWidget(label_for(self.tr("SSO &token:"), self.token_edit,
                                    self.tr("SSO token")), 2, 0)
        details.addLayout(token_row, 2, 1, 1, 6)

        details.addWidget(label_for(self.tr("HTTP status:"), self.http_status,
                                    self.tr("HTTP status")), 3, 0)
        details.addWidget(self.http_status, 3, 1)
        details.addWidget(label_for(self.tr("Response code:"), self.response_code,
                                    self.tr("Response code")), 3, 2)
        details.addWidget(self.response_code, 3, 3)
        details.addWidget(label_for(self.tr("Time:"), self.elapsed, self.tr("Time")), 3, 4)
        details.addWidget(self.elapsed, 3, 5)
        details.addWidget(label_for(self.tr("Message:"), self.message, self.tr("Message")),
                          4, 0)
        details.addWidget(self.message, 4, 1, 1, 6)
        for column in (1, 3, 5):
            details.setColumnMinimumWidth(column, 60)
        details.setColumnStretch(6, 1)
        return details

    def focus_order(self) -> list[QWidget]:
        return [self.open_button, self.copy_link_button, self.qr_button, self.unlock_button,
                self.token_edit, self.copy_token_button]

    # -- showing -----------------------------------------------------------------------

    def _set_outcome(self, text: str, hint: str, color: str | None) -> None:
        self.outcome.setText(text)
        self.outcome.setAccessibleDescription(text)  # the name says what it is; this, what
        self.hint.setAccessibleDescription(hint)  # it says (a screen reader reads both)
        self.outcome.setStyleSheet(f"color: {color};" if color else "")
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        self.unlock_button.hide()  # offered again by whoever shows a locked login

    def offer_unlock(self, hint: str) -> None:
        """The outcome on screen is a locked login: say how to go on, offer the button."""
        self.hint.setText(hint)
        self.hint.setVisible(True)
        self.unlock_button.show()

    def clear(self) -> None:
        self._set_outcome(self.tr("Nothing sent yet."),
                          self.tr("Fill in the cardholder and press Send (Ctrl+Enter)."), None)
        for label in (self.http_status, self.response_code, self.message, self.elapsed):
            label.setText("—")
        self._set_token("", "")

    def show_running(self, text: str) -> None:
        """A call started: the previous result's details, token and link go at once."""
        self._set_outcome(text, "", None)
        for label in (self.http_status, self.response_code, self.message, self.elapsed):
            label.setText("—")
        self._set_token("", "")

    def put_away(self, text: str) -> None:
        """The form no longer matches the request this result answered: its token and link
        go (they would sign in as the previous cardholder); ``text`` says why."""
        if not self.token_edit.text() and not self.link_view.text():
            return
        self._set_outcome(text, self.tr("Press Send to mint a token for the cardholder now "
                                        "in the form."), None)
        for label in (self.http_status, self.response_code, self.message, self.elapsed):
            label.setText("—")
        self._set_token("", "")
        self.clipboard_guard.clear_now()  # a copied link of the previous cardholder goes too

    def show_outcome(self, text: str, hint: str, color: str | None) -> None:
        """An outcome sentence of the window's own (a received bearer token, say)."""
        self._set_outcome(text, hint, color)

    def _set_token(self, token: str, link: str) -> None:
        if token:
            self.token_edit.show_eye()
        self.token_edit.setText(token)
        self.token_edit.set_revealed(False)
        self.link_view.setText(link)
        self.copy_token_button.setEnabled(bool(token))
        self.token_edit.toggle_action.setEnabled(bool(token))
        self.copy_link_button.setEnabled(bool(link))
        self.open_button.setEnabled(bool(link))
        self.qr_button.setEnabled(bool(link))
        if self.qr_dialog is not None and self.qr_dialog.link != link:
            self.qr_dialog.reject()  # never leave an old (or a cleared) link on screen
        self.link_view.setPlaceholderText(
            self.tr("The link appears here after a successful send.") if not token else
            self.tr("Set the SSO partner name in the profile to build the link."))

    def show_result(self, result: SsoResult) -> None:
        """Show an SSO call's outcome: the sentence first, then the details."""
        if result.ok:
            self._set_outcome(self.tr("Success: the SSO token is ready."),
                              self.tr("Open the portal link to sign in as %s.")
                              % _whom(result) if result.sso_url else
                              self.tr("Set the SSO partner name in the profile to build a "
                                      "portal link."), SUCCESS_COLOR.name())
        else:
            self.show_error(result.error or core.EnkashError(core.ErrorKind.UNREADABLE), keep=True)
        self.http_status.setText(str(result.http_status) if result.http_status else "—")
        code = result.response_code
        self.response_code.setText("—" if code is None else str(code))
        self.message.setText(result.message or "—")
        self.elapsed.setText(self.tr("%s ms") % f"{result.elapsed_ms:,.0f}")
        self._set_token(result.sso_token, result.sso_url)

    def show_error(self, error: EnkashError, *, keep: bool = False) -> None:
        """Show an error's sentence and hint (a cancel is neutral, a lockout risk amber)."""
        if error.kind is core.ErrorKind.CANCELLED:
            color: str | None = None
        elif error.kind in (core.ErrorKind.LOCKOUT_RISK, core.ErrorKind.BAD_INPUT):
            color = WARNING_COLOR.name()
        else:
            color = ERROR_COLOR.name()
        self._set_outcome(tr_core(error.message), tr_core(error.hint), color)
        if not keep:
            for label in (self.http_status, self.response_code, self.message, self.elapsed):
                label.setText("—")
            if error.http_status:
                self.http_status.setText(str(error.http_status))
            self._set_token("", "")

    def show_fault(self) -> None:
        """A bug in the program stopped the call: say so, and never blame the server."""
        self._set_outcome(
            self.tr("The call was not finished because of a fault in Enkash Desktop."),
            self.tr("This was not caused by your input or by EnKash. The details are in the "
                    "window that opened and in the log."), ERROR_COLOR.name())
        for label in (self.http_status, self.response_code, self.message, self.elapsed):
            label.setText("—")
        self._set_token("", "")

    # -- actions -----------------------------------------------------------------------

    def copy_token(self) -> None:
        if self.token_edit.text():
            QGuiApplication.clipboard().setText(self.token_edit.text())
            self.status.emit(self.clipboard_guard.copied(self.token_edit.text(),
                                                         self.tr("SSO token")))

    def copy_link(self) -> None:
        if self.link_view.text():
            QGuiApplication.clipboard().setText(self.link_view.text())
            self.status.emit(self.clipboard_guard.copied(self.link_view.text(),
                                                         self.tr("portal link")))
        else:
            self.status.emit(self.tr("There is no portal link to copy yet."))

    def show_qr(self) -> None:
        """Show the portal link as a QR code (only when asked: it signs in as the cardholder)."""
        link = self.link_view.text()
        if not link:
            self.status.emit(self.tr("There is no portal link to show yet."))
            return
        from PySide6.QtCore import Qt

        from .qr_dialog import QrDialog

        if self.qr_dialog is not None:
            self.qr_dialog.reject()
        dialog = QrDialog(link, self, hide_after_s=self.clipboard_guard.seconds)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r: self._qr_closed(dialog))
        self.qr_dialog = dialog
        dialog.open()
        if dialog.hide_after_s > 0:
            dialog.said = self.tr("The QR code is shown; it signs in as the cardholder, so "
                                  "it will be hidden in %s.") % seconds_text(dialog.hide_after_s)
            self.status.emit(dialog.said)

    def _qr_closed(self, dialog: QrDialog) -> None:
        if self.qr_dialog is dialog:
            self.qr_dialog = None
        if dialog.said:  # "the QR code is shown" is not true any more
            self.statusOver.emit(dialog.said)

    def open_link(self) -> None:
        """Open the link: in a private window of the default browser unless set otherwise.

        Finding and starting the browser runs on a short-lived thread (``xdg-settings`` can
        take a moment); its outcome comes back to the GUI thread through a signal.
        """
        url = self.link_view.text()
        if not url:
            return
        if not self.open_private:
            self._open_ordinary(url)
            return
        import threading

        from .private_browser import open_in_private_window

        def find_and_start() -> None:
            self._private_outcome.emit(url, open_in_private_window(url))

        threading.Thread(target=find_and_start, name="open-private", daemon=True).start()

    def _after_private(self, url: str, outcome: str) -> None:
        from .private_browser import PRIVATE

        if outcome == PRIVATE:
            self.status.emit(self.tr("The portal link was opened in a private window of "
                                     "your browser."))
        elif self._open_ordinary(url) and not self._told_not_private:
            self._told_not_private = True  # said once a session
            self.status.emit(self.tr(
                "Your default browser could not be started in a private window, so the link "
                "was opened in an ordinary one. Please sign out of the portal before opening "
                "the next cardholder's link."))

    def _open_ordinary(self, url: str) -> bool:
        if open_url(url):
            self.status.emit(self.tr("The portal link was opened in your browser."))
            return True
        self.status.emit(self.tr("The browser could not be opened; copy the link instead."))
        return False


class ReplyView(QGroupBox):
    """The server's reply, pretty-printed and redacted, plus the Copy as cURL buttons."""

    copyCurlRequested = Signal()
    copyCurlWithSecretsRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)  # its tab says "Reply": no second title inside it
        self.setFlat(True)
        self.setAccessibleName(self.tr("Reply"))
        layout = QVBoxLayout(self)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setAccessibleName(self.tr("Server reply"))
        self.text.setPlaceholderText(self.tr("The server's reply appears here, with secrets "
                                             "masked."))
        self._fixed_font = False
        self._reply_font: QFont | None = None  # loaded by prepare_font
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setTabChangesFocus(True)
        layout.addWidget(self.text, 1)
        row = QHBoxLayout()
        self.curl_button = QPushButton(self.tr("Copy as c&URL"))
        self.curl_button.setToolTip(self.tr("Copy the request as a curl command, with the "
                                            "secrets masked."))
        self.curl_secrets_button = QPushButton(self.tr("Copy as cURL with secrets…"))
        self.curl_secrets_button.setToolTip(self.tr("Copy the request with its real secrets, "
                                                    "after you confirm."))
        row.addStretch(1)
        row.addWidget(self.curl_button)
        row.addWidget(self.curl_secrets_button)
        layout.addLayout(row)
        self.curl_button.clicked.connect(self.copyCurlRequested)
        self.curl_secrets_button.clicked.connect(self.copyCurlWithSecretsRequested)

    def focus_order(self) -> list[QWidget]:
        return [self.text, self.curl_button, self.curl_secrets_button]

    def prepare_font(self) -> None:
        """Load the fixed font the replies are shown in, while the window is idle after
        start-up, so the first reply does not wait for it; the placeholder keeps the usual
        font until then."""
        if self._reply_font is None:
            from PySide6.QtGui import QFontDatabase, QFontMetrics

            self._reply_font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
            QFontMetrics(self._reply_font).horizontalAdvance('{"code": 0}')  # its glyphs

    def show_reply(self, text: str) -> None:
        if text and not self._fixed_font:  # the placeholder reads fine in the usual font
            self._fixed_font = True  # and loading the fixed one can wait for a reply
            self.prepare_font()
            assert self._reply_font is not None
            self.text.setFont(self._reply_font)
        self.text.setPlainText(text)


def _whom(result: SsoResult) -> str:
    """The cardholder and profile a result was minted for, as the hint names them."""
    card = result.cardholder
    kind = QCoreApplication.translate("ResultView", "HR admin" if card.admin else "employee")
    return QCoreApplication.translate(
        "ResultView", "the %1 of card account %2 (company %3, card %4), profile “%5”").replace(
        "%1", kind).replace("%2", card.card_account_id).replace("%3", card.company_id).replace(
        "%4", card.enkash_card_id).replace("%5", result.profile_name)
