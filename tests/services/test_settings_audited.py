"""Changing a setting leaves a line in the audit trail: which setting, old → new, who, when."""

from __future__ import annotations

import datetime as dt
import getpass

from sqlalchemy import select

from desktop_app.core.vocabulary import AuditAction
from desktop_app.services.returns import set_due_days
from desktop_app.store.audit import SETTING_ENTITY
from desktop_app.store.models import AuditEvent, Setting


def _setting_events(db, key):
    with db.reading() as session:
        return session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity == SETTING_ENTITY, AuditEvent.field == key)
            .order_by(AuditEvent.id)
        ).all()


def test_changing_the_due_days_is_recorded_with_old_and_new_value_and_who(db):
    started = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(seconds=1)
    set_due_days(db, 45)
    set_due_days(db, 20, who="officer.b")
    set_due_days(db, 20)  # no change: nothing to record
    events = _setting_events(db, "return_due_days")
    assert [(e.action, e.old_value, e.new_value, e.who) for e in events] == [
        (AuditAction.INSERT, None, "45", getpass.getuser()),
        (AuditAction.UPDATE, "45", "20", "officer.b"),
    ]
    assert all(started <= e.at <= dt.datetime.now(dt.UTC).replace(tzinfo=None) for e in events)


def test_every_stored_setting_is_audited_including_its_removal(db):
    with db.transaction(who="officer.a") as session:
        session.merge(Setting(key="is_demo", value="no"))
    with db.transaction(who="officer.a") as session:
        session.delete(session.get(Setting, "is_demo"))
    assert [(e.action, e.old_value, e.new_value) for e in _setting_events(db, "is_demo")] == [
        (AuditAction.INSERT, None, "no"),
        (AuditAction.DELETE, "no", None),
    ]


def test_the_demo_flag_is_in_the_trail_but_not_the_reference_data_bookkeeping(demo_db):
    assert [(e.new_value, e.who) for e in _setting_events(demo_db, "is_demo")] == [("yes", "demo")]
    assert [e.new_value for e in _setting_events(demo_db, "demo_seed")] == ["20230714"]
    # Loading db/reference_data.toml is not user data (see test_audit_trail), nor its hash.
    assert _setting_events(demo_db, "reference_data_sha256") == []
