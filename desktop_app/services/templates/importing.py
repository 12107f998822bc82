"""Importing filled templates: preview every file, then commit the whole batch or nothing.

`preview_import` reads each file (`excel.template_reader`: hostile and broken files refused
before and while parsing), matches its strands and period through the hidden record, and
checks every strand's figures with THE engine (`core.return_checks`, with the strand's history,
exactly as the form and the grid do). `commit_import` writes a previewed batch in one
transaction, after checking again inside it.

Decisions:

- Imported returns become "submitted" with the received date (default today): the provider sent
  them. A verified return whose figures the file does not change stays verified; a locked one
  is never changed (the preview says "locked: not changed").
- Warnings do not block: a workbook cannot carry an officer's notes, and refusing a provider's
  figures because they are unusual would only make the officer retype them. They are shown in
  the preview, and verification refuses the return until each is explained in a note.
- Blank input cells mean "not collected", like a blank in the form; the templates are
  prefilled with what is held, so a provider clears a cell only on purpose.
- Any refused file, or any error left, refuses the whole batch, naming each problem.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from desktop_app.core.periods import PeriodError, Quarter
from desktop_app.core.return_checks import ReturnCheck
from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.services.changes import RETURNS, Changed
from desktop_app.services.errors import ServiceError
from desktop_app.services.returns.errors import allowed_or_refuse
from desktop_app.services.returns.figures import apply_plan, plan_return, stored_values
from desktop_app.services.returns.lookups import (
    checker_for,
    measure_ids,
    past_figures,
    stored_returns,
    strand_runs_in,
)
from desktop_app.services.templates.preview import (
    CHANGED,
    EMPTY,
    LOCKED,
    NEW,
    SUBMIT,
    UNCHANGED,
    ImportFile,
    ImportPreview,
    StrandImport,
    ValueChange,
)
from desktop_app.store.audit import AUDIT_INFO_REASON
from desktop_app.store.database import Database
from desktop_app.store.models import Return, Strand

if TYPE_CHECKING:
    from desktop_app.excel.template_reader import FilledStrand, FilledTemplate

__all__ = ["ImportCancelled", "ImportRefused", "commit_import", "preview_import"]

Progress = Callable[[float, str], None]
Cancelled = Callable[[], bool]

# The share of the progress bar spent reading files; checking against the database takes the rest.
_READING_SHARE = 0.85


class ImportRefused(ServiceError, ValueError):
    """The batch was not imported; `lines` names each problem (file, sheet, cell, what)."""

    def __init__(self, head: str, lines: Iterable[str] = ()) -> None:
        self.lines = tuple(lines)
        super().__init__("\n".join([head, *self.lines]))


class ImportCancelled(ServiceError):
    """The officer cancelled the preview; nothing was read into the database."""


def _line(file_name: str, message: str, sheet: str | None = None, cell: str | None = None) -> str:
    from desktop_app.excel.template_reader import TemplateProblem

    return TemplateProblem(message, sheet, cell).line(file_name)


def _read_files(paths: list[Path], progress: Progress | None, cancelled: Cancelled | None):
    """Each path → its FilledTemplate, or an ImportFile already refused."""
    from desktop_app.excel.template_reader import TemplateRefused, read_template

    read: list[FilledTemplate | ImportFile] = []
    for index, path in enumerate(paths):
        if cancelled is not None and cancelled():
            raise ImportCancelled("The import was cancelled; nothing was imported.")
        if progress is not None:
            progress(_READING_SHARE * index / len(paths), f"Reading {path.name}")
        try:
            read.append(read_template(path))
        except TemplateRefused as refused:
            read.append(ImportFile(path, problems=tuple(p.line(path.name) for p in refused.problems)))
    return read


def _quarter_or_problem(filled: FilledTemplate, period: Quarter | None) -> tuple[Quarter | None, str | None]:
    name = filled.path.name
    try:
        quarter = Quarter.parse(filled.period)
    except (PeriodError, TypeError):
        return None, _line(name, f"its period {filled.period!r} is not a quarter; make a fresh template")
    if period is not None and quarter != period:
        return quarter, _line(
            name, f"is the template for {quarter.label}, not {period.label}: import it with {quarter.label}'s returns"
        )
    return quarter, None


def _problem_lines(check: ReturnCheck, filled: FilledTemplate, strand: FilledStrand, *, errors: bool) -> tuple[str, ...]:
    skip = {key for key, value in strand.values.items() if value is None and key in _formula_keys(filled, strand)}
    found = check.errors if errors else check.warnings
    return tuple(
        _line(filled.path.name, p.message, strand.sheet, strand.cells.get(p.measure_key or ""))
        for p in found
        if p.measure_key not in skip  # the reader already named each formula cell
    )


def _formula_keys(filled: FilledTemplate, strand: FilledStrand) -> set[str]:
    cells = {p.cell for p in filled.problems if p.sheet == strand.sheet}
    return {key for key, cell in strand.cells.items() if cell in cells}


def _plan_strand(filled, strand, db_strand, quarter, checker, return_, history) -> StrandImport:
    """What importing one strand's sheet would do, checked by the engine."""
    status = return_.status if return_ is not None else None
    held = stored_values(return_, checker.keys)
    plan = plan_return(checker, history, return_, strand.values)
    after = plan.check.collected()
    labels = {m.key: m.label for m in checker.measures}
    new_values = tuple(
        ValueChange(k, labels[k], strand.cells[k], None, v) for k, v in after.items() if k not in held
    )
    changed_values = tuple(
        ValueChange(k, labels[k], strand.cells[k], old, after.get(k))
        for k, old in held.items()
        if after.get(k) != old
    )
    base = dict(
        strand_id=db_strand.id, reference=db_strand.reference, name=db_strand.name, sheet=strand.sheet,
        quarter=quarter, status_before=status, new_values=new_values, changed_values=changed_values,
        entered=dict(strand.values), held=held,
    )
    if status == ReturnStatus.LOCKED:
        return StrandImport(action=LOCKED, status_after=status, **base)
    errors = _problem_lines(plan.check, filled, strand, errors=True)
    if return_ is None and not strand_runs_in(db_strand, quarter):
        errors += (
            _line(filled.path.name, f"strand {db_strand.reference} does not run in {quarter.label}", strand.sheet),
        )
    if return_ is None and not after and not errors:
        return StrandImport(action=EMPTY, status_after=None, **base)
    warnings = _problem_lines(plan.check, filled, strand, errors=False)
    if return_ is None:
        action, status_after = NEW, ReturnStatus.SUBMITTED
    elif plan.values_changed:
        action, status_after = CHANGED, ReturnStatus.SUBMITTED
    elif status == ReturnStatus.DRAFT:
        action, status_after = SUBMIT, ReturnStatus.SUBMITTED
    else:
        action, status_after = UNCHANGED, status
    return StrandImport(action=action, status_after=status_after, errors=errors, warnings=warnings, **base)


def _check_quarter(session, quarter: Quarter, files: list[FilledTemplate], seen: dict) -> list[ImportFile]:
    """Match each file's strands to the database and plan them: a handful of queries per quarter."""
    checker = checker_for(session, quarter)
    ids = {s.strand_id for f in files for s in f.strands}
    strands = {s.id: s for s in session.scalars(select(Strand).where(Strand.id.in_(ids)))} if ids else {}
    returns = stored_returns(session, quarter, list(strands))
    past = past_figures(session, quarter, list(strands))
    wanted = set(checker.keys)
    results = []
    for filled in files:
        name = filled.path.name
        problems = [p.line(name) for p in filled.problems]
        planned: list[StrandImport] = []
        for strand in filled.strands:
            db_strand = strands.get(strand.strand_id)
            if db_strand is None or db_strand.reference != strand.reference:
                problems.append(
                    _line(name, f"strand {strand.reference} is not in the database (or its reference changed)", strand.sheet)
                )
                continue
            if set(strand.values) != wanted:
                problems.append(
                    _line(name, f"asks for other measures than {quarter.label} now does: make a fresh template", strand.sheet)
                )
                continue
            other = seen.setdefault((strand.strand_id, quarter), name)
            if other != name:
                # Still planned below, so its own errors show too.
                problems.append(
                    _line(name, f"{strand.reference}'s {quarter.label} return is also in {other}; import only one", strand.sheet)
                )
            history = past[strand.strand_id].history()
            planned.append(
                _plan_strand(filled, strand, db_strand, quarter, checker, returns.get(strand.strand_id), history)
            )
        results.append(ImportFile(filled.path, quarter, filled.provider_name, tuple(problems), tuple(planned)))
    return results


def preview_import(
    db: Database,
    paths: Iterable[Path | str],
    *,
    period: Quarter | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ImportPreview:
    """Read and check every file; nothing is written. `period`, when given, refuses templates
    of any other quarter (the window passes the quarter on screen).

    Each file is ready or refused (one line per problem, naming the file, sheet and cell);
    each strand lists its new and changed figures, the engine's errors and warnings, and what
    a commit would do. `progress(fraction, text)` is called per file and `cancelled()` polled
    between files (raises `ImportCancelled`), so the window can run this off the UI thread.
    """
    unique: dict[Path, Path] = {}
    for path in map(Path, paths):
        unique.setdefault(path.expanduser().absolute(), path)  # a file chosen twice is read once
    ordered = list(unique.values())
    if not ordered:
        return ImportPreview(files=())
    read = _read_files(ordered, progress, cancelled)
    if progress is not None:
        progress(_READING_SHARE, "Checking the figures")
    by_quarter: dict[Quarter, list[FilledTemplate]] = {}
    early: dict[Path, ImportFile] = {}
    for item in read:
        if isinstance(item, ImportFile):
            early[item.path] = item
            continue
        quarter, problem = _quarter_or_problem(item, period)
        if problem is not None:
            early[item.path] = ImportFile(item.path, quarter, item.provider_name, (problem,))
        else:
            by_quarter.setdefault(quarter, []).append(item)
    checked: dict[Path, ImportFile] = dict(early)
    seen: dict = {}
    with db.reading() as session:
        for quarter in sorted(by_quarter):
            for result in _check_quarter(session, quarter, by_quarter[quarter], seen):
                checked[result.path] = result
    if progress is not None:
        progress(1.0, "Preview ready")
    return ImportPreview(files=tuple(checked[path] for path in ordered))


def _held_now(return_: Return | None, keys) -> tuple[ReturnStatus | None, dict[str, int]]:
    return (return_.status if return_ is not None else None), stored_values(return_, keys)


def commit_import(
    db: Database,
    preview: ImportPreview,
    *,
    received_date: dt.date | None = None,
    who: str | None = None,
    today: dt.date | None = None,
) -> Changed:
    """Write a previewed batch in one transaction: every return the preview would write, or none.

    Returns written become submitted (a verified return whose figures do not change stays
    verified) with `received_date` (default today); locked returns are never touched. Each
    audit row names the file it came from. A SQLite database is backed up first.

    Refuses with `ImportRefused`, writing nothing, when the batch is empty, any file is refused
    or has an error, or a return changed since the preview (preview again).
    """
    today = today or dt.date.today()
    received = received_date or today
    if not preview.files:
        raise ImportRefused("Nothing was imported: no files were chosen.")
    if not preview.ok:
        refused = preview.refused_files
        raise ImportRefused(
            f"Nothing was imported: {len(refused)} of {len(preview.files)} files refused; "
            "remove them from the batch or fix them.",
            [f.refusal_line() for f in refused],
        )
    work = preview.to_write
    if not work:
        return Changed.of()
    if db.path is not None:
        from desktop_app.store.backup import rotating_backup

        rotating_backup(db.path, "before-import")
    by_quarter: dict[Quarter, list[tuple[ImportFile, StrandImport]]] = {}
    for item in preview.files:
        for strand in item.strands:
            if strand.writes:
                by_quarter.setdefault(strand.quarter, []).append((item, strand))
    with db.transaction(who=who) as session:
        for quarter, pairs in sorted(by_quarter.items()):
            _write_quarter(session, quarter, pairs, received=received, today=today)
    return Changed.of(RETURNS)


def _write_quarter(session, quarter: Quarter, pairs, *, received: dt.date, today: dt.date) -> None:
    checker = checker_for(session, quarter)
    ids = [strand.strand_id for _, strand in pairs]
    strands = {s.id: s for s in session.scalars(select(Strand).where(Strand.id.in_(ids)))}
    returns = stored_returns(session, quarter, ids)
    past = past_figures(session, quarter, ids)
    keys = measure_ids(session)
    reason = None
    for item, planned in pairs:
        if f"Imported from {item.name}" != reason:
            # Each file's audit rows say where the figures came from: flush file by file.
            session.flush()
            reason = session.info[AUDIT_INFO_REASON] = f"Imported from {item.name}"
        return_ = returns.get(planned.strand_id)
        status, held = _held_now(return_, checker.keys)
        where = f"{planned.reference} {quarter.label}"
        if status == ReturnStatus.LOCKED:
            continue  # locked since the preview: an import never changes a locked return
        strand = strands.get(planned.strand_id)
        if strand is None:
            raise ImportRefused(f"Nothing was imported: {where} was deleted since the preview.")
        if status != planned.status_before or held != dict(planned.held):
            raise ImportRefused(
                f"Nothing was imported: {where} was changed by someone else since the preview; preview the import again."
            )
        plan = plan_return(checker, past[planned.strand_id].history(), return_, planned.entered)
        if plan.check.errors:
            raise ImportRefused(
                f"Nothing was imported: {where} no longer passes the checks.",
                [p.message for p in plan.check.errors],
            )
        if planned.status_after != status:
            allowed_or_refuse(status, planned.status_after, where=where)
        apply_plan(
            session, strand=strand, quarter=quarter, return_=return_, plan=plan,
            status=planned.status_after, received_date=received, measure_ids=keys, today=today,
        )
    session.flush()
