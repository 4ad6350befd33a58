"""The floor under the window's start-up: plain PySide, the same widgets, no application code.

Builds a window with the inventory of Enkash Desktop's first paint (a menu bar with 14
actions, a scrolling panel of four group boxes with 17 labelled rows, three combo boxes, a
spin box, five masked fields with a trailing action, a cardholder box, the result grid, a
reply tab with a text box, two splitters and a status bar) and nothing else: no validation,
no signals of its own, no module of the project. ``gui_startup.py`` starts it like the bare
window, for information: the difference between it and the bare window is what any PySide
window of this size pays; the difference between it and the app is the app's own code.

    python benchmarks/plain_form.py   # quits on its first event-loop turn after show()
"""

from __future__ import annotations

import resource
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)


def line(placeholder: str = "For example: CAQL8YCV3") -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    return edit


def masked(icon: QIcon) -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.addAction(QAction(icon, "Show", edit), QLineEdit.ActionPosition.TrailingPosition)
    return edit


def group(title: str, rows: list[tuple[str, QWidget]]) -> QGroupBox:
    box = QGroupBox(title)
    form = QFormLayout(box)
    for text, widget in rows:
        form.addRow(QLabel(text), widget)
    return box


def build() -> QMainWindow:
    window = QMainWindow()
    window.setWindowTitle("plain form")
    for title, count in (("&File", 8), ("&Edit", 4), ("&Help", 3)):
        menu = window.menuBar().addMenu(title)
        for n in range(count):
            action = QAction(f"Entry {n}", window)
            action.setShortcuts([QKeySequence(f"Ctrl+{n}")])
            menu.addAction(action)
    pixmap = QPixmap(16, 16)
    pixmap.fill(QColor(128, 128, 128))
    icon = QIcon(pixmap)

    chooser = QWidget()
    chooser_row = QHBoxLayout(chooser)
    chooser_row.setContentsMargins(0, 0, 0, 0)
    chooser_row.addWidget(QComboBox(), 1)
    for text in ("New", "Save", "Delete"):
        chooser_row.addWidget(QPushButton(text))
    environment = QComboBox()
    environment.addItems(["Sandbox (this computer)", "UAT (testing)", "Production", "Custom"])
    badge = QLabel("DEMO")
    badge.setStyleSheet("background-color: #2f9e5b; color: white; font-weight: bold;")
    env_row = QWidget()
    env_layout = QHBoxLayout(env_row)
    env_layout.setContentsMargins(0, 0, 0, 0)
    env_layout.addWidget(environment, 1)
    env_layout.addWidget(badge)
    encryption = QComboBox()
    encryption.addItems(["Off (plain JSON)", "The client secret itself"])
    token_row = QWidget()
    token_layout = QHBoxLayout(token_row)
    token_layout.setContentsMargins(0, 0, 0, 0)
    token_layout.addWidget(QPushButton("Get token"))
    token_layout.addWidget(QLabel("No token yet."), 1)

    panel = QWidget()
    panel_layout = QVBoxLayout(panel)
    panel_layout.addWidget(group("Profile", [("Profile", chooser), ("Profile name", line()),
                                              ("Environment", env_row)]))
    panel_layout.addWidget(group("Connection", [
        ("Base URL", line()), ("Auth base URL", line()), ("Portal URL", line()),
        ("Partner id", line()), ("SSO partner name", line()),
        ("Timeout", QDoubleSpinBox()), ("Payload encryption", encryption)]))
    panel_layout.addWidget(group("Login", [
        ("Login user", line()), ("OAuth client id", line()),
        ("Login client id", line()), ("Password", masked(icon)),
        ("Client secret", masked(icon)), ("", token_row)]))
    panel_layout.addWidget(group("Manual token (optional)", [
        ("Authorization", masked(icon)), ("Cookie", masked(icon))]))
    scroll = QScrollArea()
    scroll.setWidget(panel)
    scroll.setWidgetResizable(True)

    card_type = QWidget()
    card_layout = QHBoxLayout(card_type)
    card_layout.setContentsMargins(0, 0, 0, 0)
    card_layout.addWidget(QRadioButton("Employee"))
    card_layout.addWidget(QRadioButton("HR / company admin"))
    right = QWidget()
    right_layout = QVBoxLayout(right)
    right_layout.addWidget(group("Cardholder", [
        ("Card account id", line()), ("Company id", line()),
        ("EnKash card id", line()), ("Card type", card_type)]))
    buttons = QHBoxLayout()
    send = QPushButton("Send")
    font = send.font()
    font.setBold(True)
    send.setFont(font)
    buttons.addWidget(send)
    buttons.addWidget(QPushButton("Cancel"))
    buttons.addStretch(1)
    right_layout.addLayout(buttons)
    result = QGroupBox("Result")
    result_layout = QVBoxLayout(result)
    outcome = QLabel("Nothing sent yet.")
    big = outcome.font()
    big.setBold(True)
    big.setPointSizeF(big.pointSizeF() * 1.15)
    outcome.setFont(big)
    result_layout.addWidget(outcome)
    result_layout.addWidget(QLabel("Fill in the cardholder and press Send (Ctrl+Enter)."))
    grid = QGridLayout()
    for column, text in enumerate(("HTTP status:", "—", "Response code:", "—", "Time:", "—")):
        grid.addWidget(QLabel(text), 0, column)
    grid.addWidget(QLabel("Message:"), 1, 0)
    grid.addWidget(QLabel("—"), 1, 1)
    grid.addWidget(QLabel("SSO token:"), 2, 0)
    grid.addWidget(masked(icon), 2, 1, 1, 4)
    grid.addWidget(QPushButton("Copy token"), 2, 5)
    grid.addWidget(QLabel("Portal link:"), 3, 0)
    link_row = QHBoxLayout()
    link_row.addWidget(line(), 1)
    for text in ("Open in browser", "Copy link", "Show QR code…"):
        link_row.addWidget(QPushButton(text))
    grid.addLayout(link_row, 3, 1, 1, 5)
    result_layout.addLayout(grid)
    right_layout.addWidget(result)

    reply = QGroupBox("Reply")
    reply_layout = QVBoxLayout(reply)
    text = QPlainTextEdit()
    text.setPlaceholderText("The server's reply appears here, with secrets masked.")
    reply_layout.addWidget(text)
    curl_row = QHBoxLayout()
    curl_row.addStretch(1)
    curl_row.addWidget(QPushButton("Copy as cURL"))
    curl_row.addWidget(QPushButton("Copy as cURL with secrets…"))
    reply_layout.addLayout(curl_row)
    tabs = QTabWidget()
    tabs.addTab(reply, "Reply")
    vertical = QSplitter()
    vertical.setProperty("orientation", 2)  # Qt.Vertical, without the Qt namespace
    vertical.addWidget(right)
    vertical.addWidget(tabs)
    horizontal = QSplitter()
    horizontal.addWidget(scroll)
    horizontal.addWidget(vertical)
    window.setCentralWidget(horizontal)
    window.statusBar().addPermanentWidget(QLabel("Demo secrets: in memory only"))
    window.statusBar().showMessage("Starting…")
    window.resize(1180, 780)
    return window


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = build()
    window.show()
    if "--screenshot" in sys.argv:  # to compare it with the app by eye
        QTimer.singleShot(0, lambda: window.grab().save(sys.argv[-1]))
    QTimer.singleShot(0, lambda: print(
        f"first-window {time.time():.6f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}",
        flush=True))
    QTimer.singleShot(0, window.close)
    QTimer.singleShot(0, app.quit)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
