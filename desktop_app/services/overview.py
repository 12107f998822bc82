"""What the window says about the open database at a glance."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from desktop_app.store.database import Database, is_demo
from desktop_app.store.models import Indicator, Provider, Return, Strand


@dataclass(frozen=True)
class DatabaseOverview:
    name: str
    is_demo: bool
    providers: int
    strands: int
    returns: int
    indicators: int

    @property
    def is_empty(self) -> bool:
        return self.providers == 0 and self.strands == 0 and self.returns == 0


def database_overview(db: Database) -> DatabaseOverview:
    with db.reading() as session:
        def count(model) -> int:
            return session.scalar(select(func.count()).select_from(model)) or 0

        return DatabaseOverview(
            name=db.display_name,
            is_demo=is_demo(db),
            providers=count(Provider),
            strands=count(Strand),
            returns=count(Return),
            indicators=count(Indicator),
        )
