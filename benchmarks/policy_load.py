"""What the administrator's policy costs a command: `enkash-sso settings --json` under a full
policy file (every key, a profile) vs the same command with no policy file.

Both are whole processes, alternated, N runs each; prints medians and the ratio. Target:
within 1.15x (reading and checking the policy, and resolving every setting, is small next to
starting Python and reading the settings).

    python benchmarks/policy_load.py [--runs 15]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=env, timeout=60)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    script = str(Path(sys.executable).with_name("enkash-sso"))
    with tempfile.TemporaryDirectory() as tmp:
        policy = Path(tmp) / "policy.json"
        policy.write_text((ROOT / "packaging/linux/policy.json.example").read_text())
        base = {k: v for k, v in os.environ.items() if not k.startswith("ENKASH_")}
        base["ENKASH_DESKTOP_HOME"] = tmp
        base["ENKASH_DESKTOP_POLICY"] = str(Path(tmp) / "absent.json")
        with_policy = {**base, "ENKASH_DESKTOP_POLICY": str(policy)}
        json.loads(subprocess.run([script, "settings", "--json"], env=with_policy, check=True,
                                  capture_output=True, text=True).stdout)  # it works
        plain: list[float] = []
        policed: list[float] = []
        for _ in range(args.runs):
            plain.append(timed([script, "settings", "--json"], base))
            policed.append(timed([script, "settings", "--json"], with_policy))
    a, b = statistics.median(plain), statistics.median(policed)
    print(f"settings, no policy:      median {a * 1000:.0f} ms over {args.runs} runs")
    print(f"settings, full policy:    median {b * 1000:.0f} ms over {args.runs} runs")
    print(f"ratio {b / a:.2f}x (target: within 1.15x)")


if __name__ == "__main__":
    main()
