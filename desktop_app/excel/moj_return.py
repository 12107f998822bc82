"""The MoJ return workbook: the period's totals, who delivered them, and every figure behind them.

Sheets, in order: **Summary** (one row per measure: label and total, under the period, when it
was made, what is missing or unverified, and whether the figures are the synthetic demo; then
the cope and recover outcomes, each rate beside its two counts, and a table per breakdown, per
quarter and for the period),
**Providers**, **Strands** (with allocations per financial year), **Returns** (strand ×
quarter, every measure a column, with its status), **Completeness** (strand × quarter states),
**Indicators** (each Police and Crime Plan indicator: latest, baseline, status), **Data** (tidy,
one row per strand × quarter × reported measure, for pivoting) and **Notes** (officers' notes).

This module holds the plain data (`MojReturnData`) the services hand over; `moj_return_sheets`
writes it through `excel.writer` (formula-safe text, styled frozen headers, filters, number
formats, widths, properties, atomic save).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from desktop_app.excel.finance_sheet import FinanceSheetData, SignOff
from desktop_app.excel.indicator_pack import PackIndicator

__all__ = [
    "COMPLETENESS_STATES",
    "DATA_HEADERS",
    "DEMO_WORDS",
    "SHEET_NAMES",
    "MojBreakdownRow",
    "MojBreakdownTable",
    "MojCompleteness",
    "MojDataRow",
    "MojMeasure",
    "MojNote",
    "MojOutcome",
    "MojProvider",
    "MojReturn",
    "MojReturnData",
    "MojStrand",
    "Progress",
]

SHEET_NAMES = ("Summary", "Providers", "Strands", "Returns", "Completeness", "Indicators", "Data", "Notes")
# The tidy sheet's columns, exactly: scripts and pivot tables rely on these names.
DATA_HEADERS = (
    "financial_year", "quarter", "provider", "strand_ref", "strand", "measure_key", "measure_label",
    "breakdown", "category", "value",
)
DEMO_WORDS = "Synthetic demo data — not real figures"

# A strand × quarter cell of the completeness matrix: its key and the words on the sheet.
COMPLETENESS_STATES = {
    "not_running": "Not running",
    "not_due": "Not due yet",
    "missing": "Not received",
    "overdue": "Overdue",
    "draft": "Draft",
    "submitted": "Submitted",
    "verified": "Verified",
    "locked": "Locked",
}

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class MojMeasure:
    key: str
    label: str
    total: int


@dataclass(frozen=True)
class MojProvider:
    name: str
    organisation_type: str
    scope: str
    charity_number: str | None
    company_number: str | None
    districts: str
    active: bool
    strands: int  # strands running in the period
    returns_counted: int


@dataclass(frozen=True)
class MojStrand:
    reference: str
    name: str
    provider: str
    funding_stream: str
    service_category: str
    agreement_type: str
    start_date: dt.date
    end_date: dt.date | None
    # Financial year label ("2022/23") -> pence; a year with no allocation is left out.
    allocations: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class MojReturn:
    """One strand's return for one quarter of the period, counted in the totals or not."""

    provider: str
    strand_ref: str
    strand: str
    quarter: str  # "Q1"
    status: str  # as officers read it: "Verified"
    counted: bool
    received_date: dt.date | None
    # Measure key -> value; a measure not collected has no key (not collected is not 0).
    values: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class MojCompleteness:
    provider: str
    strand_ref: str
    strand: str
    states: tuple[str, ...]  # keys of COMPLETENESS_STATES, one per quarter of the period


@dataclass(frozen=True)
class MojDataRow:
    financial_year: str
    quarter: str
    provider: str
    strand_ref: str
    strand: str
    measure_key: str
    measure_label: str
    value: int
    # A breakdown's row names the breakdown and category; a total's row leaves both blank, so
    # one row is always one figure and totals are the rows with no breakdown.
    breakdown: str = ""
    category: str = ""


@dataclass(frozen=True)
class MojOutcome:
    """A cope and recover outcome over the period: the two counts; the rate is worked out when written."""

    name: str  # "feel safer"
    measured: int
    improved: int


@dataclass(frozen=True)
class MojBreakdownRow:
    label: str
    values: tuple[int, ...]  # one per column of the table
    group: bool = False  # a roll-up (ethnicity's five groups) over the indented rows below it
    indented: bool = False


@dataclass(frozen=True)
class MojBreakdownTable:
    """A measure's total by one list, per quarter and for the period; the rows add up to the
    measure's total in every column ("Not known" counts what returns left unbroken-down)."""

    title: str  # "Victims supported by sex"
    columns: tuple[str, ...]  # "Q1" ... "Q4", "2023/24"
    rows: tuple[MojBreakdownRow, ...]
    totals: tuple[int, ...]  # the measure's total per column
    not_broken_down: tuple[int, ...]  # of "Not known", per column, victims given no category
    over: tuple[int, ...] = ()  # categories beyond their returns' totals, per column


@dataclass(frozen=True)
class MojNote:
    provider: str
    strand_ref: str
    strand: str
    quarter: str
    measure: str  # the measure's label; "" for a note on the whole return
    value: int | None
    note: str


@dataclass(frozen=True)
class MojReturnData:
    """Everything the workbook shows, gathered by the services in one read."""

    period_label: str
    period_start: dt.date
    period_end: dt.date
    financial_year: str
    quarter_labels: tuple[str, ...]
    generated_at: dt.datetime
    is_demo: bool
    include_unverified: bool
    measures: tuple[MojMeasure, ...]
    returns_counted: int
    returns_unverified: int
    returns_missing: int
    rule_breaches: int
    providers: tuple[MojProvider, ...]
    strands: tuple[MojStrand, ...]
    allocation_years: tuple[str, ...]
    returns: tuple[MojReturn, ...]
    completeness: tuple[MojCompleteness, ...]
    indicators: tuple[PackIndicator, ...]
    data_rows: tuple[MojDataRow, ...]
    notes: tuple[MojNote, ...]
    # A six-monthly return adds a Finance sheet per funding stream, and a final one the CFO's sign-off.
    finance: tuple[FinanceSheetData, ...] = ()
    sign_off: SignOff | None = None
    outcomes: tuple[MojOutcome, ...] = ()
    breakdown_tables: tuple[MojBreakdownTable, ...] = ()
    # Titles of the measures' breakdowns no return of the period gave ("Victims supported by sex").
    breakdowns_not_given: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return f"MoJ victims' services return {self.period_label}"
