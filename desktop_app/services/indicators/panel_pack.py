"""The quarterly Panel pack: a plan's indicators and the year's victims' services figures,
with small numbers suppressed, ready for the Police and Crime Panel.

Per priority, each indicator's latest value, rolling 12 months, change against the previous
12, whether that change is significant, and its status in words and colour, with its trend for
a chart; then the year's figures per measure and per service category by quarter. Counts below
the `small_number_threshold` setting (default 5) are suppressed as `core.suppression` says,
including figures that would give them away by subtraction: a 12-month total against its
months, a change against its two totals, a quarter against its year and its column.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from desktop_app.core.indicator_values import format_value, period_label
from desktop_app.core.periods import FinancialYear
from desktop_app.core.suppression import Cell, suppress_table
from desktop_app.core.vocabulary import IndicatorUnit
from desktop_app.services.catalogue import load_catalogue
from desktop_app.services.indicators.rows import IndicatorRow, _indicator_rows, _series, _stored_readings
from desktop_app.services.report import COUNTED
from desktop_app.services.small_numbers import small_number_threshold
from desktop_app.store.database import Database, is_demo
from desktop_app.store.models import Measure, Return, ReturnPeriod, ReturnValue, ServiceCategory, Strand

if TYPE_CHECKING:  # the pack's types live in excel, which loads openpyxl
    from desktop_app.excel.panel_pack import PanelIndicator, PanelPackData

__all__ = ["export_panel_pack", "panel_pack"]

VICTIMS_SUPPORTED = "victims_supported"
_QUARTERS = (1, 2, 3, 4)


def _text(unit: IndicatorUnit, value: float | None, *, signed: bool = False) -> str:
    if value is None:
        return ""
    if not signed:
        return format_value(unit, value)
    text = format_value(unit, abs(value))
    if unit is IndicatorUnit.PERCENT:
        text = text.removesuffix("%") + " pts"  # a change of a percentage is in points
    # A true minus sign, as the page shows it (and no cell that starts like a formula).
    return ("+" if value > 0 else "\u2212" if value < 0 else "") + text


def _indicator(row: IndicatorRow, points: list[tuple[dt.date, float, str]], threshold: int) -> PanelIndicator:
    """One indicator's figures as published: counts suppressed, everything else as it is."""
    from desktop_app.excel.panel_pack import PanelIndicator

    trend = row.trend
    change = _text(row.unit, trend.previous.change, signed=True)
    rolling, previous = _text(row.unit, row.rolling_12m), _text(row.unit, row.previous_12m)
    latest = _text(row.unit, row.latest_value)
    shown_points = tuple((label, value) for _, value, label in points)
    suppressed = False
    if row.unit is IndicatorUnit.COUNT and points:
        values: dict = {("point", i): int(value) for i, (_, value, _) in enumerate(points)}
        lines = []
        for name, window in (("rolling", trend.rolling), ("previous", trend.previous.reference)):
            if window is None or window.start is None:
                continue
            values[name] = int(window.value)
            months = [("point", i) for i, (start, _, _) in enumerate(points) if window.start <= start <= window.end]
            lines.append((months, name))
        cells = suppress_table(values, lines, threshold)
        suppressed = any(cell.suppressed for cell in cells.values())
        shown_points = tuple((label, cells[("point", i)].value) for i, (_, _, label) in enumerate(points))
        latest = cells[("point", len(points) - 1)].text
        if "rolling" in cells:
            rolling = cells["rolling"].text
        if "previous" in cells:
            previous = cells["previous"].text
        # A change beside two totals gives one of them away when the other is withheld.
        if change and (cells.get("rolling", Cell(0, "")).suppressed or cells.get("previous", Cell(0, "")).suppressed):
            change = "withheld"
    return PanelIndicator(
        heading=row.priority_heading,
        code=row.code,
        title=row.title,
        unit=row.unit,
        latest=latest,
        latest_period=row.latest_period_label or "",
        rolling_12m=rolling,
        previous_12m=previous,
        change=change,
        significance=row.significance.words if row.rolling_12m is not None else "needs 12 months of readings",
        status=row.status,
        status_words=row.status_words,
        points=shown_points,
        suppressed=suppressed,
    )


def _figures(session, year: FinancialYear, threshold: int):
    """Victims' services figures of the year by quarter: per measure, and victims supported
    per service category; both suppressed together, since they share the victims-supported row."""
    from desktop_app.excel.panel_pack import FiguresTable

    counted = (
        select(Return.id)
        .join(Return.period)
        .where(ReturnPeriod.financial_year == year.start_year, Return.status.in_(COUNTED))
    )
    by_measure = session.execute(
        select(Measure.key, ReturnPeriod.quarter, func.sum(ReturnValue.value))
        .join(ReturnValue.measure)
        .join(ReturnValue.return_)
        .join(Return.period)
        .where(Return.id.in_(counted))
        .group_by(Measure.key, ReturnPeriod.quarter)
    ).all()
    by_category = session.execute(
        select(ServiceCategory.name, ReturnPeriod.quarter, func.sum(ReturnValue.value))
        .join(ReturnValue.measure)
        .join(ReturnValue.return_)
        .join(Return.period)
        .join(Strand, Strand.id == Return.strand_id)
        .join(ServiceCategory, ServiceCategory.id == Strand.service_category_id)
        .where(Return.id.in_(counted), Measure.key == VICTIMS_SUPPORTED)
        .group_by(ServiceCategory.name, ReturnPeriod.quarter)
    ).all()
    measures = [m for m in load_catalogue(session).measures_for(year.start, year.end)]
    categories = sorted({name for name, _, _ in by_category})
    values: dict = {}
    for key, quarter, total in by_measure:
        values[(key, quarter)] = int(total or 0)
    for name, quarter, total in by_category:
        values[(("category", name), quarter)] = int(total or 0)
    rows = [m.key for m in measures] + [("category", name) for name in categories]
    for row in rows:
        for quarter in _QUARTERS:
            values.setdefault((row, quarter), 0)
        values[(row, "year")] = sum(values[(row, q)] for q in _QUARTERS)
    lines = [([(row, q) for q in _QUARTERS], (row, "year")) for row in rows]
    if categories and VICTIMS_SUPPORTED in {m.key for m in measures}:
        for column in (*_QUARTERS, "year"):
            lines.append(([(("category", name), column) for name in categories], (VICTIMS_SUPPORTED, column)))
    cells = suppress_table(values, lines, threshold)
    columns = tuple(f"Q{q}" for q in _QUARTERS) + (year.label,)

    def table(title: str, keys, labels) -> FiguresTable:
        return FiguresTable(
            title,
            tuple(labels),
            columns,
            tuple(tuple(cells[(key, column)] for column in (*_QUARTERS, "year")) for key in keys),
        )

    return (
        table("Victims' services figures by quarter", [m.key for m in measures], [m.label for m in measures]),
        table(
            "Victims supported by service category",
            [("category", name) for name in categories],
            categories,
        ),
    )


def panel_pack(
    db: Database, year: FinancialYear, plan_key: str | None = None, *, today: dt.date | None = None
) -> PanelPackData:
    """Everything the Panel pack shows for `year`: the plan's indicators as at the year's end
    and the year's figures, small numbers suppressed."""
    from desktop_app.excel.panel_pack import PanelPackData

    threshold = small_number_threshold(db)
    with db.reading() as session:
        rows = _indicator_rows(session, plan_key=plan_key, today=today, up_to=year.end)
        stored = _stored_readings(session)
        figures = _figures(session, year, threshold)
    indicators = []
    for row in rows:
        points = [
            (r.period_start, r.value, period_label(r.period_start, r.period_end))
            for _, r, _ in _series(stored, row.id)
            if r.period_end <= year.end
        ]
        indicators.append(_indicator(row, points, threshold))
    applied = any(i.suppressed for i in indicators) or any(
        cell.suppressed for table in figures for line in table.cells for cell in line
    )
    return PanelPackData(
        plan_name=rows[0].plan.name if rows else "",
        year_label=year.label,
        indicators=tuple(indicators),
        figures=figures,
        threshold=threshold,
        suppression_applied=applied,
        generated_at=dt.datetime.now().replace(microsecond=0),
        database=db.display_name,
        is_demo=is_demo(db),
    )


def export_panel_pack(
    db: Database, target: Path | str, year: FinancialYear, plan_key: str | None = None, *, today: dt.date | None = None
) -> Path:
    """Write the Panel pack workbook to `target` (.xlsx) atomically; returns the path written.

    An unknown plan raises `UnknownPlanError`; a target that cannot be written
    `excel.writer.WorkbookWriteError` (a ValueError), leaving any existing file as it was.
    """
    from desktop_app.excel.panel_pack import write_panel_pack

    return write_panel_pack(panel_pack(db, year, plan_key, today=today), Path(target))
