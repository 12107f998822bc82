"""Team mode: the program's own server login cannot empty or rewrite the audit trail, and
`check` reports a trail forged by someone who switched the guards off."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DatabaseError

from desktop_app.core.vocabulary import OrganisationType, Scope
from desktop_app.paths import migrations_dir
from desktop_app.services.checks import run_checks
from desktop_app.store.audit_guards import missing_audit_guards
from desktop_app.store.database import open_database
from desktop_app.store.models import AuditEvent, Provider


@pytest.fixture
def pg_db(pg_url):
    database = open_database(pg_url)
    yield database
    database.close()


def _add_provider(db, name="Aire Valley Victim Support") -> int:
    with db.transaction(who="officer.a") as session:
        provider = Provider(name=name, organisation_type=OrganisationType.CVSE, scope=Scope.LOCAL)
        session.add(provider)
        session.flush()
        return provider.id


def _trail(db) -> list[tuple]:
    with db.reading() as session:
        return [
            (e.id, e.who, e.field, e.new_value)
            for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        ]


FORGERIES = {
    "truncate": "TRUNCATE audit_event",
    "truncate cascade": "TRUNCATE audit_event RESTART IDENTITY CASCADE",
    "upsert": (
        "INSERT INTO audit_event (id, at, who, action, entity, entity_id, field, new_value)"
        " SELECT id, at, 'mallory', action, entity, entity_id, field, 'Forged' FROM audit_event"
        " ON CONFLICT (id) DO UPDATE SET who = excluded.who, new_value = excluded.new_value"
    ),
    "merge": (
        "MERGE INTO audit_event a USING (SELECT min(id) AS id FROM audit_event) f ON a.id = f.id"
        " WHEN MATCHED THEN UPDATE SET who = 'mallory'"
    ),
}


@pytest.mark.parametrize("forgery", sorted(FORGERIES))
def test_the_apps_own_login_cannot_empty_or_rewrite_the_trail(pg_db, forgery):
    _add_provider(pg_db)
    before = _trail(pg_db)
    assert before
    with pg_db.engine.connect() as connection:
        if forgery == "merge" and connection.dialect.server_version_info < (15,):
            pytest.skip("MERGE arrived in PostgreSQL 15")
        with pytest.raises(DatabaseError, match="append-only"):
            with connection.begin():
                connection.execute(text(FORGERIES[forgery]))
    assert _trail(pg_db) == before


def _config(connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["connection"] = connection
    return config


def test_a_team_database_made_at_revision_0001_is_guarded_after_the_upgrade(pg_url):
    engine = create_engine(pg_url)
    with engine.begin() as connection:
        command.upgrade(_config(connection), "0001")
        assert missing_audit_guards(connection) == ["audit_event_no_truncate"]
        connection.execute(
            text(
                "INSERT INTO audit_event (at, who, action, entity, entity_id, field, new_value)"
                " VALUES (now(), 'officer.a', 'insert', 'provider', 1, 'name', 'Aire Valley')"
            )
        )
    engine.dispose()
    with open_database(pg_url) as db:
        with db.engine.connect() as connection:
            assert missing_audit_guards(connection) == []
        assert [(who, value) for _, who, _, value in _trail(db)] == [("officer.a", "Aire Valley")]
        with pytest.raises(DatabaseError, match="append-only"):
            with db.engine.begin() as connection:
                connection.execute(text("TRUNCATE audit_event"))
        assert len(_trail(db)) == 1


def test_check_reports_a_refusal_function_emptied_by_the_owner(pg_db):
    _add_provider(pg_db)
    with pg_db.engine.begin() as connection:
        connection.execute(
            text(
                "CREATE OR REPLACE FUNCTION audit_event_refuse() RETURNS trigger LANGUAGE plpgsql"
                " AS $$ BEGIN RETURN NULL; END $$"
            )
        )
    problems = [str(p) for p in run_checks(pg_db).problems]
    assert any(p.startswith("audit trail: its guard audit_event_refuse, which keeps it append-only") for p in problems)


def test_check_reports_a_trail_forged_with_the_guards_switched_off(pg_db):
    provider_id = _add_provider(pg_db)
    assert run_checks(pg_db).ok
    with pg_db.engine.begin() as connection:
        # The login owns the table, so it can switch the triggers off: check must notice.
        connection.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
        # A change over any connection is audited by the server (store/server_audit.py): to
        # change a record unseen the owner must switch off that table's trigger too.
        connection.execute(text("ALTER TABLE provider DISABLE TRIGGER USER"))
        connection.execute(text(f"UPDATE provider SET name = 'Renamed Quietly' WHERE id = {provider_id}"))
        connection.execute(
            text(
                "INSERT INTO audit_event (id, at, who, action, entity, entity_id, field, new_value)"
                " VALUES (9000, now(), 'mallory', 'update', 'setting', 0, 'return_due_days', '5')"
            )
        )
    problems = [str(p) for p in run_checks(pg_db).problems]
    assert "audit trail: its guard audit_event_no_truncate, which keeps it append-only, is missing, switched off or no longer refuses, so its rows can be rewritten: the database was changed outside the program; compare it with the newest backup copy." in problems
    assert any(p.startswith(f"provider {provider_id}: name is 'Renamed Quietly' but the audit trail's latest line") for p in problems)
    assert any("it holds rows up to id 9000 but the server has handed out ids only up to" in p for p in problems)
    assert any(p.startswith("setting return_due_days: it is gone though the audit trail never recorded its removal") for p in problems)


def test_check_compares_the_servers_booleans_and_dates_with_their_lines(pg_db):
    import datetime as dt

    from desktop_app.store.models import FundingStream

    provider_id = _add_provider(pg_db)
    with pg_db.transaction(who="officer.a") as session:
        stream = FundingStream(
            name="Victims Fund", funder="MoJ", start_date=dt.date(2024, 4, 1), end_date=dt.date(2027, 3, 31),
            total_pence=100_000_00, key="victims-fund",
        )
        session.add(stream)
        session.flush()
        stream_id = stream.id
    with pg_db.engine.begin() as connection:
        # Dates shown the British way on this database (this test's own): still the trail's dates.
        name = connection.execute(text("SELECT current_database()")).scalar()
        connection.execute(text(f'ALTER DATABASE "{name}" SET DateStyle = \'SQL, DMY\''))
    pg_db.engine.dispose()  # the next connections take the database's DateStyle
    with pg_db.engine.begin() as connection:
        shown = connection.execute(text(f"SELECT CAST(start_date AS TEXT) FROM funding_stream WHERE id = {stream_id}"))
        assert shown.scalar() == "01/04/2024"
    assert run_checks(pg_db).ok  # the server's own lines ("yes", ISO dates) match as they are
    with pg_db.engine.begin() as connection:
        connection.execute(text("ALTER TABLE provider DISABLE TRIGGER USER"))
        connection.execute(text("ALTER TABLE funding_stream DISABLE TRIGGER USER"))
        connection.execute(text(f"UPDATE provider SET active = false WHERE id = {provider_id}"))
        connection.execute(text(f"UPDATE funding_stream SET end_date = '2028-03-31' WHERE id = {stream_id}"))
    problems = [str(p) for p in run_checks(pg_db).problems]
    assert len(problems) == 2, problems
    assert any(
        p.startswith(f"funding stream {stream_id}: end_date is '2028-03-31' but the audit trail's latest line")
        and p.endswith("says '2027-03-31': it was changed outside the program.") for p in problems
    )
    assert any(
        p.startswith(f"provider {provider_id}: active is 'no' but the audit trail's latest line")
        and p.endswith("says 'yes': it was changed outside the program.") for p in problems
    )
