"""What `check` reads, as plain SQL on a DB-API connection.

A check of a file reads it through Python's own sqlite3 (`open_file_reads`): importing
SQLAlchemy and the models would cost about as much as SQLite's whole integrity check of the
demo. A server's database is read with the same SQL through SQLAlchemy's connection
(`store.check_engine_reads`), so a file and a server are checked alike. The database does the
sums and the comparisons; what comes back is a few narrow columns, or only the rows that are
wrong.

Values come back as the driver gives them: SQLite's text for dates, 0/1 for booleans;
psycopg's dates and booleans. `as_date` and `store.trail_reads.stored_as_audit_text` read both.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from desktop_app.core.catalogue import (
    BreakdownCategoryDefinition,
    BreakdownDefinition,
    Catalogue,
    CatalogueRule,
    MeasureDefinition,
)
from desktop_app.core.rules import parse_rule
from desktop_app.paths import reference_data_file
from desktop_app.store.audit_guard_sql import (
    SEQUENCE_SQL,
    TABLE_SQL,
    TRIGGERS_SQL,
    sqlite_guards_missing,
    sqlite_id_handed_out,
)
from desktop_app.store.errors import StoreError, explain_damage
from desktop_app.store.migrations import head_revision

SQLITE_MAGIC = b"SQLite format 3\x00"
# `store.database` keeps the reference data's hash under this setting: when it is not the
# current file's, opening loads the reference data again, which a read-only look cannot do.
REFERENCE_HASH_KEY = "reference_data_sha256"


class CheckReads(Protocol):
    """One connection's reads for `check`; `dialect` is "sqlite" or "postgresql"."""

    dialect: str

    def rows(self, sql: str) -> list[tuple]: ...

    def guards_missing(self) -> list[str]: ...

    def audit_id_handed_out(self) -> int | None: ...


class FileReads:
    """`CheckReads` on a sqlite3 connection to a file."""

    dialect = "sqlite"

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def rows(self, sql: str) -> list[tuple]:
        return self._connection.execute(sql).fetchall()

    def guards_missing(self) -> list[str]:
        return sqlite_guards_missing(dict(self.rows(TRIGGERS_SQL)))

    def audit_id_handed_out(self) -> int | None:
        table = self.rows(TABLE_SQL)
        return sqlite_id_handed_out(table[0][0] if table else None, lambda: _first(self.rows(SEQUENCE_SQL)))


def _first(rows: list[tuple]):
    return rows[0][0] if rows else None


def _reference_hash() -> str:
    return hashlib.sha256(reference_data_file().read_bytes()).hexdigest()


def _plainly_current(connection: sqlite3.Connection) -> bool:
    tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not {"alembic_version", "setting"} <= tables:
        return False
    revision = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    if revision != [(head_revision(),)]:
        return False
    stored = connection.execute("SELECT value FROM setting WHERE key = ?", (REFERENCE_HASH_KEY,)).fetchall()
    return stored == [(_reference_hash(),)]


@contextmanager
def open_file_reads(path: Path) -> Iterator[FileReads | None]:
    """Reads on `path`, read-only, if it is plainly a current Commissioning Desk file (one name,
    our header, the newest schema, this version's reference data); else None, and the caller
    opens it the full way, which upgrades it or refuses it with the right sentence.

    SQLite's quick_check is not run here: `check` runs integrity_check, which finds all it
    finds and more."""
    try:
        found = os.stat(path)
        if not stat.S_ISREG(found.st_mode) or found.st_size == 0 or found.st_nlink != 1:
            yield None
            return
        with open(path, "rb") as handle:
            if handle.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
                yield None
                return
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except (OSError, sqlite3.Error):
        yield None
        return
    try:
        try:
            current = _plainly_current(connection)
        except (sqlite3.Error, UnicodeDecodeError):
            current = False  # damaged, or not ours: the full way says which
        try:
            yield FileReads(connection) if current else None
        except (sqlite3.Error, UnicodeDecodeError) as error:
            raise explain_damage(path, error) or StoreError(
                f"{path} could not be read to the end ({str(error).splitlines()[0][:120]}); nothing was changed."
            ) from error
    finally:
        connection.close()


def as_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def integrity_lines(reads: CheckReads) -> list[str]:
    """SQLite's integrity_check: ["ok"], or what is damaged."""
    return [line for (line,) in reads.rows("PRAGMA integrity_check")]


def broken_references(reads: CheckReads) -> list[tuple[str, int, str]]:
    """(table, row id, the table it refers to) for each reference to a missing row (SQLite)."""
    return [(table, rowid, parent) for table, rowid, parent, _ in reads.rows("PRAGMA foreign_key_check")]


def read_catalogue(reads: CheckReads) -> Catalogue:
    """The catalogue as `services.catalogue.load_catalogue` reads it, measures in display order."""
    breakdown_keys: dict[int, list[str]] = {}
    for measure_id, key in reads.rows(
        "SELECT mb.measure_id, b.key FROM measure_breakdown mb JOIN breakdown b ON b.id = mb.breakdown_id "
        "ORDER BY b.sort_order, b.id"
    ):
        breakdown_keys.setdefault(measure_id, []).append(key)
    measures = tuple(
        MeasureDefinition(
            key=key, label=label, short_label=short_label, group=group, unit=unit, help_text=help_text,
            valid_from=as_date(valid_from), valid_to=as_date(valid_to), order=sort_order,
            report_sentence=report_sentence, ceiling=ceiling, breakdowns=tuple(breakdown_keys.get(measure_id, ())),
            headline_order=headline_order, headline_title=headline_title or label,
            headline_detail=headline_detail or "", charted=bool(charted), demo_of=demo_of, demo_ratio=demo_ratio,
        )
        for (
            measure_id, key, label, short_label, group, unit, help_text, valid_from, valid_to, sort_order,
            report_sentence, ceiling, headline_order, headline_title, headline_detail, charted, demo_of, demo_ratio,
        ) in reads.rows(
            'SELECT id, "key", label, short_label, "group", unit, help_text, valid_from, valid_to, sort_order, '
            "report_sentence, ceiling, headline_order, headline_title, headline_detail, charted, demo_of, "
            'demo_ratio FROM measure ORDER BY sort_order, "key"'
        )
    )
    categories: dict[int, list[BreakdownCategoryDefinition]] = {}
    for breakdown_id, key, label, group in reads.rows(
        'SELECT breakdown_id, "key", label, category_group FROM breakdown_category ORDER BY sort_order, id'
    ):
        categories.setdefault(breakdown_id, []).append(BreakdownCategoryDefinition(key=key, label=label, group=group))
    breakdown_lists = tuple(
        BreakdownDefinition(key=key, label=label, categories=tuple(categories.get(breakdown_id, ())))
        for breakdown_id, key, label in reads.rows('SELECT id, "key", label FROM breakdown ORDER BY sort_order, id')
    )
    keys = {m.key for m in measures}
    rules = tuple(
        CatalogueRule(key=key, rule=parse_rule(expression, known_keys=keys), description=description)
        for key, expression, description in reads.rows(
            'SELECT "key", expression, description FROM measure_rule ORDER BY "key"'
        )
    )
    return Catalogue(measures=measures, rules=rules, breakdown_lists=breakdown_lists)


def return_places(reads: CheckReads) -> dict[int, tuple[int, int, str, str]]:
    """Return id -> (financial year, quarter, strand reference, provider name)."""
    return {
        return_id: (year, quarter, reference, provider)
        for return_id, year, quarter, reference, provider in reads.rows(
            'SELECT r.id, p.financial_year, p.quarter, s.reference, pr.name FROM "return" r '
            "JOIN strand s ON s.id = r.strand_id JOIN provider pr ON pr.id = s.provider_id "
            "JOIN return_period p ON p.id = r.period_id"
        )
    }


def return_figures(reads: CheckReads) -> dict[int, dict[str, int | None]]:
    """Return id -> {measure key: figure} for every figure stored."""
    figures: dict[int, dict[str, int | None]] = {}
    for return_id, key, value in reads.rows(
        'SELECT v.return_id, m."key", v.value FROM return_value v JOIN measure m ON m.id = v.measure_id '
        "ORDER BY v.return_id"
    ):
        figures.setdefault(return_id, {})[key] = value
    return figures


def breakdown_sums(reads: CheckReads) -> dict[int, list[tuple[str, str, int]]]:
    """Return id -> [(measure key, breakdown label, the categories' sum)], breakdowns in order."""
    sums: dict[int, list[tuple[str, str, int]]] = {}
    for return_id, key, label, added in reads.rows(
        'SELECT v.return_id, m."key", b.label, sum(v.value) FROM return_breakdown_value v '
        "JOIN measure m ON m.id = v.measure_id JOIN breakdown_category c ON c.id = v.category_id "
        "JOIN breakdown b ON b.id = c.breakdown_id "
        'GROUP BY v.return_id, v.measure_id, m."key", b.id, b.label, b.sort_order ORDER BY b.sort_order'
    ):
        sums.setdefault(return_id, []).append((key, label, int(added)))
    return sums
