"""The finance position: budget, allocated, claimed, paid, forecast and flags per stream, line, strand."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import select

from desktop_app.core.periods import FinancialYear, HalfYear, Quarter
from desktop_app.core.vocabulary import ClaimStatus
from desktop_app.services.finance import (
    FundingLineDraft,
    decide_claim,
    extend_funding_stream,
    finance_json,
    finance_report,
    list_funding_lines,
    record_payment,
    save_claim,
    save_funding_line,
    set_strand_line,
    set_underspend_tolerance,
)
from desktop_app.services.funding import get_funding_stream, list_funding_streams
from desktop_app.services.validation import ValidationFailed
from desktop_app.store.models import AuditEvent, Budget, FundingStream, Strand
from tests.services.test_finance_claims import draft, strand_of

# The demo claims 2024/25 Q1–Q3; these tests record 2023/24's claims afresh.
Y2023, Y2024 = FinancialYear(2023), FinancialYear(2024)
H1 = HalfYear(Y2023, 1)


def _strand(report, reference):
    return next(s for s in report.strands if s.reference == reference)


def _stream(report, key):
    return next(s for s in report.streams if s.key == key)


def test_with_no_claims_the_forecast_is_the_allocation_and_budgets_add_up_to_14_million(demo_db):
    years = [finance_report(demo_db, FinancialYear(y)) for y in (2022, 2023, 2024)]
    assert sum(s.figures.budget_pence for r in years for s in r.streams) == 1_400_000_000
    report = years[1]
    assert [s.key for s in report.streams] == ["core", "general"]
    for stream in report.streams:
        f = stream.figures
        assert f.budget_pence == f.allocated_pence == f.forecast_pence and f.claimed_pence == f.paid_pence == 0
        assert stream.flags == () and f.variance_pence == 0
    general = _stream(report, "general")
    assert [line.key for line in general.lines] == ["da_sv", "isva_idva"]
    assert sum(line.figures.budget_pence for line in general.lines) == general.figures.budget_pence
    assert len(report.strands) == 71 and not any(s.flags for s in report.strands)


def test_an_underspend_beyond_the_tolerance_is_flagged_at_the_half_year(demo_db):
    strand_id, allocated = strand_of(demo_db, "WY-001")
    quarter_share = allocated // 4
    # Spending at 80 % of the pace, and forecasting the same for the rest of the year.
    for number in (1, 2):
        q = Quarter(Y2023, number)
        save_claim(demo_db, draft(strand_id, quarter=q, amounts={"staff": quarter_share * 8 // 10}, forecast_remaining=quarter_share * 16 // 10))
    report = finance_report(demo_db, Y2023, H1)
    strand = _strand(report, "WY-001")
    claimed = 2 * (quarter_share * 8 // 10)
    assert strand.figures.claimed_pence == claimed
    assert strand.figures.forecast_pence == claimed + quarter_share * 16 // 10
    assert strand.flags == ("underspend",)
    assert strand.claims_by_quarter == {1: quarter_share * 8 // 10, 2: quarter_share * 8 // 10}
    core = _stream(report, "core")
    assert core.figures.claimed_pence == claimed
    assert core.figures.variance_pence == core.figures.budget_pence - core.figures.forecast_pence > 0
    # The tolerance is a setting: at 25 % the same forecast is within it.
    set_underspend_tolerance(demo_db, 25)
    assert _strand(finance_report(demo_db, Y2023, H1), "WY-001").flags == ()


def test_the_half_counts_only_its_own_quarters_and_the_year_counts_all(demo_db):
    strand_id, _ = strand_of(demo_db, "WY-001")
    save_claim(demo_db, draft(strand_id, quarter=Quarter(Y2023, 1), amounts={"staff": 100_000}, forecast_remaining=0))
    save_claim(demo_db, draft(strand_id, quarter=Quarter(Y2023, 3), amounts={"staff": 50_000}, forecast_remaining=0))
    assert _strand(finance_report(demo_db, Y2023, H1), "WY-001").figures.claimed_pence == 100_000
    assert _strand(finance_report(demo_db, Y2023), "WY-001").figures.claimed_pence == 150_000


def test_paid_and_the_categories_add_up_per_stream(demo_db):
    one, _ = strand_of(demo_db, "WY-001")
    claim_id, _ = save_claim(demo_db, draft(one, amounts={"staff": "£1,000", "overheads": "£200.50"}))
    decide_claim(demo_db, claim_id, ClaimStatus.APPROVED)
    record_payment(demo_db, claim_id, "£1,000", dt.date(2023, 7, 10))
    report = finance_report(demo_db, Y2023, H1)
    core = _stream(report, "core")
    assert (core.figures.claimed_pence, core.figures.paid_pence) == (120_050, 100_000)
    assert core.by_category["staff"] == 100_000 and core.by_category["overheads"] == 20_050
    assert sum(core.by_category.values()) == core.figures.claimed_pence


def test_no_carry_over_an_unspent_year_leaves_the_next_years_budget_as_it_was(demo_db):
    before = finance_report(demo_db, Y2024)
    strand_id, _ = strand_of(demo_db, "WY-001")
    save_claim(demo_db, draft(strand_id, quarter=Quarter(Y2023, 4), amounts={"staff": 100}, forecast_remaining=0))
    after = finance_report(demo_db, Y2024)
    assert [s.figures for s in after.streams] == [s.figures for s in before.streams]
    assert _strand(finance_report(demo_db, Y2023), "WY-001").flags == ("underspend",)


def test_the_demo_half_year_shows_the_underspend_coming(demo_db):
    report = finance_report(demo_db, Y2024, HalfYear(Y2024, 1))
    flagged = [s.reference for s in report.strands if "underspend" in s.flags]
    assert len(flagged) == 4
    for stream in report.streams:
        f = stream.figures
        assert 0 < f.claimed_pence == f.paid_pence < f.allocated_pence == f.budget_pence
        assert sum(stream.by_category.values()) == f.claimed_pence
    assert sum(s.figures.variance_pence for s in report.streams) > 0
    # The year adds Q3's claims, not all of them approved and paid yet.
    year = finance_report(demo_db, Y2024)
    assert sum(s.figures.claimed_pence for s in year.streams) > sum(s.figures.paid_pence for s in year.streams)


def test_the_json_has_exactly_the_keys_scripts_rely_on(demo_db):
    data = finance_json(finance_report(demo_db, Y2024, HalfYear(Y2024, 1)))
    assert set(data) == {"streams", "strands"}
    stream_keys = {"key", "name", "budget_pence", "allocated_pence", "claimed_pence", "paid_pence", "forecast_pence", "variance_pence", "lines"}
    assert all(set(s) == stream_keys for s in data["streams"])
    line_keys = stream_keys - {"lines"}
    assert all(set(line) == line_keys for s in data["streams"] for line in s["lines"])
    strand_keys = {"reference", "stream", "line", "allocated_pence", "claimed_pence", "paid_pence", "forecast_pence", "flags"}
    assert all(set(s) == strand_keys for s in data["strands"])
    assert {s["line"] for s in data["strands"]} == {None, "da_sv", "isva_idva"}
    assert all(isinstance(s["allocated_pence"], int) for s in data["strands"])


def test_extending_a_stream_by_a_year_adds_its_budget_and_is_audited(demo_db):
    core = next(s for s in list_funding_streams(demo_db) if s.name.startswith("MoJ Core"))
    with pytest.raises(ValidationFailed) as refused:
        extend_funding_stream(demo_db, core.id, 250_000_000, reason="")
    assert refused.value.messages("reason")
    extend_funding_stream(demo_db, core.id, 250_000_000, reason="Addendum of 12 Feb 2025", who="officer.f")
    extended = get_funding_stream(demo_db, core.id)
    assert extended.end_date == dt.date(2026, 3, 31)
    assert extended.budgets[2025] == 250_000_000
    assert extended.total_pence == core.total_pence + 250_000_000
    with demo_db.reading() as session:
        reasons = set(
            session.scalars(
                select(AuditEvent.reason).where(AuditEvent.entity.in_(("funding_stream", "budget")), AuditEvent.who == "officer.f")
            )
        )
    assert reasons == {"Addendum of 12 Feb 2025"}
    report = finance_report(demo_db, FinancialYear(2025))
    assert _stream(report, "core").figures.budget_pence == 250_000_000
    assert _stream(report, "core").figures.allocated_pence == 0


def test_a_line_cannot_hold_more_than_its_streams_budget_and_a_strand_only_a_line_of_its_stream(demo_db):
    general = next(s for s in list_funding_streams(demo_db) if s.name.startswith("MoJ General"))
    core = next(s for s in list_funding_streams(demo_db) if s.name.startswith("MoJ Core"))
    lines = {line.key: line for line in list_funding_lines(demo_db, general.id)}
    spare = general.budgets[2024] - sum(line.budgets[2024] for line in lines.values())
    with pytest.raises(ValidationFailed) as refused:
        save_funding_line(demo_db, general.id, FundingLineDraft(key="extra", name="Extra", budgets=((2024, spare + 1),)))
    assert refused.value.messages("budgets")[0].endswith(f"more than the stream's budget of £{general.budgets[2024] / 100:,.2f}")
    line_id, _ = save_funding_line(demo_db, core.id, FundingLineDraft(key="witness", name="Witness care", budgets=((2024, 1000),)))
    strand_id, _ = strand_of(demo_db, "WY-002")  # a General strand
    with pytest.raises(ValidationFailed) as wrong:
        set_strand_line(demo_db, strand_id, line_id)
    assert wrong.value.messages("funding_line_id") == [
        f"Choose a line of {general.name}, the stream WY-002 is funded from"
    ]
    with pytest.raises(ValidationFailed) as below:
        save_funding_line(
            demo_db, general.id, replace(FundingLineDraft(key="isva_idva", name="ISVA and IDVA fund"), budgets=((2024, 1),)),
            lines["isva_idva"].id,
        )
    assert "reduce their allocations" in below.value.messages("budgets")[0]


def test_the_half_years_due_dates_are_settings_and_bad_settings_are_refused(demo_db):
    from desktop_app.services.finance import FinanceSettingRefused, set_half_due

    h2 = HalfYear(Y2024, 2)
    assert finance_report(demo_db, Y2024, HalfYear(Y2024, 1)).due_date == dt.date(2024, 10, 31)
    assert finance_report(demo_db, Y2024, h2).due_date == dt.date(2025, 4, 30)
    set_half_due(demo_db, 1, 11, 15)
    set_half_due(demo_db, 2, 5, 31)
    assert finance_report(demo_db, Y2024, HalfYear(Y2024, 1)).due_date == dt.date(2024, 11, 15)
    assert finance_report(demo_db, Y2024, h2).due_date == dt.date(2025, 5, 31)
    with pytest.raises(FinanceSettingRefused, match="is not a day of the year"):
        set_half_due(demo_db, 1, 2, 30)
    with pytest.raises(FinanceSettingRefused, match="use a whole per cent from 0 to 100"):
        set_underspend_tolerance(demo_db, 150)
    assert finance_report(demo_db, Y2024, HalfYear(Y2024, 1)).tolerance_pct == 5
