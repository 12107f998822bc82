"""What a click on a dashboard chart hit: plain data, no chart library needed.

Each says where it sends the officer (`go`): the page that shows it, on the period clicked.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.core.periods import FinancialYear, Quarter
from desktop_app.ui.pages.targets import Go


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

    @property
    def go(self) -> Go:
        """That quarter's returns, narrowed to the service hit ("" is the whole quarter)."""
        return Go("returns", period=self.period, service_category_key=self.service_category_key)


@dataclass(frozen=True)
class ProviderTarget:
    """A click on a provider's bar: that provider in the register."""

    provider_id: int
    name: str

    @property
    def go(self) -> Go:
        return Go("providers", provider_id=self.provider_id)


@dataclass(frozen=True)
class YearTarget:
    """A click on a year's money: the strands and their allocations for that year."""

    year: FinancialYear

    @property
    def period(self) -> FinancialYear:
        """The year clicked: the page sent to shows it."""
        return self.year

    @property
    def go(self) -> Go:
        return Go("strands", period=self.year)


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

    @property
    def go(self) -> Go:
        return Go("returns", period=self.period, return_state=self.state)
