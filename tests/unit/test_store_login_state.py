from __future__ import annotations

from pathlib import Path

from enkash_desktop.store import FileFailureCounter


def test_failure_counter_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "data" / "login_state.json"
    counter = FileFailureCounter(path)
    assert counter.failures("uat") == 0
    assert counter.record("uat", failed=True) == 1
    assert counter.record("uat", failed=True) == 2
    assert counter.record("prod", failed=True) == 1

    again = FileFailureCounter(path)  # a restart, or the command line
    assert again.failures("uat") == 2
    assert again.failures("prod") == 1
    assert again.record("uat", failed=False) == 0
    assert FileFailureCounter(path).failures("uat") == 0

    again.reset("prod")
    assert FileFailureCounter(path).failures("prod") == 0


def test_failure_counter_survives_a_damaged_file(tmp_path: Path) -> None:
    path = tmp_path / "login_state.json"
    path.write_text("{not json")
    counter = FileFailureCounter(path)
    assert counter.failures("uat") == 0
    assert counter.record("uat", failed=True) == 1
    assert FileFailureCounter(path).failures("uat") == 1
