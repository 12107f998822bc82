"""The Panel pack as .xlsx: what the Police and Crime Panel reads each quarter.

Sheets: **Indicators** (per priority, each indicator's latest value, rolling 12 months, change
against the previous 12, whether it is significant, and its status in words and colour),
**Trends** (a line chart per indicator, drawn by Excel from **Chart data**), **Victims'
services** and **By service category** (the year's figures by quarter) and **About**. Figures
arrive already suppressed (`core.suppression`): this module only writes them, and says on each
sheet when suppression was applied. Written through `excel.writer` (formula-safe, atomic save).

This module gets plain data (`PanelPackData`) from the services and imports only `core`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from openpyxl.chart import LineChart, Reference

from desktop_app.core.indicator_status import Status
from desktop_app.core.suppression import Cell, suppression_note
from desktop_app.core.vocabulary import IndicatorUnit
from desktop_app.core.wording import date_and_time
from desktop_app.excel.indicator_pack import DEMO_WORDS, STATUS_COLOURS
from desktop_app.excel.writer import (
    COUNT,
    add_details_sheet,
    add_table_sheet,
    highlight,
    new_workbook,
    prepare_for_print,
    save_atomically,
    set_properties,
    write_cell,
)

__all__ = ["FiguresTable", "PanelIndicator", "PanelPackData", "write_panel_pack"]

TITLE = "Police and Crime Panel pack"
INDICATOR_HEADERS = (
    "Priority", "Code", "Indicator", "Latest", "Latest period", "Rolling 12 months", "Previous 12 months",
    "Change", "Significance", "Status",
)
_CHART_COLUMNS = 2  # charts side by side on the Trends sheet
_CHART_ROWS = 16  # sheet rows a chart takes, with a gap


@dataclass(frozen=True)
class PanelIndicator:
    """One indicator as the Panel reads it; figures already as text, small counts suppressed."""

    heading: str
    code: str
    title: str
    unit: IndicatorUnit
    latest: str
    latest_period: str
    rolling_12m: str
    previous_12m: str
    change: str
    significance: str
    status: Status
    status_words: str
    points: tuple[tuple[str, float | None], ...]  # (period, value); None where suppressed
    suppressed: bool


@dataclass(frozen=True)
class FiguresTable:
    title: str
    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]
    cells: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class PanelPackData:
    plan_name: str
    year_label: str
    indicators: tuple[PanelIndicator, ...]
    figures: tuple[FiguresTable, ...]
    threshold: int
    suppression_applied: bool
    generated_at: dt.datetime
    database: str
    is_demo: bool


def _intro(pack: PanelPackData, heading: str) -> list[str]:
    lines = [heading, f"{pack.plan_name}, {pack.year_label}; generated {date_and_time(pack.generated_at)}"]
    if pack.is_demo:
        lines.append(DEMO_WORDS)
    if pack.suppression_applied:
        lines.append(suppression_note(pack.threshold))
    return lines


def _indicators_sheet(workbook, pack: PanelPackData) -> None:
    intro = _intro(pack, f"{TITLE}: indicators")
    rows = [
        (i.heading, i.code, i.title, i.latest, i.latest_period, i.rolling_12m, i.previous_12m, i.change,
         i.significance, i.status_words)
        for i in pack.indicators
    ]
    sheet = add_table_sheet(
        workbook, "Indicators", INDICATOR_HEADERS, rows, intro=intro,
        widths={"Priority": 34, "Indicator": 48, "Significance": 24},
    )
    header_row = len(intro) + 2
    status_column = INDICATOR_HEADERS.index("Status") + 1
    for offset, item in enumerate(pack.indicators, start=1):
        colours = STATUS_COLOURS.get(item.status)
        if colours is not None:
            cell = sheet.cell(row=header_row + offset, column=status_column)
            highlight(cell, colours[0], font_rgb=colours[1], bold=True)


def _trends_sheets(workbook, pack: PanelPackData) -> None:
    charts = workbook.create_sheet("Trends")
    write_cell(charts, 1, 1, f"{TITLE}: trends", font=None)
    if pack.suppression_applied:
        write_cell(charts, 2, 1, suppression_note(pack.threshold) + " Withheld points are left as gaps.")
    data = workbook.create_sheet("Chart data")
    row = 1
    placed = 0
    for item in pack.indicators:
        if not item.points:
            continue
        write_cell(data, row, 1, "Period")
        write_cell(data, row, 2, f"{item.code} {item.title}")
        for offset, (label, value) in enumerate(item.points, start=1):
            write_cell(data, row + offset, 1, label)
            if value is not None:  # a gap, not a zero, where a small number is withheld
                write_cell(data, row + offset, 2, value)
        last = row + len(item.points)
        chart = LineChart()
        chart.title = f"{item.code} {item.title}"[:80]
        chart.y_axis.title = item.unit.label
        chart.legend = None
        chart.display_blanks = "gap"
        chart.add_data(Reference(data, min_col=2, min_row=row, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(data, min_col=1, min_row=row + 1, max_row=last))
        chart.width, chart.height = 16, 7.5
        column = "A" if placed % _CHART_COLUMNS == 0 else "J"
        charts.add_chart(chart, f"{column}{4 + (placed // _CHART_COLUMNS) * _CHART_ROWS}")
        placed += 1
        row = last + 2
    data.column_dimensions["A"].width = 14
    data.column_dimensions["B"].width = 48


def _figures_sheet(workbook, pack: PanelPackData, table: FiguresTable, title: str) -> None:
    rows = [
        (label, *(cell.value if cell.value is not None else cell.text for cell in line))
        for label, line in zip(table.row_labels, table.cells)
    ]
    headers = ("Figure", *table.column_labels)
    formats = {column: COUNT for column in table.column_labels}
    intro = [*_intro(pack, table.title), "Verified and locked returns only, as sent to the MoJ."]
    add_table_sheet(workbook, title, headers, rows, formats, intro=intro, widths={"Figure": 48})


def write_panel_pack(pack: PanelPackData, target: Path | str) -> Path:
    """Write the Panel pack to `target` (.xlsx) atomically; returns the path written."""
    workbook = new_workbook()
    _indicators_sheet(workbook, pack)
    _trends_sheets(workbook, pack)
    for table, title in zip(pack.figures, ("Victims' services", "By service category")):
        _figures_sheet(workbook, pack, table, title)
    details: list[tuple[str, object]] = [
        ("Plan", pack.plan_name),
        ("Year", pack.year_label),
        ("Generated at", pack.generated_at),
        ("Database", pack.database),
        ("Data", DEMO_WORDS if pack.is_demo else "Figures as recorded in the database"),
        ("Small numbers", suppression_note(pack.threshold) if pack.suppression_applied
         else f"No figure was below {pack.threshold}: nothing needed suppressing."),
        ("Significance", "Rolling 12 months against the previous 12, at 95%: an exact test for counts, "
                         "a two-proportion test for percentages with known denominators."),
        ("Status", "Against the baseline: green improving beyond the tolerance, amber within it, red "
                   "worsening beyond it; monitor-only indicators have no colour."),
    ]
    add_details_sheet(workbook, "About", details)
    set_properties(
        workbook, TITLE, f"{pack.plan_name}, {pack.year_label}", description=DEMO_WORDS if pack.is_demo else None
    )
    prepare_for_print(workbook)
    return save_atomically(workbook, target)
