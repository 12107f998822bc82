"""The `check` verb: is the file sound, is the audit trail whole, and does every return keep
every catalogue rule, and every breakdown add up to its measure's total?

Read as three narrow queries (figures as ids and numbers, breakdowns already summed per return,
measure and list by SQL, and where each return is), so the time goes on reading the file, not
on building labels: a return's place ("2022/23 Q1, strand WY-004 (Provider)") is worded only
when there is something to say about it, and the rules' labels once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select, text

from desktop_app.core.numbers import format_count
from desktop_app.core.periods import FinancialYear, Quarter
from desktop_app.core.rules import check_rules
from desktop_app.services.audit_check import audit_trail_problems
from desktop_app.services.catalogue import load_catalogue
from desktop_app.store.database import Database
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


def _sqlite_problems(db: Database) -> list[Problem]:
    problems: list[Problem] = []
    with db.engine.connect() as connection:
        integrity = [row[0] for row in connection.execute(text("PRAGMA integrity_check"))]
        if integrity != ["ok"]:
            problems += [Problem("database file", line) for line in integrity]
        for table, rowid, parent, _ in connection.execute(text("PRAGMA foreign_key_check")):
            problems.append(
                Problem(f"table {table}, row {rowid}", f"refers to a missing row of {parent}")
            )
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


def run_checks(db: Database) -> CheckResult:
    """Integrity of the file (SQLite), the audit trail, every measure rule on every return, and
    every breakdown against its total (more is an error; less should be counted as not known)."""
    problems = _sqlite_problems(db) if db.is_sqlite else []
    problems += [Problem(where, message) for where, message in audit_trail_problems(db)]
    with db.reading() as session:
        catalogue = load_catalogue(session)
        key_of = dict(session.execute(select(Measure.id, Measure.key)).all())
        places = {
            return_id: (year, quarter, reference, provider)
            for return_id, year, quarter, reference, provider in session.execute(
                select(Return.id, ReturnPeriod.financial_year, ReturnPeriod.quarter, Strand.reference, Provider.name)
                .join(Return.strand)
                .join(Strand.provider)
                .join(Return.period)
            )
        }
        values: dict[int, dict[str, int]] = defaultdict(dict)
        for return_id, measure_id, value in session.execute(
            select(ReturnValue.return_id, ReturnValue.measure_id, ReturnValue.value)
        ):
            values[return_id][key_of[measure_id]] = value
        breakdown_sums = session.execute(
            select(
                ReturnBreakdownValue.return_id, ReturnBreakdownValue.measure_id, Breakdown.label,
                func.sum(ReturnBreakdownValue.value),
            )
            .join(BreakdownCategory, BreakdownCategory.id == ReturnBreakdownValue.category_id)
            .join(Breakdown, Breakdown.id == BreakdownCategory.breakdown_id)
            .group_by(ReturnBreakdownValue.return_id, ReturnBreakdownValue.measure_id, Breakdown.id, Breakdown.label)
            .order_by(Breakdown.sort_order)
        ).all()
    by_return: dict[int, list[tuple[str, str, int]]] = defaultdict(list)
    for return_id, measure_id, breakdown_label, added in breakdown_sums:
        by_return[return_id].append((key_of[measure_id], breakdown_label, int(added)))

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
