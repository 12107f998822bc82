"""Revision 0009 (who may do what, on a team's server) on a local file: harmless. The first
release's demo upgraded to the head keeps every row and its audit trail, gains no triggers but
the trail's own guards, and the program's own listener still writes who and why."""

from __future__ import annotations

import gzip
import shutil
import sqlite3

from desktop_app.store.database import open_database
from desktop_app.store.migrations import head_revision
from desktop_app.store.models import AuditEvent, Provider
from tests.conftest import REPO_ROOT

FIXTURE = REPO_ROOT / "tests" / "fixtures" / "demo-rev0001.sqlite.gz"
COUNTS = ("provider", "strand", "return", "return_value", "audit_event")


def _counts(path) -> dict[str, int]:
    with sqlite3.connect(path) as connection:
        return {t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in COUNTS}


def _triggers(path) -> set[str]:
    with sqlite3.connect(path) as connection:
        return {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}


def test_the_first_releases_demo_upgrades_with_its_data_and_no_server_machinery(tmp_path):
    path = tmp_path / "old.sqlite"
    with gzip.open(FIXTURE, "rb") as source, open(path, "wb") as target:
        shutil.copyfileobj(source, target)
    before = _counts(path)
    with open_database(path) as db:
        with db.engine.connect() as connection:
            from sqlalchemy import text

            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
        with db.transaction(who="officer.a", reason="checking after the upgrade") as session:
            provider = session.query(Provider).order_by(Provider.id).first()
            provider.notes = "checked"
            provider_id = provider.id
        with db.reading() as session:
            last = session.query(AuditEvent).order_by(AuditEvent.id.desc()).first()
    after = _counts(path)
    assert {t: after[t] for t in COUNTS if t != "audit_event"} == {t: before[t] for t in COUNTS if t != "audit_event"}
    assert after["audit_event"] > before["audit_event"]
    assert (last.entity, last.entity_id, last.field, last.new_value, last.who, last.reason) == (
        "provider", provider_id, "notes", "checked", "officer.a", "checking after the upgrade"
    )
    assert not any(name.startswith("desk_") for name in _triggers(path))
