"""`store.check_reads.CheckReads` on an open SQLAlchemy connection: a server's database (or a
file already opened the full way) is checked with the same SQL as a file read through sqlite3.

The SQL goes to the driver as it is (`exec_driver_sql`), so values arrive as the driver gives
them, as they do from sqlite3.
"""

from __future__ import annotations

from sqlalchemy import Connection

from desktop_app.store.audit_guards import highest_audit_id_handed_out, missing_audit_guards


class EngineReads:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self.dialect = connection.dialect.name

    def rows(self, sql: str) -> list[tuple]:
        return [tuple(row) for row in self._connection.exec_driver_sql(sql).all()]

    def guards_missing(self) -> list[str]:
        return missing_audit_guards(self._connection)

    def audit_id_handed_out(self) -> int | None:
        return highest_audit_id_handed_out(self._connection)
