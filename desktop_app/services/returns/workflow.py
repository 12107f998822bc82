"""Moving returns through draft → submitted → verified → locked, reopening a locked one with a
reason, verifying a whole quarter at once, and starting a draft from last quarter's figures.

Every move goes through `core.return_workflow`, so an illegal one is refused here whatever the
window offers. Submitting a draft and verifying run the engine again on the stored figures:
a return with an error is not submitted, and one with a warning with no note is not verified.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from desktop_app.core.periods import FinancialYear, Quarter
from desktop_app.core.return_checks import ReturnChecker, blocking
from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.services.changes import RETURNS, Changed
from desktop_app.services.errors import ServiceError
from desktop_app.services.progress import CancelCheck, Progress, stop_if_cancelled, tell
from desktop_app.services.stale_edits import EditedRecord, refused_when_raced, return_record
from desktop_app.services.returns.errors import (
    ReturnRefused,
    StatusRefused,
    allowed_or_refuse,
)
from desktop_app.services.returns.figures import stored_notes, stored_values
from desktop_app.services.returns.lookups import (
    checker_for,
    past_figures,
    period_row,
    stored_returns,
    strand_or_refuse,
    strand_runs_in,
)
from desktop_app.services.returns.saving import StrandNotRunning, not_running_message
from desktop_app.services.validation import RecordNotFound
from desktop_app.store.database import Database
from desktop_app.store.models import Return, ReturnValue

__all__ = [
    "CopyRefused", "UndoVerifyResult", "VerifyResult", "copy_last_quarter", "reopen", "set_status",
    "submitted_count", "undo_verify_all", "verify_all_valid", "verify_reason",
]

ReturnTarget = int | tuple[int, Quarter]

# Moves into these statuses pass the return on, so its figures are checked again first.
_CHECKED_ON_ENTRY = {
    (ReturnStatus.DRAFT, ReturnStatus.SUBMITTED),
    (ReturnStatus.SUBMITTED, ReturnStatus.VERIFIED),
}


class CopyRefused(ServiceError, ValueError):
    """Last quarter's figures could not be copied (a return exists, or there is nothing to copy)."""


@dataclass(frozen=True)
class VerifyResult:
    """What "Verify all valid" did: how many returns it verified, and each submitted return it
    left (strand reference, why); `return_ids` are the returns it verified, for `undo_verify_all`."""

    verified: int
    skipped: tuple[tuple[str, str], ...]
    changed: Changed
    return_ids: tuple[int, ...] = ()
    quarter: Quarter | None = None


@dataclass(frozen=True)
class UndoVerifyResult:
    """What undoing a "Verify all valid" did: returns put back to submitted, and those left as
    they are because they changed since (strand reference, status now)."""

    reverted: int
    left: tuple[tuple[str, str], ...]
    changed: Changed


def verify_reason(quarter: Quarter) -> str:
    """The reason on the audit rows of one "Verify all valid": what the trail and its undo name."""
    return f"Verify all valid, {quarter.label}"


def _quarter_of(return_: Return) -> Quarter:
    return Quarter(FinancialYear(return_.period.financial_year), return_.period.quarter)


def _where(return_: Return) -> str:
    return f"{return_.strand.reference} {_quarter_of(return_).label}"


def _find(session: Session, target: ReturnTarget) -> Return:
    if isinstance(target, tuple):
        strand_id, quarter = target
        strand = strand_or_refuse(session, strand_id)
        found = stored_returns(session, quarter, [strand_id]).get(strand_id)
        if found is None:
            raise RecordNotFound(
                f"{strand.reference} has no return for {quarter.label} yet; enter its figures first."
            )
        return found
    found = session.get(Return, target, options=[selectinload(Return.values).selectinload(ReturnValue.measure)])
    if found is None:
        raise RecordNotFound(f"Return {target} is not in the database; it may have been deleted.")
    return found


def _blocking(session: Session, return_: Return, checker: ReturnChecker | None = None):
    quarter = _quarter_of(return_)
    checker = checker or checker_for(session, quarter)
    history = past_figures(session, quarter, [return_.strand_id])[return_.strand_id].history()
    check = checker.check(stored_values(return_, checker.keys), history)
    return check, blocking(check, stored_notes(return_))


def _move(session: Session, return_: Return, new: ReturnStatus, *, reason: str | None, today: dt.date) -> bool:
    """Move one return to `new` (False when it is there already); refusals raise."""
    old = return_.status
    if old == new:
        return False
    allowed_or_refuse(old, new, reason=reason, where=_where(return_))
    if (old, new) in _CHECKED_ON_ENTRY:
        check, problems = _blocking(session, return_)
        verifying = new == ReturnStatus.VERIFIED
        # Submitting needs no errors; verifying needs every warning explained as well.
        problems = problems if verifying else [p for p in problems if p.is_error]
        if problems:
            raise ReturnRefused(check, problems, _where(return_), verifying=verifying)
    return_.status = new
    if new == ReturnStatus.SUBMITTED and return_.received_date is None:
        return_.received_date = today
    # A copied draft stops being a copy once the officer moves it on.
    if return_.copied_from_previous:
        return_.copied_from_previous = False
    return True


def set_status(
    db: Database,
    target: ReturnTarget,
    new_status: ReturnStatus,
    *,
    reason: str | None = None,
    who: str | None = None,
    today: dt.date | None = None,
) -> Changed:
    """Move a return (by id, or by (strand id, quarter)) to `new_status` through the workflow.

    `reason` is kept on the audit rows (required to reopen a locked return). Refuses with
    `StatusRefused` (or `ReturnLocked`) for a move the workflow does not allow, `ReturnRefused`
    when submitting or verifying a return that has errors or unexplained warnings,
    `RecordNotFound` when there is no such return. Moving to the status it has changes nothing.
    """
    today = today or dt.date.today()
    reason = (reason or "").strip() or None
    with refused_when_raced(db, lambda session: _record(_find(session, target))):
        with db.transaction(who=who, reason=reason) as session:
            return_ = _find(session, target)
            moved = _move(session, return_, ReturnStatus(new_status), reason=reason, today=today)
    return Changed.of(RETURNS) if moved else Changed.of()


def _record(return_: Return) -> EditedRecord:
    quarter = _quarter_of(return_)
    return return_record(return_.strand.reference, quarter.label, return_.id)


def reopen(db: Database, return_id: int, reason: str, *, who: str | None = None) -> Changed:
    """Reopen a locked return (back to submitted) so it can be corrected; the reason, which is
    required, is written on the audit rows. Refuses a return that is not locked."""
    reason = (reason or "").strip()
    if not reason:
        raise StatusRefused(
            "Give a reason for reopening a locked return; it is kept in the audit trail with the change."
        )
    with refused_when_raced(db, lambda session: _record(_find(session, return_id))), \
            db.transaction(who=who, reason=reason) as session:
        return_ = _find(session, return_id)
        if return_.status != ReturnStatus.LOCKED:
            raise StatusRefused(
                f"{_where(return_)} is {return_.status.label.lower()}, not locked, so there is nothing to reopen."
            )
        _move(session, return_, ReturnStatus.SUBMITTED, reason=reason, today=dt.date.today())
    return Changed.of(RETURNS)


def submitted_count(db: Database, quarter: Quarter) -> int:
    """How many of `quarter`'s returns are submitted: what "Verify all valid" would look at."""
    with db.reading() as session:
        return sum(r.status == ReturnStatus.SUBMITTED for r in stored_returns(session, quarter).values())


def verify_all_valid(
    db: Database,
    quarter: Quarter,
    *,
    who: str | None = None,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> VerifyResult:
    """Verify every submitted return of `quarter` that has no error and no warning without a
    note, in one transaction audited as one action (`verify_reason`); the others are listed with
    the first thing that stopped them. `progress(fraction, text)` hears how far it is;
    `cancelled()` returning True stops it with `Cancelled`, nothing verified."""
    skipped: list[tuple[str, str]] = []
    verified: list[int] = []
    # A return saved by someone else while this ran: refused whole, the message says so.
    with refused_when_raced(db, lambda session: None), \
            db.transaction(who=who, reason=verify_reason(quarter)) as session:
        checker = checker_for(session, quarter)
        submitted = sorted(
            (r for r in stored_returns(session, quarter).values() if r.status == ReturnStatus.SUBMITTED),
            key=lambda r: r.strand.reference,
        )
        past = past_figures(session, quarter, [r.strand_id for r in submitted])
        for done, return_ in enumerate(submitted):
            stop_if_cancelled(cancelled, f"Verifying {quarter.label} was cancelled; no return was verified.")
            tell(progress, done / max(len(submitted), 1), f"Checking {return_.strand.reference} ({done + 1:,} of {len(submitted):,})")
            check = checker.check(stored_values(return_, checker.keys), past[return_.strand_id].history())
            problems = blocking(check, stored_notes(return_))
            if problems:
                more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
                skipped.append((return_.strand.reference, problems[0].message + more))
                continue
            return_.status = ReturnStatus.VERIFIED
            verified.append(return_.id)
    return VerifyResult(
        verified=len(verified),
        skipped=tuple(skipped),
        changed=Changed.of(RETURNS) if verified else Changed.of(),
        return_ids=tuple(verified),
        quarter=quarter,
    )


def undo_verify_all(db: Database, done: VerifyResult, *, who: str | None = None) -> UndoVerifyResult:
    """Undo one "Verify all valid" as a whole: exactly the returns it verified go back to
    submitted (their status before it), in one audited transaction. A return changed since (no
    longer verified: reopened, locked, sent back) is left as it is and named."""
    label = done.quarter.label if done.quarter is not None else "the quarter"
    reverted = 0
    left: list[tuple[str, str]] = []
    with refused_when_raced(db, lambda session: None), \
            db.transaction(who=who, reason=f"Undo of verify all valid, {label}") as session:
        for return_id in done.return_ids:
            return_ = session.get(Return, return_id)
            if return_ is None:
                continue  # deleted since: nothing to put back
            if return_.status != ReturnStatus.VERIFIED:
                left.append((return_.strand.reference, return_.status.label.lower()))
                continue
            return_.status = ReturnStatus.SUBMITTED
            reverted += 1
    return UndoVerifyResult(reverted, tuple(left), Changed.of(RETURNS) if reverted else Changed.of())


def copy_last_quarter(db: Database, strand_id: int, quarter: Quarter, *, who: str | None = None) -> Changed:
    """Start `strand_id`'s return for `quarter` as a draft holding last quarter's figures,
    marked `copied_from_previous` until the officer changes it. A draft is never counted.

    Refuses (`CopyRefused`) when the quarter already has a return or last quarter has no
    figures; `StrandNotRunning` when the strand does not run in the quarter.
    """
    try:
        return _copy_last_quarter(db, strand_id, quarter, who=who)
    except IntegrityError:
        # Another officer started the same return at the same moment: it exists now.
        with db.reading() as session:
            strand = strand_or_refuse(session, strand_id)
            if stored_returns(session, quarter, [strand_id]).get(strand_id) is None:
                raise
        raise CopyRefused(
            f"{strand.reference} already has a return for {quarter.label}: someone else started it just now; "
            "open it instead of copying last quarter."
        ) from None


def _copy_last_quarter(db: Database, strand_id: int, quarter: Quarter, *, who: str | None) -> Changed:
    previous = quarter.previous()
    with db.transaction(who=who) as session:
        strand = strand_or_refuse(session, strand_id)
        if not strand_runs_in(strand, quarter):
            raise StrandNotRunning(not_running_message(strand.reference, quarter))
        existing = stored_returns(session, quarter, [strand_id]).get(strand_id)
        if existing is not None:
            raise CopyRefused(
                f"{strand.reference} already has a {existing.status.label.lower()} return for {quarter.label}; "
                "open it instead of copying last quarter."
            )
        last = stored_returns(session, previous, [strand_id]).get(strand_id)
        if last is None or not last.values:
            raise CopyRefused(
                f"{strand.reference} has no figures for {previous.label} to copy; enter {quarter.label}'s figures instead."
            )
        checker = checker_for(session, quarter)
        wanted = set(checker.keys)  # only what this quarter asks for
        session.add(
            Return(
                strand=strand,
                period=period_row(session, quarter, create=True),
                status=ReturnStatus.DRAFT,
                notes="",
                copied_from_previous=True,
                values=[
                    ReturnValue(measure_id=v.measure_id, value=v.value)
                    for v in last.values
                    if v.measure.key in wanted
                ],
            )
        )
    return Changed.of(RETURNS)
