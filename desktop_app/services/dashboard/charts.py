"""What the dashboard's four charts draw, as plain frozen dataclasses, and the rules that fold
counted rows into them (the biggest categories and providers named, the rest summed).

No SQL here and no SQLAlchemy: the full dashboard (`series`, `year`) reads the rows through the
ORM, the window's first look (`first_look`) through plain sqlite3, and both hand them to these
same folds, so the charts drawn at once and the charts drawn after the full opening are the
same charts (tests/services/test_dashboard_first_look.py holds them to it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from desktop_app.core.completeness import DONE_STATES as core_done_states
from desktop_app.core.periods import FinancialYear, Quarter, span_years

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


@dataclass(frozen=True)
class StreamMoney:
    """One funding stream's year: its budget, what its strands hold and what they have claimed."""

    key: str
    name: str
    budget_pence: int
    allocated_pence: int
    claimed_pence: int

    @property
    def short_name(self) -> str:
        """A name a bar label has room for: the stream's key, e.g. "Core"."""
        return self.key.replace("_", " ").capitalize() if len(self.key) <= 12 else self.name.split()[0]


@dataclass(frozen=True)
class YearMoney:
    """One financial year of the funding streams: the budget and what strands hold, in pence."""

    financial_year: int
    label: str
    budget_pence: int
    allocated_pence: int
    shown: bool  # the year the dashboard is showing
    claimed_pence: int = 0
    streams: tuple[StreamMoney, ...] = ()  # the same year, stream by stream


@dataclass(frozen=True)
class ChartSeries:
    """Everything the four charts draw for one year."""

    victims: QuarterlyVictims
    providers: tuple[ProviderBar, ...]
    money: tuple[YearMoney, ...]
    completeness: tuple[CompletenessQuarter, ...]


def quarter_label(quarter: Quarter) -> str:
    """A quarter on a chart axis: "Q1 Apr–Jun"."""
    return f"Q{quarter.number} {quarter.months_label}"


def fold_victims(rows: Iterable[tuple[str, str, int, int | None]], year: FinancialYear) -> QuarterlyVictims:
    """(category key, category name, quarter number, victims) rows as stacks: the seven biggest
    categories by name, the rest summed as Other services (or by name, when only one is left)."""
    found: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for key, name, quarter, total in rows:
        found[(key, name)][int(quarter) - 1] += int(total or 0)
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


def fold_providers(rows: Iterable[tuple[int, str, int | None]]) -> tuple[ProviderBar, ...]:
    """(provider id, name, victims) rows as the ten biggest bars, then the rest summed."""
    ranked = sorted(
        (ProviderBar(pid, name, int(total or 0)) for pid, name, total in rows if total),
        key=lambda bar: (-bar.victims, bar.name),
    )
    bars = list(ranked[:MOST_PROVIDERS])
    rest = ranked[MOST_PROVIDERS:]
    if rest:
        bars.append(ProviderBar(None, OTHER_PROVIDERS, sum(b.victims for b in rest), len(rest)))
    return tuple(bars)


def count_completeness(year: FinancialYear, states: Iterable[tuple[int, str]]) -> tuple[CompletenessQuarter, ...]:
    """(quarter number, state) of every strand × quarter cell, counted per quarter; the states
    the chart leaves out (not running, not due yet) are dropped."""
    counts = {q.number: dict.fromkeys((state for state, _words in COMPLETENESS_STATES), 0) for q in year.quarters()}
    for number, state in states:
        if state in counts[number]:
            counts[number][state] += 1
    return tuple(CompletenessQuarter(q, quarter_label(q), counts[q.number]) for q in year.quarters())


def fold_money(
    streams: Iterable[tuple[int, str | None, str, object, object]],
    budgets: Mapping[tuple[int, int], int],
    allocated: Mapping[tuple[int, int], int],
    claimed: Mapping[tuple[int, int], int],
    year: FinancialYear,
) -> tuple[YearMoney, ...]:
    """Budget, allocated and claimed per year and stream, for every year of the funding streams.

    `streams` are (id, key, name, start date, end date) in the order the chart shows them; the
    maps are keyed by (stream id, financial start year)."""
    streams = list(streams)
    years: set[int] = set()
    for _id, _key, _name, start, end in streams:
        years.update(span_years(start, end))
    years.update(y for _s, y in (*budgets, *allocated, *claimed))
    result = []
    for y in sorted(years):
        parts = tuple(
            StreamMoney(
                key=key or f"stream-{sid}", name=name, budget_pence=budgets.get((sid, y), 0),
                allocated_pence=allocated.get((sid, y), 0), claimed_pence=claimed.get((sid, y), 0),
            )
            for sid, key, name, start, end in streams
            # A stream shows in the years it spans, and in any other year that holds its money.
            if y in span_years(start, end) or (sid, y) in budgets or (sid, y) in allocated or (sid, y) in claimed
        )
        result.append(
            YearMoney(
                financial_year=y,
                label=FinancialYear(y).label,
                budget_pence=sum(p.budget_pence for p in parts),
                allocated_pence=sum(p.allocated_pence for p in parts),
                shown=y == year.start_year,
                claimed_pence=sum(p.claimed_pence for p in parts),
                streams=parts,
            )
        )
    return tuple(result)
