"""The `check` verb: is the file sound, is the audit trail whole, and does every return keep
every catalogue rule, and every breakdown add up to its measure's total?

Read as a few narrow queries (`store.check_reads`: figures by measure key, breakdowns already
summed per return by SQL, where each return is), so the time goes on reading the file, not on
building labels: a return's place ("2022/23 Q1, strand WY-004 (Provider)") is worded only when
there is something to say about it, and the rules' labels once. A file is read through
Python's own sqlite3 (`check_target`), so a check does not wait for SQLAlchemy and the models
to import; a server, or a file that must first be upgraded, is opened the full way and read
with the same SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.core.numbers import format_count
from desktop_app.core.periods import FinancialYear, Quarter
from desktop_app.core.rules import check_rules
from desktop_app.services.audit_check import audit_trail_problems
from desktop_app.store.check_reads import (
    CheckReads,
    breakdown_sums,
    broken_references,
    integrity_lines,
    open_file_reads,
    read_catalogue,
    return_figures,
    return_places,
)

if TYPE_CHECKING:
    from desktop_app.store.database import Database

# Where SQLite's own findings of damage are placed. A damaged file is checked the full way, as
# it always was: opening refuses it with its sentence, or the check goes on past what it can read.
DAMAGE = "database file"


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class CheckResult:
    problems: tuple[Problem, ...]
    returns_checked: int
    rules_checked: int

    @property
    def ok(self) -> bool:
        return not self.problems


def _sqlite_problems(reads: CheckReads) -> list[Problem]:
    problems: list[Problem] = []
    integrity = integrity_lines(reads)
    if integrity != ["ok"]:
        problems += [Problem(DAMAGE, line) for line in integrity]
    for table, rowid, parent in broken_references(reads):
        problems.append(Problem(f"table {table}, row {rowid}", f"refers to a missing row of {parent}"))
    return problems


def _breakdown_message(name: str, added: int, total: int | None, in_sentence: str) -> str | None:
    # The form's words (core.return_checks), so check and the form say the same thing.
    if total is None:
        return f"{name}: the categories add up to {format_count(added)} but {in_sentence} is empty; enter the total too"
    if added > total:
        return (
            f"{name}: the categories add up to {format_count(added)}, more than the total of "
            f"{format_count(total)}; correct the categories or the total"
        )
    if added < total:
        return (
            f"{name}: the categories add up to {format_count(added)}, {format_count(total - added)} short of "
            f"the total of {format_count(total)}; count the rest under \"Not known\""
        )
    return None


def check_target(target: str) -> CheckResult:
    """`check` of a file path or a server URL, for the command line."""
    if "://" not in target:
        path = Path(target).expanduser().resolve()
        with open_file_reads(path) as reads:
            if reads is not None:
                problems = _sqlite_problems(reads)
                if not any(problem.where == DAMAGE for problem in problems):
                    return _checked(reads, problems)
    # A server, a file to upgrade or refuse first, or a damaged one: the full way, as it always was.
    from desktop_app.services.workspace import open_for_command

    with open_for_command(target, exclusive=False) as db:
        return run_checks(db)


def run_checks(db: Database) -> CheckResult:
    """Integrity of the file (SQLite), the audit trail, every measure rule on every return, and
    every breakdown against its total (more is an error; less should be counted as not known)."""
    from desktop_app.store.check_engine_reads import EngineReads

    with db.reading() as session:
        reads = EngineReads(session.connection())
        return _checked(reads, _sqlite_problems(reads) if db.is_sqlite else [])


def _checked(reads: CheckReads, problems: list[Problem]) -> CheckResult:
    problems = problems + [Problem(where, message) for where, message in audit_trail_problems(reads)]
    catalogue = read_catalogue(reads)
    places = return_places(reads)
    values = return_figures(reads)
    by_return = breakdown_sums(reads)

    rules = [r.rule for r in catalogue.rules]
    in_sentence = catalogue.labels_in_sentence
    labels = catalogue.labels
    quarter_labels: dict[tuple[int, int], str] = {}

    def where(return_id: int) -> str:
        year, quarter, reference, provider = places[return_id]
        if (year, quarter) not in quarter_labels:
            quarter_labels[(year, quarter)] = Quarter(FinancialYear(year), quarter).label
        return f"{quarter_labels[(year, quarter)]}, strand {reference} ({provider})"

    def order(return_id: int) -> tuple:
        year, quarter, reference, _provider = places.get(return_id, (0, 0, "", ""))
        return (year, quarter, reference)

    for return_id in sorted(values.keys() | by_return.keys(), key=order):
        measured = values.get(return_id, {})
        found: list[str] = []
        found += [f"{key} is negative ({value})" for key, value in measured.items() if isinstance(value, int) and value < 0]
        beyond = catalogue.figures_beyond_ceilings(measured)
        found += list(beyond.values())
        # The rules are judged on the figures a return can hold; the others are reported above.
        sound = {key: value for key, value in measured.items() if key not in beyond}
        found += [breach.message for breach in check_rules(rules, sound, in_sentence)]
        for measure_key, breakdown_label, added in by_return.get(return_id, ()):
            if measure_key in beyond:
                continue
            name = f"{labels.get(measure_key, measure_key)} by {breakdown_label.lower()}"
            message = _breakdown_message(name, added, sound.get(measure_key), in_sentence.get(measure_key, measure_key))
            if message is not None:
                found.append(message)
        if found:
            place = where(return_id)
            problems += [Problem(place, message) for message in found]
    return CheckResult(
        problems=tuple(problems), returns_checked=len(values), rules_checked=len(catalogue.rules)
    )
