"""A problem with one field of a form, said so that it reads well next to that field."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FieldError"]


@dataclass(frozen=True)
class FieldError:
    """`field` is the draft's field name (e.g. `contact_email`); `message` is for the officer,
    e.g. "A provider called 'Leeds Victim Care' already exists"."""

    field: str
    message: str

    def __str__(self) -> str:
        return self.message
