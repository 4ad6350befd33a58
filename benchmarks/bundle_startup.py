"""Start-up to first window of the bundled app vs the same app run from source.

Runs ``dist/enkash-desktop/enkash-desktop --demo --quit-after-show`` and
``python -m enkash_desktop --demo --quit-after-show`` (offscreen, a throw-away
ENKASH_DESKTOP_HOME), alternated, N runs each; prints the medians and the ratio.
Target: the bundle within 1.2x of the source run. Build the bundle first
(``bash packaging/build-linux.sh``).

    python benchmarks/bundle_startup.py [--runs 15] [--bundle dist/enkash-desktop]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 1.2


def timed(cmd: list[str], env: dict[str, str]) -> float:
    """Seconds from start to exit of one run; a failed run stops the benchmark."""
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, timeout=120, check=False)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"This command failed with exit code {proc.returncode}: {' '.join(cmd)}\n"
                 + proc.stderr.decode(errors="replace")[-2000:])
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "enkash-desktop")
    args = parser.parse_args()
    program = args.bundle / ("enkash-desktop.exe" if os.name == "nt" else "enkash-desktop")
    if not program.exists():
        print(f"The bundle was not found at {program}; build it with "
              "'bash packaging/build-linux.sh' first.", file=sys.stderr)
        return 1
    flags = ["--demo", "--quit-after-show"]
    bundled = [str(program), *flags]
    source = [sys.executable, "-m", "enkash_desktop", *flags]
    with tempfile.TemporaryDirectory(prefix="enkash-bench-") as home:
        env = {**os.environ, "ENKASH_DESKTOP_HOME": home}
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        timed(bundled, env), timed(source, env)  # warm the file cache and the settings
        a: list[float] = []
        b: list[float] = []
        for _ in range(args.runs):
            a.append(timed(bundled, env))
            b.append(timed(source, env))
    ma, mb = statistics.median(a) * 1000, statistics.median(b) * 1000
    print(f"bundle  {program.relative_to(ROOT) if program.is_relative_to(ROOT) else program}"
          f"   median {ma:.0f} ms")
    print(f"source  python -m enkash_desktop   median {mb:.0f} ms")
    print(f"ratio   {ma / mb:.2f}x  (target <= {TARGET}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
