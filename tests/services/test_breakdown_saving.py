"""Saving a return's breakdowns: checked by the one engine, stored per category, audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from desktop_app.core.return_checks import RETURN_NOTE
from desktop_app.services.returns.lookups import running, stored_returns

from desktop_app.core.periods import Quarter
from desktop_app.services.returns import ReturnRefused, save_return
from desktop_app.store.models import AuditEvent, ReturnBreakdownValue, Strand

Q = Quarter.parse("2024/25 Q4")


def strand_without_return(db, quarter) -> int:
    """A strand running in `quarter` whose return for it has not come in (the demo has some)."""
    with db.reading() as session:
        have = set(stored_returns(session, quarter))
        running_ids = session.scalars(select(Strand.id).where(running(quarter.start, quarter.end)).order_by(Strand.id))
        return next(i for i in running_ids if i not in have)


# Notes for the warnings a lone figure on a new return raises (left empty, unusual).
NOTES = {RETURN_NOTE: "Only part of the return has come in.", "victims_supported": "Part of the quarter only."}


def _stored(db, return_id) -> dict[tuple[str, str], int]:
    with db.reading() as session:
        rows = session.scalars(select(ReturnBreakdownValue).where(ReturnBreakdownValue.return_id == return_id))
        return {(r.category.breakdown.key, r.category.key): r.value for r in rows}


def test_a_breakdown_that_adds_up_is_saved_per_category_and_audited(demo_db):
    db = demo_db
    strand_id = strand_without_return(db, Q)
    result = save_return(
        db, strand_id, Q, {"victims_supported": "40"},
        breakdowns={
            ("victims_supported", "sex", "female"): "25",
            ("victims_supported", "sex", "male"): "14",
            ("victims_supported", "sex", "not_known"): "1",
        },
        notes=NOTES,
        who="officer",
    )
    stored = _stored(db, result.return_id)
    assert {k: v for k, v in stored.items() if k[0] == "sex"} == {
        ("sex", "female"): 25, ("sex", "male"): 14, ("sex", "not_known"): 1,
    }
    with db.reading() as session:
        who = set(session.scalars(select(AuditEvent.who).where(AuditEvent.entity == "return_breakdown_value")))
    assert "officer" in who


def test_categories_above_the_total_are_refused_and_nothing_is_written(demo_db):
    db = demo_db
    strand_id = strand_without_return(db, Q)
    with db.reading() as session:
        before = session.scalar(select(ReturnBreakdownValue.id).order_by(ReturnBreakdownValue.id.desc()).limit(1))
    with pytest.raises(ReturnRefused, match=r"by sex: the categories add up to 50, more than the total of 40"):
        save_return(
            db, strand_id, Q, {"victims_supported": "40"},
            breakdowns={("victims_supported", "sex", "female"): "30", ("victims_supported", "sex", "male"): "20"},
            notes=NOTES,
        )
    with db.reading() as session:
        after = session.scalar(select(ReturnBreakdownValue.id).order_by(ReturnBreakdownValue.id.desc()).limit(1))
    assert after == before
