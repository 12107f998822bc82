"""The audit trail: who changed what, when, from what to what — and it cannot be rewritten."""

from __future__ import annotations

import getpass

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError, IntegrityError

from desktop_app.core.vocabulary import AuditAction, OrganisationType, Scope
from desktop_app.store.models import AuditEvent, District, Provider


def _events(db, entity="provider"):
    with db.reading() as session:
        return session.scalars(
            select(AuditEvent).where(AuditEvent.entity == entity).order_by(AuditEvent.id)
        ).all()


def _add_provider(db, name="Aire Valley Victim Support"):
    with db.transaction() as session:
        provider = Provider(name=name, organisation_type=OrganisationType.CVSE, scope=Scope.LOCAL)
        session.add(provider)
        session.flush()
        return provider.id


def test_creating_a_provider_records_each_field_with_the_os_user(db):
    provider_id = _add_provider(db)
    events = _events(db)
    fields = {e.field: e.new_value for e in events}
    assert fields["name"] == "Aire Valley Victim Support"
    assert fields["organisation_type"] == "cvse"
    assert fields["scope"] == "local"
    assert all(e.action == AuditAction.INSERT for e in events)
    assert all(e.entity_id == provider_id for e in events)
    assert all(e.who == getpass.getuser() for e in events)
    assert all(e.old_value is None for e in events)


def test_editing_a_field_records_old_and_new_value_and_the_reason(db):
    provider_id = _add_provider(db)
    with db.sessions() as fresh:  # a new session: the old value is not loaded yet
        with fresh.begin():
            fresh.info["audit_reason"] = "name changed at Companies House"
            provider = fresh.get(Provider, provider_id)
            fresh.expire(provider)
            provider.name = "Aire Valley Victim Care"
    updates = [e for e in _events(db) if e.action == AuditAction.UPDATE]
    assert [(e.field, e.old_value, e.new_value) for e in updates] == [
        ("name", "Aire Valley Victim Support", "Aire Valley Victim Care")
    ]
    assert updates[0].reason == "name changed at Companies House"


def test_changing_districts_served_is_recorded_as_a_list(db):
    provider_id = _add_provider(db)
    with db.transaction(who="officer.a") as session:
        provider = session.get(Provider, provider_id)
        provider.districts = list(
            session.scalars(select(District).where(District.name.in_(["Leeds", "Bradford"])))
        )
    change = [e for e in _events(db) if e.field == "districts"]
    assert len(change) == 1
    assert change[0].old_value == ""
    assert change[0].new_value == "Bradford, Leeds"
    assert change[0].who == "officer.a"


def test_deleting_records_the_values_that_were_lost(db):
    provider_id = _add_provider(db)
    with db.transaction() as session:
        session.delete(session.get(Provider, provider_id))
    deletes = {e.field: e.old_value for e in _events(db) if e.action == AuditAction.DELETE}
    assert deletes["name"] == "Aire Valley Victim Support"


def test_a_rolled_back_change_leaves_no_audit_rows(db):
    with pytest.raises(IntegrityError):
        with db.transaction() as session:
            session.add(Provider(name="Twice", organisation_type=OrganisationType.CVSE, scope=Scope.LOCAL))
            session.flush()
            session.add(Provider(name="Twice", organisation_type=OrganisationType.CVSE, scope=Scope.LOCAL))
            session.flush()
    assert _events(db) == []


def test_reference_data_loading_is_not_user_data(db):
    with db.reading() as session:
        assert session.scalar(select(AuditEvent.id).limit(1)) is None


@pytest.mark.parametrize("statement", ["UPDATE audit_event SET who = 'someone else'", "DELETE FROM audit_event"])
def test_the_trail_cannot_be_rewritten(db, statement):
    _add_provider(db)
    with pytest.raises(DatabaseError, match="append-only"):
        with db.engine.begin() as connection:
            connection.execute(text(statement))
    assert {e.who for e in _events(db)} == {getpass.getuser()}


def test_districts_chosen_when_creating_are_recorded(db):
    with db.transaction() as session:
        provider = Provider(name="Five Towns Advocacy", organisation_type=OrganisationType.CVSE, scope=Scope.LOCAL)
        provider.districts = list(session.scalars(select(District).where(District.name == "Wakefield")))
        session.add(provider)
    created = {e.field: e.new_value for e in _events(db) if e.action == AuditAction.INSERT}
    assert created["districts"] == "Wakefield"


def test_a_deleted_records_id_is_never_given_to_a_new_one(db):
    first = _add_provider(db, "Short-lived Provider")
    with db.transaction() as session:
        session.delete(session.get(Provider, first))
    second = _add_provider(db, "Next Provider")
    assert second != first
    by_id = {e.entity_id for e in _events(db) if e.new_value == "Next Provider"}
    assert by_id == {second}
