"""``enkash-sso batch``: an SSO token for every cardholder of a CSV file, resumable."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from .common import _bad_input, _client, _in_terminal_words, _print_error, _recording, _target

if TYPE_CHECKING:
    from enkash_desktop.core import SsoResult
    from enkash_desktop.core.batch import BatchProgress, BatchResults, BatchSummary
    from enkash_desktop.core.csvsafe import CardholderRow, RowProblem


def _cmd_batch(args: argparse.Namespace) -> int:
    import threading

    from enkash_desktop.core import EnkashError
    from enkash_desktop.core.batch import run_batch
    from enkash_desktop.service.calls import BatchRecording

    prepared = _prepare(args)
    if isinstance(prepared, int):
        return prepared
    rows, problems, results = prepared
    interrupted = False
    summary = None
    try:
        with _target(args) as (profile, secrets, failures), \
                _client(profile, secrets, failures) as client, _recording(args) as recorder:
            recording = BatchRecording(recorder)

            def on_result(index: int, result: SsoResult) -> None:
                results.add(result)
                results.save_if_due()
                told = bool(recording.error)
                recording.add(result)
                if recording.error and not told:
                    print(f"{recording.error} The remaining calls are not recorded in the "
                          "history.", file=sys.stderr)

            summary = run_batch(
                client, [r.cardholder for r in rows], on_result=on_result,
                cancel=threading.Event(), concurrency=args.concurrency,
                done_keys=results.done_keys(), on_progress=_progress_printer(args),
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
    if interrupted or summary is None:
        print(f"The batch was interrupted. The finished rows are saved in {args.output}; run "
              "the same command again to resume.", file=sys.stderr)
        return 130
    return _report(args, summary, problems)


def _prepare(args: argparse.Namespace) -> tuple[list[CardholderRow], list[RowProblem],
                                                BatchResults] | int:
    """The input's rows and problems and the results file (resumed), or the exit code when
    they cannot be used; nothing is sent before this succeeds."""
    from pathlib import Path

    from enkash_desktop.core import EnkashError
    from enkash_desktop.core.batch import BatchResults, check_concurrency
    from enkash_desktop.core.csvsafe import read_cardholders_csv
    from enkash_desktop.store import write_atomic

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
    return list(rows), list(problems), results


def _progress_printer(args: argparse.Namespace) -> Callable[[BatchProgress], None]:
    """Progress on stderr, at most every two seconds (none with --json)."""
    last_print = 0.0

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

    return on_progress


def _report(args: argparse.Namespace, summary: BatchSummary,
            problems: list[RowProblem]) -> int:
    """The batch's summary (one JSON object with --json); returns the exit code."""
    from enkash_desktop.core.batch import LINKS_WARNING

    code = summary.exit_code
    if code == 0 and problems:
        code = 2
    p = summary.progress
    error = summary.auth_error
    if error is not None:  # a locked login: how to unlock it from here
        error = _in_terminal_words(error, args)
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
        rows = "1 row was" if summary.not_started == 1 else f"{summary.not_started} rows were"
        print(f"The batch stopped: {error.message}\n{error.hint}\n{rows} not sent; run the "
              "same command again to resume.", file=sys.stderr)
    if p.ok:
        print(LINKS_WARNING, file=sys.stderr)
    return code
