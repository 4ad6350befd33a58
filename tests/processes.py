"""Child processes in tests: each has a deadline and is killed when the test fails.

``subprocess.run(..., timeout=...)`` already kills its child when the time is up; a
``Popen`` must be wrapped in :func:`child`, since ``Popen.__exit__`` waits for ever.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator, Sequence
from typing import Any

# Starts Python with SIGINT ignored, as a shell script's ``cmd &`` (or nohup) starts it.
_EXEC_WITH_SIGINT_IGNORED = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
    "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])"
)


def python_with_sigint_ignored(*args: str) -> list[str]:
    """The command line of ``python ARGS`` started with SIGINT ignored (kept across exec)."""
    return [sys.executable, "-c", _EXEC_WITH_SIGINT_IGNORED, *args]


@contextlib.contextmanager
def child(
    args: Sequence[str], *, reap_s: float = 10, **popen: Any
) -> Iterator[subprocess.Popen[Any]]:
    """``Popen(args)``; on the way out a child still running is killed, then reaped."""
    proc = subprocess.Popen(list(args), **popen)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=reap_s)
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
