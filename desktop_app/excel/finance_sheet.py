"""The Finance sheets of the six-monthly monitoring return: one per funding stream.

Each sheet says which stream and half it is and who signed it off as Chief Finance Officer,
then one table: the stream's row, a row per ring-fenced line and a row per strand, each with
budget, allocated, claimed, paid, forecast outturn and variance in pounds (exact: pence / 100)
and its flags in words; under the table, the half's expenditure by category. The first column
says which kind of row it is, so a script or a pivot table can pick the stream's own figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook

from desktop_app.core.wording import date_and_time
from desktop_app.excel.writer import LABEL_FONT, MONEY, add_table_sheet, highlight, sheet_title, write_cell

__all__ = [
    "FINANCE_HEADERS",
    "FinanceRow",
    "FinanceSheetData",
    "SignOff",
    "add_finance_sheets",
    "finance_sheet_name",
    "sign_off_words",
]

FINANCE_HEADERS = (
    "Row", "Key", "Name", "Budget", "Allocated", "Claimed", "Paid", "Forecast outturn", "Variance", "Flags",
)
_MONEY_HEADERS = FINANCE_HEADERS[3:9]
_UNDERSPEND = ("FFEB9C", "9C5700")


@dataclass(frozen=True)
class SignOff:
    """Who signed the return off as the office's Chief Finance Officer, and when (UTC)."""

    name: str
    at: dt.datetime


@dataclass(frozen=True)
class FinanceRow:
    kind: str  # "Stream", "Line" or "Strand"
    key: str
    name: str
    budget_pence: int
    allocated_pence: int
    claimed_pence: int
    paid_pence: int
    forecast_pence: int
    flags: str  # in words, "; " between them

    @property
    def variance_pence(self) -> int:
        return self.budget_pence - self.forecast_pence


@dataclass(frozen=True)
class FinanceSheetData:
    stream_key: str
    stream_name: str
    period_label: str
    due_words: str  # "Due 31 Oct 2024"
    tolerance_pct: int
    rows: tuple[FinanceRow, ...]  # the stream first, then its lines, then its strands
    categories: tuple[tuple[str, int], ...]  # (category name, pence claimed)


def finance_sheet_name(stream_key: str) -> str:
    return sheet_title(f"Finance {stream_key}")


def sign_off_words(sign_off: SignOff | None) -> str:
    if sign_off is None:
        return "Not signed off: a draft, not the return as sent."
    return f"Signed off by {sign_off.name}, Chief Finance Officer, on {date_and_time(sign_off.at)} (UTC)"


def _pounds(pence: int) -> Decimal:
    return Decimal(pence) / 100


def add_finance_sheets(
    workbook: Workbook, sheets: tuple[FinanceSheetData, ...], sign_off: SignOff | None, *, demo_words: str | None
) -> None:
    """One Finance sheet per stream, after the sheets already in `workbook`."""
    for data in sheets:
        intro = [
            f"Grant monitoring: {data.stream_name} — {data.period_label}",
            f"{data.due_words}. An underspend beyond {data.tolerance_pct}% of the budget is flagged; nothing carries over to the next year.",
            sign_off_words(sign_off),
        ]
        if demo_words:
            intro.append(demo_words)
        rows = [
            (
                r.kind, r.key, r.name, _pounds(r.budget_pence), _pounds(r.allocated_pence), _pounds(r.claimed_pence),
                _pounds(r.paid_pence), _pounds(r.forecast_pence), _pounds(r.variance_pence), r.flags or None,
            )
            for r in data.rows
        ]
        sheet = add_table_sheet(
            workbook, finance_sheet_name(data.stream_key), FINANCE_HEADERS, rows,
            {h: MONEY for h in _MONEY_HEADERS}, intro=intro,
            widths={"Name": 44, "Flags": 60, "Key": 12},
        )
        header_row = len(intro) + 2
        for offset, row in enumerate(data.rows, start=1):
            if row.kind != "Strand":
                for column in range(1, len(FINANCE_HEADERS) + 1):
                    sheet.cell(row=header_row + offset, column=column).font = LABEL_FONT
            if "underspend" in row.flags:
                highlight(sheet.cell(row=header_row + offset, column=len(FINANCE_HEADERS)), _UNDERSPEND[0], font_rgb=_UNDERSPEND[1])
        # The half's spend by category, two rows under the table.
        top = header_row + len(data.rows) + 2
        write_cell(sheet, top, 1, "Expenditure by category", font=LABEL_FONT)
        write_cell(sheet, top, 4, "Claimed", font=LABEL_FONT)
        for offset, (name, pence) in enumerate(data.categories, start=1):
            write_cell(sheet, top + offset, 1, name)
            write_cell(sheet, top + offset, 4, _pounds(pence), MONEY)
        total_row = top + len(data.categories) + 1
        write_cell(sheet, total_row, 1, "Total claimed", font=LABEL_FONT)
        write_cell(sheet, total_row, 4, _pounds(sum(p for _, p in data.categories)), MONEY, font=LABEL_FONT)
