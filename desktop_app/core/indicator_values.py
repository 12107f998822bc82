"""Checking an indicator reading for its unit, and writing indicator figures for people.

The same rules serve the reading form, the service that saves the reading and the settings form
(baseline and target are figures in the indicator's unit too):

- percent: 0 to 100, at most one decimal place (the Plan's tables quote 82.3%);
- count: a whole number, 0 or more;
- days: 0 or more, at most one decimal place;
- rate: 0 or more (per 1,000 population);
- and none above `INDICATOR_CEILING` (a billion), which no figure for one police force area
  reaches; past it a float loses whole units and an integer column overflows.

A percentage or a rate may come as a numerator and a denominator (e.g. 1,150 of 14,000 crimes
had a needs assessment); both are whole, the numerator is 0 or more and the denominator more
than 0, and the value is worked out from them: percent = 100·n/d to 1 decimal place, rate =
1000·n/d to 2 decimal places. A percentage's numerator cannot exceed its denominator.

Errors are `ReadingValueError` (a ValueError) subclasses whose messages name the field and the
value as typed, e.g. "Value '101' is more than 100%", and whose `field` says which input to mark.

A reading covers a whole month or quarter, as the indicator's frequency says: `reading_period`
turns any day inside it into its first and last day, and `period_label` names it (`Mar 2025`,
`2024/25 Q4`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from desktop_app.core.ceilings import INDICATOR_CEILING
from desktop_app.core.periods import Quarter
from desktop_app.core.vocabulary import Frequency, IndicatorUnit
from desktop_app.core.wording import format_date

__all__ = [
    "CheckedReading",
    "MissingValueError",
    "NotANumberError",
    "NotWholeError",
    "OutOfRangeError",
    "PartsMismatchError",
    "ReadingValueError",
    "TooPreciseError",
    "check_value",
    "check_whole",
    "decimal_places",
    "derive_value",
    "format_value",
    "parse_number",
    "period_label",
    "reading_period",
    "validate_reading",
]

VALUE, NUMERATOR, DENOMINATOR = "Value", "Numerator", "Denominator"
RATE_PER = 1000

# How many decimal places each unit may carry; None means no limit.
_PLACES: dict[IndicatorUnit, int | None] = {
    IndicatorUnit.PERCENT: 1,
    IndicatorUnit.COUNT: 0,
    IndicatorUnit.DAYS: 1,
    IndicatorUnit.RATE: None,
}
_UNIT_WORDS = {
    IndicatorUnit.COUNT: "a count",
    IndicatorUnit.DAYS: "measured in days",
    IndicatorUnit.RATE: "a rate per 1,000",
    IndicatorUnit.PERCENT: "a percentage",
}
# Decimal places of a value worked out from a numerator and denominator.
_DERIVED_PLACES = {IndicatorUnit.PERCENT: 1, IndicatorUnit.RATE: 2}

# Plain or comma-grouped digits with an optional fraction; [0-9] rather than \d, which would
# also take other scripts' digits.
_NUMBER_RE = re.compile(r"(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:\.(?P<fraction>[0-9]+))?")
_EXAMPLE = "12.5 or 1,234"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Spreadsheets and word processors paste U+2212 for a minus sign.
_MINUS_SIGNS = ("-", "\u2212")


class ReadingValueError(ValueError):
    """A figure that is not acceptable for the indicator; `field` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class NotANumberError(ReadingValueError):
    """Text that is not a number at all (or a formula)."""


class MissingValueError(ReadingValueError):
    """Nothing was given where a figure is needed."""


class OutOfRangeError(ReadingValueError):
    """A number outside what the unit allows (negative, over 100%, a zero denominator...)."""


class NotWholeError(ReadingValueError):
    """A fraction where only whole numbers make sense (counts, numerators, denominators)."""


class TooPreciseError(ReadingValueError):
    """More decimal places than the unit carries."""


class PartsMismatchError(ReadingValueError):
    """Numerator and denominator that do not fit the unit or the value typed with them."""


@dataclass(frozen=True)
class _Number:
    value: Decimal
    shown: str  # as the officer typed it, for messages
    percent_sign: bool = False


@dataclass(frozen=True)
class CheckedReading:
    """A reading that passed every rule; `value` is derived when numerator and denominator came."""

    value: float
    numerator: int | None
    denominator: int | None


def _from_text(text: str, field: str) -> _Number | None:
    shown = text.strip()
    body = shown
    if not body:
        return None
    if body.startswith("="):
        raise NotANumberError(field, f"{field} '{shown}' is a formula: type the number itself, e.g. {_EXAMPLE}")
    negative = body.startswith(_MINUS_SIGNS)
    if negative:
        body = body[1:].lstrip()
    percent_sign = body.endswith("%")
    if percent_sign:
        body = body[:-1].rstrip()
    match = _NUMBER_RE.fullmatch(body)
    if match is None or not (match["whole"] or match["fraction"]):
        raise NotANumberError(field, f"{field} '{shown}' is not a number: type a number like {_EXAMPLE}")
    digits = (match["whole"] or "0").replace(",", "") + "." + (match["fraction"] or "0")
    value = Decimal(digits)
    # "-0" is just 0: a minus sign on nothing must not read as a fall.
    return _Number(-value if negative and value else value, shown, percent_sign)


def _from_any(value: object, field: str) -> _Number | None:
    if value is None:
        return None
    if isinstance(value, str):
        return _from_text(value, field)
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise TypeError(f"{field} must be a number or text, got {type(value).__name__}")
    if isinstance(value, float) and not math.isfinite(value):
        raise NotANumberError(field, f"{field} '{value}' is not a number: type a number like {_EXAMPLE}")
    # str() of a float is the shortest decimal that reads back the same: the figure as typed.
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise NotANumberError(field, f"{field} '{value}' is not a number: type a number like {_EXAMPLE}")
    return _Number(number, _plain(number))


def _plain(number: Decimal) -> str:
    """A number as a person writes it: 101 rather than 101.0, 12.5 rather than 1.25E+1."""
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def _places(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def parse_number(text: str, field: str = VALUE) -> float | None:
    """Read a figure typed as `12.5`, `1,234`, `12.5%` or `−3`; a blank gives None.

    Only the form is checked here (a formula or words raise `NotANumberError`); whether the
    number suits the indicator is `check_value`'s job.
    """
    if not isinstance(text, str):
        raise TypeError(f"expected the {field.lower()} as text, got {type(text).__name__}")
    number = _from_text(text, field)
    return None if number is None else float(number.value)


def decimal_places(unit: IndicatorUnit | str) -> int | None:
    """How many decimal places a figure in `unit` may have (None: as many as it likes)."""
    return _PLACES[IndicatorUnit(unit)]


def _above_ceiling(field: str, number: _Number) -> OutOfRangeError:
    # A key held down would bury the message; its first digits are enough to recognise it.
    shown = number.shown if len(number.shown) <= 30 else number.shown[:20] + "…"
    return OutOfRangeError(
        field,
        f"{field} '{shown}' is more than any indicator figure could be (at most {INDICATOR_CEILING:,}); "
        "check the figure",
    )


def _check_number(unit: IndicatorUnit, number: _Number, field: str) -> float:
    shown = number.shown
    if number.percent_sign and unit is not IndicatorUnit.PERCENT:
        raise OutOfRangeError(
            field, f"{field} '{shown}' is a percentage, but this indicator is {_UNIT_WORDS[unit]}"
        )
    if number.value < 0:
        raise OutOfRangeError(field, f"{field} '{shown}' cannot be negative")
    if unit is IndicatorUnit.PERCENT and number.value > 100:
        raise OutOfRangeError(field, f"{field} '{shown}' is more than 100%")
    if number.value > INDICATOR_CEILING:
        raise _above_ceiling(field, number)
    places = _PLACES[unit]
    if places == 0 and number.value != number.value.to_integral_value():
        raise NotWholeError(field, f"{field} '{shown}' is not a whole number: a count cannot have a fraction")
    if places is not None and _places(number.value) > places:
        rounded = number.value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        raise TooPreciseError(
            field, f"{field} '{shown}' has more than one decimal place: round it, e.g. to {_plain(rounded)}"
        )
    return float(number.value)


def check_value(unit: IndicatorUnit | str, value: float | int | str, field: str = VALUE) -> float:
    """The figure as a float if it suits `unit`; raises a `ReadingValueError` saying why not.

    `value` may be text as typed (see `parse_number`); a blank is a `MissingValueError`.
    """
    unit = IndicatorUnit(unit)
    number = _from_any(value, field)
    if number is None:
        raise MissingValueError(field, f"{field} is needed: type a number like {_EXAMPLE}")
    return _check_number(unit, number, field)


def check_whole(value: int | float | str, field: str, *, minimum: int = 0) -> int:
    """A whole number of at least `minimum` (a numerator or a denominator)."""
    number = _from_any(value, field)
    if number is None:
        raise MissingValueError(field, f"{field} is needed: type a whole number like 1,234")
    if number.percent_sign:
        raise NotANumberError(field, f"{field} '{number.shown}' must be a whole number, not a percentage")
    if number.value > INDICATOR_CEILING:
        raise _above_ceiling(field, number)
    if number.value != number.value.to_integral_value():
        raise NotWholeError(field, f"{field} '{number.shown}' is not a whole number")
    whole = int(number.value)
    if whole < minimum:
        wanted = "more than 0" if minimum == 1 else f"{minimum} or more"
        raise OutOfRangeError(field, f"{field} '{number.shown}' must be {wanted}")
    return whole


def derive_value(unit: IndicatorUnit | str, numerator: int, denominator: int) -> float:
    """The value worked out from whole, already checked parts: 100·n/d or 1000·n/d, rounded."""
    unit = IndicatorUnit(unit)
    if unit not in _DERIVED_PLACES:
        raise PartsMismatchError(
            NUMERATOR,
            f"A {unit.value} indicator is typed as one figure, not as a numerator and a denominator",
        )
    scale = 100 if unit is IndicatorUnit.PERCENT else RATE_PER
    exact = Decimal(scale * numerator) / Decimal(denominator)
    places = Decimal(1).scaleb(-_DERIVED_PLACES[unit])
    return float(exact.quantize(places, rounding=ROUND_HALF_UP))


def _check_parts(unit: IndicatorUnit, numerator: object, denominator: object) -> tuple[int, int] | None:
    blank_n = numerator is None or (isinstance(numerator, str) and not numerator.strip())
    blank_d = denominator is None or (isinstance(denominator, str) and not denominator.strip())
    if blank_n and blank_d:
        return None
    if blank_d:
        raise MissingValueError(DENOMINATOR, "Denominator is needed with a numerator: what is it out of?")
    if blank_n:
        raise MissingValueError(NUMERATOR, "Numerator is needed with a denominator")
    top = check_whole(numerator, NUMERATOR, minimum=0)
    bottom = check_whole(denominator, DENOMINATOR, minimum=1)
    if unit is IndicatorUnit.PERCENT and top > bottom:
        raise PartsMismatchError(
            NUMERATOR,
            f"Numerator '{top:,}' is more than the denominator '{bottom:,}': a percentage cannot be over 100%",
        )
    return top, bottom


def validate_reading(
    unit: IndicatorUnit | str,
    value: float | int | str | None = None,
    numerator: int | str | None = None,
    denominator: int | str | None = None,
) -> CheckedReading:
    """Check one reading for an indicator measured in `unit`; raise `ReadingValueError` if wrong.

    Give the value, or the numerator and denominator (the value is then worked out), or all
    three (the value must then agree with the parts to its decimal places).
    """
    unit = IndicatorUnit(unit)
    parts = _check_parts(unit, numerator, denominator)
    typed = _from_any(value, VALUE)
    if parts is None:
        if typed is None:
            raise MissingValueError(VALUE, f"Value is needed: type a number like {_EXAMPLE}")
        return CheckedReading(_check_number(unit, typed, VALUE), None, None)
    derived = derive_value(unit, *parts)
    if typed is not None:
        checked = _check_number(unit, typed, VALUE)
        places = _DERIVED_PLACES[unit]
        if round(checked, places) != derived:
            raise PartsMismatchError(
                VALUE,
                f"Value '{typed.shown}' does not match {parts[0]:,} out of {parts[1]:,} "
                f"({format_value(unit, derived)}): leave the value blank to work it out from them",
            )
    return CheckedReading(derived, parts[0], parts[1])


def format_value(unit: IndicatorUnit | str, value: float | int | None) -> str:
    """An indicator figure for people: `1,850`, `82.3%`, `215.5 days`, `3.25`; None gives ``."""
    if value is None:
        return ""
    unit = IndicatorUnit(unit)
    if unit is IndicatorUnit.COUNT:
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    if unit is IndicatorUnit.PERCENT:
        return f"{value:,.1f}%"
    if unit is IndicatorUnit.DAYS:
        return f"{value:,.1f} days"
    return f"{value:,.2f}"


# ---------------------------------------------------------------- the period a reading covers


def reading_period(frequency: Frequency | str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The month or quarter (first and last day) holding `day`, as the frequency says."""
    if isinstance(day, dt.datetime):
        day = day.date()
    if not isinstance(day, dt.date):
        raise TypeError(f"expected a date, got {type(day).__name__}")
    if Frequency(frequency) is Frequency.QUARTERLY:
        quarter = Quarter.containing(day)
        return quarter.start, quarter.end
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def period_label(start: dt.date, end: dt.date) -> str:
    """`Mar 2025` for a month, `2024/25 Q4` for a quarter, else both dates."""
    if reading_period(Frequency.MONTHLY, start) == (start, end):
        return f"{_MONTHS[start.month - 1]} {start.year}"
    quarter = Quarter.containing(start)
    if (quarter.start, quarter.end) == (start, end):
        return quarter.label
    return f"{format_date(start)} – {format_date(end)}"
