"""The Finance page's tables: streams and their lines, strands with claims by quarter, claims."""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.core.money import format_pence
from desktop_app.core.wording import format_date
from desktop_app.services.finance import FLAG_SHORT, FLAG_WORDS, ClaimRow, FinanceFigures, FinanceReport, StrandFinance
from desktop_app.ui.table_model import Column

# The colours carry no meaning alone: the words in the flags column say the same.
FLAG_COLOUR = "#9c5700"
OVER_COLOUR = "#b00020"


@dataclass(frozen=True)
class FundsRow:
    """A stream, or one of its ring-fenced lines (indented), with its figures and flags."""

    level: str  # "Stream" or "Line"
    name: str
    figures: FinanceFigures
    flags: tuple[str, ...]
    stream_id: int


def funds_rows(report: FinanceReport) -> list[FundsRow]:
    rows = []
    for stream in report.streams:
        rows.append(FundsRow("Stream", stream.name, stream.figures, stream.flags, stream.id))
        rows += [FundsRow("Line", f"    {line.name}", line.figures, line.flags, stream.id) for line in stream.lines]
    return rows


def _pounds(pence: int) -> str:
    return format_pence(pence, show_pence=False)


def variance_text(pence: int) -> str:
    if pence > 0:
        return f"{_pounds(pence)} under"
    if pence < 0:
        return f"{_pounds(-pence)} over"
    return "on budget"


def _flag_words(flags: tuple[str, ...]) -> str:
    return "; ".join(FLAG_WORDS.get(f, f) for f in flags)


def _variance_colour(pence: int, flags: tuple[str, ...]) -> str | None:
    if pence < 0:
        return OVER_COLOUR
    return FLAG_COLOUR if "underspend" in flags else None


def _money(title: str, get) -> Column:
    return Column(title, get, display=_pounds, numeric=True)


FUNDS_COLUMNS: list[Column[FundsRow]] = [
    Column("Stream or line", lambda r: r.name, tooltip=lambda r: r.name.strip()),
    _money("Budget", lambda r: r.figures.budget_pence),
    _money("Allocated", lambda r: r.figures.allocated_pence),
    _money("Claimed", lambda r: r.figures.claimed_pence),
    _money("Paid", lambda r: r.figures.paid_pence),
    _money("Forecast outturn", lambda r: r.figures.forecast_pence),
    Column(
        "Variance", lambda r: r.figures.variance_pence, display=variance_text, numeric=True,
        foreground=lambda r: _variance_colour(r.figures.variance_pence, r.flags),
    ),
    Column("Flags", lambda r: _flag_words(r.flags), tooltip=lambda r: _flag_words(r.flags)),
]


def strand_columns(quarters: tuple[int, ...]) -> list[Column[StrandFinance]]:
    """Who, any flag (short; the full words in its tooltip), then the money, then the source."""
    columns: list[Column[StrandFinance]] = [
        Column("Reference", lambda s: s.reference),
        Column("Strand", lambda s: s.name, tooltip=lambda s: f"{s.name} ({s.provider})"),
        Column(
            "Flags", lambda s: ", ".join(FLAG_SHORT.get(f, f) for f in s.flags), tooltip=lambda s: _flag_words(s.flags),
            foreground=lambda s: FLAG_COLOUR if s.flags else None,
        ),
        _money("Allocated", lambda s: s.figures.allocated_pence),
    ]
    columns += [_money(f"Q{q}", lambda s, q=q: s.claims_by_quarter.get(q)) for q in quarters]
    columns += [
        _money("Paid", lambda s: s.figures.paid_pence),
        _money("Forecast outturn", lambda s: s.figures.forecast_pence),
        Column(
            "Variance", lambda s: s.figures.variance_pence, display=variance_text, numeric=True,
            foreground=lambda s: _variance_colour(s.figures.variance_pence, s.flags),
        ),
        Column("Funded from", lambda s: s.funded_from, tooltip=lambda s: s.funded_from),
    ]
    return columns


CLAIM_COLUMNS: list[Column[ClaimRow]] = [
    Column("Reference", lambda c: c.strand_ref),
    Column("Strand", lambda c: c.strand_name, tooltip=lambda c: f"{c.strand_name} ({c.provider})"),
    Column("Quarter", lambda c: c.quarter.label),
    Column("Dated", lambda c: c.claim_date, display=format_date),
    Column("Claimed", lambda c: c.amount_pence, display=format_pence, numeric=True),
    Column("Status", lambda c: c.status.label),
    Column("Paid", lambda c: c.paid_pence, display=format_pence, numeric=True),
    Column("Forecast rest of year", lambda c: c.forecast_remaining_pence, display=format_pence, numeric=True),
    Column(
        "Flags", lambda c: "; ".join(c.flags), tooltip=lambda c: "; ".join(c.flags),
        foreground=lambda c: OVER_COLOUR if c.withheld else None,
    ),
]
