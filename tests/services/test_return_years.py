"""The years the Exports page offers: each with a return, counted as that year's report counts it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from desktop_app.core.periods import FinancialYear
from desktop_app.core.vocabulary import AgreementType
from desktop_app.services.report import year_report
from desktop_app.services.return_years import years_with_returns
from desktop_app.store.models import FundingStream, Provider, Return, ReturnPeriod, ServiceCategory, Strand


def test_each_year_with_returns_is_offered_newest_first_with_its_reports_counts(demo_db):
    years = years_with_returns(demo_db)
    with demo_db.reading() as session:
        stored = set(session.scalars(select(ReturnPeriod.financial_year).join(Return, Return.period_id == ReturnPeriod.id)))
    assert [y.year.start_year for y in years] == sorted(stored, reverse=True)
    for item in years:
        report = year_report(demo_db, item.year)
        assert item.returns == report.returns_counted + report.returns_unverified > 0
        assert item.missing == report.returns_missing
    assert any(item.missing for item in years)  # the demo's open year still waits for returns


def test_a_new_strand_is_missing_its_quarters_at_once_not_after_a_restart(demo_db):
    before = {y.year.start_year: y.missing for y in years_with_returns(demo_db)}
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
                end_date=dt.date(2025, 3, 31),
            )
        )
    after = {y.year.start_year: y.missing for y in years_with_returns(demo_db)}
    assert after[2024] == before[2024] + 2  # Q3 and Q4 only
    assert {y: n for y, n in after.items() if y != 2024} == {y: n for y, n in before.items() if y != 2024}


def test_no_strands_no_years(db):
    assert years_with_returns(db) == []
    assert year_report(db, FinancialYear(2024)).returns_counted == 0
