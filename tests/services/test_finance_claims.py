"""Quarterly claims and payments on the demo: what an officer records, and what is refused.

The demo claims 2023/24 Q1–Q3, so most of these tests record 2023/24's claims afresh.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from desktop_app.core.periods import FinancialYear, Quarter
from desktop_app.core.vocabulary import ClaimStatus
from desktop_app.services.finance import (
    WITHHELD_WORDS,
    ClaimDraft,
    decide_claim,
    expenditure_categories,
    list_claims,
    record_payment,
    save_claim,
)
from desktop_app.services.validation import ValidationFailed
from desktop_app.store.models import Allocation, AuditEvent, Claim, ClaimLine, Payment, Strand

Y2023, Y2024 = FinancialYear(2023), FinancialYear(2024)
Q1 = Quarter(Y2023, 1)


def strand_of(db, reference: str, year: int = 2023) -> tuple[int, int]:
    """A demo strand's id and its allocation for the year."""
    with db.reading() as session:
        return session.execute(
            select(Strand.id, Allocation.amount_pence)
            .join(Allocation, Allocation.strand_id == Strand.id)
            .where(Strand.reference == reference, Allocation.financial_year == year)
        ).one()


def draft(strand_id: int, quarter: Quarter = Q1, **changes) -> ClaimDraft:
    values = dict(
        strand_id=strand_id,
        quarter=quarter,
        claim_date=quarter.end,
        amounts={"staff": "£1,234.56", "overheads": "1234.56", "direct_costs": "1234"},
        forecast_remaining="£60,000",
    )
    values.update(changes)
    return ClaimDraft(**values)


def _counts(db) -> tuple[int, int, int]:
    with db.reading() as session:
        return tuple(session.scalar(select(func.count()).select_from(m)) for m in (Claim, ClaimLine, Payment))


@pytest.fixture
def before(demo_db) -> tuple[int, int, int]:
    return _counts(demo_db)


def test_expenditure_categories_come_from_the_reference_data_in_order(demo_db):
    categories = expenditure_categories(demo_db)
    assert [c.key for c in categories][:3] == ["staff", "overheads", "direct_costs"]
    assert categories[0].name == "Staff costs"


def test_a_claim_typed_in_three_ways_is_saved_to_the_penny_by_category(demo_db):
    strand_id, _ = strand_of(demo_db, "WY-001")
    claim_id, changed = save_claim(demo_db, draft(strand_id), who="officer.f")
    assert changed.touches("finance")
    [row] = list_claims(demo_db, Y2023)
    assert row.id == claim_id and row.strand_ref == "WY-001" and row.quarter == Q1
    assert row.amounts == {"staff": 123_456, "overheads": 123_456, "direct_costs": 123_400}
    assert row.amount_pence == 370_312 and row.forecast_remaining_pence == 6_000_000
    assert row.status is ClaimStatus.SUBMITTED and row.flags == ()
    with demo_db.reading() as session:
        who = set(
            session.scalars(select(AuditEvent.who).where(AuditEvent.entity == "claim", AuditEvent.entity_id == claim_id))
        )
    assert who == {"officer.f"}


@pytest.mark.parametrize(
    ("amounts", "field", "words"),
    [
        ({"staff": "12.345"}, "amounts.staff", "Staff costs: '12.345' is not an amount of money: use at most two decimal places"),
        ({"overheads": "-50"}, "amounts.overheads", "Overheads: -£50.00 cannot be negative"),
        ({"staff": "lots"}, "amounts.staff", "Staff costs: 'lots' is not an amount of money"),
    ],
)
def test_bad_money_on_a_claim_is_refused_naming_the_field_and_nothing_is_saved(demo_db, before, amounts, field, words):
    strand_id, _ = strand_of(demo_db, "WY-001")
    with pytest.raises(ValidationFailed) as refused:
        save_claim(demo_db, draft(strand_id, amounts=amounts))
    assert refused.value.messages(field)[0].startswith(words)
    assert _counts(demo_db) == before


def test_a_claim_dated_outside_its_quarter_is_refused(demo_db, before):
    strand_id, _ = strand_of(demo_db, "WY-001")
    with pytest.raises(ValidationFailed) as refused:
        save_claim(demo_db, draft(strand_id, claim_date=dt.date(2023, 7, 15)))
    assert refused.value.messages("claim_date") == [
        "The claim is dated 15 Jul 2023, outside 2023/24 Q1 (1 Apr 2023 to 30 Jun 2023); date it within the quarter it claims for"
    ]
    assert _counts(demo_db) == before


def test_a_claim_for_a_quarter_the_strand_does_not_run_is_refused(demo_db):
    # WY-072 starts on 1 April 2024.
    strand_id, _ = strand_of(demo_db, "WY-072", 2024)
    with pytest.raises(ValidationFailed) as refused:
        save_claim(demo_db, draft(strand_id, quarter=Quarter(FinancialYear(2023), 4)))
    assert refused.value.messages("quarter") == ["WY-072 does not run in 2023/24 Q4, so it cannot claim for it"]


def test_a_claim_over_the_remaining_allocation_needs_a_reason_which_is_kept(demo_db, before):
    strand_id, allocated = strand_of(demo_db, "WY-001")
    save_claim(demo_db, draft(strand_id, amounts={"staff": allocated - 100_000}, forecast_remaining=0))
    over = draft(strand_id, quarter=Quarter(Y2023, 2), amounts={"staff": 150_000}, forecast_remaining=0)
    with pytest.raises(ValidationFailed) as refused:
        save_claim(demo_db, over)
    [message] = refused.value.messages("over_allocation_reason")
    assert message.startswith("The claim of £1,500.00 is £500.00 more than is left of WY-001's 2023/24 allocation (£1,000.00 of ")
    assert message.endswith("give a reason to accept it")
    assert _counts(demo_db)[0] == before[0] + 1
    reason = "Extra sessions agreed at the grant board"
    from dataclasses import replace

    save_claim(demo_db, replace(over, over_allocation_reason=reason), who="officer.f")
    q2 = next(c for c in list_claims(demo_db, Y2023) if c.quarter.number == 2)
    assert q2.over_allocation_reason == reason
    assert f"over the allocation: {reason}" in q2.flags
    with demo_db.reading() as session:
        reasons = set(session.scalars(select(AuditEvent.reason).where(AuditEvent.entity == "claim", AuditEvent.entity_id == q2.id)))
    assert reasons == {reason}


def test_a_second_claim_for_the_same_strand_and_quarter_is_refused(demo_db):
    strand_id, _ = strand_of(demo_db, "WY-001")
    save_claim(demo_db, draft(strand_id))
    with pytest.raises(ValidationFailed) as refused:
        save_claim(demo_db, draft(strand_id))
    assert refused.value.messages("quarter") == ["WY-001 already has a claim for 2023/24 Q1; open it to change it"]


def test_payments_follow_approval_and_never_pass_the_approved_claim(demo_db):
    strand_id, _ = strand_of(demo_db, "WY-001")
    claim_id, _ = save_claim(demo_db, draft(strand_id, amounts={"staff": "£10,000"}))
    with pytest.raises(ValidationFailed) as unapproved:
        record_payment(demo_db, claim_id, "£5,000", dt.date(2023, 7, 20))
    assert unapproved.value.messages("status") == ["Approve the claim before recording a payment against it"]
    decide_claim(demo_db, claim_id, ClaimStatus.APPROVED, who="officer.f")
    record_payment(demo_db, claim_id, "£6,000", dt.date(2023, 7, 20), reference="BACS 1001")
    with pytest.raises(ValidationFailed) as too_much:
        record_payment(demo_db, claim_id, "£4,000.01", dt.date(2023, 7, 27))
    assert too_much.value.messages("amount") == [
        "Payment: £4,000.01 is more than the approved claim leaves unpaid (£4,000.00 of £10,000.00)"
    ]
    record_payment(demo_db, claim_id, "4000", dt.date(2023, 7, 27))
    [row] = list_claims(demo_db, Y2023)
    assert (row.paid_pence, row.unpaid_pence) == (1_000_000, 0)
    assert [p.reference for p in row.payments] == ["BACS 1001", ""]


def test_a_query_needs_a_note_and_changing_a_claim_sends_it_back_to_be_decided(demo_db):
    strand_id, _ = strand_of(demo_db, "WY-001")
    claim_id, _ = save_claim(demo_db, draft(strand_id))
    with pytest.raises(ValidationFailed):
        decide_claim(demo_db, claim_id, ClaimStatus.QUERIED)
    decide_claim(demo_db, claim_id, ClaimStatus.QUERIED, note="Receipts for direct costs missing")
    assert list_claims(demo_db, Y2023)[0].flags == ("queried",)
    save_claim(demo_db, draft(strand_id, amounts={"staff": "£1,000"}), claim_id)
    row = list_claims(demo_db, Y2023)[0]
    assert row.status is ClaimStatus.SUBMITTED and row.amount_pence == 100_000


def test_a_claim_for_a_quarter_whose_return_is_not_in_is_flagged_payment_withheld(demo_db):
    # WY-002 has no 2024/25 Q4 return in the demo; WY-001's 2023/24 Q1 return is in.
    missing_id, _ = strand_of(demo_db, "WY-002", 2024)
    in_id, _ = strand_of(demo_db, "WY-001")
    save_claim(demo_db, draft(missing_id, quarter=Quarter(Y2024, 4), amounts={"staff": "£100"}, forecast_remaining=0))
    save_claim(demo_db, draft(in_id))
    rows = {r.strand_ref: r for r in list_claims(demo_db, Y2024, quarter=4) + list_claims(demo_db, Y2023)}
    assert rows["WY-002"].flags == (WITHHELD_WORDS,) and WITHHELD_WORDS == "payment withheld until the return is in"
    assert rows["WY-001"].flags == ()
    # The officer decides: approving and paying is allowed, and once paid nothing is withheld.
    decide_claim(demo_db, rows["WY-002"].id, ClaimStatus.APPROVED, note="Return promised by Friday")
    record_payment(demo_db, rows["WY-002"].id, rows["WY-002"].amount_pence, dt.date(2025, 4, 20))
    assert next(r for r in list_claims(demo_db, Y2024, quarter=4) if r.strand_ref == "WY-002").flags == ()


def test_the_grid_saves_a_quarters_claims_all_or_nothing_naming_each_strand_and_field(demo_db, before):
    from desktop_app.services.finance import ClaimsGridRefused, claims_grid, save_claims_grid

    quarter = Quarter(Y2023, 2)
    grid = claims_grid(demo_db, quarter)
    assert len(grid.rows) == 71 and grid.keys[:2] == ("staff", "overheads") and grid.keys[-2:] == ("forecast_remaining", "over_allocation_reason")
    ids = {row.reference: row.strand_id for row in grid.rows}
    edits = {
        ids["WY-001"]: {"staff": "£1,234.56", "overheads": "1234"},
        ids["WY-002"]: {"staff": "12.345"},
        ids["WY-003"]: {"direct_costs": "-10"},
    }
    with pytest.raises(ClaimsGridRefused) as refused:
        save_claims_grid(demo_db, grid, edits)
    problems = {ref: [(e.field, e.message) for e in errors] for ref, errors in refused.value.errors.values()}
    assert set(problems) == {"WY-002", "WY-003"}
    assert problems["WY-002"][0][0] == "amounts.staff" and "two decimal places" in problems["WY-002"][0][1]
    assert problems["WY-003"][0] == ("amounts.direct_costs", "Direct delivery costs: -£10.00 cannot be negative; enter £0 or more")
    assert str(refused.value).startswith("Nothing was saved: 2 problems in the claims. WY-002: Staff costs:")
    assert _counts(demo_db) == before
    del edits[ids["WY-002"]], edits[ids["WY-003"]]
    written, _ = save_claims_grid(demo_db, grid, edits, who="officer.g")
    assert written == 1
    [claim] = list_claims(demo_db, Y2023, quarter=2)
    assert (claim.strand_ref, claim.amount_pence, claim.claim_date) == ("WY-001", 246_856, quarter.end)
    # Read back, the grid shows the stored claim; an edit of one cell keeps the others.
    again = claims_grid(demo_db, quarter)
    row = next(r for r in again.rows if r.reference == "WY-001")
    assert row.stored["staff"] == "£1,234.56" and row.claim_id == claim.id
    save_claims_grid(demo_db, again, {row.strand_id: {"overheads": ""}})
    assert list_claims(demo_db, Y2023, quarter=2)[0].amounts == {"staff": 123_456}
