"""Importing filled templates: preview every file, then commit the whole batch or nothing.

`preview_import` (here) reads each file (`excel.template_reader`: hostile and broken files refused
before and while parsing), matches its strands and period through the hidden record, and
checks every strand's figures with THE engine (`core.return_checks`, with the strand's history,
exactly as the form and the grid do). `commit_import` (`committing`) writes a previewed batch
in one transaction, after checking again inside it.

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
- A template made before a measure was added or retired, or a breakdown or category changed
  (its catalogue checksum differs from what the quarter asks for now), is refused: "made with
  an older catalogue: make a new template". Templates of versions 1 to 3 carry no breakdowns
  and no such checksum: they are still read, for their totals, when they ask for exactly the
  measures the quarter asks for now (templates already sent out come back in them; the held
  breakdowns stay, and the engine checks them against the new totals, so a total that falls
  below its breakdown is an error and one that rises past it a warning), and refused with the
  same sentence when they do not.
- A breakdown's categories go through the engine with the totals: over the total is an error,
  short of it a warning, each naming the sheet and the cell (the largest category's, or the
  total's).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.core.periods import PeriodError, Quarter
from desktop_app.core.return_checks import Problem, ReturnCheck, ReturnChecker, StrandHistory
from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.services.errors import ServiceError
from desktop_app.services.progress import CancelCheck, Progress, stop_if_cancelled, tell
from desktop_app.services.returns.figures import plan_return, stored_breakdowns, stored_values
from desktop_app.services.returns.lookups import (
    checker_for,
    past_figures,
    stored_returns,
    strand_runs_in,
)
from desktop_app.services.templates.claims_import import plan_claims
from desktop_app.services.templates.making import template_measures
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
    display_name,
)
from desktop_app.store.database import Database
from desktop_app.store.models import Return, Strand

if TYPE_CHECKING:
    from desktop_app.excel.template_reader import FilledStrand, FilledTemplate

__all__ = ["OLDER_CATALOGUE", "ImportRefused", "preview_import"]

OLDER_CATALOGUE = "was made with an older catalogue: make a new template"

# The share of the progress bar spent reading files; checking against the database takes the rest.
_READING_SHARE = 0.85
_MESSAGE_MAX = 300
# What a chosen folder is searched for: workbooks, and what is often mistaken for one (refused with
# what to do, e.g. a LibreOffice .ods: how to save it as .xlsx).
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".ods")


class ImportRefused(ServiceError, ValueError):
    """The batch was not imported; `lines` names each problem (file, sheet, cell, what)."""

    def __init__(self, head: str, lines: Iterable[str] = ()) -> None:
        self.lines = tuple(lines)
        super().__init__("\n".join([head, *self.lines]))


def _line(file_name: str, message: str, sheet: str | None = None, cell: str | None = None) -> str:
    from desktop_app.excel.template_reader import TemplateProblem

    return TemplateProblem(message, sheet, cell).line(file_name)


def _read_files(paths: list[Path], progress: Progress | None, cancelled: CancelCheck | None):
    """Each path → its FilledTemplate, or an ImportFile already refused."""
    from desktop_app.excel.template_reader import TemplateRefused, read_template

    read: list[FilledTemplate | ImportFile] = []
    for index, path in enumerate(paths):
        stop_if_cancelled(cancelled, "The import was cancelled; nothing was imported.")
        tell(progress, _READING_SHARE * index / len(paths), f"Reading {display_name(path)}")
        try:
            read.append(read_template(path))
        except TemplateRefused as refused:
            read.append(ImportFile(path, problems=tuple(p.line(display_name(path)) for p in refused.problems)))
    return read


def _quarter_or_problem(filled: FilledTemplate, period: Quarter | None) -> tuple[Quarter | None, str | None]:
    name = display_name(filled.path)
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
    skip = _formula_keys(filled, strand)  # the reader already named each formula or date cell
    skip_cells = {p.cell for p in filled.problems if p.sheet == strand.sheet}
    found = check.errors if errors else check.warnings
    return tuple(
        _line(display_name(filled.path), _clip(p.message), strand.sheet, _cell_of(strand, p))
        for p in found
        if p.measure_key not in skip and _cell_of(strand, p) not in skip_cells
    )


def _cell_of(strand: FilledStrand, problem: Problem) -> str | None:
    """The cell a problem is about: its category's, when it names one, else its measure's."""
    if problem.breakdown_key and problem.category_key:
        cell = strand.breakdown_cells.get((problem.measure_key or "", problem.breakdown_key, problem.category_key))
        if cell is not None:
            return cell
    return strand.cells.get(problem.measure_key or "")


def _clip(message: str) -> str:
    # The engine quotes what was typed; a cell can hold 32,767 characters.
    return message if len(message) <= _MESSAGE_MAX else message[: _MESSAGE_MAX - 1] + "…"


def _formula_keys(filled: FilledTemplate, strand: FilledStrand) -> set[str]:
    cells = {p.cell for p in filled.problems if p.sheet == strand.sheet}
    return {key for key, cell in strand.cells.items() if cell in cells}


def _refused(entered: object, read: int | None) -> object:
    """What a cell holds that could not be read as a count ('about 400'), else None."""
    if read is None and entered is not None and str(entered).strip():
        return entered
    return None


def _plan_strand(
    filled: FilledTemplate,
    strand: FilledStrand,
    db_strand: Strand,
    quarter: Quarter,
    checker: ReturnChecker,
    return_: Return | None,
    history: StrandHistory,
) -> StrandImport:
    """What importing one strand's sheet would do, checked by the engine."""
    status = return_.status if return_ is not None else None
    held = stored_values(return_, checker.keys)
    # A template before version 4 has no blocks: the breakdowns held are left as they are.
    entered_breakdowns = dict(strand.breakdowns) if strand.breakdown_cells else None
    plan = plan_return(checker, history, return_, strand.values, breakdowns=entered_breakdowns)
    after = plan.check.collected()
    labels = {m.key: m.label for m in checker.measures}
    breakdowns_before = stored_breakdowns(return_, checker.keys)
    breakdowns_after = plan.check.collected_breakdowns()
    breakdown_changes = _breakdown_changes(checker, strand, breakdowns_before, breakdowns_after)
    new_values = tuple(
        ValueChange(k, labels[k], strand.cells[k], None, v) for k, v in after.items() if k not in held
    )
    changed_values = tuple(
        ValueChange(k, labels[k], strand.cells[k], old, after.get(k), refused=_refused(strand.values.get(k), after.get(k)))
        for k, old in held.items()
        if after.get(k) != old
    )
    base = dict(
        strand_id=db_strand.id, reference=db_strand.reference, name=db_strand.name, sheet=strand.sheet,
        quarter=quarter, status_before=status, new_values=new_values, changed_values=changed_values,
        entered=dict(strand.values), held=held, version_before=return_.version if return_ is not None else 0,
        entered_breakdowns=entered_breakdowns, breakdown_changes=breakdown_changes,
    )
    if status == ReturnStatus.LOCKED:
        return StrandImport(action=LOCKED, status_after=status, **base)
    errors = _problem_lines(plan.check, filled, strand, errors=True)
    if return_ is None and not strand_runs_in(db_strand, quarter):
        errors += (
            _line(display_name(filled.path), f"strand {db_strand.reference} does not run in {quarter.label}", strand.sheet),
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


def _breakdown_changes(
    checker: ReturnChecker, strand: FilledStrand, before: dict, after: dict
) -> tuple[tuple[str, int], ...]:
    """(breakdown's name with its cells, how many of its categories change) for each breakdown
    the file changes, in the sheet's order."""
    found = []
    for measure in checker.measures:
        for breakdown in checker.breakdowns_of(measure.key):
            cells = [(measure.key, breakdown.key, c.key) for c in breakdown.categories]
            changed = sum(before.get(cell) != after.get(cell) for cell in cells)
            if changed:
                addresses = [strand.breakdown_cells[c] for c in cells if c in strand.breakdown_cells]
                where = f" (cells {addresses[0]}–{addresses[-1]})" if addresses else ""
                found.append((f"{measure.label} by {breakdown.label.lower()}{where}", changed))
    return tuple(found)


def _check_quarter(
    session: Session, quarter: Quarter, files: list[FilledTemplate], seen: dict[tuple[int, Quarter], Path]
) -> list[ImportFile]:
    """Match each file's strands to the database and plan them: a handful of queries per quarter."""
    from desktop_app.excel.template_writer import catalogue_checksum

    checker = checker_for(session, quarter)
    ids = {s.strand_id for f in files for s in (*f.strands, *f.spend)}
    strands = {s.id: s for s in session.scalars(select(Strand).where(Strand.id.in_(ids)))} if ids else {}
    returns = stored_returns(session, quarter, list(strands))
    past = past_figures(session, quarter, list(strands))
    wanted = set(checker.keys)
    catalogue = catalogue_checksum(template_measures(checker))
    results = []
    for filled in files:
        name = display_name(filled.path)
        problems = [p.line(name) for p in filled.problems]
        planned: list[StrandImport] = []
        older = (filled.catalogue is not None and filled.catalogue != catalogue) or (
            filled.catalogue is None and any(set(s.values) != wanted for s in filled.strands)
        )
        if older:
            # Nothing of it is planned: its sheets ask for what the quarter no longer asks.
            problems = [_line(name, f"{OLDER_CATALOGUE} ({quarter.label} asks for other measures or "
                                    "breakdowns now than when it was made)")]
            results.append(ImportFile(filled.path, quarter, filled.provider_name, tuple(problems)))
            continue
        for strand in filled.strands:
            db_strand = strands.get(strand.strand_id)
            if db_strand is None or db_strand.reference != strand.reference:
                problems.append(
                    _line(name, f"strand {strand.reference} is not in the database (or its reference changed)", strand.sheet)
                )
                continue
            other = seen.setdefault((strand.strand_id, quarter), filled.path)
            if other != filled.path:
                # Still planned below, so its own errors show too.
                also = display_name(other)
                problems.append(
                    _line(name, f"{strand.reference}'s {quarter.label} return is also in {also}; import only one", strand.sheet)
                )
            history = past[strand.strand_id].history()
            planned.append(
                _plan_strand(filled, strand, db_strand, quarter, checker, returns.get(strand.strand_id), history)
            )
        claims, claim_problems = plan_claims(session, filled, quarter, strands)
        problems += claim_problems
        results.append(
            ImportFile(filled.path, quarter, filled.provider_name, tuple(problems), tuple(planned), tuple(claims))
        )
    return results


def _expand(paths: Iterable[Path | str]) -> list[Path]:
    """The files chosen, a folder standing for the workbooks (and look-alikes) directly in it."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(
                p for p in path.iterdir()
                # Excel's "~$name.xlsx" lock files and hidden files are not returns.
                if p.is_file() and p.suffix.lower() in _WORKBOOK_SUFFIXES and not p.name.startswith(("~$", "."))
            )
        else:
            found.append(path)
    return found


def preview_import(
    db: Database,
    paths: Iterable[Path | str],
    *,
    period: Quarter | None = None,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> ImportPreview:
    """Read and check every file; nothing is written. A folder in `paths` stands for the
    .xlsx files in it (and any .xls, .xlsm, .csv or .ods, each refused saying what to do). `period`, when
    given, refuses templates of any other quarter (the window passes the quarter on screen).

    Each file is ready or refused (one line per problem, naming the file, sheet and cell);
    each strand lists its new and changed figures, the engine's errors and warnings, and what
    a commit would do. `progress(fraction, text)` is called per file and `cancelled()` polled
    between files (raises `Cancelled`), so the window can run this off the UI thread.
    """
    unique: dict[Path, Path] = {}
    for path in _expand(paths):
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
    seen: dict[tuple[int, Quarter], Path] = {}
    with db.reading() as session:
        for quarter in sorted(by_quarter):
            for result in _check_quarter(session, quarter, by_quarter[quarter], seen):
                checked[result.path] = result
    if progress is not None:
        progress(1.0, "Preview ready")
    return ImportPreview(files=tuple(checked[path] for path in ordered))
