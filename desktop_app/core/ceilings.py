"""How large a figure can plausibly be, and the largest the database can hold.

A count or an amount above its ceiling is a typing slip (a figure pasted twice, a row of nines,
a date serial), never a real figure: it is an error, not a warning, so it can never reach the
database, where a figure past 64 bits cannot be stored at all and a few near that limit make
every total overflow. Keeping each figure at or below its ceiling keeps every sum far inside
the range of the database's integers.
"""

from __future__ import annotations

import math

from desktop_app.core.money import MONEY_CEILING_PENCE, format_pence
from desktop_app.core.numbers import format_count

__all__ = [
    "COUNT_CEILING",
    "INDICATOR_CEILING",
    "LARGEST_STORED",
    "MONEY_CEILING_PENCE",
    "measure_ceiling_message",
    "money_ceiling_message",
    "shown_figure",
]

# PostgreSQL's `integer` (team mode) is 32 bits; SQLite's is 64. A ceiling must fit the smaller.
LARGEST_STORED = 2**31 - 1

# A quarter's count of victims for one strand: the largest services see a few thousand.
COUNT_CEILING = 1_000_000

# An indicator reading (a count of crimes, a percentage, a rate, days) or its numerator or
# denominator: a billion is more than any police force area records of anything.
INDICATOR_CEILING = 1_000_000_000

# How a ceiling reads for each unit of the measure catalogue; other units read generically.
_WHAT_A_STRAND_COULD = {
    "victims": "any strand could support in a quarter",
    "pence": "any strand could spend in a quarter",
}


def shown_figure(unit: str, value: int) -> str:
    """A figure of a measure in `unit` as a message shows it: `1,234`, `£12.34`, or for a row of
    nines or a float's 309 digits, which would bury the message, `a 309-digit number`."""
    if value >= 10**21:
        # str() of an int past 4,300 digits raises; its logarithm does not.
        digits = len(str(value)) if value.bit_length() < 10_000 else int(math.log10(value)) + 1
        return f"a {digits:,}-digit number"
    return format_pence(value) if unit == "pence" else format_count(value)


def money_ceiling_message(what: str, pence: int) -> str:
    """The error for an amount above `MONEY_CEILING_PENCE`, e.g. "The allocation for 2023/24 of
    £25,000,000.00 is more than any one amount here can be (at most £20,000,000.00); check the figure"."""
    return (
        f"{what} of {shown_figure('pence', pence)} is more than any one amount here can be "
        f"(at most {format_pence(MONEY_CEILING_PENCE)}); check the figure"
    )


def measure_ceiling_message(label: str, unit: str, shown: str, ceiling: int) -> str:
    """The error for a figure above its measure's ceiling, e.g. "Victims supported: 2,000,000 is
    more than any strand could support in a quarter (at most 1,000,000); check the figure"."""
    could = _WHAT_A_STRAND_COULD.get(unit, "a strand could report in a quarter")
    return f"{label}: {shown} is more than {could} (at most {shown_figure(unit, ceiling)}); check the figure"
