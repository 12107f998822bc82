"""What each strand gets each financial year, checked against the stream's yearly budget.

An increase that takes a year over its budget is refused unless the officer gives a reason,
which the audit trail keeps on every row of the change. Lowering an allocation never needs one.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop_app.core.ceilings import MONEY_CEILING_PENCE, money_ceiling_message
from desktop_app.core.field_errors import FieldError
from desktop_app.core.periods import FinancialYear
from desktop_app.core.wording import format_date
from desktop_app.services.changes import ALLOCATIONS, Changed
from desktop_app.services.funding import span_years
from desktop_app.services.validation import (
    OverAllocationError,
    RecordNotFound,
    YearOverAllocation,
    refuse_if_any,
)
from desktop_app.services.stale_edits import EditedRecord, refused_when_raced, stale_error
from desktop_app.store.database import Database
from desktop_app.store.models import Allocation, Budget, Strand

__all__ = ["set_allocations"]


def _amount_errors(amounts: Mapping[int, int], strand: Strand) -> list[FieldError]:
    stream = strand.funding_stream
    stream_years = set(span_years(stream.start_date, stream.end_date))
    errors = []
    for year, pence in sorted(amounts.items()):
        label = FinancialYear(year).label
        if isinstance(pence, bool) or not isinstance(pence, int):
            raise TypeError(f"allocation for {label} must be int pence, got {type(pence).__name__}")
        if pence < 0:
            errors.append(FieldError("amounts", f"The allocation for {label} cannot be negative"))
        elif pence > MONEY_CEILING_PENCE:
            errors.append(FieldError("amounts", money_ceiling_message(f"The allocation for {label}", pence)))
        elif pence and year not in stream_years:
            errors.append(
                FieldError(
                    "amounts",
                    f"{label} is outside {stream.name} ({format_date(stream.start_date)} to {format_date(stream.end_date)})",
                )
            )
        elif pence and not FinancialYear(year).overlaps(strand.start_date, strand.end_date):
            errors.append(FieldError("amounts", f"{strand.reference} does not run in {label}, so it cannot be allocated money then"))
    return errors


def _over_budget(session: Session, strand: Strand, increased: dict[int, int]) -> list[YearOverAllocation]:
    """Years whose total would pass the budget with the increased amounts."""
    budgets = dict(
        session.execute(
            select(Budget.financial_year, Budget.amount_pence).where(Budget.funding_stream_id == strand.funding_stream_id)
        ).all()
    )
    others = dict(
        session.execute(
            select(Allocation.financial_year, func.sum(Allocation.amount_pence))
            .join(Allocation.strand)
            .where(
                Strand.funding_stream_id == strand.funding_stream_id,
                Allocation.strand_id != strand.id,
                Allocation.financial_year.in_(increased),
            )
            .group_by(Allocation.financial_year)
        ).all()
    )
    over = []
    for year, pence in sorted(increased.items()):
        total = int(others.get(year) or 0) + pence
        if total > budgets.get(year, 0):
            over.append(YearOverAllocation(year, budgets.get(year, 0), total))
    return over


def set_allocations(
    db: Database,
    strand_id: int,
    amounts: Mapping[int, int],
    *,
    reason: str | None = None,
    who: str | None = None,
    versions: Mapping[int, int] | None = None,
) -> Changed:
    """Set what a strand gets each financial year (start year -> pence); 0 or missing removes it.

    A year whose allocation goes up and whose total would then pass the stream's budget is
    refused with OverAllocationError, unless `reason` is given: then it is saved and the reason
    is written on every audit row of the change. Lowering an allocation never needs a reason.
    Raises ValidationFailed for a negative amount or a year outside the stream or the strand.
    `versions` (year → version, `StrandRow.allocation_versions` as the dialog loaded them; a
    year with no allocation is absent) refuses with StaleRecordError when any year's allocation
    was added, changed or removed by someone else since. Nothing is written on a refusal."""
    reason = (reason or "").strip() or None
    try:
        with refused_when_raced(db, lambda session: _allocations_record(session, strand_id)):
            with db.transaction(who=who, reason=reason) as session:
                return _set(session, strand_id, amounts, reason, versions)
    except IntegrityError:
        # Another officer added the same year's allocation at the same moment (one per year).
        with db.reading() as session:
            record = _allocations_record(session, strand_id)
            if record is None:
                raise
            raise stale_error(session, record) from None


def _allocations_record(session: Session, strand_id: int) -> EditedRecord | None:
    strand = session.get(Strand, strand_id)
    if strand is None:
        return None
    return EditedRecord(f"The allocations of {strand.reference}", "strand", strand.id, children=("allocation", "strand_id"))


def _refuse_if_stale(session: Session, strand: Strand, existing: dict[int, Allocation], versions: Mapping[int, int]) -> None:
    for year in sorted(set(existing) | set(versions)):
        stored = existing[year].version if year in existing else 0
        if stored != versions.get(year, 0):
            label = f"The {FinancialYear(year).label} allocation of {strand.reference}"
            if year in existing:
                record = EditedRecord(label, "allocation", existing[year].id)
            else:  # removed since: its row is gone, so name the strand's last allocation change
                record = _allocations_record(session, strand.id)
            raise stale_error(session, record)


def _set(
    session: Session, strand_id: int, amounts: Mapping[int, int], reason: str | None, versions: Mapping[int, int] | None
) -> Changed:
    strand = session.get(Strand, strand_id)
    if strand is None:
        raise RecordNotFound(f"Strand {strand_id} is not in the database; it may have been deleted.")
    refuse_if_any(_amount_errors(amounts, strand))
    wanted = {year: pence for year, pence in amounts.items() if pence}
    existing = {a.financial_year: a for a in strand.allocations}
    if versions is not None:
        _refuse_if_stale(session, strand, existing, versions)
    increased = {y: p for y, p in wanted.items() if p > (existing[y].amount_pence if y in existing else 0)}
    if increased and reason is None:
        over = _over_budget(session, strand, increased)
        if over:
            raise OverAllocationError(over)
    for year, allocation in existing.items():
        if year not in wanted:
            session.delete(allocation)
        elif allocation.amount_pence != wanted[year]:
            allocation.amount_pence = wanted[year]
    for year, pence in sorted(wanted.items()):
        if year not in existing:
            session.add(Allocation(strand_id=strand.id, financial_year=year, amount_pence=pence))
    return Changed.of(ALLOCATIONS)
