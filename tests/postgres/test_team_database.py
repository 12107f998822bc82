"""Team mode on a real PostgreSQL server: schema, constraints, audit trail, two copies, the CLI.

Each test gets a new database on a throwaway server (see conftest.py), owned by an ordinary
login role, and opens it the way the program does: `open_database(URL)`.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import subprocess
import sys
import textwrap

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError, IntegrityError

from desktop_app.core.vocabulary import (
    AgreementType,
    AuditAction,
    OrganisationType,
    ReturnStatus,
    Scope,
)
from desktop_app.paths import reference_data_file
from desktop_app.store.database import open_database
from desktop_app.store.migrations import head_revision
from desktop_app.store.reference import read_reference_data
from desktop_app.store.models import (
    AuditEvent,
    Base,
    FundingStream,
    Indicator,
    Measure,
    MeasureRule,
    Provider,
    Return,
    ReturnPeriod,
    ReturnValue,
    ServiceCategory,
    Strand,
)
from tests.conftest import REPO_ROOT, run_cli
from tests.postgres.conftest import APP_ROLE
from tests.published import PUBLISHED_2022_23


@pytest.fixture
def pg_db(pg_url):
    database = open_database(pg_url)
    yield database
    database.close()


def _add_provider(db, name="Aire Valley Victim Support") -> int:
    with db.transaction() as session:
        provider = Provider(name=name, organisation_type=OrganisationType.CVSE, scope=Scope.LOCAL)
        session.add(provider)
        session.flush()
        return provider.id


def _events(db, entity="provider"):
    with db.reading() as session:
        return session.scalars(
            select(AuditEvent).where(AuditEvent.entity == entity).order_by(AuditEvent.id)
        ).all()


# ---------------------------------------------------------------- schema


def test_an_empty_server_database_is_migrated_to_head_with_the_reference_data(pg_url):
    with open_database(pg_url) as db:
        assert db.engine.dialect.name == "postgresql"
        assert not db.is_sqlite and db.lock is None
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
        with db.reading() as session:
            counts = {
                model.__tablename__: session.scalar(select(func.count()).select_from(model))
                for model in (Measure, Indicator, MeasureRule)
            }
    catalogue = read_reference_data(reference_data_file())  # whatever the catalogue holds
    assert counts == {
        "measure": len(catalogue["measures"]), "indicator": 29 + 23, "measure_rule": len(catalogue["rules"]),
    }  # both plans
    # Opening again finds it current: no second migration, nothing loaded twice.
    with open_database(pg_url) as again, again.reading() as session:
        assert session.scalar(select(func.count()).select_from(Measure)) == len(
            read_reference_data(reference_data_file())["measures"]
        )


def test_the_migrated_schema_is_exactly_the_models(pg_db):
    with pg_db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


# ---------------------------------------------------------------- constraints


@pytest.fixture
def strand_return(pg_db):
    with pg_db.transaction() as session:
        stream = FundingStream(
            name="MoJ grant",
            funder="Ministry of Justice",
            start_date=dt.date(2022, 4, 1),
            end_date=dt.date(2025, 3, 31),
            total_pence=1_400_000_000,
        )
        provider = Provider(name="Calder Women's Aid", organisation_type=OrganisationType.CVSE, scope=Scope.LOCAL)
        strand = Strand(
            reference="WY-001",
            provider=provider,
            funding_stream=stream,
            name="IDVA service",
            service_category=session.scalars(select(ServiceCategory).limit(1)).one(),
            agreement_type=AgreementType.GRANT,
            start_date=dt.date(2022, 4, 1),
        )
        period = ReturnPeriod(financial_year=2022, quarter=1)
        ret = Return(strand=strand, period=period, status=ReturnStatus.DRAFT)
        session.add_all([stream, provider, strand, period, ret])
        session.flush()
        measure_id = session.scalar(select(Measure.id).where(Measure.key == "victims_supported"))
        return {"strand": strand.id, "period": period.id, "return": ret.id, "measure": measure_id}


def test_a_negative_count_is_refused_by_the_server(pg_db, strand_return):
    with pytest.raises(IntegrityError, match="ck_return_value_value_not_negative"):
        with pg_db.transaction() as session:
            session.add(ReturnValue(return_id=strand_return["return"], measure_id=strand_return["measure"], value=-1))


def test_a_second_return_for_the_same_strand_and_quarter_is_refused_by_the_server(pg_db, strand_return):
    with pytest.raises(IntegrityError, match="uq_return_strand_id_period_id"):
        with pg_db.transaction() as session:
            session.add(Return(strand_id=strand_return["strand"], period_id=strand_return["period"]))
    with pg_db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Return)) == 1


# ---------------------------------------------------------------- audit trail


def test_the_audit_trail_records_an_insert_and_an_update(pg_db):
    provider_id = _add_provider(pg_db)
    inserted = {e.field: e.new_value for e in _events(pg_db) if e.action == AuditAction.INSERT}
    assert inserted["name"] == "Aire Valley Victim Support"
    assert inserted["organisation_type"] == "cvse"
    with pg_db.transaction(who="officer.b", reason="renamed at Companies House") as session:
        session.get(Provider, provider_id).name = "Aire Valley Victim Care"
    updates = [e for e in _events(pg_db) if e.action == AuditAction.UPDATE]
    assert [(e.field, e.old_value, e.new_value, e.who, e.reason) for e in updates] == [
        # The client claimed "officer.b"; the server writes the login it authenticated.
        ("name", "Aire Valley Victim Support", "Aire Valley Victim Care", APP_ROLE, "renamed at Companies House")
    ]
    assert {e.entity_id for e in _events(pg_db)} == {provider_id}


@pytest.mark.parametrize("statement", ["UPDATE audit_event SET who = 'someone else'", "DELETE FROM audit_event"])
def test_the_server_refuses_to_rewrite_the_audit_trail(pg_db, statement):
    _add_provider(pg_db)
    before = [(e.id, e.who, e.new_value) for e in _events(pg_db)]
    with pytest.raises(DatabaseError, match="append-only"):
        with pg_db.engine.begin() as connection:
            connection.execute(text(statement))
    assert [(e.id, e.who, e.new_value) for e in _events(pg_db)] == before
    assert {who for _, who, _ in before} == {APP_ROLE}  # the server's login, not the OS user


# ---------------------------------------------------------------- two copies at once


def test_two_copies_share_one_server_database_and_see_each_others_changes(pg_url):
    first = open_database(pg_url)
    try:
        second = open_database(pg_url)  # team mode: no lock file, no refusal
        try:
            _add_provider(first, "Kirklees Independent Advocacy")
            with second.reading() as session:
                assert session.scalars(select(Provider.name)).all() == ["Kirklees Independent Advocacy"]
        finally:
            second.close()
    finally:
        first.close()


def test_another_process_holding_the_database_open_sees_a_committed_change(pg_url):
    open_database(pg_url).close()  # migrated, so the two copies below only open it
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys
                from sqlalchemy import select
                from desktop_app.store.database import open_database
                from desktop_app.store.models import Provider
                db = open_database({pg_url!r})
                print("open", flush=True)
                sys.stdin.readline()
                with db.reading() as session:
                    print(",".join(session.scalars(select(Provider.name))), flush=True)
                db.close()
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )
    try:
        assert holder.stdout.readline().strip() == "open", holder.stderr.read() if holder.poll() is not None else ""
        with open_database(pg_url) as mine:  # while the other copy has it open
            _add_provider(mine, "Wakefield Hate Crime Service")
        out, err = holder.communicate("\n", timeout=60)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait(timeout=30)
    assert holder.returncode == 0, err
    assert out.strip() == "Wakefield Hate Crime Service"


def test_copies_opening_a_new_server_database_at_the_same_moment_all_succeed(pg_url):
    code = f"from desktop_app.store.database import open_database; open_database({pg_url!r}).close()"
    copies = [
        subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True, cwd=REPO_ROOT)
        for _ in range(3)
    ]
    failures = []
    for copy in copies:
        _, err = copy.communicate(timeout=120)
        if copy.returncode != 0:
            failures.append(err.strip().splitlines()[-1:])
    assert failures == []
    with open_database(pg_url) as db, db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Measure)) == len(
            read_reference_data(reference_data_file())["measures"]
        )


# ---------------------------------------------------------------- the command line


def test_cli_demo_report_and_check_on_the_server(pg_url):
    demo = run_cli("--database-url", pg_url, "demo")
    assert demo.returncode == 0, demo.stderr
    assert "127.0.0.1" in demo.stdout  # the summary names the server database it wrote to

    report = run_cli("report", "--database-url", pg_url, "--year", "2022/23", "--format", "json")
    assert report.returncode == 0, report.stderr
    totals = json.loads(report.stdout)["totals"]
    assert {key: totals[key] for key in PUBLISHED_2022_23} == PUBLISHED_2022_23

    check = run_cli("--database-url", pg_url, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No problems" in check.stdout


def test_cli_backup_of_a_server_database_points_to_the_servers_tools(pg_url, tmp_path):
    out = tmp_path / "copy.sqlite"
    result = run_cli("--database-url", pg_url, "backup", "--out", str(out))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "server's own tools" in result.stderr
    assert "pg_dump" in result.stderr
    assert not out.exists()
