"""The floor under the window's start-up: plain PySide, the same widgets, no application code.

Builds a window with the inventory of Enkash Desktop's main view at its first paint and
nothing else: a menu bar with 17 actions; the profile row (label, chooser, environment
badge, token state, Edit profile); in a scroll area that scrolls up and down only, the
cardholder box (three labelled fields, Find card, two radio buttons), the send bar (Send,
Cancel, a hidden busy bar, the elapsed time) and the result box (outcome, hint, portal link
label, three buttons, a masked token field with a trailing action and Copy token, the
status, code, time and message grid); beside it, in a splitter, a tab with the reply's text
box and two buttons; and a status bar. No validation, no signals of its own, no module of
the project. ``gui_startup.py`` starts it like the bare window: the difference between it
and the bare window is what any PySide window with this form pays; the difference between
it and the app is the app's own code.

With ``--leave-out PART[,PART…]`` parts of that inventory are left out, to see what each
costs (``gui_startup.py --floor-parts``): ``menus`` (the menu bar), ``chooser`` (the
profile chooser, a combo box), ``style`` (the style sheet of the environment badge),
``reply`` (the reply's box), ``result`` (the result's box), ``cardholder`` (the cardholder's
box) and ``status`` (the status bar).

With ``--services`` it also starts, on its first event-loop turn, what the app starts
after its first paint, in plain Python: an HTTP server on this computer's loopback on a
thread of its own (the demo sandbox's kind), a rotating log file with one line and a SQLite
database opened on another thread; the peak RSS of that run is the floor under the app's
whole run.

    python benchmarks/plain_form.py [--services] [--leave-out PARTS]   # quits on its first
                                                                     # turn after show()
"""

from __future__ import annotations

import resource
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

# The menus of the main view: File (8 entries), Edit (5) and Help (4).
MENUS = (("&File", 8), ("&Edit", 5), ("&Help", 4))
PARTS = ("menus", "chooser", "style", "reply", "result", "cardholder", "status")


def left_out(argv: list[str]) -> frozenset[str]:
    """The parts named by ``--leave-out a,b``; an unknown name is an error, not ignored."""
    if "--leave-out" not in argv:
        return frozenset()
    names = frozenset(filter(None, argv[argv.index("--leave-out") + 1].split(",")))
    unknown = names - set(PARTS)
    if unknown:
        raise SystemExit(f"unknown parts {sorted(unknown)}; the parts are {', '.join(PARTS)}")
    return names


def bold(widget: QWidget, scale: float = 1.0) -> None:
    font = widget.font()
    font.setBold(True)
    if scale != 1.0:
        font.setPointSizeF(font.pointSizeF() * scale)
    widget.setFont(font)


def profile_row(leave_out: frozenset[str]) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    label = QLabel("&Profile:")
    layout.addWidget(label)
    if "chooser" not in leave_out:
        combo = QComboBox()
        combo.setMinimumContentsLength(18)
        label.setBuddy(combo)
        layout.addWidget(combo)
    badge = QLabel("DEMO")
    if "style" not in leave_out:
        badge.setStyleSheet("background-color: #2f9e5b; color: white; font-weight: bold;")
    badge.hide()  # shown with the first profile, as in the app
    layout.addWidget(badge)
    layout.addWidget(QLabel("No token yet."), 1)
    layout.addWidget(QPushButton("Ed&it profile…"))
    return row


def cardholder_box() -> QGroupBox:
    box = QGroupBox("Cardholder")
    form = QFormLayout(box)
    find_card = QPushButton("Fi&nd card…")
    find_card.setEnabled(False)
    for n, (text, example) in enumerate((("Card &account id", "CAQL8YCV3"),
                                         ("&Company id", "CEK1PU9AOO"),
                                         ("En&Kash card id", "EKCDM5AVZY"))):
        edit = QLineEdit()
        edit.setPlaceholderText(f"For example: {example}")
        label = QLabel(text)
        label.setBuddy(edit)
        if n == 2:
            row = QHBoxLayout()
            row.addWidget(edit, 1)
            row.addWidget(find_card)
            form.addRow(label, row)
        else:
            form.addRow(label, edit)
    kinds = QWidget()
    kinds_row = QHBoxLayout(kinds)
    kinds_row.setContentsMargins(0, 0, 0, 0)
    employee = QRadioButton("E&mployee")
    admin = QRadioButton("HR / company a&dmin")
    group = QButtonGroup(box)
    group.addButton(employee)
    group.addButton(admin)
    employee.setChecked(True)
    kinds_row.addWidget(employee)
    kinds_row.addWidget(admin)
    kinds_row.addStretch(1)
    form.addRow(QLabel("Card type"), kinds)
    return box


def send_bar() -> QWidget:
    bar = QWidget()
    row = QHBoxLayout(bar)
    row.setContentsMargins(0, 0, 0, 0)
    send = QPushButton("&Send")
    send.setMinimumWidth(120)
    bold(send)
    send.setEnabled(False)
    cancel = QPushButton("Cancel")
    cancel.setEnabled(False)
    busy = QProgressBar()
    busy.setRange(0, 0)
    busy.hide()
    row.addWidget(send)
    row.addWidget(cancel)
    row.addWidget(busy)
    row.addWidget(QLabel())
    row.addStretch(1)
    return bar


def result_box(icon: QIcon) -> QGroupBox:
    box = QGroupBox("Result")
    layout = QVBoxLayout(box)
    outcome = QLabel("Nothing sent yet.")
    bold(outcome, 1.15)
    layout.addWidget(outcome)
    layout.addWidget(QLabel("Fill in the cardholder and press Send (Ctrl+Enter)."))
    grid = QGridLayout()
    grid.addWidget(QLabel("Portal link:"), 0, 0)
    link = QLabel("The link appears here after a successful send.")
    link.setEnabled(False)
    grid.addWidget(link, 0, 1, 1, 6)
    buttons = QHBoxLayout()
    for text in ("&Open in browser", "Copy &link", "Show &QR code…"):
        button = QPushButton(text)
        button.setEnabled(False)
        buttons.addWidget(button)
    buttons.addStretch(1)
    grid.addLayout(buttons, 1, 1, 1, 6)
    token = QLineEdit()
    token.setEchoMode(QLineEdit.EchoMode.Password)
    token.setReadOnly(True)
    token.addAction(QAction(icon, "Show", token), QLineEdit.ActionPosition.TrailingPosition)
    copy_token = QPushButton("Copy token")
    copy_token.setEnabled(False)
    token_row = QHBoxLayout()
    token_row.addWidget(token, 1)
    token_row.addWidget(copy_token)
    grid.addWidget(QLabel("SSO &token:"), 2, 0)
    grid.addLayout(token_row, 2, 1, 1, 6)
    for column, text in enumerate(("HTTP status:", "—", "Response code:", "—", "Time:", "—")):
        grid.addWidget(QLabel(text), 3, column)
    grid.addWidget(QLabel("Message:"), 4, 0)
    grid.addWidget(QLabel("—"), 4, 1, 1, 6)
    grid.setColumnStretch(6, 1)
    layout.addLayout(grid)
    return box


def reply_box() -> QGroupBox:
    box = QGroupBox("Reply")
    layout = QVBoxLayout(box)
    text = QPlainTextEdit()
    text.setReadOnly(True)
    text.setPlaceholderText("The server's reply appears here, with secrets masked.")
    text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    layout.addWidget(text, 1)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(QPushButton("Copy as c&URL"))
    row.addWidget(QPushButton("Copy as cURL with secrets…"))
    layout.addLayout(row)
    return box


def build(leave_out: frozenset[str] = frozenset()) -> QMainWindow:
    window = QMainWindow()
    window.setWindowTitle("plain form")
    for title, count in () if "menus" in leave_out else MENUS:
        menu = window.menuBar().addMenu(title)
        for n in range(count):
            action = QAction(f"Entry {n}", window)
            action.setShortcuts([QKeySequence(f"Ctrl+{n}")])
            menu.addAction(action)
    pixmap = QPixmap(16, 16)
    pixmap.fill(QColor(128, 128, 128))
    icon = QIcon(pixmap)

    task = QWidget()
    task_layout = QVBoxLayout(task)
    if "cardholder" not in leave_out:
        task_layout.addWidget(cardholder_box())
    task_layout.addWidget(send_bar())
    if "result" not in leave_out:
        task_layout.addWidget(result_box(icon))
    task_layout.addStretch(1)
    scroll = QScrollArea()
    scroll.setWidget(task)
    scroll.setWidgetResizable(True)
    scroll.setProperty("horizontalScrollBarPolicy", 1)  # ScrollBarAlwaysOff, without Qt
    tabs = QTabWidget()
    tabs.setDocumentMode(True)
    tabs.addTab(QWidget() if "reply" in leave_out else reply_box(), "&Reply")
    splitter = QSplitter()
    splitter.addWidget(scroll)
    splitter.addWidget(tabs)
    splitter.setSizes([560, 600])
    central = QWidget()
    outer = QVBoxLayout(central)
    outer.addWidget(profile_row(leave_out))
    outer.addWidget(splitter, 1)
    window.setCentralWidget(central)
    if "status" not in leave_out:
        window.statusBar().addPermanentWidget(QLabel())
        window.statusBar().showMessage("Starting…")
    window.resize(1200, 760)
    return window


def services(folder: str) -> None:
    """The kinds of service the app starts after its first paint, without its code."""
    import logging.handlers
    import sqlite3
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    handler = logging.handlers.RotatingFileHandler(f"{folder}/plain.log", maxBytes=1 << 20)
    logging.getLogger("plain").addHandler(handler)
    logging.getLogger("plain").warning("started")

    def open_database() -> None:
        connection = sqlite3.connect(f"{folder}/plain.db")
        connection.execute("CREATE TABLE IF NOT EXISTS calls (at REAL, outcome TEXT)")
        connection.commit()
        connection.close()

    opener = threading.Thread(target=open_database)
    opener.start()
    opener.join()
    server.shutdown()
    handler.close()


def main() -> int:
    import tempfile

    leave_out = left_out(sys.argv)
    app = QApplication(sys.argv[:1])
    window = build(leave_out)
    window.show()
    if "--screenshot" in sys.argv:  # to compare it with the app by eye
        QTimer.singleShot(0, lambda: window.grab().save(sys.argv[-1]))
    QTimer.singleShot(0, lambda: print(
        f"first-window {time.time():.6f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}",
        flush=True))
    folder = tempfile.TemporaryDirectory(prefix="plain-form-")
    if "--services" in sys.argv:
        QTimer.singleShot(0, lambda: services(folder.name))
    QTimer.singleShot(0, window.close)
    QTimer.singleShot(0, app.quit)
    try:
        return app.exec()
    finally:
        folder.cleanup()


if __name__ == "__main__":
    sys.exit(main())
