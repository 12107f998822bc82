"""The returns grid: one quarter, a row per strand running in it, a column per measure.

The grid model checks each cell as it lands with `QuarterGrid.check_row` (the same engine the
save uses, with each strand's history already loaded); `save_grid` checks every edited row
again and writes all of them in one transaction, or none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace

from sqlalchemy import select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop_app.core.catalogue import MeasureDefinition
from desktop_app.core.periods import Quarter
from desktop_app.core.return_checks import (
    RETURN_NOTE,
    BreakdownCell,
    ReturnCheck,
    ReturnChecker,
    StrandHistory,
)
from desktop_app.core.return_workflow import is_editable, status_words
from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.services.changes import Changed
from desktop_app.services.returns.errors import GridRefused, ReturnLocked, StatusRefused
from desktop_app.services.returns.figures import (
    StoredFigures,
    apply_plan,
    next_status,
    plan_return,
)
from desktop_app.services.returns.lookups import (
    breakdown_cells,
    checker_for,
    measure_ids,
    past_figures,
    previous_quarters,
    running,
    stored_returns,
    strand_runs_in,
)
from desktop_app.services.returns.saving import not_running_message
from desktop_app.services.errors import StaleRecordError
from desktop_app.services.stale_edits import (
    EditedRecord,
    refuse_if_stale,
    refused_when_raced,
    return_record,
    stale_error,
)
from desktop_app.store.database import Database
from desktop_app.store.models import (
    Measure,
    Provider,
    Return,
    ReturnPeriod,
    ReturnValue,
    ServiceCategory,
    Strand,
)

__all__ = ["GridRow", "QuarterGrid", "quarter_grid", "reread_rows", "save_grid", "write_edits"]


@dataclass(frozen=True)
class GridRow:
    """One strand's row: what is stored for the quarter, and its history for the warnings."""

    strand_id: int
    reference: str
    strand_name: str
    provider_id: int
    provider_name: str
    service_category_key: str
    service_category: str
    return_id: int | None
    status: ReturnStatus | None  # None: no return yet
    copied_from_previous: bool
    values: dict[str, int | None]  # every column's key; None = not collected / no return
    notes: dict[str, str]  # measure key → note; the return's own notes under RETURN_NOTE
    history: StrandHistory = field(repr=False)
    # The return's version when the grid loaded it (0: no return yet); `save_grid` takes it back.
    version: int = 0
    # (measure, breakdown, category) -> stored figure: the grid checks totals against them.
    breakdowns: Mapping[BreakdownCell, int] = field(default_factory=dict)

    @property
    def editable(self) -> bool:
        return is_editable(self.status)

    @property
    def status_words(self) -> str:
        return status_words(self.status)

    @property
    def return_notes(self) -> str:
        return self.notes.get(RETURN_NOTE, "")


@dataclass(frozen=True)
class QuarterGrid:
    quarter: Quarter
    columns: tuple[MeasureDefinition, ...]  # the measures the period asks for, in order
    rows: tuple[GridRow, ...]  # by strand reference
    checker: ReturnChecker = field(repr=False, compare=False)

    def row_for(self, strand_id: int) -> GridRow:
        for row in self.rows:
            if row.strand_id == strand_id:
                return row
        raise KeyError(strand_id)

    def check_row(self, row: GridRow, edits: Mapping[str, object] | None = None) -> ReturnCheck:
        """The engine's answer for `row` with `edits` (key → typed or pasted text) laid over its
        stored figures: what `save_grid` will decide for that row."""
        entered: dict[str, object] = {k: v for k, v in row.values.items() if v is not None}
        entered.update(edits or {})
        if row.return_id is None and all(_blank(v) for v in entered.values()):
            # Nothing typed for a strand with no return: nothing to save, so nothing to warn of.
            return ReturnCheck(values=dict.fromkeys(self.checker.keys), errors=(), warnings=())
        return self.checker.check(entered, row.history, row.breakdowns)


def quarter_grid(
    db: Database,
    quarter: Quarter,
    *,
    provider_id: int | None = None,
    service_category_key: str | None = None,
    strand_ids: Collection[int] | None = None,
    checker: ReturnChecker | None = None,
    histories: Mapping[int, StrandHistory] | None = None,
) -> QuarterGrid:
    """Every strand running in `quarter` (optionally one provider's, one category's, or only
    `strand_ids`) with its figures, status and history; five queries whatever the number of
    strands. `checker`, `histories` (strand id → history): what the caller has already and knows
    to hold (see `reread_rows`)."""
    with db.reading() as session:
        checker = checker or checker_for(session, quarter)
        query = (
            select(Strand, Provider.name, ServiceCategory.key, ServiceCategory.name)
            .join(Provider, Provider.id == Strand.provider_id)
            .join(ServiceCategory, ServiceCategory.id == Strand.service_category_id)
            .where(running(quarter.start, quarter.end))
            .order_by(Strand.reference)
        )
        if provider_id is not None:
            query = query.where(Strand.provider_id == provider_id)
        if service_category_key is not None:
            query = query.where(ServiceCategory.key == service_category_key)
        if strand_ids is not None:
            query = query.where(Strand.id.in_(list(strand_ids)))
        strands = session.execute(query).all()
        ids = [s.id for s, *_ in strands]
        stored = _stored_figures(session, quarter, ids, checker.keys)
        known = histories or {}
        past = past_figures(session, quarter, [i for i in ids if i not in known])
        rows = []
        for strand, provider, category_key, category in strands:
            found = stored.get(strand.id)
            figures = found.values if found is not None else {}
            rows.append(
                GridRow(
                    strand_id=strand.id,
                    reference=strand.reference,
                    strand_name=strand.name,
                    provider_id=strand.provider_id,
                    provider_name=provider,
                    service_category_key=category_key,
                    service_category=category,
                    return_id=found.return_id if found is not None else None,
                    status=found.status if found is not None else None,
                    copied_from_previous=bool(found and found.copied_from_previous),
                    values={key: figures.get(key) for key in checker.keys},
                    notes=found.notes if found is not None else {RETURN_NOTE: ""},
                    history=known[strand.id] if strand.id in known else past[strand.id].history(),
                    version=found.version if found is not None else 0,
                    breakdowns=found.breakdowns if found is not None else {},
                )
            )
    return QuarterGrid(quarter=quarter, columns=checker.measures, rows=tuple(rows), checker=checker)


def reread_rows(db: Database, grid: QuarterGrid, returns: Collection[tuple[int, Quarter]]) -> QuarterGrid:
    """`grid` with the rows of the strands of `returns` ((strand id, quarter) pairs a save
    changed) read again: figures, status, version, notes, and their history when a changed
    quarter is one the grid's warnings compare with; the other rows as they were. A strand that
    no longer runs in the quarter keeps its old row: a change to strands is a change of the
    whole grid (`quarter_grid`)."""
    wanted = {row.strand_id for row in grid.rows} & {strand for strand, _quarter in returns}
    if not wanted:
        return grid
    looked_back = set(previous_quarters(grid.quarter))
    # Saving this quarter (the grid's own save) leaves the quarters before it as they were.
    looked_back_changed = {strand for strand, quarter in returns if quarter in looked_back}
    histories = {
        row.strand_id: row.history for row in grid.rows
        if row.strand_id in wanted and row.strand_id not in looked_back_changed
    }
    fresh = {r.strand_id: r for r in quarter_grid(
        db, grid.quarter, strand_ids=wanted, checker=grid.checker, histories=histories
    ).rows}
    return replace(grid, rows=tuple(fresh.get(row.strand_id, row) for row in grid.rows))


@dataclass(frozen=True)
class _StoredFigures:
    return_id: int
    status: ReturnStatus
    copied_from_previous: bool
    version: int
    values: dict[str, int]
    notes: dict[str, str]  # as `figures.stored_notes` gives them
    breakdowns: dict[BreakdownCell, int]  # as `figures.stored_breakdowns` gives them


def _stored_figures(
    session: Session, quarter: Quarter, strand_ids: list[int], wanted: tuple[str, ...]
) -> dict[int, _StoredFigures]:
    """Strand id → its return's figures and notes for `quarter`, read as plain rows: the grid
    is re-read after every save, and building ORM objects for a quarter's figures cost most of
    a one-return save on a large database."""
    if not strand_ids:
        return {}
    returns = session.execute(
        select(Return.id, Return.strand_id, Return.status, Return.copied_from_previous, Return.version, Return.notes)
        .join(Return.period)
        .where(
            ReturnPeriod.financial_year == quarter.year.start_year,
            ReturnPeriod.quarter == quarter.number,
            Return.strand_id.in_(strand_ids),
        )
    ).all()
    values: dict[int, dict[str, int]] = {r.id: {} for r in returns}
    notes: dict[int, dict[str, str]] = {r.id: {} for r in returns}
    breakdowns: dict[int, dict[BreakdownCell, int]] = {r.id: {} for r in returns}
    if returns:
        figures = session.connection().execute(
            select(ReturnValue.return_id, Measure.key, ReturnValue.value, ReturnValue.note)
            .join(Measure, Measure.id == ReturnValue.measure_id)
            .where(ReturnValue.return_id.in_(list(values)))
        ).all()
        for return_id, key, value, note in figures:
            values[return_id][key] = value
            if note:
                notes[return_id][key] = note
        # The grid marks a total whose breakdown falls short or exceeds it, so it needs the
        # categories too: one more plain query, whatever the number of returns.
        breakdowns.update(breakdown_cells(session, list(values), wanted))
    return {
        r.strand_id: _StoredFigures(
            r.id, r.status, bool(r.copied_from_previous), r.version, values[r.id],
            {**notes[r.id], RETURN_NOTE: r.notes or ""}, breakdowns[r.id],
        )
        for r in returns
    }


def _blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def save_grid(
    db: Database,
    quarter: Quarter,
    edits: Mapping[int, Mapping[str, str | int | None]],
    notes: Mapping[int, Mapping[str, str]] | None = None,
    *,
    new_status: ReturnStatus = ReturnStatus.SUBMITTED,
    received_date: dt.date | None = None,
    who: str | None = None,
    today: dt.date | None = None,
    versions: Mapping[int, int] | None = None,
) -> Changed:
    """Save the grid's edits for `quarter` in one transaction: every row, or none.

    `edits` maps strand id → {measure key: text or int} for the cells changed (a key left out
    keeps its figure; None or a blank clears it). `notes` maps strand id → {measure key: note},
    with the return's own notes under `RETURN_NOTE`. A strand with no return gets one at
    `new_status` (submitted: the provider's figures came in; received `received_date`, or today)
    unless every cell of its row is blank. Statuses of existing returns stay, except that a
    verified return whose figures change goes back to submitted.

    `versions` maps strand id → the return's version the grid loaded (`GridRow.version`); a row
    saved by someone else since refuses the whole save with `StaleRecordError`, writing nothing.

    Raises `GridRefused` naming each strand reference and its problems, writing nothing, when any
    row has an error (warnings are saved: they block only verifying), is locked and would change, or is not a strand
    running in the quarter.
    """
    edited = sorted(set(edits) | set(notes or {}))
    try:
        with refused_when_raced(db, _first_return(quarter, edited), holder="grid"):
            with db.transaction(who=who) as session:
                written = write_edits(
                    session, quarter, edits, notes, new_status=new_status, received_date=received_date,
                    today=today or dt.date.today(), versions=versions,
                )
    except IntegrityError:
        # Another officer created one of these returns at the same moment.
        with db.reading() as session:
            record = _first_return(quarter, edited)(session)
            if record is None:
                raise
            raise stale_error(session, record, holder="grid") from None
    return Changed.returns_of(written, quarter)


_NOTHING_STORED = StoredFigures({}, {RETURN_NOTE: ""}, {})


def _rows_to_write(session: Session, work, ids: Mapping[str, int]):
    """The returns `work` changes (id → object, figures not loaded) and, of their figure rows,
    those that change (return id → measure id → object): two queries."""
    return_ids = [found.return_id for _strand, found, _plan, _status in work if found is not None]
    returns = {r.id: r for r in session.scalars(select(Return).where(Return.id.in_(return_ids)))} if return_ids else {}
    pairs = [
        (found.return_id, ids[key])
        for _strand, found, plan, _status in work if found is not None
        for key in plan.changed_keys() if key in found.values
    ]
    rows: dict[int, dict[int, ReturnValue]] = {}
    if pairs:
        query = select(ReturnValue).where(tuple_(ReturnValue.return_id, ReturnValue.measure_id).in_(pairs))
        for row in session.scalars(query):
            rows.setdefault(row.return_id, {})[row.measure_id] = row
    return returns, rows


def _first_return(quarter: Quarter, strand_ids: list[int]):
    """Names, for a refusal, the most recently changed of the edited rows' returns."""

    def describe(session: Session) -> EditedRecord | None:
        returns = stored_returns(session, quarter, strand_ids)
        if not returns:
            return None
        newest = max(returns.values(), key=lambda r: r.version)
        return return_record(newest.strand.reference, quarter.label, newest.id)

    return describe


def write_edits(
    session: Session,
    quarter: Quarter,
    edits: Mapping[int, Mapping[str, str | int | None]],
    notes: Mapping[int, Mapping[str, str]] | None = None,
    *,
    new_status: ReturnStatus = ReturnStatus.SUBMITTED,
    received_date: dt.date | None = None,
    today: dt.date,
    versions: Mapping[int, int] | None = None,
) -> int:
    """`save_grid`'s work inside the caller's transaction (the template import writes several
    quarters in one): check every edited row, raise `GridRefused` before writing anything if
    one is refused, otherwise write them all. Returns the strands whose returns were written."""
    notes = notes or {}
    edited = sorted(set(edits) | set(notes))
    strands = {s.id: s for s in session.scalars(select(Strand).where(Strand.id.in_(edited)))}
    checker = checker_for(session, quarter)
    # What is stored is read as plain rows: building every figure (and breakdown figure) of a
    # quarter as an object cost more than the save; only the rows that change are loaded below.
    stored = _stored_figures(session, quarter, edited, checker.keys)
    past = past_figures(session, quarter, list(strands))
    refused: dict[str, list] = {}
    checks: dict[int, ReturnCheck] = {}
    work = []
    for strand_id in edited:
        strand = strands.get(strand_id)
        if strand is None:
            refused[f"strand {strand_id}"] = ["This strand is not in the database; it may have been deleted."]
            continue
        found = stored.get(strand_id)
        if versions is not None and strand_id in versions:
            # Any save by someone else since the grid loaded refuses the batch (all or nothing).
            loaded = versions[strand_id]
            if found is None and loaded:
                raise StaleRecordError(
                    f"Return {strand.reference} {quarter.label} was deleted after you opened the grid; "
                    "nothing was saved. Reload the grid; what you typed is still in it."
                )
            if found is not None:
                refuse_if_stale(session, found.version, loaded,
                                return_record(strand.reference, quarter.label, found.return_id), holder="grid")
        row_edits = edits.get(strand_id, {})
        row_notes = notes.get(strand_id, {})
        if found is None and all(_blank(v) for v in row_edits.values()) and not any(
            (n or "").strip() for n in row_notes.values()
        ):
            continue  # nothing typed for a strand with no return: no return to make
        if found is None and not strand_runs_in(strand, quarter):
            refused[strand.reference] = [not_running_message(strand.reference, quarter)]
            continue
        plan = plan_return(
            checker,
            past[strand_id].history(),
            None,
            row_edits,
            {k: v for k, v in row_notes.items() if k != RETURN_NOTE},
            row_notes.get(RETURN_NOTE),
            stored=StoredFigures(found.values, found.notes, found.breakdowns) if found is not None else _NOTHING_STORED,
        )
        checks[strand_id] = plan.check
        if found is not None and found.status == ReturnStatus.LOCKED:
            if plan.changed:
                refused[strand.reference] = [str(ReturnLocked())]
            continue  # the same figures pasted over a locked row change nothing
        if plan.blocked:
            refused[strand.reference] = list(plan.problems)
            continue
        current = found.status if found is not None else None
        try:
            status = next_status(current, None, plan, new_return_status=new_status, where=strand.reference)
        except StatusRefused as error:
            refused[strand.reference] = [str(error)]
            continue
        if found is None or plan.changed or status != current:
            work.append((strand, found, plan, status))
    if refused:
        raise GridRefused(refused, checks)
    ids = measure_ids(session)
    returns, rows = _rows_to_write(session, work, ids)
    for strand, found, plan, status in work:
        return_ = returns[found.return_id] if found is not None else None
        apply_plan(
            session,
            strand=strand,
            quarter=quarter,
            return_=return_,
            plan=plan,
            status=status,
            received_date=received_date if return_ is None else None,
            measure_ids=ids,
            today=today,
            value_rows=rows.get(return_.id, {}) if return_ is not None else {},
        )
    session.flush()
    return [strand.id for strand, *_rest in work]
