"""The indicators table: its columns over `services.indicators.IndicatorRow`, status in colour and words.

Status colours are a colour-blind-safe set (after Okabe and Ito: blue, orange, vermilion) as
light cell backgrounds with dark text; the words are always shown, so colour never carries the
meaning alone. The chart uses the strong shades of the same colours for its points.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor

from desktop_app.core.indicator_status import Status
from desktop_app.core.indicator_values import format_value
from desktop_app.core.vocabulary import IndicatorUnit
from desktop_app.services.indicators import IndicatorRow
from desktop_app.ui.status_colours import STATUS_COLOURS, UNCOLOURED_POINT
from desktop_app.ui.table_model import SORT_ROLE, Column, RecordTableModel

NONE_SHOWN = "—"


UNIT_WORDS = {
    IndicatorUnit.PERCENT: "Percentage",
    IndicatorUnit.COUNT: "Count",
    IndicatorUnit.DAYS: "Days",
    IndicatorUnit.RATE: "Rate per 1,000",
}


def point_colour(status: Status) -> str:
    """The chart's colour for a reading of this status (grey when there is no judgement)."""
    return STATUS_COLOURS[status][2] if status in STATUS_COLOURS else UNCOLOURED_POINT


def code_rank(code: str) -> tuple[int, ...]:
    """`1.10` after `1.9`: the code's parts as numbers (non-numbers sort last)."""
    return tuple(int(part) if part.isdigit() else 10_000 for part in code.split("."))


def baseline_text(row: IndicatorRow) -> str:
    if row.baseline_value is None:
        return "No baseline"
    period = f" ({row.baseline_period})" if row.baseline_period else ""
    return f"{row.formatted(row.baseline_value)}{period}"


def latest_text(row: IndicatorRow) -> str:
    if row.latest_value is None:
        return "No reading yet"
    return f"{row.formatted(row.latest_value)} ({row.latest_period_label})"


def change_text(row: IndicatorRow) -> str:
    """`+6.6 pts (+8.0%)` for a percentage, `+343 (+18.5%)` for a count; `—` with nothing to compare."""
    if row.change is None:
        return NONE_SHOWN
    sign = "+" if row.change > 0 else ("−" if row.change < 0 else "")
    size = format_value(row.unit, abs(row.change))
    if row.unit is IndicatorUnit.PERCENT:
        size = size.removesuffix("%") + " pts"
    if row.change_pct is None:
        return f"{sign}{size}"
    pct = f"{abs(row.change_pct):,.1f}%"
    pct_sign = "+" if row.change_pct > 0.05 else ("−" if row.change_pct < -0.05 else "")
    return f"{sign}{size} ({pct_sign}{pct})"


def rolling_text(row: IndicatorRow) -> str:
    """`8,391 against 7,831: significant increase`; `—` without twelve months of readings."""
    if row.rolling_12m is None:
        return NONE_SHOWN
    text = row.formatted(row.rolling_12m)
    if row.previous_12m is not None:
        text += f" against {row.formatted(row.previous_12m)}"
    return f"{text}: {row.significance.words}"


def rolling_change_text(row: IndicatorRow) -> str:
    """The table's short form, the change against the previous 12 months: `+560: significant
    increase`, `+1.6 pts: no significant change`; `—` with nothing to compare."""
    change = row.trend.previous.change
    if row.rolling_12m is None or change is None:
        return NONE_SHOWN
    sign = "+" if change > 0 else ("−" if change < 0 else "")
    size = format_value(row.unit, abs(change))
    if row.unit is IndicatorUnit.PERCENT:
        size = size.removesuffix("%") + " pts"
    return f"{sign}{size}: {row.significance.words}"


def _rolling_tooltip(row: IndicatorRow) -> str:
    if row.rolling_12m is None:
        return "Needs readings for all of the last twelve months."
    return (
        "The last 12 months against the 12 before them. Only a change beyond chance (95%) is "
        "called significant: an exact test for counts, a two-proportion test for percentages "
        "with their numerators and denominators; other figures are not testable."
    )


def _indicator_tooltip(row: IndicatorRow) -> str:
    themes = ", ".join(theme.name for theme in row.themes) or "none"
    parts = [f"{row.code} {row.title}"]
    if row.description:
        parts.append(row.description)
    parts.append(row.priority_heading)
    parts.append(f"Cross-cutting themes: {themes}")
    if row.continues:
        parts.append(f"Carries on {row.continues}")
    return "\n".join(parts)


def _status_tooltip(row: IndicatorRow) -> str:
    if row.status is Status.MONITOR:
        return "Monitored without a judgement: the trend is watched, not rated."
    if row.status is Status.NO_DATA:
        return row.status_words
    return (
        f"{row.status_words}: judged against the baseline, should {row.direction.label.lower()}, "
        f"tolerance {row.tolerance_pct:g}% of the baseline."
    )


# What answers "are we getting better?" first (status, latest, baseline, change); the rest after.
INDICATOR_COLUMNS: list[Column[IndicatorRow]] = [
    Column(
        "Priority",
        lambda r: "Spotlight" if r.priority_spotlight else r.priority_number,
        tooltip=lambda r: r.priority_heading,
    ),
    Column("Code", lambda r: r.code),
    Column("Indicator", lambda r: r.title, tooltip=_indicator_tooltip),
    Column("Status", lambda r: r.status_words, tooltip=_status_tooltip),
    Column("Latest", latest_text, numeric=True),
    Column("Baseline", baseline_text, numeric=True),
    Column("Change", change_text, numeric=True),
    Column(
        "12 months", rolling_change_text, tooltip=lambda r: f"{rolling_text(r)}\n{_rolling_tooltip(r)}"
    ),
    Column("Target", lambda r: r.formatted(r.target_value) or NONE_SHOWN, numeric=True, tooltip=lambda r: r.target_note or ""),
    Column("Direction", lambda r: r.direction.label),
    Column("Unit", lambda r: UNIT_WORDS.get(r.unit, r.unit.label)),
    Column("Frequency", lambda r: r.frequency.label),
    Column("Source", lambda r: r.source, tooltip=lambda r: r.source),
]
(
    PRIORITY, CODE, TITLE, STATUS, LATEST, BASELINE, CHANGE, ROLLING, TARGET, DIRECTION, UNIT, FREQUENCY, SOURCE,
) = range(13)

# What each column sorts by when its text would sort wrongly ("1.10" before "1.9", "1,850" as text).
_SORT_KEYS = {
    PRIORITY: lambda r: (r.priority_number, code_rank(r.code)),
    CODE: lambda r: code_rank(r.code),
    BASELINE: lambda r: r.baseline_value,
    TARGET: lambda r: r.target_value,
    LATEST: lambda r: r.latest_value,
    CHANGE: lambda r: r.change_pct if r.change_pct is not None else r.change,
    ROLLING: lambda r: r.trend.previous.change_pct,
    # Worst first when sorted ascending: what needs attention.
    STATUS: lambda r: (
        [Status.RED, Status.AMBER, Status.GREEN, Status.MONITOR, Status.NO_DATA].index(r.status),
        code_rank(r.code),
    ),
}


class IndicatorTableModel(RecordTableModel[IndicatorRow]):
    """The shared record model, with number-aware sorting and the status cell's colour."""

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = index.column()
        if role == SORT_ROLE and column in _SORT_KEYS:
            key = _SORT_KEYS[column](self.row_at(index.row()))
            # Blanks sort after every figure; tuples become text so Qt can carry them.
            if key is None:
                return float("inf")
            if isinstance(key, tuple):
                return ".".join(f"{part:06d}" if isinstance(part, int) else str(part) for part in _flat(key))
            return key
        if column == STATUS and role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            colours = STATUS_COLOURS.get(self.row_at(index.row()).status)
            if colours is None:
                return None
            return QColor(colours[0] if role == Qt.ItemDataRole.BackgroundRole else colours[1])
        return super().data(index, role)


def _flat(parts) -> list:
    flat: list = []
    for part in parts:
        flat.extend(_flat(part) if isinstance(part, tuple) else [part])
    return flat


def indicator_table_model(parent=None) -> IndicatorTableModel:
    return IndicatorTableModel(INDICATOR_COLUMNS, parent)
