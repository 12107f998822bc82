"""On PostgreSQL the server writes the audit trail itself: triggers on every audited table.

A change made over any connection (the window, the command line, psql, a spreadsheet's ODBC)
is audited, and each row's "who" is `session_user`, the login the server authenticated, not a
name the client sends. The client's listener (store/audit.py) writes nothing on PostgreSQL, so
there are no doubles. The program's reason for a change (a reopen, an over-allocation) reaches
the trigger through the transaction-local setting `desk.reason`.

The trigger functions are SECURITY DEFINER (they run as the database's owner): no person's role
may insert into audit_event itself, so nobody can write a line the server did not. The rows
look like the client's (one per changed field, values as `store.audit.as_audit_text` writes
them: "yes"/"no", ISO dates), so `check` and the history views read both alike.

Loading the reference data is unaudited on SQLite (AUDIT_INFO_OFF); on the server only the
database's owner may pause the trail that way (`desk.audit` = 'off'), so a person cannot.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from desktop_app.store.models import Base

REASON_SETTING = "desk.reason"
PAUSE_SETTING = "desk.audit"
ROW_FUNCTION = "desk_audit_row"
_NOT_AUDITED = ("id", "version")


def _audited_tables() -> list[str]:
    return sorted(
        m.local_table.name for m in Base.registry.mappers if getattr(m.class_, "__audited__", False)
    ) + ["setting"]


def _collections() -> list[tuple[str, str, str, str, str, str]]:
    """(association table, parent table, parent column, child table, child column, field)."""
    found = []
    for mapper in Base.registry.mappers:
        if not getattr(mapper.class_, "__audited__", False):
            continue
        for relationship in mapper.relationships:
            secondary = relationship.secondary
            if secondary is None:
                continue
            parent, child = mapper.local_table, relationship.mapper.local_table
            parent_column = next(c.name for c in secondary.c if c.references(parent.c.id))
            child_column = next(c.name for c in secondary.c if c.references(child.c.id))
            found.append((secondary.name, parent.name, parent_column, child.name, child_column, relationship.key))
    return sorted(found)


def _functions(schema: str) -> list[str]:
    definer = f"SECURITY DEFINER SET search_path = {schema}, pg_temp"
    statements = [
        f"""CREATE OR REPLACE FUNCTION desk_audit_paused() RETURNS boolean
        LANGUAGE sql STABLE {definer} AS $$
            SELECT coalesce(current_setting('{PAUSE_SETTING}', true), '') = 'off'
               AND pg_has_role(session_user,
                               (SELECT datdba FROM pg_database WHERE datname = current_database()), 'MEMBER')
        $$""",
        # The text the client writes for a value (store.audit._text).
        """CREATE OR REPLACE FUNCTION desk_audit_text(value jsonb) RETURNS text
        LANGUAGE sql IMMUTABLE AS $$
            SELECT CASE jsonb_typeof(value)
                WHEN 'null' THEN NULL
                WHEN 'boolean' THEN CASE WHEN value::boolean THEN 'yes' ELSE 'no' END
                ELSE value #>> '{}' END
        $$""",
        f"""CREATE OR REPLACE FUNCTION {ROW_FUNCTION}() RETURNS trigger
        LANGUAGE plpgsql {definer} AS $$
        DECLARE
            before jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
            after jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
            why text := nullif(current_setting('{REASON_SETTING}', true), '');
        BEGIN
            IF desk_audit_paused() THEN RETURN NULL; END IF;
            IF TG_TABLE_NAME = 'setting' THEN
                INSERT INTO audit_event (at, who, action, entity, entity_id, field, old_value, new_value, reason)
                SELECT now() AT TIME ZONE 'UTC', session_user, lower(TG_OP), 'setting', 0,
                       coalesce(after ->> 'key', before ->> 'key'), before ->> 'value', after ->> 'value', why
                WHERE (before ->> 'value') IS DISTINCT FROM (after ->> 'value');
                RETURN NULL;
            END IF;
            INSERT INTO audit_event (at, who, action, entity, entity_id, field, old_value, new_value, reason)
            SELECT now() AT TIME ZONE 'UTC', session_user, lower(TG_OP), TG_TABLE_NAME,
                   (coalesce(after, before) ->> 'id')::integer, k,
                   desk_audit_text(before -> k), desk_audit_text(after -> k), why
            FROM jsonb_object_keys(coalesce(after, before)) AS k
            WHERE k NOT IN {_NOT_AUDITED!r}
              AND desk_audit_text(before -> k) IS DISTINCT FROM desk_audit_text(after -> k)
            ORDER BY k;
            RETURN NULL;
        END $$""",
    ]
    for table, parent, parent_column, child, child_column, field in _collections():
        names = f"""(SELECT coalesce(string_agg(c.name, ', ' ORDER BY c.name), '') FROM {child} c
                     WHERE c.id IN (%s))"""
        current = f"SELECT a.{child_column} FROM {table} a WHERE a.{parent_column} = p.id"
        added = f"SELECT x.{child_column} FROM added x WHERE x.{parent_column} = p.id"
        removed = f"SELECT x.{child_column} FROM removed x WHERE x.{parent_column} = p.id"
        insert = """INSERT INTO audit_event (at, who, action, entity, entity_id, field, old_value, new_value, reason)
                    SELECT now() AT TIME ZONE 'UTC', session_user, 'update', '{parent}', p.id, '{field}', {old}, {new}, why
                    FROM (SELECT DISTINCT {parent_column} AS id FROM {source}) p
                    WHERE EXISTS (SELECT 1 FROM {parent} WHERE id = p.id)"""
        statements.append(
            f"""CREATE OR REPLACE FUNCTION desk_audit_{table}() RETURNS trigger
            LANGUAGE plpgsql {definer} AS $$
            DECLARE why text := nullif(current_setting('{REASON_SETTING}', true), '');
            BEGIN
                IF desk_audit_paused() THEN RETURN NULL; END IF;
                IF TG_OP = 'INSERT' THEN
                    {insert.format(parent=parent, field=field, parent_column=parent_column, source="added",
                                   old=names % f"{current} EXCEPT {added}", new=names % current)};
                ELSE
                    {insert.format(parent=parent, field=field, parent_column=parent_column, source="removed",
                                   old=names % f"{current} UNION {removed}", new=names % current)};
                END IF;
                RETURN NULL;
            END $$"""
        )
    return statements


def _triggers() -> list[tuple[str, str, str]]:
    """(trigger name, table, CREATE TRIGGER statement)."""
    found = [
        (
            f"desk_audit_{table}",
            table,
            f'CREATE TRIGGER desk_audit_{table} AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
            f"FOR EACH ROW EXECUTE FUNCTION {ROW_FUNCTION}()",
        )
        for table in _audited_tables()
    ]
    for table, *_rest in _collections():
        for event, transition, alias in (("INSERT", "NEW", "added"), ("DELETE", "OLD", "removed")):
            found.append(
                (
                    f"desk_audit_{table}_{event.lower()}",
                    table,
                    f"CREATE TRIGGER desk_audit_{table}_{event.lower()} AFTER {event} ON {table} "
                    f"REFERENCING {transition} TABLE AS {alias} FOR EACH STATEMENT EXECUTE FUNCTION desk_audit_{table}()",
                )
            )
    return found


def install_server_audit(connection: Connection) -> None:
    """Create or replace the audit triggers (idempotent), in the caller's transaction. PostgreSQL only."""
    if connection.dialect.name != "postgresql":
        return
    schema = connection.execute(text("SELECT current_schema()")).scalar()
    for statement in _functions(schema):
        connection.execute(text(statement))
    for name, table, statement in _triggers():
        connection.execute(text(f'DROP TRIGGER IF EXISTS {name} ON "{table}"'))
        connection.execute(text(statement))


def remove_server_audit(connection: Connection) -> None:
    if connection.dialect.name != "postgresql":
        return
    for name, table, _statement in _triggers():
        connection.execute(text(f'DROP TRIGGER IF EXISTS {name} ON "{table}"'))
    for table, *_rest in _collections():
        connection.execute(text(f"DROP FUNCTION IF EXISTS desk_audit_{table}()"))
    for function in (f"{ROW_FUNCTION}()", "desk_audit_text(jsonb)", "desk_audit_paused()"):
        connection.execute(text(f"DROP FUNCTION IF EXISTS {function}"))
