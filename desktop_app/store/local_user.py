"""Who is at this computer, as the operating system says: the "who" of a local file's audit trail.

Apart from `store.audit` so the window can name the person before the database (and SQLAlchemy)
is loaded.
"""

from __future__ import annotations

import getpass

__all__ = ["current_user"]


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (some services and containers)
        return "unknown user"
