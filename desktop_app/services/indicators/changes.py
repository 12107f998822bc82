"""Changing indicators: a new reading for a month or quarter, and an indicator's settings.

Each function is one user action in one transaction (audited) and returns a `Changed`; reading
checks come from `core.indicator_values`, so the form and the service agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from desktop_app.core.field_errors import FieldError
from desktop_app.core.indicator_status import DEFAULT_TOLERANCE_PCT
from desktop_app.core.indicator_values import (
    ReadingValueError,
    check_value,
    format_value,
    parse_number,
    period_label,
    reading_period,
    validate_reading,
)
from desktop_app.core.wording import format_date
from desktop_app.core.vocabulary import IndicatorUnit
from desktop_app.services.changes import INDICATORS, Changed
from desktop_app.services.stale_edits import EditedRecord, refuse_if_stale, refused_when_raced
from desktop_app.services.validation import RecordNotFound, ValidationFailed, refuse_if_any
from desktop_app.store.database import Database
from desktop_app.store.models import Indicator, IndicatorReading

__all__ = ["DuplicateReadingError", "ReadingDraft", "add_reading", "update_indicator_settings"]


@dataclass(frozen=True)
class ReadingDraft:
    """A reading as the officer typed it: the figures are still text, checked by `add_reading`."""

    period_start: dt.date | None
    value: str = ""
    numerator: str | None = None
    denominator: str | None = None
    note: str = ""

# The form's words for core's fields, and the service's argument names for them.
_READING_FIELDS = {"Value": "value", "Numerator": "numerator", "Denominator": "denominator"}
_MAX_PERIOD_TEXT = 40


class DuplicateReadingError(ValidationFailed):
    """The indicator already has a reading for that month or quarter; nothing was written."""


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


def _plan_errors(
    indicator: Indicator, start: dt.date, end: dt.date, today: dt.date, plan_key: str | None
) -> list[FieldError]:
    plan = indicator.plan
    named = f"{indicator.code} {indicator.title}"
    if plan_key is not None and plan.key != plan_key:
        return [FieldError("indicator", f"{named} belongs to the {plan.name}, not the plan being worked on "
                           f"({plan_key}): choose that plan's indicator instead.")]
    if today > plan.end:
        return [FieldError("indicator", f"{named} belongs to the {plan.name}, which ended on "
                           f"{format_date(plan.end)}: its history is read-only. Record new readings "
                           "against the indicator of the plan in force.")]
    if start < plan.start or end > plan.end:
        return [FieldError("period_start", f"{period_label(start, end)} is outside the {plan.name} "
                           f"({format_date(plan.start)} to {format_date(plan.end)}): record it against "
                           "the indicator of the plan that covers it.")]
    return []


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
    plan_key: str | None = None,
) -> Changed:
    """Record one reading for the month or quarter holding `period_start`.

    The reading must fall inside the indicator's plan, whose plan must not have ended (an ended
    plan's history is read-only), and, when `plan_key` says which plan the officer is working
    in, the indicator must be one of that plan's.

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
        errors: list[FieldError] = _plan_errors(indicator, start, end, today, plan_key)
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
    version: int | None = None,
) -> Changed:
    """Change an indicator's baseline, target and tolerance, in one audited transaction.

    Baseline and target are checked as figures in the indicator's unit; a baseline needs the
    period it is from; the tolerance is 0–100 (% of the baseline; blank means the default 2%).
    Refused with `ValidationFailed` naming each field at fault, or `StaleRecordError` when
    someone else saved the indicator after the dialog loaded `version` (`IndicatorRow.version`);
    nothing is written then.
    """
    with refused_when_raced(db, lambda session: _record(session.get(Indicator, indicator_id))):
        with db.transaction(who=who, reason=reason) as session:
            return _update_settings(
                session, indicator_id, baseline_value, baseline_period, target_value, target_note, tolerance_pct,
                version,
            )


def _record(indicator: Indicator | None) -> EditedRecord | None:
    if indicator is None:
        return None
    return EditedRecord(f"Indicator {indicator.code} {indicator.title}", "indicator", indicator.id)


def _update_settings(
    session, indicator_id, baseline_value, baseline_period, target_value, target_note, tolerance_pct, version
) -> Changed:
    indicator = session.get(Indicator, indicator_id)
    if indicator is None:
        raise RecordNotFound(f"Indicator {indicator_id} is not in this database.")
    refuse_if_stale(session, indicator.version, version, _record(indicator))
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
