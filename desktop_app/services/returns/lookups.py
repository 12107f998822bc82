"""Reads every returns use case shares: the period's checker, strands running, stored returns
and each strand's figures from the quarters before (for the warnings and the form's history).

All take an open session, so a use case does its reads and writes in one transaction; each
fetches many strands at once, so the grid costs a handful of queries, not one per row.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import and_, or_, select, tuple_
from sqlalchemy.orm import Session, selectinload

from desktop_app.core.periods import Quarter
from desktop_app.core.return_checks import (
    HISTORY_QUARTERS,
    BreakdownCell,
    ReturnChecker,
    StrandHistory,
)
from desktop_app.services.catalogue import load_catalogue
from desktop_app.services.validation import RecordNotFound
from desktop_app.store.database import REFERENCE_HASH_KEY
from desktop_app.store.models import (
    Breakdown,
    BreakdownCategory,
    Measure,
    Return,
    ReturnBreakdownValue,
    ReturnPeriod,
    ReturnValue,
    Setting,
    Strand,
)

__all__ = [
    "PastFigures",
    "breakdown_cells",
    "category_ids",
    "checker_for",
    "measure_ids",
    "past_figures",
    "period_row",
    "previous_quarters",
    "running",
    "stored_returns",
    "strand_or_refuse",
    "strand_runs_in",
]


# Each database's checkers, by the digest of the catalogue it holds and the period. The catalogue
# is only written when a database is opened with another reference file, which stores that
# file's digest: reading the digest (one row) tells whether a checker still holds, where
# loading the catalogue again cost half of a one-return save on a large database.
_CHECKERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def checker_for(session: Session, quarter: Quarter) -> ReturnChecker:
    """The validation engine prepared for `quarter`'s measures and the catalogue's rules."""
    digest = session.get(Setting, REFERENCE_HASH_KEY)
    if digest is None:  # a database not opened through `open_database`: nothing to go by
        return ReturnChecker.for_period(load_catalogue(session), quarter.start, quarter.end)
    engine = session.get_bind()
    engine = getattr(engine, "engine", engine)
    # Replaced, never cleared, when the digest moves: a worker thread may be reading the old one.
    entry = _CHECKERS.get(engine)
    if entry is None or entry[0] != digest.value:
        entry = (digest.value, {})
        _CHECKERS[engine] = entry
    checkers = entry[1]
    key = (quarter.start, quarter.end)
    checker = checkers.get(key)
    if checker is None:
        checker = checkers[key] = ReturnChecker.for_period(load_catalogue(session), quarter.start, quarter.end)
    return checker


def running(start: dt.date, end: dt.date):
    """A WHERE clause: strands that run for any part of `start`..`end`."""
    return and_(Strand.start_date <= end, or_(Strand.end_date.is_(None), Strand.end_date >= start))


def strand_runs_in(strand: Strand, quarter: Quarter) -> bool:
    return strand.start_date <= quarter.end and (strand.end_date is None or strand.end_date >= quarter.start)


def strand_or_refuse(session: Session, strand_id: int) -> Strand:
    strand = session.get(Strand, strand_id)
    if strand is None:
        raise RecordNotFound(f"Strand {strand_id} is not in the database; it may have been deleted.")
    return strand


def measure_ids(session: Session) -> dict[str, int]:
    """Measure key → row id, for writing ReturnValue rows."""
    return dict(session.execute(select(Measure.key, Measure.id)).all())


def category_ids(session: Session) -> dict[tuple[str, str], int]:
    """(breakdown key, category key) → row id, for writing ReturnBreakdownValue rows."""
    query = select(Breakdown.key, BreakdownCategory.key, BreakdownCategory.id).join(
        Breakdown, Breakdown.id == BreakdownCategory.breakdown_id
    )
    return {(b, c): i for b, c, i in session.execute(query)}


def period_row(session: Session, quarter: Quarter, *, create: bool = False) -> ReturnPeriod | None:
    """The ReturnPeriod for `quarter` (added to the session when missing and `create`)."""
    # No autoflush: a period made earlier in this session was flushed when it was made, and
    # flushing every pending return on each look-up made a grid save grow with its rows.
    with session.no_autoflush:
        found = session.scalars(
            select(ReturnPeriod).where(
                ReturnPeriod.financial_year == quarter.year.start_year, ReturnPeriod.quarter == quarter.number
            )
        ).first()
    if found is None and create:
        found = ReturnPeriod(financial_year=quarter.year.start_year, quarter=quarter.number)
        session.add(found)
        session.flush()
    return found


def stored_returns(
    session: Session, quarter: Quarter, strand_ids: Collection[int] | None = None, *, breakdowns: bool = True
) -> dict[int, Return]:
    """Strand id → its Return for `quarter`, values (with their measures) loaded, and their
    breakdown figures unless `breakdowns` is False (a quarter's breakdown rows outnumber its
    figures many times over: a reader that does not show them should not load them)."""
    query = (
        select(Return)
        .join(Return.period)
        .where(ReturnPeriod.financial_year == quarter.year.start_year, ReturnPeriod.quarter == quarter.number)
        .options(selectinload(Return.values).selectinload(ReturnValue.measure))
    )
    if breakdowns:
        query = query.options(
            selectinload(Return.breakdown_values).options(
                selectinload(ReturnBreakdownValue.measure),
                selectinload(ReturnBreakdownValue.category).selectinload(BreakdownCategory.breakdown),
            )
        )
    if strand_ids is not None:
        query = query.where(Return.strand_id.in_(list(strand_ids)))
    return {r.strand_id: r for r in session.scalars(query)}


def breakdown_cells(
    session: Session, return_ids: Collection[int], measure_keys: Collection[str]
) -> dict[int, dict[BreakdownCell, int]]:
    """Return id → its breakdown figures for `measure_keys`, by (measure, breakdown, category),
    read as plain rows in one query (`stored_breakdowns` gives the same from loaded objects)."""
    found: dict[int, dict[BreakdownCell, int]] = defaultdict(dict)
    if not return_ids:
        return found
    # Keys by id from the (small) catalogue tables, so the many figure rows need no joins.
    measures = {i: k for i, k in session.execute(select(Measure.id, Measure.key).where(Measure.key.in_(list(measure_keys))))}
    categories = {
        i: (b, c) for i, b, c in session.execute(
            select(BreakdownCategory.id, Breakdown.key, BreakdownCategory.key)
            .join(Breakdown, Breakdown.id == BreakdownCategory.breakdown_id)
        )
    }
    rows = session.connection().execute(
        select(ReturnBreakdownValue.return_id, ReturnBreakdownValue.measure_id, ReturnBreakdownValue.category_id,
               ReturnBreakdownValue.value)
        .where(ReturnBreakdownValue.return_id.in_(list(return_ids)), ReturnBreakdownValue.measure_id.in_(list(measures)))
    ).all()
    for return_id, measure_id, category_id, value in rows:
        found[return_id][(measures[measure_id], *categories[category_id])] = value
    return found
    rows = session.connection().execute(
        select(ReturnBreakdownValue.return_id, Measure.key, Breakdown.key, BreakdownCategory.key,
               ReturnBreakdownValue.value)
        .join(Measure, Measure.id == ReturnBreakdownValue.measure_id)
        .join(BreakdownCategory, BreakdownCategory.id == ReturnBreakdownValue.category_id)
        .join(Breakdown, Breakdown.id == BreakdownCategory.breakdown_id)
        .where(ReturnBreakdownValue.return_id.in_(list(return_ids)), Measure.key.in_(list(measure_keys)))
    ).all()
    for return_id, measure_key, breakdown_key, category_key, value in rows:
        found[return_id][(measure_key, breakdown_key, category_key)] = value
    return found


@dataclass(frozen=True)
class PastFigures:
    """One strand's figures in the quarters before the one in hand, oldest quarter first."""

    quarters: tuple[Quarter, ...]
    figures: dict[Quarter, dict[str, int]] = field(default_factory=dict)

    def history(self) -> StrandHistory:
        """What the engine compares with: recent figures per measure, and last quarter's."""
        recent: dict[str, list[int]] = defaultdict(list)
        for quarter in self.quarters:
            for key, value in self.figures.get(quarter, {}).items():
                recent[key].append(value)
        last = self.figures.get(self.quarters[-1], {}) if self.quarters else {}
        return StrandHistory(recent={k: tuple(v) for k, v in recent.items()}, last_quarter=dict(last))

    def column(self, key: str) -> tuple[int | None, ...]:
        """One measure's figure in each of the quarters (None where none was reported)."""
        return tuple(self.figures.get(q, {}).get(key) for q in self.quarters)


def previous_quarters(quarter: Quarter, count: int = HISTORY_QUARTERS) -> tuple[Quarter, ...]:
    """The `count` quarters before `quarter`, oldest first."""
    found = [quarter.previous()]
    while len(found) < count:
        found.append(found[-1].previous())
    return tuple(reversed(found))


def past_figures(session: Session, quarter: Quarter, strand_ids: Collection[int]) -> dict[int, PastFigures]:
    """Strand id → its figures in the four quarters before `quarter`, whatever their status
    (a draft last quarter is still what the provider said). One query for all the strands."""
    quarters = previous_quarters(quarter)
    by_key = {(q.year.start_year, q.number): q for q in quarters}
    ids = list(strand_ids)
    # By period id while reading: hashing a Quarter for each of thousands of figures cost more
    # than reading them.
    figures: dict[int, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    periods: dict[int, Quarter] = {}
    if ids:
        periods = {
            period_id: by_key[(year, number)]
            for period_id, year, number in session.execute(
                select(ReturnPeriod.id, ReturnPeriod.financial_year, ReturnPeriod.quarter).where(
                    tuple_(ReturnPeriod.financial_year, ReturnPeriod.quarter).in_(list(by_key))
                )
            )
        }
        keys = dict(session.execute(select(Measure.id, Measure.key)).all())
        # A whole quarter's history is thousands of figures: read as plain rows on the session's
        # connection (no ORM result processing), periods and measures by id.
        rows = session.connection().execute(
            select(Return.strand_id, Return.period_id, ReturnValue.measure_id, ReturnValue.value)
            .join(ReturnValue, ReturnValue.return_id == Return.id)
            .where(Return.strand_id.in_(ids), Return.period_id.in_(list(periods)))
        ).all() if periods else ()
        for strand_id, period_id, measure_id, value in rows:
            figures[strand_id][period_id][keys[measure_id]] = value
    return {
        strand_id: PastFigures(quarters, {periods[p]: dict(v) for p, v in figures[strand_id].items()})
        for strand_id in ids
    }
