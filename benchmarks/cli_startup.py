"""Start-to-exit time of `enkash-sso send --demo --json` vs `python -c "import httpx"`.

Both are whole processes started the same way, alternated, N runs each; prints medians
and the ratio. Target: within 1.5x.

    python benchmarks/cli_startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path


def timed(cmd: list[str]) -> tuple[float, bytes]:
    t0 = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True).stdout
    return time.perf_counter() - t0, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    script = Path(sys.executable).with_name("enkash-sso")  # the installed command
    ours = ([str(script)] if script.exists() else [sys.executable, "-m", "enkash_desktop.cli"])
    ours += ["send", "--demo", "--json"]
    base = [sys.executable, "-c", "import httpx"]
    timed(ours), timed(base)  # warm the file cache
    a: list[float] = []
    b: list[float] = []
    for _ in range(args.runs):
        seconds, out = timed(ours)
        assert json.loads(out)["ok"] is True
        a.append(seconds)
        b.append(timed(base)[0])
    ma, mb = statistics.median(a) * 1000, statistics.median(b) * 1000
    print(f"enkash-sso send --demo --json   median {ma:.0f} ms")
    print(f'python -c "import httpx"        median {mb:.0f} ms')
    print(f"ratio                           {ma / mb:.2f}x  (target <= 1.5x)")


if __name__ == "__main__":
    main()
