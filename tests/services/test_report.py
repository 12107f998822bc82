"""The year's report: totals, what is counted, and what is still missing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from desktop_app.core.periods import FinancialYear
from desktop_app.core.vocabulary import AgreementType
from desktop_app.services.report import report_text, year_report
from desktop_app.store.models import FundingStream, Provider, ServiceCategory, Strand


def test_a_strand_starting_mid_year_is_missing_only_the_quarters_it_runs(demo_db):
    before = year_report(demo_db, FinancialYear(2024)).returns_missing
    with demo_db.transaction() as session:
        session.add(
            Strand(
                reference="WY-900",
                provider=session.scalars(select(Provider).limit(1)).one(),
                funding_stream=session.scalars(select(FundingStream).limit(1)).one(),
                name="Late-starting pilot",
                service_category=session.scalars(select(ServiceCategory).limit(1)).one(),
                agreement_type=AgreementType.GRANT,
                start_date=dt.date(2024, 11, 15),  # part-way through Q3
            )
        )
    after = year_report(demo_db, FinancialYear(2024))
    assert after.returns_missing == before + 2  # Q3 and Q4 only
    assert f"{after.returns_missing} returns for the year have not been received." in report_text(after)


def test_locked_years_count_every_return_and_leave_none_out(demo_db):
    report = year_report(demo_db, FinancialYear(2022))
    assert report.returns_unverified == 0
    assert report.returns_missing == 0
    assert "Totals count" in report_text(report)
    assert "left out" not in report_text(report)


def test_unverified_returns_are_left_out_unless_asked_for(demo_db):
    counted = year_report(demo_db, FinancialYear(2024))
    everything = year_report(demo_db, FinancialYear(2024), include_unverified=True)
    assert counted.returns_unverified > 0
    assert everything.returns_counted == counted.returns_counted + counted.returns_unverified
    assert everything.totals["victims_supported"] > counted.totals["victims_supported"]
    assert "not yet verified are left out" in report_text(counted)


def test_a_year_with_no_returns_reports_zeros_not_an_error(db):
    report = year_report(db, FinancialYear(2030))
    assert set(report.totals.values()) == {0}
    assert report.returns_counted == 0


def _with_total(report, key: str, total: int):
    from dataclasses import replace

    measures = tuple(replace(m, total=total) if m.key == key else m for m in report.measures)
    return replace(report, measures=measures)


def test_the_panel_report_prints_a_small_total_as_fewer_than_5_and_says_so(demo_db):
    from desktop_app.services.report import report_json

    report = _with_total(year_report(demo_db, FinancialYear(2022)), "rj_supported", 3)
    text = report_text(report)
    rj = next(line for line in text.splitlines() if "supported by the restorative justice" in line.lower())
    assert "fewer than 5" in rj and " 3 " not in rj
    assert 'shown as "fewer than 5"' in text
    assert report_json(report)["totals"]["rj_supported"] == 3  # scripts and the MoJ keep exact figures
    assert "fewer than" not in report_text(year_report(demo_db, FinancialYear(2022)))  # nothing small: no note


def test_the_threshold_is_a_setting(demo_db):
    from desktop_app.store.models import Setting

    with demo_db.transaction() as session:
        session.add(Setting(key="small_number_threshold", value="10"))
    report = _with_total(year_report(demo_db, FinancialYear(2022)), "rj_supported", 7)
    assert report.suppression_threshold == 10
    assert "fewer than 10" in report_text(report)
