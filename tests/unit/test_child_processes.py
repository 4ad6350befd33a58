"""Every child process a test starts has a deadline: no test can hang on one.

``subprocess.run`` (and friends) must be given ``timeout=``, which kills the child when it
runs out; a ``Popen`` must go through :func:`tests.processes.child`, which kills a child
still running when the test ends, since ``Popen.__exit__`` waits for ever.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
RUNNERS = {"run", "call", "check_call", "check_output"}


def _calls(path: Path) -> list[tuple[int, str, set[str]]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "subprocess"):
            found.append((node.lineno, node.func.attr, {k.arg for k in node.keywords if k.arg}))
    return found


def test_every_subprocess_call_in_the_tests_has_a_deadline() -> None:
    problems = []
    files = sorted(TESTS.rglob("*.py"))
    assert len(files) > 20
    for path in files:
        for line, name, keywords in _calls(path):
            where = f"{path.relative_to(TESTS)}:{line}"
            if name in RUNNERS and "timeout" not in keywords:
                problems.append(f"{where}: subprocess.{name} without timeout=")
            if name == "Popen" and path.name != "processes.py":
                problems.append(f"{where}: subprocess.Popen outside tests.processes.child")
    assert problems == []


def test_the_check_sees_a_call_without_a_deadline(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import subprocess\nsubprocess.run(['true'])\nsubprocess.Popen(['x'])\n")
    assert _calls(sample) == [(2, "run", set()), (3, "Popen", set())]
