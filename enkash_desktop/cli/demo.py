"""`send --demo` in a terminal: the portal link it prints is served by the built-in
simulator, so the simulator stays up until the person presses Enter.

Without a terminal to answer (started in the background, by a script or CI, or with
stdin from a file) the command says that the link only worked while the demo ran, and ends
as usual: it never waits for an Enter that cannot come, and never stops itself by reading
a terminal it does not own (a background job that reads its terminal is stopped by it).
"""

from __future__ import annotations

import os
import sys

WAITING = ("The portal link works only while this demo runs: the built-in EnKash simulator "
           "on this computer answers it. Open it now, then press Enter to stop the demo.")
STOPPED = "The demo has stopped, so its portal link no longer works."
NOT_WAITING = ("The portal link works only while the demo runs, and the demo has now ended, "
               "so it no longer opens. To keep it running until you press Enter, run the "
               "demo in a terminal, in the foreground.")


def can_wait_for_enter() -> bool:
    """True when stdin is a terminal that this process may read: it is in the terminal's
    foreground (not a background job), or the terminal is not its controlling one."""
    stdin = sys.stdin
    try:
        if stdin is None or not stdin.isatty():
            return False
        fd = stdin.fileno()
    except (OSError, ValueError):  # closed or detached
        return False
    if not hasattr(os, "tcgetpgrp"):  # Windows: a console has no process groups
        return True
    try:
        return os.tcgetpgrp(fd) == os.getpgrp()
    except OSError:  # not the controlling terminal: reading it cannot stop this process
        return True


def keep_running_for_the_link() -> None:
    """Wait for Enter (or Ctrl+D, Ctrl+C) when someone can press it; say why either way.

    The simulator is the caller's: it stops when this returns."""
    if not can_wait_for_enter():
        print(NOT_WAITING, file=sys.stderr, flush=True)
        return
    print(WAITING, file=sys.stderr, flush=True)
    try:
        sys.stdin.readline()
    except KeyboardInterrupt:
        print(file=sys.stderr)
    print(STOPPED, file=sys.stderr, flush=True)
