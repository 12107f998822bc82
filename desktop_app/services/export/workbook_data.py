"""Gathering the plain data the MoJ return workbook shows (excel never touches the database)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from desktop_app.core.breakdown_totals import BreakdownSum, add_up_breakdown, categories_in_order
from desktop_app.core.completeness import return_state
from desktop_app.core.outcomes import outcome_rates
from desktop_app.core.periods import FinancialYear
from desktop_app.core.vocabulary import AgreementType, OrganisationType, Scope
from desktop_app.services.export.preview import RULE_BREACH, ExportPreview
from desktop_app.services.export.snapshot import PeriodSnapshot
from desktop_app.store.models import Allocation, Provider, Strand

if TYPE_CHECKING:  # the workbook's types live in excel, which loads openpyxl
    from desktop_app.excel.indicator_pack import PackIndicator
    from desktop_app.excel.moj_return import MojReturnData

__all__ = ["WorkbookDetails", "read_details", "workbook_data"]


@dataclass(frozen=True)
class WorkbookDetails:
    """What the Providers and Strands sheets add to the snapshot, read in the same session.

    Internal to the export: the rows are detached, fully loaded, and never leave this package.
    """

    providers: dict[int, Provider]
    strands: dict[int, Strand]
    allocations: dict[int, dict[int, int]]  # strand id -> financial year -> pence


def read_details(session: Session, snapshot: PeriodSnapshot) -> WorkbookDetails:
    """Providers, strands (with their stream and category) and allocations of the snapshot's strands."""
    strand_ids = [s.id for s in snapshot.strands]
    strands = {
        s.id: s
        for s in session.scalars(
            select(Strand)
            .where(Strand.id.in_(strand_ids))
            .options(selectinload(Strand.funding_stream), selectinload(Strand.service_category))
        )
    }
    provider_ids = {s.provider_id for s in strands.values()}
    providers = {
        p.id: p
        for p in session.scalars(
            select(Provider).where(Provider.id.in_(provider_ids)).options(selectinload(Provider.districts))
        )
    }
    allocations: dict[int, dict[int, int]] = defaultdict(dict)
    for strand_id, year, pence in session.execute(
        select(Allocation.strand_id, Allocation.financial_year, Allocation.amount_pence).where(
            Allocation.strand_id.in_(strand_ids)
        )
    ):
        allocations[strand_id][year] = pence
    # Touch what the sheets read so nothing lazy-loads after the session closes.
    for strand in strands.values():
        _ = strand.funding_stream.name, strand.service_category.name
    for provider in providers.values():
        _ = [d.name for d in provider.districts]
    return WorkbookDetails(providers, strands, dict(allocations))


def _completeness_state(snapshot: PeriodSnapshot, due_days: int, today: dt.date):
    received = {r.key: r.status.value for r in snapshot.returns}

    def state(strand, quarter) -> str:
        # The matrix's and the dashboard's rule (core.completeness), so the sheet agrees with them.
        return return_state(received.get((strand.id, quarter.number)), runs=strand.runs_in(quarter),
                            quarter=quarter, due=quarter.due_date(due_days), today=today)

    return state


def workbook_data(
    snapshot: PeriodSnapshot,
    preview: ExportPreview,
    details: WorkbookDetails,
    indicators: tuple[PackIndicator, ...],
    *,
    is_demo: bool,
    due_days: int,
    now: dt.datetime | None = None,
) -> MojReturnData:
    """Everything the workbook shows, as excel's plain dataclasses."""
    from desktop_app.excel.moj_return import (
        MojBreakdownRow,
        MojBreakdownTable,
        MojCompleteness,
        MojDataRow,
        MojMeasure,
        MojNote,
        MojOutcome,
        MojProvider,
        MojReturn,
        MojReturnData,
        MojStrand,
    )

    now = now or dt.datetime.now().replace(microsecond=0)
    period = snapshot.period
    measures = snapshot.measures
    labels = {m.key: m.label for m in snapshot.catalogue.measures}
    counted_ids = {r.id for r in snapshot.counted}

    counted_by_provider: dict[int, int] = defaultdict(int)
    for record in snapshot.counted:
        counted_by_provider[record.strand.provider_id] += 1
    strands_by_provider: dict[int, int] = defaultdict(int)
    for strand in snapshot.strands:
        strands_by_provider[strand.provider_id] += 1
    providers = tuple(
        MojProvider(
            name=p.name,
            organisation_type=OrganisationType(p.organisation_type).label,
            scope=Scope(p.scope).label,
            charity_number=p.charity_number,
            company_number=p.company_number,
            districts=", ".join(sorted(d.name for d in p.districts)),
            active=p.active,
            strands=strands_by_provider[p.id],
            returns_counted=counted_by_provider[p.id],
        )
        for p in sorted(details.providers.values(), key=lambda p: p.name.casefold())
    )

    years = sorted({year for by_year in details.allocations.values() for year in by_year})
    strands = tuple(
        MojStrand(
            reference=s.reference,
            name=s.name,
            provider=s.provider,
            funding_stream=details.strands[s.id].funding_stream.name,
            service_category=details.strands[s.id].service_category.name,
            agreement_type=AgreementType(details.strands[s.id].agreement_type).label,
            start_date=s.start_date,
            end_date=s.end_date,
            allocations={
                FinancialYear(year).label: pence for year, pence in details.allocations.get(s.id, {}).items()
            },
        )
        for s in snapshot.strands
    )

    returns = tuple(
        MojReturn(
            provider=r.strand.provider,
            strand_ref=r.strand.reference,
            strand=r.strand.name,
            quarter=f"Q{r.quarter.number}",
            status=r.status.label,
            counted=r.id in counted_ids,
            received_date=r.received_date,
            values=dict(r.values),
        )
        for r in snapshot.returns
    )

    state = _completeness_state(snapshot, due_days, now.date())
    completeness = tuple(
        MojCompleteness(
            provider=s.provider,
            strand_ref=s.reference,
            strand=s.name,
            states=tuple(state(s, quarter) for quarter in period.quarters),
        )
        for s in snapshot.strands
    )

    order = {m.key: position for position, m in enumerate(snapshot.catalogue.measures)}
    data_rows = tuple(_data_rows(snapshot, period, labels, order, MojDataRow))

    notes: list = []
    for r in snapshot.returns:
        where = {
            "provider": r.strand.provider, "strand_ref": r.strand.reference,
            "strand": r.strand.name, "quarter": f"Q{r.quarter.number}",
        }
        if r.notes:
            notes.append(MojNote(**where, measure="", value=None, note=r.notes))
        for key in sorted(r.value_notes, key=lambda k: order.get(k, len(order))):
            notes.append(MojNote(**where, measure=labels.get(key, key), value=r.values.get(key), note=r.value_notes[key]))

    outcomes = tuple(
        MojOutcome(rate.outcome.name, rate.measured, rate.improved)
        for rate in outcome_rates(measures, preview.totals)
    )
    sums = _breakdown_sums(snapshot)
    column_labels = tuple(f"Q{q.number}" for q in period.quarters)
    if len(column_labels) > 1:
        column_labels += (period.label,)
    tables = tuple(
        replace(_breakdown_table(title, columns, MojBreakdownTable, MojBreakdownRow), columns=column_labels)
        for title, columns in sums if any(c.returns_broken_down for c in columns)
    )
    not_given = tuple(title for title, columns in sums if not any(c.returns_broken_down for c in columns))

    return MojReturnData(
        outcomes=outcomes,
        breakdown_tables=tables,
        breakdowns_not_given=not_given,
        period_label=period.label,
        period_start=period.start,
        period_end=period.end,
        financial_year=period.year.label,
        quarter_labels=tuple(q.label for q in period.quarters),
        generated_at=now,
        is_demo=is_demo,
        include_unverified=snapshot.include_unverified,
        measures=tuple(MojMeasure(m.key, m.label, preview.totals[m.key]) for m in measures),
        returns_counted=preview.returns_counted,
        returns_unverified=preview.returns_unverified,
        returns_missing=preview.returns_missing,
        rule_breaches=sum(1 for p in preview.problems if p.kind == RULE_BREACH),
        providers=providers,
        strands=strands,
        allocation_years=tuple(FinancialYear(y).label for y in years),
        returns=returns,
        completeness=completeness,
        indicators=indicators,
        data_rows=data_rows,
        notes=tuple(notes),
    )


def _breakdown_sums(snapshot: PeriodSnapshot) -> list[tuple[str, list[BreakdownSum]]]:
    """Per breakdown of each measure of the period: its sums per quarter, then for the period."""
    catalogue = snapshot.catalogue
    quarters = [q.number for q in snapshot.period.quarters]
    found = []
    for measure in snapshot.measures:
        for breakdown in catalogue.breakdowns_of(measure.key):
            figures: dict[int, list] = {number: [] for number in quarters}
            for r in snapshot.counted:
                given = {
                    category: value for (m, b, category), value in r.breakdowns.items()
                    if m == measure.key and b == breakdown.key
                }
                if measure.key in r.values or given:
                    figures[r.quarter.number].append((r.values.get(measure.key), given))
            columns = [add_up_breakdown(breakdown, figures[number]) for number in quarters]
            if len(quarters) > 1:
                columns.append(add_up_breakdown(breakdown, [f for number in quarters for f in figures[number]]))
            found.append((f"{measure.label} by {breakdown.label.lower()}", columns))
    return found


def _breakdown_table(title: str, columns: list[BreakdownSum], table_type, row_type):
    """The rows of one table: each category in the catalogue's order ("not known" last), and
    for a list in groups (ethnicity) each group's subtotal above its categories."""
    breakdown = columns[0].breakdown
    order = categories_in_order(breakdown)

    def values(keys) -> tuple[int, ...]:
        return tuple(sum(c.by_category.get(k, 0) for k in keys) for c in columns)

    rows = []
    seen_groups: set[str] = set()
    for category in order:
        if category.group and category.group not in seen_groups:
            seen_groups.add(category.group)
            members = [c.key for c in order if c.group == category.group]
            rows.append(row_type(category.group, values(members), group=True))
        rows.append(row_type(category.label, values([category.key]), indented=bool(category.group)))
    return table_type(
        title=title,
        columns=(),  # filled in by the caller's period labels
        rows=tuple(rows),
        totals=tuple(c.total for c in columns),
        not_broken_down=tuple(c.not_broken_down for c in columns),
        over=tuple(c.over for c in columns),
    )


def _data_rows(snapshot: PeriodSnapshot, period, labels: dict[str, str], order: dict[str, int], row_type):
    """The tidy Data sheet: each counted figure's row, a total followed by its breakdowns' rows
    (in the catalogue's order of breakdowns and categories)."""
    catalogue = snapshot.catalogue
    lists = {b.key: b for b in catalogue.breakdown_lists}
    for r in snapshot.counted:
        where = {
            "financial_year": period.year.label, "quarter": f"Q{r.quarter.number}",
            "provider": r.strand.provider, "strand_ref": r.strand.reference, "strand": r.strand.name,
        }
        for key in sorted(r.values, key=lambda k: order.get(k, len(order))):
            label = labels.get(key, key)
            yield row_type(**where, measure_key=key, measure_label=label, value=r.values[key])
            if not r.breakdowns:
                continue
            for breakdown_key in _breakdown_keys(catalogue, key, r.breakdowns):
                breakdown = lists.get(breakdown_key)
                categories = breakdown.categories if breakdown else ()
                for category in categories:
                    value = r.breakdowns.get((key, breakdown_key, category.key))
                    if value is not None:
                        yield row_type(
                            **where, measure_key=key, measure_label=label, value=value,
                            breakdown=breakdown.label, category=category.label,
                        )


def _breakdown_keys(catalogue, measure_key: str, stored) -> list[str]:
    # The measure's declared breakdowns first, then any stored under a breakdown since dropped.
    declared = list(catalogue.measure(measure_key).breakdowns) if measure_key in catalogue.keys else []
    extra = sorted({b for (m, b, _c) in stored if m == measure_key} - set(declared))
    return declared + extra
