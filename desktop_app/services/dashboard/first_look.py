"""The dashboard's headline figures and charts as the window paints them first, without SQLAlchemy.

The same cards and series `dashboard()` gives (the same headline functions, the same folds of
`charts`, the same completeness rule from `core.completeness`, the same default year), from a
handful of sqlite3 reads (`store.first_look`): the window is on screen with its figures, and
its charts just after, while the ORM and the full dashboard load after that.
tests/services/test_dashboard_first_look.py holds the two to the same figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from desktop_app.core.completeness import DUE_DAYS_SETTING, due_days_from, return_state, runs_in
from desktop_app.core.periods import FinancialYear, Quarter
from desktop_app.core.reporting_period import reporting_quarter
from desktop_app.core.suppression import DEFAULT_THRESHOLD, parse_threshold
from desktop_app.core.suppression import SETTING_KEY as THRESHOLD_KEY
from desktop_app.services.dashboard.charts import (
    ChartSeries,
    CompletenessQuarter,
    count_completeness,
    fold_money,
    fold_providers,
    fold_victims,
)
from desktop_app.services.dashboard.headlines import (
    Headline,
    basis_words,
    count_headline,
    money_headline,
    percent_headline,
)
from desktop_app.store.first_look import COUNTED, LOOK_FAILURES, FirstLookReader, first_look

# The demo reproduces the Police and Crime Panel report of July 2023, whose published figures
# are 2022/23's, so that is the year it opens on (later demo years are locked too).
DEMO_STORY_YEAR = FinancialYear(2022)


@dataclass(frozen=True)
class FirstFigures:
    """What the window paints before the database is opened the full way."""

    is_demo: bool
    is_empty: bool
    years: tuple[FinancialYear, ...]  # newest first, as `dashboard_years`
    # The window opens every page on the current reporting period (`services.reporting_period`),
    # so the dashboard shows its year; `default_dashboard_year`'s when that year has nothing.
    period: Quarter | None
    year: FinancialYear | None
    headlines: tuple[Headline, ...]
    basis_words: str
    charts: ChartSeries | None  # what the four charts draw, for `year` (None without a year)
    small_number_threshold: int = DEFAULT_THRESHOLD  # the charts' labels suppress below it


@dataclass(frozen=True)
class _Totals:
    year: FinancialYear
    totals: dict[str, int]
    returns_counted: int


def choose_default_year(
    years: list[FinancialYear], *, demo: bool, statuses: dict[int, set[str]]
) -> FinancialYear | None:
    """`default_dashboard_year`'s rule, given the years (newest first), whether the database is
    the demo, and the return statuses each year holds."""
    if not years:
        return None
    if demo and DEMO_STORY_YEAR in years:
        return DEMO_STORY_YEAR
    for year in years:
        if statuses.get(year.start_year) == {"locked"}:
            return year
    for year in years:
        if year.start_year in statuses:
            return year
    return years[0]


def _completeness(
    reader: FirstLookReader, year: FinancialYear, days: int, today: dt.date
) -> tuple[CompletenessQuarter, ...]:
    """The year's returns per quarter by state, as the completeness matrix counts its cells."""
    received = reader.returns_by_quarter(year.start_year)
    strands = {s.id: s for s in reader.strands_running(year.start, year.end)}
    # A strand that sent a return but no longer runs in the year still has that return counted.
    sent = {strand_id for strand_id, _quarter in received}
    states = []
    for quarter in year.quarters():
        due = quarter.due_date(days)
        for strand_id in strands.keys() | sent:
            strand = strands.get(strand_id)
            runs = strand is not None and runs_in(strand.start, strand.end, quarter)
            state = return_state(received.get((strand_id, quarter.number)), runs=runs, quarter=quarter, due=due,
                                 today=today)
            states.append((quarter.number, state))
    return count_completeness(year, states)


def _year_totals(reader: FirstLookReader, year: FinancialYear, measures) -> tuple[_Totals, int]:
    statuses = reader.returns_by_quarter(year.start_year).values()
    counted = sum(1 for s in statuses if s in COUNTED)
    sums = reader.counted_totals(year.start_year)
    valid = {m.key for m in measures if m.valid_in(year.start, year.end)}
    totals = {key: total for key, total in sums.items() if key in valid}
    return _Totals(year, totals, counted), len(statuses) - counted


def _figures(reader: FirstLookReader, today: dt.date) -> FirstFigures:
    settings = reader.settings()
    demo = settings.get("is_demo") == "yes"
    threshold = parse_threshold(settings.get(THRESHOLD_KEY))
    empty = not (reader.count("provider") or reader.count("strand") or reader.count("return"))
    years = sorted(
        (FinancialYear(y) for y in reader.years_with_returns() | reader.years_with_budgets()),
        key=lambda y: y.start_year, reverse=True,
    )
    period = reporting_quarter(reader.strand_spans(), today)
    if period is not None and period.year in years:
        year = period.year
    else:
        year = choose_default_year(years, demo=demo, statuses=reader.statuses_by_year())
    if year is None:
        return FirstFigures(demo, empty, (), period, None, (), "", None, threshold)
    previous_year = year.previous()
    measures = reader.headline_measures()
    report, unverified = _year_totals(reader, year, measures)
    previous, _unverified = _year_totals(reader, previous_year, measures)
    headlines = [count_headline(m.key, m.title, m.detail, report, previous) for m in measures]
    days = due_days_from(settings.get(DUE_DAYS_SETTING))
    completeness = _completeness(reader, year, days, today)
    done, expected = sum(q.done for q in completeness), sum(q.expected for q in completeness)
    before = _completeness(reader, previous_year, days, today)
    before_done, before_expected = sum(q.done for q in before), sum(q.expected for q in before)
    headlines.append(
        percent_headline(
            "returns_complete", "Returns complete", year, done, expected,
            (before_done, before_expected) if before_expected else None,
        )
    )
    money = fold_money(reader.funding_streams(), *reader.money_by_stream(), year)
    by_year = {m.financial_year: m for m in money}
    this, last = by_year.get(year.start_year), by_year.get(previous_year.start_year)
    allocated, budget = (this.allocated_pence, this.budget_pence) if this else (0, 0)
    last_allocated, last_budget = (last.allocated_pence, last.budget_pence) if last else (0, 0)
    headlines.append(
        money_headline(
            "allocated", "Allocated", year, allocated, budget,
            last_allocated if (last_allocated or last_budget) else None,
        )
    )
    charts = ChartSeries(
        victims=fold_victims(reader.victims_by_category(year.start_year), year),
        providers=fold_providers(reader.victims_by_provider(year.start_year)),
        money=money,
        completeness=completeness,
    )
    return FirstFigures(
        demo, empty, tuple(years), period, year, tuple(headlines), basis_words(report.returns_counted, unverified),
        charts, threshold,
    )


def first_figures(path: Path, *, today: dt.date | None = None) -> FirstFigures | None:
    """The figures for the window's first paint, or None when the file must be opened the full
    way first (not plainly a current database of ours, in use elsewhere, or unreadable)."""
    with first_look(path) as reader:
        if reader is None:
            return None
        try:
            return _figures(reader, today or dt.date.today())
        except LOOK_FAILURES:
            return None
