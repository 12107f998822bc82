"""Money as integer pence: reading what officers type and writing it back as pounds.

Amounts are never floats: a float cannot hold 0.10 exactly, and grant totals must add up to
the penny. Text is read through `decimal.Decimal` and stored as `int` pence.
"""

from __future__ import annotations

import re
from decimal import Decimal

__all__ = [
    "MONEY_CEILING_PENCE",
    "MoneyError",
    "format_pence",
    "format_pence_short",
    "parse_pence",
    "pounds_to_pence",
]

_EXAMPLE = "£1,234.56"

# Digits, either plain or in comma-separated groups of three, then an optional fraction.
# [0-9] rather than \d, which would also take other scripts' digits.
_GROUPED = r"[0-9]{1,3}(?:,[0-9]{3})+"
_AMOUNT_RE = re.compile(rf"(?P<whole>{_GROUPED}|[0-9]+)?(?:\.(?P<fraction>[0-9]+))?")
_LOOKS_LIKE_NUMBER_RE = re.compile(r"[0-9,]*(?:\.[0-9]*)?")

# The most one amount typed by an officer can be (a funding stream's total, a year's budget, an
# allocation): £20m is several times a PCC's whole victims' grant, and still fits the 32-bit
# integer PostgreSQL stores pence in (`core.ceilings.LARGEST_STORED`). More is a slip of the keys.
MONEY_CEILING_PENCE = 2_000_000_000

# Shorthand officers use for big sums: £14m, 250k.
_MULTIPLIERS = {"": 1, "k": 1_000, "m": 1_000_000}

# Spreadsheets and word processors paste U+2212 for a minus sign.
_MINUS_SIGNS = ("-", "\u2212")


class MoneyError(ValueError):
    """Text that is not an amount of money; the message is shown to officers."""


def _check_int(value: object, name: str) -> int:
    # bool is an int subclass, but True pence is always a mistake.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    return value


def parse_pence(text: str, *, allow_negative: bool = False) -> int:
    """Read an amount of money such as `£1,234.56`, `1234.5`, `£14m` or `250k` as whole pence.

    Raises MoneyError, naming the text, for anything that is not a sum of money to the penny,
    and for an amount (either sign) above `MONEY_CEILING_PENCE`, which no grant comes near.
    """
    if not isinstance(text, str):
        # A float has already lost pence; make the caller pass what the officer typed.
        raise TypeError(f"expected the amount as text, got {type(text).__name__}")

    def fail(reason: str) -> MoneyError:
        return MoneyError(f"{text!r} is not an amount of money: {reason}")

    body = text.strip()
    if not body:
        raise fail(f"enter an amount, e.g. {_EXAMPLE}")

    negative = False
    if body.startswith(_MINUS_SIGNS):
        negative = True
        body = body[1:].lstrip()
    if body.startswith("£"):
        body = body[1:].lstrip()
    if not negative and body.startswith(_MINUS_SIGNS):
        # "£-5" reads the same as "-£5".
        negative = True
        body = body[1:].lstrip()

    suffix = ""
    if body[-1:].lower() in ("k", "m"):
        suffix = body[-1].lower()
        body = body[:-1].rstrip()

    match = _AMOUNT_RE.fullmatch(body)
    if match is None or not (match["whole"] or match["fraction"]):
        if "," in body and _LOOKS_LIKE_NUMBER_RE.fullmatch(body):
            raise fail("put commas only between groups of three digits, e.g. £1,234,567.89")
        raise fail(f"write it like {_EXAMPLE}, £14m or 250k")

    whole = (match["whole"] or "0").replace(",", "")
    fraction = match["fraction"] or ""
    if not suffix and len(fraction) > 2:
        raise fail(f"use at most two decimal places, e.g. {_EXAMPLE}")

    # Past any ceiling already; Decimal arithmetic on a megabyte of digits would overflow.
    if len(whole.lstrip("0")) > 20:
        raise _above_ceiling(text)
    pence = Decimal(f"{whole}.{fraction or '0'}") * _MULTIPLIERS[suffix] * 100
    if pence != pence.to_integral_value():
        # e.g. "£1.2345k" is £1,234.50 but "£1.234567k" is £1,234.567.
        raise fail(f"it does not come to a whole number of pence, e.g. {_EXAMPLE}")
    result = int(pence)
    if result > MONEY_CEILING_PENCE:
        raise _above_ceiling(text)
    if negative:
        result = -result
    if result < 0 and not allow_negative:
        raise fail(f"it cannot be negative here, e.g. {_EXAMPLE}")
    return result


def _above_ceiling(text: str) -> MoneyError:
    return MoneyError(
        f"{text!r} is more than any one amount here can be (at most {format_pence(MONEY_CEILING_PENCE)}); "
        "check the figure"
    )


def format_pence(pence: int, *, show_pence: bool = True) -> str:
    """Write pence as pounds: 123456 -> `£1,234.56`; with `show_pence=False`, 123456 -> `£1,235`.

    Without pence the amount is rounded to whole pounds, half a pound away from zero.
    """
    pence = _check_int(pence, "pence")
    magnitude = abs(pence)
    if show_pence:
        pounds, remainder = divmod(magnitude, 100)
        text = f"£{pounds:,}.{remainder:02d}"
    else:
        # Rounding the magnitude up from 50p is "half away from zero" for either sign.
        pounds = (magnitude + 50) // 100
        text = f"£{pounds:,}"
        if pounds == 0:
            # -40p rounds to nothing; "-£0" would suggest a debt that is not there.
            return text
    return f"-{text}" if pence < 0 else text


def _round_half_away(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half away from zero, for numerator >= 0."""
    return (2 * numerator + denominator) // (2 * denominator)


def format_pence_short(pence: int) -> str:
    """A compact amount for chart labels: `£14.0m`, `£2.5m`, `£250k`, `£999`, `£0`."""
    pence = _check_int(pence, "pence")
    sign = "-" if pence < 0 else ""
    magnitude = abs(pence)
    # Each size is tried after rounding, so £999,999 shows as £1.0m rather than £1000k.
    pounds = _round_half_away(magnitude, 100)
    if pounds < 1_000:
        return f"{sign}£{pounds}" if pounds else "£0"
    thousands = _round_half_away(magnitude, 100_000)
    if thousands < 1_000:
        return f"{sign}£{thousands}k"
    tenths_of_million = _round_half_away(magnitude, 10_000_000)
    whole, tenth = divmod(tenths_of_million, 10)
    return f"{sign}£{whole:,}.{tenth}m"


def pounds_to_pence(pounds: int) -> int:
    """Whole pounds as pence: 14 -> 1400."""
    return _check_int(pounds, "pounds") * 100
