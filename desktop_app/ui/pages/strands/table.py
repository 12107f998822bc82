"""The strands table: who and what, the chosen year's allocation, and when each strand ends."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView

from desktop_app.core.money import format_pence
from desktop_app.core.periods import FinancialYear
from desktop_app.core.wording import format_date
from desktop_app.services.funding import YearPosition
from desktop_app.services.strands import StrandRow
from desktop_app.ui.pages.strands.row_heights import WrappedRowHeights
from desktop_app.ui.table_model import Column, RecordTableModel
from desktop_app.ui.widgets.record_table import RecordTable


OVER_BUDGET_COLOUR = "#b00020"


_date = format_date


def _whole_pounds(pence: int) -> str:
    return format_pence(pence, show_pence=False)


# What the table shows; the rest of a strand is in its form (double-click), and searchable here.
SHOWN_COLUMNS = 6
# Widths at which the longest demo names wrap onto two lines at most, and a 1366-wide window
# needs no horizontal scrolling: the Strand column takes whatever width is left.
COLUMN_WIDTHS = {"Reference": 100, "Provider": 230, "Service category": 232, "Ends": 104}
ALLOCATION_WIDTH = 112
STRETCHED = "Strand"


def strand_columns(year: int | None) -> list[Column[StrandRow]]:
    """Who and what, the money of the year chosen (what officers look for) and when it ends; then
    hidden columns, there only so the search finds a strand by its themes or districts."""
    columns: list[Column[StrandRow]] = [
        Column("Reference", lambda r: r.reference),
        Column("Provider", lambda r: r.provider_name, tooltip=lambda r: r.provider_name),
        Column("Strand", lambda r: r.name, tooltip=lambda r: r.name),
        Column("Service category", lambda r: r.service_category, tooltip=lambda r: r.service_category),
        Column(
            FinancialYear(year).label if year is not None else "Allocated",
            lambda r: r.allocations.get(year, 0),
            display=_whole_pounds,
            numeric=True,
        ),
        Column("Ends", lambda r: r.end_date, display=_date),
        Column("Agreement", lambda r: r.agreement_type, display=lambda v: v.label),
        Column("Start", lambda r: r.start_date, display=_date),
        Column("Priority", lambda r: r.priority),
        Column("Themes", lambda r: r.themes, display=", ".join),
        Column("Districts", lambda r: r.districts, display=", ".join),
    ]
    return columns


def strand_table_model(year: int | None, parent=None) -> RecordTableModel[StrandRow]:
    return RecordTableModel(strand_columns(year), parent)


def lay_out_strand_table(table: RecordTable) -> None:
    """Long names wrap in their cell (two lines, never cut by "…"); only the first columns show."""
    table.setWordWrap(True)
    table.setTextElideMode(Qt.TextElideMode.ElideNone)
    if getattr(table, "row_heights", None) is None:
        table.row_heights = WrappedRowHeights(table)
    header = table.horizontalHeader()
    header.setStretchLastSection(False)
    model = table.source_model
    for column in range(model.columnCount()):
        title = model.column(column).title
        table.setColumnHidden(column, column >= SHOWN_COLUMNS)
        if title == STRETCHED:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        elif column < SHOWN_COLUMNS:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, COLUMN_WIDTHS.get(title, ALLOCATION_WIDTH))


BUDGET_COLUMNS: list[Column[YearPosition]] = [
    Column("Financial year", lambda p: p.label),
    Column("Budget", lambda p: p.budget_pence, display=_whole_pounds, numeric=True),
    Column("Allocated", lambda p: p.allocated_pence, display=_whole_pounds, numeric=True),
    Column(
        "Remaining",
        lambda p: p.remaining_pence,
        display=lambda v: _whole_pounds(v) if v >= 0 else f"{_whole_pounds(-v)} over",
        numeric=True,
        foreground=lambda p: OVER_BUDGET_COLOUR if p.over else None,
    ),
]
