"""Status changes through the services: every legal and illegal move, reopening with a reason,
"verify all valid", and copying last quarter as a marked draft that is never counted."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from desktop_app.core.periods import FinancialYear, Quarter
from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.services.changes import RETURNS
from desktop_app.services.report import year_report
from desktop_app.services.returns import (
    CopyRefused,
    ReturnLocked,
    ReturnRefused,
    StatusRefused,
    copy_last_quarter,
    quarter_grid,
    reopen,
    return_form,
    save_return,
    set_status,
    verify_all_valid,
)
from desktop_app.services.validation import RecordNotFound
from desktop_app.store.models import AuditEvent, Return, ReturnPeriod
from tests.services.test_returns_saving import GOOD, with_history
from tests.services.test_strands import add_provider, add_strand, add_stream

D, S, V, L = ReturnStatus.DRAFT, ReturnStatus.SUBMITTED, ReturnStatus.VERIFIED, ReturnStatus.LOCKED
LEGAL = {(D, S), (S, D), (S, V), (V, S), (V, L), (L, S)}
Q1 = Quarter.parse("2024/25 Q1")


@pytest.fixture
def strand(db) -> int:
    """One IDVA strand running 1 Apr 2022 to 31 Mar 2025."""
    return add_strand(db, add_provider(db), add_stream(db))


def put_at(db, return_id: int, status: ReturnStatus) -> None:
    """Set a status directly, to start a test from it."""
    with db.transaction() as session:
        session.get(Return, return_id).status = status


def status_of(db, return_id: int) -> ReturnStatus:
    with db.reading() as session:
        return session.get(Return, return_id).status


@pytest.mark.parametrize(("old", "new"), [p for p in itertools.product(ReturnStatus, repeat=2) if p[0] != p[1]])
def test_every_status_move_is_allowed_or_refused_by_the_service_as_the_workflow_says(db, strand, old, new):
    return_id = save_return(db, strand, Q1, GOOD).return_id
    put_at(db, return_id, old)
    if (old, new) in LEGAL:
        changed = set_status(db, return_id, new, reason="Provider corrected a figure")
        assert changed.touches(RETURNS) and status_of(db, return_id) is new
    else:
        with pytest.raises(StatusRefused) as refused:
            set_status(db, return_id, new, reason="trying anyway")
        assert "WY-001 2024/25 Q1" in str(refused.value)
        if old is L:
            assert isinstance(refused.value, ReturnLocked)
            assert "A locked return cannot be changed; reopen it with a reason first." in str(refused.value)
        assert status_of(db, return_id) is old


def test_a_return_can_be_found_by_strand_and_quarter_and_staying_put_changes_nothing(db, strand):
    save_return(db, strand, Q1, GOOD)
    assert set_status(db, (strand, Q1), S).touches(RETURNS)
    assert not set_status(db, (strand, Q1), S)
    with pytest.raises(RecordNotFound, match="WY-001 has no return for 2024/25 Q2"):
        set_status(db, (strand, Quarter.parse("2024/25 Q2")), S)


def test_reopening_a_locked_return_needs_a_reason_and_writes_it_to_the_audit_trail(db, strand):
    return_id = save_return(db, strand, Q1, GOOD).return_id
    put_at(db, return_id, L)
    for blank in ("", "   "):
        with pytest.raises(StatusRefused, match="Give a reason for reopening"):
            reopen(db, return_id, blank)
    assert status_of(db, return_id) is L
    reason = "Provider found a double count of repeat referrals"
    reopen(db, return_id, reason, who="officer.b")
    assert status_of(db, return_id) is S
    with db.reading() as session:
        rows = session.execute(
            select(AuditEvent.who, AuditEvent.old_value, AuditEvent.new_value, AuditEvent.reason).where(
                AuditEvent.entity == "return", AuditEvent.entity_id == return_id, AuditEvent.field == "status"
            )
        ).all()
    assert ("officer.b", "locked", "submitted", reason) in rows
    with pytest.raises(StatusRefused, match="not locked, so there is nothing to reopen"):
        reopen(db, return_id, "again")


def test_verifying_refuses_a_return_with_an_unexplained_warning(db, strand):
    with_history(db, strand)
    q4 = Quarter.parse("2024/25 Q4")
    result = save_return(db, strand, q4, {**GOOD, "victims_supported": "400"}, {"victims_supported": "Outreach"},
                         status=S)
    # The note is taken off behind the form's back: the figure is unexplained again.
    with db.transaction() as session:
        for value in session.get(Return, result.return_id).values:
            value.note = None
    with pytest.raises(ReturnRefused, match="more than three times"):
        set_status(db, result.return_id, V)
    assert status_of(db, result.return_id) is S


def test_verify_all_valid_verifies_every_clean_submitted_return_of_the_demo_quarter(demo_db):
    q4 = Quarter.parse("2024/25 Q4")
    grid = quarter_grid(demo_db, q4)
    submitted = {r.reference for r in grid.rows if r.status is S}
    drafts = {r.reference for r in grid.rows if r.status is D}
    result = verify_all_valid(demo_db, q4, who="officer.c")
    assert result.verified + len(result.skipped) == len(submitted) and result.verified > 0
    assert all(why for _ref, why in result.skipped)
    after = {r.reference: r.status for r in quarter_grid(demo_db, q4).rows}
    assert {ref for ref, status in after.items() if status is V} == submitted - {ref for ref, _ in result.skipped}
    assert {ref for ref, status in after.items() if status is D} == drafts  # drafts are not touched
    assert verify_all_valid(demo_db, q4).verified == 0  # nothing left to do


def test_verify_all_valid_skips_a_return_that_breaks_a_rule_and_says_why(db, strand):
    result = save_return(db, strand, Q1, GOOD, status=S)
    with db.transaction() as session:  # as an old import might have left it
        for value in session.get(Return, result.return_id).values:
            if value.measure.key == "idva_da_supported":
                value.value = 500
    outcome = verify_all_valid(db, Q1)
    assert outcome.verified == 0
    assert outcome.skipped == (
        ("WY-001", "Domestic abuse victims supported by IDVAs (500) is more than victims supported (100)"),
    )


# ---------------------------------------------------------------- copying last quarter


def test_copy_last_quarter_makes_a_marked_draft_the_report_does_not_count(db, strand):
    q3, q4 = Quarter.parse("2024/25 Q3"), Quarter.parse("2024/25 Q4")
    save_return(db, strand, q3, GOOD, status=S)
    set_status(db, (strand, q3), V)
    assert copy_last_quarter(db, strand, q4, who="officer.d").touches(RETURNS)
    form = return_form(db, strand, q4)
    assert form.status is D and form.copied_from_previous and form.received_date is None
    # What was reported is copied; the measures left empty stay empty.
    assert {k: v for k, v in form.values.items() if v is not None} == {k: int(v) for k, v in GOOD.items()}
    year = FinancialYear(2024)
    assert year_report(db, year).totals["victims_supported"] == 100  # Q3 only
    assert year_report(db, year, include_unverified=True).totals["victims_supported"] == 200
    # Moving it on makes it the officer's own.
    set_status(db, form.return_id, S)
    assert not return_form(db, strand, q4).copied_from_previous


def test_copy_last_quarter_is_refused_when_a_return_exists_or_last_quarter_has_none(db, strand):
    with pytest.raises(CopyRefused, match="has no figures for 2024/25 Q1 to copy"):
        copy_last_quarter(db, strand, Quarter.parse("2024/25 Q2"))
    save_return(db, strand, Q1, GOOD)
    save_return(db, strand, Quarter.parse("2024/25 Q2"), GOOD)
    with pytest.raises(CopyRefused, match="already has a draft return for 2024/25 Q2"):
        copy_last_quarter(db, strand, Quarter.parse("2024/25 Q2"))
    with db.reading() as session:
        assert len(session.scalars(select(ReturnPeriod)).all()) == 2


def test_the_demos_copied_drafts_are_drafts_and_not_counted(demo_db):
    q4 = Quarter.parse("2024/25 Q4")
    copied = [r for r in quarter_grid(demo_db, q4).rows if r.copied_from_previous]
    assert copied and all(r.status is D for r in copied)
