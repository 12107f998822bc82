"""Who may do what, enforced by PostgreSQL: group roles, per-table grants, narrow guards, people.

Four group roles (NOLOGIN) per database, named after it (`<database>_reader`, `_officer`,
`_finance`, `_administrator`): roles belong to the whole server, and two teams' databases on
one server must not share their people, so each database has its own four. Officers, finance
and administrators inherit the reader's rights; finance and administrators the officer's. A
person is a LOGIN role that is a member of exactly one of the four.

Per-table GRANTs carry most of the rules (`TABLE_RIGHTS`). Two tables mix rights, and a trigger
guards each, raising insufficient_privilege with the sentence an officer reads:
- a return's status: anyone who edits returns may lock one (the final MoJ return), but only an
  administrator may move a locked return back (reopen). A trigger rather than row-level
  security: an RLS policy would hide the locked row from the officer's UPDATE, which the
  program would report as someone else's concurrent save.
- a submission's sign-off: only finance may record the Chief Finance Officer's sign-off.
The audit trail is append-only for every role, its owner included (store/audit_guards.py); no
person may even insert into it: the server's triggers write it (store/server_audit.py).

People are added, changed and removed through SECURITY DEFINER functions (`desk_add_person`
...) that run as the database's owner and that only the administrator group may execute, so
an administrator needs no CREATEROLE of their own, and every refusal (an unknown role, a
person who exists, the last administrator) is the server's. Passwords are never set here: a
new login has none until its person sets one (`\\password` in psql, or the window's prompt).

Who runs the upgrade that installs all this: the database's owner, a login with CREATEROLE (the
account whoever set the server up created the database with). Anyone else opening a database
that is behind is refused with a sentence saying so (store/database.py).

Everything here is idempotent and runs again after every upgrade, so a table a later
revision adds gets its grants from `TABLE_RIGHTS` (a table missing there is the
administrator's to write, and tests/postgres/test_roles.py fails until it is placed).
"""

from __future__ import annotations

import hashlib

from sqlalchemy import Connection, text

from desktop_app.core.access import Right, Role
from desktop_app.store.server_audit import install_server_audit, remove_server_audit

# table -> the right its writes need (every role reads every table).
TABLE_RIGHTS: dict[str, Right | None] = {
    **dict.fromkeys(
        (
            "provider", "provider_district", "strand", "strand_theme", "strand_district",
            "return_period", "return", "return_value", "return_breakdown_value",
            "indicator_reading", "claim", "claim_line", "submission",
        ),
        Right.EDIT_WORK,
    ),
    **dict.fromkeys(
        ("funding_stream", "budget", "allocation", "funding_line", "line_budget", "payment"), Right.EDIT_MONEY
    ),
    **dict.fromkeys(
        (
            "plan", "priority", "theme", "district", "service_category", "measure", "breakdown",
            "breakdown_category", "measure_breakdown", "measure_rule", "indicator", "indicator_theme",
            "expenditure_category",
        ),
        Right.EDIT_REFERENCE,
    ),
    "setting": Right.SETTINGS,
    # Nobody writes these: the server's triggers write the trail, the owner's upgrades the version.
    "audit_event": None,
    "alembic_version": None,
}
# The group a right is granted to (the others inherit it through membership).
_GRANTED_TO = {
    Right.EDIT_WORK: Role.OFFICER,
    Right.EDIT_MONEY: Role.FINANCE,
    Right.EDIT_REFERENCE: Role.ADMINISTRATOR,
    Right.SETTINGS: Role.ADMINISTRATOR,
}
_MEMBER_OF = {Role.OFFICER: Role.READER, Role.FINANCE: Role.OFFICER, Role.ADMINISTRATOR: Role.OFFICER}
_PREFIX_LIMIT = 40  # role names are at most 63 bytes; "_administrator" takes 14

REOPEN_REFUSAL = "Only an administrator can reopen a locked return."
SIGN_OFF_REFUSAL = "Only finance can sign off a final six-monthly return."
PEOPLE_REFUSAL = "Only an administrator can add, change or remove people."


def group_names(database: str) -> dict[Role, str]:
    prefix = database
    if len(prefix.encode()) > _PREFIX_LIMIT:
        prefix = prefix[:30] + "_" + hashlib.sha256(database.encode()).hexdigest()[:8]
    return {role: f"{prefix}_{role.value}" for role in Role}


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def is_owner(connection: Connection) -> bool:
    """Whether this login owns the database (or is a superuser): the one who may upgrade it."""
    return bool(
        connection.execute(
            text(
                "SELECT pg_has_role(current_user, datdba, 'MEMBER') FROM pg_database "
                "WHERE datname = current_database()"
            )
        ).scalar()
    )


def may_create_roles(connection: Connection) -> bool:
    return bool(
        connection.execute(
            text("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
        ).scalar()
    )


def _ensure_groups(connection: Connection, groups: dict[Role, str]) -> None:
    existing = set(connection.execute(text("SELECT rolname FROM pg_roles")).scalars())
    for role in Role:
        if groups[role] not in existing:
            connection.execute(text(f"CREATE ROLE {_quoted(groups[role])} NOLOGIN"))
    for role, parent in _MEMBER_OF.items():
        connection.execute(text(f"GRANT {_quoted(groups[parent])} TO {_quoted(groups[role])}"))


def _grant_tables(connection: Connection, groups: dict[Role, str]) -> None:
    tables = connection.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    ).scalars().all()
    everyone = ", ".join(_quoted(g) for g in groups.values())
    for table in tables:
        quoted = _quoted(table)
        connection.execute(text(f"REVOKE ALL ON {quoted} FROM PUBLIC, {everyone}"))
        connection.execute(text(f"GRANT SELECT ON {quoted} TO {_quoted(groups[Role.READER])}"))
        right = TABLE_RIGHTS.get(table, Right.EDIT_REFERENCE)
        if right is not None:
            writer = groups[_GRANTED_TO[right]]
            connection.execute(text(f"GRANT INSERT, UPDATE, DELETE ON {quoted} TO {_quoted(writer)}"))
    # Inserting takes ids from the tables' sequences; reading the trail's tells `check` of gaps.
    schema = connection.execute(text("SELECT current_schema()")).scalar()
    connection.execute(
        text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {_quoted(schema)} TO {_quoted(groups[Role.OFFICER])}")
    )
    connection.execute(
        text(f"GRANT SELECT ON ALL SEQUENCES IN SCHEMA {_quoted(schema)} TO {_quoted(groups[Role.READER])}")
    )
    database = connection.execute(text("SELECT current_database()")).scalar()
    # Other logins on the same server do not even connect.
    connection.execute(text(f"REVOKE CONNECT, TEMPORARY ON DATABASE {_quoted(database)} FROM PUBLIC"))
    connection.execute(text(f"GRANT CONNECT ON DATABASE {_quoted(database)} TO {everyone}"))


def _guards(groups: dict[Role, str]) -> list[str]:
    def holds(role: Role) -> str:
        return (
            f"(pg_has_role(session_user, {_literal(groups[role])}, 'MEMBER') OR pg_has_role(session_user, "
            "(SELECT datdba FROM pg_database WHERE datname = current_database()), 'MEMBER'))"
        )

    return [
        f"""CREATE OR REPLACE FUNCTION desk_guard_reopen() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF OLD.status = 'locked' AND NEW.status IS DISTINCT FROM 'locked' AND NOT {holds(Role.ADMINISTRATOR)} THEN
                RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE = {_literal(REOPEN_REFUSAL)};
            END IF;
            RETURN NEW;
        END $$""",
        'DROP TRIGGER IF EXISTS desk_guard_reopen ON "return"',
        'CREATE TRIGGER desk_guard_reopen BEFORE UPDATE ON "return" FOR EACH ROW EXECUTE FUNCTION desk_guard_reopen()',
        f"""CREATE OR REPLACE FUNCTION desk_guard_sign_off() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.signed_off_by IS NOT NULL
               AND (TG_OP = 'INSERT' OR OLD.signed_off_by IS DISTINCT FROM NEW.signed_off_by
                    OR OLD.signed_off_at IS DISTINCT FROM NEW.signed_off_at)
               AND NOT {holds(Role.FINANCE)} THEN
                RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE = {_literal(SIGN_OFF_REFUSAL)};
            END IF;
            RETURN NEW;
        END $$""",
        "DROP TRIGGER IF EXISTS desk_guard_sign_off ON submission",
        "CREATE TRIGGER desk_guard_sign_off BEFORE INSERT OR UPDATE ON submission "
        "FOR EACH ROW EXECUTE FUNCTION desk_guard_sign_off()",
    ]


def _people_functions(groups: dict[Role, str], schema: str) -> list[str]:
    # pg_catalog comes first whatever search_path says; pg_temp last, so nobody's temporary
    # function can stand in for one of ours.
    definer = f"SECURITY DEFINER SET search_path = {_quoted(schema)}, pg_temp"
    cases = " ".join(f"WHEN {_literal(r.value)} THEN {_literal(g)}" for r, g in groups.items())
    group_list = "ARRAY[" + ", ".join(_literal(g) for g in groups.values()) + "]"
    admin = _literal(groups[Role.ADMINISTRATOR])
    choices = "reader, officer, finance or administrator"
    # The person's one group, or NULL when they are not one of this database's people.
    role_of = f"""(SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                   JOIN pg_roles p ON p.oid = m.member
                   WHERE p.rolname = person AND g.rolname = ANY({group_list}) LIMIT 1)"""
    admins = f"""(SELECT count(*) FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                  JOIN pg_roles p ON p.oid = m.member WHERE g.rolname = {admin} AND p.rolcanlogin)"""
    not_one = "format('%s is not one of this database''s people (team list shows who is).', person)"
    last = "format('%s is the last administrator: make someone else administrator first.', person)"
    return [
        f"""CREATE OR REPLACE FUNCTION desk_group(role text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
            SELECT CASE role {cases} END $$""",
        f"""CREATE OR REPLACE FUNCTION desk_add_person(person text, role text) RETURNS void
        LANGUAGE plpgsql {definer} AS $$
        DECLARE grp text := desk_group(role);
        BEGIN
            IF grp IS NULL THEN
                RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
                    MESSAGE = format('%s is not a role: choose {choices}.', role);
            END IF;
            IF person !~ '^[a-z][a-z0-9_.-]{{0,62}}$' THEN
                RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
                    MESSAGE = format('%s cannot be a login name: use lower-case letters, digits, dots, dashes or underscores, starting with a letter.', person);
            END IF;
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = person) THEN
                RAISE EXCEPTION USING ERRCODE = 'duplicate_object',
                    MESSAGE = format('%s already exists on this server: choose another name, or change their role with set-role.', person);
            END IF;
            EXECUTE format('CREATE ROLE %I LOGIN IN ROLE %I', person, grp);
        END $$""",
        f"""CREATE OR REPLACE FUNCTION desk_set_role(person text, role text) RETURNS void
        LANGUAGE plpgsql {definer} AS $$
        DECLARE grp text := desk_group(role); current_group text := {role_of};
        BEGIN
            IF grp IS NULL THEN
                RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
                    MESSAGE = format('%s is not a role: choose {choices}.', role);
            END IF;
            IF current_group IS NULL THEN
                RAISE EXCEPTION USING ERRCODE = 'undefined_object', MESSAGE = {not_one};
            END IF;
            IF current_group = {admin} AND grp <> {admin} AND {admins} <= 1 THEN
                RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE = {last};
            END IF;
            EXECUTE format('REVOKE %I FROM %I', current_group, person);
            EXECUTE format('GRANT %I TO %I', grp, person);
        END $$""",
        f"""CREATE OR REPLACE FUNCTION desk_remove_person(person text) RETURNS void
        LANGUAGE plpgsql {definer} AS $$
        DECLARE current_group text := {role_of};
        BEGIN
            IF current_group IS NULL THEN
                RAISE EXCEPTION USING ERRCODE = 'undefined_object', MESSAGE = {not_one};
            END IF;
            IF current_group = {admin} AND {admins} <= 1 THEN
                RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE = {last};
            END IF;
            EXECUTE format('REVOKE %I FROM %I', current_group, person);
            -- A login in another team's database on this server stays for that team.
            IF NOT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles p ON p.oid = m.member WHERE p.rolname = person) THEN
                BEGIN
                    EXECUTE format('DROP ROLE %I', person);
                EXCEPTION WHEN dependent_objects_still_exist THEN
                    NULL;  -- it owns something elsewhere: without a group it can do nothing here
                END;
            END IF;
        END $$""",
        f"""CREATE OR REPLACE FUNCTION desk_people() RETURNS TABLE (person text, role text)
        LANGUAGE sql STABLE {definer} AS $$
            SELECT p.rolname::text, r.role
            FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles p ON p.oid = m.member
            JOIN (VALUES {", ".join(f"({_literal(g)}, {_literal(r.value)})" for r, g in groups.items())}) AS r (grp, role)
              ON r.grp = g.rolname
            WHERE p.rolcanlogin ORDER BY p.rolname
        $$""",
        # The session's own role: the first group it belongs to, most rights first; 'owner' for
        # the database's owner (who holds every right); NULL for a login that is none of these.
        f"""CREATE OR REPLACE FUNCTION desk_my_role() RETURNS text
        LANGUAGE sql STABLE {definer} AS $$
            SELECT CASE
                WHEN pg_has_role(session_user, (SELECT datdba FROM pg_database WHERE datname = current_database()), 'MEMBER') THEN 'owner'
                WHEN pg_has_role(session_user, {admin}, 'MEMBER') THEN 'administrator'
                WHEN pg_has_role(session_user, {_literal(groups[Role.FINANCE])}, 'MEMBER') THEN 'finance'
                WHEN pg_has_role(session_user, {_literal(groups[Role.OFFICER])}, 'MEMBER') THEN 'officer'
                WHEN pg_has_role(session_user, {_literal(groups[Role.READER])}, 'MEMBER') THEN 'reader'
            END
        $$""",
    ]


_PEOPLE_FUNCTIONS = (
    "desk_add_person(text, text)", "desk_set_role(text, text)", "desk_remove_person(text)",
)
_EVERYONE_FUNCTIONS = ("desk_people()", "desk_my_role()")


def install_server_rights(connection: Connection) -> None:
    """Create the groups, grants, guards, people functions and audit triggers (idempotent), in the
    caller's transaction. PostgreSQL only; the caller must own the database and may create roles."""
    if connection.dialect.name != "postgresql":
        return
    database = connection.execute(text("SELECT current_database()")).scalar()
    groups = group_names(database)
    _ensure_groups(connection, groups)
    _grant_tables(connection, groups)
    schema = connection.execute(text("SELECT current_schema()")).scalar()
    for statement in _guards(groups) + _people_functions(groups, schema):
        connection.execute(text(statement))
    for function in _PEOPLE_FUNCTIONS + _EVERYONE_FUNCTIONS:
        connection.execute(text(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC"))
    for function in _PEOPLE_FUNCTIONS:
        connection.execute(text(f"GRANT EXECUTE ON FUNCTION {function} TO {_quoted(groups[Role.ADMINISTRATOR])}"))
    for function in _EVERYONE_FUNCTIONS:
        connection.execute(text(f"GRANT EXECUTE ON FUNCTION {function} TO {_quoted(groups[Role.READER])}"))
    install_server_audit(connection)


def remove_server_rights(connection: Connection) -> None:
    """Undo `install_server_rights` for a downgrade; the group roles stay (people may be in them)."""
    if connection.dialect.name != "postgresql":
        return
    remove_server_audit(connection)
    connection.execute(text('DROP TRIGGER IF EXISTS desk_guard_reopen ON "return"'))
    connection.execute(text("DROP TRIGGER IF EXISTS desk_guard_sign_off ON submission"))
    for function in (
        "desk_guard_reopen()", "desk_guard_sign_off()", "desk_group(text)", *_PEOPLE_FUNCTIONS, *_EVERYONE_FUNCTIONS
    ):
        connection.execute(text(f"DROP FUNCTION IF EXISTS {function}"))
