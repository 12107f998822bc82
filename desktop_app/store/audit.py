"""The audit trail: every insert, update and delete of user data, field by field.

Mapper events collect the rows and the flush's end writes them on its own connection, so an
audit row exists exactly when the change it describes was committed (same transaction). Who and why come from
`session.info` (set by `Database.transaction`); the OS user is the default who.
Settings are audited too, named by their key (`SETTING_ENTITY`). The table itself refuses
UPDATE, DELETE, REPLACE and TRUNCATE (`store.audit_guards`).
On PostgreSQL these listeners write nothing: the server's triggers write the trail, with the
session's login as who (`store.server_audit`); the reason reaches them as a setting.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

from sqlalchemy import event, insert, inspect, text
from sqlalchemy.orm import ColumnProperty, Mapper, RelationshipProperty, Session, object_session

from desktop_app.core.vocabulary import AuditAction
from desktop_app.store.local_user import current_user
from desktop_app.store.models import AuditEvent, Base, Setting
from desktop_app.store.server_audit import PAUSE_SETTING, REASON_SETTING

AUDIT_INFO_WHO = "audit_who"
AUDIT_INFO_REASON = "audit_reason"
AUDIT_INFO_OFF = "audit_off"
# A setting is named by its key, not an integer id: its rows carry the key as the field.
SETTING_ENTITY = "setting"
SETTING_ENTITY_ID = 0


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def as_audit_text(value: Any) -> str | None:
    """A value as the trail writes it (`check` compares each record with its latest line)."""
    return _text(value)


def _describe(item: Any) -> str:
    for name in ("name", "key", "reference", "code"):
        if hasattr(item, name):
            return str(getattr(item, name))
    return str(item)


def _collection_text(items: Any) -> str:
    return ", ".join(sorted(_describe(i) for i in items))


def _is_audited(target: Any) -> bool:
    return bool(getattr(type(target), "__audited__", False))


def _context(target: Any) -> tuple[str, str | None, bool] | None:
    session = object_session(target)
    info = session.info if session is not None else {}
    if info.get(AUDIT_INFO_OFF):
        return None
    return info.get(AUDIT_INFO_WHO) or current_user(), info.get(AUDIT_INFO_REASON), True


def _write(
    connection,
    target: Any,
    action: AuditAction,
    changes: list[tuple[str, Any, Any]],
    *,
    entity: str | None = None,
    entity_id: int | None = None,
):
    context = _context(target)
    if context is None or not changes:
        return
    if connection.dialect.name == "postgresql":
        return  # the server's triggers write the trail there (store/server_audit.py)
    who, reason, _ = context
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows = [
        {
            "at": now,
            "who": who,
            "action": action,
            "entity": entity or type(target).__tablename__,
            "entity_id": target.id if entity_id is None else entity_id,
            "field": field,
            "old_value": _text(old),
            "new_value": _text(new),
            "reason": reason,
        }
        for field, old, new in changes
    ]
    session = object_session(target)
    if session is None:
        connection.execute(insert(AuditEvent), rows)
        return
    # Written in one statement when the flush ends: one INSERT a record made a 150-row grid
    # save pay for ~600 round trips.
    session.info.setdefault(_PENDING_ROWS, []).extend(rows)


_PENDING_ROWS = "audit_pending_rows"


def _write_pending(session: Session, _flush_context: Any) -> None:
    rows = session.info.pop(_PENDING_ROWS, None)
    if rows:
        session.connection().execute(insert(AuditEvent), rows)


def _tell_the_server(session: Session, _flush_context: Any, _instances: Any) -> None:
    tell_the_server(session)


def tell_the_server(session: Session) -> None:
    """Hand the reason (and the reference load's pause) to the server's audit triggers, as
    transaction-local settings; set again only when they change within the transaction. (Done
    before every flush; a bulk insert outside the ORM calls it itself.)"""
    if session.get_bind().dialect.name != "postgresql":
        return
    wanted = (session.info.get(AUDIT_INFO_REASON) or "", "off" if session.info.get(AUDIT_INFO_OFF) else "on")
    if session.info.get(_TOLD_SERVER) == wanted:
        return
    session.connection().execute(
        text(f"SELECT set_config('{REASON_SETTING}', :reason, true), set_config('{PAUSE_SETTING}', :audit, true)"),
        {"reason": wanted[0], "audit": wanted[1]},
    )
    session.info[_TOLD_SERVER] = wanted


_TOLD_SERVER = "audit_told_server"


def _forget_told(session: Session, _transaction: Any, _connection: Any) -> None:
    session.info.pop(_TOLD_SERVER, None)


def _drop_pending(session: Session, *_args: Any) -> None:
    # A failed flush rolls its changes back: their rows must not be written by the next one.
    session.info.pop(_PENDING_ROWS, None)


# The edit counter moves on every save; the trail records what the officer changed.
_NOT_AUDITED = {"id", "version"}


def _column_keys(mapper: Mapper) -> list[str]:
    return [p.key for p in mapper.iterate_properties if isinstance(p, ColumnProperty) and p.key not in _NOT_AUDITED]


def _many_to_many_keys(mapper: Mapper) -> list[str]:
    return [
        p.key
        for p in mapper.iterate_properties
        if isinstance(p, RelationshipProperty) and p.secondary is not None
    ]


def _after_insert(mapper: Mapper, connection, target: Any) -> None:
    if not _is_audited(target):
        return
    changes = [(k, None, getattr(target, k)) for k in _column_keys(mapper)]
    changes = [c for c in changes if c[2] is not None]
    # Districts and themes chosen on the form that created the record belong to its history too.
    state = inspect(target)
    for key in _many_to_many_keys(mapper):
        added = state.attrs[key].history.added
        if added:
            changes.append((key, None, _collection_text(added)))
    _write(connection, target, AuditAction.INSERT, changes)


def _after_update(mapper: Mapper, connection, target: Any) -> None:
    if not _is_audited(target):
        return
    state = inspect(target)
    changes: list[tuple[str, Any, Any]] = []
    for key in _column_keys(mapper):
        history = state.attrs[key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if _text(old) != _text(new):
            changes.append((key, old, new))
    for key in _many_to_many_keys(mapper):
        history = state.attrs[key].history
        if not (history.added or history.deleted):
            continue
        before = list(history.unchanged) + list(history.deleted)
        after = list(history.unchanged) + list(history.added)
        changes.append((key, _collection_text(before), _collection_text(after)))
    _write(connection, target, AuditAction.UPDATE, changes)


def _before_delete(mapper: Mapper, connection, target: Any) -> None:
    if not _is_audited(target):
        return
    changes = [(k, getattr(target, k), None) for k in _column_keys(mapper)]
    changes = [c for c in changes if c[1] is not None]
    _write(connection, target, AuditAction.DELETE, changes)


def _write_setting(connection, target: Setting, action: AuditAction, old: Any, new: Any) -> None:
    if _text(old) == _text(new):
        return
    _write(
        connection,
        target,
        action,
        [(target.key, old, new)],
        entity=SETTING_ENTITY,
        entity_id=SETTING_ENTITY_ID,
    )


def _after_setting_insert(mapper: Mapper, connection, target: Setting) -> None:
    _write_setting(connection, target, AuditAction.INSERT, None, target.value)


def _after_setting_update(mapper: Mapper, connection, target: Setting) -> None:
    history = inspect(target).attrs.value.history
    if history.has_changes():
        old = history.deleted[0] if history.deleted else None
        _write_setting(connection, target, AuditAction.UPDATE, old, target.value)


def _before_setting_delete(mapper: Mapper, connection, target: Setting) -> None:
    _write_setting(connection, target, AuditAction.DELETE, target.value, None)


def _always_load_old_values(mapper: Mapper) -> None:
    # Without active history, setting an attribute that was not loaded yet would leave the
    # old value unknown, and the trail would say "changed from nothing".
    for key in _column_keys(mapper):
        event.listen(getattr(mapper.class_, key), "set", _noop_set, active_history=True)


def _noop_set(target: Any, value: Any, oldvalue: Any, initiator: Any) -> Any:
    return value


def install() -> None:
    """Register the listeners once (idempotent)."""
    if event.contains(Base, "after_insert", _after_insert):
        return
    event.listen(Base, "after_insert", _after_insert, propagate=True)
    event.listen(Base, "after_update", _after_update, propagate=True)
    event.listen(Base, "before_delete", _before_delete, propagate=True)
    event.listen(Session, "after_flush", _write_pending)
    event.listen(Session, "after_soft_rollback", _drop_pending)
    event.listen(Session, "before_flush", _tell_the_server)
    event.listen(Session, "after_begin", _forget_told)
    for mapper in Base.registry.mappers:
        if getattr(mapper.class_, "__audited__", False):
            _always_load_old_values(mapper)
    # Settings (due days, the demo flag...) change how every page reads the data: audited too.
    event.listen(Setting, "after_insert", _after_setting_insert)
    event.listen(Setting, "after_update", _after_setting_update)
    event.listen(Setting, "before_delete", _before_setting_delete)
    event.listen(Setting.value, "set", _noop_set, active_history=True)
