"""Template import budget: importing a quarter's filled templates against plain openpyxl reading.

A demo database is built; every provider's template for 2024/25 Q4 is made (34 workbooks holding
the quarter's 72 strand templates, one sheet each) and filled as a provider would (openpyxl,
typing into the unlocked cells only). Then, in the same run and on the same files:

- baseline: openpyxl `load_workbook(read_only=True, data_only=False)` of every file, reading
  every row of every sheet — the least any reader of these files does;
- preview: `preview_import` — the file checks, reading, layout and checksum checks, and the
  validation engine against each strand's stored history;
- import: `preview_import` + `commit_import` — what the `import` verb does: also backing up the
  database and writing every return in one transaction, on a fresh copy of the database each run.

Prints the medians and the ratios; the goal (issue 16) is `import` at most 1.3x the baseline.
The templates are version 4, with a block per breakdown on every strand sheet.

    .venv/bin/python benchmarks/template_import.py [--runs 5] [--quarters 1]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openpyxl import load_workbook  # noqa: E402

from desktop_app.core.periods import Quarter  # noqa: E402
from desktop_app.services.demo import build_demo  # noqa: E402
from desktop_app.services.templates import commit_import, make_templates, preview_import  # noqa: E402
from desktop_app.store.database import open_database  # noqa: E402

LAST = Quarter.parse("2024/25 Q4")


def fill_like_a_provider(path: Path) -> None:
    """Type a figure into every unlocked cell: the one shown (or the latest history), victims + 3."""
    workbook = load_workbook(path)
    for sheet in workbook.worksheets:
        if sheet.sheet_state != "visible" or not sheet.protection.sheet:
            continue
        for row in sheet.iter_rows(min_col=2, max_col=2):
            cell = row[0]
            if cell.protection.locked is not False:
                continue
            value = cell.value if cell.value is not None else sheet.cell(cell.row, 6).value
            if sheet.cell(cell.row, 1).value == "Victims supported":
                value = (value or 0) + 3
            cell.value = value
    workbook.save(path)


def baseline(paths: list[Path]) -> float:
    started = time.perf_counter()
    for path in paths:
        workbook = load_workbook(path, read_only=True, data_only=False)
        for sheet in workbook.worksheets:
            for _ in sheet.iter_rows(values_only=True):
                pass
        workbook.close()
    return time.perf_counter() - started


def import_once(pristine: Path, scratch: Path, paths: list[Path]) -> tuple[float, float]:
    """(preview seconds, preview + commit seconds) on a fresh copy of the database."""
    target = scratch / "run.sqlite"
    for leftover in scratch.glob("run*"):
        shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
    shutil.copyfile(pristine, target)
    with open_database(target) as db:
        started = time.perf_counter()
        preview = preview_import(db, paths)
        previewed = time.perf_counter() - started
        if not preview.ok:
            raise SystemExit("\n".join(preview.lines()))
        commit_import(db, preview)
        committed = time.perf_counter() - started
    return previewed, committed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quarters", type=int, default=1, help="import this many quarters' templates at once")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        pristine = scratch / "demo.sqlite"
        print("Building the demo database and the filled templates…", file=sys.stderr)
        with open_database(pristine) as db:
            build_demo(db)
            quarters = [LAST]
            while len(quarters) < args.quarters:
                quarters.append(quarters[-1].previous())
            paths: list[Path] = []
            strands = 0
            for quarter in quarters:
                made = make_templates(db, quarter, scratch / quarter.cli_label.replace("/", "-"))
                paths += made.paths
                strands += made.strands
        for path in paths:
            fill_like_a_provider(path)
        baseline(paths)  # warm the file cache and the imports for both sides
        plain, previews, imports = [], [], []
        for _ in range(args.runs):
            plain.append(baseline(paths))
            previewed, committed = import_once(pristine, scratch, paths)
            previews.append(previewed)
            imports.append(committed)
    base = statistics.median(plain)
    preview = statistics.median(previews)
    full = statistics.median(imports)
    print(f"{len(paths)} workbooks, {strands} strand templates, median of {args.runs} runs")
    print(f"openpyxl read-only load, every row: {base * 1000:8.1f} ms")
    print(f"preview_import:                     {preview * 1000:8.1f} ms  ratio {preview / base:.2f}x")
    print(f"import (preview + commit):          {full * 1000:8.1f} ms  ratio {full / base:.2f}x (goal ≤ 1.3x)")


if __name__ == "__main__":
    main()
