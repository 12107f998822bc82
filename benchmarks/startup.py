"""Start-up budget: Commissioning Desk's window against a bare PySide6 window, in one run.

Each measurement is a fresh process (a cold start as an officer sees it), timed from the first
line of the script — before any import — to the window's first paint in a running event loop.
The Desk's window is opened on a copy of the demo database, so its first page (the dashboard)
is filled with the year's figures; its charts (pyqtgraph) are drawn just after the first paint,
timed to their first paint.
Prints the medians and the ratio of first paints; the goal is at most 3x.

    .venv/bin/python benchmarks/startup.py [--runs 7] [--large FILE]

Runs on the demo and on the large file of make_large.py.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from databases import benchmark_databases  # noqa: E402

# Both are timed in a running event loop, as an officer's window is: a forced `repaint()` right
# after `show()` would paint before anything queued runs, and so hide work that a real start-up
# does before the window system's first expose. The same event filter watches both.
WATCH = r"""
import time; start = time.perf_counter()
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
times = {}
charts = set()

class Watch(QObject):
    def __init__(self, window, done):
        super().__init__()
        self.window, self.done = window, done

    def eventFilter(self, watched, event):  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            if watched is self.window and "painted" not in times:
                times["painted"] = time.perf_counter() - start
            elif type(watched).__name__.endswith("Chart") and "charts" not in times:
                charts.add(type(watched).__name__)
                if len(charts) == 4:  # the dashboard's four, each painted at least once
                    times["charts"] = time.perf_counter() - start
            if all(key in times for key in self.done):
                QTimer.singleShot(0, QApplication.instance().quit)
        return False
"""

BARE = WATCH + r"""
from PySide6.QtWidgets import QLabel, QMainWindow
app = QApplication([])
window = QMainWindow(); window.setCentralWidget(QLabel("Hello")); window.resize(1280, 800)
watch = Watch(window, ("painted",)); app.installEventFilter(watch)
window.show()
QTimer.singleShot(60_000, app.quit)
app.exec()
print(times["painted"])
"""

DESK = WATCH + r"""
import sys
from PySide6.QtCore import QSettings
from desktop_app.app import build_main_window, dispose_window
window = build_main_window(sys.argv[1], settings=QSettings(sys.argv[2], QSettings.Format.IniFormat))
window.resize(1280, 800)
watch = Watch(window, ("painted", "charts")); QApplication.instance().installEventFilter(watch)
window.show()
QTimer.singleShot(60_000, QApplication.instance().quit)
QApplication.instance().exec()
print(times["painted"], times["charts"])
dispose_window(window)
"""


def _time(script: str, *args: str) -> list[float]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, env=env, timeout=300, check=True
    )
    return [float(x) for x in result.stdout.strip().splitlines()[-1].split()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--large", type=Path, help="a file made by make_large.py (made when not given)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        for name, database in benchmark_databases(Path(scratch), args.large):
            # Paired runs: a bare window, then the Desk, so both see the same load on the machine.
            bare, desk, charts = [], [], []
            for run in range(args.runs):
                copy = Path(scratch) / f"run{run}.sqlite"
                shutil.copyfile(database, copy)
                settings = str(Path(scratch) / f"settings-{name}{run}.ini")
                bare.append(_time(BARE)[0])
                painted, drawn = _time(DESK, str(copy), settings)
                desk.append(painted)
                charts.append(drawn)
            bare_median, desk_median = statistics.median(bare), statistics.median(desk)
            ratio, chart_ratio = desk_median / bare_median, statistics.median(charts) / bare_median
            print(f"-- {name}")
            print(f"bare PySide6 window painted:                 median {bare_median * 1000:7.1f} ms over {args.runs} runs")
            print(f"Commissioning Desk painted, figures filled:  median {desk_median * 1000:7.1f} ms")
            print(f"  ... and the dashboard's charts drawn:      median {statistics.median(charts) * 1000:7.1f} ms")
            print(f"ratio (first paint): {ratio:.2f}x (goal: at most 3x) -> {'within budget' if ratio <= 3 else 'OVER BUDGET'}")
            print(f"ratio (charts drawn): {chart_ratio:.2f}x (goal: at most 5x) -> {'within budget' if chart_ratio <= 5 else 'OVER BUDGET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
