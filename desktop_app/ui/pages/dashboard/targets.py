"""Where a click on a dashboard chart sends the officer: plain data, no chart library needed.

The page maps each kind to the page that shows it; the window asks that page to bring the
target into view (`Page.show_target`).
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.core.periods import FinancialYear, Quarter


@dataclass(frozen=True)
class QuarterTarget:
    """A click on a quarter's bar: the returns of that quarter (and service, if one was hit)."""

    year: FinancialYear
    quarter: int
    service_category_key: str  # "" for the whole quarter or Other services
    service_category: str

    @property
    def period(self) -> Quarter:
        """The quarter clicked: the page sent to shows it."""
        return Quarter(self.year, self.quarter)


@dataclass(frozen=True)
class ProviderTarget:
    """A click on a provider's bar: that provider in the register."""

    provider_id: int
    name: str


@dataclass(frozen=True)
class YearTarget:
    """A click on a year's money: the strands and their allocations for that year."""

    year: FinancialYear

    @property
    def period(self) -> FinancialYear:
        """The year clicked: the page sent to shows it."""
        return self.year


@dataclass(frozen=True)
class CompletenessTarget:
    """A click on a quarter's completeness: that quarter's returns in one state."""

    year: FinancialYear
    quarter: int
    state: str

    @property
    def period(self) -> Quarter:
        """The quarter clicked: the page sent to shows it."""
        return Quarter(self.year, self.quarter)
