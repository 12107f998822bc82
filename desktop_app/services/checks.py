"""The `check` verb: is the file sound, is the audit trail whole, and does every return keep
every catalogue rule?"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select, text

from desktop_app.core.periods import FinancialYear, Quarter
from desktop_app.services.audit_check import audit_trail_problems
from desktop_app.services.catalogue import load_catalogue
from desktop_app.store.database import Database
from desktop_app.store.models import Measure, Provider, Return, ReturnPeriod, ReturnValue, Strand


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


def run_checks(db: Database) -> CheckResult:
    """Integrity of the file (SQLite), the audit trail, and every measure rule on every return."""
    problems = _sqlite_problems(db) if db.is_sqlite else []
    problems += [Problem(where, message) for where, message in audit_trail_problems(db)]
    with db.reading() as session:
        catalogue = load_catalogue(session)
        rows = session.execute(
            select(
                Return.id,
                Strand.reference,
                Provider.name,
                ReturnPeriod.financial_year,
                ReturnPeriod.quarter,
                Measure.key,
                ReturnValue.value,
            )
            .join(Return.strand)
            .join(Strand.provider)
            .join(Return.period)
            .join(ReturnValue, ReturnValue.return_id == Return.id)
            .join(ReturnValue.measure)
            .order_by(ReturnPeriod.financial_year, ReturnPeriod.quarter, Strand.reference)
        ).all()
    values: dict[int, dict[str, int]] = defaultdict(dict)
    where: dict[int, str] = {}
    for return_id, reference, provider, year, quarter, key, value in rows:
        values[return_id][key] = value
        period = Quarter(FinancialYear(year), quarter).label
        where[return_id] = f"{period}, strand {reference} ({provider})"
        if isinstance(value, int) and value < 0:
            problems.append(Problem(where[return_id], f"{key} is negative ({value})"))
    for return_id, measured in values.items():
        beyond = catalogue.figures_beyond_ceilings(measured)
        problems += [Problem(where[return_id], message) for message in beyond.values()]
        # The rules are judged on the figures a return can hold; the others are reported above.
        sound = {key: value for key, value in measured.items() if key not in beyond}
        for breach in catalogue.breaches(sound):
            problems.append(Problem(where[return_id], breach.message))
    return CheckResult(
        problems=tuple(problems), returns_checked=len(values), rules_checked=len(catalogue.rules)
    )
