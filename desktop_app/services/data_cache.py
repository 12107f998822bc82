"""Figures computed once per state of the data, for the pages that ask for the same year again.

Every change to user data or settings writes an audit row (see `store.audit`), so the highest
audit id is a cheap fingerprint of "the data as it is now": one indexed query, and it moves on
any save from this copy or another (team mode). A cached figure is kept until it moves.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlalchemy import func, select

from desktop_app.store.database import Database
from desktop_app.store.models import AuditEvent

T = TypeVar("T")

# One cache a database object: id(db) -> (fingerprint, {key: value}); dropped with the object.
_CACHES: dict[int, tuple[int | None, dict[Hashable, object]]] = {}


def data_fingerprint(db: Database) -> int | None:
    """The highest audit id: moves whenever anything the figures read is saved."""
    with db.reading() as session:
        return session.scalar(select(func.max(AuditEvent.id)))


def cached(db: Database, key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, or what it gave last time for `key` if the data has not changed since."""
    fingerprint = data_fingerprint(db)
    entry = _CACHES.get(id(db))
    if entry is None:
        weakref.finalize(db, _CACHES.pop, id(db), None)
    if entry is None or entry[0] != fingerprint:
        entry = (fingerprint, {})
        _CACHES[id(db)] = entry
    values = entry[1]
    if key not in values:
        values[key] = compute()
    return values[key]  # type: ignore[return-value]
