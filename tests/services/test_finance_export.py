"""The six-monthly grant monitoring return: a Finance sheet per stream, the CFO's sign-off, and
the sheets read back by python-calamine reconciling to the finance report to the penny."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select

from desktop_app.core.periods import FinancialYear, HalfYear
from desktop_app.services.export import ExportPeriod, SignOffRequired, final_export, write_moj_return
from desktop_app.services.finance import finance_json, finance_report
from desktop_app.store.models import Return, Submission
from desktop_app.core.vocabulary import ReturnStatus

H1 = ExportPeriod.parse("2024/25 H1")
MONEY_COLUMNS = {"Budget": "budget_pence", "Allocated": "allocated_pence", "Claimed": "claimed_pence",
                 "Paid": "paid_pence", "Forecast outturn": "forecast_pence", "Variance": "variance_pence"}


def _pence(value: float) -> int:
    # Calamine gives the cell's float; its shortest repr is the pounds as written.
    return int(Decimal(repr(value)) * 100)


def read_finance_sheets(path) -> dict[str, dict]:
    """Each Finance sheet as {"intro": [...], "rows": [{header: value}], "categories": {name: pence}}."""
    book = CalamineWorkbook.from_path(str(path))
    sheets = {}
    for name in book.sheet_names:
        if not name.startswith("Finance "):
            continue
        cells = book.get_sheet_by_name(name).to_python()
        header_at = next(i for i, row in enumerate(cells) if row[0] == "Row")
        headers = cells[header_at]
        rows, at = [], header_at + 1
        while at < len(cells) and cells[at][0] in ("Stream", "Line", "Strand"):
            row = dict(zip(headers, cells[at]))
            for header in MONEY_COLUMNS:
                row[header] = _pence(row[header])
            rows.append(row)
            at += 1
        start = next(i for i, row in enumerate(cells) if row[0] == "Expenditure by category")
        categories = {}
        for row in cells[start + 1 :]:
            if row[0] and row[0] != "Total claimed":
                categories[row[0]] = _pence(row[3])
        sheets[name] = {"intro": [row[0] for row in cells[:header_at] if row[0]], "rows": rows, "categories": categories}
    return sheets


def test_the_half_year_workbook_has_a_finance_sheet_per_stream_reconciling_to_the_penny(demo_db, tmp_path):
    target = tmp_path / "h1.xlsx"
    write_moj_return(demo_db, H1, target)
    sheets = read_finance_sheets(target)
    assert list(sheets) == ["Finance core", "Finance general"]
    report = finance_report(demo_db, FinancialYear(2024), HalfYear(FinancialYear(2024), 1))
    data = finance_json(report)
    strands = {s["reference"]: s for s in data["strands"]}
    for stream in data["streams"]:
        sheet = sheets[f"Finance {stream['key']}"]
        own = sheet["rows"][0]
        assert (own["Row"], own["Key"], own["Name"]) == ("Stream", stream["key"], stream["name"])
        assert {h: own[h] for h in MONEY_COLUMNS} == {h: stream[k] for h, k in MONEY_COLUMNS.items()}
        lines = [r for r in sheet["rows"] if r["Row"] == "Line"]
        assert [r["Key"] for r in lines] == [line["key"] for line in stream["lines"]]
        for row, line in zip(lines, stream["lines"]):
            assert {h: row[h] for h in MONEY_COLUMNS} == {h: line[k] for h, k in MONEY_COLUMNS.items()}
        strand_rows = [r for r in sheet["rows"] if r["Row"] == "Strand"]
        assert {r["Key"] for r in strand_rows} == {ref for ref, s in strands.items() if s["stream"] == stream["key"]}
        for row in strand_rows:
            wanted = strands[row["Key"]]
            for header in ("Allocated", "Claimed", "Paid", "Forecast outturn"):
                assert row[header] == wanted[MONEY_COLUMNS[header]]
            assert bool(row["Flags"]) == bool(wanted["flags"])
        assert sum(sheet["categories"].values()) == stream["claimed_pence"]
        assert "Due 31 Oct 2024" in sheet["intro"][1]
        assert sheet["intro"][2] == "Not signed off: a draft, not the return as sent."
    # The underspend is there for the funder to hear of early.
    assert any("underspend" in (r["Flags"] or "") for s in sheets.values() for r in s["rows"])


def test_a_year_or_quarter_return_has_no_finance_sheet(demo_db, tmp_path):
    target = tmp_path / "q1.xlsx"
    write_moj_return(demo_db, ExportPeriod.parse("2024/25 Q1"), target)
    assert not [n for n in CalamineWorkbook.from_path(str(target)).sheet_names if n.startswith("Finance")]


def test_a_final_half_year_return_without_the_cfos_name_is_refused_and_nothing_changes(demo_db, tmp_path):
    target = tmp_path / "h1.xlsx"
    locked = select(func.count(Return.id)).where(Return.status == ReturnStatus.LOCKED)
    with demo_db.reading() as session:
        locked_before = session.scalar(locked)
    with pytest.raises(SignOffRequired) as refused:
        final_export(demo_db, H1, target, signed_off_by="  ")
    assert str(refused.value) == (
        "The final monitoring return for 2024/25 H1 must be signed off by the Chief Finance Officer: "
        "give their name (--signed-off-by NAME). Nothing was written."
    )
    assert not target.exists()
    with demo_db.reading() as session:
        assert session.scalar(select(func.count(Submission.id))) == 0
        assert session.scalar(locked) == locked_before


def test_the_cfos_sign_off_is_recorded_in_the_submission_and_shown_in_the_workbook(demo_db, tmp_path):
    target = tmp_path / "h1 final.xlsx"
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    record = final_export(demo_db, H1, target, signed_off_by="Sam  Okafor")
    assert record.signed_off_by == "Sam Okafor"
    assert before <= record.signed_off_at <= dt.datetime.now(dt.UTC)
    with demo_db.reading() as session:
        stored = session.scalars(select(Submission)).one()
    assert stored.signed_off_by == "Sam Okafor"
    at = record.signed_off_at  # the day as officers write it, no leading zero: "5 Oct 2025 14:03"
    words = f"Signed off by Sam Okafor, Chief Finance Officer, on {at.day} {at:%b %Y %H:%M} (UTC)"
    book = CalamineWorkbook.from_path(str(target))
    summary = [row[0] for row in book.get_sheet_by_name("Summary").to_python()[:10]]
    assert words in summary
    assert all(sheet["intro"][2] == words for sheet in read_finance_sheets(target).values())
