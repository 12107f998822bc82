"""Choosing the period, the preview before saving, and writing the workbook (not final)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from desktop_app.core.periods import FinancialYear, PeriodError
from desktop_app.excel.writer import WorkbookWriteError
from desktop_app.services.export import (
    ExportPeriod,
    NothingToExportError,
    export_preview,
    write_moj_return,
)
from desktop_app.services.progress import Cancelled
from desktop_app.services.report import year_report
from desktop_app.store.models import Measure, Return, ReturnPeriod, ReturnValue, Strand

YEAR = ExportPeriod.parse("2022/23")


@pytest.fixture
def out(tmp_path):
    """A folder of its own for the workbooks (the database file sits in tmp_path)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _rows(path, sheet: str, first_header: str) -> tuple[list, list[list]]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    start = next(i for i, row in enumerate(rows) if row and row[0] == first_header)
    return rows[start], [row for row in rows[start + 1 :] if any(cell != "" for cell in row)]


def _summary_lines(path) -> list[str]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Summary").to_python()
    return [row[0] for row in rows[: next(i for i, row in enumerate(rows) if row[0] == "Measure")]]


# ---------------------------------------------------------------- the period


def test_a_period_is_labelled_and_covers_its_quarters_as_officers_write_them():
    year, half, quarter = ExportPeriod.parse("2022/23"), ExportPeriod.parse("2022/23 H1"), ExportPeriod.parse("2022/23-Q3")
    assert (year.label, half.label, quarter.label) == ("2022/23", "2022/23 H1", "2022/23 Q3")
    assert (year.part, half.part, quarter.part) == ("year", "H1", "Q3")
    assert year.quarter_numbers == (1, 2, 3, 4)
    assert ExportPeriod.parse("2022/23 H2").quarter_numbers == (3, 4)
    assert quarter.quarter_numbers == (3,)
    assert (year.start, year.end) == (dt.date(2022, 4, 1), dt.date(2023, 3, 31))
    assert (half.start, half.end) == (dt.date(2022, 4, 1), dt.date(2022, 9, 30))
    assert (quarter.start, quarter.end) == (dt.date(2022, 10, 1), dt.date(2022, 12, 31))
    assert ExportPeriod.from_options("2022/23", half="H1") == half
    assert ExportPeriod.from_options("2022-23", quarter="q3") == quarter
    assert ExportPeriod.from_part(2022, "H1") == half and ExportPeriod.from_part(2022, "year") == year


def test_a_wrong_period_is_refused_with_a_message():
    with pytest.raises(PeriodError, match="not both"):
        ExportPeriod.from_options("2022/23", quarter="Q1", half="H1")
    with pytest.raises(PeriodError, match="Q5"):
        ExportPeriod.from_options("2022/23", quarter="Q5")
    with pytest.raises(PeriodError):
        ExportPeriod(FinancialYear(2022), half=3)
    with pytest.raises(PeriodError, match="H3"):
        ExportPeriod.from_part(2022, "H3")


# ---------------------------------------------------------------- the preview


def test_the_preview_of_a_locked_year_matches_the_yearly_report(demo_db):
    preview = export_preview(demo_db, YEAR)
    report = year_report(demo_db, FinancialYear(2022))
    assert preview.totals == report.totals
    assert (preview.returns_counted, preview.returns_unverified, preview.returns_missing) == (276, 0, 0)
    assert preview.problems == () and preview.can_export and preview.refusal is None


def test_halves_and_quarters_add_up_to_the_year(demo_db):
    year = export_preview(demo_db, YEAR).totals
    halves = [export_preview(demo_db, ExportPeriod.parse(f"2022/23 H{n}")).totals for n in (1, 2)]
    quarters = [export_preview(demo_db, ExportPeriod.parse(f"2022/23 Q{n}")).totals for n in (1, 2, 3, 4)]
    assert {k: sum(h[k] for h in halves) for k in year} == year
    assert {k: sum(q[k] for q in quarters) for k in year} == year


def test_missing_returns_are_listed_as_problems_naming_the_strand(demo_db):
    preview = export_preview(demo_db, ExportPeriod.parse("2024/25 Q4"))
    missing = [p for p in preview.problems if p.kind == "missing return"]
    assert preview.returns_missing == len(missing) == 18
    assert all(p.where.startswith("2024/25 Q4, strand WY-") for p in missing)
    assert preview.returns_counted == 0 and preview.returns_unverified == 54


def test_a_counted_return_that_breaks_a_rule_is_a_problem_and_summary_says_so(demo_db, out):
    with demo_db.transaction(reason="test: a typing slip") as session:
        value = session.scalars(
            select(ReturnValue)
            .join(ReturnValue.measure)
            .join(ReturnValue.return_)
            .join(Return.period)
            .where(Measure.key == "idva_da_supported", ReturnPeriod.financial_year == 2022, ReturnValue.value > 0)
            .limit(1)
        ).one()
        value.value = 999_999
        reference = value.return_.strand.reference
    preview = export_preview(demo_db, YEAR)
    breaches = [p for p in preview.problems if p.kind == "rule breach"]
    assert len(breaches) == 1 and reference in breaches[0].where
    assert "IDVA" in breaches[0].message
    path = write_moj_return(demo_db, YEAR, out / "breach.xlsx").path
    assert any("1 measure-rule breach:" in line for line in _summary_lines(path))


# ---------------------------------------------------------------- the workbook


def test_a_half_or_a_quarter_holds_only_its_own_quarters(demo_db, out):
    for text, quarters in (("2022/23 H1", {"Q1", "Q2"}), ("2022/23 Q3", {"Q3"})):
        period = ExportPeriod.parse(text)
        result = write_moj_return(demo_db, period, out / f"{period.file_stem}.xlsx")
        header, data = _rows(result.path, "Data", "financial_year")
        assert {row[1] for row in data} == quarters
        _, returns = _rows(result.path, "Returns", "Provider")
        assert {row[3] for row in returns} == quarters
        header, _ = _rows(result.path, "Completeness", "Provider")
        assert header[3:] == [f"2022/23 {q}" for q in sorted(quarters)]
        assert result.totals == export_preview(demo_db, period).totals
        assert f"Period: {text}" in _summary_lines(result.path)[1]


def test_including_unverified_returns_counts_more_and_summary_says_so(demo_db, out):
    period = ExportPeriod.parse("2024/25")
    counted = write_moj_return(demo_db, period, out / "counted.xlsx")
    everything = write_moj_return(demo_db, period, out / "all.xlsx", include_unverified=True)
    assert everything.totals["victims_supported"] > counted.totals["victims_supported"]
    assert everything.returns_counted == counted.returns_counted + counted.returns_unverified
    lines = _summary_lines(everything.path)
    assert f"Totals include {counted.returns_unverified} returns not yet verified" in " ".join(lines)
    plain = " ".join(_summary_lines(counted.path))
    assert "not yet verified are left out" in plain and "Totals include" not in plain
    assert "18 returns for the period have not been received." in plain
    _, returns = _rows(everything.path, "Returns", "Provider")
    assert {row[5] for row in returns} == {"Yes"}
    _, returns = _rows(counted.path, "Returns", "Provider")
    assert {row[5] for row in returns} == {"Yes", "No"}


def test_a_period_with_no_returns_is_refused_clearly_and_writes_no_file(demo_db, out):
    target = out / "empty.xlsx"
    with pytest.raises(NothingToExportError) as refused:
        write_moj_return(demo_db, ExportPeriod.parse("2021/22"), target)
    assert str(refused.value).startswith("2021/22 has no verified or locked returns to export;")
    assert not target.exists() and list(out.iterdir()) == []


def test_a_quarter_of_only_unverified_returns_says_verify_them_first(demo_db, out):
    q4 = ExportPeriod.parse("2024/25 Q4")
    with pytest.raises(NothingToExportError, match="verify its 54 returns first"):
        write_moj_return(demo_db, q4, out / "q4.xlsx")
    assert write_moj_return(demo_db, q4, out / "q4.xlsx", include_unverified=True).returns_counted == 54


def test_a_folder_as_target_is_refused_and_left_alone(demo_db, out):
    folder = out / "returns.xlsx"
    folder.mkdir()
    (folder / "keep.txt").write_text("officer's file")
    with pytest.raises(WorkbookWriteError, match="it is a folder"):
        write_moj_return(demo_db, YEAR, folder)
    assert [p.name for p in folder.iterdir()] == ["keep.txt"]
    assert (folder / "keep.txt").read_text() == "officer's file"


def test_a_path_under_a_regular_file_is_refused_and_the_file_kept(demo_db, out):
    plain = out / "notes.txt"
    plain.write_bytes(b"not a folder")
    with pytest.raises(WorkbookWriteError, match="is a file, not a folder"):
        write_moj_return(demo_db, YEAR, plain / "return.xlsx")
    assert plain.read_bytes() == b"not a folder"
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


def test_cancelling_writes_nothing_and_keeps_the_old_file(demo_db, out):
    target = out / "return.xlsx"
    target.write_bytes(b"last week's workbook")
    polls = []

    def cancelled() -> bool:
        polls.append(1)
        return len(polls) > 4  # part-way through the sheets

    with pytest.raises(Cancelled, match="cancelled; no file was written"):
        write_moj_return(demo_db, YEAR, target, cancelled=cancelled)
    assert target.read_bytes() == b"last week's workbook"
    assert [p.name for p in out.iterdir()] == ["return.xlsx"]


def test_progress_rises_to_one_and_the_file_replaces_the_old_one(demo_db, out):
    target = out / "return.xlsx"
    target.write_bytes(b"old")
    seen: list[tuple[float, str]] = []
    result = write_moj_return(demo_db, YEAR, target, progress=lambda f, t: seen.append((f, t)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert any("Data sheet" in text for _, text in seen)
    assert result.path == target and target.read_bytes()[:2] == b"PK"
    assert "Victims supported 90,793" in result.totals_line


def test_importing_the_export_service_does_not_load_openpyxl():
    probe = "import sys, json; import desktop_app.services.export; print(json.dumps('openpyxl' in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], check=False, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) is False


def test_a_strand_starting_mid_year_is_expected_only_in_the_quarters_it_runs(demo_db):
    before = export_preview(demo_db, ExportPeriod.parse("2024/25")).returns_missing
    with demo_db.transaction() as session:
        template = session.scalars(select(Strand).order_by(Strand.id).limit(1)).one()
        session.add(
            Strand(
                reference="WY-900", provider_id=template.provider_id, funding_stream_id=template.funding_stream_id,
                name="Late-starting pilot", service_category_id=template.service_category_id,
                agreement_type=template.agreement_type, start_date=dt.date(2024, 11, 15),
            )
        )
    assert export_preview(demo_db, ExportPeriod.parse("2024/25")).returns_missing == before + 2
    assert export_preview(demo_db, ExportPeriod.parse("2024/25 H1")).returns_missing == 0
