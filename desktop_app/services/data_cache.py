"""Figures computed once per state of the data, for the pages that ask for the same year again.

Every change to user data or settings writes an audit row (see `store.audit`), so the audit
trail is a cheap fingerprint of "the data as it is now": one indexed query, and it moves on any
save from this copy or another (team mode). A cached figure is kept until it moves. (A change
made outside the program, by raw SQL, is not seen until the file is opened again; `check`
reports such changes.)
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.store.database import Database
from desktop_app.store.models import AuditEvent

T = TypeVar("T")

# One cache a database object: id(db) -> (fingerprint, {key: value}); dropped with the object.
_CACHES: dict[int, tuple[tuple[int | None, int | None], dict[Hashable, object]]] = {}


def data_fingerprint(db: Database, session: Session | None = None) -> tuple[int | None, int | None]:
    """The highest audit id (and on a server, the number of rows): moves whenever anything the
    figures read is saved. Read in `session` when given (the caller's state of the data)."""
    if session is None:
        with db.reading() as own:
            return data_fingerprint(db, own)
    if db.is_sqlite:
        return session.scalar(select(func.max(AuditEvent.id))), None
    # A server hands out ids before commit, so a slower transaction can commit a lower id
    # after a higher one is visible: the count moves then, even when the highest id does not.
    highest, rows = session.execute(select(func.max(AuditEvent.id), func.count(AuditEvent.id))).one()
    return highest, rows


def cached(db: Database, key: Hashable, compute: Callable[[], T], *, session: Session | None = None) -> T:
    """`compute()`, or what it gave last time for `key` if the data has not changed since
    (checked in `session` when given, which `compute` should then read in too)."""
    fingerprint = data_fingerprint(db, session)
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
