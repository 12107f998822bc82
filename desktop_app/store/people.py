"""A team's people on its PostgreSQL server: adding, changing and removing logins, and who am I.

The work is done by the server's functions (store/server_rights.py), run as the database's
owner and executable only by administrators, so every refusal is the server's: this module
turns its words into the sentence an officer reads. No password passes through here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from desktop_app.core.access import Role
from desktop_app.store.errors import StoreError
from desktop_app.store.server_rights import PEOPLE_REFUSAL


class PeopleRefusedError(StoreError):
    """The server refused a change to the team's people; nothing was changed."""


LOCAL_FILE = (
    "People and roles belong to a team's server database; a database file on this computer has "
    "one person, with every right."
)


@dataclass(frozen=True)
class Person:
    name: str
    role: Role


@dataclass(frozen=True)
class Connected:
    """Who this connection is: the login the server authenticated, and its role (None: the
    database's owner or a local file, which hold every right)."""

    name: str
    role: Role | None
    owner: bool = False


def _server_only(db) -> None:
    if db.is_sqlite:
        raise PeopleRefusedError(LOCAL_FILE)


def _refused(error: DBAPIError) -> PeopleRefusedError:
    original = error.orig
    diag = getattr(original, "diag", None)
    words = (getattr(diag, "message_primary", None) or str(original).splitlines()[0]).strip()
    if getattr(original, "sqlstate", None) == "42501" and words.startswith("permission denied"):
        words = PEOPLE_REFUSAL
    if words and words[-1] not in ".!?":
        words += "."
    return PeopleRefusedError(f"{words} Nothing was changed.")


def _call(db, statement: str, params: dict) -> None:
    _server_only(db)
    try:
        with db.engine.begin() as connection:
            connection.execute(text(statement), params)
    except DBAPIError as error:
        raise _refused(error) from error


def add_person(db, name: str, role: str) -> None:
    _call(db, "SELECT desk_add_person(:name, :role)", {"name": name.strip(), "role": role.strip().lower()})


def set_role(db, name: str, role: str) -> None:
    _call(db, "SELECT desk_set_role(:name, :role)", {"name": name.strip(), "role": role.strip().lower()})


def remove_person(db, name: str) -> None:
    _call(db, "SELECT desk_remove_person(:name)", {"name": name.strip()})


def list_people(db) -> list[Person]:
    _server_only(db)
    try:
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT person, role FROM desk_people()")).all()
    except DBAPIError as error:
        raise _refused(error) from error
    return [Person(name, Role(role)) for name, role in rows]


def connected(db) -> Connected | None:
    """This connection's login and role on a server; None for a local file."""
    if db.is_sqlite:
        return None
    with db.engine.connect() as connection:
        name, role = connection.execute(text("SELECT session_user::text, desk_my_role()")).one()
    if role == "owner":
        return Connected(name, None, owner=True)
    return Connected(name, Role(role) if role else Role.READER)


def change_my_password(db, password: str) -> None:
    """Set this login's own password. libpq hashes it here (SCRAM), so the server, its logs and
    anyone watching its statements only ever see the hash; the program keeps no copy."""
    _server_only(db)
    if len(password) < 12:
        raise PeopleRefusedError("Choose a password of at least 12 characters; it was not changed.")
    raw = db.engine.raw_connection()
    try:
        connection = raw.driver_connection
        user = connection.execute("SELECT session_user").fetchone()[0]
        hashed = connection.pgconn.encrypt_password(password.encode(), user.encode(), None).decode()
        from psycopg import sql

        connection.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(user), sql.Literal(hashed)))
        connection.commit()
    except DBAPIError as error:  # pragma: no cover - through SQLAlchemy's wrapper only
        raise _refused(error) from error
    except Exception as error:
        if type(error).__module__.startswith("psycopg"):
            raise PeopleRefusedError(f"The server refused the new password ({error}); it was not changed.") from error
        raise
    finally:
        raw.close()
