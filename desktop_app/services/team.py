"""A team's people, for the window's Team menu and the `team` verbs (the server does the work,
store/people.py); and the person's own password."""

from __future__ import annotations

from desktop_app.store.people import (
    LOCAL_FILE,
    PeopleRefusedError,
    Person,
    add_person,
    change_my_password,
    list_people,
    remove_person,
    set_role,
)

__all__ = [
    "LOCAL_FILE", "PeopleRefusedError", "Person", "add_person", "change_my_password", "list_people",
    "remove_person", "set_role",
]
