"""Start-up budget: Commissioning Desk's window against a bare PySide6 window, in one run.

Each measurement is a fresh process (a cold start as an officer sees it), timed from the first
line of the script — before any import — to the window shown and painted. The Desk's window is
opened on a copy of the demo database, so its first page (the dashboard) is filled with the
year's figures; its charts (pyqtgraph) are drawn just after the first paint, timed separately.
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

BARE = r"""
import time; start = time.perf_counter()
from PySide6.QtWidgets import QApplication, QMainWindow, QLabel
app = QApplication([])
window = QMainWindow(); window.setCentralWidget(QLabel("Hello")); window.resize(1280, 800)
window.show(); window.repaint()
print(time.perf_counter() - start)
"""

DESK = r"""
import time; start = time.perf_counter()
import sys
from PySide6.QtCore import QSettings
from desktop_app.app import build_main_window, dispose_window
window = build_main_window(sys.argv[1], settings=QSettings(sys.argv[2], QSettings.Format.IniFormat))
window.show(); window.repaint()
first_paint = time.perf_counter() - start
from PySide6.QtWidgets import QApplication
QApplication.processEvents(); window.repaint()  # the dashboard's charts, drawn just after
print(first_paint, time.perf_counter() - start)
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
