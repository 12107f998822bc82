"""How the officer reads counts and dates, written one way everywhere.

Counts agree with their nouns ("1 provider", "2 providers", never "1 providers"); dates are
"1 Apr 2024" in tables, forms and messages, "1 April 2024" where a sentence or heading has the
room, and "1st April 2024" only in the Police and Crime Panel paragraph, whose published text
reads so. Numbers alone are `core.numbers.format_count` and money `core.money.format_pence`.
"""

from __future__ import annotations

import datetime as dt

from desktop_app.core.numbers import format_count

__all__ = ["as_date", "date_and_time", "format_date", "long_date", "noun", "panel_date", "plural", "time_on_date"]


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`count` with the noun that agrees with it: plural(1, "provider") is "1 provider",
    plural(2841, "return") is "2,841 returns". Give `plural_form` for irregular nouns
    (plural(2, "strand of provision", "strands of provision"))."""
    return f"{format_count(count)} {noun(count, singular, plural_form)}"


def noun(count: int, singular: str, plural_form: str | None = None) -> str:
    """The noun alone, agreeing with `count`: noun(1, "is", "are") is "is"."""
    return singular if count == 1 else (plural_form or f"{singular}s")


def as_date(d: object) -> dt.date:
    """`d`'s day: a datetime is a date too, but comparing one with a date raises, so keep only
    its day; anything else is refused (TypeError)."""
    if isinstance(d, dt.datetime):
        return d.date()
    if not isinstance(d, dt.date):
        raise TypeError(f"expected a date, got {type(d).__name__}")
    return d


def format_date(d: dt.date) -> str:
    """A date as officers write it in a table or message: 1 Apr 2022."""
    d = as_date(d)
    return f"{d.day} {d:%b %Y}"


def long_date(d: dt.date) -> str:
    """A date in full, for a sentence or heading: 1 April 2022."""
    d = as_date(d)
    return f"{d.day} {d:%B %Y}"


def panel_date(d: dt.date) -> str:
    """The Police and Crime Panel report's own form: 1st April 2022."""
    d = as_date(d)
    suffix = "th" if 11 <= d.day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(d.day % 10, "th")
    return f"{d.day}{suffix} {d:%B %Y}"


def date_and_time(at: dt.datetime) -> str:
    """A moment in a table or a generated line: 1 Apr 2022 09:30."""
    return f"{format_date(at)} {at:%H:%M}"


def time_on_date(at: dt.datetime) -> str:
    """A moment in a sentence: 09:30 on 1 April 2022."""
    return f"{at:%H:%M} on {long_date(at)}"
