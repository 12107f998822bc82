"""Police and Crime Plan indicators: where each stands, its readings, new readings, settings.

Every function is one user action over its own session and returns frozen dataclasses (never
ORM objects). Status against baseline comes from `core.indicator_status`, reading checks from
`core.indicator_values`, so the page, the CLI and the pack all agree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop_app.core.field_errors import FieldError
from desktop_app.core.indicator_status import DEFAULT_TOLERANCE_PCT, Status, indicator_status
from desktop_app.core.indicator_values import (
    ReadingValueError,
    check_value,
    format_value,
    parse_number,
    period_label,
    reading_period,
    validate_reading,
)
from desktop_app.core.vocabulary import Direction, Frequency, IndicatorUnit
from desktop_app.services.changes import INDICATORS, Changed
from desktop_app.services.errors import ServiceError
from desktop_app.services.validation import RecordNotFound, ValidationFailed, refuse_if_any
from desktop_app.store.database import Database, is_demo
from desktop_app.store.models import Indicator, IndicatorReading, Priority, Theme, indicator_theme

if TYPE_CHECKING:  # the pack's types live in excel, which loads openpyxl
    from desktop_app.excel.indicator_pack import IndicatorPackData

__all__ = [
    "DuplicateReadingError", "IndicatorRow", "ReadingRow", "ThemeRef", "UnknownThemeError",
    "add_reading", "export_indicator_pack", "get_indicator", "indicator_pack", "indicators_json",
    "indicators_text", "list_indicators", "readings", "update_indicator_settings",
]

# The form's words for core's fields, and the service's argument names for them.
_READING_FIELDS = {"Value": "value", "Numerator": "numerator", "Denominator": "denominator"}
_MAX_PERIOD_TEXT = 40


class DuplicateReadingError(ValidationFailed):
    """The indicator already has a reading for that month or quarter; nothing was written."""


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


def _latest_readings(session: Session) -> dict[int, IndicatorReading]:
    newest = (
        select(IndicatorReading.indicator_id, func.max(IndicatorReading.period_start).label("start"))
        .group_by(IndicatorReading.indicator_id)
        .subquery()
    )
    query = select(IndicatorReading).join(
        newest,
        and_(
            IndicatorReading.indicator_id == newest.c.indicator_id,
            IndicatorReading.period_start == newest.c.start,
        ),
    )
    return {reading.indicator_id: reading for reading in session.scalars(query)}


def _row(indicator: Indicator, priority: Priority, themes, latest: IndicatorReading | None) -> IndicatorRow:
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
    latest = _latest_readings(session)
    rows = [
        _row(indicator, priority, themes.get(indicator.id, ()), latest.get(indicator.id))
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


def _field_error(error: ReadingValueError, fields: dict[str, str]) -> FieldError:
    return FieldError(fields.get(error.field, error.field.lower()), str(error))


def _duplicate(indicator: Indicator, existing: IndicatorReading | None, start: dt.date, end: dt.date):
    label = period_label(start, end)
    shown = f" ({format_value(indicator.unit, existing.value)})" if existing is not None else ""
    return DuplicateReadingError(
        [
            FieldError(
                "period_start",
                f"{indicator.code} {indicator.title} already has a reading for {label}{shown}; "
                "change that reading rather than adding another.",
            )
        ]
    )


def add_reading(
    db: Database,
    indicator_id: int,
    period_start: dt.date,
    value: float | int | str | None = None,
    numerator: int | str | None = None,
    denominator: int | str | None = None,
    note: str = "",
    *,
    who: str | None = None,
    today: dt.date | None = None,
) -> Changed:
    """Record one reading for the month or quarter holding `period_start`.

    `value` may be a number or the text typed (`12.5`, `1,234`, `12.5%`); with a numerator and
    denominator it may be left out and is worked out from them. Refused with
    `ValidationFailed` (bad figures, a period not yet started) or `DuplicateReadingError` (the
    period already has a reading); nothing is written then.
    """
    today = today or dt.date.today()
    with db.transaction(who=who) as session:
        indicator = session.get(Indicator, indicator_id)
        if indicator is None:
            raise RecordNotFound(f"Indicator {indicator_id} is not in this database.")
        start, end = reading_period(indicator.frequency, period_start)
        errors: list[FieldError] = []
        if start > today:
            errors.append(
                FieldError("period_start", f"{period_label(start, end)} has not started yet: "
                           "readings are for periods that have begun.")
            )
        try:
            checked = validate_reading(indicator.unit, value, numerator, denominator)
        except ReadingValueError as error:
            errors.append(_field_error(error, _READING_FIELDS))
        refuse_if_any(errors)
        existing = session.scalar(
            select(IndicatorReading).where(
                IndicatorReading.indicator_id == indicator_id, IndicatorReading.period_start == start
            )
        )
        if existing is not None:
            raise _duplicate(indicator, existing, start, end)
        session.add(
            IndicatorReading(
                indicator_id=indicator_id,
                period_start=start,
                period_end=end,
                value=checked.value,
                numerator=checked.numerator,
                denominator=checked.denominator,
                note=(note or "").strip(),
            )
        )
        try:
            session.flush()
        except IntegrityError as error:  # another copy of the program added it meanwhile
            raise _duplicate(indicator, None, start, end) from error
    return Changed.of(INDICATORS)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _optional_figure(unit: IndicatorUnit, value, field: str, label: str, errors: list) -> float | None:
    if _blank(value):
        return None
    try:
        return check_value(unit, value, label)
    except ReadingValueError as error:
        errors.append(FieldError(field, str(error)))
        return None


def _tolerance(value, errors: list[FieldError]) -> float:
    if _blank(value):
        return DEFAULT_TOLERANCE_PCT
    try:
        number = parse_number(value, "Tolerance") if isinstance(value, str) else float(value)
    except ReadingValueError as error:
        errors.append(FieldError("tolerance_pct", str(error)))
        return DEFAULT_TOLERANCE_PCT
    if number is None or not 0 <= number <= 100:
        message = f"Tolerance '{value}' must be from 0% to 100% of the baseline"
        errors.append(FieldError("tolerance_pct", message))
        return DEFAULT_TOLERANCE_PCT
    return number


def _text(value: str | None, field: str, label: str, errors: list, limit: int | None = None) -> str | None:
    text = (value or "").strip()
    if limit is not None and len(text) > limit:
        errors.append(FieldError(field, f"{label} is {len(text)} characters long; keep it to {limit}"))
    return text or None


def update_indicator_settings(
    db: Database,
    indicator_id: int,
    baseline_value: float | str | None,
    baseline_period: str | None,
    target_value: float | str | None,
    target_note: str | None,
    tolerance_pct: float | str | None,
    *,
    who: str | None = None,
    reason: str | None = None,
) -> Changed:
    """Change an indicator's baseline, target and tolerance, in one audited transaction.

    Baseline and target are checked as figures in the indicator's unit; a baseline needs the
    period it is from; the tolerance is 0–100 (% of the baseline; blank means the default 2%).
    Refused with `ValidationFailed` naming each field at fault; nothing is written then.
    """
    with db.transaction(who=who, reason=reason) as session:
        indicator = session.get(Indicator, indicator_id)
        if indicator is None:
            raise RecordNotFound(f"Indicator {indicator_id} is not in this database.")
        errors: list[FieldError] = []
        baseline = _optional_figure(indicator.unit, baseline_value, "baseline_value", "Baseline", errors)
        period = _text(baseline_period, "baseline_period", "Baseline period", errors, _MAX_PERIOD_TEXT)
        if baseline is not None and period is None:
            errors.append(
                FieldError("baseline_period", "Baseline period is needed: say which period the "
                           "baseline is from, e.g. 2021/22")
            )
        target = _optional_figure(indicator.unit, target_value, "target_value", "Target", errors)
        note = _text(target_note, "target_note", "Target note", errors)
        tolerance = _tolerance(tolerance_pct, errors)
        refuse_if_any(errors)
        # Assigning only what differs keeps the audit trail to real changes.
        for name, new in (
            ("baseline_value", baseline),
            ("baseline_period", period),
            ("target_value", target),
            ("target_note", note),
            ("tolerance_pct", tolerance),
        ):
            if getattr(indicator, name) != new:
                setattr(indicator, name, new)
    return Changed.of(INDICATORS)


def indicator_pack(db: Database) -> IndicatorPackData:
    """Every indicator with its status and every reading, ready for the Excel pack."""
    from desktop_app.excel.indicator_pack import IndicatorPackData, PackIndicator, PackReading

    with db.reading() as session:
        rows = _indicator_rows(session)
        order = {row.id: position for position, row in enumerate(rows)}
        found = session.execute(
            select(IndicatorReading, Indicator.code, Indicator.title, Indicator.unit).join(
                Indicator, Indicator.id == IndicatorReading.indicator_id
            )
        ).all()
    # In the same order as the Indicators sheet, each indicator's readings oldest first.
    found = sorted(found, key=lambda item: (order.get(item[0].indicator_id, 0), item[0].period_start))
    pack_readings = [
        PackReading(
            code, title, unit, r.period_start, r.period_end, r.value, r.numerator, r.denominator, r.note or ""
        )
        for r, code, title, unit in found
    ]
    pack_indicators = [
        PackIndicator(
            priority_number=row.priority_number,
            priority_title=row.priority_title,
            code=row.code,
            title=row.title,
            unit=row.unit,
            direction=row.direction,
            baseline=row.baseline_value,
            baseline_period=row.baseline_period,
            target=row.target_value,
            latest=row.latest_value,
            latest_period=row.latest_period_label,
            change=row.change,
            change_pct=row.change_pct,
            status=row.status,
            status_words=row.status_words,
        )
        for row in rows
    ]
    return IndicatorPackData(
        indicators=tuple(pack_indicators),
        readings=tuple(pack_readings),
        generated_at=dt.datetime.now().replace(microsecond=0),
        database=db.display_name,
        is_demo=is_demo(db),
    )


def export_indicator_pack(db: Database, target: Path | str) -> Path:
    """Write the indicator pack workbook to `target` (.xlsx); returns the path written.

    A target that cannot be written raises `excel.writer.WorkbookWriteError` (a ValueError)
    and leaves any existing file as it was.
    """
    from desktop_app.excel.indicator_pack import write_indicator_pack

    return write_indicator_pack(indicator_pack(db), Path(target))


def _json_number(unit: IndicatorUnit, value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if unit is IndicatorUnit.COUNT and float(value).is_integer() else value


def indicators_json(rows: Sequence[IndicatorRow]) -> list[dict]:
    """The `indicators --format json` objects: one per indicator, status as a lower-case key."""
    return [
        {
            "code": row.code,
            "title": row.title,
            "priority": row.priority_number,
            "priority_title": row.priority_title,
            "unit": row.unit.value,
            "direction": row.direction.value,
            "baseline": _json_number(row.unit, row.baseline_value),
            "baseline_period": row.baseline_period,
            "latest": _json_number(row.unit, row.latest_value),
            "latest_period": row.latest_period_label,
            "change": _json_number(row.unit, row.change),
            "change_pct": None if row.change_pct is None else round(row.change_pct, 1),
            "target": _json_number(row.unit, row.target_value),
            "status": row.status.value,
            "status_words": row.status_words,
            "themes": sorted(row.theme_keys),
        }
        for row in rows
    ]


def indicators_text(rows: Sequence[IndicatorRow], *, is_demo: bool = False) -> str:
    """The indicators as a terminal shows them: by priority, one aligned line per indicator."""
    lines = ["Police and Crime Plan indicators: latest reading against baseline"]
    if is_demo:
        lines.append("(synthetic demo data: fictional figures, not real results)")
    if not rows:
        return "\n".join([*lines, "", "No indicators are recorded in this database."])

    def latest(row: IndicatorRow) -> str:
        if row.latest_value is None:
            return "no reading yet"
        return f"{row.formatted(row.latest_value)} ({row.latest_period_label})"

    def baseline(row: IndicatorRow) -> str:
        if row.baseline_value is None:
            return "no baseline"
        period = f" ({row.baseline_period})" if row.baseline_period else ""
        return f"baseline {row.formatted(row.baseline_value)}{period}"

    def status(row: IndicatorRow) -> str:
        words = row.status_words
        if row.change_pct is not None and row.status is not Status.NO_DATA:
            words += f", {row.change_pct:+.1f}%"
        if row.target_value is not None:
            words += f"; target {row.formatted(row.target_value)}"
        return words

    widths = [max(len(part(row)) for row in rows) for part in (lambda r: r.title, latest, baseline)]
    priority = None
    for row in rows:
        if row.priority_number != priority:
            priority = row.priority_number
            lines += ["", f"Priority {row.priority_number}: {row.priority_title}"]
        lines.append(
            f"  {row.code:<5} {row.title:<{widths[0]}}  {latest(row):>{widths[1]}}  "
            f"{baseline(row):<{widths[2]}}  {status(row)}"
        )
    return "\n".join(lines)
