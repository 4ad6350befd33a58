"""Batch throughput: 1,000 rows against a sandbox that takes 50 ms per SSO call.

Runs :func:`run_batch` at concurrency 4 and 16 and prints, for each, the elapsed time, the
ideal (rows x delay / concurrency) and their ratio. Target: within 1.2x of the ideal.

Twice: first with the sandbox in this process, as the tests run it (client and server then
share one interpreter lock, so the server's CPU time is queued behind the client's), then
with the same sandbox in a child process, which shows what the client alone achieves. The
CPU column is this process's time, so the two runs also tell client from server costs.

    python benchmarks/batch.py [--rows 1000] [--delay 0.05] [--concurrency 4 16]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

from enkash_desktop.core import Cardholder, EnkashClient, MemoryFailureCounter
from enkash_desktop.core.batch import run_batch
from enkash_desktop.sandbox import DEMO, Sandbox, demo_profile, demo_secrets

_CHILD = """
import sys
from enkash_desktop.core import Cardholder
from enkash_desktop.sandbox import DEMO, Sandbox
rows, delay = int(sys.argv[1]), float(sys.argv[2])
with Sandbox() as sb:
    sb.add_cardholders(Cardholder(f"CA{i:07d}", DEMO.company_id, f"EK{i:07d}")
                       for i in range(rows))
    sb.set_fault("delay", endpoint="sso", delay_s=delay)
    print(sb.base_url, flush=True)
    sys.stdin.read()  # until the parent closes our stdin
"""


@contextlib.contextmanager
def child_sandbox(rows: int, delay: float) -> Iterator[str]:
    """A sandbox with the delay fault in its own process; yields its base URL."""
    proc = subprocess.Popen([sys.executable, "-c", _CHILD, str(rows), str(delay)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        yield proc.stdout.readline().strip()
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=10)


def one_run(base_url: str, rows: list[Cardholder],
            concurrency: int) -> tuple[float, float, int]:
    """Elapsed wall and CPU seconds of one batch, and its successful rows."""
    client = EnkashClient(demo_profile(base_url), demo_secrets(),
                          failures=MemoryFailureCounter())
    client.fetch_token()  # log in outside the timed part, as a running batch would have
    ok = 0

    def on_result(index: int, result: object) -> None:
        nonlocal ok
        ok += bool(getattr(result, "ok", False))

    cpu0, t0 = time.process_time(), time.perf_counter()
    run_batch(client, rows, on_result=on_result, cancel=threading.Event(),
              concurrency=concurrency)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    client.close()
    return elapsed, cpu, ok


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[4, 16])
    args = parser.parse_args()
    rows = [Cardholder(f"CA{i:07d}", DEMO.company_id, f"EK{i:07d}") for i in range(args.rows)]
    print(f"{args.rows} rows, {args.delay * 1000:.0f} ms per SSO call, "
          f"{os.cpu_count()} CPUs")
    with Sandbox() as sb:
        sb.add_cardholders(rows)
        # The cost of a call without the delay: what the client and server add to it.
        elapsed, cpu, ok = one_run(sb.base_url, rows[:200], 1)
        assert ok == 200
        print(f"no delay, concurrency 1: {elapsed / 200 * 1000:.2f} ms a call, "
              f"{cpu / 200 * 1000:.2f} ms CPU a call (client and sandbox together)")
        sb.set_fault("delay", endpoint="sso", delay_s=args.delay)
        print("sandbox in this process:")
        measure(sb.base_url, rows, args)
    with child_sandbox(args.rows, args.delay) as base_url:
        print("sandbox in its own process:")
        measure(base_url, rows, args)


def measure(base_url: str, rows: list[Cardholder], args: argparse.Namespace) -> None:
    for concurrency in args.concurrency:
        one_run(base_url, rows[:concurrency * 4], concurrency)  # warm the connections
        elapsed, cpu, ok = one_run(base_url, rows, concurrency)
        assert ok == len(rows), f"only {ok} of {len(rows)} rows succeeded"
        ideal = len(rows) * args.delay / concurrency
        ratio = elapsed / ideal
        verdict = "ok" if ratio <= 1.2 else "above target"
        print(f"  concurrency {concurrency:2d}: {elapsed:6.2f} s, ideal {ideal:6.2f} s, "
              f"ratio {ratio:.2f}x ({verdict}); CPU here {cpu:.2f} s "
              f"({cpu / elapsed * 100:.0f}% of one core)")


if __name__ == "__main__":
    main()
