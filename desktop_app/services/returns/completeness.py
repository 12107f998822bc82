"""The completeness matrix: every strand running in a financial year × its four quarters,
each cell saying how far that return has got (or that it is missing, or overdue).

A return is due `due_days` after its quarter ends (the database's `return_due_days` setting,
30 days when unset). Before a quarter ends nothing is expected of it yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from desktop_app.core.completeness import (
    DEFAULT_DUE_DAYS,
    DUE_DAYS_SETTING,
    MAX_DUE_DAYS,
    NOT_DUE,
    NOT_RUNNING,
    STATE_WORDS,
    STATES,
    due_days_from,
    return_state,
    runs_in,
)
from desktop_app.core.periods import FinancialYear, Quarter
from desktop_app.core.wording import format_date
from desktop_app.services.changes import RETURNS, Changed
from desktop_app.services.errors import ServiceError
from desktop_app.services.returns.lookups import running
from desktop_app.store.database import Database
from desktop_app.store.models import Provider, Return, ReturnPeriod, Setting, Strand

__all__ = [
    "DEFAULT_DUE_DAYS",
    "DUE_DAYS_SETTING",
    "STATES",
    "STATE_WORDS",
    "Completeness",
    "CompletenessCell",
    "CompletenessColumn",
    "CompletenessRow",
    "DueDaysRefused",
    "completeness_cells",
    "completeness_matrix",
    "due_days",
    "set_due_days",
]


# Cells where nothing is expected show a dash rather than words.
_BLANK_STATES = frozenset({NOT_RUNNING, NOT_DUE})


class DueDaysRefused(ServiceError, ValueError):
    """A number of days that cannot be the due-date setting."""


@dataclass(frozen=True)
class CompletenessCell:
    strand_id: int
    quarter: Quarter
    state: str  # one of STATES
    return_id: int | None  # for "double-click opens it"; None when there is no return
    copied_from_previous: bool = False

    @property
    def words(self) -> str:
        """The state in words, e.g. "Overdue", "Draft (copied from last quarter)"."""
        words = STATE_WORDS[self.state]
        return f"{words} (copied from last quarter)" if self.copied_from_previous else words

    @property
    def text(self) -> str:
        """What the cell shows: "—" where nothing is expected, otherwise its words."""
        return "—" if self.state in _BLANK_STATES else STATE_WORDS[self.state]


@dataclass(frozen=True)
class CompletenessRow:
    strand_id: int
    reference: str
    strand_name: str
    provider_name: str
    cells: tuple[CompletenessCell, ...]  # Q1..Q4


@dataclass(frozen=True)
class CompletenessColumn:
    quarter: Quarter
    due_date: dt.date
    counts: dict[str, int] = field(hash=False)  # every state in STATES, 0 when none

    @property
    def due_words(self) -> str:
        return f"Due {format_date(self.due_date)}"


@dataclass(frozen=True)
class Completeness:
    year: FinancialYear
    due_days: int
    today: dt.date
    columns: tuple[CompletenessColumn, ...]
    rows: tuple[CompletenessRow, ...]

    def count(self, quarter: Quarter | int, state: str) -> int:
        """How many strands are at `state` in a quarter (a Quarter or its number 1..4)."""
        number = quarter.number if isinstance(quarter, Quarter) else quarter
        return self.columns[number - 1].counts[state]


def due_days(db: Database) -> int:
    """Days after a quarter ends that its returns are due (the setting, or 30)."""
    return _stored_due_days(db)


def _stored_due_days(db: Database) -> int:
    # A separate name: completeness_matrix has a `due_days` argument that hides `due_days()`.
    return due_days_from(db.setting(DUE_DAYS_SETTING))


def set_due_days(db: Database, days: int, *, who: str | None = None) -> Changed:
    """Set how many days after a quarter ends its returns are due (0 to 366)."""
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_DUE_DAYS:
        raise DueDaysRefused(
            f"{days!r} is not a number of days a return can be due after its quarter ends: use 0 to {MAX_DUE_DAYS}, e.g. 30."
        )
    with db.transaction(who=who) as session:
        session.merge(Setting(key=DUE_DAYS_SETTING, value=str(days)))
    return Changed.of(RETURNS)


def completeness_cells(session: Session, year: FinancialYear, days: int, today: dt.date) -> list[CompletenessRow]:
    """The one engine: every strand that runs in `year` or sent a return for it × its quarters,
    each cell in the state `core.completeness.return_state` gives. The matrix, the dashboard's
    chart and their counts all come from here."""
    quarters = year.quarters()
    received = {
        (strand_id, number): (return_id, status, copied)
        for return_id, strand_id, number, status, copied in session.execute(
            select(Return.id, Return.strand_id, ReturnPeriod.quarter, Return.status, Return.copied_from_previous)
            .join(Return.period)
            .where(ReturnPeriod.financial_year == year.start_year)
        )
    }
    # A strand whose dates changed after it sent a return still has that return in the year.
    sent = {strand_id for strand_id, _number in received}
    strands = session.execute(
        select(Strand.id, Strand.reference, Strand.name, Strand.start_date, Strand.end_date, Provider.name)
        .join(Provider, Provider.id == Strand.provider_id)
        .where(or_(running(year.start, year.end), Strand.id.in_(sent)))
        .order_by(Strand.reference)
    ).all()
    due = {q: q.due_date(days) for q in quarters}
    rows = []
    for strand_id, reference, name, start, end, provider in strands:
        cells = []
        for quarter in quarters:
            return_id, status, copied = received.get((strand_id, quarter.number), (None, None, False))
            state = return_state(status, runs=runs_in(start, end, quarter), quarter=quarter, due=due[quarter],
                                 today=today)
            cells.append(CompletenessCell(strand_id, quarter, state, return_id, bool(copied)))
        rows.append(CompletenessRow(strand_id, reference, name, provider, tuple(cells)))
    return rows


def completeness_matrix(
    db: Database, year: FinancialYear, *, due_days: int | None = None, today: dt.date | None = None
) -> Completeness:
    """Every strand running in `year` × its quarters: the state of each return, and counts of
    each state per quarter. `due_days` defaults to the setting; `today` to the real date."""
    days = _stored_due_days(db) if due_days is None else due_days
    today = today or dt.date.today()
    quarters = year.quarters()
    with db.reading() as session:
        rows = completeness_cells(session, year, days, today)
    counts = {q: dict.fromkeys(STATES, 0) for q in quarters}
    for row in rows:
        for cell in row.cells:
            counts[cell.quarter][cell.state] += 1
    columns = tuple(CompletenessColumn(q, q.due_date(days), counts[q]) for q in quarters)
    return Completeness(year=year, due_days=days, today=today, columns=columns, rows=tuple(rows))
