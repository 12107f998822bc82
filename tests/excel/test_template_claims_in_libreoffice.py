"""A provider types the quarter's spend on the Spend sheet in real LibreOffice Calc (en-GB), saves
it as .xlsx, and the import stores each claim to the penny; a date typed as spend is refused
naming the sheet and cell. Entered through the UNO bridge as keyboard input is taken (see
`test_templates_in_libreoffice`), so LibreOffice's own parsing of `£1,234.56` and `5 apr` applies.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.core.periods import Quarter
from desktop_app.excel.template_spend import SPEND_SHEET
from desktop_app.services.finance import list_claims
from desktop_app.services.templates import commit_import, make_templates, preview_import
from tests.excel.libreoffice import LibreOffice
from tests.excel.test_templates import input_cells
from tests.real_programs import libreoffice, uno_python

Q4 = Quarter.parse("2024/25 Q4")
PROVIDER = "Aire Valley Victim Support"  # strands WY-001 to WY-004
TYPED = {
    "WY-001 Staff costs": "1234.56",
    "WY-001 Overheads": "£1,234.56",
    "WY-001 Direct delivery costs": "1234",
    "WY-001 forecast for the rest of the year": "5000",
    "WY-004 Other costs": "0.5",
}


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


def _cells(template: Path, typed: dict[str, str]) -> list[tuple[str, str, str]]:
    where = input_cells(template)[SPEND_SHEET]
    return [(SPEND_SHEET, where[label], text) for label, text in typed.items()]


def _claims(db) -> dict[str, tuple[dict[str, int], int]]:
    return {c.strand_ref: (c.amounts, c.forecast_remaining_pence) for c in list_claims(db, Q4.year, quarter=4)}


def test_spend_typed_in_libreoffice_and_saved_as_xlsx_is_claimed_to_the_penny(calc, template, demo_db, tmp_path):
    saved = tmp_path / "spend in LibreOffice.xlsx"
    held = calc.fill(template, saved, _cells(template, TYPED))
    assert [c.kind for c in held] == ["value"] * len(TYPED)  # all numbers, `£1,234.56` too
    assert [c.offered for c in held] == [()] * len(TYPED)  # nothing in column B for AutoInput to offer

    preview = preview_import(demo_db, [saved])
    assert preview.ok, preview.lines()
    assert [c.summary() for c in preview.claims_to_write] == [
        "new claim, £3,703.12 → submitted", "new claim, £0.50 → submitted",
    ]
    commit_import(demo_db, preview)

    assert _claims(demo_db) == {
        "WY-001": ({"staff": 123_456, "overheads": 123_456, "direct_costs": 123_400}, 500_000),
        "WY-004": ({"other": 50}, 0),
    }


def test_a_date_typed_as_spend_in_libreoffice_is_refused_naming_the_cell(calc, template, demo_db, tmp_path):
    saved = tmp_path / "spend dated.xlsx"
    calc.fill(template, saved, _cells(template, {"WY-001 Staff costs": "5 apr", "WY-001 Overheads": "12.345"}))

    preview = preview_import(demo_db, [saved])

    assert not preview.ok
    where = input_cells(template)[SPEND_SHEET]
    lines = preview.files[0].refusals
    assert lines[0].startswith(f"spend dated.xlsx, sheet Spend, cell {where['WY-001 Staff costs']}: holds a date (5 Apr ")
    assert any(
        line.startswith(f"spend dated.xlsx, sheet Spend, cell {where['WY-001 Overheads']}: WY-001: Overheads: '12.345'")
        for line in lines
    ), lines
    assert _claims(demo_db) == {}
