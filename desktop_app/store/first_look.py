"""A first look at a database file through Python's own sqlite3, for the window's first paint.

SQLAlchemy and the models take most of a start-up to import, and SQLite's quick_check reads
the whole file: the window paints its shell and the dashboard's headline figures from these
few reads first, and opens the database properly (lock, check, upgrade, reference data) just
after. A file that is not plainly a current Commissioning Desk database that nobody else has
open gives None, and is opened the full way at once, so those refusals still come before any
window. Nothing here writes to the file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
import stat
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from desktop_app.paths import reference_data_file
from desktop_app.store.errors import StoreError
from desktop_app.store.lock import DatabaseLock
from desktop_app.store.migrations import head_revision

SQLITE_MAGIC = b"SQLite format 3\x00"
# The setting `store.database` keeps the reference data's hash under: when it is not the
# current file's, opening loads the reference data again, which this look cannot do.
REFERENCE_HASH_KEY = "reference_data_sha256"
COUNTED = ("verified", "locked")  # `services.report.COUNTED`, as stored
# What a read of a file that is not what it seemed raises; the caller then opens the full way.
LOOK_FAILURES = (sqlite3.Error, UnicodeDecodeError, ValueError, TypeError)


@dataclass(frozen=True)
class HeadlineMeasure:
    key: str
    title: str
    detail: str
    valid_from: dt.date
    valid_to: dt.date | None

    def valid_in(self, start: dt.date, end: dt.date) -> bool:
        return self.valid_from <= end and (self.valid_to is None or self.valid_to >= start)


@dataclass(frozen=True)
class StrandDates:
    id: int
    start: dt.date
    end: dt.date | None


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text[:10]) if text else None


class FirstLookReader:
    """Reads on one read-only connection; each method is one or two indexed queries."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    def settings(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT key, value FROM setting"))

    def count(self, table: str) -> int:
        return self._db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 - our names

    def years_with_returns(self) -> set[int]:
        query = "SELECT DISTINCT p.financial_year FROM return r JOIN return_period p ON p.id = r.period_id"
        return {int(y) for (y,) in self._db.execute(query)}

    def years_with_budgets(self) -> set[int]:
        return {int(y) for (y,) in self._db.execute("SELECT DISTINCT financial_year FROM budget")}

    def statuses_by_year(self) -> dict[int, set[str]]:
        found: dict[int, set[str]] = defaultdict(set)
        query = (
            "SELECT DISTINCT p.financial_year, r.status FROM return r JOIN return_period p ON p.id = r.period_id"
        )
        for year, status in self._db.execute(query):
            found[int(year)].add(status)
        return found

    def headline_measures(self) -> list[HeadlineMeasure]:
        query = (
            "SELECT key, headline_title, headline_detail, valid_from, valid_to FROM measure "
            "WHERE headline_order IS NOT NULL ORDER BY headline_order, sort_order"
        )
        return [
            HeadlineMeasure(key, title or "", detail or "", _date(start), _date(end))
            for key, title, detail, start, end in self._db.execute(query)
        ]

    def counted_totals(self, year: int) -> dict[str, int]:
        """Each measure's sum over the year's verified and locked returns (figures under the
        measure's ceiling only, as `year_report` sums them)."""
        # CROSS JOIN keeps SQLite's join order: from the year's periods to their returns to their
        # figures by index, not a scan of every figure in the file (5x faster on ten years).
        query = (
            "SELECT m.key, sum(v.value) FROM return_period p CROSS JOIN return r ON r.period_id = p.id "
            "CROSS JOIN return_value v ON v.return_id = r.id JOIN measure m ON m.id = v.measure_id "
            "WHERE p.financial_year = ? AND r.status IN (?, ?) AND v.value <= m.ceiling GROUP BY m.key"
        )
        return {key: int(total or 0) for key, total in self._db.execute(query, (year, *COUNTED))}

    def returns_by_quarter(self, year: int) -> dict[tuple[int, int], str]:
        """(strand id, quarter number) -> the status of its return, for the year's returns."""
        query = (
            "SELECT r.strand_id, p.quarter, r.status FROM return r JOIN return_period p ON p.id = r.period_id "
            "WHERE p.financial_year = ?"
        )
        return {(strand, int(quarter)): status for strand, quarter, status in self._db.execute(query, (year,))}

    def strand_spans(self) -> list[tuple[dt.date, dt.date | None]]:
        """Every strand's start and end (the current reporting period is read from them)."""
        return [(_date(s), _date(e)) for s, e in self._db.execute("SELECT start_date, end_date FROM strand")]

    def strands_running(self, start: dt.date, end: dt.date) -> list[StrandDates]:
        query = (
            "SELECT id, start_date, end_date FROM strand "
            "WHERE start_date <= ? AND (end_date IS NULL OR end_date >= ?)"
        )
        return [
            StrandDates(sid, _date(s), _date(e)) for sid, s, e in self._db.execute(query, (end.isoformat(), start.isoformat()))
        ]

    def _charted(self, columns: str, join: str, group: str, year: int) -> list[tuple]:
        # The charted measure's figures (victims supported) over the year's counted returns,
        # below their ceilings, as `services.dashboard.series` sums them.
        query = (
            f"SELECT {columns}, sum(v.value) FROM return_period p CROSS JOIN return r ON r.period_id = p.id "  # noqa: S608 - our names
            "CROSS JOIN return_value v ON v.return_id = r.id JOIN measure m ON m.id = v.measure_id "
            f"JOIN strand s ON s.id = r.strand_id {join} "
            "WHERE p.financial_year = ? AND r.status IN (?, ?) AND m.charted = 1 AND v.value <= m.ceiling "
            f"GROUP BY {group}"
        )
        return self._db.execute(query, (year, *COUNTED)).fetchall()

    def victims_by_category(self, year: int) -> list[tuple[str, str, int, int]]:
        """(service category key, name, quarter number, victims) over the year's counted returns."""
        return self._charted(
            "c.key, c.name, p.quarter", "JOIN service_category c ON c.id = s.service_category_id",
            "c.key, c.name, p.quarter", year,
        )

    def victims_by_provider(self, year: int) -> list[tuple[int, str, int]]:
        """(provider id, name, victims) over the year's counted returns."""
        return self._charted("o.id, o.name", "JOIN provider o ON o.id = s.provider_id", "o.id, o.name", year)

    def funding_streams(self) -> list[tuple[int, str | None, str, dt.date, dt.date]]:
        """(id, key, name, start, end) of every funding stream, by name."""
        query = "SELECT id, key, name, start_date, end_date FROM funding_stream ORDER BY name"
        return [(sid, key, name, _date(s), _date(e)) for sid, key, name, s, e in self._db.execute(query)]

    def money_by_stream(self) -> tuple[dict, dict, dict]:
        """Budget, allocated and claimed pence keyed by (funding stream id, financial year)."""
        budgets = {
            (stream, int(y)): int(p or 0)
            for stream, y, p in self._db.execute("SELECT funding_stream_id, financial_year, amount_pence FROM budget")
        }
        allocated = {
            (stream, int(y)): int(p or 0)
            for stream, y, p in self._db.execute(
                "SELECT s.funding_stream_id, a.financial_year, sum(a.amount_pence) FROM allocation a "
                "JOIN strand s ON s.id = a.strand_id GROUP BY s.funding_stream_id, a.financial_year"
            )
        }
        claimed = {
            (stream, int(y)): int(p or 0)
            for stream, y, p in self._db.execute(
                "SELECT s.funding_stream_id, p.financial_year, sum(c.amount_pence) FROM claim c "
                "JOIN strand s ON s.id = c.strand_id JOIN return_period p ON p.id = c.period_id "
                "GROUP BY s.funding_stream_id, p.financial_year"
            )
        }
        return budgets, allocated, claimed


def _reference_hash() -> str:
    return hashlib.sha256(reference_data_file().read_bytes()).hexdigest()


def _plainly_ours(path: Path) -> bool:
    """A regular, writable, single-named SQLite file that nobody else has open."""
    try:
        found = os.stat(path)
        if not stat.S_ISREG(found.st_mode) or found.st_size == 0 or found.st_nlink != 1:
            return False
        if not os.access(path, os.W_OK):
            return False  # a read-only file opens read-only: the full way says so
        with open(path, "rb") as handle:
            if handle.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
                return False
        DatabaseLock(path).acquire().release()  # in use elsewhere: refused the full way, at once
    except (OSError, StoreError):
        return False
    return True


@contextmanager
def first_look(path: Path) -> Iterator[FirstLookReader | None]:
    """A reader on `path` if it is plainly a current Commissioning Desk database, else None."""
    if not _plainly_ours(path):
        yield None
        return
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        yield None
        return
    try:
        try:
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            reader = FirstLookReader(connection)
            current = revision is not None and revision[0] == head_revision()
            if not current or reader.settings().get(REFERENCE_HASH_KEY) != _reference_hash():
                reader = None
        except LOOK_FAILURES:
            reader = None
        yield reader
    finally:
        connection.close()
