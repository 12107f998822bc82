"""Saves, first visits and memory in a full window session, on the demo and on the large file.

One process a database, the window built and shown offscreen as an officer would have it, every
page visited once (each first visit timed), then from the Returns page: one return saved (one
figure changed, the change published to every page, as the grid's Save does) and the whole
quarter's grid saved (a figure changed on every row). Medians over `--runs` saves; the goals are
absolute (the issue's table), so they are printed beside the figures. Peak memory is the
process's maximum resident size at the end.

    .venv/bin/python benchmarks/saves.py [--runs 7] [--large FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from databases import benchmark_databases  # noqa: E402

SESSION = r"""
import json, resource, sys, time
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from desktop_app.app import build_main_window, dispose_window
from desktop_app.core.periods import FinancialYear
from desktop_app.services.returns.grid import quarter_grid, save_grid
from desktop_app.ui.pages.registry import PAGES

runs = int(sys.argv[3])
window = build_main_window(sys.argv[1], settings=QSettings(sys.argv[2], QSettings.Format.IniFormat))
window.show()
# The window opens in steps after its first paint (charts from a first look, then the file in
# full, then its backup copy): the visits are timed once it is open, as an officer clicks then.
deadline = time.perf_counter() + 120
while not (window.workspace.opened and window.current_page().charts_drawn) and time.perf_counter() < deadline:
    QApplication.processEvents(); time.sleep(0.005)
QApplication.processEvents(); window.wait_for_opening_backup(); QApplication.processEvents()
visits = {}
for key in (entry.key for entry in PAGES):
    start = time.perf_counter()
    window.show_page(key); QApplication.processEvents()
    visits[key] = time.perf_counter() - start
window.show_page("returns"); QApplication.processEvents()
db = window.workspace.db
# The newest year's third quarter: every running strand has a return, none of them locked.
last = max(int(r[0]) for r in db.engine.connect().exec_driver_sql("select financial_year from return_period"))
quarter = FinancialYear(last).quarters()[2]

def saved(edits, versions):
    start = time.perf_counter()
    changed = save_grid(db, quarter, edits, versions=versions)
    window.context.publish(changed); QApplication.processEvents()
    return time.perf_counter() - start

one, whole = [], []
for run in range(runs):
    grid = quarter_grid(db, quarter)
    rows = [r for r in grid.rows if r.return_id is not None]
    bump = 1 if run % 2 == 0 else -1
    row = rows[0]
    one.append(saved({row.strand_id: {"victims_supported": row.values["victims_supported"] + bump}}, {row.strand_id: row.version}))
    grid = quarter_grid(db, quarter)
    rows = [r for r in grid.rows if r.return_id is not None]
    whole.append(saved({r.strand_id: {"victims_supported": r.values["victims_supported"] + bump} for r in rows},
                       {r.strand_id: r.version for r in rows}))
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"visits": visits, "one": one, "whole": whole, "rows": len(rows), "peak_mib": peak}))
dispose_window(window)
"""

GOALS = {"one": 60, "whole": 400, "visit": 250, "peak": 250}


def _session(database: Path, scratch: Path, runs: int) -> dict:
    copy = scratch / f"session-{database.name}"
    shutil.copyfile(database, copy)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", SESSION, str(copy), str(scratch / f"settings-{database.stem}.ini"), str(runs)],
        capture_output=True, text=True, env=env, timeout=900,
    )
    if result.returncode != 0:
        raise SystemExit(f"the session on {database.name} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--large", type=Path, help="a file made by make_large.py (made when not given)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        for name, database in benchmark_databases(scratch, args.large):
            figures = _session(database, scratch, args.runs)
            one, whole = statistics.median(figures["one"]) * 1000, statistics.median(figures["whole"]) * 1000
            print(f"-- {name} ({figures['rows']} rows in the grid), medians over {args.runs} saves")
            print(f"save one return:        {one:7.1f} ms  (goal <= {GOALS['one']} ms)")
            print(f"save the whole grid:    {whole:7.1f} ms  (goal <= {GOALS['whole']} ms)")
            for key, seconds in figures["visits"].items():
                print(f"first visit {key:<11} {seconds * 1000:7.1f} ms  (goal <= {GOALS['visit']} ms)")
            print(f"peak memory:            {figures['peak_mib']:7.1f} MiB (goal <= {GOALS['peak']} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
