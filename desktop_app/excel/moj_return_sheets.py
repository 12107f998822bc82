"""The sheets of the MoJ return workbook, one function each, in the order they appear, and the
writer that builds them (`write_moj_return_workbook`).

Each takes the workbook and the plain `MojReturnData` (`excel.moj_return`); `BUILDERS` lists
them so the writer can report progress and honour a cancel between sheets. The Indicators sheet borrows the indicator
pack's row and status colours, so an indicator reads the same in both workbooks.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from desktop_app.core.numbers import format_count
from desktop_app.core.wording import date_and_time, format_date, noun, plural
from desktop_app.excel.finance_sheet import add_finance_sheets, sign_off_words
from desktop_app.excel.indicator_pack import STATUS_COLOURS as INDICATOR_COLOURS
from desktop_app.excel.indicator_pack import INDICATOR_HEADERS
from desktop_app.excel.indicator_pack import indicator_row
from desktop_app.excel.moj_return import (
    COMPLETENESS_STATES,
    DATA_HEADERS,
    DEMO_WORDS,
    MojReturnData,
    Progress,
)
from desktop_app.excel.writer import (
    COUNT,
    DATE,
    MONEY,
    PERCENT,
    Formatted,
    Styled,
    add_table_sheet,
    discard,
    new_workbook,
    save_atomically,
    set_properties,
)

__all__ = ["BUILDERS", "summary_intro", "write_moj_return_workbook"]

# Excel's own Good / Neutral / Bad cell colours (fill, font), which readers of council papers know.
_GOOD, _NEUTRAL, _BAD = ("C6EFCE", "006100"), ("FFEB9C", "9C5700"), ("FFC7CE", "9C0006")
_STATE_COLOURS = {
    "missing": _BAD, "overdue": _BAD, "draft": _NEUTRAL, "submitted": _NEUTRAL,
    "verified": _GOOD, "locked": _GOOD, "not_running": ("EDEDED", "7F7F7F"),
}
_WIDE = {"Provider": 34, "Strand": 40, "Note": 70, "Indicator": 48, "Priority": 34}


def _counting_lines(data: MojReturnData) -> list[str]:
    def returns(n: int) -> str:
        return plural(n, "return")

    lines = []
    if data.include_unverified:
        lines.append(
            f"Totals include {returns(data.returns_unverified)} not yet verified "
            f"({returns(data.returns_counted)} counted in all)."
        )
    else:
        lines.append(f"Totals count {returns(data.returns_counted)}, all verified or locked.")
        if data.returns_unverified:
            verb = noun(data.returns_unverified, "is", "are")
            lines.append(f"{returns(data.returns_unverified)} not yet verified {verb} left out of these totals.")
    if data.returns_missing:
        verb = noun(data.returns_missing, "has", "have")
        lines.append(f"{returns(data.returns_missing)} for the period {verb} not been received.")
    else:
        lines.append("Every return expected for the period has been received.")
    if data.rule_breaches:
        count = data.rule_breaches
        lines.append(
            f"Counted returns hold {plural(count, 'measure-rule breach', 'measure-rule breaches')}: "
            "check them before sending (the Exports page and the check command list them)."
        )
    return lines


def summary_intro(data: MojReturnData) -> list[str]:
    """The lines above the Summary table: what, when, how complete, and whether it is real."""
    lines = [
        data.title,
        f"Period: {data.period_label} ({format_date(data.period_start)} to {format_date(data.period_end)})",
        f"Generated {date_and_time(data.generated_at)} by Commissioning Desk",
        *_counting_lines(data),
    ]
    if data.finance or data.sign_off is not None:
        # A six-monthly return says whether the Chief Finance Officer has signed it off.
        lines.append(sign_off_words(data.sign_off))
    if data.is_demo:
        lines.append(DEMO_WORDS)
    return lines


def _demo_intro(data: MojReturnData, title: str) -> list[str]:
    # Every sheet can be printed or copied alone, so each says what it is and for when.
    lines = [f"{title} — {data.period_label}"]
    if data.is_demo:
        lines.append(DEMO_WORDS)
    return lines


# Summary prints portrait on A4: a label column and five of figures (a year's four quarters and
# the year) fit 716 of the 717 pixels across at 100%; long labels wrap in the first column.
_SUMMARY_WIDTHS = {"Measure": 40, "Total": 14, 3: 11, 4: 11, 5: 11, 6: 11}


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _outcome_rows(data: MojReturnData) -> list[tuple]:
    if not data.outcomes:
        return []
    rows: list[tuple] = [(
        Styled("Cope and recover outcomes (victims leaving the services)", heading=True),
        Styled("Measured", heading=True, right=True), Styled("Improved", heading=True, right=True),
        Styled("Improved (%)", heading=True, right=True),
    )]
    for outcome in data.outcomes:
        # The rate is worked out here, from the two counts beside it; it is never stored.
        rate = Formatted(outcome.improved / outcome.measured, PERCENT) if outcome.measured else "not measured"
        rows.append((
            Styled(_capital(outcome.name), wrap=True),
            Formatted(outcome.measured, COUNT), Formatted(outcome.improved, COUNT), rate,
        ))
    return rows


def _breakdown_rows(data: MojReturnData) -> list[tuple]:
    rows: list[tuple] = []
    for table in data.breakdown_tables:
        if rows:
            rows.append(())
        rows.append((Styled(table.title, heading=True), *(Styled(c, heading=True, right=True) for c in table.columns)))
        for row in table.rows:
            label = Styled(row.label, bold=row.group, wrap=True, indent=1 if row.indented else 0)
            rows.append((label, *(Styled(v, COUNT, bold=row.group) for v in row.values)))
        rows.append((Styled("Total", bold=True), *(Styled(v, COUNT, bold=True) for v in table.totals)))
        if any(table.not_broken_down):
            rows.append((Styled(
                f"Not known includes {format_count(table.not_broken_down[-1])} victims of returns that gave "
                "no breakdown, or one short of their total.", wrap=True,
            ),))
        if any(table.over):
            rows.append((Styled(
                f"The categories add up to {format_count(table.over[-1])} more than the total: "
                "run check to list the returns, and correct them before sending.", wrap=True, bold=True,
            ),))
    if data.breakdowns_not_given:
        if rows:
            rows.append(())
        titles = "; ".join(data.breakdowns_not_given)
        rows.append((Styled(f"No return of the period gave these breakdowns: {titles}.", wrap=True),))
    return rows


def summary_sheet(workbook: Workbook, data: MojReturnData) -> None:
    outcomes = _outcome_rows(data)
    breakdowns = _breakdown_rows(data)
    add_table_sheet(
        workbook,
        "Summary",
        ("Measure", "Total"),
        ((Styled(m.label, wrap=True), m.total) for m in data.measures),
        {"Total": COUNT},
        intro=summary_intro(data),
        widths=_SUMMARY_WIDTHS,
        after=outcomes + ([()] if outcomes and breakdowns else []) + breakdowns,
    )


def providers_sheet(workbook: Workbook, data: MojReturnData) -> None:
    headers = (
        "Provider", "Type", "Scope", "Charity number", "Company number", "Districts", "Active",
        "Strands in period", "Returns counted",
    )
    rows = (
        (
            p.name, p.organisation_type, p.scope, p.charity_number, p.company_number,
            p.districts or None, "Yes" if p.active else "No", p.strands, p.returns_counted,
        )
        for p in data.providers
    )
    add_table_sheet(
        workbook, "Providers", headers, rows,
        {"Strands in period": COUNT, "Returns counted": COUNT},
        intro=_demo_intro(data, "Providers with strands running in the period"),
        widths={"Provider": 40, "Districts": 40},
    )


def _pounds(pence: int | None) -> Decimal | None:
    # Exact: pence are whole numbers, so dividing a Decimal by 100 never rounds.
    return None if pence is None else Decimal(pence) / 100


def strands_sheet(workbook: Workbook, data: MojReturnData) -> None:
    allocation_headers = tuple(f"Allocation {year}" for year in data.allocation_years)
    headers = (
        "Strand ref", "Strand", "Provider", "Funding stream", "Service category", "Agreement",
        "Start", "End", *allocation_headers,
    )
    rows = (
        (
            s.reference, s.name, s.provider, s.funding_stream, s.service_category, s.agreement_type,
            s.start_date, s.end_date, *(_pounds(s.allocations.get(y)) for y in data.allocation_years),
        )
        for s in data.strands
    )
    formats = {"Start": DATE, "End": DATE} | {h: MONEY for h in allocation_headers}
    add_table_sheet(
        workbook, "Strands", headers, rows, formats,
        intro=_demo_intro(data, "Strands of provision running in the period, with their allocations"),
        widths=_WIDE,
    )


def returns_sheet(workbook: Workbook, data: MojReturnData) -> None:
    labels = tuple(m.label for m in data.measures)
    headers = ("Provider", "Strand ref", "Strand", "Quarter", "Status", "Counted", "Received", *labels)
    rows = (
        (
            r.provider, r.strand_ref, r.strand, r.quarter, r.status, "Yes" if r.counted else "No",
            r.received_date, *(r.values.get(m.key) for m in data.measures),
        )
        for r in data.returns
    )
    add_table_sheet(
        workbook, "Returns", headers, rows,
        {"Received": DATE} | {label: COUNT for label in labels},
        intro=_demo_intro(data, "Every return of the period (a blank figure was not collected)"),
        widths=_WIDE,
    )


def completeness_sheet(workbook: Workbook, data: MojReturnData) -> None:
    headers = ("Provider", "Strand ref", "Strand", *data.quarter_labels)
    def state(key: str) -> Styled:
        fill, font = _STATE_COLOURS[key]
        return Styled(COMPLETENESS_STATES[key], fill=fill, font_rgb=font)

    rows = [(c.provider, c.strand_ref, c.strand, *(state(s) for s in c.states)) for c in data.completeness]
    intro = _demo_intro(data, "Which returns have arrived, strand by quarter")
    add_table_sheet(
        workbook, "Completeness", headers, rows, intro=intro,
        widths=_WIDE | {q: 14 for q in data.quarter_labels},
    )


def indicators_sheet(workbook: Workbook, data: MojReturnData) -> None:
    intro = [f"Police and Crime Plan indicators: latest reading against baseline, as at {format_date(data.generated_at)}"]
    if data.is_demo:
        intro.append(DEMO_WORDS)
    status_column = INDICATOR_HEADERS.index("Status")

    def row(item) -> tuple:
        cells = list(indicator_row(item))
        colours = INDICATOR_COLOURS.get(item.status)
        if colours is not None:
            cells[status_column] = Styled(cells[status_column], fill=colours[0], font_rgb=colours[1], bold=True)
        return tuple(cells)

    add_table_sheet(
        workbook, "Indicators", INDICATOR_HEADERS, (row(i) for i in data.indicators), intro=intro, widths=_WIDE,
    )


def data_sheet(workbook: Workbook, data: MojReturnData) -> None:
    # No lines above the header: the table starts at A1 so a pivot table or a script reads it as is.
    rows = (
        (d.financial_year, d.quarter, d.provider, d.strand_ref, d.strand, d.measure_key, d.measure_label,
         d.breakdown, d.category, d.value)
        for d in data.data_rows
    )
    add_table_sheet(workbook, "Data", DATA_HEADERS, rows, {"value": COUNT}, widths={"provider": 34, "strand": 40})


def notes_sheet(workbook: Workbook, data: MojReturnData) -> None:
    headers = ("Provider", "Strand ref", "Strand", "Quarter", "Measure", "Value", "Note")
    rows = (
        (n.provider, n.strand_ref, n.strand, n.quarter, n.measure or "(whole return)", n.value, n.note)
        for n in data.notes
    )
    intro = _demo_intro(data, "Officers' notes on the period's returns")
    if not data.notes:
        intro.append("No notes were left on the period's returns.")
    add_table_sheet(workbook, "Notes", headers, rows, {"Value": COUNT}, intro=intro, widths=_WIDE)


def finance_sheets(workbook: Workbook, data: MojReturnData) -> None:
    add_finance_sheets(workbook, data.finance, data.sign_off, demo_words=DEMO_WORDS if data.is_demo else None)


BUILDERS: tuple[tuple[str, Callable[[Workbook, MojReturnData], None]], ...] = (
    ("Summary", summary_sheet),
    ("Providers", providers_sheet),
    ("Strands", strands_sheet),
    ("Returns", returns_sheet),
    ("Completeness", completeness_sheet),
    ("Indicators", indicators_sheet),
    ("Data", data_sheet),
    ("Notes", notes_sheet),
    ("Finance", finance_sheets),
)


def write_moj_return_workbook(
    data: MojReturnData,
    target: Path | str,
    *,
    progress: Progress | None = None,
    checkpoint: Callable[[], None] | None = None,
) -> Path:
    """Write the workbook to `target` (.xlsx) atomically; returns the path written.

    `progress(fraction, text)` is told before each sheet and before saving, just after
    `checkpoint()`, which stops the work by raising (the services raise their `Cancelled`
    there when the officer cancels); nothing is saved then. A target that cannot
    be written raises `excel.writer.WorkbookWriteError`, leaving any existing file as it was.
    """
    def step(fraction: float, text: str) -> None:
        # Checked between sheets: each takes a moment, so a cancel is honoured quickly.
        if checkpoint is not None:
            checkpoint()
        if progress is not None:
            progress(fraction, text)

    # Streamed (write-only): every sheet is a table written whole, laid out for print as it goes.
    workbook = new_workbook(write_only=True)
    try:
        # The Finance sheets belong to six-monthly returns only.
        builders = [b for b in BUILDERS if b[0] != "Finance" or data.finance]
        for number, (name, build) in enumerate(builders):
            step(number / (len(builders) + 1), f"Writing the {name} sheet")
            build(workbook, data)
        step(len(builders) / (len(builders) + 1), "Saving the workbook")
        set_properties(
            workbook,
            data.title,
            f"Victims' services outputs for {data.period_label}: totals per measure and every figure behind them",
            description=DEMO_WORDS if data.is_demo else None,
        )
        written = save_atomically(workbook, target)
    except BaseException:
        discard(workbook)
        raise
    if progress is not None:
        progress(1.0, "Saved")
    return written
