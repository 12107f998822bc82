"""The grid's problems as the officer reads them: one line per problem of the rows in view, and
what would stop a save. Worked out from the engine's checks of each row and the notes given."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from desktop_app.core.return_checks import Problem, ReturnCheck, blocking
from desktop_app.services.returns import GridRow
from desktop_app.ui.pages.returns.markers import ERROR, MARK_WORDS, NOTED, WARNING

__all__ = ["GridProblem", "blocking_counts", "problem_lines"]


@dataclass(frozen=True)
class GridProblem:
    """One line of the problems list: which strand, which measure, what is wrong."""

    strand_id: int
    reference: str
    measure_key: str | None
    measure_label: str
    problem: Problem
    mark: str  # ERROR, WARNING (needs a note) or NOTED (a note explains it)
    note: str

    @property
    def words(self) -> str:
        return MARK_WORDS[self.mark]

    @property
    def message(self) -> str:
        return self.problem.message


def problem_lines(
    rows: Iterable[GridRow], checks: Mapping[int, ReturnCheck], notes_of: Callable[[GridRow], dict[str, str]],
    labels: Mapping[str, str],
) -> list[GridProblem]:
    """Every problem of `rows`: errors first, then warnings needing a note, then warnings
    already explained; each in grid order."""
    found: list[GridProblem] = []
    for row in rows:
        notes = notes_of(row)
        for problem in checks[row.strand_id].problems:
            note = notes.get(problem.note_key, "").strip()
            mark = ERROR if problem.is_error else (NOTED if note else WARNING)
            label = labels.get(problem.measure_key or "", "Whole return")
            found.append(GridProblem(row.strand_id, row.reference, problem.measure_key, label, problem, mark,
                                     "" if problem.is_error else note))
    order = {ERROR: 0, WARNING: 1, NOTED: 2}
    return sorted(found, key=lambda p: order[p.mark])  # stable: grid order within each


def blocking_counts(
    rows: Iterable[GridRow], checks: Mapping[int, ReturnCheck], notes_of: Callable[[GridRow], dict[str, str]]
) -> tuple[int, int]:
    """(errors, warnings with no note) in `rows`: what `save_grid` would refuse."""
    errors = warnings = 0
    for row in rows:
        for problem in blocking(checks[row.strand_id], notes_of(row)):
            errors, warnings = (errors + 1, warnings) if problem.is_error else (errors, warnings + 1)
    return errors, warnings
