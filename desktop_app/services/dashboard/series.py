"""The series behind the dashboard's charts, read from the store as plain frozen dataclasses.

Victims are counted over verified and locked returns, as `year_report` counts them, so every
chart adds up to the headline figure. Completeness is worked out here from the returns and the
strands running in each quarter (the returns package has its own matrix; the dashboard only
needs the counts, and keeps to the store so the two can change apart).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from desktop_app.core.completeness import DONE_STATES as core_done_states
from desktop_app.core.periods import FinancialYear, Quarter
from desktop_app.services.report import COUNTED
from desktop_app.services.returns.completeness import completeness_cells
from desktop_app.store.models import (
    Measure,
    Provider,
    Return,
    ReturnPeriod,
    ReturnValue,
    ServiceCategory,
    Setting,
    Strand,
)

__all__ = [
    "COMPLETENESS_STATES",
    "OTHER_PROVIDERS",
    "OTHER_SERVICES",
    "CategorySeries",
    "CompletenessQuarter",
    "ProviderBar",
    "QuarterlyVictims",
    "completeness_by_quarter",
    "quarterly_victims",
    "top_providers",
]

OTHER_SERVICES = "Other services"
OTHER_PROVIDERS = "Other providers"
# A stacked bar stays readable with about eight segments: the biggest seven service categories,
# the rest summed. The colour-blind-safe palette has eight colours, which is the same limit.
MOST_CATEGORIES = 7
MOST_PROVIDERS = 10

# The states a strand's return for a quarter can be in, in the order a stack draws them (the
# finished work at the bottom). Quarters not yet ended, and strands not running, are left out.
COMPLETENESS_STATES: tuple[tuple[str, str], ...] = (
    ("locked", "Locked"),
    ("verified", "Verified"),
    ("submitted", "Submitted"),
    ("draft", "Draft"),
    ("missing", "Missing, not yet due"),
    ("overdue", "Overdue"),
)
DONE_STATES = frozenset(core_done_states)
# The same setting (and default) the returns pages and the MoJ workbook use.
DUE_DAYS_SETTING = "return_due_days"
DEFAULT_DUE_DAYS = 30


@dataclass(frozen=True)
class CategorySeries:
    """One service category's victims supported in Q1..Q4 (`key` is "" for Other services)."""

    key: str
    name: str
    values: tuple[int, int, int, int]

    @property
    def total(self) -> int:
        return sum(self.values)


@dataclass(frozen=True)
class QuarterlyVictims:
    """Victims supported per quarter, stacked by service category (biggest category first)."""

    year: FinancialYear
    quarter_labels: tuple[str, str, str, str]
    categories: tuple[CategorySeries, ...]

    @property
    def totals(self) -> tuple[int, ...]:
        """Each quarter's total over every category."""
        return tuple(sum(c.values[q] for c in self.categories) for q in range(4))

    @property
    def total(self) -> int:
        return sum(self.totals)


@dataclass(frozen=True)
class ProviderBar:
    """One provider's victims supported in the year; `provider_id` is None for Other providers."""

    provider_id: int | None
    name: str
    victims: int
    providers: int = 1  # how many providers the bar sums (more than 1 only for Other providers)


@dataclass(frozen=True)
class CompletenessQuarter:
    """How many returns for one quarter are in each state (every key of COMPLETENESS_STATES)."""

    quarter: Quarter
    label: str
    counts: dict[str, int]

    @property
    def expected(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        return sum(n for state, n in self.counts.items() if state in DONE_STATES)


def quarter_label(quarter: Quarter) -> str:
    """A quarter on a chart axis: "Q1 Apr–Jun"."""
    return f"Q{quarter.number} {quarter.months_label}"


def _year_return_ids(year: FinancialYear):
    """The ids of the year's returns, as a subquery of its own (not correlated with the query)."""
    period, return_ = aliased(ReturnPeriod), aliased(Return)
    return (
        select(return_.id).join(period, period.id == return_.period_id)
        .where(period.financial_year == year.start_year)
    )


def _victims(year: FinancialYear, *columns):
    """The charted measure (the catalogue's `chart = true`: victims supported) over the year's
    counted returns, summed by `columns` (strand joined)."""
    return (
        select(*columns, func.sum(ReturnValue.value))
        .join(ReturnValue.measure)
        .join(ReturnValue.return_)
        .join(Return.period)
        .join(Return.strand)
        .where(
            Measure.charted.is_(True),
            ReturnPeriod.financial_year == year.start_year,
            # The year's returns first, then their figures by index: SQLite would otherwise scan
            # every figure in the file (8x slower on ten years of returns).
            ReturnValue.return_id.in_(_year_return_ids(year)),
            Return.status.in_(COUNTED),
            # A figure above its ceiling (an older version let one in) would swamp or overflow
            # the sum; `check` lists it for correcting.
            ReturnValue.value <= Measure.ceiling,
        )
        .group_by(*columns)
    )


def quarterly_victims(session: Session, year: FinancialYear) -> QuarterlyVictims:
    """Victims supported in each quarter by service category, the smallest summed as Other."""
    found: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    query = _victims(year, ServiceCategory.key, ServiceCategory.name, ReturnPeriod.quarter).join(
        ServiceCategory, ServiceCategory.id == Strand.service_category_id
    )
    for key, name, quarter, total in session.execute(query):
        found[(key, name)][quarter - 1] += int(total or 0)
    ranked = sorted(found.items(), key=lambda item: (-sum(item[1]), item[0][1]))
    ranked = [(category, values) for category, values in ranked if sum(values)]
    series = [CategorySeries(key, name, tuple(values)) for (key, name), values in ranked[:MOST_CATEGORIES]]
    rest = ranked[MOST_CATEGORIES:]
    if len(rest) == 1:  # one more category reads better by its own name than as "Other"
        (key, name), values = rest[0]
        series.append(CategorySeries(key, name, tuple(values)))
    elif rest:
        summed = tuple(sum(values[q] for _c, values in rest) for q in range(4))
        series.append(CategorySeries("", OTHER_SERVICES, summed))
    labels = tuple(quarter_label(q) for q in year.quarters())
    return QuarterlyVictims(year=year, quarter_labels=labels, categories=tuple(series))


def top_providers(session: Session, year: FinancialYear) -> tuple[ProviderBar, ...]:
    """The ten providers that supported most victims in the year, then the rest summed."""
    query = _victims(year, Provider.id, Provider.name).join(Provider, Provider.id == Strand.provider_id)
    ranked = sorted(
        (ProviderBar(pid, name, int(total or 0)) for pid, name, total in session.execute(query) if total),
        key=lambda bar: (-bar.victims, bar.name),
    )
    bars = list(ranked[:MOST_PROVIDERS])
    rest = ranked[MOST_PROVIDERS:]
    if rest:
        bars.append(ProviderBar(None, OTHER_PROVIDERS, sum(b.victims for b in rest), len(rest)))
    return tuple(bars)


def due_days(session: Session) -> int:
    """Days after a quarter ends that its returns are due (the database's setting, or 30)."""
    text = session.scalar(select(Setting.value).where(Setting.key == DUE_DAYS_SETTING))
    try:
        days = int(text) if text is not None else DEFAULT_DUE_DAYS
    except ValueError:
        return DEFAULT_DUE_DAYS
    return days if 0 <= days <= 366 else DEFAULT_DUE_DAYS


def completeness_by_quarter(
    session: Session, year: FinancialYear, today: dt.date
) -> tuple[CompletenessQuarter, ...]:
    """For each quarter, how many returns are locked, verified, submitted, draft, missing or
    overdue: the completeness matrix's own cells (`services.returns.completeness`), counted."""
    rows = completeness_cells(session, year, due_days(session), today)
    columns = []
    for number, quarter in enumerate(year.quarters()):
        counts = dict.fromkeys((state for state, _words in COMPLETENESS_STATES), 0)
        for row in rows:
            state = row.cells[number].state
            if state in counts:  # not running and not due yet are left out of the chart
                counts[state] += 1
        columns.append(CompletenessQuarter(quarter, quarter_label(quarter), counts))
    return tuple(columns)
