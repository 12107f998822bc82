"""The finance part of the six-monthly grant monitoring return: the Finance sheets' figures.

The figures are the finance report's for the half (claims of its quarters and the ones before),
so the sheets read back reconcile to `finance --year Y --half H --format json` to the penny.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop_app.core.periods import HalfYear
from desktop_app.core.wording import format_date
from desktop_app.services.finance.report import FLAG_WORDS, FinanceFigures, finance_report
from desktop_app.store.database import Database

if TYPE_CHECKING:
    from desktop_app.excel.finance_sheet import FinanceRow, FinanceSheetData

__all__ = ["monitoring_sheets"]


def _row(kind: str, key: str, name: str, figures: FinanceFigures, flags: tuple[str, ...]) -> FinanceRow:
    from desktop_app.excel.finance_sheet import FinanceRow

    return FinanceRow(
        kind=kind, key=key, name=name, budget_pence=figures.budget_pence, allocated_pence=figures.allocated_pence,
        claimed_pence=figures.claimed_pence, paid_pence=figures.paid_pence, forecast_pence=figures.forecast_pence,
        flags="; ".join(FLAG_WORDS[f] for f in flags),
    )


def monitoring_sheets(db: Database, half: HalfYear) -> tuple[FinanceSheetData, ...]:
    """One Finance sheet's data per funding stream running in `half`'s year."""
    from desktop_app.excel.finance_sheet import FinanceSheetData

    report = finance_report(db, half.year, half)
    names = {c.key: c.name for c in report.categories}
    sheets = []
    for stream in report.streams:
        rows = [_row("Stream", stream.key, stream.name, stream.figures, stream.flags)]
        rows += [_row("Line", line.key, line.name, line.figures, line.flags) for line in stream.lines]
        rows += [
            _row("Strand", s.reference, f"{s.name} ({s.provider})", s.figures, s.flags)
            for s in report.strands
            if s.stream_key == stream.key
        ]
        sheets.append(
            FinanceSheetData(
                stream_key=stream.key,
                stream_name=stream.name,
                period_label=half.label,
                due_words=f"Due {format_date(report.due_date)}",
                tolerance_pct=report.tolerance_pct,
                rows=tuple(rows),
                categories=tuple((names[key], pence) for key, pence in stream.by_category.items()),
            )
        )
    return tuple(sheets)
