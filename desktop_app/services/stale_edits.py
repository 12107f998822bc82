"""Refusing a save made from a form or grid loaded before someone else saved the same record.

Every edited record carries an edit counter (`version`, SQLAlchemy's `version_id_col`). A form
remembers the version it loaded and hands it back with the save; the service refuses the save
when the stored version has moved, whatever fields the other officer changed: one rule an
officer can predict, and nobody's figures are merged behind their back. Two saves racing inside
the database are caught too: the second UPDATE matches no row (`StaleDataError`) and is refused
the same way. The message names who changed the record and when, from the audit trail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from desktop_app.core.wording import time_on_date
from desktop_app.services.errors import StaleRecordError
from desktop_app.store.database import Database
from desktop_app.store.errors import ConcurrentChangeError
from desktop_app.store.models import AuditEvent

__all__ = ["EditedRecord", "refuse_if_stale", "refused_when_raced", "return_record", "stale_error"]


@dataclass(frozen=True)
class EditedRecord:
    """A record as the refusal names it, and where its changes are found in the audit trail.

    `label` reads "Return SR-014 2024/25 Q3"; `entity`/`record_id` are its audit rows; `children`
    names a child table whose rows link to it by `link` (a return's figures), so a change to one
    figure counts as a change to the return."""

    label: str
    entity: str
    record_id: int
    children: tuple[str, str] | None = None  # (child entity, field linking it to this record)
    noun: str = "changes"  # "Reload to see their changes"


def _last_change(session: Session, record: EditedRecord) -> AuditEvent | None:
    conditions = [(AuditEvent.entity == record.entity) & (AuditEvent.entity_id == record.record_id)]
    if record.children is not None:
        child, link = record.children
        linked = select(AuditEvent.entity_id).where(
            AuditEvent.entity == child,
            AuditEvent.field == link,
            or_(AuditEvent.new_value == str(record.record_id), AuditEvent.old_value == str(record.record_id)),
        )
        conditions.append((AuditEvent.entity == child) & AuditEvent.entity_id.in_(linked))
    return session.scalars(select(AuditEvent).where(or_(*conditions)).order_by(AuditEvent.id.desc()).limit(1)).first()


def stale_error(session: Session, record: EditedRecord, *, holder: str = "form") -> StaleRecordError:
    """The refusal for `record`, naming the last change in the audit trail."""
    event = _last_change(session, record)
    if event is None:
        return StaleRecordError(
            f"{record.label} was changed by someone else after you opened it. Reload to see their "
            f"{record.noun}; what you typed is still in the {holder}."
        )
    at = event.at.replace(tzinfo=dt.UTC).astimezone()  # the trail is in UTC; say local time
    return StaleRecordError(
        f"{record.label} was changed by {event.who} at {time_on_date(at)} after you opened it. Reload to see "
        f"their {record.noun}; what you typed is still in the {holder}.",
        who=event.who,
        at=at,
    )


def refuse_if_stale(
    session: Session, stored_version: int, loaded_version: int | None, record: EditedRecord, *, holder: str = "form"
) -> None:
    """Raise `StaleRecordError` when the form loaded another version than the one stored.

    `loaded_version=None` means the caller did not load the record through a form (a script, a
    test, a command): nothing to compare."""
    if loaded_version is not None and stored_version != loaded_version:
        raise stale_error(session, record, holder=holder)


@contextmanager
def refused_when_raced(
    db: Database, describe: Callable[[Session], EditedRecord | None], *, holder: str = "form"
) -> Iterator[None]:
    """Wrap a write transaction: a save that lost a race inside the database (its UPDATE found
    the row at another version) becomes the same clear refusal; `describe` names the record,
    read afresh once the losing transaction has rolled back."""
    try:
        yield
    except (ConcurrentChangeError, StaleDataError) as error:
        with db.reading() as session:
            record = describe(session)
            if record is None:
                raise StaleRecordError(
                    "Someone else saved one of these records at the same moment, so nothing was saved. "
                    "Reload to see their change, then try again."
                ) from error
            raise stale_error(session, record, holder=holder) from error


def return_record(reference: str, quarter_label: str, return_id: int) -> EditedRecord:
    """A return as a stale refusal names it; a change to any of its figures counts."""
    return EditedRecord(
        f"Return {reference} {quarter_label}", "return", return_id, children=("return_value", "return_id"), noun="figures"
    )
