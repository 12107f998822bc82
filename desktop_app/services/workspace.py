"""An open database as the window sees it: opened, described and closed through services."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop_app.services.errors import ServiceError
from desktop_app.services.overview import DatabaseOverview, database_overview
from desktop_app.store.database import Database, is_demo, open_database

__all__ = ["Workspace", "ensure_demo_database", "is_demo", "open_for_command", "open_workspace"]


@dataclass
class Workspace:
    """The database the window works on. Pages get this and call services with `.db`."""

    db: Database

    @property
    def name(self) -> str:
        return self.db.display_name

    @property
    def path(self) -> Path | None:
        return self.db.path

    @property
    def read_only(self) -> bool:
        """The file's permissions forbid changes: the window shows it and saves nothing."""
        return self.db.read_only

    def take_opening_backup(self) -> Path | None:
        """The rotating copy taken each time the window opens a file (after it is on screen)."""
        if self.db.path is None or self.db.created:
            return None
        from desktop_app.store.backup import rotating_backup

        return rotating_backup(self.db.path, "on-open")

    def overview(self) -> DatabaseOverview:
        return database_overview(self.db)

    def close(self) -> None:
        self.db.close()


def open_workspace(target: str | Path, *, create: bool = False) -> Workspace:
    """Open a database for the window, exclusively. The caller takes the opening backup
    (`take_opening_backup`) once the window is on screen, so start-up does not wait for it.

    Only New database… and the first launch's empty database pass `create`: opening a
    missing or empty file is refused, never turned into a new database. A final export killed
    between recording its submission and moving its workbook into place is finished here, so
    the window never lists a submission whose file is not there."""
    from desktop_app.services.export.submission_files import finish_interrupted_exports

    db = open_database(target, exclusive=True, create=create)
    try:
        finish_interrupted_exports(db)
    except OSError:
        pass  # a folder out of reach now: the next export tries again
    return Workspace(db)


def open_for_command(target: str | Path, *, exclusive: bool, create: bool = False) -> Database:
    """A database for one command-line verb. Only `demo` passes `create`: a mistyped or empty
    path is refused, never made a new database. A verb that writes (`exclusive`) is refused
    at once on a read-only file, not half-way through."""
    db = open_database(target, exclusive=exclusive, create=create)
    if exclusive and db.read_only:
        db.close()
        raise ServiceError(f"{db.display_name} is read-only (its file permissions): this command writes to it, so nothing was done.")
    return db


def ensure_demo_database() -> Path:
    """The demo database in the user data folder, built on first use."""
    from desktop_app.paths import user_data_dir
    from desktop_app.services.demo import build_demo

    demo_path = user_data_dir() / "demo.sqlite"
    with open_database(demo_path) as db:
        if not is_demo(db):
            build_demo(db)
    return demo_path
