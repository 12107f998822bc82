"""The strands table: fixed columns, then one allocation column per financial year."""

from __future__ import annotations

from collections.abc import Iterable

from desktop_app.core.money import format_pence
from desktop_app.core.periods import FinancialYear
from desktop_app.core.wording import format_date
from desktop_app.services.funding import YearPosition
from desktop_app.services.strands import StrandRow
from desktop_app.ui.table_model import Column, RecordTableModel


OVER_BUDGET_COLOUR = "#b00020"


_date = format_date


def _whole_pounds(pence: int) -> str:
    return format_pence(pence, show_pence=False)


def strand_columns(years: Iterable[int]) -> list[Column[StrandRow]]:
    """Who and what first, then the money per year (what officers look for), then the rest."""
    columns: list[Column[StrandRow]] = [
        Column("Reference", lambda r: r.reference),
        Column("Provider", lambda r: r.provider_name, tooltip=lambda r: r.provider_name),
        Column("Strand", lambda r: r.name, tooltip=lambda r: r.name),
        Column("Service category", lambda r: r.service_category, tooltip=lambda r: r.service_category),
    ]
    for year in years:
        columns.append(
            Column(
                FinancialYear(year).label,
                lambda r, y=year: r.allocations.get(y, 0),
                display=_whole_pounds,
                numeric=True,
            )
        )
    columns += [
        Column("Agreement", lambda r: r.agreement_type, display=lambda v: v.label),
        Column("Start", lambda r: r.start_date, display=_date),
        Column("End", lambda r: r.end_date, display=_date),
        Column("Priority", lambda r: r.priority, tooltip=lambda r: r.priority),
        Column("Themes", lambda r: r.themes, display=", ".join, tooltip=lambda r: ", ".join(r.themes)),
        Column("Districts", lambda r: r.districts, display=", ".join, tooltip=lambda r: ", ".join(r.districts)),
    ]
    return columns


def strand_table_model(years: Iterable[int], parent=None) -> RecordTableModel[StrandRow]:
    return RecordTableModel(strand_columns(years), parent)


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
