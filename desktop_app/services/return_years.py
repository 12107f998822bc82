"""The financial years that have returns, each with how many it has and how many are missing.

The Exports page offers these years. Counting them with `year_report` cost one full report per
year (most of the page's first visit on a file of ten years); two grouped reads answer it
for every year at once, and the answer is kept until the data changes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select

from desktop_app.core.periods import FinancialYear
from desktop_app.services.data_cache import cached
from desktop_app.store.database import Database
from desktop_app.store.models import Return, ReturnPeriod, Strand


@dataclass(frozen=True)
class YearWithReturns:
    year: FinancialYear
    returns: int  # any status
    missing: int  # strand × quarter cells where the strand runs and no return is entered


def years_with_returns(db: Database, today: dt.date | None = None) -> list[YearWithReturns]:
    """The financial years that have at least one return, newest first.

    The candidates are the years the strands run in, up to this year (a return can only be
    entered for a quarter its strand runs in)."""
    this_year = FinancialYear.containing(today or dt.date.today()).start_year
    return cached(db, ("years_with_returns", this_year), lambda: _read(db, this_year))


def _read(db: Database, this_year: int) -> list[YearWithReturns]:
    with db.reading() as session:
        strands = session.execute(select(Strand.id, Strand.start_date, Strand.end_date)).all()
        if not strands:
            return []
        counts = dict(
            session.execute(
                select(ReturnPeriod.financial_year, func.count(Return.id))
                .join(Return.period)
                .group_by(ReturnPeriod.financial_year)
            ).all()
        )
        received: dict[int, set[tuple[int, int]]] = defaultdict(set)
        for year, quarter, strand_id in session.execute(
            select(ReturnPeriod.financial_year, ReturnPeriod.quarter, Return.strand_id).join(Return.period)
        ):
            received[year].add((strand_id, quarter))
    first = min(FinancialYear.containing(start).start_year for _id, start, _end in strands)
    last = max(this_year if end is None else FinancialYear.containing(end).start_year for _id, _start, end in strands)
    found = []
    for start_year in range(max(last, this_year), first - 1, -1):
        returns = counts.get(start_year, 0)
        if not returns:
            continue
        quarters = [(q.number, q.start, q.end) for q in FinancialYear(start_year).quarters()]
        # A return is expected for each quarter a strand runs in, part-quarters included.
        expected = {
            (strand_id, number)
            for strand_id, start, end in strands
            for number, first_day, last_day in quarters
            if start <= last_day and (end is None or end >= first_day)
        }
        found.append(YearWithReturns(FinancialYear(start_year), returns, len(expected - received[start_year])))
    return found
