"""Errors the store raises: each message is written for an officer and names the file."""


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
