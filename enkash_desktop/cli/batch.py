"""``enkash-sso batch``: an SSO token for every cardholder of a CSV file, resumable."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:

    from enkash_desktop.core import SsoResult
from .common import _bad_input, _client, _open_history, _print_error, _target


def _cmd_batch(args: argparse.Namespace) -> int:
    import threading
    from pathlib import Path

    from enkash_desktop.core import EnkashError
    from enkash_desktop.core.batch import (
        LINKS_WARNING,
        BatchProgress,
        BatchResults,
        check_concurrency,
        run_batch,
    )
    from enkash_desktop.core.csvsafe import read_cardholders_csv
    from enkash_desktop.store import StoreError, write_atomic

    try:
        check_concurrency(args.concurrency)
        rows, problems = read_cardholders_csv(Path(args.input))
        results = BatchResults.load(args.output, write=write_atomic)
        results.add_problems(problems)
        results.save()  # fails now, before anything is sent, if the file cannot be written
    except EnkashError as exc:
        return _print_error(exc, args.json)
    except OSError as exc:
        return _bad_input(f"The output file {args.output} cannot be written: "
                          f"{exc.strerror or exc}. Please choose another location.",
                          args.json, field="output")
    if not args.json:
        for problem in problems:
            print(f"{problem.text} The row was not sent.", file=sys.stderr)

    history = _open_history()
    last_print = 0.0

    def on_result(index: int, result: SsoResult) -> None:
        nonlocal history
        results.add(result)
        results.save_if_due()
        if history is not None:
            try:
                history.record(result)
            except StoreError as exc:
                print(f"{exc} The remaining calls are not recorded in the history.",
                      file=sys.stderr)
                history = None

    def on_progress(progress: BatchProgress) -> None:
        nonlocal last_print
        import time

        now = time.monotonic()
        if args.json or not progress.done or (now - last_print < 2.0 and progress.remaining):
            return
        last_print = now
        eta = f", about {progress.eta_s:.0f} s left" if progress.eta_s else ""
        print(f"{progress.done} of {progress.total - progress.skipped} rows done: "
              f"{progress.ok} succeeded, {progress.failed} failed{eta}.", file=sys.stderr)

    interrupted = False
    summary = None
    try:
        with _target(args) as (profile, secrets, failures), \
                _client(profile, secrets, failures) as client:
            summary = run_batch(
                client, [r.cardholder for r in rows], on_result=on_result,
                cancel=threading.Event(), concurrency=args.concurrency,
                done_keys=results.done_keys(), on_progress=on_progress,
                on_rate_limit=lambda s: print(
                    f"EnKash's gateway asked for fewer calls; the batch waits {max(1, round(s))} "
                    "s and then goes on.", file=sys.stderr),
            )
    except EnkashError as exc:
        return _print_error(exc, args.json)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        try:
            results.save()
        except OSError as exc:
            print(f"The results could not be saved in {args.output}: {exc.strerror or exc}.",
                  file=sys.stderr)
        if history is not None:
            history.close()
    if interrupted or summary is None:
        print(f"The batch was interrupted. The finished rows are saved in {args.output}; run "
              "the same command again to resume.", file=sys.stderr)
        return 130
    code = summary.exit_code
    if code == 0 and problems:
        code = 2
    p = summary.progress
    error = summary.auth_error
    if args.json:
        print(json.dumps({
            "ok": code == 0, "exit_code": code, "total": p.total, "succeeded": p.ok,
            "failed": p.failed, "skipped": p.skipped, "not_started": summary.not_started,
            "invalid_rows": len(problems), "end": summary.end.value,
            "failures": {kind.value: n for kind, n in summary.failures},
            "problems": [{"line": x.line, "message": x.message} for x in problems],
            "output": str(args.output), "elapsed_s": round(p.elapsed_s, 3),
            "notice": LINKS_WARNING, "error": error.as_dict() if error else None,
        }))
        return code
    print(f"Rows: {p.ok} succeeded, {p.failed} failed, {p.skipped} already done or repeated, "
          f"{summary.not_started} not sent and {len(problems)} not valid "
          f"({p.elapsed_s:.1f} s). The results are in {args.output}.")
    if error is not None:
        print(f"The batch stopped: {error.message}\n{error.hint}\n{summary.not_started} rows "
              "were not sent; run the same command again to resume.", file=sys.stderr)
    if p.ok:
        print(LINKS_WARNING, file=sys.stderr)
    return code
