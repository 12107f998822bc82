"""An open database as the window sees it: opened, described and closed through services."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop_app.services.overview import DatabaseOverview, database_overview
from desktop_app.store.database import Database, open_database


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

    def overview(self) -> DatabaseOverview:
        return database_overview(self.db)

    def close(self) -> None:
        self.db.close()


def open_workspace(target: str | Path) -> Workspace:
    """Open a database for the window: exclusively, with a rotating backup taken on open."""
    return Workspace(open_database(target, exclusive=True, backup_on_open=True))
