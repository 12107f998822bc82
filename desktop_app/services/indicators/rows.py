"""Indicators as the page, the CLI and the pack read them: the list, one indicator, its readings.

Each function is one read over its own session and returns frozen dataclasses (never ORM
objects); status against baseline comes from `core.indicator_status`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.core.indicator_status import Status, indicator_status
from desktop_app.core.indicator_trend import SeriesReading, Significance, Trend, indicator_trend
from desktop_app.core.indicator_values import format_value, period_label
from desktop_app.core.vocabulary import Direction, Frequency, IndicatorUnit
from desktop_app.services.errors import ServiceError
from desktop_app.services.indicators.plans import PlanRef, _plans, choose_plan
from desktop_app.services.validation import RecordNotFound
from desktop_app.store.database import Database
from desktop_app.store.models import Indicator, IndicatorReading, Plan, Priority, Theme, indicator_theme

__all__ = [
    "IndicatorRow", "ReadingRow", "ThemeRef", "UnknownThemeError", "get_indicator", "list_indicators",
    "readings",
]


class UnknownThemeError(ServiceError, LookupError):
    """No cross-cutting theme has the key asked for."""


@dataclass(frozen=True)
class ThemeRef:
    key: str
    name: str


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator as the page, the CLI and the pack show it, with its latest status."""

    id: int
    code: str
    title: str
    description: str
    plan: PlanRef
    # The earlier plan's indicator this one carries on, e.g. `3.1 (Police and Crime Plan 2021–24)`,
    # and the same in short, `3.1 of 2021–24`.
    continues: str | None
    continues_short: str | None
    # Its plan has ended: the history is kept, no new readings.
    read_only: bool
    priority_number: int
    priority_title: str
    priority_spotlight: bool
    themes: tuple[ThemeRef, ...]
    unit: IndicatorUnit
    direction: Direction
    source: str
    frequency: Frequency
    baseline_value: float | None
    baseline_period: str | None
    target_value: float | None
    target_note: str | None
    tolerance_pct: float
    latest_value: float | None
    latest_period_start: dt.date | None
    latest_period_label: str | None
    change: float | None
    change_pct: float | None
    status: Status
    status_words: str
    # The rolling 12 months to the latest reading (None without twelve months of readings),
    # against the previous 12 months and the baseline year; see `core.indicator_trend`.
    trend: Trend

    @property
    def rolling_12m(self) -> float | None:
        return self.trend.rolling.value if self.trend.rolling else None

    @property
    def previous_12m(self) -> float | None:
        reference = self.trend.previous.reference
        return reference.value if reference else None

    @property
    def significance(self) -> Significance:
        """Whether the rolling 12 months moved for real against the previous 12."""
        return self.trend.previous.significance

    @property
    def priority_heading(self) -> str:
        """`Priority 1: Supporting Victims ...`, or a spotlight's own title."""
        if self.priority_spotlight:
            return self.priority_title
        return f"Priority {self.priority_number}: {self.priority_title}"

    version: int = 1  # the indicator's, as loaded: the settings dialog hands it back

    @property
    def theme_keys(self) -> frozenset[str]:
        return frozenset(theme.key for theme in self.themes)

    def formatted(self, value: float | None) -> str:
        """A figure of this indicator for people, e.g. `82.3%` or `1,850`."""
        return format_value(self.unit, value)


@dataclass(frozen=True)
class ReadingRow:
    """One reading, for the trend chart and the readings table (of any plan in the series)."""

    id: int
    indicator_code: str
    plan_key: str
    period_start: dt.date
    period_end: dt.date
    label: str
    value: float
    numerator: int | None
    denominator: int | None
    note: str
    status: Status
    status_words: str


def _code_order(code: str) -> tuple:
    # "1.10" after "1.9": compare the parts as numbers where they are numbers.
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in code.split("."))


def _themes_by_indicator(session: Session) -> dict[int, tuple[ThemeRef, ...]]:
    found: dict[int, list[ThemeRef]] = defaultdict(list)
    query = (
        select(indicator_theme.c.indicator_id, Theme.key, Theme.name)
        .join(Theme, Theme.id == indicator_theme.c.theme_id)
        .order_by(Theme.id)
    )
    for indicator_id, key, name in session.execute(query):
        found[indicator_id].append(ThemeRef(key, name))
    return {indicator_id: tuple(themes) for indicator_id, themes in found.items()}


@dataclass(frozen=True)
class _Stored:
    """An indicator's own readings, the indicator it carries on, and its plan and code."""

    code: str
    plan_key: str
    continues_id: int | None
    readings: list[tuple[int, SeriesReading]]
    notes: dict[int, str]


def _stored_readings(session: Session, only: Collection[int] | None = None) -> dict[int, _Stored]:
    # Every indicator (or `only` those) with its readings in one query: series run across plans.
    found: dict[int, _Stored] = {}
    query = (
        select(
            Indicator.id, Indicator.code, Plan.key, Indicator.continues_id,
            IndicatorReading.id, IndicatorReading.period_start, IndicatorReading.period_end,
            IndicatorReading.value, IndicatorReading.numerator, IndicatorReading.denominator,
            IndicatorReading.note,
        )
        .join(Plan, Plan.id == Indicator.plan_id)
        .outerjoin(IndicatorReading, IndicatorReading.indicator_id == Indicator.id)
        .order_by(Indicator.id, IndicatorReading.period_start)
    )
    if only is not None:
        query = query.where(Indicator.id.in_(list(only)))
    for indicator_id, code, plan_key, continues_id, reading_id, *fields, note in session.execute(query):
        stored = found.setdefault(indicator_id, _Stored(code, plan_key, continues_id, [], {}))
        if reading_id is not None:
            stored.readings.append((reading_id, SeriesReading(*fields)))
            stored.notes[reading_id] = note or ""
    return found


def _series(stored: dict[int, _Stored], indicator_id: int) -> list[tuple[int, SeriesReading, _Stored]]:
    """One series: the indicator's readings after those of the indicators it carries on,
    each earlier plan's only up to where the later one's begin."""
    series: list[tuple[int, SeriesReading, _Stored]] = []
    seen: set[int] = set()
    current: int | None = indicator_id
    while current is not None and current not in seen and current in stored:
        seen.add(current)  # a loop in the mappings must not hang the page
        entry = stored[current]
        first = series[0][1].period_start if series else None
        earlier = [(rid, r, entry) for rid, r in entry.readings if first is None or r.period_end < first]
        series = earlier + series
        current = entry.continues_id
    return series


def _row(
    indicator: Indicator,
    priority: Priority,
    plan: PlanRef,
    themes,
    series: Sequence[SeriesReading],
    continues: tuple[str, str] | None,
    today: dt.date,
) -> IndicatorRow:
    latest = series[-1] if series else None
    value = latest.value if latest is not None else None
    judged = indicator_status(indicator.direction, indicator.baseline_value, value, indicator.tolerance_pct)
    return IndicatorRow(
        id=indicator.id,
        code=indicator.code,
        title=indicator.title,
        description=indicator.description or "",
        plan=plan,
        continues=continues[0] if continues else None,
        continues_short=continues[1] if continues else None,
        read_only=plan.ended_by(today),
        priority_number=priority.number,
        priority_title=priority.title,
        priority_spotlight=bool(priority.spotlight),
        themes=themes,
        unit=indicator.unit,
        direction=indicator.direction,
        source=indicator.source,
        frequency=indicator.frequency,
        baseline_value=indicator.baseline_value,
        baseline_period=indicator.baseline_period,
        target_value=indicator.target_value,
        target_note=indicator.target_note,
        tolerance_pct=indicator.tolerance_pct,
        latest_value=value,
        latest_period_start=latest.period_start if latest is not None else None,
        latest_period_label=period_label(latest.period_start, latest.period_end) if latest else None,
        change=judged.change,
        change_pct=judged.change_pct,
        status=judged.status,
        status_words=judged.words,
        version=indicator.version,
        trend=indicator_trend(
            indicator.unit, indicator.frequency, series, indicator.baseline_value, indicator.baseline_period
        ),
    )


def _indicator_rows(
    session: Session,
    *,
    theme_key: str | None = None,
    indicator_id: int | None = None,
    plan_key: str | None = None,
    today: dt.date | None = None,
    up_to: dt.date | None = None,
):
    # `up_to`: only readings ending by then count, e.g. a year's pack made after the year.
    today = today or dt.date.today()
    plans = _plans(session)
    by_key = {plan.key: plan for plan in plans}
    query = select(Indicator, Priority, Plan.key).join(Indicator.priority).join(Plan, Plan.id == Indicator.plan_id)
    if indicator_id is not None:
        query = query.where(Indicator.id == indicator_id)
    else:
        shown = choose_plan(plans, plan_key, today)
        if shown is None:
            return []
        query = query.where(Plan.key == shown.key)
        if theme_key is not None:
            if theme_key not in _theme_keys(session, shown.key):
                raise UnknownThemeError(f"There is no cross-cutting theme called '{theme_key}' in the {shown.name}.")
            tagged = (
                select(indicator_theme.c.indicator_id)
                .join(Theme, Theme.id == indicator_theme.c.theme_id)
                .where(Theme.key == theme_key)
            )
            query = query.where(Indicator.id.in_(tagged))
    # Four queries in all (five with a theme), whatever the number of indicators or plans.
    themes = _themes_by_indicator(session)
    found = session.execute(query).all()
    stored = _stored_series(session, [indicator for indicator, _p, _k in found])
    rows = []
    for indicator, priority, key in found:
        series = [r for _, r, _ in _series(stored, indicator.id) if up_to is None or r.period_end <= up_to]
        before = stored.get(indicator.continues_id) if indicator.continues_id else None
        continues = None
        if before is not None:
            earlier = by_key[before.plan_key]
            continues = (f"{before.code} ({earlier.name})", f"{before.code} of {earlier.short_name}")
        rows.append(
            _row(indicator, priority, by_key[key], themes.get(indicator.id, ()), series, continues, today)
        )
    return sorted(rows, key=lambda row: (row.priority_number, _code_order(row.code)))


def _theme_keys(session: Session, plan_key: str) -> set[str]:
    return set(session.scalars(select(Theme.key).join(Plan, Plan.id == Theme.plan_id).where(Plan.key == plan_key)))


def list_indicators(
    db: Database, theme_key: str | None = None, *, plan_key: str | None = None, today: dt.date | None = None
) -> list[IndicatorRow]:
    """Every indicator of a plan (the one in force `today` unless `plan_key` names another),
    or those tagged with a cross-cutting theme, by priority then code; `UnknownPlanError` for a
    plan that is not there."""
    with db.reading() as session:
        return _indicator_rows(session, theme_key=theme_key, plan_key=plan_key, today=today)


def get_indicator(db: Database, indicator_id: int, *, today: dt.date | None = None) -> IndicatorRow:
    """One indicator with its latest status; `RecordNotFound` if it is not there."""
    with db.reading() as session:
        rows = _indicator_rows(session, indicator_id=indicator_id, today=today)
    if not rows:
        raise RecordNotFound(f"Indicator {indicator_id} is not in this database.")
    return rows[0]


def _stored_series(session: Session, indicators: Sequence[Indicator]) -> dict[int, _Stored]:
    """The readings of these indicators and of those of earlier plans they carry on: all their
    series need, not every plan's readings (one query, another for each plan further back)."""
    stored: dict[int, _Stored] = {}
    wanted = {i.id for i in indicators} | {i.continues_id for i in indicators if i.continues_id is not None}
    asked: set[int] = set()
    while wanted:
        asked |= wanted
        stored.update(_stored_readings(session, wanted))
        wanted = {entry.continues_id for entry in stored.values() if entry.continues_id is not None} - asked
    return stored


def readings(db: Database, indicator_id: int) -> list[ReadingRow]:
    """An indicator's whole history, oldest first: its readings after those of the earlier
    plans' indicators it carries on, each with its status against this indicator's baseline."""
    with db.reading() as session:
        indicator = session.get(Indicator, indicator_id)
        if indicator is None:
            raise RecordNotFound(f"Indicator {indicator_id} is not in this database.")
        stored = _stored_series(session, [indicator])
        series = _series(stored, indicator_id)
        rows = []
        for reading_id, reading, entry in series:
            judged = indicator_status(
                indicator.direction, indicator.baseline_value, reading.value, indicator.tolerance_pct
            )
            rows.append(
                ReadingRow(
                    id=reading_id,
                    indicator_code=entry.code,
                    plan_key=entry.plan_key,
                    period_start=reading.period_start,
                    period_end=reading.period_end,
                    label=period_label(reading.period_start, reading.period_end),
                    value=reading.value,
                    numerator=reading.numerator,
                    denominator=reading.denominator,
                    note=entry.notes[reading_id],
                    status=judged.status,
                    status_words=judged.words,
                )
            )
        return rows
