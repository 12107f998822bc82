"""Who may do what: the four roles of a team and the rights each holds, as data.

The server enforces these rights (store/server_rights.py grants them per table); the window
uses the same table to disable what a person's role may not do and to say who may.

Decisions:

- The roles build on each other: a reader sees everything; an officer does what a reader does
  and keeps the register, returns, templates, imports, indicator readings and claims; finance
  does what an officer does, plus budgets, payments and the Chief Finance Officer's sign-off.
- The administrator does what an officer does, plus reference data, reopening a locked
  return, settings and people, but not the money: budgets, payments and the sign-off stay with
  finance, so the person who manages the logins cannot also sign the grant return off.
- On a local SQLite file there are no roles: the one person at the computer holds every right.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Right", "Role", "ROLES", "may", "refusal", "who_may"]


class Role(StrEnum):
    """role"""

    READER = "reader"
    OFFICER = "officer"
    FINANCE = "finance"
    ADMINISTRATOR = "administrator"


ROLES = tuple(Role)


class Right(StrEnum):
    """What an action needs; each names, in `_DOING`, what it is in words."""

    READ = "read"
    EDIT_WORK = "edit_work"  # the register, returns, templates, imports, readings, claims
    EDIT_MONEY = "edit_money"  # funding streams, budgets, allocations, lines, payments
    SIGN_OFF = "sign_off"  # the CFO's sign-off of a final six-monthly return
    REOPEN = "reopen"  # a locked return back to submitted
    EDIT_REFERENCE = "edit_reference"  # the catalogue, indicators' settings, plans
    SETTINGS = "settings"  # due days, tolerances
    PEOPLE = "people"  # who may connect, and in which role


_HELD: dict[Role, frozenset[Right]] = {
    Role.READER: frozenset({Right.READ}),
    Role.OFFICER: frozenset({Right.READ, Right.EDIT_WORK}),
    Role.FINANCE: frozenset({Right.READ, Right.EDIT_WORK, Right.EDIT_MONEY, Right.SIGN_OFF}),
    Role.ADMINISTRATOR: frozenset(
        {Right.READ, Right.EDIT_WORK, Right.REOPEN, Right.EDIT_REFERENCE, Right.SETTINGS, Right.PEOPLE}
    ),
}

_DOING: dict[Right, str] = {
    Right.READ: "see the data",
    Right.EDIT_WORK: "change the register, returns and claims",
    Right.EDIT_MONEY: "change budgets and payments",
    Right.SIGN_OFF: "sign off a final six-monthly return",
    Right.REOPEN: "reopen a locked return",
    Right.EDIT_REFERENCE: "change reference data",
    Right.SETTINGS: "change settings",
    Right.PEOPLE: "add, change or remove people",
}

_NAMES = {
    Role.READER: "readers",
    Role.OFFICER: "officers",
    Role.FINANCE: "finance",
    Role.ADMINISTRATOR: "an administrator",
}


def may(role: Role | None, right: Right) -> bool:
    """Whether `role` holds `right`; None (a local file, no roles) holds every right."""
    return role is None or right in _HELD[role]


def who_may(right: Right) -> tuple[Role, ...]:
    return tuple(role for role in ROLES if right in _HELD[role])


def refusal(right: Right, doing: str | None = None) -> str:
    """The sentence for an action a role may not take: "Only finance can sign off a final
    six-monthly return." `doing` overrides the right's own words for one action."""
    holders = [r for r in who_may(right) if r is not Role.READER]
    if set(holders) >= {Role.OFFICER, Role.FINANCE, Role.ADMINISTRATOR}:
        subject = "officers, finance and administrators"
    else:
        subject = " and ".join(_NAMES[r] for r in holders)
    return f"Only {subject} can {doing or _DOING[right]}."
