"""The indicator pack: every Police and Crime Plan indicator against its baseline, as .xlsx.

Sheets: **Indicators** (one row per indicator: priority, code, unit, direction, baseline,
target, latest reading, change and status, the status cell in its colour and in words),
**Readings** (every reading, tidy, for charts and pivots) and **About** (when, from which
database, and whether the figures are the synthetic demo). Written through `excel.writer`, so
it has the same formatting, formula-injection safety and atomic save as the MoJ return.

This module gets plain data (`IndicatorPackData`) from the services and imports only `core`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from desktop_app.core.indicator_status import Status
from desktop_app.core.indicator_values import decimal_places
from desktop_app.core.vocabulary import Direction, IndicatorUnit
from desktop_app.core.wording import date_and_time
from desktop_app.excel.writer import (
    DATE,
    Formatted,
    add_details_sheet,
    add_table_sheet,
    highlight,
    new_workbook,
    prepare_for_print,
    save_atomically,
    set_properties,
)

__all__ = ["IndicatorPackData", "PackIndicator", "PackReading", "write_indicator_pack"]

TITLE = "Police and Crime Plan indicators"
DEMO_WORDS = "Synthetic demo data: fictional figures for trying the program, not real results"

INDICATOR_HEADERS = (
    "Priority", "Code", "Indicator", "Unit", "Direction", "Baseline", "Baseline period",
    "Target", "Latest", "Latest period", "Change", "Change %", "Status",
)
READING_HEADERS = (
    "Code", "Indicator", "Period start", "Period end", "Value", "Numerator", "Denominator", "Note",
)

# Excel's own "Good", "Neutral" and "Bad" cell styles, which readers of council papers know.
STATUS_COLOURS = {
    Status.GREEN: ("C6EFCE", "006100"),
    Status.AMBER: ("FFEB9C", "9C5700"),
    Status.RED: ("FFC7CE", "9C0006"),
}


@dataclass(frozen=True)
class PackIndicator:
    """One indicator's row: where it stands against its baseline."""

    priority_number: int
    priority_title: str
    code: str
    title: str
    unit: IndicatorUnit
    direction: Direction
    baseline: float | None
    baseline_period: str | None
    target: float | None
    latest: float | str | None  # text where a small count is suppressed ("fewer than 5")
    latest_period: str | None
    change: float | str | None
    change_pct: float | None
    status: Status
    status_words: str
    # The rolling 12 months (see core.indicator_trend); defaults keep older callers working.
    priority_heading: str = ""
    rolling_12m: float | None = None
    rolling_period: str | None = None
    previous_12m: float | None = None
    change_12m: float | None = None
    significance_words: str = ""
    continues: str = ""

    @property
    def priority(self) -> str:
        return f"{self.priority_number}. {self.priority_title}"


@dataclass(frozen=True)
class PackReading:
    """One reading of one indicator for a month or a quarter."""

    code: str
    title: str
    unit: IndicatorUnit
    period_start: dt.date
    period_end: dt.date
    value: float | str  # text where a small count is suppressed
    numerator: int | None
    denominator: int | None
    note: str
    # Set when the reading was recorded under an earlier plan's indicator, e.g. `3.1 (pcp-2021-24)`.
    recorded_under: str = ""


@dataclass(frozen=True)
class IndicatorPackData:
    """Everything the pack shows, gathered by the services in one read."""

    indicators: tuple[PackIndicator, ...]
    readings: tuple[PackReading, ...]
    generated_at: dt.datetime
    database: str
    is_demo: bool
    plan_name: str = ""
    suppression_note: str = ""  # set when small numbers were suppressed


def _value_format(unit: IndicatorUnit, *, signed: bool = False) -> str:
    places = decimal_places(unit)
    digits = "#,##0" + ("." + "0" * (2 if places is None else places) if places != 0 else "")
    if not signed:
        return digits
    # A change carries its sign, so "+12" and "-12" read as a rise and a fall at a glance.
    return f"+{digits};-{digits};0"


def _figure(value: float | str | None, unit: IndicatorUnit, *, signed: bool = False) -> Formatted | str | None:
    if value is None or isinstance(value, str):
        return value  # a suppressed figure's words
    if unit is IndicatorUnit.COUNT and float(value).is_integer():
        value = int(value)
    return Formatted(value, _value_format(unit, signed=signed))


def indicator_row(item: PackIndicator) -> tuple:
    """One indicator as a row of the Indicators sheet (shared by the pack and the MoJ return)."""
    change_fraction = None if item.change_pct is None else item.change_pct / 100
    return (
        item.priority,
        item.code,
        item.title,
        item.unit.label,
        item.direction.label,
        _figure(item.baseline, item.unit),
        item.baseline_period,
        _figure(item.target, item.unit),
        _figure(item.latest, item.unit),
        item.latest_period,
        _figure(item.change, item.unit, signed=True),
        None if change_fraction is None else Formatted(change_fraction, "+0.0%;-0.0%;0.0%"),
        item.status_words,
    )


def _reading_row(reading: PackReading) -> tuple:
    return (
        reading.code,
        reading.title,
        reading.period_start,
        reading.period_end,
        _figure(reading.value, reading.unit),
        reading.numerator,
        reading.denominator,
        reading.note or None,
    )


def _intro(pack: IndicatorPackData) -> list[str]:
    lines = [TITLE, f"Latest reading against baseline, generated {date_and_time(pack.generated_at)}"]
    if pack.is_demo:
        lines.append(DEMO_WORDS)
    if pack.suppression_note:
        lines.append(pack.suppression_note)
    return lines


def write_indicator_pack(pack: IndicatorPackData, target: Path | str) -> Path:
    """Write the pack to `target` (.xlsx) atomically; returns the path written.

    Raises `excel.writer.WorkbookWriteError` when the file cannot be written; an existing
    file is then left as it was.
    """
    workbook = new_workbook()
    intro = _intro(pack)
    sheet = add_table_sheet(
        workbook,
        "Indicators",
        INDICATOR_HEADERS,
        (indicator_row(item) for item in pack.indicators),
        intro=intro,
        widths={"Priority": 34, "Indicator": 48},
    )
    header_row = len(intro) + 2
    status_column = INDICATOR_HEADERS.index("Status") + 1
    for offset, item in enumerate(pack.indicators, start=1):
        colours = STATUS_COLOURS.get(item.status)
        if colours is not None:
            cell = sheet.cell(row=header_row + offset, column=status_column)
            highlight(cell, colours[0], font_rgb=colours[1], bold=True)

    add_table_sheet(
        workbook,
        "Readings",
        READING_HEADERS,
        (_reading_row(reading) for reading in pack.readings),
        {"Period start": DATE, "Period end": DATE, "Numerator": "#,##0", "Denominator": "#,##0"},
        widths={"Indicator": 48, "Note": 50},
    )

    details: list[tuple[str, object]] = [
        ("Generated at", pack.generated_at),
        ("Database", pack.database),
        ("Data", DEMO_WORDS if pack.is_demo else "Figures as recorded in the database"),
        ("Indicators", len(pack.indicators)),
        ("Readings", len(pack.readings)),
        ("Small numbers", pack.suppression_note or "No count needed suppressing."),
        ("Status", "Against the baseline: green improving beyond the tolerance, amber within "
                   "it, red worsening beyond it; monitor-only indicators have no colour."),
    ]
    add_details_sheet(workbook, "About", details)
    set_properties(
        workbook,
        TITLE,
        "Latest reading of each indicator against its baseline",
        description=DEMO_WORDS if pack.is_demo else None,
    )
    prepare_for_print(workbook)
    return save_atomically(workbook, target)
