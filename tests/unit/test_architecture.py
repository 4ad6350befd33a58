"""The house's size rules hold: small modules and functions, a shell of a window, and one
module that writes to the history (the import rules themselves are lint-imports')."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "enkash_desktop"
SOURCES = sorted(PACKAGE.rglob("*.py"))


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def test_the_package_is_found() -> None:
    assert len(SOURCES) > 50 and (PACKAGE / "gui" / "main_window.py") in SOURCES


def test_no_module_is_longer_than_600_lines() -> None:
    long = {str(p.relative_to(PACKAGE)): n for p in SOURCES
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 600}
    assert long == {}


def test_no_function_is_longer_than_80_lines() -> None:
    long = [f"{p.relative_to(PACKAGE)}:{node.lineno} {node.name} ({length} lines)"
            for p in SOURCES for node in ast.walk(_tree(p))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and (length := (node.end_lineno or node.lineno) - node.lineno + 1) > 80]
    assert long == []


def test_the_window_is_a_shell() -> None:
    path = PACKAGE / "gui" / "main_window.py"
    assert len(path.read_text(encoding="utf-8").splitlines()) < 550
    window = next(node for node in _tree(path).body
                  if isinstance(node, ast.ClassDef) and node.name == "MainWindow")
    methods = [n for n in window.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    assert len(methods) < 30


def test_one_module_writes_to_the_history() -> None:
    writes = re.compile(r"\b(store|history|_store|history_store)\.record(_many)?\(")
    writers = {str(p.relative_to(PACKAGE)) for p in SOURCES
               if writes.search(p.read_text(encoding="utf-8"))}
    assert writers == {"service/recorder.py"}
