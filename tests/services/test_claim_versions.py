"""Two officers, one claim: a save or a decision made from a form or grid opened before someone
else's save is refused, naming who and when, and nothing of it is written."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from desktop_app.core.periods import FinancialYear, Quarter
from desktop_app.core.vocabulary import ClaimStatus
from desktop_app.services.errors import StaleRecordError
from desktop_app.services.finance import claims_grid, decide_claim, list_claims, save_claim, save_claims_grid
from desktop_app.store.models import AuditEvent
from tests.services.test_finance_claims import draft, strand_of

Y2023 = FinancialYear(2023)
Q2 = Quarter(Y2023, 2)
WHEN = re.compile(r"at \d\d:\d\d on \d{1,2} [A-Z][a-z]+ 20\d\d after you opened it")


def audit_rows(db) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent))


def stored_claim(db, strand_id: int, quarter: Quarter = Q2):
    return next(r for r in list_claims(db, quarter.year, quarter=quarter.number) if r.strand_id == strand_id)


@pytest.fixture
def claim(demo_db):
    """WY-001's claim for 2023/24 Q2, as two officers' forms load it."""
    strand_id, _ = strand_of(demo_db, "WY-001")
    save_claim(demo_db, draft(strand_id, quarter=Q2, amounts={"staff": "£1,000", "overheads": "£500"}), who="jsmith")
    return stored_claim(demo_db, strand_id)


def test_a_claim_saved_by_a_colleague_after_the_form_opened_refuses_the_stale_save(demo_db, claim):
    loaded = claim.version
    save_claim(demo_db, draft(claim.strand_id, quarter=Q2, amounts={"staff": "£1,200"}), claim.id,
               who="jsmith", version=loaded)
    before = audit_rows(demo_db)

    with pytest.raises(StaleRecordError) as refused:
        save_claim(demo_db, draft(claim.strand_id, quarter=Q2, amounts={"staff": "£9,999"}), claim.id,
                   who="akhan", version=loaded)

    message = str(refused.value)
    assert message.startswith("Claim WY-001 2023/24 Q2 was changed by jsmith ")
    assert WHEN.search(message), message
    assert message.endswith("Reload to see their changes; what you typed is still in the form.")
    assert stored_claim(demo_db, claim.strand_id).amounts == {"staff": 120_000}  # the colleague's claim kept
    assert audit_rows(demo_db) == before


def test_money_moved_between_categories_with_the_same_total_still_makes_older_forms_stale(demo_db, claim):
    # Only the lines change (£1,000 + £500 becomes £500 + £1,000): the claim's own row does not.
    save_claim(demo_db, draft(claim.strand_id, quarter=Q2, amounts={"staff": "£500", "overheads": "£1,000"}),
               claim.id, who="jsmith", version=claim.version)
    assert stored_claim(demo_db, claim.strand_id).version == claim.version + 1

    with pytest.raises(StaleRecordError, match="^Claim WY-001 2023/24 Q2 was changed by jsmith "):
        save_claim(demo_db, draft(claim.strand_id, quarter=Q2, amounts={"staff": "£2,000"}), claim.id,
                   version=claim.version)


def test_a_fresh_save_after_reloading_goes_through(demo_db, claim):
    save_claim(demo_db, draft(claim.strand_id, quarter=Q2, amounts={"staff": "£1,200"}), claim.id, version=claim.version)
    reloaded = stored_claim(demo_db, claim.strand_id)
    assert reloaded.version == claim.version + 1  # one save, one step, lines and all
    save_claim(demo_db, draft(claim.strand_id, quarter=Q2, amounts={"staff": "£1,300"}), claim.id, version=reloaded.version)
    assert stored_claim(demo_db, claim.strand_id).amount_pence == 130_000


def test_approving_a_claim_changed_since_the_officer_saw_it_is_refused(demo_db, claim):
    save_claim(demo_db, draft(claim.strand_id, quarter=Q2, amounts={"staff": "£50,000"}), claim.id,
               who="jsmith", version=claim.version)

    with pytest.raises(StaleRecordError, match="^Claim WY-001 2023/24 Q2 was changed by jsmith "):
        decide_claim(demo_db, claim.id, ClaimStatus.APPROVED, who="akhan", version=claim.version)

    assert stored_claim(demo_db, claim.strand_id).status is ClaimStatus.SUBMITTED
    # Approving moves the version too: a form opened before the approval is stale.
    fresh = stored_claim(demo_db, claim.strand_id)
    decide_claim(demo_db, claim.id, ClaimStatus.APPROVED, who="akhan", version=fresh.version)
    with pytest.raises(StaleRecordError, match="changed by akhan"):
        save_claim(demo_db, draft(claim.strand_id, quarter=Q2), claim.id, version=fresh.version)


def test_a_grid_loaded_before_a_colleagues_save_refuses_the_whole_batch(demo_db, claim):
    grid = claims_grid(demo_db, Q2)
    rows = {row.reference: row for row in grid.rows}
    assert rows["WY-001"].version == claim.version
    save_claim(demo_db, draft(claim.strand_id, quarter=Q2, amounts={"staff": "£1,200"}), claim.id,
               who="jsmith", version=claim.version)
    before = audit_rows(demo_db)

    edits = {rows["WY-001"].strand_id: {"staff": "£7"}, rows["WY-002"].strand_id: {"staff": "£8"}}
    with pytest.raises(StaleRecordError) as refused:
        save_claims_grid(demo_db, grid, edits, who="akhan")

    assert str(refused.value).startswith("Claim WY-001 2023/24 Q2 was changed by jsmith ")
    assert str(refused.value).endswith("what you typed is still in the grid.")
    assert audit_rows(demo_db) == before  # not even WY-002's claim was made
    assert [r.strand_ref for r in list_claims(demo_db, Y2023, quarter=2)] == ["WY-001"]


def test_a_claim_made_by_a_colleague_after_the_grid_loaded_is_not_overwritten(demo_db):
    grid = claims_grid(demo_db, Q2)
    row = next(r for r in grid.rows if r.reference == "WY-002")
    assert row.claim_id is None and row.version is None
    save_claim(demo_db, draft(row.strand_id, quarter=Q2, amounts={"staff": "£300"}), who="jsmith")

    with pytest.raises(StaleRecordError, match="^Claim WY-002 2023/24 Q2 was changed by jsmith "):
        save_claims_grid(demo_db, grid, {row.strand_id: {"staff": "£400"}}, who="akhan")
    assert stored_claim(demo_db, row.strand_id).amount_pence == 30_000


def test_the_grid_saves_over_its_own_earlier_save_after_reloading(demo_db, claim):
    grid = claims_grid(demo_db, Q2)
    row = next(r for r in grid.rows if r.reference == "WY-001")
    save_claims_grid(demo_db, grid, {row.strand_id: {"staff": "£1,100"}})
    again = claims_grid(demo_db, Q2)
    save_claims_grid(demo_db, again, {row.strand_id: {"staff": "£1,150"}})
    assert stored_claim(demo_db, row.strand_id).amounts["staff"] == 115_000
