"""The series behind the dashboard's charts, read through the ORM and folded by `charts`.

Victims are counted over verified and locked returns, as `year_report` counts them, so every
chart adds up to the headline figure. Completeness counts the returns engine's own cells
(`services.returns.completeness`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from desktop_app.core.completeness import DUE_DAYS_SETTING, due_days_from
from desktop_app.core.periods import FinancialYear
from desktop_app.services.dashboard.charts import (
    CompletenessQuarter,
    ProviderBar,
    QuarterlyVictims,
    count_completeness,
    fold_providers,
    fold_victims,
)
from desktop_app.services.report import COUNTED
from desktop_app.services.returns.completeness import completeness_cells
from desktop_app.store.models import (
    Measure,
    Provider,
    Return,
    ReturnPeriod,
    ReturnValue,
    ServiceCategory,
    Setting,
    Strand,
)

__all__ = ["completeness_by_quarter", "due_days", "quarterly_victims", "top_providers"]

def _year_return_ids(year: FinancialYear):
    """The ids of the year's returns, as a subquery of its own (not correlated with the query)."""
    period, return_ = aliased(ReturnPeriod), aliased(Return)
    return (
        select(return_.id).join(period, period.id == return_.period_id)
        .where(period.financial_year == year.start_year)
    )


def _victims(year: FinancialYear, *columns):
    """The charted measure (the catalogue's `chart = true`: victims supported) over the year's
    counted returns, summed by `columns` (strand joined)."""
    return (
        select(*columns, func.sum(ReturnValue.value))
        .join(ReturnValue.measure)
        .join(ReturnValue.return_)
        .join(Return.period)
        .join(Return.strand)
        .where(
            Measure.charted.is_(True),
            ReturnPeriod.financial_year == year.start_year,
            # The year's returns first, then their figures by index: SQLite would otherwise scan
            # every figure in the file (8x slower on ten years of returns).
            ReturnValue.return_id.in_(_year_return_ids(year)),
            Return.status.in_(COUNTED),
            # A figure above its ceiling (an older version let one in) would swamp or overflow
            # the sum; `check` lists it for correcting.
            ReturnValue.value <= Measure.ceiling,
        )
        .group_by(*columns)
    )


def quarterly_victims(session: Session, year: FinancialYear) -> QuarterlyVictims:
    """Victims supported in each quarter by service category, the smallest summed as Other."""
    query = _victims(year, ServiceCategory.key, ServiceCategory.name, ReturnPeriod.quarter).join(
        ServiceCategory, ServiceCategory.id == Strand.service_category_id
    )
    return fold_victims(session.execute(query), year)


def top_providers(session: Session, year: FinancialYear) -> tuple[ProviderBar, ...]:
    """The ten providers that supported most victims in the year, then the rest summed."""
    query = _victims(year, Provider.id, Provider.name).join(Provider, Provider.id == Strand.provider_id)
    return fold_providers(session.execute(query))


def due_days(session: Session) -> int:
    """Days after a quarter ends that its returns are due (the database's setting, or 30)."""
    return due_days_from(session.scalar(select(Setting.value).where(Setting.key == DUE_DAYS_SETTING)))


def completeness_by_quarter(
    session: Session, year: FinancialYear, today: dt.date
) -> tuple[CompletenessQuarter, ...]:
    """For each quarter, how many returns are locked, verified, submitted, draft, missing or
    overdue: the completeness matrix's own cells (`services.returns.completeness`), counted."""
    rows = completeness_cells(session, year, due_days(session), today)
    return count_completeness(year, ((cell.quarter.number, cell.state) for row in rows for cell in row.cells))
