"""The indicators as others read them: the Excel pack, and the CLI's json and text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.core.indicator_status import Status
from desktop_app.core.indicator_trend import Comparison, Window
from desktop_app.core.suppression import WITHHELD, fewer_than, suppression_note
from desktop_app.core.indicator_values import period_label, reading_period
from desktop_app.core.vocabulary import Frequency, IndicatorUnit
from desktop_app.services.indicators.rows import IndicatorRow, _indicator_rows, _series, _stored_readings
from desktop_app.services.small_numbers import small_number_threshold
from desktop_app.services.output_paths import check_output_file
from desktop_app.store.database import Database, is_demo

if TYPE_CHECKING:  # the pack's types live in excel, which loads openpyxl
    from desktop_app.excel.indicator_pack import IndicatorPackData

__all__ = ["export_indicator_pack", "indicator_pack", "indicators_json", "indicators_text"]


def indicator_pack(
    db: Database, plan_key: str | None = None, *, today: dt.date | None = None, suppress: bool = True,
    significance: bool = True,
) -> IndicatorPackData:
    """A plan's indicators (the one in force `today` unless `plan_key` names another) with their
    status, rolling 12 months and whole series across plans, ready for the Excel pack.

    The pack is published, so counts below the small-number threshold are suppressed (with the
    change from the baseline, which would give them away); `suppress=False` keeps exact figures
    for the MoJ workbook, whose Indicators sheet shows no significance test: `significance=False`
    skips it (most of the pack's time), leaving its words empty."""
    from desktop_app.excel.indicator_pack import IndicatorPackData, PackIndicator, PackReading

    threshold = small_number_threshold(db) if suppress else 0
    with db.reading() as session:
        rows = _indicator_rows(session, plan_key=plan_key, today=today)
        stored = _stored_readings(session)
    def small(row: IndicatorRow, value: float | None) -> bool:
        return row.unit is IndicatorUnit.COUNT and value is not None and 0 < value < threshold

    withheld = fewer_than(threshold)
    pack_readings = [
        PackReading(
            row.code, row.title, row.unit, r.period_start, r.period_end,
            withheld if small(row, r.value) else r.value, r.numerator, r.denominator,
            entry.notes[reading_id], f"{entry.code} ({entry.plan_key})" if entry.code != row.code or
            entry.plan_key != row.plan.key else "",
        )
        for row in rows
        for reading_id, r, entry in _series(stored, row.id)
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
            latest=withheld if small(row, row.latest_value) else row.latest_value,
            latest_period=row.latest_period_label,
            # Beside the baseline, the change would give a suppressed latest figure away.
            change=WITHHELD if small(row, row.latest_value) else row.change,
            change_pct=None if small(row, row.latest_value) else row.change_pct,
            status=row.status,
            status_words=row.status_words,
            priority_heading=row.priority_heading,
            rolling_12m=row.rolling_12m,
            rolling_period=_window_label(row.trend.rolling),
            previous_12m=row.previous_12m,
            change_12m=_rounded(row.trend.previous.change),
            significance_words=row.significance.words if significance else "",
            continues=row.continues or "",
        )
        for row in rows
    ]
    return IndicatorPackData(
        indicators=tuple(pack_indicators),
        readings=tuple(pack_readings),
        generated_at=dt.datetime.now().replace(microsecond=0),
        database=db.display_name,
        is_demo=is_demo(db),
        plan_name=rows[0].plan.name if rows else "",
        suppression_note=suppression_note(threshold) if any(isinstance(r.value, str) for r in pack_readings) else "",
    )


def export_indicator_pack(
    db: Database, target: Path | str, plan_key: str | None = None, *, today: dt.date | None = None
) -> Path:
    """Write a plan's indicator pack workbook to `target` (.xlsx); returns the path written.

    A target that cannot be written raises `excel.writer.WorkbookWriteError` (a ValueError)
    and leaves any existing file as it was.
    """
    from desktop_app.excel.indicator_pack import write_indicator_pack

    check_output_file(db, target, "the indicator pack")
    return write_indicator_pack(indicator_pack(db, plan_key, today=today), Path(target))


def _json_number(unit: IndicatorUnit, value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if unit is IndicatorUnit.COUNT and float(value).is_integer() else value


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _rounded(value: float | None) -> float | None:
    # Differences of decimals carry float noise (72.1 − 70.0 = 2.0999...): two places is plenty.
    return None if value is None else round(value, 2)


def _reference(comparison: Comparison) -> float | None:
    return comparison.reference.value if comparison.reference is not None else None


def _window_label(window: Window | None) -> str | None:
    if window is None or window.start is None:
        return None
    return f"{period_label(*reading_period(Frequency.MONTHLY, window.start))} – " \
        f"{period_label(*reading_period(Frequency.MONTHLY, window.end))}"


def indicators_json(rows: Sequence[IndicatorRow]) -> list[dict]:
    """The `indicators --format json` objects: one per indicator, status as a lower-case key."""
    return [
        {
            "plan": row.plan.key,
            "code": row.code,
            "title": row.title,
            "continues": row.continues,
            "priority": row.priority_number,
            "priority_title": row.priority_title,
            "unit": row.unit.value,
            "direction": row.direction.value,
            "baseline": _json_number(row.unit, row.baseline_value),
            "baseline_period": row.baseline_period,
            "latest": _json_number(row.unit, row.latest_value),
            "latest_period": row.latest_period_label,
            # The latest reading against the baseline, which the status judges.
            "latest_change": _json_number(row.unit, row.change),
            "latest_change_pct": _pct(row.change_pct),
            "target": _json_number(row.unit, row.target_value),
            "status": row.status.value,
            "status_words": row.status_words,
            # The rolling 12 months against the previous 12, and whether that change is real.
            "rolling_12m": _json_number(row.unit, row.rolling_12m),
            "rolling_12m_period": _window_label(row.trend.rolling),
            "previous_12m": _json_number(row.unit, row.previous_12m),
            "change": _json_number(row.unit, _rounded(row.trend.previous.change)),
            "change_pct": _pct(row.trend.previous.change_pct),
            "significance": row.significance.value,
            "baseline_12m": _json_number(row.unit, _reference(row.trend.baseline)),
            "change_from_baseline": _json_number(row.unit, _rounded(row.trend.baseline.change)),
            "significance_from_baseline": row.trend.baseline.significance.value,
            "themes": sorted(row.theme_keys),
        }
        for row in rows
    ]


def indicators_text(rows: Sequence[IndicatorRow], *, is_demo: bool = False) -> str:
    """The indicators as a terminal shows them: by priority, one aligned line per indicator."""
    lines = ["Police and Crime Plan indicators: latest reading against baseline"]
    if rows:
        lines[0] = f"{rows[0].plan.name} indicators: latest reading against baseline"
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
        if row.rolling_12m is not None:
            words += f"; 12 months {row.formatted(row.rolling_12m)}"
            if row.previous_12m is not None:
                words += f" against {row.formatted(row.previous_12m)}"
            words += f": {row.significance.words}"
        return words

    widths = [max(len(part(row)) for row in rows) for part in (lambda r: r.title, latest, baseline)]
    priority = None
    for row in rows:
        if row.priority_number != priority:
            priority = row.priority_number
            lines += ["", row.priority_heading]
        lines.append(
            f"  {row.code:<5} {row.title:<{widths[0]}}  {latest(row):>{widths[1]}}  "
            f"{baseline(row):<{widths[2]}}  {status(row)}"
        )
    return "\n".join(lines)
