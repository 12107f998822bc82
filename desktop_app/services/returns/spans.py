"""When each strand runs, and whose it is: what the Returns page needs of every strand to offer
its quarters and filter its matrix (the strands list itself reads allocations, themes and
districts, which it does not show)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from desktop_app.store.database import Database
from desktop_app.store.models import ServiceCategory, Strand

__all__ = ["StrandSpan", "strand_spans"]


@dataclass(frozen=True)
class StrandSpan:
    id: int
    provider_id: int
    service_category_key: str
    start_date: dt.date
    end_date: dt.date | None


def strand_spans(db: Database) -> tuple[StrandSpan, ...]:
    """Every strand's dates, provider and service category, by reference; one query."""
    with db.reading() as session:
        rows = session.execute(
            select(Strand.id, Strand.provider_id, ServiceCategory.key, Strand.start_date, Strand.end_date)
            .join(ServiceCategory, ServiceCategory.id == Strand.service_category_id)
            .order_by(Strand.reference)
        ).all()
    return tuple(StrandSpan(*row) for row in rows)
