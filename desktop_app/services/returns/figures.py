"""Checking and writing one return's figures: shared by the form's save, the grid's save and
the status changes, so all three merge, check and store a return the same way.

What was entered is laid over what is stored (a measure not mentioned keeps its figure; None
or a blank clears it), the engine checks the result with the strand's history, and only then is
anything written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from desktop_app.core.periods import Quarter
from desktop_app.core.return_checks import (
    RETURN_NOTE,
    BreakdownCell,
    Problem,
    ReturnCheck,
    ReturnChecker,
    StrandHistory,
    blocking,
)
from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.services.returns.errors import ReturnRefused, allowed_or_refuse
from desktop_app.services.returns.lookups import period_row
from desktop_app.store.models import Return, ReturnBreakdownValue, ReturnValue, Strand

__all__ = [
    "ReturnPlan", "StoredFigures", "apply_plan", "next_status", "plan_return", "stored_breakdowns", "stored_notes", "stored_values",
]


def stored_values(return_: Return | None, keys: tuple[str, ...]) -> dict[str, int]:
    """The return's figures for the period's measures (no key: not collected)."""
    if return_ is None:
        return {}
    wanted = set(keys)
    return {v.measure.key: v.value for v in return_.values if v.measure.key in wanted}


def stored_breakdowns(return_: Return | None, keys: tuple[str, ...]) -> dict[BreakdownCell, int]:
    """The return's breakdown figures for the period's measures, by (measure, breakdown, category)."""
    if return_ is None:
        return {}
    wanted = set(keys)
    return {
        (v.measure.key, v.category.breakdown.key, v.category.key): v.value
        for v in return_.breakdown_values
        if v.measure.key in wanted
    }


def stored_notes(return_: Return | None) -> dict[str, str]:
    """Measure key → note, and the return's own notes under `RETURN_NOTE`."""
    if return_ is None:
        return {RETURN_NOTE: ""}
    found = {v.measure.key: v.note for v in return_.values if v.note}
    found[RETURN_NOTE] = return_.notes or ""
    return found


@dataclass(frozen=True)
class StoredFigures:
    """A return's figures, notes (its own under `RETURN_NOTE`) and breakdown figures as stored,
    read as plain rows (the grid reads a whole quarter of them) rather than from its objects."""

    values: Mapping[str, int]
    notes: Mapping[str, str]
    cells: Mapping[BreakdownCell, int]


@dataclass(frozen=True)
class ReturnPlan:
    """What saving would do to one return, worked out before anything is written."""

    check: ReturnCheck
    notes: dict[str, str]  # every note after the save, the return's own under RETURN_NOTE
    problems: tuple[Problem, ...]  # what blocks the save: errors only
    unexplained: tuple[Problem, ...]  # warnings with no note: saved, but they block verifying
    values_changed: bool
    notes_changed: bool
    # What was stored before: `changed_keys` compares with it.
    stored_values: Mapping[str, int] = field(default_factory=dict)
    stored_notes: Mapping[str, str] = field(default_factory=dict)

    def changed_keys(self) -> list[str]:
        """The measures whose figure row apply_plan would add, change or delete."""
        return [
            key for key, value in self.check.values.items()
            if value != self.stored_values.get(key)
            or (value is not None and (_clean(self.notes.get(key)) or None) != (self.stored_notes.get(key) or None))
        ]

    @property
    def blocked(self) -> bool:
        return bool(self.problems)

    @property
    def changed(self) -> bool:
        return self.values_changed or self.notes_changed


def _clean(note: str | None) -> str:
    return (note or "").strip()


def plan_return(
    checker: ReturnChecker,
    history: StrandHistory,
    return_: Return | None,
    entered: Mapping[str, object],
    notes: Mapping[str, str] | None = None,
    return_notes: str | None = None,
    breakdowns: Mapping[BreakdownCell, object] | None = None,
    *,
    stored: StoredFigures | None = None,
) -> ReturnPlan:
    """Lay `entered`, `breakdowns` and `notes` over what is stored and check the result.

    `stored`: what the return holds, when the caller read it as plain rows (`return_` is then
    not looked into, and may be None for a return not made yet)."""
    if stored is not None:
        wanted = set(checker.keys)
        before_values = {k: v for k, v in stored.values.items() if k in wanted}
        before_breakdowns = {c: v for c, v in stored.cells.items() if c[0] in wanted}
    else:
        before_values = stored_values(return_, checker.keys)
        before_breakdowns = stored_breakdowns(return_, checker.keys)
    merged_breakdowns: dict[BreakdownCell, object] = dict(before_breakdowns)
    merged_breakdowns.update(breakdowns or {})
    before_notes = dict(stored.notes) if stored is not None else stored_notes(return_)
    merged: dict[str, object] = dict(before_values)
    merged.update(entered)
    after_notes = dict(before_notes)
    after_notes.update(notes or {})
    if return_notes is not None:
        after_notes[RETURN_NOTE] = return_notes
    check = checker.check(merged, history, merged_breakdowns)
    # One policy for the form, the grid and the import: a warning never stops a save (nothing
    # typed is held hostage to a note); it stops verification until it is explained.
    problems = list(check.errors)
    unexplained = [p for p in blocking(check, after_notes) if not p.is_error]
    values_changed = check.collected() != before_values or check.collected_breakdowns() != before_breakdowns
    # Notes on figures not collected are not kept (there is no row to hold them).
    kept = set(check.collected()) | {RETURN_NOTE}
    notes_changed = {k: _clean(v) for k, v in after_notes.items() if k in kept and _clean(v)} != {
        k: _clean(v) for k, v in before_notes.items() if k in kept and _clean(v)
    }
    return ReturnPlan(check, after_notes, tuple(problems), tuple(unexplained), values_changed, notes_changed,
                      before_values, before_notes)


def next_status(
    current: ReturnStatus | None,
    requested: ReturnStatus | None,
    plan: ReturnPlan,
    *,
    new_return_status: ReturnStatus,
    where: str,
) -> ReturnStatus:
    """The status after the save. A verified return whose figures change goes back to
    submitted (its verification was of other figures) unless verified is asked for again."""
    if current is None:
        target = requested or new_return_status
        allowed_or_refuse(None, target, where=where)
        _refuse_unexplained(plan, target, where)
        return target
    if requested is not None and requested != current:
        allowed_or_refuse(current, requested, where=where)
        _refuse_unexplained(plan, requested, where)
        return requested
    if current == ReturnStatus.VERIFIED and plan.values_changed:
        return ReturnStatus.SUBMITTED
    return current


def _refuse_unexplained(plan: ReturnPlan, target: ReturnStatus, where: str) -> None:
    if target == ReturnStatus.VERIFIED and plan.unexplained:
        raise ReturnRefused(plan.check, plan.unexplained, where, verifying=True)


def apply_plan(
    session: Session,
    *,
    strand: Strand,
    quarter: Quarter,
    return_: Return | None,
    plan: ReturnPlan,
    status: ReturnStatus,
    received_date: dt.date | None,
    measure_ids: Mapping[str, int],
    today: dt.date,
    category_ids: Mapping[tuple[str, str], int] | None = None,
    value_rows: Mapping[int, ReturnValue] | None = None,
) -> Return:
    """Write the plan: create the period and return when missing, add, change or delete figure
    rows, notes, status and received date. The caller has checked `plan.blocked` is False.

    `value_rows`: the stored figure rows of `plan.changed_keys()` by measure id, when the caller
    loaded only those (a grid writing a quarter); the return's `values` are then not loaded."""
    created = return_ is None
    partial = value_rows is not None and not created
    if return_ is None:
        return_ = Return(
            strand=strand,
            period=period_row(session, quarter, create=True),
            status=status,
            notes="",
            copied_from_previous=False,
        )
        session.add(return_)
    status_changed = return_.status != status
    rows = value_rows if partial else {v.measure_id: v for v in return_.values}
    keys = plan.changed_keys() if partial else plan.check.values
    for key in keys:
        value = plan.check.values[key]
        row = rows.get(measure_ids[key])
        note = _clean(plan.notes.get(key)) or None
        if value is None:
            if row is not None and partial:
                session.delete(row)
            elif row is not None:
                return_.values.remove(row)  # delete-orphan: no row means "not collected"
        elif row is None and partial:
            session.add(ReturnValue(return_id=return_.id, measure_id=measure_ids[key], value=value, note=note))
        elif row is None:
            return_.values.append(ReturnValue(measure_id=measure_ids[key], value=value, note=note))
        else:
            if row.value != value:
                row.value = value
            if row.note != note:
                row.note = note
    if category_ids is not None:
        _apply_breakdowns(return_, plan.check, measure_ids, category_ids)
    new_notes = _clean(plan.notes.get(RETURN_NOTE))
    if (return_.notes or "") != new_notes:
        return_.notes = new_notes
    if status_changed:
        return_.status = status
    if received_date is not None:
        return_.received_date = received_date
    elif status == ReturnStatus.SUBMITTED and return_.received_date is None:
        # Submitted means received: when no date was given, it came in today.
        return_.received_date = today
    # An officer's edit makes a copied draft their own.
    if return_.copied_from_previous and (plan.changed or status_changed):
        return_.copied_from_previous = False
    # A figure is a row of its own; changing one is still a change to the return, so its
    # version moves and a form opened before this save is refused (see services.stale_edits).
    if not created and plan.changed:
        return_.version = return_.version + 1
    return return_


def _apply_breakdowns(
    return_: Return,
    check: ReturnCheck,
    measure_ids: Mapping[str, int],
    category_ids: Mapping[tuple[str, str], int],
) -> None:
    """Add, change or delete breakdown rows so they hold exactly the checked figures."""
    wanted = {
        (measure_ids[m], category_ids[(b, c)]): value for (m, b, c), value in check.collected_breakdowns().items()
    }
    checked_measures = {measure_ids[key] for key in check.values}
    for row in list(return_.breakdown_values):
        key = (row.measure_id, row.category_id)
        if key not in wanted:
            if row.measure_id in checked_measures:
                return_.breakdown_values.remove(row)  # delete-orphan
        elif row.value != wanted[key]:
            row.value = wanted[key]
    have = {(row.measure_id, row.category_id) for row in return_.breakdown_values}
    for (measure_id, category_id), value in wanted.items():
        if (measure_id, category_id) not in have:
            return_.breakdown_values.append(
                ReturnBreakdownValue(measure_id=measure_id, category_id=category_id, value=value)
            )
