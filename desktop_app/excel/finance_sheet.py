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
from desktop_app.excel.writer import MONEY, Formatted, Styled, add_table_sheet, sheet_title

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
        rows = [_finance_row(r) for r in data.rows]
        # The half's spend by category, under the table (one cell per value, so a streamed
        # workbook can take it too).
        after = [(Styled("Expenditure by category", bold=True), None, None, Styled("Claimed", bold=True))]
        after += [(name, None, None, Formatted(_pounds(pence), MONEY)) for name, pence in data.categories]
        after.append((
            Styled("Total claimed", bold=True), None, None,
            Styled(_pounds(sum(p for _, p in data.categories)), MONEY, bold=True),
        ))
        add_table_sheet(
            workbook, finance_sheet_name(data.stream_key), FINANCE_HEADERS, rows,
            {h: MONEY for h in _MONEY_HEADERS}, intro=intro,
            widths={"Name": 44, "Flags": 60, "Key": 12}, after=after,
        )


def _finance_row(r: FinanceRow) -> tuple:
    # Streams and lines in bold above their strands; an underspend flagged in amber.
    values = (
        r.kind, r.key, r.name, _pounds(r.budget_pence), _pounds(r.allocated_pence), _pounds(r.claimed_pence),
        _pounds(r.paid_pence), _pounds(r.forecast_pence), _pounds(r.variance_pence), r.flags or None,
    )
    bold = r.kind != "Strand"
    cells = [Styled(v, MONEY if i in range(3, 9) else None, bold=True) if bold else v for i, v in enumerate(values)]
    if "underspend" in r.flags:
        cells[-1] = Styled(values[-1], bold=bold, fill=_UNDERSPEND[0], font_rgb=_UNDERSPEND[1])
    return tuple(cells)
