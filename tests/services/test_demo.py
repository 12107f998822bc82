"""The demo database: what a newcomer sees first, and the published figures it must reproduce."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter

import pytest
from sqlalchemy import func, select, text

from desktop_app.core.periods import FinancialYear
from desktop_app.core.vocabulary import (
    Frequency,
    IndicatorUnit,
    OrganisationType,
    ReturnStatus,
    Scope,
)
from desktop_app.services.catalogue import load_catalogue
from desktop_app.services.checks import run_checks
from desktop_app.services.demo import DEMO_SEED, DemoSummary, build_demo
from desktop_app.services.errors import DemoRefusedError
from desktop_app.services.report import year_report
from desktop_app.store.database import open_database
from desktop_app.store.models import (
    Allocation,
    AuditEvent,
    Budget,
    Indicator,
    IndicatorReading,
    Measure,
    Provider,
    Return,
    ReturnPeriod,
    ReturnValue,
    Strand,
)
from tests.conftest import REPO_ROOT
from tests.published import PUBLISHED_2022_23

BUDGETS = {2022: 460_000_000, 2023: 465_000_000, 2024: 475_000_000}


@pytest.fixture(scope="module")
def demo(demo_template, tmp_path_factory):
    """The demo, built once for the run (conftest), opened from a copy for this module."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    shutil.copyfile(demo_template, path)
    database = open_database(path)
    yield database
    database.close()


def _row_counts(db) -> dict[str, int]:
    with db.engine.connect() as connection:
        tables = [
            row[0]
            for row in connection.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            )
        ]
        return {t: connection.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in tables}


def _snapshot(db) -> dict[str, list]:
    """Everything the demo writes that an officer can see, as plain rows in a stable order."""
    with db.reading() as session:
        providers = session.execute(
            select(
                Provider.name, Provider.organisation_type, Provider.scope, Provider.charity_number,
                Provider.company_number, Provider.contact_name, Provider.contact_email,
                Provider.contact_phone,
            ).order_by(Provider.name)
        ).all()
        strands = session.execute(
            select(Strand.reference, Strand.name, Strand.agreement_type, Strand.start_date)
            .order_by(Strand.reference)
        ).all()
        allocations = session.execute(
            select(Strand.reference, Allocation.financial_year, Allocation.amount_pence)
            .join(Allocation.strand)
            .order_by(Strand.reference, Allocation.financial_year)
        ).all()
        values = session.execute(
            select(
                Strand.reference, ReturnPeriod.financial_year, ReturnPeriod.quarter, Return.status,
                Return.received_date, Measure.key, ReturnValue.value,
            )
            .join(ReturnValue.return_)
            .join(ReturnValue.measure)
            .join(Return.strand)
            .join(Return.period)
            .order_by(Strand.reference, ReturnPeriod.financial_year, ReturnPeriod.quarter, Measure.key)
        ).all()
        readings = session.execute(
            select(Indicator.code, IndicatorReading.period_start, IndicatorReading.value)
            .join(IndicatorReading.indicator)
            .order_by(Indicator.code, IndicatorReading.period_start)
        ).all()
    return {
        "providers": providers,
        "strands": strands,
        "allocations": allocations,
        "values": values,
        "readings": readings,
    }


def _statuses_by_quarter(db) -> dict[tuple[int, int], Counter]:
    with db.reading() as session:
        rows = session.execute(
            select(ReturnPeriod.financial_year, ReturnPeriod.quarter, Return.status, func.count())
            .join(Return.period)
            .group_by(ReturnPeriod.financial_year, ReturnPeriod.quarter, Return.status)
        ).all()
    result: dict[tuple[int, int], Counter] = {}
    for year, quarter, status, count in rows:
        result.setdefault((year, quarter), Counter())[status] = count
    return result


def test_demo_2022_23_report_gives_exactly_the_published_totals(demo):
    report = year_report(demo, FinancialYear(2022))
    assert {key: report.totals[key] for key in PUBLISHED_2022_23} == PUBLISHED_2022_23
    assert report.returns_missing == 0
    assert report.returns_unverified == 0


def test_demo_later_years_change_plausibly_on_2022_23(demo):
    before = year_report(demo, FinancialYear(2022), include_unverified=True).totals
    after = year_report(demo, FinancialYear(2023), include_unverified=True).totals
    change = after["victims_supported"] / before["victims_supported"] - 1
    assert 0.03 <= change <= 0.08


def test_check_finds_no_problems_in_the_demo(demo):
    result = run_checks(demo)
    assert result.ok, [str(p) for p in result.problems[:5]]
    assert result.returns_checked > 800
    with demo.reading() as session:
        assert result.rules_checked == len(load_catalogue(session).rules)


def test_demo_register_has_the_published_mix_of_34_providers_and_72_strands(demo):
    with demo.reading() as session:
        types = Counter(session.scalars(select(Provider.organisation_type)))
        scopes = set(session.scalars(select(Provider.scope)))
        references = list(session.scalars(select(Strand.reference).order_by(Strand.reference)))
        providers = session.scalars(select(Provider)).all()
        per_provider = [len(p.strands) for p in providers]
        charities = [p.charity_number for p in providers if p.organisation_type is OrganisationType.CVSE]
        emails = [p.contact_email for p in providers]
    assert types == {
        OrganisationType.CVSE: 27,
        OrganisationType.LOCAL_AUTHORITY: 5,
        OrganisationType.HOSPITAL_TRUST: 2,
    }
    assert scopes == {Scope.NATIONAL, Scope.REGIONAL, Scope.LOCAL}
    assert references == [f"WY-{n:03d}" for n in range(1, 73)]
    assert min(per_provider) >= 1 and max(per_provider) in (4, 5)
    assert all(c is not None and len(c) == 7 and c.isdigit() for c in charities)
    assert all(e.endswith(".example.org") for e in emails)


def test_demo_has_idva_isva_and_restorative_justice_figures_only_on_their_strands(demo):
    wanted = {"idva_da_supported": "idva", "isva_sa_supported": "isva", "rj_supported": "restorative_justice"}
    with demo.reading() as session:
        rows = session.execute(
            select(Measure.key, Strand.service_category_id, func.sum(ReturnValue.value))
            .join(ReturnValue.measure)
            .join(ReturnValue.return_)
            .join(Return.strand)
            .where(Measure.key.in_(wanted))
            .group_by(Measure.key, Strand.service_category_id)
        ).all()
        categories = {s.service_category_id: s.service_category.key for s in session.scalars(select(Strand))}
    for key, category_id, total in rows:
        if categories[category_id] != wanted[key]:
            assert total == 0, (key, categories[category_id])


def test_demo_allocations_add_up_to_each_years_budget_over_both_grants_and_14_million(demo):
    with demo.reading() as session:
        total = session.scalar(select(func.sum(Allocation.amount_pence)))
        per_year = dict(
            session.execute(
                select(Allocation.financial_year, func.sum(Allocation.amount_pence)).group_by(
                    Allocation.financial_year
                )
            ).all()
        )
        budgets = dict(
            session.execute(
                select(Budget.financial_year, func.sum(Budget.amount_pence)).group_by(Budget.financial_year)
            ).all()
        )
        amounts = list(session.scalars(select(Allocation.amount_pence)))
    assert total == 1_400_000_000
    assert budgets == BUDGETS
    assert per_year == budgets
    assert all(a > 0 and a % 100 == 0 for a in amounts)  # whole pounds


def test_demo_statuses_are_as_an_office_would_have_them(demo):
    statuses = _statuses_by_quarter(demo)
    for year in (2022, 2023):
        for quarter in range(1, 5):
            assert set(statuses[(year, quarter)]) == {ReturnStatus.LOCKED}
    for quarter in (1, 2, 3):
        assert statuses[(2024, quarter)][ReturnStatus.VERIFIED] > 60
        assert set(statuses[(2024, quarter)]) <= {ReturnStatus.VERIFIED, ReturnStatus.SUBMITTED}
    last = statuses[(2024, 4)]
    assert last[ReturnStatus.SUBMITTED] > 0 and last[ReturnStatus.DRAFT] > 0
    with demo.reading() as session:
        strands = session.scalar(select(func.count(Strand.id)))
    missing = strands - sum(last.values())
    assert missing > 0
    assert last[ReturnStatus.SUBMITTED] > last[ReturnStatus.DRAFT]


def _expected_readings(indicator: Indicator) -> int:
    # 2021–24 plan: April 2022 to March 2024; 2024–28: April 2024 to March 2025, for the
    # indicators that carry on and the new ones, none for those that ended with the old plan.
    years = 2 if indicator.plan.key == "pcp-2021-24" else 1
    return (12 if indicator.frequency is Frequency.MONTHLY else 4) * years


def test_demo_every_indicator_has_a_baseline_and_readings_that_fit_its_unit(demo):
    with demo.reading() as session:
        indicators = session.scalars(select(Indicator).order_by(Indicator.plan_id, Indicator.code)).all()
        assert len(indicators) == 29 + 23
        for indicator in indicators:
            assert indicator.baseline_value is not None and indicator.baseline_period, indicator.code
            readings = indicator.readings
            assert len(readings) == _expected_readings(indicator), indicator.code
            assert all(indicator.plan.start <= r.period_start <= r.period_end <= indicator.plan.end for r in readings)
            for reading in readings:
                value = reading.value
                assert value >= 0, indicator.code
                if indicator.unit is IndicatorUnit.COUNT:
                    assert value == int(value), indicator.code
                elif indicator.unit is IndicatorUnit.PERCENT:
                    assert value <= 100 and round(value, 1) == value, indicator.code
                else:
                    assert round(value, 1) == value, indicator.code
                if reading.denominator is not None:
                    assert value == round(100 * reading.numerator / reading.denominator, 1)
            if indicator.code == "3.8" and indicator.continues is not None:
                assert 700 <= readings[-1].value <= 760
                assert [r.value for r in readings] == sorted(r.value for r in readings)


def test_demo_is_marked_as_the_demo_and_recorded_in_the_audit_trail(demo):
    assert demo.setting("is_demo") == "yes"
    assert demo.setting("demo_seed") == str(DEMO_SEED)
    with demo.reading() as session:
        who = set(session.scalars(select(AuditEvent.who).where(AuditEvent.entity == "provider")))
    assert who == {"demo"}


def test_demo_is_the_same_every_time_it_is_built(demo, tmp_path):
    second = open_database(tmp_path / "again.sqlite")
    try:
        build_demo(second)
        assert _snapshot(second) == _snapshot(demo)
    finally:
        second.close()


def test_demo_reports_progress_and_describes_what_it_wrote(db):
    lines: list[str] = []
    summary = build_demo(db, progress=lines.append)
    assert isinstance(summary, DemoSummary)
    assert lines[0].startswith("Providers") and any("2022/23" in line for line in lines)
    assert (summary.providers, summary.strands, summary.allocated_pence) == (34, 72, 1_400_000_000)
    text_ = summary.describe()
    assert str(db.display_name) in text_
    assert "34 providers" in text_ and "72 strands" in text_ and "£14,000,000" in text_
    assert f"{summary.returns:,} returns" in text_
    assert "synthetic" in text_


def test_demo_refuses_a_database_with_a_real_provider_and_changes_nothing(db):
    with db.transaction(who="officer") as session:
        session.add(
            Provider(name="Real Victims Charity", organisation_type=OrganisationType.CVSE, scope=Scope.LOCAL)
        )
    before = _row_counts(db)
    with pytest.raises(DemoRefusedError) as refused:
        build_demo(db)
    message = str(refused.value)
    assert db.display_name in message and "nothing was changed" in message
    assert "commissioning-desk --db demo.sqlite demo" in message
    assert _row_counts(db) == before
    with db.reading() as session:
        assert list(session.scalars(select(Provider.name))) == ["Real Victims Charity"]
    assert db.setting("is_demo") is None


def test_demo_built_twice_on_the_same_file_is_refused_the_second_time(demo_db):
    before = _row_counts(demo_db)
    with pytest.raises(DemoRefusedError, match="already holds the demo"):
        build_demo(demo_db)
    assert _row_counts(demo_db) == before


def test_cli_demo_then_report_json_gives_the_published_totals(tmp_path):
    path = tmp_path / "demo.sqlite"
    base = [sys.executable, "-m", "desktop_app", "--db", str(path)]
    built = subprocess.run([*base, "demo"], capture_output=True, text=True, cwd=REPO_ROOT, timeout=300)
    assert built.returncode == 0, built.stderr
    assert "34 providers" in built.stdout and "synthetic" in built.stdout
    report = subprocess.run(
        [*base, "report", "--year", "2022/23", "--format", "json"],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=300,
    )
    assert report.returncode == 0, report.stderr
    totals = json.loads(report.stdout)["totals"]
    assert {key: totals[key] for key in PUBLISHED_2022_23} == PUBLISHED_2022_23
    again = subprocess.run([*base, "demo"], capture_output=True, text=True, cwd=REPO_ROOT, timeout=300)
    assert again.returncode == 1
    assert "already holds the demo" in again.stderr


def test_demo_is_funded_by_the_core_and_general_grants_with_ring_fenced_lines(demo):
    from desktop_app.store.models import FundingLine, FundingStream, LineBudget

    with demo.reading() as session:
        streams = {s.key: s for s in session.scalars(select(FundingStream))}
        assert set(streams) == {"core", "general"}
        assert sum(s.total_pence for s in streams.values()) == 1_400_000_000
        for stream in streams.values():
            assert stream.total_pence == sum(b.amount_pence for b in stream.budgets)
            assert [b.financial_year for b in stream.budgets] == [2022, 2023, 2024]
        lines = {line.key: line for line in session.scalars(select(FundingLine))}
        assert set(lines) == {"da_sv", "isva_idva"}
        assert {line.funding_stream_id for line in lines.values()} == {streams["general"].id}
        # Every strand is funded from one stream, and the General grant's strands from one of its lines.
        for strand in session.scalars(select(Strand)):
            if strand.funding_stream_id == streams["general"].id:
                assert strand.funding_line_id in {line.id for line in lines.values()}, strand.reference
            else:
                assert strand.funding_line_id is None, strand.reference
        # A line's budget each year is what its strands hold, within its stream's budget.
        for line in lines.values():
            for budget in session.scalars(select(LineBudget).where(LineBudget.funding_line_id == line.id)):
                held = session.scalar(
                    select(func.sum(Allocation.amount_pence))
                    .join(Allocation.strand)
                    .where(Strand.funding_line_id == line.id, Allocation.financial_year == budget.financial_year)
                )
                assert budget.amount_pence == held > 0
