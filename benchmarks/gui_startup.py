"""Start-up, memory and responsiveness of the window (a benchmark, not a test).

    python benchmarks/gui_startup.py [--runs 15] [--sends 20]
    python benchmarks/gui_startup.py --floor-parts [--runs 15]

1. Start-up: wall time from spawning ``python -m enkash_desktop --demo --quit-after-show``
   to its first event-loop turn after the window is shown (the child prints the moment and
   its peak RSS so far, then quits), and the peak RSS of the whole run (``wait4``: the app
   also starts its services right after the first paint: settings, log, history, the demo
   sandbox), against a bare PySide6 ``QMainWindow`` script started the same way. Offscreen
   platform; runs alternate; medians, ratios of medians and the median of each round's own
   ratio are printed. For information, also: the bare window after touching the Qt
   namespace or with one label, ``plain_form.py`` (the main view's widgets in plain PySide,
   no app code: the floor under the app's first window) and ``plain_form.py --services``
   (the same, then an HTTP server, a log file and a SQLite database, as the app starts
   after its first paint: the floor under the app's whole run), and the app as a user with
   a saved profile (no demo sandbox). The children get a private ``PYTHONPYCACHEPREFIX``
   (an installed program has its .pyc files; a shell's ``PYTHONDONTWRITEBYTECODE`` would
   otherwise make them recompile every run) and one warm-up run each.
   With ``--floor-parts``, instead: the plain form with each of its parts left out in turn
   (``plain_form.py --leave-out``), against the bare window: what each part of the main
   view costs any PySide window, and how far under the targets the floor can go.
2. Responsiveness: the longest gap between ticks of a 1 ms timer on the GUI thread while
   the window makes ``--sends`` sends in a row against the sandbox with a 0.2 s delay fault,
   in a child process started like the others (after one short warm-up run of its own).

Targets (ratios of medians, from one run): first shown window within 1.25x of the bare
window; peak RSS at the first shown window within 1.2x; peak RSS of the demo's whole run
within 1.45x; no event-loop stall of 16 ms or more during the sends.
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
TARGET_TIME = 1.25  # first shown window, x the bare window
TARGET_FIRST_RSS = 1.2  # peak RSS at the first shown window
TARGET_WHOLE_RSS = 1.45  # peak RSS of the demo's whole run
TARGET_STALL_MS = 16.0  # longest gap between ticks of a 1 ms timer, during the sends

BARE = """
import sys
import time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setWindowTitle("bare")
window.resize(1180, 780)
window.show()
import resource
QTimer.singleShot(0, lambda: print(f"first-window {time.time():.6f} "
                                   f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}",
                                   flush=True))
QTimer.singleShot(0, window.close)
QTimer.singleShot(0, app.quit)
sys.exit(app.exec())
"""


def _child_env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["ENKASH_DESKTOP_HOME"] = str(tmp / "home")
    env["ENKASH_DESKTOP_DEFAULTS"] = str(tmp / "no-defaults.json")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float, float]:
    """Seconds to the first shown window, seconds to exit, peak RSS (MiB) of the whole run
    and peak RSS (MiB) up to the first shown window, of a child.

    The child prints ``first-window <epoch> <ru_maxrss KiB>`` on its first event-loop turn
    after show().
    """
    started_wall = time.time()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
    if proc.stdout:
        proc.stdout.close()
    stamps = [line.split()[1:3] for line in out.splitlines()
              if line.startswith("first-window ")]
    if not stamps:
        raise RuntimeError(f"{cmd} never reported its first window: {out!r}")
    first_window = float(stamps[0][0]) - started_wall
    first_window_rss = float(stamps[0][1]) / 1024.0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd} failed ({proc.returncode}): {err}")
    return first_window, elapsed, usage.ru_maxrss / 1024.0, first_window_rss


def _with_saved_profile(env: dict[str, str], home: Path) -> dict[str, str]:
    """The environment of a user who has saved one profile of their own (no demo sandbox)."""
    from enkash_desktop.core.models import Environment, Profile
    from enkash_desktop.store.paths import AppPaths
    from enkash_desktop.store.settings import Settings, SettingsStore

    paths = AppPaths.under(home).ensure()
    profile = Profile(name="Acme (UAT)", environment=Environment.UAT,
                      base_url="https://pay-uat.enkash.in",
                      auth_base_url="https://ekpayout-uat.enkash.in",
                      partner_id="CRMXWB3ZM", portal_partner="hrms")
    SettingsStore(paths.settings_file).save(Settings(profiles=(profile,),
                                                     current_profile=profile.name))
    return {**env, "ENKASH_DESKTOP_HOME": str(home)}


def _bare_command(tmp: Path) -> list[str]:
    """The bare window's command (its script written into ``tmp``)."""
    script = tmp / "bare.py"
    script.write_text(BARE, "utf-8")
    return [sys.executable, str(script)]


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def startup(runs: int, tmp: Path) -> None:
    env = _child_env(tmp)
    qt_script = tmp / "bare_qt.py"
    # For information, not targets: the same bare window after touching the Qt namespace
    # (PySide makes its 93 enums at once, ≈20 ms), and with one line of text (the font
    # database and the first glyphs): costs any window with a form pays, unless it avoids
    # them as the app does for the first.
    qt_script.write_text(BARE.replace("import sys", "import sys\nfrom PySide6.QtCore "
                                      "import Qt\nQt.AlignmentFlag.AlignLeft", 1), "utf-8")
    text_script = tmp / "bare_text.py"
    text_script.write_text(BARE.replace(
        'window.setWindowTitle("bare")',
        'window.setWindowTitle("bare")\nfrom PySide6.QtWidgets import QLabel\n'
        'window.setCentralWidget(QLabel("Card account id"))', 1), "utf-8")
    own_env = _with_saved_profile(env, tmp / "own")
    commands = {
        "bare": _bare_command(tmp),
        "bare+Qt": [sys.executable, str(qt_script)],
        "bare+text": [sys.executable, str(text_script)],
        "plain": [sys.executable, str(ROOT / "benchmarks" / "plain_form.py")],
        "plain+services": [sys.executable, str(ROOT / "benchmarks" / "plain_form.py"),
                           "--services"],
        "app": [sys.executable, "-m", "enkash_desktop", "--demo", "--quit-after-show"],
        "own": [sys.executable, "-m", "enkash_desktop", "--quit-after-show"],
    }
    envs = {name: own_env if name == "own" else env for name in commands}
    _report_startup(runs, _measure(commands, envs, runs))


def _measure(commands: dict[str, list[str]], envs: dict[str, dict[str, str]],
             runs: int) -> dict[str, list[tuple[float, float, float, float]]]:
    """One warm-up run of each command (.pyc files, font cache), then ``runs`` rounds that
    run each in turn; :func:`_run`'s figures by command."""
    for name, cmd in commands.items():
        _run(cmd, envs[name])
    results: dict[str, list[tuple[float, float, float, float]]] = {k: [] for k in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            results[name].append(_run(cmd, envs[name]))
    return results


def _report_startup(runs: int,
                    results: dict[str, list[tuple[float, float, float, float]]]) -> None:
    """Print the medians, the ratios to the bare window and the targets' verdicts."""
    def med(name: str, column: int) -> float:
        return statistics.median(row[column] for row in results[name])

    def paired(name: str, base: str) -> float:
        # Each round runs the two a moment apart: the median of the rounds' own ratios is
        # steadier than the ratio of medians when the machine's speed drifts.
        return statistics.median(a[0] / b[0] for a, b in zip(results[name], results[base],
                                                               strict=True))

    t_bare, w_bare, s_bare = med("bare", 0), med("bare", 2), med("bare", 3)
    t_app, w_app, s_app = med("app", 0), med("app", 2), med("app", 3)
    print(f"start-up to the first shown window, median of {runs} runs (offscreen); peak RSS "
          "at the first shown window and of the whole run:")
    for name, label in (("bare", "bare QMainWindow"), ("bare+Qt", "bare + Qt namespace"),
                        ("bare+text", "bare + one label"), ("plain", "plain form (floor)"),
                        ("plain+services", "plain form + services"),
                        ("own", "with a saved profile"), ("app", "enkash-desktop --demo")):
        note = "" if name in ("bare", "app") else (
            f"   {med(name, 0) / t_bare:.2f}x, {med(name, 3) / s_bare:.2f}x, "
            f"{med(name, 2) / w_bare:.2f}x (information)")
        print(f"  {label:22s}{med(name, 0) * 1000:7.1f} ms   first {med(name, 3):5.1f} MiB"
              f"   whole {med(name, 2):5.1f} MiB{note}")
    ratio, first, whole = t_app / t_bare, s_app / s_bare, w_app / w_bare
    print(f"  first shown window      {ratio:5.2f}x bare   target <= {TARGET_TIME:.2f}x   "
          f"{_verdict(ratio <= TARGET_TIME)}   (round by round {paired('app', 'bare'):.2f}x; "
          f"app / plain form {paired('app', 'plain'):.2f}x)")
    print(f"  peak RSS, first window  {first:5.2f}x bare   target <= {TARGET_FIRST_RSS:.2f}x   "
          f"{_verdict(first <= TARGET_FIRST_RSS)}")
    print(f"  peak RSS, whole run     {whole:5.2f}x bare   target <= {TARGET_WHOLE_RSS:.2f}x   "
          f"{_verdict(whole <= TARGET_WHOLE_RSS)}   (settings, log, history and the demo "
          "sandbox start after the first paint)")
    e_bare, e_app = med("bare", 1), med("app", 1)
    print(f"  whole process to exit: bare {e_bare * 1000:.0f} ms, app {e_app * 1000:.0f} ms")


def floor_parts(runs: int, tmp: Path) -> None:
    """The plain form less one part (or a few), against the bare window: medians of
    ``runs`` alternating runs, one warm-up each."""
    env = _child_env(tmp)
    plain = [sys.executable, str(ROOT / "benchmarks" / "plain_form.py")]
    variants = {"bare QMainWindow": _bare_command(tmp),
                "plain form, whole": plain}
    for parts in ("menus", "chooser", "style", "reply", "result", "cardholder", "status",
                  "chooser,style", "menus,chooser,style"):
        variants[f"plain form less {parts.replace(',', ', ')}"] = [*plain, "--leave-out",
                                                                   parts]
    results = _measure(variants, dict.fromkeys(variants, env), runs)
    bare_time = statistics.median(row[0] for row in results["bare QMainWindow"])
    bare_rss = statistics.median(row[3] for row in results["bare QMainWindow"])
    print(f"the plain form's parts, median of {runs} runs (offscreen); first shown window and "
          "peak RSS at it, as ratios to the bare window:")
    for name, rows in results.items():
        first = statistics.median(row[0] for row in rows)
        rss = statistics.median(row[3] for row in rows)
        print(f"  {name:40s}{first * 1000:7.1f} ms {first / bare_time:5.2f}x   "
              f"{rss:5.1f} MiB {rss / bare_rss:5.2f}x")
    print(f"  targets of the app: {TARGET_TIME:.2f}x and {TARGET_FIRST_RSS:.2f}x")


def responsiveness(sends: int, tmp: Path) -> None:
    """Run the sends in a child started like the others: once briefly (its .pyc files),
    then measured."""
    env = _child_env(tmp)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--responsiveness-child"]
    for count in (2, sends):
        proc = subprocess.run([*cmd, "--sends", str(count)], env=env, cwd=ROOT,
                              capture_output=True, text=True, timeout=300, check=False)
        lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
        if proc.returncode != 0 or not lines:
            raise RuntimeError(f"the responsiveness run failed ({proc.returncode}): "
                               f"{proc.stderr[-2000:]}")
    result = json.loads(lines[-1])
    longest = result["longest_ms"]
    print(f"event loop during {sends} sends with a 0.2 s server delay ({result['seconds']:.1f} s,"
          f" {result['ticks']} ticks):")
    print(f"  longest stall {longest:6.1f} ms   99th percentile {result['p99_ms']:5.1f} ms   "
          f"target < {TARGET_STALL_MS:.0f} ms   {_verdict(longest < TARGET_STALL_MS)}")
    print(f"  peak RSS after the sends {result['peak_mib']:.1f} MiB (information: the HTTP "
          "stack and the client are loaded by now)")


def responsiveness_child(sends: int) -> None:
    """The measured part of :func:`responsiveness`: prints one JSON line."""
    import resource

    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from enkash_desktop.core.lockout import MemoryFailureCounter
    from enkash_desktop.gui.main_window import MainWindow
    from enkash_desktop.sandbox import Sandbox
    from enkash_desktop.store.settings import SettingsStore

    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory(prefix="enkash-bench-") as tmp, Sandbox() as sandbox:
        window = MainWindow(settings_store=SettingsStore(Path(tmp) / "settings.json"),
                            secret_store=None, failures=MemoryFailureCounter(),
                            sandbox=sandbox, demo=True)
        window.show()
        sandbox.set_fault("delay", delay_s=0.2)
        gaps: list[float] = []
        state = {"last": 0.0, "sent": 0, "measuring": False}

        def tick() -> None:
            now = time.perf_counter()
            if state["measuring"] and state["last"]:
                gaps.append(now - state["last"])
            state["last"] = now

        def drive() -> None:
            if window.busy:
                return
            if state["sent"] >= sends:
                app.quit()
                return
            if state["sent"] and "Success" not in window.result.outcome.text():
                raise RuntimeError(window.result.outcome.text())
            state["sent"] += 1
            window.calls.send()

        def begin() -> None:
            state["measuring"] = True
            driver.start()

        ticker = QTimer()
        ticker.setTimerType(Qt.TimerType.PreciseTimer)
        ticker.setInterval(1)
        ticker.timeout.connect(tick)
        driver = QTimer()
        driver.setInterval(5)
        driver.timeout.connect(drive)
        ticker.start()
        QTimer.singleShot(1500, begin)  # after start-up and the background warm-up
        started = time.perf_counter()
        app.exec()
        total = time.perf_counter() - started - 1.5
        window.close()
        window.deleteLater()  # gone before the interpreter's final garbage collection
        app.processEvents()
    gaps.sort()
    print(json.dumps({
        "seconds": total, "ticks": len(gaps), "longest_ms": gaps[-1] * 1000 if gaps else 0.0,
        "p99_ms": gaps[int(len(gaps) * 0.99)] * 1000 if gaps else 0.0,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--sends", type=int, default=20)
    parser.add_argument("--floor-parts", action="store_true",
                        help="only the plain form less each of its parts, against the bare "
                             "window")
    parser.add_argument("--responsiveness-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.responsiveness_child:
        responsiveness_child(args.sends)
        return 0
    with tempfile.TemporaryDirectory(prefix="enkash-bench-") as tmp_name:
        if args.floor_parts:
            floor_parts(args.runs, Path(tmp_name))
        else:
            startup(args.runs, Path(tmp_name))
            responsiveness(args.sends, Path(tmp_name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
