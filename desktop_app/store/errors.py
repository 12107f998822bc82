"""Errors the store raises: each message is written for an officer and names the file."""

from sqlalchemy.orm.exc import StaleDataError


class StoreError(Exception):
    """A database could not be opened or used; the message says why and what to do."""


class DatabaseInUseError(StoreError):
    """Another copy of the program has the database open."""


class NotADeskDatabaseError(StoreError):
    """The file is not a Commissioning Desk database (or is newer than this program)."""


class DatabaseDamagedError(StoreError):
    """SQLite's own check found damage in the file."""


class ConcurrentChangeError(StoreError, StaleDataError):
    """Another copy saved a row between this transaction's read and its write (team mode).

    Still a `StaleDataError` (an `SQLAlchemyError`), so code that catches those to undo work of
    its own (the final export puts its file back) keeps doing so."""
