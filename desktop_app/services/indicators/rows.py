"""Indicators as the page, the CLI and the pack read them: the list, one indicator, its readings.

Each function is one read over its own session and returns frozen dataclasses (never ORM
objects); status against baseline comes from `core.indicator_status`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.core.indicator_status import Status, indicator_status
from desktop_app.core.indicator_trend import SeriesReading, Significance, Trend, indicator_trend
from desktop_app.core.indicator_values import format_value, period_label
from desktop_app.core.vocabulary import Direction, Frequency, IndicatorUnit
from desktop_app.services.errors import ServiceError
from desktop_app.services.validation import RecordNotFound
from desktop_app.store.database import Database
from desktop_app.store.models import Indicator, IndicatorReading, Priority, Theme, indicator_theme

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
    priority_number: int
    priority_title: str
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
    def theme_keys(self) -> frozenset[str]:
        return frozenset(theme.key for theme in self.themes)

    def formatted(self, value: float | None) -> str:
        """A figure of this indicator for people, e.g. `82.3%` or `1,850`."""
        return format_value(self.unit, value)


@dataclass(frozen=True)
class ReadingRow:
    """One reading, for the trend chart and the readings table."""

    id: int
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


def _series_by_indicator(session: Session) -> dict[int, list[SeriesReading]]:
    # Every reading in one query, oldest first: the latest and the rolling 12 months come from it.
    found: dict[int, list[SeriesReading]] = defaultdict(list)
    query = select(
        IndicatorReading.indicator_id,
        IndicatorReading.period_start,
        IndicatorReading.period_end,
        IndicatorReading.value,
        IndicatorReading.numerator,
        IndicatorReading.denominator,
    ).order_by(IndicatorReading.period_start)
    for indicator_id, *fields in session.execute(query):
        found[indicator_id].append(SeriesReading(*fields))
    return found


def _row(indicator: Indicator, priority: Priority, themes, series: Sequence[SeriesReading]) -> IndicatorRow:
    latest = series[-1] if series else None
    value = latest.value if latest is not None else None
    judged = indicator_status(indicator.direction, indicator.baseline_value, value, indicator.tolerance_pct)
    return IndicatorRow(
        id=indicator.id,
        code=indicator.code,
        title=indicator.title,
        description=indicator.description or "",
        priority_number=priority.number,
        priority_title=priority.title,
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
        trend=indicator_trend(
            indicator.unit, indicator.frequency, series, indicator.baseline_value, indicator.baseline_period
        ),
    )


def _indicator_rows(session: Session, *, theme_key: str | None = None, indicator_id: int | None = None):
    query = select(Indicator, Priority).join(Indicator.priority)
    if indicator_id is not None:
        query = query.where(Indicator.id == indicator_id)
    if theme_key is not None:
        if session.scalar(select(Theme.id).where(Theme.key == theme_key).limit(1)) is None:
            raise UnknownThemeError(f"There is no cross-cutting theme called '{theme_key}'.")
        tagged = (
            select(indicator_theme.c.indicator_id)
            .join(Theme, Theme.id == indicator_theme.c.theme_id)
            .where(Theme.key == theme_key)
        )
        query = query.where(Indicator.id.in_(tagged))
    # Three queries in all, whatever the number of indicators.
    themes = _themes_by_indicator(session)
    series = _series_by_indicator(session)
    rows = [
        _row(indicator, priority, themes.get(indicator.id, ()), series.get(indicator.id, ()))
        for indicator, priority in session.execute(query)
    ]
    return sorted(rows, key=lambda row: (row.priority_number, _code_order(row.code)))


def list_indicators(db: Database, theme_key: str | None = None) -> list[IndicatorRow]:
    """Every indicator (or those tagged with a cross-cutting theme), by priority then code."""
    with db.reading() as session:
        return _indicator_rows(session, theme_key=theme_key)


def get_indicator(db: Database, indicator_id: int) -> IndicatorRow:
    """One indicator with its latest status; `RecordNotFound` if it is not there."""
    with db.reading() as session:
        rows = _indicator_rows(session, indicator_id=indicator_id)
    if not rows:
        raise RecordNotFound(f"Indicator {indicator_id} is not in this database.")
    return rows[0]


def _reading_rows(indicator: Indicator, found: Sequence[IndicatorReading]) -> list[ReadingRow]:
    rows = []
    for reading in found:
        judged = indicator_status(
            indicator.direction, indicator.baseline_value, reading.value, indicator.tolerance_pct
        )
        rows.append(
            ReadingRow(
                id=reading.id,
                period_start=reading.period_start,
                period_end=reading.period_end,
                label=period_label(reading.period_start, reading.period_end),
                value=reading.value,
                numerator=reading.numerator,
                denominator=reading.denominator,
                note=reading.note or "",
                status=judged.status,
                status_words=judged.words,
            )
        )
    return rows


def readings(db: Database, indicator_id: int) -> list[ReadingRow]:
    """Every reading of one indicator, oldest first, each with its status against baseline."""
    with db.reading() as session:
        indicator = session.get(Indicator, indicator_id)
        if indicator is None:
            raise RecordNotFound(f"Indicator {indicator_id} is not in this database.")
        found = session.scalars(
            select(IndicatorReading)
            .where(IndicatorReading.indicator_id == indicator_id)
            .order_by(IndicatorReading.period_start)
        ).all()
        return _reading_rows(indicator, found)
