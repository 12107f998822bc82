"""Errors the store raises: each message is written for an officer and names the file.

Importing this module must stay cheap (the window's first paint imports it before SQLAlchemy
is loaded), so `ConcurrentChangeError`, a SQLAlchemy error as well, is made on first use.
"""


class StoreError(Exception):
    """A database could not be opened or used; the message says why and what to do."""


class DatabaseInUseError(StoreError):
    """Another copy of the program has the database open."""


class DatabaseHasTwoNamesError(StoreError):
    """The database file has a second name (a hard link), so one lock cannot cover it."""


class NotADeskDatabaseError(StoreError):
    """The file is not a Commissioning Desk database (or is newer than this program)."""


class DatabaseDamagedError(StoreError):
    """SQLite's own check found damage in the file."""


class DatabaseNotFoundError(StoreError):
    """No database at the path given, and this action may not create one."""


class DiskRefusedError(StoreError):
    """The disk refused a write (full, read-only, failing): the file itself may be sound."""


# SQLite's words for a write the disk refused, and what to tell the officer about each.
_DISK_PROBLEMS = (
    ("database or disk is full", "the disk is full"),
    ("attempt to write a readonly database", "the file is read-only"),
    ("disk i/o error", "the disk reported an error (disk I/O error)"),
    ("unable to open database file", "its folder cannot be written to"),
)
# SQLite's (and its text decoding's) words for pages that do not hold what they should.
_DAMAGE_SIGNS = ("malformed", "file is not a database", "codec can't decode", "could not decode")


def explain_write_failure(path: object, error: BaseException) -> StoreError | None:
    """The officer's sentence for a failed write to the database at `path`, if SQLite said why."""
    error = getattr(error, "orig", None) or error  # SQLAlchemy's wrapper: SQLite's own words
    words = str(error).lower()
    for sign, reason in _DISK_PROBLEMS:
        if sign in words:
            return DiskRefusedError(
                f"Nothing was saved to {path}: {reason}. Free some space or fix the disk, "
                "then try again."
            )
    return explain_damage(path, error)


def explain_damage(path: object, error: BaseException) -> StoreError | None:
    """The officer's sentence for pages of `path` that cannot be read, if that is what `error` is."""
    error = getattr(error, "orig", None) or error
    words = str(error).lower()
    if any(sign in words for sign in _DAMAGE_SIGNS):
        return DatabaseDamagedError(
            f"{path} is damaged: part of it cannot be read ({str(error).splitlines()[0][:120]}). "
            "Nothing was written to it. Open the newest copy from the backups folder beside it, "
            "or run `commissioning-desk check` for details."
        )
    return None


def _concurrent_change_error() -> type:
    from sqlalchemy.orm.exc import StaleDataError

    class ConcurrentChangeError(StoreError, StaleDataError):
        """Another copy saved a row between this transaction's read and its write (team mode).

        Still a `StaleDataError` (an `SQLAlchemyError`), so code that catches those to undo work of
        its own (the final export puts its file back) keeps doing so."""

    ConcurrentChangeError.__module__ = __name__
    return ConcurrentChangeError


def __getattr__(name: str):
    if name == "ConcurrentChangeError":
        globals()[name] = made = _concurrent_change_error()
        return made
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class ServerRefusedError(StoreError):
    """The PostgreSQL server refused a change this login's role may not make; nothing was saved."""


# The server's own words for a table a role may not write: "permission denied for table provider".
_PERMISSION_DENIED = "permission denied for "


def explain_server_refusal(error: BaseException) -> StoreError | None:
    """The sentence for a change the server refused on the grounds of the login's role, if it was
    that: the program's own guards already speak in sentences ("Only finance can ...")."""
    original = getattr(error, "orig", None) or error
    if getattr(original, "sqlstate", None) != "42501":
        return None
    diag = getattr(original, "diag", None)
    words = (getattr(diag, "message_primary", None) or str(original).splitlines()[0]).strip()
    if words.startswith(_PERMISSION_DENIED):
        what = words[len(_PERMISSION_DENIED):].replace("_", " ")
        if what.startswith("table "):
            what = f"{what[len('table '):]} records"
        return ServerRefusedError(
            f"The server refused the change: your role may not change {what}, so nothing was saved. "
            "Ask an administrator if you need that right."
        )
    return ServerRefusedError(f"{words} Nothing was saved.")


class PasswordNeededError(StoreError):
    """The server wants a password this connection did not give (or gave wrong)."""


class ServerUnreachableError(StoreError):
    """The server could not be reached, or its certificate could not be trusted."""


_PASSWORD_SIGNS = ("no password supplied", "password authentication failed")
_TLS_SIGNS = ("certificate", "ssl", "root.crt")


def explain_connection_failure(where: object, error: BaseException) -> StoreError | None:
    """The sentence for a connection to a server that failed before any work (psycopg's words)."""
    original = getattr(error, "orig", None) or error
    if not type(original).__module__.startswith("psycopg"):
        return None
    words = str(original).strip()
    lowered = words.lower()
    first = words.splitlines()[-1][:200] if words else type(original).__name__
    if any(sign in lowered for sign in _PASSWORD_SIGNS):
        return PasswordNeededError(
            f"The server for {where} needs your password"
            + (" (the one given was not accepted)" if "failed" in lowered else "")
            + ". Give it when the window asks, or keep it in your PGPASSFILE or a libpq service file."
        )
    if any(sign in lowered for sign in _TLS_SIGNS):
        return ServerUnreachableError(
            f"The connection to {where} was refused over TLS ({first}). Point the URL at the server's "
            "certificate authority with ?sslrootcert=PATH (see the README), then try again."
        )
    if "connection" in lowered or "could not" in lowered or "timeout" in lowered:
        return ServerUnreachableError(f"Cannot reach the server for {where} ({first}). Check the address and your network.")
    return None
