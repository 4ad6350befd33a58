"""Tables made from the error taxonomy: every kind has its label and its place on screen."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from enkash_desktop.core.errors import EnkashError, ErrorKind
from enkash_desktop.gui.history_model import outcome_labels
from enkash_desktop.gui.messages import WHERE_SHOWN, Where, where_shown
from enkash_desktop.store.errors import StoreError


def test_every_kind_has_a_place_on_screen_and_a_history_label() -> None:
    assert set(WHERE_SHOWN) == set(ErrorKind)
    labels = outcome_labels()
    for kind in ErrorKind:
        assert labels[kind.value] == kind.label and kind.label
    assert labels["success"] == "Success" and "error" in labels
    assert len(set(labels.values())) == len(labels)  # no two outcomes read the same


def test_bugs_go_to_the_crash_dialog_and_storage_to_the_notice_bar() -> None:
    assert where_shown(RuntimeError("a bug")) is Where.CRASH
    assert where_shown(KeyError("x")) is Where.CRASH
    assert where_shown(StoreError("The disk is full.")) is Where.NOTICE
    assert where_shown(EnkashError(ErrorKind.LOCKOUT_RISK)) is Where.QUESTION
    assert where_shown(EnkashError(ErrorKind.BAD_INPUT)) is Where.FIELD
    assert where_shown(EnkashError(ErrorKind.SERVER)) is Where.RESULT
