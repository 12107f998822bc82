"""Saving one return from the form: checked by the engine, written in one audited transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from desktop_app.core.periods import Quarter
from desktop_app.core.return_checks import BreakdownCell, ReturnCheck
from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.services.changes import Changed
from desktop_app.services.errors import ServiceError, StaleRecordError
from desktop_app.services.returns.errors import ReturnLocked, ReturnRefused
from desktop_app.services.returns.figures import apply_plan, next_status, plan_return
from desktop_app.services.returns.lookups import (
    category_ids,
    checker_for,
    measure_ids,
    past_figures,
    stored_returns,
    strand_or_refuse,
    strand_runs_in,
)
from desktop_app.services.stale_edits import (
    EditedRecord,
    refuse_if_stale,
    refused_when_raced,
    return_record,
    stale_error,
)
from desktop_app.store.database import Database
from desktop_app.store.models import Strand

__all__ = ["SaveResult", "StrandNotRunning", "save_return"]


class StrandNotRunning(ServiceError, ValueError):
    """A return was asked for a quarter the strand does not run in."""


@dataclass(frozen=True)
class SaveResult:
    """What `save_return` did: the return's id and status after it, and the engine's answer
    (warnings that were explained by notes are still listed there)."""

    return_id: int
    status: ReturnStatus
    created: bool
    check: ReturnCheck
    changed: Changed


def not_running_message(reference: str, quarter: Quarter) -> str:
    return (
        f"Strand {reference} does not run in {quarter.label}, so it has no return for that quarter; "
        "check the strand's start and end dates."
    )


def save_return(
    db: Database,
    strand_id: int,
    quarter: Quarter,
    values: Mapping[str, str | int | None],
    notes: Mapping[str, str] | None = None,
    *,
    received_date: dt.date | None = None,
    status: ReturnStatus | None = None,
    return_notes: str | None = None,
    who: str | None = None,
    today: dt.date | None = None,
    version: int | None = None,
    breakdowns: Mapping[BreakdownCell, str | int | None] | None = None,
) -> SaveResult:
    """Check and save `strand_id`'s return for `quarter`, creating it (and the period) when new.

    `values` maps measure keys to what was typed (text or int); a key left out keeps its
    stored figure, None or a blank clears it (not collected). `notes` maps measure keys to the
    officer's notes on warnings, left-out keys keeping theirs; `return_notes` replaces the
    return's own notes (None keeps them). `status` moves the return through the workflow;
    without it a new return is a draft and a verified one whose figures change goes back to
    submitted. A return that becomes submitted with no received date gets `today`.

    `breakdowns` maps (measure, breakdown, category) keys to what was typed for a category,
    laid over the stored ones like `values`.

    `version` is the return's version the form loaded (`ReturnForm.version`; 0 when there was
    no return yet); None skips the comparison (a caller that did not load a form).

    Warnings never refuse a save (they are saved and block only verifying, `status` verified
    included). Refuses, writing nothing: `ReturnRefused` (errors, or verifying with a warning
    that has no note; carries the check), `StaleRecordError` (someone else saved the return after the form loaded it),
    `ReturnLocked`, `StatusRefused`, `StrandNotRunning`, `RecordNotFound`.
    """
    today = today or dt.date.today()
    try:
        with refused_when_raced(db, _describer(strand_id, quarter)):
            return _save(db, strand_id, quarter, values, notes, received_date=received_date, status=status,
                         return_notes=return_notes, who=who, today=today, version=version,
                         breakdowns=breakdowns)
    except IntegrityError:
        # Two officers creating the same return at once: the second insert breaks the
        # one-return-per-quarter rule. The first one's return is there now; name its change.
        with db.reading() as session:
            strand = strand_or_refuse(session, strand_id)
            return_ = stored_returns(session, quarter, [strand_id]).get(strand_id)
            if return_ is None:
                raise
            raise stale_error(session, return_record(strand.reference, quarter.label, return_.id)) from None


def _describer(strand_id: int, quarter: Quarter):
    def describe(session) -> EditedRecord | None:
        strand = session.get(Strand, strand_id)
        return_ = stored_returns(session, quarter, [strand_id]).get(strand_id)
        if strand is None or return_ is None:
            return None
        return return_record(strand.reference, quarter.label, return_.id)

    return describe


def _save(db, strand_id, quarter, values, notes, *, received_date, status, return_notes, who, today, version,
          breakdowns=None):
    with db.transaction(who=who) as session:
        strand = strand_or_refuse(session, strand_id)
        where = f"{strand.reference} {quarter.label}"
        return_ = stored_returns(session, quarter, [strand_id]).get(strand_id)
        if return_ is None and version:
            raise StaleRecordError(
                f"Return {where} was deleted after you opened it; nothing was saved. Close the form and "
                "open the return again."
            )
        if return_ is not None:
            refuse_if_stale(session, return_.version, version,
                            return_record(strand.reference, quarter.label, return_.id))
        if return_ is not None and return_.status == ReturnStatus.LOCKED:
            raise ReturnLocked(where)
        if return_ is None and not strand_runs_in(strand, quarter):
            raise StrandNotRunning(not_running_message(strand.reference, quarter))
        checker = checker_for(session, quarter)
        history = past_figures(session, quarter, [strand_id])[strand_id].history()
        plan = plan_return(checker, history, return_, values, notes, return_notes, breakdowns)
        if plan.blocked:
            raise ReturnRefused(plan.check, plan.problems, where)
        current = return_.status if return_ is not None else None
        new_status = next_status(
            current, status, plan, new_return_status=ReturnStatus.DRAFT, where=where
        )
        written = apply_plan(
            session,
            strand=strand,
            quarter=quarter,
            return_=return_,
            plan=plan,
            status=new_status,
            received_date=received_date,
            measure_ids=measure_ids(session),
            today=today,
            category_ids=category_ids(session),
        )
        # Only what really differs was assigned, so the session knows whether anything changed.
        changed = bool(session.new or session.deleted or any(session.is_modified(o) for o in session.dirty))
        session.flush()
        return SaveResult(
            return_id=written.id,
            status=written.status,
            created=return_ is None,
            check=plan.check,
            changed=Changed.returns_of([strand_id], quarter) if changed else Changed.of(),
        )
