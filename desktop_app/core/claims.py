"""The rules a quarterly claim and a payment must keep, written once for the form, the grid and
the service.

Money arrives as the officer typed it (`£1,234.56`, `1234.56`, `1234`) or as int pence; every
problem is a `FieldError` naming the field, so a form puts it beside the input and a grid on
its cell. Nothing here touches the database: the service passes in what it has read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from desktop_app.core.field_errors import FieldError
from desktop_app.core.money import MoneyError, format_pence, parse_pence
from desktop_app.core.periods import Quarter
from desktop_app.core.wording import format_date

__all__ = [
    "ClaimFigures",
    "amount_field",
    "check_claim_date",
    "check_payment",
    "over_allocation",
    "read_claim_figures",
    "read_money",
    "typed_pounds",
]

FORECAST_FIELD = "forecast_remaining"


def amount_field(category_key: str) -> str:
    """The field name of one expenditure category's amount, e.g. `amounts.staff`."""
    return f"amounts.{category_key}"


def read_money(value: object, field: str, label: str) -> tuple[int | None, FieldError | None]:
    """Pence from typed text or int pence, or the error naming `label`: never negative, to the penny."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0, None
    if isinstance(value, bool) or isinstance(value, float):
        # A float has already lost pence; a bool is never money.
        return None, FieldError(field, f"{label}: enter the amount as text or whole pence, e.g. £1,234.56")
    if isinstance(value, int):
        pence = value
    elif isinstance(value, str):
        try:
            pence = parse_pence(value, allow_negative=True)
        except MoneyError as error:
            return None, FieldError(field, f"{label}: {error}")
    else:
        return None, FieldError(field, f"{label}: enter an amount of money, e.g. £1,234.56")
    if pence < 0:
        return None, FieldError(field, f"{label}: {format_pence(pence)} cannot be negative; enter £0 or more")
    return pence, None


def typed_pounds(value: object) -> object:
    """What a spreadsheet cell holding `value` says, as text `read_money` reads: a number in a
    cell is pounds (`1234.56`), never pence. A float's shortest repr is the decimal that was
    typed, so `12.345` stays three places and is refused; text and blanks pass unchanged."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)  # 'inf' or '1e+20' are then refused as not money
    return value


@dataclass(frozen=True)
class ClaimFigures:
    """A claim's money once read: pence by expenditure category, and the forecast for the rest of the year."""

    amounts: dict[str, int]
    forecast_remaining_pence: int

    @property
    def total_pence(self) -> int:
        return sum(self.amounts.values())


def read_claim_figures(
    amounts: Mapping[str, object], categories: Mapping[str, str], forecast: object
) -> tuple[ClaimFigures | None, list[FieldError]]:
    """Read each category's amount and the forecast; `categories` maps key -> label, in order.

    A category not in `categories` is an error (the list is reference data, it may have changed).
    A claim of £0 in every category is refused: there is nothing to claim."""
    errors: list[FieldError] = []
    read: dict[str, int] = {}
    for key in amounts:
        if key not in categories:
            errors.append(FieldError(amount_field(key), f"'{key}' is not an expenditure category; choose one of {', '.join(categories.values())}"))
    for key, label in categories.items():
        pence, error = read_money(amounts.get(key), amount_field(key), label)
        if error is not None:
            errors.append(error)
        elif pence:
            read[key] = pence
    forecast_pence, error = read_money(forecast, FORECAST_FIELD, "Forecast for the rest of the year")
    if error is not None:
        errors.append(error)
    if not errors and not read:
        first = next(iter(categories), "amounts")
        errors.append(FieldError(amount_field(first), "Enter what was spent in at least one category; a claim of £0 claims nothing"))
    if errors:
        return None, errors
    return ClaimFigures(amounts=read, forecast_remaining_pence=forecast_pence or 0), []


def check_claim_date(quarter: Quarter, claim_date: object) -> list[FieldError]:
    """A claim is dated within the quarter it claims for."""
    if not isinstance(claim_date, dt.date):
        return [FieldError("claim_date", f"Enter the claim's date, within {quarter.label}")]
    if not quarter.contains(claim_date):
        return [
            FieldError(
                "claim_date",
                f"The claim is dated {format_date(claim_date)}, outside {quarter.label} "
                f"({format_date(quarter.start)} to {format_date(quarter.end)}); date it within the quarter it claims for",
            )
        ]
    return []


def over_allocation(total_pence: int, allocated_pence: int, claimed_before_pence: int) -> int:
    """How far a claim passes what is left of the strand's allocation for the year (0 when within it)."""
    return max(0, claimed_before_pence + total_pence - allocated_pence)


def check_payment(
    amount: object,
    paid_on: object,
    *,
    approved: bool,
    claim_total_pence: int,
    paid_before_pence: int,
    claim_date: dt.date,
) -> tuple[int | None, list[FieldError]]:
    """A payment is for an approved claim, dated on or after it, more than £0 and no more than is unpaid."""
    errors: list[FieldError] = []
    if not approved:
        errors.append(FieldError("status", "Approve the claim before recording a payment against it"))
    pence, error = read_money(amount, "amount", "Payment")
    if error is not None:
        errors.append(error)
    elif pence == 0:
        errors.append(FieldError("amount", "Payment: enter the amount paid, more than £0"))
    elif pence > claim_total_pence - paid_before_pence:
        unpaid = claim_total_pence - paid_before_pence
        errors.append(
            FieldError(
                "amount",
                f"Payment: {format_pence(pence)} is more than the approved claim leaves unpaid "
                f"({format_pence(unpaid)} of {format_pence(claim_total_pence)})",
            )
        )
    if not isinstance(paid_on, dt.date):
        errors.append(FieldError("paid_on", "Enter the date the payment was made"))
    elif paid_on < claim_date:
        errors.append(
            FieldError("paid_on", f"The payment is dated {format_date(paid_on)}, before the claim ({format_date(claim_date)})")
        )
    return (pence if not errors else None), errors
