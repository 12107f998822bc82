"""The year's summary: each measure's total over the year's returns, as the Panel report says it.

The text is published (it goes into the Police and Crime Panel's papers), so a total below the
small-number threshold (the `small_number_threshold` setting, default 5) is printed as "fewer
than 5" and the text says so; the json and the MoJ workbook keep exact figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from desktop_app.core.numbers import format_count
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
from desktop_app.store.models import Measure, Return, ReturnPeriod, ReturnValue, Setting, Strand

COUNTED = (ReturnStatus.VERIFIED, ReturnStatus.LOCKED)


@dataclass(frozen=True)
class MeasureTotal:
    key: str
    label: str
    total: int
    sentence: str


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
    if session is not None:
        return cached(
            db, ("year_report", year.start_year, include_unverified),
            lambda: year_report_in(session, year, include_unverified=include_unverified), session=session,
        )
    return cached(
        db, ("year_report", year.start_year, include_unverified),
        lambda: _compute_year_report(db, year, include_unverified=include_unverified),
    )


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
    )


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
    if suppressed:
        lines.append(suppression_note(report.suppression_threshold))
    return "\n".join(lines)


def report_json(report: YearReport) -> dict:
    return {
        "year": report.year.label,
        "totals": dict(report.totals),
        "include_unverified": report.include_unverified,
        "returns_counted": report.returns_counted,
        "returns_unverified": report.returns_unverified,
        "returns_missing": report.returns_missing,
        "figures_left_out": report.figures_left_out,
    }
