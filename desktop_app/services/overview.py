"""What the window says about the open database at a glance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the window's first paint makes an overview before SQLAlchemy is loaded
    from desktop_app.store.database import Database


@dataclass(frozen=True)
class DatabaseOverview:
    name: str
    is_demo: bool
    providers: int
    strands: int
    returns: int
    indicators: int
    known_empty: bool | None = None  # said by a first look, before the counts are read

    @property
    def is_empty(self) -> bool:
        if self.known_empty is not None:
            return self.known_empty
        return self.providers == 0 and self.strands == 0 and self.returns == 0


def database_overview(db: Database) -> DatabaseOverview:
    from sqlalchemy import func, select

    from desktop_app.store.database import is_demo
    from desktop_app.store.models import Indicator, Provider, Return, Strand

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
