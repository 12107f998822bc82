"""Ring-fenced funding lines, which line pays for a strand, and extending a stream by a year.

A line's yearly budgets are part of its stream's: all the lines of a stream may not hold more in
a year than the stream's budget, and a line's budget cannot be cut below what its strands are
allocated. Extending a stream (a grant addendum) adds the next financial year with its budget;
like every change here it is audited, with the reason the officer gives.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.core.field_errors import FieldError
from desktop_app.core.money import format_pence
from desktop_app.core.periods import FinancialYear
from desktop_app.core.wording import format_date
from desktop_app.services.changes import FINANCE, FUNDING, STRANDS, Changed
from desktop_app.services.funding import span_years
from desktop_app.services.validation import RecordNotFound, refuse_if_any
from desktop_app.store.database import Database
from desktop_app.store.models import Allocation, Budget, FundingLine, FundingStream, LineBudget, Strand

__all__ = [
    "FundingLineDraft",
    "FundingLineRow",
    "extend_funding_stream",
    "list_funding_lines",
    "save_funding_line",
    "set_strand_line",
]

_KEY_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


@dataclass(frozen=True)
class FundingLineDraft:
    """What the line form holds; `budgets` are (financial start year, pence) pairs."""

    key: str
    name: str
    budgets: tuple[tuple[int, int], ...] = ()
    notes: str = ""


@dataclass(frozen=True)
class FundingLineRow:
    id: int
    funding_stream_id: int
    key: str
    name: str
    notes: str
    budgets: dict[int, int] = field(hash=False)
    allocated: dict[int, int] = field(hash=False)


def _stream_or_refuse(session: Session, stream_id: int) -> FundingStream:
    stream = session.get(FundingStream, stream_id)
    if stream is None:
        raise RecordNotFound(f"Funding stream {stream_id} is not in the database; it may have been deleted.")
    return stream


def _line_allocations(session: Session, line_ids: list[int] | None = None) -> dict[int, dict[int, int]]:
    query = (
        select(Strand.funding_line_id, Allocation.financial_year, func.sum(Allocation.amount_pence))
        .join(Allocation.strand)
        .where(Strand.funding_line_id.is_not(None))
        .group_by(Strand.funding_line_id, Allocation.financial_year)
    )
    if line_ids is not None:
        query = query.where(Strand.funding_line_id.in_(line_ids))
    found: dict[int, dict[int, int]] = defaultdict(dict)
    for line_id, year, pence in session.execute(query):
        found[line_id][year] = int(pence or 0)
    return found


def list_funding_lines(db: Database, stream_id: int | None = None) -> list[FundingLineRow]:
    """The ring-fenced lines (of one stream, or all), with budgets and what their strands hold."""
    with db.reading() as session:
        query = select(FundingLine).order_by(FundingLine.funding_stream_id, FundingLine.name)
        if stream_id is not None:
            query = query.where(FundingLine.funding_stream_id == stream_id)
        lines = session.scalars(query).all()
        budgets: dict[int, dict[int, int]] = defaultdict(dict)
        for line_id, year, pence in session.execute(
            select(LineBudget.funding_line_id, LineBudget.financial_year, LineBudget.amount_pence)
        ):
            budgets[line_id][year] = pence
        allocated = _line_allocations(session, [line.id for line in lines])
        return [
            FundingLineRow(
                id=line.id, funding_stream_id=line.funding_stream_id, key=line.key, name=line.name,
                notes=line.notes or "", budgets=dict(sorted(budgets[line.id].items())),
                allocated=dict(sorted(allocated[line.id].items())),
            )
            for line in lines
        ]


def _line_errors(session: Session, stream: FundingStream, draft: FundingLineDraft, line_id: int | None) -> list[FieldError]:
    errors: list[FieldError] = []
    key, name = draft.key.strip(), draft.name.strip()
    others = session.execute(
        select(FundingLine.id, FundingLine.key, FundingLine.name).where(FundingLine.funding_stream_id == stream.id)
    ).all()
    if not _KEY_RE.fullmatch(key):
        errors.append(FieldError("key", "Enter a short key of lower-case letters, digits, _ or -, e.g. isva_idva"))
    elif any(other_id != line_id and other_key == key for other_id, other_key, _ in others):
        errors.append(FieldError("key", f"{stream.name} already has a line with the key '{key}'"))
    if not name:
        errors.append(FieldError("name", "Enter the line's name, e.g. ISVA and IDVA fund"))
    elif len(name) > 200:
        errors.append(FieldError("name", "Shorten the name to 200 characters or fewer"))
    elif any(other_id != line_id and other.casefold() == name.casefold() for other_id, _, other in others):
        errors.append(FieldError("name", f"{stream.name} already has a line called '{name}'"))
    years = set(span_years(stream.start_date, stream.end_date))
    stream_budgets = dict(
        session.execute(select(Budget.financial_year, Budget.amount_pence).where(Budget.funding_stream_id == stream.id)).all()
    )
    other_lines = dict(
        session.execute(
            select(LineBudget.financial_year, func.sum(LineBudget.amount_pence))
            .join(LineBudget.funding_line)
            .where(FundingLine.funding_stream_id == stream.id, FundingLine.id != (line_id or -1))
            .group_by(LineBudget.financial_year)
        ).all()
    )
    held = _line_allocations(session, [line_id])[line_id] if line_id is not None else {}
    wanted = dict(draft.budgets)
    for year, pence in sorted(wanted.items()):
        label = FinancialYear(year).label
        if isinstance(pence, bool) or not isinstance(pence, int) or pence < 0:
            errors.append(FieldError("budgets", f"The line's budget for {label} cannot be negative"))
        elif year not in years:
            errors.append(FieldError("budgets", f"{label} is outside {stream.name} ({format_date(stream.start_date)} to {format_date(stream.end_date)})"))
        elif pence + int(other_lines.get(year) or 0) > stream_budgets.get(year, 0):
            errors.append(
                FieldError(
                    "budgets",
                    f"The lines of {stream.name} would hold {format_pence(pence + int(other_lines.get(year) or 0))} "
                    f"in {label}, more than the stream's budget of {format_pence(stream_budgets.get(year, 0))}",
                )
            )
    for year, pence in sorted(held.items()):
        budget = wanted.get(year, 0)
        if isinstance(budget, int) and pence > budget:
            errors.append(
                FieldError(
                    "budgets",
                    f"Strands paid from the line hold {format_pence(pence)} in {FinancialYear(year).label}; "
                    "reduce their allocations before cutting the line's budget below that",
                )
            )
    return errors


def save_funding_line(
    db: Database, stream_id: int, draft: FundingLineDraft, line_id: int | None = None, *, who: str | None = None
) -> tuple[int, Changed]:
    """Add or change a ring-fenced line of a stream and replace its yearly budgets, in one transaction.

    Raises ValidationFailed, writing nothing, when the draft has errors."""
    with db.transaction(who=who) as session:
        stream = _stream_or_refuse(session, stream_id)
        refuse_if_any(_line_errors(session, stream, draft, line_id))
        if line_id is None:
            line = FundingLine(funding_stream_id=stream.id)
            session.add(line)
        else:
            line = session.get(FundingLine, line_id)
            if line is None or line.funding_stream_id != stream.id:
                raise RecordNotFound(f"Funding line {line_id} is not a line of {stream.name}; it may have been deleted.")
        line.key, line.name, line.notes = draft.key.strip(), draft.name.strip(), draft.notes.strip()
        session.flush()
        wanted = dict(draft.budgets)
        existing = {b.financial_year: b for b in session.scalars(select(LineBudget).where(LineBudget.funding_line_id == line.id))}
        for year, budget in existing.items():
            if year not in wanted:
                session.delete(budget)
            elif budget.amount_pence != wanted[year]:
                budget.amount_pence = wanted[year]
        for year, pence in sorted(wanted.items()):
            if year not in existing:
                session.add(LineBudget(funding_line_id=line.id, financial_year=year, amount_pence=pence))
        return line.id, Changed.of(FUNDING, FINANCE)


def set_strand_line(db: Database, strand_id: int, line_id: int | None, *, who: str | None = None) -> Changed:
    """Pay a strand from one ring-fenced line of its stream, or (None) from the stream's general money."""
    with db.transaction(who=who) as session:
        strand = session.get(Strand, strand_id)
        if strand is None:
            raise RecordNotFound(f"Strand {strand_id} is not in the database; it may have been deleted.")
        if line_id is not None:
            line = session.get(FundingLine, line_id)
            if line is None or line.funding_stream_id != strand.funding_stream_id:
                refuse_if_any(
                    [FieldError("funding_line_id", f"Choose a line of {strand.funding_stream.name}, the stream {strand.reference} is funded from")]
                )
        if strand.funding_line_id != line_id:
            strand.funding_line_id = line_id
    return Changed.of(STRANDS, FINANCE)


def extend_funding_stream(
    db: Database, stream_id: int, budget_pence: int, *, reason: str, who: str | None = None
) -> Changed:
    """Extend a stream by one financial year (a grant addendum) with that year's budget.

    The stream's end moves to the next 31 March and its total grows by the budget. `reason`
    (e.g. "Addendum of 12 Feb 2025") is required and kept on every audit row of the change.
    Unspent money does not move into the new year: only this budget does."""
    reason = (reason or "").strip()
    errors = []
    if isinstance(budget_pence, bool) or not isinstance(budget_pence, int) or budget_pence < 0:
        errors.append(FieldError("budget_pence", "Enter the new year's budget, £0 or more"))
    if not reason:
        errors.append(FieldError("reason", "Give the reason for the extension, e.g. the addendum's date"))
    refuse_if_any(errors)
    with db.transaction(who=who, reason=reason) as session:
        stream = _stream_or_refuse(session, stream_id)
        year = FinancialYear.containing(stream.end_date).next()
        stream.end_date = year.end
        stream.total_pence += budget_pence
        session.add(Budget(funding_stream_id=stream.id, financial_year=year.start_year, amount_pence=budget_pence))
    return Changed.of(FUNDING, FINANCE)
