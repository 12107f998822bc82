"""Funding streams (the grants the office holds), their yearly budgets, and the budget position.

A stream's budgets must lie within its span and must not add up to more than its total; a
year's budget cannot be cut below what its strands already hold (change the allocations first).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.core.ceilings import MONEY_CEILING_PENCE, money_ceiling_message
from desktop_app.core.field_errors import FieldError
from desktop_app.core.names import lookalike, lookalike_warning, name_errors
from desktop_app.core.money import format_pence
from desktop_app.core.periods import FinancialYear, span_years
from desktop_app.core.wording import format_date
from desktop_app.services.changes import FUNDING, Changed
from desktop_app.services.validation import RecordNotFound, refuse_if_any
from desktop_app.services.stale_edits import EditedRecord, refuse_if_stale, refused_when_raced
from desktop_app.store.database import Database
from desktop_app.store.models import Allocation, Budget, FundingStream, Strand

__all__ = [
    "FundingStreamDraft",
    "FundingStreamRow",
    "YearPosition",
    "budget_position",
    "get_funding_stream",
    "list_funding_streams",
    "save_funding_stream",
    "span_years",
    "stream_name_warning",
    "validate_funding_stream",
]

_MAX_TEXT = 200


@dataclass(frozen=True)
class FundingStreamDraft:
    """What the funding stream form holds; `budgets` are (financial start year, pence) pairs."""

    name: str
    funder: str
    start_date: dt.date
    end_date: dt.date
    total_pence: int
    budgets: tuple[tuple[int, int], ...] = ()
    notes: str = ""


@dataclass(frozen=True)
class FundingStreamRow:
    """A funding stream with its budgets and what its strands hold, by financial start year."""

    id: int
    name: str
    funder: str
    start_date: dt.date
    end_date: dt.date
    total_pence: int
    notes: str
    budgets: dict[int, int] = field(hash=False)
    allocated: dict[int, int] = field(hash=False)
    strand_count: int = 0
    version: int = 1  # the stream's (its budgets included), as loaded: the form hands it back

    @property
    def years(self) -> list[int]:
        """Every financial year the stream's dates touch."""
        return span_years(self.start_date, self.end_date)

    @property
    def budgeted_pence(self) -> int:
        return sum(self.budgets.values())

    @property
    def allocated_pence(self) -> int:
        return sum(self.allocated.values())

    @property
    def draft(self) -> FundingStreamDraft:
        return FundingStreamDraft(
            name=self.name,
            funder=self.funder,
            start_date=self.start_date,
            end_date=self.end_date,
            total_pence=self.total_pence,
            budgets=tuple(sorted(self.budgets.items())),
            notes=self.notes,
        )


@dataclass(frozen=True)
class YearPosition:
    """One year of a stream: its budget, what the strands hold, and what is left."""

    financial_year: int
    label: str
    budget_pence: int
    allocated_pence: int
    remaining_pence: int  # negative when over
    over: bool


# ---------------------------------------------------------------- reading


def _allocated(session: Session, stream_id: int | None = None) -> dict[int, dict[int, int]]:
    """Allocated pence by stream, then by financial year."""
    query = (
        select(Strand.funding_stream_id, Allocation.financial_year, func.sum(Allocation.amount_pence))
        .join(Allocation.strand)
        .group_by(Strand.funding_stream_id, Allocation.financial_year)
    )
    if stream_id is not None:
        query = query.where(Strand.funding_stream_id == stream_id)
    found: dict[int, dict[int, int]] = defaultdict(dict)
    for stream, year, pence in session.execute(query):
        found[stream][year] = int(pence or 0)
    return found


def _rows(session: Session, stream_id: int | None = None) -> list[FundingStreamRow]:
    streams = select(FundingStream).order_by(FundingStream.start_date.desc(), FundingStream.name)
    budgets = select(Budget.funding_stream_id, Budget.financial_year, Budget.amount_pence)
    counts = select(Strand.funding_stream_id, func.count(Strand.id)).group_by(Strand.funding_stream_id)
    if stream_id is not None:
        streams = streams.where(FundingStream.id == stream_id)
        budgets = budgets.where(Budget.funding_stream_id == stream_id)
        counts = counts.where(Strand.funding_stream_id == stream_id)
    by_stream: dict[int, dict[int, int]] = defaultdict(dict)
    for owner, year, pence in session.execute(budgets):
        by_stream[owner][year] = pence
    allocated = _allocated(session, stream_id)
    strand_counts = dict(session.execute(counts).all())
    return [
        FundingStreamRow(
            id=s.id,
            name=s.name,
            funder=s.funder,
            start_date=s.start_date,
            end_date=s.end_date,
            total_pence=s.total_pence,
            notes=s.notes or "",
            budgets=dict(sorted(by_stream[s.id].items())),
            allocated=dict(sorted(allocated[s.id].items())),
            strand_count=strand_counts.get(s.id, 0),
            version=s.version,
        )
        for s in session.scalars(streams)
    ]


def list_funding_streams(db: Database) -> list[FundingStreamRow]:
    """Every funding stream, the newest first, with budgets and allocations per year."""
    with db.reading() as session:
        return _rows(session)


def get_funding_stream(db: Database, stream_id: int) -> FundingStreamRow:
    """One funding stream; raises RecordNotFound if it is not there."""
    with db.reading() as session:
        rows = _rows(session, stream_id)
    if not rows:
        raise RecordNotFound(f"Funding stream {stream_id} is not in the database; it may have been deleted.")
    return rows[0]


def budget_position(db: Database, stream_id: int) -> list[YearPosition]:
    """Budget, allocated and remaining for every year of the stream (and any year holding money)."""
    stream = get_funding_stream(db, stream_id)
    years = sorted(set(stream.years) | set(stream.budgets) | set(stream.allocated))
    positions = []
    for year in years:
        budget = stream.budgets.get(year, 0)
        allocated = stream.allocated.get(year, 0)
        positions.append(
            YearPosition(
                financial_year=year,
                label=FinancialYear(year).label,
                budget_pence=budget,
                allocated_pence=allocated,
                remaining_pence=budget - allocated,
                over=allocated > budget,
            )
        )
    return positions


# ---------------------------------------------------------------- checking


def _is_pence(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _budget_errors(draft: FundingStreamDraft, allocated: dict[int, int]) -> list[FieldError]:
    errors: list[FieldError] = []
    years = set(span_years(draft.start_date, draft.end_date))
    span = f"{format_date(draft.start_date)} to {format_date(draft.end_date)}"
    repeated = [year for year, n in Counter(y for y, _ in draft.budgets).items() if n > 1]
    for year in repeated:
        errors.append(FieldError("budgets", f"{FinancialYear(year).label} has more than one budget"))
    for year, pence in draft.budgets:
        label = FinancialYear(year).label
        if year not in years:
            errors.append(FieldError("budgets", f"{label} is outside the stream's dates ({span})"))
        if not _is_pence(pence) or pence < 0:
            errors.append(FieldError("budgets", f"The budget for {label} cannot be negative"))
        elif pence > MONEY_CEILING_PENCE:
            errors.append(FieldError("budgets", money_ceiling_message(f"The budget for {label}", pence)))
    budgets = {year: pence for year, pence in draft.budgets if _is_pence(pence) and pence <= MONEY_CEILING_PENCE}
    for year, held in sorted(allocated.items()):
        if held > budgets.get(year, 0):
            errors.append(
                FieldError(
                    "budgets",
                    f"Strands already hold {format_pence(held)} in {FinancialYear(year).label}, more "
                    f"than a budget of {format_pence(budgets.get(year, 0))}; reduce their allocations first",
                )
            )
    total = draft.total_pence
    if _is_pence(total) and 0 <= total <= MONEY_CEILING_PENCE and sum(budgets.values()) > total:
        errors.append(
            FieldError(
                "budgets",
                f"The yearly budgets add up to {format_pence(sum(budgets.values()))}, more than the "
                f"total of {format_pence(total)}",
            )
        )
    return errors


def _errors(session: Session, draft: FundingStreamDraft, stream_id: int | None) -> list[FieldError]:
    errors: list[FieldError] = []
    name = draft.name.strip()
    if not name:
        errors.append(FieldError("name", "Enter the stream's name, e.g. MoJ victims' services grant 2022–25"))
    elif len(name) > _MAX_TEXT:
        errors.append(FieldError("name", f"Shorten the name to {_MAX_TEXT} characters or fewer"))
    else:
        wanted = name.casefold()
        for other_id, other in session.execute(select(FundingStream.id, FundingStream.name)):
            if other_id != stream_id and other.casefold() == wanted:
                errors.append(FieldError("name", f"A funding stream called '{other}' already exists"))
                break
    errors += name_errors((("name", "The name", draft.name), ("funder", "The funder", draft.funder)))
    if not draft.funder.strip():
        errors.append(FieldError("funder", "Enter the funder, e.g. Ministry of Justice"))
    elif len(draft.funder.strip()) > _MAX_TEXT:
        errors.append(FieldError("funder", f"Shorten the funder to {_MAX_TEXT} characters or fewer"))
    if not _is_pence(draft.total_pence) or draft.total_pence < 0:
        errors.append(FieldError("total_pence", "Enter the total of the grant, £0 or more, e.g. £14,000,000"))
    elif draft.total_pence > MONEY_CEILING_PENCE:
        errors.append(FieldError("total_pence", money_ceiling_message("The total", draft.total_pence)))
    if not isinstance(draft.start_date, dt.date):
        errors.append(FieldError("start_date", "Enter the date the stream starts"))
    if not isinstance(draft.end_date, dt.date):
        errors.append(FieldError("end_date", "Enter the date the stream ends"))
    if errors and any(e.field in ("start_date", "end_date") for e in errors):
        return errors
    if draft.end_date < draft.start_date:
        errors.append(
            FieldError("end_date", f"The stream ends on {format_date(draft.end_date)}, before it starts ({format_date(draft.start_date)})")
        )
        return errors
    allocated = _allocated(session, stream_id)[stream_id] if stream_id is not None else {}
    errors += _budget_errors(draft, allocated)
    if stream_id is not None:
        errors += _strands_outside(session, draft, stream_id)
    return errors


def _strands_outside(session: Session, draft: FundingStreamDraft, stream_id: int) -> list[FieldError]:
    """Strands of the stream that new dates would leave running outside it."""
    outside = session.execute(
        select(Strand.reference, Strand.start_date, Strand.end_date)
        .where(Strand.funding_stream_id == stream_id)
        .where(
            (Strand.start_date < draft.start_date)
            | (Strand.start_date > draft.end_date)
            | (Strand.end_date > draft.end_date)
        )
        .order_by(Strand.reference)
    ).all()
    if not outside:
        return []
    names = ", ".join(reference for reference, _start, _end in outside[:5])
    more = f" and {len(outside) - 5:,} more" if len(outside) > 5 else ""
    return [
        FieldError(
            "end_date" if all(s >= draft.start_date for _r, s, _e in outside) else "start_date",
            f"Strands {names}{more} run outside {format_date(draft.start_date)} to {format_date(draft.end_date)}; "
            "change their dates first",
        )
    ]


def stream_name_warning(db: Database, name: str, stream_id: int | None = None) -> str | None:
    """A notice (never a refusal) when `name` looks just like another funding stream's name."""
    with db.reading() as session:
        others = session.scalars(select(FundingStream.name).where(FundingStream.id != (stream_id or 0)))
        other = lookalike(name.strip(), others)
    return lookalike_warning("funding stream", other) if other else None


def validate_funding_stream(
    db: Database, draft: FundingStreamDraft, stream_id: int | None = None
) -> list[FieldError]:
    """Every problem with the draft, field by field (empty when it can be saved)."""
    with db.reading() as session:
        return _errors(session, draft, stream_id)


# ---------------------------------------------------------------- changing


def _record(stream: FundingStream) -> EditedRecord:
    # A budget is a row of its own, but the form edits it as part of the stream.
    return EditedRecord(f"Funding stream {stream.name}", "funding_stream", stream.id, children=("budget", "funding_stream_id"))


def _described(stream_id: int | None):
    def describe(session: Session) -> EditedRecord | None:
        stream = session.get(FundingStream, stream_id) if stream_id is not None else None
        return _record(stream) if stream is not None else None

    return describe


def save_funding_stream(
    db: Database,
    draft: FundingStreamDraft,
    stream_id: int | None = None,
    *,
    who: str | None = None,
    version: int | None = None,
) -> tuple[int, Changed]:
    """Add or update a funding stream and replace its yearly budgets, in one transaction.

    Budgets are changed in place (a changed amount is one audit row, not a delete and an
    insert). `version` is `FundingStreamRow.version` as the form loaded it (None: no comparison).
    Raises ValidationFailed, writing nothing, when the draft has errors, and StaleRecordError
    when someone else saved the stream or its budgets after the form loaded it."""
    with refused_when_raced(db, _described(stream_id)):
        return _save(db, draft, stream_id, who=who, version=version)


def _save(
    db: Database, draft: FundingStreamDraft, stream_id: int | None, *, who: str | None, version: int | None
) -> tuple[int, Changed]:
    with db.transaction(who=who) as session:
        if stream_id is None:
            stream = FundingStream()
        else:
            stream = session.get(FundingStream, stream_id)
            if stream is None:
                raise RecordNotFound(f"Funding stream {stream_id} is not in the database; it may have been deleted.")
            refuse_if_stale(session, stream.version, version, _record(stream))
        refuse_if_any(_errors(session, draft, stream_id))
        if stream_id is None:
            session.add(stream)
        stream.name = draft.name.strip()
        stream.funder = draft.funder.strip()
        stream.start_date = draft.start_date
        stream.end_date = draft.end_date
        stream.total_pence = draft.total_pence
        stream.notes = draft.notes.strip()
        session.flush()
        wanted = dict(draft.budgets)
        existing = {b.financial_year: b for b in session.scalars(select(Budget).where(Budget.funding_stream_id == stream.id))}
        budgets_changed = False
        for year, budget in existing.items():
            if year not in wanted:
                session.delete(budget)
                budgets_changed = True
            elif budget.amount_pence != wanted[year]:
                budget.amount_pence = wanted[year]
                budgets_changed = True
        for year, pence in sorted(wanted.items()):
            if year not in existing:
                session.add(Budget(funding_stream_id=stream.id, financial_year=year, amount_pence=pence))
                budgets_changed = True
        if budgets_changed and stream_id is not None:
            stream.version = stream.version + 1  # so a form opened before this save is refused
        session.flush()
        return stream.id, Changed.of(FUNDING)
