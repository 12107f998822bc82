"""Counts of victims, referrals and the like: whole numbers of 0 or more, or not collected.

A blank is "not collected", which is different from 0: a provider that did not collect a
measure must not be read as having supported nobody.
"""

from __future__ import annotations

import math
import re

__all__ = [
    "CountError",
    "CountTooLarge",
    "format_change",
    "format_count",
    "format_percent",
    "parse_count",
]

_EXAMPLE = "1,234"

# Plain or comma-grouped digits and an optional fraction, which must be all zeros to count.
# [0-9] rather than \d, which would also take other scripts' digits.
_COUNT_RE = re.compile(r"(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<fraction>[0-9]+))?")
_LOOKS_LIKE_NUMBER_RE = re.compile(r"[0-9,]+(?:\.[0-9]*)?")

# Spreadsheets and word processors paste U+2212 for a minus sign.
_MINUS_SIGNS = ("-", "\u2212")


class CountError(ValueError):
    """Text that is not a count; the message is shown to officers."""


class CountTooLarge(CountError):
    """Digits far past any count (a key held down): `digits` says how many were typed."""

    def __init__(self, text: str, digits: int) -> None:
        self.digits = digits
        super().__init__(f"{text[:12]!r}... is a {digits:,}-digit number, far more than any count; check the figure")


# Longer than this is past every ceiling by far; reading it would only make Python refuse (it
# converts at most 4,300 digits) or a message bury its point.
_MOST_DIGITS = 100


def _check_int(value: object, name: str) -> int:
    # bool is an int subclass, but True victims is always a mistake.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    return value


def parse_count(text: str) -> int | None:
    """Read a count such as `1,234`; a blank means not collected and gives None.

    `12.0` is read as 12, because spreadsheets paste whole numbers that way; any other
    fraction, a negative number, a formula or other text raises CountError naming the text.
    """
    if not isinstance(text, str):
        raise TypeError(f"expected the count as text, got {type(text).__name__}")
    body = text.strip()
    if not body:
        return None

    def fail(reason: str, problem: str = "is not a whole number") -> CountError:
        return CountError(f"{text!r} {problem}: {reason}")

    if body.startswith("="):
        raise fail(f"formulas are not accepted, type the number itself, e.g. {_EXAMPLE}", "is a formula")

    negative = body.startswith(_MINUS_SIGNS)
    if negative:
        body = body[1:].lstrip()

    match = _COUNT_RE.fullmatch(body)
    if match is None:
        if "," in body and _LOOKS_LIKE_NUMBER_RE.fullmatch(body):
            raise fail(f"put commas only between groups of three digits, e.g. {_EXAMPLE}")
        raise fail(f"enter a count like {_EXAMPLE}, or leave it blank if it was not collected")

    fraction = match["fraction"] or ""
    if fraction.strip("0"):
        raise fail(f"counts cannot have a fraction, e.g. {_EXAMPLE}")
    digits = match["whole"].replace(",", "").lstrip("0")
    if negative and digits:
        raise fail(f"enter a count of 0 or more, e.g. {_EXAMPLE}", "cannot be negative")
    if len(digits) > _MOST_DIGITS:
        raise CountTooLarge(text.strip(), len(digits))
    return int(digits or "0")


def format_count(n: int | None) -> str:
    """Write a count with thousands separators: 90793 -> `90,793`; None (not collected) -> ``."""
    if n is None:
        return ""
    return f"{_check_int(n, 'count'):,}"


def format_change(n: int) -> str:
    """Write a change with its sign: `+1,234`, `-56`, and `0` with no sign."""
    n = _check_int(n, "change")
    return f"{n:+,}" if n else "0"


def format_percent(x: float, places: int = 1) -> str:
    """Write a percentage already multiplied by 100: 12.345 -> `12.3%`."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(f"percentage must be a number, got {type(x).__name__}")
    places = _check_int(places, "places")
    if places < 0:
        raise ValueError(f"places must be 0 or more, got {places}")
    if not math.isfinite(x):
        raise ValueError(f"cannot write {x!r} as a percentage")
    text = f"{x:.{places}f}"
    # A small negative rounds to "-0.0"; a minus sign on nothing suggests a fall that is not there.
    if text.startswith("-") and not text.strip("-0."):
        text = text[1:]
    return f"{text}%"
