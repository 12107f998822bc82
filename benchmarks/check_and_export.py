"""`check` and `export --year` as whole processes, against the least the same work could cost.

- check: `commissioning-desk check` against a process that runs SQLite's integrity_check and
  reads every value of every table (what any full check must at least do);
- export: `commissioning-desk export --year` (the newest complete year) against a process that
  writes the same rows as the workbook's Data sheet (every counted total and breakdown figure,
  the same ten columns) with openpyxl in write-only mode, the floor for a workbook of that size.

Each pair runs back to back (the machine is shared: medians of paired runs), on the demo and on
the large file of make_large.py. Goals: check at most 2x, export at most 1.5x.

    .venv/bin/python benchmarks/check_and_export.py [--runs 5] [--large FILE]
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

sys.path.insert(0, str(Path(__file__).parent))
from databases import benchmark_databases  # noqa: E402

CHECK_FLOOR = r"""
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1])
assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
tables = [r[0] for r in connection.execute("select name from sqlite_master where type = 'table'")]
for table in tables:
    for _row in connection.execute(f'select * from "{table}"'):
        pass
"""

EXPORT_FLOOR = r"""
import sqlite3, sys
from openpyxl import Workbook
connection = sqlite3.connect(sys.argv[1])
year = int(sys.argv[3])
label = f"{year}/{(year + 1) % 100:02d}"
where = "p.financial_year = ? and r.status in ('verified', 'locked')"
# The Data sheet's own rows: each counted total, then each breakdown category's figure.
totals = connection.execute(
    "select p.quarter, pr.name, s.reference, s.name, m.key, m.label, '', '', v.value, m.sort_order "
    "from return_value v join measure m on m.id = v.measure_id join return r on r.id = v.return_id "
    "join return_period p on p.id = r.period_id join strand s on s.id = r.strand_id "
    f"join provider pr on pr.id = s.provider_id where {where}", (year,)).fetchall()
parts = connection.execute(
    "select p.quarter, pr.name, s.reference, s.name, m.key, m.label, b.label, c.label, v.value, m.sort_order "
    "from return_breakdown_value v join measure m on m.id = v.measure_id "
    "join breakdown_category c on c.id = v.category_id join breakdown b on b.id = c.breakdown_id "
    "join return r on r.id = v.return_id join return_period p on p.id = r.period_id "
    f"join strand s on s.id = r.strand_id join provider pr on pr.id = s.provider_id where {where}",
    (year,)).fetchall()
rows = sorted(totals + parts, key=lambda r: (r[1].casefold(), r[2], r[0], r[9], r[6] != ""))
book = Workbook(write_only=True)
sheet = book.create_sheet("Data")
sheet.append(["financial_year", "quarter", "provider", "strand_ref", "strand", "measure_key",
              "measure_label", "breakdown", "category", "value"])
for quarter, provider, ref, strand, key, measure, breakdown, category, value, _ in rows:
    sheet.append([label, f"Q{quarter}", provider, ref, strand, key, measure, breakdown, category, value])
book.save(sys.argv[2])
print(len(rows))
"""

def _seconds(argv: list[str]) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    start = time.perf_counter()
    result = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=900)
    took = time.perf_counter() - start
    if result.returncode not in (0, 1):  # check exits 1 when it finds problems: still timed
        raise SystemExit(f"{' '.join(argv[:4])} failed:\n{result.stderr[-2000:]}")
    return took


def _newest_complete_year(database: Path) -> int:
    import sqlite3

    with sqlite3.connect(database) as connection:
        years = [r[0] for r in connection.execute("select distinct financial_year from return_period order by 1")]
    return years[-2]  # the newest year is still coming in


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--large", type=Path, help="a file made by make_large.py (made when not given)")
    args = parser.parse_args()
    desk = [sys.executable, "-m", "desktop_app"]
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        for name, database in benchmark_databases(scratch, args.large):
            year = _newest_complete_year(database)
            label = f"{year}/{(year + 1) % 100:02d}"
            timings: dict[str, list[float]] = {"check_floor": [], "check": [], "export_floor": [], "export": []}
            for run in range(args.runs):
                timings["check_floor"].append(_seconds([sys.executable, "-c", CHECK_FLOOR, str(database)]))
                timings["check"].append(_seconds([*desk, "--db", str(database), "check"]))
                floor_out, out = scratch / f"floor{run}.xlsx", scratch / f"export{run}.xlsx"
                timings["export_floor"].append(_seconds([sys.executable, "-c", EXPORT_FLOOR, str(database), str(floor_out), str(year)]))
                timings["export"].append(_seconds([*desk, "--db", str(database), "export", "--year", label, "--out", str(out)]))
            median = {key: statistics.median(values) for key, values in timings.items()}
            check_ratio = median["check"] / median["check_floor"]
            export_ratio = median["export"] / median["export_floor"]
            print(f"-- {name} (export of {label}), medians of {args.runs} paired runs")
            print(f"check:  {median['check'] * 1000:7.0f} ms vs floor {median['check_floor'] * 1000:7.0f} ms -> "
                  f"{check_ratio:.2f}x (goal at most 2x) {'within' if check_ratio <= 2 else 'OVER'}")
            print(f"export: {median['export'] * 1000:7.0f} ms vs floor {median['export_floor'] * 1000:7.0f} ms -> "
                  f"{export_ratio:.2f}x (goal at most 1.5x) {'within' if export_ratio <= 1.5 else 'OVER'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
