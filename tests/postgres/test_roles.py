"""Who may do what, enforced by a real PostgreSQL server: each role over its own login.

One demo is built into the server for the module (building it is slow) by the database's
owner, who then adds one person per role. Every refusal asserted here is the server's: the
tests connect as the person with plain SQLAlchemy or psycopg where the point is that no
program stands in between.
"""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DBAPIError

from desktop_app.core.access import Role
from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.services.export import ExportPeriod, final_export
from desktop_app.services.returns import reopen, return_form, save_return
from desktop_app.store.database import open_database
from desktop_app.store.errors import ServerRefusedError
from desktop_app.store.models import AuditEvent, Base, Provider, Return, Strand, Submission
from desktop_app.store.people import PeopleRefusedError, add_person, list_people, remove_person, set_role
from desktop_app.store.server_rights import TABLE_RIGHTS, group_names
from tests.conftest import run_cli
from tests.postgres.conftest import APP_ROLE, People

PEOPLE = {"rita": Role.READER, "oscar": Role.OFFICER, "fiona": Role.FINANCE, "adam": Role.ADMINISTRATOR}


@pytest.fixture(scope="module")
def team(postgres_server):
    """(owner's URL, {name: URL}): the demo on the server and one person per role."""
    name = postgres_server.create_database("roles")
    owner_url = postgres_server.url(name)
    demo = run_cli("--database-url", owner_url, "demo")
    assert demo.returncode == 0, demo.stderr
    people = People(postgres_server, owner_url)
    urls = {person: people.add(person, role.value) for person, role in PEOPLE.items()}
    yield owner_url, urls
    postgres_server.drop_team_database(name)


def _psycopg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def test_every_table_has_its_rights_decided():
    # A table a later revision adds must be placed in TABLE_RIGHTS (who may write it).
    assert set(Base.metadata.tables) | {"alembic_version"} <= set(TABLE_RIGHTS)


def test_a_readers_update_over_its_own_connection_is_refused_by_the_server(team):
    owner_url, urls = team
    with psycopg.connect(_psycopg_url(urls["rita"])) as connection:
        names = connection.execute("SELECT name FROM provider ORDER BY id").fetchall()
        assert names  # a reader sees everything
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied for table provider"):
            connection.execute("UPDATE provider SET name = 'Renamed by the reader'")
    with psycopg.connect(_psycopg_url(owner_url)) as connection:
        assert connection.execute("SELECT name FROM provider ORDER BY id").fetchall() == names


def test_a_readers_save_from_the_program_is_one_sentence(team):
    _owner, urls = team
    with open_database(urls["rita"]) as db:
        with pytest.raises(ServerRefusedError, match="^The server refused the change: your role may not change provider records"):
            with db.transaction() as session:
                session.scalars(select(Provider)).first().notes = "seen"


def test_an_officer_cannot_write_budgets_nor_the_audit_trail(team):
    _owner, urls = team
    with psycopg.connect(_psycopg_url(urls["oscar"])) as connection:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute("UPDATE budget SET amount_pence = amount_pence + 1")
    with psycopg.connect(_psycopg_url(urls["oscar"])) as connection:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute(
                "INSERT INTO audit_event (at, who, action, entity, entity_id, field) "
                "VALUES (now(), 'fiona', 'update', 'provider', 1, 'name')"
            )


@pytest.mark.parametrize("person", ["adam", "fiona"])
def test_no_role_may_rewrite_the_audit_trail(team, person):
    _owner, urls = team
    with psycopg.connect(_psycopg_url(urls[person])) as connection:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute("DELETE FROM audit_event")


def _half_year_period():
    return ExportPeriod.from_options("2024/25", half="H1")


def test_an_officers_final_half_year_sign_off_is_refused_and_nothing_is_locked(team, tmp_path):
    owner_url, urls = team
    with open_database(owner_url) as owner, owner.reading() as session:
        before = (session.scalar(select(Submission.id).order_by(Submission.id.desc()).limit(1)),
                  sorted(session.execute(select(Return.id, Return.status)).all()))
    target = tmp_path / "moj-h1.xlsx"
    with open_database(urls["oscar"]) as db:
        with pytest.raises(ServerRefusedError, match="^Only finance can sign off a final six-monthly return"):
            final_export(db, _half_year_period(), target, include_unverified=True, signed_off_by="Fiona Hale")
    assert not target.exists()
    with open_database(owner_url) as owner, owner.reading() as session:
        after = (session.scalar(select(Submission.id).order_by(Submission.id.desc()).limit(1)),
                 sorted(session.execute(select(Return.id, Return.status)).all()))
    assert after == before


def test_an_officer_cannot_reopen_a_locked_return_but_an_administrator_can(team):
    owner_url, urls = team
    with open_database(owner_url) as owner, owner.reading() as session:
        locked = session.scalar(select(Return.id).where(Return.status == ReturnStatus.LOCKED).limit(1))
    assert locked is not None
    with open_database(urls["oscar"]) as db:
        with pytest.raises(ServerRefusedError, match="^Only an administrator can reopen a locked return"):
            reopen(db, locked, "provider sent a correction")
    with open_database(urls["adam"]) as db:
        reopen(db, locked, "provider sent a correction")
        with db.reading() as session:
            assert session.get(Return, locked).status == ReturnStatus.SUBMITTED
            reasons = session.scalars(
                select(AuditEvent).where(AuditEvent.entity == "return", AuditEvent.entity_id == locked,
                                         AuditEvent.field == "status").order_by(AuditEvent.id.desc())
            ).first()
    assert (reasons.who, reasons.old_value, reasons.new_value, reasons.reason) == (
        "adam", "locked", "submitted", "provider sent a correction"
    )


def test_an_officers_return_save_is_audited_as_that_officer_whatever_the_client_claims(team):
    from desktop_app.core.periods import FinancialYear, Quarter
    from desktop_app.store.models import ReturnPeriod

    owner_url, urls = team
    with open_database(owner_url) as owner, owner.reading() as session:
        return_id, strand, year, number = session.execute(
            select(Return.id, Return.strand_id, ReturnPeriod.financial_year, ReturnPeriod.quarter)
            .join(ReturnPeriod, Return.period_id == ReturnPeriod.id)
            .where(Return.status == ReturnStatus.SUBMITTED).order_by(Return.id).limit(1)
        ).one()
    quarter = Quarter(FinancialYear(year), number)
    with open_database(urls["oscar"]) as db:
        form = return_form(db, strand, quarter)
        wanted = str((form.values.get("victims_supported") or 0) + 7)
        save_return(db, strand, quarter, {**form.values, "victims_supported": wanted}, who="fiona",
                    version=form.version)
        with db.reading() as session:
            rows = session.execute(
                select(AuditEvent.entity, AuditEvent.field, AuditEvent.new_value, AuditEvent.who).where(
                    AuditEvent.entity == "return_value",
                    AuditEvent.entity_id.in_(text(f"SELECT id FROM return_value WHERE return_id = {return_id}")),
                    AuditEvent.who != APP_ROLE,  # the demo's own lines were written by the owner
                )
            ).all()
    assert rows == [("return_value", "value", wanted, "oscar")]


def test_the_administrator_adds_changes_and_removes_people(team):
    _owner, urls = team
    with open_database(urls["adam"]) as db:
        add_person(db, "nadia", "officer")
        assert {p.name: p.role for p in list_people(db)}["nadia"] is Role.OFFICER
        set_role(db, "nadia", "finance")
        assert {p.name: p.role for p in list_people(db)}["nadia"] is Role.FINANCE
        remove_person(db, "nadia")
        assert "nadia" not in {p.name for p in list_people(db)}
    with open_database(_owner) as owner, owner.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM pg_roles WHERE rolname = 'nadia'")).scalar() == 0


@pytest.mark.parametrize(
    ("who", "args", "sentence"),
    [
        ("adam", ("add-person", "nadia", "--role", "boss"), "boss is not a role: choose reader, officer, finance or administrator."),
        ("adam", ("add-person", "oscar", "--role", "reader"), "oscar already exists on this server"),
        ("adam", ("remove-person", "adam"), "adam is the last administrator: make someone else administrator first."),
        ("adam", ("set-role", "adam", "--role", "officer"), "adam is the last administrator"),
        ("oscar", ("add-person", "nadia", "--role", "officer"), "Only an administrator can add, change or remove people."),
        ("fiona", ("remove-person", "rita"), "Only an administrator can add, change or remove people."),
    ],
)
def test_bad_team_commands_are_refused_by_the_server_in_one_sentence(team, who, args, sentence):
    owner_url, urls = team
    with open_database(owner_url) as owner:
        people_before = list_people(owner)
    done = run_cli("--database-url", urls[who], "team", *args)
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith(f"commissioning-desk: {sentence}")
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1
    with open_database(owner_url) as owner:
        assert list_people(owner) == people_before


def test_team_list_and_add_person_on_the_command_line(team):
    _owner, urls = team
    added = run_cli("--database-url", urls["adam"], "team", "add-person", "tariq", "--role", "reader")
    assert added.returncode == 0, added.stderr
    assert "Added tariq as reader" in added.stdout and "password" in added.stdout
    listed = run_cli("--database-url", urls["adam"], "team", "list")
    assert listed.returncode == 0, listed.stderr
    assert {tuple(line.split("\t")) for line in listed.stdout.splitlines()} == {
        *((name, role.value) for name, role in PEOPLE.items()), ("tariq", "reader")
    }
    removed = run_cli("--database-url", urls["adam"], "team", "remove-person", "tariq")
    assert removed.returncode == 0, removed.stderr


def test_the_groups_belong_to_this_database_only(team, postgres_server):
    owner_url, _urls = team
    other = postgres_server.create_database("other")
    try:
        with open_database(postgres_server.url(other)):
            pass
        # A person of one team's database cannot even connect to another's on the same server.
        with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
            psycopg.connect(_psycopg_url(postgres_server.url(other, role="oscar"))).close()
        assert set(group_names(other).values()).isdisjoint(group_names(owner_url.rsplit("/", 1)[1]).values())
    finally:
        postgres_server.drop_team_database(other)


def test_a_person_opening_a_database_that_is_behind_is_told_to_ask_the_owner(team, postgres_server):
    from alembic import command
    from alembic.config import Config

    from desktop_app.paths import migrations_dir
    from desktop_app.store.errors import StoreError

    name = postgres_server.create_database("behind")
    try:
        url = postgres_server.url(name)
        with open_database(url):
            pass
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text(f'CREATE ROLE "{name}_late" LOGIN IN ROLE "{group_names(name)[Role.OFFICER]}"'))
            config = Config()
            config.set_main_option("script_location", str(migrations_dir()))
            config.attributes["connection"] = connection
            command.downgrade(config, "0008")
        engine.dispose()
        with pytest.raises(StoreError, match="must be upgraded, which only the server account that owns it"):
            open_database(postgres_server.url(name, role=f"{name}_late"))
        with postgres_server.admin_connection() as connection:
            connection.execute(f'DROP ROLE "{name}_late"')
    finally:
        postgres_server.drop_team_database(name)


def test_a_team_database_at_0008_with_data_upgrades_and_its_people_can_work(pg_url, people):
    from alembic import command
    from alembic.config import Config

    from desktop_app.paths import migrations_dir
    from tests.services.test_strands import add_provider

    with open_database(pg_url) as db:
        provider_id = add_provider(db, "Calder Women's Aid")
    engine = create_engine(pg_url)
    with engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(migrations_dir()))
        config.attributes["connection"] = connection
        command.downgrade(config, "0008")
        assert connection.execute(text("SELECT to_regprocedure('desk_add_person(text, text)')")).scalar() is None
        trail = connection.execute(text("SELECT count(*) FROM audit_event")).scalar()
    engine.dispose()
    with open_database(pg_url) as db, db.reading() as session:  # the owner upgrades it again
        assert session.get(Provider, provider_id).name == "Calder Women's Aid"
        assert session.query(AuditEvent).count() == trail
    # Logins belong to the whole server: not the module's "oscar", who may exist already.
    with open_database(people.add("olga", "officer")) as db:
        with db.transaction() as session:
            session.get(Provider, provider_id).notes = "upgraded"
        with db.reading() as session:
            last = session.query(AuditEvent).order_by(AuditEvent.id.desc()).first()
    assert (last.entity_id, last.field, last.new_value, last.who) == (provider_id, "notes", "upgraded", "olga")


# ---------------------------------------------------------------- the window follows the role

WINDOW_SIZE = (1366, 768)


@pytest.fixture
def role_window(qtbot, team, tmp_path):
    from PySide6.QtCore import QSettings

    from desktop_app.app import build_main_window

    opened = []

    def open_as(person: str):
        settings = QSettings(str(tmp_path / f"{person}.ini"), QSettings.Format.IniFormat)
        window = build_main_window(team[1][person], settings=settings)
        qtbot.addWidget(window)
        window.resize(*WINDOW_SIZE)
        window.show()
        opened.append(window)
        return window

    yield open_as
    for window in opened:
        window.close()
        window.workspace.close()


def _shot(window, page: str, person: str, qtbot) -> None:
    window.show_page(page)
    qtbot.wait(50)
    window.grab().save(f"/tmp/w-roles-{person}-{page}.png")


def _refused(widget) -> str | None:
    """The guard's tooltip when the widget is switched off for this role, else None."""
    return widget.toolTip() if not widget.isEnabled() and widget.toolTip().startswith("Only ") else None


def _choose_first_half(exports, qtbot) -> None:
    combo = exports.picker.part_combo
    combo.setCurrentIndex(next(i for i in range(combo.count()) if combo.itemData(i)[0] == 1))
    qtbot.waitUntil(exports.sign_off_row.isVisible)


def test_a_reader_sees_everything_and_can_change_nothing(role_window, qtbot):
    window = role_window("rita")
    assert window.person_label.text() == "Connected as rita (reader)"
    providers = window.show_page("providers")
    assert providers.table.model().rowCount() > 0  # sees the register
    assert _refused(providers.new_button) == "Only officers, finance and administrators can change the register, returns and claims."
    finance = window.show_page("finance")
    assert _refused(finance.payment_button) == "Only finance can change budgets and payments."
    assert _refused(finance.new_claim_button) is not None
    assert not window.people_action.isEnabled()
    assert window.people_action.toolTip() == "Only an administrator can add, change or remove people."
    for page in ("providers", "finance", "exports"):
        _shot(window, page, "rita", qtbot)


def test_an_officer_keeps_the_register_but_not_the_money_nor_the_sign_off(role_window, qtbot):
    window = role_window("oscar")
    assert window.person_label.text() == "Connected as oscar (officer)"
    providers = window.show_page("providers")
    assert _refused(providers.new_button) is None and providers.new_button.isEnabled()
    strands = window.show_page("strands")
    assert _refused(strands.new_stream_button) == "Only finance can change budgets and payments."
    exports = window.show_page("exports")
    _choose_first_half(exports, qtbot)
    assert _refused(exports.signed_off_edit) == "Only finance can sign off a final six-monthly return."
    assert exports.signed_off_edit.placeholderText() == "Only finance can sign off a final six-monthly return."
    # The final half-year return is the six-monthly one: not offered, rather than refused after.
    assert _refused(exports.final_button) == "Only finance can sign off a final six-monthly return."
    assert exports.save_button.isEnabled()  # a draft of the same half is the officer's to make
    indicators = window.show_page("indicators")
    assert _refused(indicators.settings_button) == "Only an administrator can change an indicator's baseline and target."
    assert not window.people_action.isEnabled()
    for page in ("strands", "exports", "indicators"):
        _shot(window, page, "oscar", qtbot)


def test_finance_has_the_money_and_the_sign_off_but_not_the_people(role_window, qtbot):
    window = role_window("fiona")
    assert window.person_label.text() == "Connected as fiona (finance)"
    strands = window.show_page("strands")
    assert _refused(strands.new_stream_button) is None and strands.new_stream_button.isEnabled()
    exports = window.show_page("exports")
    _choose_first_half(exports, qtbot)
    assert _refused(exports.signed_off_edit) is None and exports.signed_off_edit.isEnabled()
    assert exports.final_button.isEnabled()
    indicators = window.show_page("indicators")
    assert _refused(indicators.settings_button) is not None
    assert not window.people_action.isEnabled()
    for page in ("finance", "exports"):
        _shot(window, page, "fiona", qtbot)


def test_the_administrator_manages_people_from_the_team_menu(role_window, qtbot):
    from desktop_app.ui.team_dialog import PeopleDialog

    window = role_window("adam")
    assert window.person_label.text() == "Connected as adam (administrator)"
    assert window.people_action.isEnabled()
    indicators = window.show_page("indicators")
    assert _refused(indicators.settings_button) is None
    strands = window.show_page("strands")
    assert _refused(strands.new_stream_button) == "Only finance can change budgets and payments."
    dialog = PeopleDialog(window.workspace.db, window)
    qtbot.addWidget(dialog)
    dialog.show()
    names = {dialog.table.item(row, 0).text(): dialog.table.item(row, 1).text() for row in range(dialog.table.rowCount())}
    assert names == {name: role.value for name, role in PEOPLE.items()}
    dialog.grab().save("/tmp/w-roles-adam-people.png")
    _shot(window, "indicators", "adam", qtbot)
    dialog.close()


def test_the_demo_built_on_the_server_passes_check_run_by_a_reader(team):
    # The server wrote every audit line of the demo; `check` reads them as it reads the client's.
    _owner, urls = team
    done = run_cli("--database-url", urls["rita"], "check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("No problems")


def test_a_person_sets_their_own_password_and_the_server_only_sees_its_hash(team, postgres_server):
    from desktop_app.services.team import PeopleRefusedError as Refused, change_my_password

    _owner, urls = team
    with open_database(urls["rita"]) as db:
        with pytest.raises(Refused, match="at least 12 characters"):
            change_my_password(db, "short")
        change_my_password(db, "a long enough passphrase")
    with postgres_server.admin_connection() as connection:
        stored = connection.execute("SELECT rolpassword FROM pg_authid WHERE rolname = 'rita'").fetchone()[0]
    assert stored.startswith("SCRAM-SHA-256$") and "passphrase" not in stored


@pytest.mark.parametrize(("person", "refused"), [("oscar", "Only an administrator can reopen a locked return."), ("adam", None)])
def test_only_the_administrators_return_form_offers_reopen(role_window, qtbot, team, person, refused):
    from desktop_app.core.periods import FinancialYear, Quarter
    from desktop_app.store.models import ReturnPeriod
    from desktop_app.ui.pages.returns.form import ReturnDialog

    with open_database(team[0]) as owner, owner.reading() as session:
        strand, year, number = session.execute(
            select(Return.strand_id, ReturnPeriod.financial_year, ReturnPeriod.quarter)
            .join(ReturnPeriod, Return.period_id == ReturnPeriod.id)
            .where(Return.status == ReturnStatus.LOCKED).order_by(Return.id.desc()).limit(1)
        ).one()
    window = role_window(person)
    dialog = ReturnDialog(window.workspace, strand, Quarter(FinancialYear(year), number))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.wait(50)
    assert _refused(dialog.step_buttons["Reopen…"]) == refused
    dialog.grab().save(f"/tmp/w-roles-{person}-locked-return.png")
    dialog.close()


def test_the_demo_built_on_the_server_is_audited_once_for_each_figure(team):
    # The demo writes its figures in bulk; on a server the triggers audit them, so the program
    # must not also write its own lines (every figure would then show twice in its History).
    owner_url, _urls = team
    with psycopg.connect(_psycopg_url(owner_url)) as connection:
        figures = connection.execute("SELECT count(*) FROM return_value").fetchone()[0]
        lines = connection.execute(
            "SELECT count(*), count(DISTINCT entity_id) FROM audit_event "
            "WHERE entity = 'return_value' AND action = 'insert' AND field = 'value'"
        ).fetchone()
    assert figures > 1000
    assert lines == (figures, figures)
