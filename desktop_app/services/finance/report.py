"""The finance position of a year (or up to the end of one half): per stream, line and strand.

Budget, allocated, claimed and paid to date, the forecast outturn (what has been claimed plus the
provider's latest forecast for the rest of the year; the allocation while nothing is claimed), and
the variance (budget less forecast: positive is an underspend). A forecast underspend beyond the
tolerance setting is flagged so it can be reported early. No carry-over: every figure is of this
year alone, whatever was left of the last one.

Everything is added up in SQL (a handful of grouped queries whatever the size of the database),
so a year's report on a large database stays quick.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from desktop_app.core.money import format_pence
from desktop_app.core.periods import FinancialYear, HalfYear
from desktop_app.core.vocabulary import ClaimStatus, ReturnStatus
from desktop_app.core.wording import format_date, plural
from desktop_app.services.finance.claims import CategoryRow, read_categories
from desktop_app.services.finance.settings import finance_settings, half_due_date
from desktop_app.store.database import Database
from desktop_app.store.models import (
    Allocation,
    Budget,
    Claim,
    ClaimLine,
    ExpenditureCategory,
    FundingLine,
    FundingStream,
    LineBudget,
    Payment,
    Provider,
    Return,
    ReturnPeriod,
    Strand,
)

__all__ = [
    "FLAG_SHORT",
    "FLAG_WORDS",
    "FinanceFigures",
    "FinanceReport",
    "LineFinance",
    "StrandFinance",
    "StreamFinance",
    "finance_json",
    "finance_report",
    "finance_text",
    "variance_words",
]

# A flag's key (in the JSON) and the words the page, the text report and the workbook use.
# Short words for a table cell; the full words above are its tooltip.
FLAG_SHORT = {
    "underspend": "Underspend",
    "overspend": "Overspend",
    "payment_withheld": "Payment withheld",
    "over_allocation": "Over allocation",
    "claim_queried": "Queried",
}
FLAG_WORDS = {
    "underspend": "forecast underspend beyond the tolerance: give the funder early notice",
    "overspend": "forecast overspend",
    "payment_withheld": "payment withheld until the return is in",
    "over_allocation": "claimed more than the allocation",
    "claim_queried": "a claim is queried",
}
_RETURN_IN = (ReturnStatus.SUBMITTED, ReturnStatus.VERIFIED, ReturnStatus.LOCKED)


@dataclass(frozen=True)
class FinanceFigures:
    """Pence: the budget (a strand's is its allocation), allocated, claimed, paid and forecast outturn."""

    budget_pence: int
    allocated_pence: int
    claimed_pence: int
    paid_pence: int
    forecast_pence: int

    @property
    def variance_pence(self) -> int:
        """Budget less forecast outturn: positive is a projected underspend, negative an overspend."""
        return self.budget_pence - self.forecast_pence

    def flags(self, tolerance_pct: int) -> list[str]:
        found = []
        # Whole-number arithmetic: 5 % of £1,234.56 is compared without rounding.
        if self.variance_pence > 0 and self.variance_pence * 100 > tolerance_pct * self.budget_pence:
            found.append("underspend")
        if self.variance_pence < 0:
            found.append("overspend")
        return found


def _add(parts: list[FinanceFigures], budget: int) -> FinanceFigures:
    return FinanceFigures(
        budget_pence=budget,
        allocated_pence=sum(p.allocated_pence for p in parts),
        claimed_pence=sum(p.claimed_pence for p in parts),
        paid_pence=sum(p.paid_pence for p in parts),
        forecast_pence=sum(p.forecast_pence for p in parts),
    )


@dataclass(frozen=True)
class StrandFinance:
    reference: str
    name: str
    provider: str
    stream_key: str
    line_key: str | None
    figures: FinanceFigures
    flags: tuple[str, ...]
    claims_by_quarter: dict[int, int] = field(hash=False)  # quarter number -> pence claimed
    funded_from: str = ""  # the line's name, or the stream's when the strand has no line
    strand_id: int = 0
    stream_id: int = 0
    line_id: int | None = None


@dataclass(frozen=True)
class LineFinance:
    key: str
    name: str
    figures: FinanceFigures
    flags: tuple[str, ...]


@dataclass(frozen=True)
class StreamFinance:
    key: str
    name: str
    figures: FinanceFigures
    flags: tuple[str, ...]
    lines: tuple[LineFinance, ...]
    # Expenditure category key -> pence claimed in the period, in the categories' order.
    by_category: dict[str, int] = field(hash=False)
    id: int = 0


@dataclass(frozen=True)
class FinanceReport:
    year: FinancialYear
    half: HalfYear | None  # figures to the end of this half; None: the whole year
    tolerance_pct: int
    due_date: dt.date | None  # the half's monitoring return due date (dt.date), None for a year
    categories: tuple[CategoryRow, ...]
    streams: tuple[StreamFinance, ...]
    strands: tuple[StrandFinance, ...]

    @property
    def label(self) -> str:
        return self.half.label if self.half is not None else self.year.label


def _stream_key(key: str | None, stream_id: int) -> str:
    return key or f"stream-{stream_id}"


def _read(session: Session, year: FinancialYear, last_quarter: int) -> dict:
    y = year.start_year
    in_range = and_(ReturnPeriod.financial_year == y, ReturnPeriod.quarter <= last_quarter)
    streams = session.execute(
        select(FundingStream.id, FundingStream.key, FundingStream.name)
        .where(
            or_(
                and_(FundingStream.start_date <= year.end, FundingStream.end_date >= year.start),
                FundingStream.id.in_(select(Budget.funding_stream_id).where(Budget.financial_year == y)),
            )
        )
        .order_by(FundingStream.name)
    ).all()
    budgets = dict(
        session.execute(select(Budget.funding_stream_id, Budget.amount_pence).where(Budget.financial_year == y)).all()
    )
    lines = session.execute(
        select(FundingLine.id, FundingLine.funding_stream_id, FundingLine.key, FundingLine.name).order_by(FundingLine.name)
    ).all()
    line_budgets = dict(
        session.execute(select(LineBudget.funding_line_id, LineBudget.amount_pence).where(LineBudget.financial_year == y)).all()
    )
    strands = session.execute(
        select(
            Strand.id, Strand.reference, Strand.name, Provider.name, Strand.funding_stream_id,
            Strand.funding_line_id, Allocation.amount_pence,
        )
        .join(Provider, Provider.id == Strand.provider_id)
        .outerjoin(Allocation, and_(Allocation.strand_id == Strand.id, Allocation.financial_year == y))
        .where(
            or_(
                Allocation.id.is_not(None),
                Strand.id.in_(select(Claim.strand_id).join(Claim.period).where(ReturnPeriod.financial_year == y)),
            )
        )
        .order_by(Strand.reference)
    ).all()
    claims = session.execute(
        select(Claim.strand_id, ReturnPeriod.quarter, Claim.amount_pence, Claim.forecast_remaining_pence, Claim.status, Claim.id)
        .join(Claim.period)
        .where(in_range)
    ).all()
    paid = dict(
        session.execute(
            select(Payment.claim_id, func.sum(Payment.amount_pence))
            .join(Payment.claim)
            .join(Claim.period)
            .where(in_range)
            .group_by(Payment.claim_id)
        ).all()
    )
    by_category = session.execute(
        select(Strand.funding_stream_id, ExpenditureCategory.key, func.sum(ClaimLine.amount_pence))
        .join(ClaimLine.claim)
        .join(ClaimLine.category)
        .join(Claim.strand)
        .join(Claim.period)
        .where(in_range)
        .group_by(Strand.funding_stream_id, ExpenditureCategory.key)
    ).all()
    returns_in = set(
        session.execute(
            select(Return.strand_id, ReturnPeriod.quarter)
            .join(Return.period)
            .where(in_range, Return.status.in_(_RETURN_IN))
        ).all()
    )
    return {
        "streams": streams, "budgets": budgets, "lines": lines, "line_budgets": line_budgets,
        "strands": strands, "claims": claims, "paid": paid, "by_category": by_category,
        "returns_in": returns_in, "categories": read_categories(session),
    }


def finance_report(db: Database, year: FinancialYear, half: HalfYear | None = None) -> FinanceReport:
    """The finance position of `year`, or as at the end of `half` (claims of its quarters and before)."""
    if half is not None and half.year != year:
        raise ValueError(f"{half.label} is not a half of {year.label}")
    settings = finance_settings(db)
    last_quarter = 2 if half is not None and half.number == 1 else 4
    with db.reading() as session:
        found = _read(session, year, last_quarter)
    tolerance = settings.tolerance_pct

    claims_of: dict[int, list] = defaultdict(list)
    for strand_id, quarter, amount, forecast, status, claim_id in found["claims"]:
        claims_of[strand_id].append((quarter, amount, forecast, status, claim_id))
    stream_keys = {sid: _stream_key(key, sid) for sid, key, _name in found["streams"]}
    line_info = {lid: (sid, key, name) for lid, sid, key, name in found["lines"]}
    stream_names = {sid: name for sid, _key, name in found["streams"]}

    strands: list[StrandFinance] = []
    for strand_id, reference, name, provider, stream_id, line_id, allocated in found["strands"]:
        allocated = int(allocated or 0)
        own = sorted(claims_of.get(strand_id, []))
        claimed = sum(c[1] for c in own)
        paid = sum(int(found["paid"].get(c[4]) or 0) for c in own)
        # The latest claim's forecast for the rest of the year; with no claim yet, the allocation.
        forecast = claimed + own[-1][2] if own else allocated
        figures = FinanceFigures(allocated, allocated, claimed, paid, forecast)
        flags = figures.flags(tolerance) if own else []
        if any((strand_id, c[0]) not in found["returns_in"] and int(found["paid"].get(c[4]) or 0) < c[1] for c in own):
            flags.append("payment_withheld")
        if claimed > allocated:
            flags.append("over_allocation")
        if any(c[3] is ClaimStatus.QUERIED for c in own):
            flags.append("claim_queried")
        strands.append(
            StrandFinance(
                reference=reference, name=name, provider=provider,
                stream_key=stream_keys.get(stream_id, _stream_key(None, stream_id)),
                line_key=line_info[line_id][1] if line_id in line_info else None,
                figures=figures, flags=tuple(flags),
                claims_by_quarter={c[0]: c[1] for c in own},
                funded_from=line_info[line_id][2] if line_id in line_info else stream_names.get(stream_id, ""),
                strand_id=strand_id, stream_id=stream_id, line_id=line_id,
            )
        )

    category_keys = list(found["categories"])
    categories_of: dict[int, dict[str, int]] = defaultdict(dict)
    for stream_id, key, pence in found["by_category"]:
        categories_of[stream_id][key] = int(pence or 0)
    streams: list[StreamFinance] = []
    for stream_id, _key, stream_name in found["streams"]:
        members = [s for s in strands if s.stream_id == stream_id]
        line_rows = []
        for line_id, (owner, line_key, line_name) in line_info.items():
            if owner != stream_id:
                continue
            parts = [s.figures for s in members if s.line_id == line_id]
            figures = _add(parts, int(found["line_budgets"].get(line_id) or 0))
            line_rows.append(LineFinance(line_key, line_name, figures, tuple(figures.flags(tolerance))))
        figures = _add([s.figures for s in members], int(found["budgets"].get(stream_id) or 0))
        spent = categories_of[stream_id]
        streams.append(
            StreamFinance(
                key=stream_keys[stream_id], name=stream_name, figures=figures,
                flags=tuple(figures.flags(tolerance)), lines=tuple(line_rows),
                by_category={key: spent.get(key, 0) for key in category_keys},
                id=stream_id,
            )
        )
    return FinanceReport(
        year=year,
        half=half,
        tolerance_pct=tolerance,
        due_date=half_due_date(half, settings.half_due[half.number]) if half is not None else None,
        categories=tuple(CategoryRow(key, name) for key, (_id, name) in found["categories"].items()),
        streams=tuple(streams),
        strands=tuple(strands),
    )


# ---------------------------------------------------------------- output


def _figures_json(figures: FinanceFigures, *, variance: bool = True) -> dict[str, int]:
    found = {
        "budget_pence": figures.budget_pence,
        "allocated_pence": figures.allocated_pence,
        "claimed_pence": figures.claimed_pence,
        "paid_pence": figures.paid_pence,
        "forecast_pence": figures.forecast_pence,
    }
    if variance:
        found["variance_pence"] = figures.variance_pence
    return found


def finance_json(report: FinanceReport) -> dict:
    """The report as the `finance --format json` output: `streams` (with `lines`) and `strands`."""
    return {
        "streams": [
            {
                "key": s.key,
                "name": s.name,
                **_figures_json(s.figures),
                "lines": [{"key": line.key, "name": line.name, **_figures_json(line.figures)} for line in s.lines],
            }
            for s in report.streams
        ],
        "strands": [
            {
                "reference": s.reference,
                "stream": s.stream_key,
                "line": s.line_key,
                "allocated_pence": s.figures.allocated_pence,
                "claimed_pence": s.figures.claimed_pence,
                "paid_pence": s.figures.paid_pence,
                "forecast_pence": s.figures.forecast_pence,
                "flags": list(s.flags),
            }
            for s in report.strands
        ],
    }


def variance_words(pence: int) -> str:
    """`£1,234.56 under`, `£12.00 over` or `on budget`."""
    if pence > 0:
        return f"{format_pence(pence)} under"
    if pence < 0:
        return f"{format_pence(-pence)} over"
    return "on budget"


def finance_text(report: FinanceReport) -> str:
    """The report for a terminal: each stream and line, then the strands that are flagged."""
    heading = f"Finance {report.label}"
    if report.half is not None:
        heading += f" (claims to {format_date(report.half.end)}; monitoring return due {format_date(report.due_date)})"
    lines = [heading, f"Underspend tolerance {report.tolerance_pct}%.", ""]

    def row(label: str, f: FinanceFigures) -> str:
        return (
            f"{label}: budget {format_pence(f.budget_pence)}, allocated {format_pence(f.allocated_pence)}, "
            f"claimed {format_pence(f.claimed_pence)}, paid {format_pence(f.paid_pence)}, "
            f"forecast {format_pence(f.forecast_pence)} ({variance_words(f.variance_pence)})"
        )

    for stream in report.streams:
        lines.append(row(stream.name, stream.figures))
        lines += [f"  - {FLAG_WORDS[flag]}" for flag in stream.flags]
        for line in stream.lines:
            lines.append("  " + row(line.name, line.figures))
    flagged = [s for s in report.strands if s.flags]
    lines.append("")
    if flagged:
        lines.append(f"{plural(len(flagged), 'strand')} flagged:")
        for strand in flagged:
            lines.append(f"  {strand.reference} {strand.name}: " + "; ".join(FLAG_WORDS[f] for f in strand.flags))
    else:
        lines.append("No strand is flagged.")
    return "\n".join(lines)
