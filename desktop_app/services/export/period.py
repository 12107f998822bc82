"""Which stretch of a financial year an MoJ return covers: the year, a half year or a quarter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desktop_app.core.periods import (
    FinancialYear,
    HalfYear,
    PeriodError,
    Quarter,
    parse_period,
)

__all__ = ["ExportPeriod"]

_PARTS = ("year", "H1", "H2", "Q1", "Q2", "Q3", "Q4")


@dataclass(frozen=True)
class ExportPeriod:
    """A financial year, or one half (H1 Apr–Sep, H2 Oct–Mar) or one quarter of it.

    At most one of `half` and `quarter` is given; with neither, the period is the whole year.
    """

    year: FinancialYear
    half: int | None = None
    quarter: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.year, FinancialYear):
            raise TypeError(f"year must be a FinancialYear, got {type(self.year).__name__}")
        if self.half is not None and self.quarter is not None:
            raise PeriodError("choose a half year or a quarter, not both")
        # Building the core period checks the number (H1–H2, Q1–Q4) with its usual message.
        self._part()

    # ------------------------------------------------------------------ making one

    @classmethod
    def of(cls, period: FinancialYear | HalfYear | Quarter) -> ExportPeriod:
        """The export period for a core year, half year or quarter."""
        if isinstance(period, Quarter):
            return cls(period.year, quarter=period.number)
        if isinstance(period, HalfYear):
            return cls(period.year, half=period.number)
        return cls(period)

    @classmethod
    def parse(cls, text: str) -> ExportPeriod:
        """Read `2022/23`, `2022/23 H1` or `2022/23 Q3` (also the CLI's `2022/23-Q3`)."""
        return cls.of(parse_period(text))

    @classmethod
    def from_options(cls, year: str, *, quarter: str | None = None, half: str | None = None) -> ExportPeriod:
        """The period the CLI's `--year 2022/23 [--quarter Q1 | --half H1]` asks for."""
        if quarter and half:
            raise PeriodError("give either --quarter or --half, not both")
        financial_year = FinancialYear.parse(year)
        if quarter:
            return cls.of(Quarter.parse(f"{financial_year.label} {quarter.strip()}"))
        if half:
            return cls.of(HalfYear.parse(f"{financial_year.label} {half.strip()}"))
        return cls(financial_year)

    @classmethod
    def from_part(cls, start_year: int, part: str) -> ExportPeriod:
        """The period a stored Submission names: its year and `period_part` ("year", "H1", "Q3"...)."""
        if part not in _PARTS:
            raise PeriodError(f"{part!r} is not a part of a year: use one of {', '.join(_PARTS)}")
        year = FinancialYear(start_year)
        if part == "year":
            return cls(year)
        number = int(part[1])
        return cls(year, half=number) if part[0] == "H" else cls(year, quarter=number)

    # ------------------------------------------------------------------ what it covers

    def _part(self) -> FinancialYear | HalfYear | Quarter:
        if self.quarter is not None:
            return Quarter(self.year, self.quarter)
        if self.half is not None:
            return HalfYear(self.year, self.half)
        return self.year

    @property
    def label(self) -> str:
        """As officers write it: `2022/23`, `2022/23 H1`, `2022/23 Q3`."""
        return self._part().label

    @property
    def part(self) -> str:
        """What `Submission.period_part` stores: "year", "H1", "H2" or "Q1" .. "Q4"."""
        if self.quarter is not None:
            return f"Q{self.quarter}"
        if self.half is not None:
            return f"H{self.half}"
        return "year"

    def __str__(self) -> str:
        return self.label

    @property
    def quarters(self) -> tuple[Quarter, ...]:
        """The quarters the period covers, in order."""
        part = self._part()
        if isinstance(part, Quarter):
            return (part,)
        return tuple(part.quarters())

    @property
    def quarter_numbers(self) -> tuple[int, ...]:
        return tuple(q.number for q in self.quarters)

    @property
    def start(self) -> dt.date:
        return self._part().start

    @property
    def end(self) -> dt.date:
        return self._part().end

    @property
    def file_stem(self) -> str:
        """A name for the saved file: `MoJ return 2022-23 H1`."""
        return "MoJ return " + self.label.replace("/", "-")
