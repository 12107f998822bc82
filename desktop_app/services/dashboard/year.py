"""The dashboard for a financial year, read through the ORM: see the package's docstring."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.core.indicator_status import Status
from desktop_app.core.periods import FinancialYear
from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.services.catalogue import load_catalogue
from desktop_app.services.dashboard.first_look import choose_default_year
from desktop_app.services.dashboard.headlines import (
    Headline,
    basis_words,
    count_headline,
    money_headline,
    percent_headline,
)
from desktop_app.services.dashboard.charts import CompletenessQuarter, ProviderBar, QuarterlyVictims, YearMoney, fold_money
from desktop_app.services.dashboard.series import completeness_by_quarter, quarterly_victims, top_providers
from desktop_app.services.indicators import list_indicators
from desktop_app.services.report import year_report
from desktop_app.store.database import Database, is_demo
from desktop_app.store.models import (
    Allocation,
    Budget,
    Claim,
    FundingStream,
    Return,
    ReturnPeriod,
    Strand,
)

__all__ = ["Dashboard", "IndicatorTile", "dashboard", "dashboard_years", "default_dashboard_year"]

_SHORT_TITLE = 64


@dataclass(frozen=True)
class IndicatorTile:
    """An indicator as a dashboard tile: its code, a short title and its status in words."""

    id: int
    code: str
    title: str
    short_title: str
    status: Status
    status_words: str
    latest: str  # "82.3% (2024/25 Q4)", or "" with no reading


@dataclass(frozen=True)
class Dashboard:
    year: FinancialYear
    headlines: tuple[Headline, ...]
    victims: QuarterlyVictims
    providers: tuple[ProviderBar, ...]
    money: tuple[YearMoney, ...]
    completeness: tuple[CompletenessQuarter, ...]
    tiles: tuple[IndicatorTile, ...]
    basis_words: str  # which returns the figures count, in a sentence

    def headline(self, key: str) -> Headline:
        """The headline figure called `key` (e.g. "victims_supported")."""
        return next(h for h in self.headlines if h.key == key)


def short_title(title: str, limit: int = _SHORT_TITLE) -> str:
    """A title a tile has room for: a closing aside in brackets dropped, then cut at a word."""
    text = title.strip()
    bare = re.sub(r"\s*\([^)]*\)$", "", text)
    if len(bare) >= 12:
        text = bare
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-–")
    return f"{cut}…"


def _tiles(db: Database, year: FinancialYear | None) -> tuple[IndicatorTile, ...]:
    tiles = []
    # The plan in force at the end of the year shown (a 2022/23 dashboard shows the 2021–24 plan).
    for row in list_indicators(db, today=year.end if year is not None else None):
        latest = ""
        if row.latest_value is not None:
            latest = f"{row.formatted(row.latest_value)} ({row.latest_period_label})"
        tiles.append(
            IndicatorTile(
                id=row.id,
                code=row.code,
                title=row.title,
                short_title=short_title(row.title),
                status=row.status,
                status_words=row.status_words,
                latest=latest,
            )
        )
    return tuple(tiles)


def _money(session: Session, year: FinancialYear) -> tuple[YearMoney, ...]:
    """Budget, allocated and claimed per year and stream, for every year of the funding streams."""
    streams = session.execute(
        select(FundingStream.id, FundingStream.key, FundingStream.name, FundingStream.start_date, FundingStream.end_date)
        .order_by(FundingStream.name)
    ).all()
    budgets = {
        (stream, y): int(p or 0)
        for stream, y, p in session.execute(select(Budget.funding_stream_id, Budget.financial_year, Budget.amount_pence))
    }
    allocated = {
        (stream, y): int(p or 0)
        for stream, y, p in session.execute(
            select(Strand.funding_stream_id, Allocation.financial_year, func.sum(Allocation.amount_pence))
            .join(Allocation.strand)
            .group_by(Strand.funding_stream_id, Allocation.financial_year)
        )
    }
    claimed = {
        (stream, y): int(p or 0)
        for stream, y, p in session.execute(
            select(Strand.funding_stream_id, ReturnPeriod.financial_year, func.sum(Claim.amount_pence))
            .join(Claim.strand)
            .join(Claim.period)
            .group_by(Strand.funding_stream_id, ReturnPeriod.financial_year)
        )
    }
    return fold_money(streams, budgets, allocated, claimed, year)


def _basis_words(report) -> str:
    return basis_words(report.returns_counted, report.returns_unverified)


def dashboard(db: Database, year: FinancialYear, *, today: dt.date | None = None) -> Dashboard:
    """Everything the dashboard shows for `year`, against the year before where it has data.

    `today` (default: the real date) decides which quarters have ended and which missing
    returns are overdue."""
    today = today or dt.date.today()
    previous_year = year.previous()
    # One session for the whole read, so every figure is of the same state of the data (the
    # year totals come from the cache when that state has been read before).
    with db.reading() as session:
        report = year_report(db, year, session=session)
        previous = year_report(db, previous_year, session=session)
        catalogue = load_catalogue(session)
        victims = quarterly_victims(session, year)
        providers = top_providers(session, year)
        money = _money(session, year)
        completeness = completeness_by_quarter(session, year, today)
        before = completeness_by_quarter(session, previous_year, today)
    headlines = [
        count_headline(m.key, m.headline_title, m.headline_detail, report, previous)
        for m in catalogue.headline_measures
    ]
    done = sum(q.done for q in completeness)
    expected = sum(q.expected for q in completeness)
    before_expected = sum(q.expected for q in before)
    headlines.append(
        percent_headline(
            "returns_complete", "Returns complete", year, done, expected,
            (sum(q.done for q in before), before_expected) if before_expected else None,
        )
    )
    by_year = {m.financial_year: m for m in money}
    this, last = by_year.get(year.start_year), by_year.get(previous_year.start_year)
    headlines.append(
        money_headline(
            "allocated", "Allocated", year,
            this.allocated_pence if this else 0,
            this.budget_pence if this else 0,
            last.allocated_pence if last and (last.allocated_pence or last.budget_pence) else None,
        )
    )
    return Dashboard(
        year=year,
        headlines=tuple(headlines),
        victims=victims,
        providers=providers,
        money=money,
        completeness=completeness,
        tiles=_tiles(db, year),
        basis_words=_basis_words(report),
    )


def dashboard_years(db: Database) -> list[FinancialYear]:
    """Every financial year with returns or a budget, the newest first."""
    with db.reading() as session:
        with_returns = set(
            session.scalars(select(ReturnPeriod.financial_year).join(Return, Return.period_id == ReturnPeriod.id))
        )
        with_budgets = set(session.scalars(select(Budget.financial_year)))
    return [FinancialYear(y) for y in sorted(with_returns | with_budgets, reverse=True)]


def default_dashboard_year(db: Database) -> FinancialYear | None:
    """The year the dashboard opens on: the latest year whose story is complete.

    That is the latest year all of whose returns are locked (sent to the MoJ); failing that,
    the latest year with any returns; failing that, the latest year with a budget; None on a
    database with neither. The demo opens on 2022/23, the year of the published figures it
    reproduces."""
    years = dashboard_years(db)
    if not years:
        return None
    statuses: dict[int, set[ReturnStatus]] = defaultdict(set)
    with db.reading() as session:
        query = select(ReturnPeriod.financial_year, Return.status).join(Return.period).distinct()
        for financial_year, status in session.execute(query):
            statuses[financial_year].add(status)
    return choose_default_year(years, demo=is_demo(db), statuses=statuses)
