"""UK public-sector financial periods: years (1 April – 31 March), half years and quarters.

A year is written `2022/23`, a quarter `2022/23 Q1` (CLI form `2022/23-Q1`) and a half year
`2022/23 H1`. Q1 is April–June, so Q4 (January–March) falls in the next calendar year.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from desktop_app.core.wording import as_date

__all__ = [
    "FinancialYear",
    "HalfYear",
    "PeriodError",
    "Quarter",
    "parse_period",
    "quarters_between",
    "span_years",
]

# The financial year starts in April; every period boundary is computed from this.
_FIRST_MONTH = 4

_MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# [0-9] rather than \d: \d also matches other scripts' digits, which int() would accept.
_YEAR = r"(?P<first>[0-9]{4})[/-](?P<second>[0-9]{2}|[0-9]{4})"
_YEAR_RE = re.compile(rf"{_YEAR}")
# The separator between year and part is optional ("2022/23Q1") and may be a space or a dash.
_PART_RE = re.compile(rf"{_YEAR}(?:\s*-\s*|\s*)(?P<letter>[QqHh])(?P<number>[0-9]+)")

# Four-digit years only, so every label reads like 2022/23; 9998/99 is the last whose end is a date.
_MIN_YEAR = 1000
_MAX_YEAR = dt.MAXYEAR - 1

_YEAR_EXAMPLE = "2022/23"
_QUARTER_EXAMPLE = "2022/23 Q1"
_HALF_EXAMPLE = "2022/23 H1"


class PeriodError(ValueError):
    """Text or a value that is not a valid financial period; the message is shown to officers."""


def _check_text(text: object) -> str:
    if not isinstance(text, str):
        raise TypeError(f"expected the period as text, got {type(text).__name__}")
    return text.strip()


def _year_from_parts(first: str, second: str) -> FinancialYear | None:
    """The year written as `first`/`second`, or None when the two halves do not follow on."""
    start = int(first)
    end = int(second)
    follows = end == (start + 1) % 100 if len(second) == 2 else end == start + 1
    if not follows or not _MIN_YEAR <= start <= _MAX_YEAR:
        return None
    return FinancialYear(start)


def _month_start(year: int, month: int) -> dt.date:
    """The first day of `month` counted from January of `year` (month 13 is next January)."""
    extra_years, month_index = divmod(month - 1, 12)
    return dt.date(year + extra_years, month_index + 1, 1)


def _month_end(year: int, month: int) -> dt.date:
    first = _month_start(year, month)
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _months_label(first_month: int, month_count: int) -> str:
    first = (first_month - 1) % 12
    last = (first_month + month_count - 2) % 12
    return f"{_MONTH_ABBREVIATIONS[first]}–{_MONTH_ABBREVIATIONS[last]}"


@dataclass(frozen=True, order=True)
class FinancialYear:
    """A UK public-sector financial year, 1 April `start_year` to 31 March the year after."""

    start_year: int

    def __post_init__(self) -> None:
        if isinstance(self.start_year, bool) or not isinstance(self.start_year, int):
            raise TypeError(f"start_year must be an int, got {type(self.start_year).__name__}")
        if not _MIN_YEAR <= self.start_year <= _MAX_YEAR:
            raise PeriodError(
                f"{self.start_year} is not a financial year: use a year from {_MIN_YEAR} to {_MAX_YEAR}"
            )

    @classmethod
    def parse(cls, text: str) -> FinancialYear:
        """Read a year written `2022/23`, `2022-23`, `2022/2023` or `2022-2023`."""
        cleaned = _check_text(text)
        match = _YEAR_RE.fullmatch(cleaned)
        year = _year_from_parts(match["first"], match["second"]) if match else None
        if year is None:
            raise PeriodError(f"{text!r} is not a financial year: write it like {_YEAR_EXAMPLE}")
        return year

    @classmethod
    def containing(cls, d: dt.date) -> FinancialYear:
        """The financial year `d` falls in (31 March belongs to the year that started the April before)."""
        d = as_date(d)
        return cls(d.year if d.month >= _FIRST_MONTH else d.year - 1)

    @property
    def label(self) -> str:
        """The year as officers write it, e.g. `2022/23`."""
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    def __str__(self) -> str:
        return self.label

    @property
    def start(self) -> dt.date:
        return dt.date(self.start_year, _FIRST_MONTH, 1)

    @property
    def end(self) -> dt.date:
        return _month_end(self.start_year, _FIRST_MONTH + 11)

    def contains(self, d: dt.date) -> bool:
        """Whether `d` falls between 1 April and 31 March of this year, inclusive."""
        d = as_date(d)
        return self.start <= d <= self.end

    def overlaps(self, start: dt.date, end: dt.date | None) -> bool:
        """Whether something running from `start` to `end` (None: open-ended) runs in this year."""
        return as_date(start) <= self.end and (end is None or as_date(end) >= self.start)

    def quarters(self) -> tuple[Quarter, Quarter, Quarter, Quarter]:
        """Q1 to Q4 of this year, in order."""
        return (Quarter(self, 1), Quarter(self, 2), Quarter(self, 3), Quarter(self, 4))

    def halves(self) -> tuple[HalfYear, HalfYear]:
        """H1 (April–September) and H2 (October–March) of this year."""
        return (HalfYear(self, 1), HalfYear(self, 2))

    def next(self) -> FinancialYear:
        return FinancialYear(self.start_year + 1)

    def previous(self) -> FinancialYear:
        return FinancialYear(self.start_year - 1)


@dataclass(frozen=True, order=True)
class Quarter:
    """One of the four quarters of a financial year: Q1 Apr–Jun, Q2 Jul–Sep, Q3 Oct–Dec, Q4 Jan–Mar."""

    year: FinancialYear
    number: int

    def __post_init__(self) -> None:
        if not isinstance(self.year, FinancialYear):
            raise TypeError(f"year must be a FinancialYear, got {type(self.year).__name__}")
        if isinstance(self.number, bool) or not isinstance(self.number, int):
            raise TypeError(f"number must be an int, got {type(self.number).__name__}")
        if not 1 <= self.number <= 4:
            raise PeriodError(f"Q{self.number} is not a quarter: use Q1 to Q4, e.g. {_QUARTER_EXAMPLE}")

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Read a quarter written `2022/23 Q1`, `2022/23-Q1`, `2022/23Q1` or `2022-23 q1`."""
        year, number = _parse_part(text, "Q", "quarter", _QUARTER_EXAMPLE)
        if not 1 <= number <= 4:
            raise PeriodError(
                f"{text!r} is not a quarter: the quarter must be Q1 to Q4, e.g. {_QUARTER_EXAMPLE}"
            )
        return cls(year, number)

    @classmethod
    def containing(cls, d: dt.date) -> Quarter:
        """The quarter `d` falls in (a January date is in Q4 of the year that began the April before)."""
        d = as_date(d)
        return cls(FinancialYear.containing(d), (d.month - _FIRST_MONTH) % 12 // 3 + 1)

    @property
    def label(self) -> str:
        """The quarter as officers write it, e.g. `2022/23 Q1`."""
        return f"{self.year.label} Q{self.number}"

    @property
    def cli_label(self) -> str:
        """The quarter as the command line takes it, with no space: `2022/23-Q1`."""
        return f"{self.year.label}-Q{self.number}"

    def __str__(self) -> str:
        return self.label

    @property
    def _first_month(self) -> int:
        # Counted from January of the year's start; 13 means January of the next calendar year.
        return _FIRST_MONTH + 3 * (self.number - 1)

    @property
    def start(self) -> dt.date:
        return _month_start(self.year.start_year, self._first_month)

    @property
    def end(self) -> dt.date:
        return _month_end(self.year.start_year, self._first_month + 2)

    @property
    def months_label(self) -> str:
        """The quarter's months with an en dash, e.g. `Apr–Jun`."""
        return _months_label(self._first_month, 3)

    @property
    def half(self) -> HalfYear:
        """The half year holding this quarter: Q1 and Q2 are H1, Q3 and Q4 are H2."""
        return HalfYear(self.year, 1 if self.number <= 2 else 2)

    def contains(self, d: dt.date) -> bool:
        """Whether `d` falls within this quarter, both ends included."""
        d = as_date(d)
        return self.start <= d <= self.end

    def due_date(self, days_after_end: int = 30) -> dt.date:
        """The day a return for this quarter is due: `days_after_end` days after the quarter ends."""
        if isinstance(days_after_end, bool) or not isinstance(days_after_end, int):
            raise TypeError(f"days_after_end must be an int, got {type(days_after_end).__name__}")
        if days_after_end < 0:
            raise PeriodError(
                f"{days_after_end} is not a number of days after the quarter ends: use 0 or more, e.g. 30"
            )
        return self.end + dt.timedelta(days=days_after_end)

    def next(self) -> Quarter:
        """The following quarter; after Q4 comes Q1 of the next year."""
        if self.number == 4:
            return Quarter(self.year.next(), 1)
        return Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        """The quarter before; before Q1 comes Q4 of the previous year."""
        if self.number == 1:
            return Quarter(self.year.previous(), 4)
        return Quarter(self.year, self.number - 1)


@dataclass(frozen=True, order=True)
class HalfYear:
    """Half of a financial year: H1 is April–September, H2 is October–March."""

    year: FinancialYear
    number: int

    def __post_init__(self) -> None:
        if not isinstance(self.year, FinancialYear):
            raise TypeError(f"year must be a FinancialYear, got {type(self.year).__name__}")
        if isinstance(self.number, bool) or not isinstance(self.number, int):
            raise TypeError(f"number must be an int, got {type(self.number).__name__}")
        if self.number not in (1, 2):
            raise PeriodError(f"H{self.number} is not a half year: use H1 or H2, e.g. {_HALF_EXAMPLE}")

    @classmethod
    def parse(cls, text: str) -> HalfYear:
        """Read a half year written `2022/23 H1`, `2022/23-H2`, `2022/23H1` or `2022-23 h1`."""
        year, number = _parse_part(text, "H", "half year", _HALF_EXAMPLE)
        if number not in (1, 2):
            raise PeriodError(
                f"{text!r} is not a half year: the half must be H1 or H2, e.g. {_HALF_EXAMPLE}"
            )
        return cls(year, number)

    @classmethod
    def containing(cls, d: dt.date) -> HalfYear:
        """The half year `d` falls in."""
        return Quarter.containing(d).half

    @property
    def label(self) -> str:
        """The half year as officers write it, e.g. `2022/23 H1`."""
        return f"{self.year.label} H{self.number}"

    @property
    def cli_label(self) -> str:
        """The half year as the command line takes it, with no space: `2022/23-H1`."""
        return f"{self.year.label}-H{self.number}"

    def __str__(self) -> str:
        return self.label

    @property
    def _first_month(self) -> int:
        return _FIRST_MONTH + 6 * (self.number - 1)

    @property
    def start(self) -> dt.date:
        return _month_start(self.year.start_year, self._first_month)

    @property
    def end(self) -> dt.date:
        return _month_end(self.year.start_year, self._first_month + 5)

    @property
    def months_label(self) -> str:
        """The half year's months with an en dash, e.g. `Apr–Sep`."""
        return _months_label(self._first_month, 6)

    def contains(self, d: dt.date) -> bool:
        """Whether `d` falls within this half year, both ends included."""
        d = as_date(d)
        return self.start <= d <= self.end

    def quarters(self) -> tuple[Quarter, Quarter]:
        """The two quarters of this half: Q1 and Q2 for H1, Q3 and Q4 for H2."""
        first = 2 * self.number - 1
        return (Quarter(self.year, first), Quarter(self.year, first + 1))

    def next(self) -> HalfYear:
        """The following half year; after H2 comes H1 of the next year."""
        if self.number == 2:
            return HalfYear(self.year.next(), 1)
        return HalfYear(self.year, 2)

    def previous(self) -> HalfYear:
        """The half year before; before H1 comes H2 of the previous year."""
        if self.number == 1:
            return HalfYear(self.year.previous(), 2)
        return HalfYear(self.year, 1)


def _parse_part(text: str, letter: str, noun: str, example: str) -> tuple[FinancialYear, int]:
    """Split `2022/23 Q1`-style text into its year and number, checking only the form."""
    cleaned = _check_text(text)
    match = _PART_RE.fullmatch(cleaned)
    if match is None or match["letter"].upper() != letter:
        raise PeriodError(f"{text!r} is not a {noun}: write it like {example}")
    year = _year_from_parts(match["first"], match["second"])
    if year is None:
        raise PeriodError(
            f"{text!r} is not a {noun}: {match['first']}/{match['second']} is not a financial year, "
            f"write it like {example}"
        )
    return year, int(match["number"])


def parse_period(text: str) -> FinancialYear | HalfYear | Quarter:
    """Read a year (`2022/23`), half year (`2022/23 H1`) or quarter (`2022/23 Q1`), chosen by its form."""
    cleaned = _check_text(text)
    # Decide by the last letter so that a mistyped quarter gets the quarter's own message.
    kind = re.search(r"([QqHh])\s*[0-9]*$", cleaned)
    if kind is not None and kind[1].upper() == "Q":
        return Quarter.parse(text)
    if kind is not None:
        return HalfYear.parse(text)
    if _YEAR_RE.fullmatch(cleaned):
        return FinancialYear.parse(text)
    raise PeriodError(
        f"{text!r} is not a period: write a year like {_YEAR_EXAMPLE}, "
        f"a half year like {_HALF_EXAMPLE} or a quarter like {_QUARTER_EXAMPLE}"
    )


def quarters_between(first: Quarter, last: Quarter) -> list[Quarter]:
    """Every quarter from `first` to `last`, both included, in order."""
    if not isinstance(first, Quarter) or not isinstance(last, Quarter):
        raise TypeError("quarters_between takes two Quarter values")
    if last < first:
        raise PeriodError(
            f"{first.label} comes after {last.label}: choose the earlier quarter first, "
            f"e.g. {last.label} to {first.label}"
        )
    quarters = [first]
    while quarters[-1] != last:
        quarters.append(quarters[-1].next())
    return quarters


def span_years(start: dt.date, end: dt.date) -> list[int]:
    """The financial years (by start year) that a span of dates touches, in order."""
    if end < start:
        return []
    first, last = FinancialYear.containing(start).start_year, FinancialYear.containing(end).start_year
    return list(range(first, last + 1))
