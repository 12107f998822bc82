"""How large a figure can plausibly be, and the largest the database can hold.

A count or an amount above its ceiling is a typing slip (a figure pasted twice, a row of nines,
a date serial), never a real figure: it is an error, not a warning, so it can never reach the
database, where a figure past 64 bits cannot be stored at all and a few near that limit make
every total overflow. Keeping each figure at or below its ceiling keeps every sum far inside
the range of the database's integers.
"""

from __future__ import annotations

__all__ = [
    "COUNT_CEILING",
    "INDICATOR_CEILING",
    "LARGEST_STORED",
    "MONEY_CEILING_PENCE",
    "measure_ceiling_message",
]

# PostgreSQL's `integer` (team mode) is 32 bits; SQLite's is 64. A ceiling must fit the smaller.
LARGEST_STORED = 2**31 - 1

# A quarter's count of victims for one strand: the largest services see a few thousand.
COUNT_CEILING = 1_000_000

# One amount typed by an officer (a funding stream's total, a year's budget, an allocation):
# £20m is several times a PCC's whole victims' grant and still fits a PostgreSQL integer.
MONEY_CEILING_PENCE = 2_000_000_000

# An indicator reading (a count of crimes, a percentage, a rate, days) or its numerator or
# denominator: a billion is more than any police force area records of anything.
INDICATOR_CEILING = 1_000_000_000

# How a ceiling reads for each unit of the measure catalogue; other units read generically.
_WHAT_A_STRAND_COULD = {
    "victims": "any strand could support in a quarter",
    "pence": "any strand could spend in a quarter",
}


def measure_ceiling_message(label: str, unit: str, shown: str, ceiling_shown: str) -> str:
    """The error for a figure above its measure's ceiling, e.g. "Victims supported: 2,000,000 is
    more than any strand could support in a quarter (at most 1,000,000); check the figure"."""
    could = _WHAT_A_STRAND_COULD.get(unit, "a strand could report in a quarter")
    return f"{label}: {shown} is more than {could} (at most {ceiling_shown}); check the figure"
