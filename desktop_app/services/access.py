"""Who is using the program and what their role lets them do, for the window and the verbs.

On a team's server: the login the server authenticated and its role (store/people.py). On a
local file: the operating system's user, with every right (there are no roles to hold).
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.core.access import Right, Role, may, refusal
from desktop_app.store.local_user import current_user


@dataclass(frozen=True)
class CurrentPerson:
    name: str
    role: Role | None  # None: every right (a local file, or the server database's owner)
    on_server: bool
    owner: bool = False

    def may(self, right: Right) -> bool:
        return may(self.role, right)

    def refusal(self, right: Right, doing: str | None = None) -> str | None:
        """The tooltip for an action this person may not take; None when they may."""
        return None if self.may(right) else refusal(right, doing)

    @property
    def role_words(self) -> str:
        if self.role is not None:
            return self.role.value
        return "database owner" if self.owner else "every right"

    @property
    def status_text(self) -> str:
        """For the status bar: "Connected as jsmith (officer)"."""
        if not self.on_server:
            return f"Working as {self.name} (this computer's user)"
        return f"Connected as {self.name} ({self.role_words})"


def local_person() -> CurrentPerson:
    """On a local file: this computer's user, with every right (nothing to ask the database)."""
    return CurrentPerson(current_user(), None, on_server=False)


def current_person(db) -> CurrentPerson:
    from desktop_app.store.people import connected  # the server's roles: SQLAlchemy

    found = connected(db)
    if found is None:
        return local_person()
    return CurrentPerson(found.name, found.role, on_server=True, owner=found.owner)
