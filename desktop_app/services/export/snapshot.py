"""One read of a period's returns: what counts, what is missing, what breaks a rule.

The preview, the workbook, a final export (which reads again inside its transaction, to be sure
nothing changed while the file was written) and "compare with now" all start from this, so they
agree on what "counted" means: verified and locked returns, or every return when the officer
includes unverified ones.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from desktop_app.core.catalogue import Catalogue, MeasureDefinition
from desktop_app.core.periods import Quarter
from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.services.catalogue import load_catalogue
from desktop_app.services.export.period import ExportPeriod
from desktop_app.store.models import (
    Breakdown,
    BreakdownCategory,
    Measure,
    Provider,
    Return,
    ReturnBreakdownValue,
    ReturnPeriod,
    ReturnValue,
    Strand,
)

__all__ = ["COUNTED", "PeriodSnapshot", "ReturnRecord", "StrandRecord", "counted_statuses", "read_snapshot"]

COUNTED = (ReturnStatus.VERIFIED, ReturnStatus.LOCKED)


def counted_statuses(include_unverified: bool) -> tuple[ReturnStatus, ...]:
    """The statuses whose returns go into the totals."""
    return tuple(ReturnStatus) if include_unverified else COUNTED


@dataclass(frozen=True)
class StrandRecord:
    id: int
    reference: str
    name: str
    provider_id: int
    provider: str
    start_date: dt.date
    end_date: dt.date | None

    def runs_in(self, quarter: Quarter) -> bool:
        """Whether the strand runs for any part of `quarter` (so a return is expected)."""
        return self.start_date <= quarter.end and (self.end_date is None or self.end_date >= quarter.start)


@dataclass(frozen=True)
class ReturnRecord:
    """One return of the period with its figures, as plain data."""

    id: int
    strand: StrandRecord
    quarter: Quarter
    status: ReturnStatus
    received_date: dt.date | None
    notes: str
    values: Mapping[str, int]  # measure key -> value; no key = not collected
    value_notes: Mapping[str, str]  # measure key -> the officer's note on a warning
    # (measure key, breakdown key, category key) -> count; only the categories with a figure.
    breakdowns: Mapping[tuple[str, str, str], int] = field(default_factory=dict)

    @property
    def key(self) -> tuple[int, int]:
        """(strand id, quarter number): how a return is matched across time."""
        return (self.strand.id, self.quarter.number)


@dataclass(frozen=True)
class PeriodSnapshot:
    period: ExportPeriod
    include_unverified: bool
    catalogue: Catalogue
    returns: tuple[ReturnRecord, ...]
    # Strands running in the period or holding one of its returns, by provider then reference.
    strands: tuple[StrandRecord, ...]

    @property
    def measures(self) -> tuple[MeasureDefinition, ...]:
        """The measures a return for the period asks for, in catalogue order."""
        return self.catalogue.measures_for(self.period.start, self.period.end)

    @property
    def counted(self) -> tuple[ReturnRecord, ...]:
        statuses = counted_statuses(self.include_unverified)
        return tuple(r for r in self.returns if r.status in statuses)

    @property
    def unverified(self) -> tuple[ReturnRecord, ...]:
        """Returns not yet verified (draft or submitted), whether or not they are counted."""
        return tuple(r for r in self.returns if r.status not in COUNTED)

    @property
    def missing(self) -> tuple[tuple[StrandRecord, Quarter], ...]:
        """Strand × quarter cells where the strand runs but no return has been entered."""
        received = {r.key for r in self.returns}
        return tuple(
            (strand, quarter)
            for strand in self.strands
            for quarter in self.period.quarters
            if strand.runs_in(quarter) and (strand.id, quarter.number) not in received
        )

    def totals(self) -> dict[str, int]:
        """Each measure's total over the counted returns, in catalogue order."""
        sums: dict[str, int] = defaultdict(int)
        for record in self.counted:
            for key, value in record.values.items():
                sums[key] += value
        return {m.key: sums.get(m.key, 0) for m in self.measures}

    def figures(self) -> dict[tuple[int, int], dict[str, int]]:
        """Counted values by (strand id, quarter): what a submission freezes."""
        return {r.key: dict(r.values) for r in self.counted}


def _strand_record(strand: Strand, provider: Provider) -> StrandRecord:
    return StrandRecord(
        id=strand.id,
        reference=strand.reference,
        name=strand.name,
        provider_id=provider.id,
        provider=provider.name,
        start_date=strand.start_date,
        end_date=strand.end_date,
    )


def read_snapshot(session: Session, period: ExportPeriod, *, include_unverified: bool = False) -> PeriodSnapshot:
    """The period's returns, their figures and notes, and the strands expected to report."""
    catalogue = load_catalogue(session)
    year = period.year.start_year
    found = session.execute(
        select(Return, ReturnPeriod.quarter, Strand, Provider)
        .join(Return.period)
        .join(Return.strand)
        .join(Strand.provider)
        .where(ReturnPeriod.financial_year == year, ReturnPeriod.quarter.in_(period.quarter_numbers))
    ).all()
    return_ids = [item[0].id for item in found]
    values: dict[int, dict[str, int]] = defaultdict(dict)
    value_notes: dict[int, dict[str, str]] = defaultdict(dict)
    if return_ids:
        for return_id, key, value, note in session.execute(
            select(ReturnValue.return_id, Measure.key, ReturnValue.value, ReturnValue.note)
            .join(ReturnValue.measure)
            .where(ReturnValue.return_id.in_(return_ids))
        ):
            values[return_id][key] = value
            if note and note.strip():
                value_notes[return_id][key] = note.strip()

    breakdowns: dict[int, dict[tuple[str, str, str], int]] = defaultdict(dict)
    if return_ids:
        for return_id, measure_key, breakdown_key, category_key, value in session.execute(
            select(
                ReturnBreakdownValue.return_id, Measure.key, Breakdown.key, BreakdownCategory.key,
                ReturnBreakdownValue.value,
            )
            .join(Measure, Measure.id == ReturnBreakdownValue.measure_id)
            .join(BreakdownCategory, BreakdownCategory.id == ReturnBreakdownValue.category_id)
            .join(Breakdown, Breakdown.id == BreakdownCategory.breakdown_id)
            .where(ReturnBreakdownValue.return_id.in_(return_ids))
        ):
            breakdowns[return_id][(measure_key, breakdown_key, category_key)] = value

    strands: dict[int, StrandRecord] = {}
    for strand, provider in session.execute(
        select(Strand, Provider)
        .join(Strand.provider)
        .where(Strand.start_date <= period.end, or_(Strand.end_date.is_(None), Strand.end_date >= period.start))
    ):
        strands[strand.id] = _strand_record(strand, provider)
    records = []
    for return_, quarter, strand, provider in found:
        record_strand = strands.setdefault(strand.id, _strand_record(strand, provider))
        records.append(
            ReturnRecord(
                id=return_.id,
                strand=record_strand,
                quarter=Quarter(period.year, quarter),
                status=ReturnStatus(return_.status),
                received_date=return_.received_date,
                notes=(return_.notes or "").strip(),
                values=dict(values.get(return_.id, {})),
                value_notes=dict(value_notes.get(return_.id, {})),
                breakdowns=dict(breakdowns.get(return_.id, {})),
            )
        )

    def order(strand: StrandRecord) -> tuple:
        return (strand.provider.casefold(), strand.reference)

    records.sort(key=lambda r: (*order(r.strand), r.quarter.number))
    return PeriodSnapshot(
        period=period,
        include_unverified=include_unverified,
        catalogue=catalogue,
        returns=tuple(records),
        strands=tuple(sorted(strands.values(), key=order)),
    )
