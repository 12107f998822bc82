"""An open database as the window sees it: opened, described and closed through services.

A plain SQLite file that is plainly a current database of ours is opened in two steps, so the
window paints before SQLAlchemy is even imported: `open_workspace` takes a first look with
sqlite3 (`services.dashboard.first_look`: the headline figures) and the full opening (lock,
quick_check, reference data) happens on the first use of `db`, which the window makes just
after its first paint (`MainWindow.finish_opening`); interrupted final exports are finished
after the charts, or before any other page is built, whichever comes first. Anything else is opened in full at once,
so every refusal of a file still comes before there is a window.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.services.dashboard.first_look import FirstFigures, first_figures
from desktop_app.services.errors import ServiceError
from desktop_app.store.errors import PasswordNeededError, StoreError

if TYPE_CHECKING:
    from desktop_app.services.overview import DatabaseOverview
    from desktop_app.store.database import Database

__all__ = [
    "PasswordNeededError", "Workspace", "WorkspaceClosedError", "ensure_demo_database", "is_demo", "open_for_command", "open_workspace",
]


class WorkspaceClosedError(StoreError):
    """The window's database was closed; nothing more is read or written through it."""


class Workspace:
    """The database the window works on. Pages get this and call services with `.db`."""

    def __init__(self, db: Database | None = None, *, path: Path | None = None, first: FirstFigures | None = None):
        if db is None and path is None:
            raise ValueError("a workspace needs a database, or the path of one to open on first use")
        self._db = db
        self._path = path
        self._failure: StoreError | None = None
        self._exports_finished = db is not None  # opened in full at once: finished then
        # The figures painted before the full opening (None once opened, or when opened at once).
        self.first = first if db is None else None
        self._person = None
        self.closed = False

    @property
    def opened(self) -> bool:
        """Whether the database is open in full (and `db` costs nothing more)."""
        return self._db is not None and not self.closed

    @property
    def db(self) -> Database:
        if self.closed:
            # A late timer must not open the file again: a closed engine reconnects on demand,
            # and SQLite would make an empty file where the database has gone (a lost drive).
            raise WorkspaceClosedError(f"{self.name} is closed in this window.")
        if self._db is None:
            if self._failure is not None:
                raise self._failure  # refused once: the same sentence, not a second attempt
            try:
                from desktop_app.store.database import open_database

                # Interrupted exports are finished apart (`finish_interrupted_exports`): their
                # machinery costs more to import than the dashboard needs to be drawn.
                self._db = open_database(self._path, exclusive=True, create=False)
            except StoreError as error:
                self._failure = error
                raise
            self.first = None
        return self._db

    @property
    def name(self) -> str:
        return self._db.display_name if self._db is not None else str(self._path)

    @property
    def path(self) -> Path | None:
        return self._db.path if self._db is not None else self._path

    @property
    def read_only(self) -> bool:
        """The file's permissions forbid changes: the window shows it and saves nothing.

        (A first look is only taken of a writable file.)"""
        return self._db.read_only if self._db is not None else False

    def finish_interrupted_exports(self) -> None:
        """Finish final exports a crash left staged (once; before any page lists submissions)."""
        if self._exports_finished:
            return
        self._exports_finished = True
        _finish_interrupted_exports(self.db)

    @property
    def person(self):
        """Who is working and with which role (`services.access.CurrentPerson`), asked once."""
        if self._person is None:
            from desktop_app.services.access import current_person, local_person

            # A first look is only taken of a local file, whose person needs no database.
            self._person = local_person() if self._db is None else current_person(self._db)
        return self._person

    def take_opening_backup(self) -> Path | None:
        """The rotating copy taken each time the window opens a file (after it is on screen)."""
        db = self.db
        if db.path is None or db.created:
            return None
        from desktop_app.store.backup import rotating_backup

        return rotating_backup(db.path, "on-open")

    def overview(self) -> DatabaseOverview:
        from desktop_app.services.overview import DatabaseOverview, database_overview

        if self._db is None and self.first is not None:
            # Before the full opening: what the first look saw (the counts come with the ORM).
            return DatabaseOverview(self.name, self.first.is_demo, 0, 0, 0, 0, known_empty=self.first.is_empty)
        return database_overview(self.db)

    def check_ahead(self) -> None:
        """Start SQLite's check of the file on a thread while the window draws from the first
        look; the full opening takes its verdict (`store.quick_check`)."""
        if self._db is None and self._path is not None and not self.closed:
            from desktop_app.store.quick_check import check_ahead

            check_ahead(self._path)

    def close(self) -> None:
        self.closed = True
        if self._db is not None:
            self._db.close()


def _finish_interrupted_exports(db: Database) -> None:
    from desktop_app.services.export.submission_files import finish_interrupted_exports

    try:
        finish_interrupted_exports(db)
    except OSError:
        pass  # a folder out of reach now: the next export tries again


def _open_in_full(target: str | Path, *, create: bool = False) -> Database:
    from desktop_app.store.database import open_database

    db = open_database(target, exclusive=True, create=create)
    _finish_interrupted_exports(db)
    return db


def open_workspace(target: str | Path, *, create: bool = False) -> Workspace:
    """Open a database for the window, exclusively. The caller takes the opening backup
    (`take_opening_backup`) once the window is on screen, so start-up does not wait for it.

    Only New database… and the first launch's empty database pass `create`: opening a
    missing or empty file is refused, never turned into a new database. A final export killed
    between recording its submission and moving its workbook into place is finished when the
    database is opened in full, so the window never lists a submission whose file is not there."""
    if not create and "://" not in str(target):
        path = Path(target).expanduser().resolve()
        first = first_figures(path)
        if first is not None:
            return Workspace(path=path, first=first)
    return Workspace(_open_in_full(target, create=create))


def open_for_command(target: str | Path, *, exclusive: bool, create: bool = False) -> Database:
    """A database for one command-line verb. Only `demo` passes `create`: a mistyped or empty
    path is refused, never made a new database. A verb that writes (`exclusive`) is refused
    at once on a read-only file, not half-way through."""
    from desktop_app.store.database import open_database

    db = open_database(target, exclusive=exclusive, create=create)
    if exclusive and db.read_only:
        db.close()
        raise ServiceError(f"{db.display_name} is read-only (its file permissions): this command writes to it, so nothing was done.")
    return db


def ensure_demo_database() -> Path:
    """The demo database in the user data folder, built on first use."""
    from desktop_app.paths import user_data_dir
    from desktop_app.services.demo import build_demo
    from desktop_app.store.database import open_database

    demo_path = user_data_dir() / "demo.sqlite"
    with open_database(demo_path) as db:
        if not is_demo(db):
            build_demo(db)
    return demo_path


def is_demo(db: Database) -> bool:
    """Whether `db` holds the synthetic demo (the window marks it so nobody mistakes it)."""
    from desktop_app.store.database import is_demo as holds_demo

    return holds_demo(db)
