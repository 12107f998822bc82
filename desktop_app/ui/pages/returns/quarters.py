"""Which quarters the Returns page offers, and which of them shows a period chosen elsewhere."""

from __future__ import annotations

import datetime as dt

from desktop_app.core.periods import FinancialYear, HalfYear, Quarter
from desktop_app.core.reporting_period import reporting_quarter

__all__ = ["quarter_for", "quarters_to_offer"]


def quarters_to_offer(strands, today: dt.date) -> tuple[list[Quarter], Quarter | None]:
    """Every quarter some strand runs in, up to the current one (newest first), and the default:
    the current reporting period (the latest quarter with returns due)."""
    if not strands:
        return [], None
    first = Quarter.containing(min(s.start_date for s in strands))
    ends = [s.end_date for s in strands]
    last = Quarter.containing(today if None in ends or max(ends) > today else max(ends))
    quarters = [last]
    while quarters[-1] > first:
        quarters.append(quarters[-1].previous())
    return quarters, reporting_quarter(((s.start_date, s.end_date) for s in strands), today)


def quarter_for(period: object, current: Quarter | None, offered: list[Quarter]) -> Quarter | None:
    """The offered quarter that shows `period` (chosen on another page): the quarter itself; for
    a year or half, the current quarter if it lies in it, else its latest offered quarter."""
    if isinstance(period, Quarter):
        return period if period in offered else None
    if isinstance(period, (FinancialYear, HalfYear)):
        numbers = (1, 2, 3, 4) if isinstance(period, FinancialYear) else (2 * period.number - 1, 2 * period.number)
        year = period if isinstance(period, FinancialYear) else period.year
        inside = [q for q in offered if q.year == year and q.number in numbers]
        if current in inside:
            return current
        return max(inside) if inside else None
    return None
