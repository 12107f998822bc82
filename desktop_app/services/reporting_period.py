"""Which quarter the program opens on (see `core.reporting_period`), read from the strands."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from desktop_app.core.periods import Quarter
from desktop_app.core.reporting_period import reporting_quarter
from desktop_app.store.database import Database
from desktop_app.store.models import Strand

__all__ = ["current_reporting_period"]


def current_reporting_period(db: Database, today: dt.date | None = None) -> Quarter | None:
    """The latest quarter with returns due on `today` (default: today); None without strands."""
    with db.reading() as session:
        spans = session.execute(select(Strand.start_date, Strand.end_date)).all()
    return reporting_quarter(((start, end) for start, end in spans), today or dt.date.today())
