"""`scripts/demo.sh` without a display: the command-line demo keeps its simulator (and so
its portal link) up until Enter in a terminal, and ends by itself in the background.

Each run is a real process with a deadline and is killed if it outlives it; the terminal
runs use a pseudo-terminal that is the process's controlling terminal, as a real one is.
"""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from enkash_desktop.cli.demo import NOT_WAITING, STOPPED, WAITING
from tests.processes import child

ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"Portal link: (http://127\.0\.0\.1:\d+/sso/\S+)")
DEADLINE_S = 60

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell script")

# Starts a program in a new session whose controlling terminal is the pseudo-terminal on
# its stdin, as a terminal emulator starts its shell.
_ON_TERMINAL = (
    "import fcntl, os, sys, termios; os.setsid(); fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
    "os.execvp(sys.argv[1], sys.argv[1:])"
)


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
           and not k.startswith("ENKASH_")}
    env.update(ENKASH_DESKTOP_HOME=str(tmp_path / "home"), TERM="dumb", PS1="$ ")
    return env


def _opens(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            return bool(reply.status == 200)
    except (urllib.error.URLError, ConnectionError):
        return False


class Terminal:
    """The controlling side of a pseudo-terminal: what was written, and typing."""

    def __init__(self) -> None:
        self.master, self.slave = os.openpty()
        self.seen = ""

    def read_until(self, text: str, deadline: float) -> str:
        """Everything written so far, once ``text`` (a regular expression) is among it."""
        while not re.search(text, self.seen):
            left = deadline - time.monotonic()
            assert left > 0, f"never saw {text!r} in:\n{self.seen}"
            ready, _, _ = select.select([self.master], [], [], min(left, 0.5))
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:  # the other side closed
                    chunk = b""
                assert chunk, f"the terminal closed before {text!r}:\n{self.seen}"
                self.seen += chunk.decode("utf-8", "replace").replace("\r\n", "\n")
        return self.seen

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def start(self, args: list[str], env: dict[str, str]) -> Any:
        """``args`` in a new session on this terminal (stdin, stdout and stderr)."""
        return child([sys.executable, "-c", _ON_TERMINAL, *args], cwd=ROOT, env=env,
                     stdin=self.slave, stdout=self.slave, stderr=self.slave)

    def close(self) -> None:
        for fd in (self.master, self.slave):
            os.close(fd)


def test_in_a_terminal_the_link_works_until_enter(tmp_path: Path) -> None:
    terminal = Terminal()
    deadline = time.monotonic() + DEADLINE_S
    try:
        with terminal.start(["bash", "scripts/demo.sh"], _env(tmp_path)) as proc:
            seen = terminal.read_until(r"press Enter to stop the demo\.", deadline)
            assert "No display was found" in seen
            assert WAITING in seen.replace("\n", " ")
            match = LINK.search(seen)
            assert match, seen
            link = match.group(1)
            time.sleep(0.5)
            assert proc.poll() is None  # it waits
            assert _opens(link)  # and the link works meanwhile
            terminal.type("\n")
            assert proc.wait(timeout=DEADLINE_S) == 0
            assert STOPPED in terminal.read_until(re.escape(STOPPED), deadline)
            assert not _opens(link)  # the simulator stopped with the demo
    finally:
        terminal.close()


def test_in_the_background_it_says_so_and_ends(tmp_path: Path) -> None:
    # `bash scripts/demo.sh </dev/null &` from a script, a service or CI: no terminal.
    proc = subprocess.run(["bash", "-c", "bash scripts/demo.sh </dev/null & wait $!"],
                          cwd=ROOT, env=_env(tmp_path), capture_output=True, text=True,
                          timeout=DEADLINE_S)
    assert proc.returncode == 0, proc.stderr
    match = LINK.search(proc.stdout)
    assert match, proc.stdout + proc.stderr
    assert NOT_WAITING in proc.stderr
    assert WAITING not in proc.stderr
    assert not _opens(match.group(1))


@pytest.mark.parametrize("command", ["bash scripts/demo.sh </dev/null &",
                                     "bash scripts/demo.sh &"])
def test_a_background_job_of_an_interactive_shell_ends_without_reading_the_terminal(
        tmp_path: Path, command: str) -> None:
    """A person types ``command`` in their terminal's shell: the job never waits for an
    Enter it cannot read (a background job reading its terminal would be stopped)."""
    terminal = Terminal()
    deadline = time.monotonic() + DEADLINE_S
    try:
        with terminal.start(["bash", "--norc", "--noprofile", "-i"], _env(tmp_path)) as shell:
            # The marker is spelled so the echo of the typed line does not contain it.
            terminal.type(f"{command} wait $!; printf 'demo-%s=%d.\\n' exit $?; exit\n")
            seen = terminal.read_until(r"demo-exit=\d+\.", deadline)
            assert "demo-exit=0." in seen, seen  # not 149: stopped by reading the terminal
            assert NOT_WAITING in seen.replace("\n", " ")
            assert shell.wait(timeout=DEADLINE_S) == 0
    finally:
        terminal.close()
