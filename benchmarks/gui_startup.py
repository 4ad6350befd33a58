"""Start-up, memory and responsiveness of the window (a benchmark, not a test).

    python benchmarks/gui_startup.py [--runs 15] [--sends 20]

1. Start-up: wall time from spawning ``python -m enkash_desktop --demo --quit-after-show``
   to its first event-loop turn after the window is shown (the child prints the moment and
   its peak RSS so far, then quits), and the peak RSS of the whole run (``wait4``: the app
   also starts its services right after the first paint), against a bare PySide6
   ``QMainWindow`` script started the same way. Offscreen platform; runs alternate; medians,
   ratios of medians and the median of each round's own ratio are printed. For
   information, also: the bare window after touching the Qt namespace or with one label,
   ``plain_form.py`` (the same widgets in plain PySide, no app code: the floor under the
   app), and the app as a user with a saved profile (no demo sandbox). The children get a
   private ``PYTHONPYCACHEPREFIX`` (an installed program has its .pyc files; a shell's
   ``PYTHONDONTWRITEBYTECODE`` would otherwise make both recompile every run) and one
   warm-up run each.
2. Responsiveness: the longest gap between ticks of a 1 ms timer on the GUI thread while
   the window makes ``--sends`` sends in a row against the sandbox with a 0.2 s delay fault.

Targets: start-up and memory within 1.3× of bare, no event-loop stall over 16 ms.
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


def startup(runs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="enkash-bench-") as tmp_name:
        tmp = Path(tmp_name)
        env = _child_env(tmp)
        bare_script = tmp / "bare.py"
        bare_script.write_text(BARE, "utf-8")
        qt_script = tmp / "bare_qt.py"
        # For information, not targets: the same bare window after touching the Qt
        # namespace (PySide makes its 93 enums at once, ≈20 ms), and with one line of text
        # (the font database and the first glyphs): costs any window with a form pays,
        # unless it avoids them as the app does for the first.
        qt_script.write_text(BARE.replace("import sys", "import sys\nfrom PySide6.QtCore "
                                          "import Qt\nQt.AlignmentFlag.AlignLeft", 1), "utf-8")
        text_script = tmp / "bare_text.py"
        text_script.write_text(BARE.replace(
            'window.setWindowTitle("bare")',
            'window.setWindowTitle("bare")\nfrom PySide6.QtWidgets import QLabel\n'
            'window.setCentralWidget(QLabel("Card account id"))', 1), "utf-8")
        own_env = _with_saved_profile(env, tmp / "own")
        commands = {
            "bare": [sys.executable, str(bare_script)],
            "bare+Qt": [sys.executable, str(qt_script)],
            "bare+text": [sys.executable, str(text_script)],
            "plain": [sys.executable, str(ROOT / "benchmarks" / "plain_form.py")],
            "app": [sys.executable, "-m", "enkash_desktop", "--demo", "--quit-after-show"],
            "own": [sys.executable, "-m", "enkash_desktop", "--quit-after-show"],
        }
        envs = {name: own_env if name == "own" else env for name in commands}
        for name, cmd in commands.items():  # warm-up: .pyc files, font cache
            _run(cmd, envs[name])
        times: dict[str, list[float]] = {k: [] for k in commands}
        exits: dict[str, list[float]] = {k: [] for k in commands}
        rss: dict[str, list[float]] = {k: [] for k in commands}
        shown_rss: dict[str, list[float]] = {k: [] for k in commands}
        for _ in range(runs):
            for name, cmd in commands.items():
                seconds, exit_seconds, mib, shown_mib = _run(cmd, envs[name])
                times[name].append(seconds)
                exits[name].append(exit_seconds)
                rss[name].append(mib)
                shown_rss[name].append(shown_mib)
    t_bare, t_app = statistics.median(times["bare"]), statistics.median(times["app"])
    m_bare, m_app = statistics.median(rss["bare"]), statistics.median(rss["app"])
    # Each round runs bare and app a moment apart: the median of the rounds' own ratios
    # is steadier than the ratio of medians when the machine's speed drifts.
    paired = statistics.median(a / b for a, b in zip(times["app"], times["bare"], strict=True))
    s_bare = statistics.median(shown_rss["bare"])
    s_app = statistics.median(shown_rss["app"])
    print(f"start-up to the first shown window, median of {runs} runs (offscreen):")
    print(f"  bare QMainWindow        {t_bare * 1000:7.1f} ms   peak RSS {m_bare:6.1f} MiB")
    t_qt, m_qt = statistics.median(times["bare+Qt"]), statistics.median(rss["bare+Qt"])
    print(f"  bare + Qt namespace     {t_qt * 1000:7.1f} ms   peak RSS {m_qt:6.1f} MiB"
          "   (information)")
    t_tx, m_tx = statistics.median(times["bare+text"]), statistics.median(rss["bare+text"])
    print(f"  bare + one label        {t_tx * 1000:7.1f} ms   peak RSS {m_tx:6.1f} MiB"
          "   (information)")
    t_pl, m_pl = statistics.median(times["plain"]), statistics.median(rss["plain"])
    print(f"  plain form, same widgets{t_pl * 1000:7.1f} ms   peak RSS {m_pl:6.1f} MiB"
          f"   ({t_pl / t_bare:.2f}x, {m_pl / m_bare:.2f}x: plain_form.py, no app code; "
          "information)")
    print(f"  enkash-desktop --demo   {t_app * 1000:7.1f} ms   peak RSS {m_app:6.1f} MiB")
    print(f"  ratio                   {t_app / t_bare:7.2f}x      memory   {m_app / m_bare:5.2f}x"
          "   (targets: 1.30x, 1.30x)")
    print(f"  ratio, round by round   {paired:7.2f}x      (median of the {runs} rounds' own "
          "ratios)")
    over_plain = statistics.median(
        a / b for a, b in zip(times["app"], times["plain"], strict=True))
    print(f"  app / plain form        {over_plain:7.2f}x      (round by round: the app's own "
          "code, over what its widgets cost)")
    print(f"  peak RSS at the first shown window: bare {s_bare:.1f} MiB, app {s_app:.1f} MiB "
          f"= {s_app / s_bare:.2f}x (the peak RSS above is the whole run: the app then also "
          "starts its services)")
    t_own, m_own = statistics.median(times["own"]), statistics.median(rss["own"])
    print(f"  with a saved profile    {t_own * 1000:7.1f} ms   peak RSS {m_own:6.1f} MiB"
          f"   ({t_own / t_bare:.2f}x, {m_own / m_bare:.2f}x: no demo sandbox; information)")
    e_bare, e_app = statistics.median(exits["bare"]), statistics.median(exits["app"])
    print(f"  whole process to exit: bare {e_bare * 1000:.0f} ms, app {e_app * 1000:.0f} ms "
          "(the app also loads settings, opens the history and starts the demo sandbox "
          "after its first paint)")


def responsiveness(sends: int) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))
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
    p99 = gaps[int(len(gaps) * 0.99)] if gaps else 0.0
    print(f"event loop during {sends} sends with a 0.2 s server delay ({total:.1f} s, "
          f"{len(gaps)} ticks):")
    print(f"  longest stall {gaps[-1] * 1000:6.1f} ms   99th percentile {p99 * 1000:5.1f} ms"
          "   (target: under 16 ms)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--sends", type=int, default=20)
    args = parser.parse_args()
    startup(args.runs)
    responsiveness(args.sends)
    return 0


if __name__ == "__main__":
    sys.exit(main())
