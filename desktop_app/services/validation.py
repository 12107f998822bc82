"""Refusals of what an officer asked to save: field errors, over-allocation, a vanished record.

Each is a `ServiceError` (the window shows it as a message, and nothing was written). The field
errors come from `core.field_errors.FieldError`, so a form can put each one beside its input.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from desktop_app.core.field_errors import FieldError
from desktop_app.core.money import format_pence
from desktop_app.core.periods import FinancialYear
from desktop_app.services.errors import ServiceError

__all__ = [
    "OverAllocationError",
    "RecordNotFound",
    "ValidationFailed",
    "YearOverAllocation",
    "refuse_if_any",
]


# Also a ValueError: it is bad input, and callers that catch ValueError for bad input
# (money typed in a form, say) should catch this too.
class ValidationFailed(ServiceError, ValueError):
    """The draft had errors; `errors` says which field and why. Nothing was written."""

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors: tuple[FieldError, ...] = tuple(errors)
        super().__init__("\n".join(error.message for error in self.errors))

    def messages(self, field: str) -> list[str]:
        """The messages about one field, e.g. `messages("name")`."""
        return [error.message for error in self.errors if error.field == field]

    @property
    def fields(self) -> set[str]:
        return {error.field for error in self.errors}


def refuse_if_any(errors: Iterable[FieldError]) -> None:
    """Raise `ValidationFailed` when there is at least one error."""
    errors = tuple(errors)
    if errors:
        raise ValidationFailed(errors)


class RecordNotFound(ServiceError, LookupError):
    """The record asked for is not in the database (deleted meanwhile, perhaps)."""


@dataclass(frozen=True)
class YearOverAllocation:
    """One financial year that an allocation change would take over its budget."""

    financial_year: int
    budget_pence: int
    allocated_pence: int  # the year's total over all strands, after the change

    @property
    def label(self) -> str:
        return FinancialYear(self.financial_year).label

    @property
    def over_pence(self) -> int:
        return self.allocated_pence - self.budget_pence

    @property
    def message(self) -> str:
        return (
            f"{self.label} would be {format_pence(self.over_pence)} over its budget of "
            f"{format_pence(self.budget_pence)}"
        )


class OverAllocationError(ServiceError):
    """Allocations would exceed a year's budget, and no reason was given. Nothing was written."""

    def __init__(self, years: Iterable[YearOverAllocation]) -> None:
        self.years: tuple[YearOverAllocation, ...] = tuple(years)
        super().__init__("; ".join(year.message for year in self.years) + ".")
