"""A new measure is a data change, and a retired one keeps its history.

A `[[measures]]` entry added to a temporary copy of the reference data file, and the database
reopened, puts the measure on the form, the grid, the next templates, the report, the export's
Data sheet and the check with no code change; its `valid_to` stops it being asked for in later
quarters while the figures it already has stay in that year's report and export.
"""

from __future__ import annotations

import datetime as dt

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from desktop_app.core.periods import FinancialYear, Quarter
from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.paths import reference_data_file
from desktop_app.services.catalogue import load_catalogue
from desktop_app.services.checks import run_checks
from desktop_app.services.export import ExportPeriod, write_moj_return
from desktop_app.services.report import report_text, year_report
from desktop_app.services.returns import quarter_grid, return_form, save_return, set_status
from desktop_app.services.templates.making import make_templates
from desktop_app.store import database as database_module
from desktop_app.store.database import open_database
from desktop_app.store.models import Return, ReturnPeriod

Q3, Q4 = Quarter.parse("2024/25 Q3"), Quarter.parse("2024/25 Q4")

NEW_MEASURE = """
[[measures]]
key = "victims_waiting"
label = "Victims waiting for support"
short_label = "Waiting"
group = "Outputs"
unit = "victims"
help = "Victims referred to the service and still waiting for support at the quarter's end."
valid_from = 2018-04-01
valid_to = 2024-12-31
order = 98
ceiling = 1_000_000
report_sentence = "{value} victims were waiting for support at a quarter's end."
demo = { of = "referrals_received", ratio = 0.1 }

"""


@pytest.fixture
def grown_db(demo_path, tmp_path, monkeypatch):
    """The demo database reopened with a catalogue file that has one measure more."""
    text = reference_data_file().read_text(encoding="utf-8")
    marker = "# ---------------------------------------------------------------------------------------------\n# Breakdowns:"
    assert marker in text
    edited = tmp_path / "reference_data.toml"
    edited.write_text(text.replace(marker, NEW_MEASURE + marker, 1), encoding="utf-8")
    monkeypatch.setattr(database_module, "reference_data_file", lambda: edited)
    db = open_database(demo_path)
    yield db
    db.close()


def _verified_q3_strand(db) -> int:
    with db.reading() as session:
        return session.scalar(
            select(Return.strand_id)
            .join(Return.period)
            .where(ReturnPeriod.financial_year == 2024, ReturnPeriod.quarter == 3, Return.status == ReturnStatus.VERIFIED)
            .order_by(Return.strand_id)
            .limit(1)
        )


def test_an_added_measure_is_asked_for_everywhere_until_its_valid_to(grown_db, tmp_path):
    db = grown_db
    strand_id = _verified_q3_strand(db)
    with db.reading() as session:
        measure = load_catalogue(session).measure("victims_waiting")
    assert measure.valid_to == dt.date(2024, 12, 31)

    # The form and the grid of Q3 ask for it; Q4, after its valid_to, does not.
    assert "victims_waiting" in [f.key for f in return_form(db, strand_id, Q3).fields]
    assert "victims_waiting" not in [f.key for f in return_form(db, strand_id, Q4).fields]
    assert "victims_waiting" in [c.key for c in quarter_grid(db, Q3).columns]
    assert "victims_waiting" not in [c.key for c in quarter_grid(db, Q4).columns]

    # The next templates carry it for Q3 only.
    def labels_in_templates(quarter, folder):
        made = make_templates(db, quarter, tmp_path / folder)
        found = set()
        for path in made.paths[:1]:
            for sheet in CalamineWorkbook.from_path(str(path)).sheet_names:
                for row in CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python():
                    found.update(str(cell) for cell in row)
        return found

    assert "Victims waiting for support" in labels_in_templates(Q3, "q3")
    assert "Victims waiting for support" not in labels_in_templates(Q4, "q4")

    # A figure saved for Q3 is in the year's report, the export's Data sheet and the check.
    save_return(db, strand_id, Q3, {"victims_waiting": "17"})  # a changed figure: back to submitted
    set_status(db, (strand_id, Q3), ReturnStatus.VERIFIED)
    report = year_report(db, FinancialYear(2024))
    assert report.totals["victims_waiting"] == 17
    assert "17 victims were waiting for support at a quarter's end." in report_text(report)
    path = write_moj_return(db, ExportPeriod.parse("2024/25"), tmp_path / "year.xlsx").path
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Data").to_python()
    header = list(rows[0])
    waiting = [dict(zip(header, row)) for row in rows[1:] if "victims_waiting" in row]
    assert [(r["quarter"], int(r["value"]), r["breakdown"]) for r in waiting] == [("Q3", 17, "")]
    result = run_checks(db)
    assert result.ok, [str(p) for p in result.problems[:3]]


def test_the_dashboard_cards_and_charts_follow_the_catalogue_attributes(demo_path, tmp_path, monkeypatch):
    from desktop_app.services.dashboard import dashboard

    text = reference_data_file().read_text(encoding="utf-8")
    # Referrals become a figure card; mental health stops being one.
    head, tail = text.split('key = "referrals_received"\n', 1)
    tail = tail.replace('demo = {', 'headline = { order = 6, title = "Referrals", detail = "victims referred" }\ndemo = {', 1)
    text = (head + 'key = "referrals_received"\n' + tail).replace(
        'headline = { order = 5, title = "Mental health", detail = "victims referred" }\n', ""
    )
    edited = tmp_path / "reference_data.toml"
    edited.write_text(text, encoding="utf-8")
    monkeypatch.setattr(database_module, "reference_data_file", lambda: edited)
    with open_database(demo_path) as db:
        board = dashboard(db, FinancialYear(2023), today=dt.date(2025, 6, 1))
        report = year_report(db, FinancialYear(2023))
    keys = [h.key for h in board.headlines]
    assert keys[:5] == ["victims_supported", "idva_da_supported", "isva_sa_supported", "rj_supported", "referrals_received"]
    assert "referred_mental_health" not in keys
    assert board.headline("referrals_received").text == f"{report.totals['referrals_received']:,}"
    # The victims chart counts the measure marked `chart = true`.
    assert board.victims.total == report.totals["victims_supported"]
