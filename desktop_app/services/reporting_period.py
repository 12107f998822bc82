"""Which quarter the program opens on (see `core.reporting_period`), read from the strands."""

from __future__ import annotations

import datetime as dt

from typing import TYPE_CHECKING

from desktop_app.core.periods import Quarter
from desktop_app.core.reporting_period import reporting_quarter

if TYPE_CHECKING:  # the window imports this before its first paint, which needs no ORM
    from desktop_app.store.database import Database

__all__ = ["current_reporting_period"]


def current_reporting_period(db: Database, today: dt.date | None = None) -> Quarter | None:
    """The latest quarter with returns due on `today` (default: today); None without strands."""
    from sqlalchemy import select

    from desktop_app.store.models import Strand

    with db.reading() as session:
        spans = session.execute(select(Strand.start_date, Strand.end_date)).all()
    return reporting_quarter(((start, end) for start, end in spans), today or dt.date.today())
