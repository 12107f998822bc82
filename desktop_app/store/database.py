"""Opening a database: lock, check, migrate (after a backup), reference data, sessions.

`open_database()` is the one way in. It accepts a file path or any SQLAlchemy URL (a team can
point every copy at one PostgreSQL server); SQLite files get the pragmas a hand-typed, precious
dataset deserves and a lock so that only one copy of the program writes to a file.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event, inspect, select, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from desktop_app.paths import reference_data_file
from desktop_app.store import audit
from desktop_app.store.backup import rotating_backup
from desktop_app.store.database_file import examine_database_file
from desktop_app.store.errors import (
    ConcurrentChangeError,
    DatabaseDamagedError,
    NotADeskDatabaseError,
    StoreError,
    explain_connection_failure,
    explain_damage,
    explain_server_refusal,
    explain_write_failure,
)
from desktop_app.store.lock import DatabaseLock, refuse_second_names
from desktop_app.store.private_files import create_private
from desktop_app.store.migrations import head_revision, known_revisions, stored_revision
from desktop_app.store.models import Setting
from desktop_app.store.quick_check import checked_ahead, quick_check

BUSY_TIMEOUT_MS = 5000
SQLITE_MAGIC = b"SQLite format 3\x00"
REFERENCE_HASH_KEY = "reference_data_sha256"
# On a shared server, copies opening an empty or older database at the same moment take turns
# to migrate and load the reference data (a PostgreSQL advisory lock, held to the commit).
SCHEMA_LOCK_KEY = 7_318_204_551

_THIS_COMPUTER = {"", "localhost", "127.0.0.1", "::1"}


def database_url(target: str | Path) -> URL:
    """A URL for a path (`demo.sqlite`) or a URL string (`postgresql+psycopg://...`).

    A server on another computer is reached over TLS with its certificate checked
    (`sslmode=verify-full`) unless the URL says otherwise; a URL naming a libpq service (whose
    service file says how to connect) is left as it is."""
    text_target = str(target)
    if "://" in text_target:
        url = make_url(text_target)
        if url.get_backend_name() == "postgresql" and _needs_tls(url):
            url = url.update_query_dict({"sslmode": "verify-full"})
        return url
    return URL.create("sqlite", database=str(Path(text_target).expanduser().resolve()))


def _needs_tls(url: URL) -> bool:
    if "sslmode" in url.query or "service" in url.query:
        return False
    host = url.host or url.query.get("host") or ""
    if isinstance(host, tuple):
        host = host[0] if host else ""
    return host not in _THIS_COMPUTER and not str(host).startswith("/")  # a socket folder is local


def _sqlite_file(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def _set_sqlite_pragmas(foreign_keys: bool, read_only: bool = False):
    def on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not read_only:  # a read-only file keeps the journal mode it has
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
        # REPLACE then fires the audit trail's DELETE trigger (a second guard, see audit_guards).
        cursor.execute("PRAGMA recursive_triggers = ON")
        cursor.close()

    return on_connect


def _make_engine(url: URL, *, foreign_keys: bool = True, read_only: bool = False) -> Engine:
    if read_only:
        # SQLite's own read-only mode: nothing this process does can change the file.
        url = URL.create("sqlite", database=f"file:{quote(url.database)}", query={"mode": "ro", "uri": "true"})
    engine = create_engine(url)
    if url.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _set_sqlite_pragmas(foreign_keys, read_only))
    return engine


@dataclass
class Database:
    """An open database: sessions for the services, and what the window shows about it."""

    url: URL
    engine: Engine
    path: Path | None
    lock: DatabaseLock | None = None
    # True when this open created the file: there is nothing yet worth a backup copy.
    created: bool = False
    # The file may not be written (its permissions): opened so that nothing tries to.
    read_only: bool = False
    sessions: sessionmaker[Session] = field(init=False)

    def __post_init__(self) -> None:
        # Every session comes from an open Database, so the trail's listeners are in place
        # before the first write; installing is idempotent.
        audit.install()
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.path is not None

    @property
    def display_name(self) -> str:
        if self.path is not None:
            return str(self.path)
        return self.url.render_as_string(hide_password=True)

    @contextmanager
    def transaction(self, *, who: str | None = None, reason: str | None = None) -> Iterator[Session]:
        """One user action: commits when the block ends, rolls everything back on an error."""
        if self.read_only:
            raise StoreError(f"{self.display_name} is read-only (its file permissions), so nothing can be saved to it.")
        try:
            with self.sessions.begin() as session:
                if who:
                    session.info[audit.AUDIT_INFO_WHO] = who
                if reason:
                    session.info[audit.AUDIT_INFO_REASON] = reason
                yield session
        except StaleDataError as error:
            # A row's version moved between this action's read and its write: another copy saved
            # it first. Everything was rolled back; services name the record when they can.
            raise ConcurrentChangeError(
                "Someone else saved the same record while this change was being saved, so nothing was "
                "saved. Reload to see their change, then try again."
            ) from error
        except (sa_exc.DatabaseError, UnicodeDecodeError) as error:
            # A full or failing disk, or damage: rolled back, so nothing was half-written.
            explained = _explain_failure(self.display_name, error)
            if explained is None:
                raise
            raise explained from error

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for queries; anything written in it is discarded when it closes.

        Objects read stay usable afterwards (closing detaches them without expiring them)."""
        try:
            with self.sessions() as session:
                yield session
        except (sa_exc.DatabaseError, UnicodeDecodeError) as error:
            explained = _explain_failure(self.display_name, error)
            if explained is None:
                raise
            raise explained from error

    def setting(self, key: str, default: str | None = None) -> str | None:
        with self.reading() as session:
            value = session.get(Setting, key)
            return value.value if value is not None else default

    def close(self) -> None:
        self.engine.dispose()
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def __enter__(self) -> "Database":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _check_sqlite_header(path: Path) -> None:
    with open(path, "rb") as handle:
        if handle.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise NotADeskDatabaseError(
                f"{path} is not a Commissioning Desk database: it is not an SQLite file at all."
            )


def _damaged(path: Path, details: str) -> DatabaseDamagedError:
    return DatabaseDamagedError(
        f"{path} is damaged ({details}). Restore the newest copy from "
        f"{path.stem}-backups beside it, or run `commissioning-desk check` for details."
    )


def _inspect_sqlite_file(path: Path) -> tuple[str | None, set[str]]:
    """Check an existing file read-only, before anything (even the WAL pragma) writes to it.

    Returns its schema revision and its tables; raises if SQLite finds damage.
    """
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        # The window runs the check ahead while it draws (`store.quick_check`); anyone else, here.
        rows = checked_ahead(path) or quick_check(connection)
        if rows != ["ok"]:
            raise _damaged(path, "; ".join(rows[:5]))
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        revision = None
        if "alembic_version" in tables:
            found = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = found[0] if found else None
    except (sqlite3.DatabaseError, UnicodeDecodeError) as error:
        # UnicodeDecodeError: scribbled bytes where SQLite keeps its text.
        raise _damaged(path, str(error)[:120]) from error
    finally:
        connection.close()
    return revision, {t for t in tables if not t.startswith("sqlite_")}


def _one_at_a_time(connection, url: URL) -> None:
    if url.get_backend_name() == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK_KEY})


def _refuse_upgrade_by_a_person(connection, where: object, current: str | None) -> None:
    """On a server, only the database's owner (with CREATEROLE) may upgrade: it creates roles."""
    from desktop_app.store.server_rights import is_owner, may_create_roles

    if connection.dialect.name != "postgresql" or (is_owner(connection) and may_create_roles(connection)):
        return
    login = connection.execute(text("SELECT session_user")).scalar()
    if current is None:
        raise StoreError(
            f"{where} is empty, and only the server account that owns it (with the right to create "
            f"roles) can set it up; you are connected as {login}. Ask whoever set up the server to "
            "open it once with Commissioning Desk; nothing was changed."
        )
    raise StoreError(
        f"{where} was written by an older version of Commissioning Desk and must be upgraded, which "
        f"only the server account that owns it (with the right to create roles) can do; you are "
        f"connected as {login}. Ask whoever set up the server to open it once with this version; "
        "nothing was changed."
    )


def _upgrade(url: URL, path: Path | None, existed: bool) -> None:
    from desktop_app.store.migrations import upgrade_to_head

    if path is not None and existed:
        rotating_backup(path, "before-upgrade")
    # Batch mode rebuilds tables; with foreign keys enforced a rebuild would cascade.
    engine = _make_engine(url, foreign_keys=False)
    try:
        with engine.begin() as connection:
            _one_at_a_time(connection, url)  # a copy that waited finds the schema at head
            upgrade_to_head(connection)
            if path is not None:
                broken = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
                if broken:
                    raise StoreError(
                        f"Upgrading {path} left {len(broken)} broken references; nothing was "
                        "changed (the upgrade was rolled back)."
                    )
    finally:
        engine.dispose()


def _reference_hash() -> str:
    return hashlib.sha256(reference_data_file().read_bytes()).hexdigest()


def _ensure_reference_data(db: Database) -> None:
    wanted = _reference_hash()
    if db.setting(REFERENCE_HASH_KEY) == wanted:
        return
    from desktop_app.store.reference import load_reference_data

    if not db.is_sqlite:
        from desktop_app.store.server_rights import is_owner

        with db.engine.connect() as connection:
            if not is_owner(connection):
                raise StoreError(
                    f"The catalogue in {db.display_name} is older than this version's, and only the "
                    "server account that owns the database can bring it up to date. Ask whoever set up "
                    "the server to open it once with this version; nothing was changed."
                )
    with db.transaction() as session:
        _one_at_a_time(session.connection(), db.url)
        stored = session.get(Setting, REFERENCE_HASH_KEY)
        if stored is not None and stored.value == wanted:
            return  # another copy loaded it while this one waited
        load_reference_data(session, reference_data_file())
        # Bookkeeping of the load, not a setting anyone chose: unaudited like the load itself.
        session.info[audit.AUDIT_INFO_OFF] = True
        session.merge(Setting(key=REFERENCE_HASH_KEY, value=wanted))


# Tables only Commissioning Desk has: with them, an unknown revision is a newer version of ours.
OUR_TABLES = {"setting", "measure", "provider", "strand"}


def _refuse_unknown_schema(where: object, current: str | None, tables: set[str], emptied_version: bool) -> None:
    ours = OUR_TABLES <= tables
    if current is None and emptied_version and ours:
        raise NotADeskDatabaseError(
            f"{where} has Commissioning Desk's tables but its record of which version wrote them "
            "(the alembic_version table) is empty, so it cannot be opened safely; nothing was "
            "changed. Open a backup copy instead, or ask your IT support to look at the file."
        )
    if current is None and tables:
        raise NotADeskDatabaseError(
            f"{where} holds other tables ({', '.join(sorted(tables)[:5])}) and is not a "
            "Commissioning Desk database; nothing was changed."
        )
    if current is not None and current not in known_revisions():
        if not ours:
            raise NotADeskDatabaseError(
                f"{where} is another program's database (schema {current}, tables "
                f"{', '.join(sorted(tables)[:5])}), not a Commissioning Desk one; nothing was changed."
            )
        raise NotADeskDatabaseError(
            f"{where} was written by a newer version of Commissioning Desk "
            f"(schema {current}); install the newer version to open it."
        )


def open_database(
    target: str | Path, *, exclusive: bool = True, backup_on_open: bool = False, create: bool = True
) -> Database:
    """Open (creating or upgrading as needed) the database at a path or URL.

    `exclusive` takes the lock file so no second copy of the program writes to the same SQLite
    file; read-only verbs open without it. With `create=False` a missing or empty file is
    refused instead of becoming a new database (only the demo and New database… make files).
    A file its permissions make read-only opens read-only (`Database.read_only`). Raises
    `StoreError` subclasses with messages meant for an officer.
    """
    url = database_url(target)
    path = _sqlite_file(url)
    lock: DatabaseLock | None = None
    existed = False
    read_only = False
    if path is not None:
        found = examine_database_file(path, create=create)
        existed, read_only = found.has_data, found.read_only
        if existed:
            _check_sqlite_header(path)
            refuse_second_names(path)  # readers too: a second name has its own, empty, journal
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            create_private(path)  # SQLite gives its -wal and -shm files the database's permissions
        if exclusive and not read_only:  # nothing is written, so no writer's lock is needed
            lock = DatabaseLock(path).acquire()
    engine = _make_engine(url, read_only=read_only)
    try:
        if path is not None:
            current, tables = _inspect_sqlite_file(path) if existed else (None, set())
        else:
            with engine.connect() as connection:
                current = stored_revision(connection)
                tables = set(inspect(connection).get_table_names())
        # alembic_version alone is a schema taken back to the start: ours, just empty.
        emptied_version = "alembic_version" in tables
        tables.discard("alembic_version")
        _refuse_unknown_schema(path or url, current, tables, emptied_version)
        if current != head_revision() and read_only:
            raise StoreError(
                f"{path} was written by an older version and must be upgraded before use, but it "
                "is read-only; nothing was changed. Make the file writable (or copy it) and open it again."
            )
        if current != head_revision() and path is None:
            with engine.connect() as connection:
                _refuse_upgrade_by_a_person(connection, url.render_as_string(hide_password=True), current)
        if current != head_revision():
            if path is not None and lock is None:
                with DatabaseLock(path):
                    _upgrade(url, path, existed)
            else:
                _upgrade(url, path, existed)
        if backup_on_open and path is not None and existed:
            rotating_backup(path, "on-open")
        database = Database(
            url=url, engine=engine, path=path, lock=lock, created=path is not None and not existed, read_only=read_only
        )
        if not read_only:  # a read-only file keeps the reference data it was written with
            _ensure_reference_data(database)
        return database
    except BaseException as error:
        engine.dispose()
        if lock is not None:
            lock.release()
        explained = _explain_failure(path or url, error)
        if explained is None:
            raise
        raise explained from error


def _explain_failure(where: object, error: BaseException) -> StoreError | None:
    """SQLite's error as the officer's sentence (full disk, damage...), or None to pass it on."""
    refused = explain_server_refusal(error)
    if refused is not None:
        return refused
    if isinstance(error, sa_exc.OperationalError):
        unreachable = explain_connection_failure(where, error)
        if unreachable is not None:
            return unreachable
    if isinstance(error, (sa_exc.OperationalError, sqlite3.OperationalError)):
        return explain_write_failure(where, error)
    if isinstance(error, (sa_exc.DatabaseError, sqlite3.DatabaseError, UnicodeDecodeError)):
        return explain_damage(where, error)
    return None


def is_demo(db: Database) -> bool:
    return db.setting("is_demo") == "yes"


def settings(db: Database) -> dict[str, str]:
    with db.reading() as session:
        return {s.key: s.value for s in session.scalars(select(Setting))}
