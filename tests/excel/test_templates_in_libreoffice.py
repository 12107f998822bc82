"""A provider fills a template in real LibreOffice Calc, and the import takes what was typed.

LibreOffice runs headless; each figure is entered through the UNO bridge as the cell's local
input, the way a keyboard entry is taken (`libreoffice_uno.py`), so its own number and date
parsing applies: `3-4` and `5 apr` become dates there, as typed. Dates are refused naming the
cell; numbers are stored as typed. AutoInput acts only on typing in a window, which this
headless LibreOffice has none of (Debian's calc-nogui); the script reports what it would have
offered by its rule (text above in the same column), and the tests assert it is nothing.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop_app.core.periods import Quarter
from desktop_app.services.templates import commit_import, make_templates, preview_import
from tests.excel.libreoffice import ODS_FILTER, LibreOffice
from tests.excel.test_templates import input_cells
from tests.real_programs import libreoffice, uno_python

Q4 = Quarter.parse("2024/25 Q4")
PROVIDER = "Aire Valley Victim Support"  # strands WY-001 to WY-004, returns held for 2024/25 Q4
AFTER = "Reported to police during or after support"
MENTAL_HEALTH = "Referred to mental health support"
RESTORATIVE = "Supported by restorative justice"
# The figures the issue saw LibreOffice complete to "30 Apr 2025" (3, 30) or "2024/25 Q4 (" (2, 20).
TYPED_NUMBERS = {
    ("WY-001", AFTER): "3",
    ("WY-001", MENTAL_HEALTH): "30",
    ("WY-003", AFTER): "2",
    ("WY-003", MENTAL_HEALTH): "20",
    ("WY-004", RESTORATIVE): "5",
}
KEYS = {AFTER: "reported_after", MENTAL_HEALTH: "referred_mental_health", RESTORATIVE: "restorative_justice"}


@pytest.fixture(scope="module")
def calc(tmp_path_factory):
    office = LibreOffice(libreoffice(), uno_python(), tmp_path_factory.mktemp("libreoffice"))
    office.start()
    yield office
    office.stop()


@pytest.fixture
def template(demo_db, tmp_path) -> Path:
    (path,) = make_templates(demo_db, Q4, tmp_path / "out", provider=PROVIDER).paths
    return path


def _cells(template: Path, typed: dict[tuple[str, str], str]) -> list[tuple[str, str, str]]:
    where = input_cells(template)
    return [(sheet, where[sheet][label], text) for (sheet, label), text in typed.items()]


def _stored(db_path: Path, reference: str, label: str) -> int | None:
    with sqlite3.connect(db_path) as connection:
        row = connection.execute(
            """SELECT v.value FROM return_value v JOIN "return" r ON r.id = v.return_id
               JOIN strand s ON s.id = r.strand_id JOIN measure m ON m.id = v.measure_id
               JOIN return_period p ON p.id = r.period_id
               WHERE s.reference = ? AND m.label = ? AND p.financial_year = 2024 AND p.quarter = 4""",
            (reference, label),
        ).fetchone()
    return row[0] if row else None


def test_figures_typed_in_libreoffice_and_saved_as_xlsx_are_stored_as_typed(calc, template, demo_db, demo_path, tmp_path):
    saved = tmp_path / "filled in LibreOffice.xlsx"
    held = calc.fill(template, saved, _cells(template, TYPED_NUMBERS))
    assert [(c.kind, c.shown) for c in held] == [("value", text) for text in TYPED_NUMBERS.values()]
    # Typed in a window, AutoInput would have had nothing to complete them to (it once offered
    # "30 Apr 2025" for 3 and "2024/25 Q4 (Jan–Mar 2025)" for 2).
    assert [c.offered for c in held] == [()] * len(TYPED_NUMBERS)

    preview = preview_import(demo_db, [saved])
    assert preview.ok, preview.lines()
    commit_import(demo_db, preview)

    stored = {key: _stored(demo_path, *key) for key in TYPED_NUMBERS}
    assert stored == {key: int(text) for key, text in TYPED_NUMBERS.items()}


def test_dates_typed_in_libreoffice_are_refused_naming_the_cell_and_nothing_is_stored(
    calc, template, demo_db, demo_path, tmp_path
):
    typed = {("WY-001", MENTAL_HEALTH): "5 apr", ("WY-003", MENTAL_HEALTH): "3-4", ("WY-004", RESTORATIVE): "5"}
    before = {key: _stored(demo_path, *key) for key in typed}
    saved = tmp_path / "dates.xlsx"
    held = calc.fill(template, saved, _cells(template, typed))
    assert [c.kind for c in held] == ["value"] * 3  # LibreOffice took both dates as dates: serial numbers

    preview = preview_import(demo_db, [saved])
    assert not preview.ok
    (refused,) = preview.refused_files
    first, second = refused.problems
    where = input_cells(template)
    assert first.startswith(f"dates.xlsx, sheet WY-001, cell {where['WY-001'][MENTAL_HEALTH]}: holds a date (5 Apr ")
    assert second.startswith(f"dates.xlsx, sheet WY-003, cell {where['WY-003'][MENTAL_HEALTH]}: holds a date (3 Apr ")
    assert first.endswith(f"not a count: type the number for {MENTAL_HEALTH} as a whole number")
    assert {key: _stored(demo_path, *key) for key in typed} == before


def test_a_template_saved_as_ods_in_libreoffice_is_refused_saying_how_to_save_it_as_xlsx(calc, template, demo_db, tmp_path):
    saved = tmp_path / "filled.ods"
    calc.fill(template, saved, _cells(template, {("WY-004", RESTORATIVE): "5"}), ODS_FILTER)

    preview = preview_import(demo_db, [saved])
    (refused,) = preview.refused_files
    assert refused.refusal_line().startswith("filled.ods: is a LibreOffice (OpenDocument .ods) spreadsheet")
    assert 'File › Save As…, set the file type to "Excel 2007-365 (.xlsx)"' in refused.refusal_line()


def test_a_breakdown_typed_in_libreoffice_is_imported_per_category(calc, template, demo_db, demo_path, tmp_path):
    from desktop_app.excel.template_reader import read_template

    strand = next(s for s in read_template(template).strands if s.sheet == "WY-002")  # no return held yet
    typed = {"female": "31", "male": "25", "prefer_not_to_say": "0", "not_known": "4"}
    cells = [("WY-002", strand.cells["victims_supported"], "60")] + [
        ("WY-002", strand.breakdown_cells[("victims_supported", "sex", key)], text) for key, text in typed.items()
    ]
    saved = tmp_path / "breakdown in LibreOffice.xlsx"
    held = calc.fill(template, saved, cells)
    assert [(c.kind, c.shown) for c in held] == [("value", text) for _, _, text in cells]
    assert [c.offered for c in held] == [()] * len(cells)  # no text above in the input column to complete to

    preview = preview_import(demo_db, [saved])
    assert preview.ok, preview.lines()
    commit_import(demo_db, preview)
    with sqlite3.connect(demo_path) as connection:
        stored = dict(connection.execute(
            """SELECT c.key, v.value FROM return_breakdown_value v JOIN "return" r ON r.id = v.return_id
               JOIN strand s ON s.id = r.strand_id JOIN breakdown_category c ON c.id = v.category_id
               JOIN breakdown b ON b.id = c.breakdown_id JOIN return_period p ON p.id = r.period_id
               WHERE s.reference = 'WY-002' AND b.key = 'sex' AND p.financial_year = 2024 AND p.quarter = 4"""
        ).fetchall())
    assert stored == {key: int(text) for key, text in typed.items()}
