"""The year's summary: each measure's total over the year's returns, as the Panel report says it,
then the cope and recover outcomes (each rate with both of its counts) and the breakdowns of the
measures that carry them (categories in the catalogue's order, "not known" last, adding up to
the measure's total: see core/breakdown_totals.py).

The text is published (it goes into the Police and Crime Panel's papers), so a total below the
small-number threshold (the `small_number_threshold` setting, default 5) is printed as "fewer
than 5" and the text says so; the json and the MoJ workbook keep exact figures.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from desktop_app.core.breakdown_totals import BreakdownSum, add_up_breakdown, categories_in_order
from desktop_app.core.numbers import format_count
from desktop_app.core.outcomes import OutcomeRate, outcome_rates
from desktop_app.core.periods import FinancialYear
from desktop_app.core.suppression import (
    DEFAULT_THRESHOLD,
    SETTING_KEY,
    parse_threshold,
    suppress_count,
    suppression_note,
)
from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.core.wording import panel_date
from desktop_app.services.catalogue import load_catalogue
from desktop_app.services.data_cache import cached
from desktop_app.store.database import Database
from desktop_app.store.models import (
    Breakdown,
    BreakdownCategory,
    Measure,
    Return,
    ReturnBreakdownValue,
    ReturnPeriod,
    ReturnValue,
    Setting,
    Strand,
)

COUNTED = (ReturnStatus.VERIFIED, ReturnStatus.LOCKED)


@dataclass(frozen=True)
class MeasureTotal:
    key: str
    label: str
    total: int
    sentence: str


@dataclass(frozen=True)
class MeasureBreakdown:
    """One measure's total broken down by one list, over the year's counted returns."""

    measure_key: str
    measure_label: str
    sum: BreakdownSum

    @property
    def title(self) -> str:
        """"Victims supported by sex"."""
        return f"{self.measure_label} by {self.sum.breakdown.label.lower()}"


@dataclass(frozen=True)
class YearReport:
    year: FinancialYear
    include_unverified: bool
    measures: tuple[MeasureTotal, ...]
    returns_counted: int
    returns_unverified: int
    returns_missing: int
    # Stored figures above their measure's ceiling (written by an older version): left out of
    # the totals, which they would swamp or overflow; `check` lists each one.
    figures_left_out: int = 0
    suppression_threshold: int = DEFAULT_THRESHOLD
    outcomes: tuple[OutcomeRate, ...] = ()
    breakdowns: tuple[MeasureBreakdown, ...] = ()
    totals: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "totals", {m.key: m.total for m in self.measures})


def _statuses(include_unverified: bool) -> tuple[ReturnStatus, ...]:
    return tuple(ReturnStatus) if include_unverified else COUNTED


def _counted_values(year: FinancialYear, statuses: tuple[ReturnStatus, ...], *columns):
    return (
        select(*columns)
        .select_from(ReturnValue)
        .join(ReturnValue.measure)
        .join(ReturnValue.return_)
        .join(Return.period)
        .where(ReturnPeriod.financial_year == year.start_year, Return.status.in_(statuses))
        # The year's returns first, then their figures by index: SQLite would otherwise scan
        # every figure in the file (several times slower on ten years of returns).
        .where(ReturnValue.return_id.in_(_year_return_ids(year)))
    )


def _year_return_ids(year: FinancialYear):
    period, return_ = aliased(ReturnPeriod), aliased(Return)
    return select(return_.id).join(period, period.id == return_.period_id).where(
        period.financial_year == year.start_year
    )


def year_report(
    db: Database, year: FinancialYear, *, include_unverified: bool = False, session: Session | None = None
) -> YearReport:
    """Totals per measure over the year's verified and locked returns (or all, if asked).

    Computed once per state of the data: the dashboard, the Exports page and its year list ask
    for the same years after every save, and only a change to the data changes the answer.
    Given a `session`, everything (the check that the data has not changed included) is read in
    it, so a caller reading more sees one state of the data."""
    def compute() -> YearReport:
        if session is not None:
            return year_report_in(session, year, include_unverified=include_unverified)
        return _compute_year_report(db, year, include_unverified=include_unverified)

    return cached(db, ("year_report", year.start_year, include_unverified), compute, session=session)


def _compute_year_report(db: Database, year: FinancialYear, *, include_unverified: bool) -> YearReport:
    with db.reading() as session:
        return year_report_in(session, year, include_unverified=include_unverified)


def _setting(session: Session, key: str) -> str | None:
    stored = session.get(Setting, key)
    return stored.value if stored is not None else None


def year_report_in(session: Session, year: FinancialYear, *, include_unverified: bool = False) -> YearReport:
    """`year_report` read in the caller's session (for a read that needs more than the totals)."""
    statuses = _statuses(include_unverified)
    catalogue = load_catalogue(session)
    # Every figure at or under its ceiling keeps the SQL sum far from overflowing.
    sums = dict(
        session.execute(
            _counted_values(year, statuses, Measure.key, func.sum(ReturnValue.value))
            .where(ReturnValue.value <= Measure.ceiling)
            .group_by(Measure.key)
        ).all()
    )
    left_out = session.scalar(
        _counted_values(year, statuses, func.count(ReturnValue.id)).where(ReturnValue.value > Measure.ceiling)
    )
    by_status = dict(
        session.execute(
            select(Return.status, func.count(Return.id))
            .join(Return.period)
            .where(ReturnPeriod.financial_year == year.start_year)
            .group_by(Return.status)
        ).all()
    )
    running = session.execute(
        select(Strand.id, Strand.start_date, Strand.end_date).where(
            Strand.start_date <= year.end,
            or_(Strand.end_date.is_(None), Strand.end_date >= year.start),
        )
    ).all()
    received = set(
        session.execute(
            select(Return.strand_id, ReturnPeriod.quarter)
            .join(Return.period)
            .where(ReturnPeriod.financial_year == year.start_year)
        ).all()
    )
    broken_down = [m for m in catalogue.measures_for(year.start, year.end) if m.breakdowns]
    breakdowns = _breakdowns(session, catalogue, broken_down, year, statuses) if broken_down else ()
    # A return is expected for each quarter a strand runs in, part-quarters included.
    expected = {
        (strand_id, quarter.number)
        for strand_id, start, end in running
        for quarter in year.quarters()
        if start <= quarter.end and (end is None or end >= quarter.start)
    }
    measures = tuple(
        MeasureTotal(
            key=m.key,
            label=m.label,
            total=int(sums.get(m.key) or 0),
            sentence=m.report_sentence,
        )
        for m in catalogue.measures_for(year.start, year.end)
    )
    counted = sum(n for status, n in by_status.items() if status in statuses)
    unverified = sum(n for status, n in by_status.items() if status not in COUNTED)
    return YearReport(
        year=year,
        include_unverified=include_unverified,
        measures=measures,
        returns_counted=counted,
        returns_unverified=unverified,
        returns_missing=len(expected - received),
        figures_left_out=left_out or 0,
        suppression_threshold=parse_threshold(_setting(session, SETTING_KEY)),
        outcomes=outcome_rates(catalogue.measures_for(year.start, year.end), {m.key: m.total for m in measures}),
        breakdowns=breakdowns,
    )


def _breakdowns(session, catalogue, measures, year: FinancialYear, statuses) -> tuple[MeasureBreakdown, ...]:
    """Each breakdown of `measures`, added up return by return so that what a return leaves
    unbroken-down is counted as not known (two grouped queries, however many returns)."""
    keys = [m.key for m in measures]
    totals = {
        (return_id, key): value
        for return_id, key, value in session.execute(
            _counted_values(year, statuses, ReturnValue.return_id, Measure.key, ReturnValue.value)
            .where(Measure.key.in_(keys), ReturnValue.value <= Measure.ceiling)
        )
    }
    given: dict[tuple[int, str, str], dict[str, int]] = defaultdict(dict)
    for return_id, measure_key, breakdown_key, category_key, value in session.execute(
        select(ReturnBreakdownValue.return_id, Measure.key, Breakdown.key, BreakdownCategory.key, ReturnBreakdownValue.value)
        .join(Measure, Measure.id == ReturnBreakdownValue.measure_id)
        .join(BreakdownCategory, BreakdownCategory.id == ReturnBreakdownValue.category_id)
        .join(Breakdown, Breakdown.id == BreakdownCategory.breakdown_id)
        .join(Return, Return.id == ReturnBreakdownValue.return_id)
        .join(Return.period)
        .where(ReturnPeriod.financial_year == year.start_year, Return.status.in_(statuses), Measure.key.in_(keys))
    ):
        given[(return_id, measure_key, breakdown_key)][category_key] = value
    found = []
    for measure in measures:
        returns = {r for (r, key) in totals if key == measure.key}
        returns |= {r for (r, key, _b) in given if key == measure.key}
        for breakdown in catalogue.breakdowns_of(measure.key):
            figures = [(totals.get((r, measure.key)), given.get((r, measure.key, breakdown.key), {})) for r in returns]
            found.append(MeasureBreakdown(measure.key, measure.label, add_up_breakdown(breakdown, figures)))
    return tuple(found)


def report_text(report: YearReport) -> str:
    """The paragraph and list an officer pastes into a Police and Crime Panel report."""
    lines = [
        f"During the period {panel_date(report.year.start)} to {panel_date(report.year.end)}:",
        "",
    ]
    suppressed = False
    for measure in report.measures:
        cell = suppress_count(measure.total, report.suppression_threshold)
        suppressed = suppressed or cell.suppressed
        value = cell.text
        if measure.sentence:
            sentence = measure.sentence.replace("{value}", value)
        else:
            sentence = f"{measure.label}: {value}."
        lines.append(f"- {sentence}")
    lines.append("")
    if report.include_unverified:
        lines.append(
            f"These totals include {format_count(report.returns_unverified)} returns not yet "
            f"verified ({format_count(report.returns_counted)} returns in all)."
        )
    else:
        lines.append(
            f"Totals count {format_count(report.returns_counted)} verified and locked returns."
        )
        if report.returns_unverified:
            lines.append(
                f"{format_count(report.returns_unverified)} returns not yet verified are left out "
                "of these totals."
            )
    if report.returns_missing:
        lines.append(f"{format_count(report.returns_missing)} returns for the year have not been received.")
    if report.figures_left_out == 1:
        lines.append(
            "1 figure above its measure's ceiling is left out of these totals; run check to list it, "
            "and correct that return."
        )
    elif report.figures_left_out:
        lines.append(
            f"{format_count(report.figures_left_out)} figures above their measures' ceilings are left out "
            "of these totals; run check to list them, and correct those returns."
        )
    suppressed = _outcome_lines(report, lines) or suppressed
    suppressed = _breakdown_lines(report, lines) or suppressed
    if suppressed:
        lines.append("")
        lines.append(suppression_note(report.suppression_threshold))
    return "\n".join(lines)


def _outcome_lines(report: YearReport, lines: list[str]) -> bool:
    """The cope and recover outcomes, each rate with both counts; True if a count was withheld."""
    if not report.outcomes:
        return False
    threshold, suppressed = report.suppression_threshold, False
    lines += ["", "Cope and recover outcomes, for victims leaving the services:"]
    for item in report.outcomes:
        measured, improved = suppress_count(item.measured, threshold), suppress_count(item.improved, threshold)
        suppressed = suppressed or measured.suppressed or improved.suppressed
        name = item.outcome.name[:1].upper() + item.outcome.name[1:]
        if item.measured == 0:
            lines.append(f"- {name}: not measured.")
        elif measured.suppressed or improved.suppressed:
            # A rate over a withheld count would give the count away.
            lines.append(f"- {name}: {improved.text} of {measured.text} measured reported an improvement.")
        else:
            lines.append(
                f"- {name}: {item.percent} reported an improvement ({improved.text} of {measured.text} measured)."
            )
    return suppressed


def _breakdown_lines(report: YearReport, lines: list[str]) -> bool:
    """Each breakdown given in the year, category by category; True if a count was withheld."""
    threshold, suppressed = report.suppression_threshold, False
    shown = [b for b in report.breakdowns if b.sum.returns_broken_down]
    missing = [b for b in report.breakdowns if not b.sum.returns_broken_down]
    for item in shown:
        lines += ["", f"{item.title}:"]
        for category in categories_in_order(item.sum.breakdown):
            cell = suppress_count(item.sum.by_category.get(category.key, 0), threshold)
            suppressed = suppressed or cell.suppressed
            group = f" ({category.group})" if category.group else ""
            lines.append(f"- {category.label}{group}: {cell.text}")
        if item.sum.not_broken_down:
            lines.append(
                f"Not known includes {format_count(item.sum.not_broken_down)} victims of returns that did not "
                f"break them down by {item.sum.breakdown.label.lower()}."
            )
        if item.sum.over:
            lines.append(
                f"The categories add up to {format_count(item.sum.over)} more than the total; run check to list "
                "the returns, and correct them."
            )
    if missing:
        titles = ", ".join(b.title[:1].lower() + b.title[1:] for b in missing)
        lines += ["", f"No return of the year gave a breakdown of {titles}."]
    return suppressed


def report_json(report: YearReport) -> dict:
    return {
        "year": report.year.label,
        "totals": dict(report.totals),
        "include_unverified": report.include_unverified,
        "returns_counted": report.returns_counted,
        "returns_unverified": report.returns_unverified,
        "returns_missing": report.returns_missing,
        "figures_left_out": report.figures_left_out,
        # Exact counts; the rate is improved / measured, null when nobody was measured.
        "outcomes": [
            {
                "outcome": item.outcome.key,
                "name": item.outcome.name,
                "measured": item.measured,
                "improved": item.improved,
                "rate": None if item.rate is None else round(item.rate, 4),
            }
            for item in report.outcomes
        ],
        "breakdowns": [
            {
                "measure": item.measure_key,
                "breakdown": item.sum.breakdown.key,
                "label": item.title,
                "categories": {c.key: item.sum.by_category.get(c.key, 0) for c in categories_in_order(item.sum.breakdown)},
                "total": item.sum.total,
                "not_broken_down": item.sum.not_broken_down,
                "over_total": item.sum.over,
                "returns_broken_down": item.sum.returns_broken_down,
            }
            for item in report.breakdowns
        ],
    }
