"""An indicator's history from the audit trail: its settings changes and the readings added.

Written the way officers read it, like `services.history` does for providers and strands:
figures in the indicator's unit (`82.0%`, `1,850`), a reading named by its period
(`Reading Mar 2025`). Readings are found through the audit rows that link them to the
indicator, so a reading removed later still shows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import or_, select

from desktop_app.core.indicator_values import format_value, period_label
from desktop_app.core.vocabulary import AuditAction, IndicatorUnit
from desktop_app.services.history import EMPTY, HistoryEntry
from desktop_app.services.validation import RecordNotFound
from desktop_app.store.database import Database
from desktop_app.store.models import AuditEvent, Indicator

__all__ = ["indicator_history"]

_ACTIONS = {AuditAction.INSERT: "Created", AuditAction.UPDATE: "Changed", AuditAction.DELETE: "Deleted"}
_LABELS = {
    "baseline_value": "Baseline",
    "baseline_period": "Baseline period",
    "target_value": "Target",
    "target_note": "Target note",
    "tolerance_pct": "Tolerance",
    "value": "Value",
    "numerator": "Numerator",
    "denominator": "Denominator",
    "note": "Note",
}
_FIGURES = {"baseline_value", "target_value", "value"}
_WHOLE = {"numerator", "denominator"}
# A reading's link and period are in its record label ("Reading Mar 2025").
_READING_HIDDEN = {"indicator_id", "period_start", "period_end"}


def _readable(unit: IndicatorUnit, field: str, value: str | None) -> str:
    if value is None or value == "":
        return EMPTY
    try:
        if field in _FIGURES:
            return format_value(unit, float(value))
        if field in _WHOLE:
            return f"{int(value):,}"
        if field == "tolerance_pct":
            return f"{float(value):g}% of the baseline"
    except ValueError:
        pass  # written by an older version: show it as it was stored
    return value


def _reading_label(events: list[AuditEvent]) -> str:
    found = {e.field: e.new_value or e.old_value for e in events if e.field in ("period_start", "period_end")}
    try:
        start = dt.date.fromisoformat(found["period_start"])
        end = dt.date.fromisoformat(found["period_end"])
    except (KeyError, TypeError, ValueError):
        return "Reading"
    return f"Reading {period_label(start, end)}"


def indicator_history(db: Database, indicator_id: int) -> list[HistoryEntry]:
    """Every recorded change to an indicator's settings and readings, newest first."""
    with db.reading() as session:
        indicator = session.get(Indicator, indicator_id)
        if indicator is None:
            raise RecordNotFound(f"Indicator {indicator_id} is not in this database.")
        unit = indicator.unit
        labelled: list[tuple[str, AuditEvent]] = [
            ("Indicator", event)
            for event in session.scalars(
                select(AuditEvent)
                .where(AuditEvent.entity == "indicator", AuditEvent.entity_id == indicator_id)
                .order_by(AuditEvent.id)
            )
        ]
        linked = select(AuditEvent.entity_id).where(
            AuditEvent.entity == "indicator_reading",
            AuditEvent.field == "indicator_id",
            or_(AuditEvent.new_value == str(indicator_id), AuditEvent.old_value == str(indicator_id)),
        )
        by_reading: dict[int, list[AuditEvent]] = defaultdict(list)
        for event in session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity == "indicator_reading", AuditEvent.entity_id.in_(linked))
            .order_by(AuditEvent.id)
        ):
            by_reading[event.entity_id].append(event)
        for events in by_reading.values():
            label = _reading_label(events)
            labelled += [(label, event) for event in events if event.field not in _READING_HIDDEN]

        entries = []
        for record, event in sorted(labelled, key=lambda pair: pair[1].id):
            old = _readable(unit, event.field, event.old_value)
            new = _readable(unit, event.field, event.new_value)
            if old == new:
                continue  # e.g. an empty note "created" as an empty string: nothing to read
            entries.append(
                HistoryEntry(
                    at=event.at.replace(tzinfo=dt.UTC).astimezone(),
                    who=event.who,
                    action=_ACTIONS.get(event.action, str(event.action)),
                    record=record,
                    field=_LABELS.get(event.field) or event.field.replace("_", " ").capitalize(),
                    old=old,
                    new=new,
                    reason=event.reason,
                )
            )
    # Newest first; a stable sort keeps one change's fields in the order they were written.
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries
