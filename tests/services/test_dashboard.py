"""The dashboard's figures and series: they must agree with the report to the last victim."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from sqlalchemy import delete, func, select, update

from desktop_app.core.periods import FinancialYear
from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.services.dashboard import (
    OTHER_PROVIDERS,
    OTHER_SERVICES,
    dashboard,
    dashboard_years,
    default_dashboard_year,
    short_title,
)
from desktop_app.services.dashboard.headlines import (
    COUNT,
    MONEY,
    PERCENT,
    Change,
    change_words,
)
from desktop_app.services.funding import budget_position, list_funding_streams
from desktop_app.services.indicators import list_indicators
from desktop_app.services.report import year_report
from desktop_app.store.database import open_database
from desktop_app.store.models import Measure, Provider, Return, ReturnPeriod, ReturnValue, Setting, Strand

Y2022, Y2023, Y2024 = FinancialYear(2022), FinancialYear(2023), FinancialYear(2024)
# After every quarter of the demo years is due, so missing returns are overdue.
LATER = dt.date(2026, 1, 1)
PUBLISHED = {
    "victims_supported": 90_793,
    "idva_da_supported": 22_989,
    "isva_sa_supported": 5_168,
    "rj_supported": 7_667,
    "referred_mental_health": 1_487,
}


@pytest.fixture(scope="module")
def demo_2022(demo_template, tmp_path_factory):
    """The demo's 2022/23 dashboard, read once for the tests that only read it."""
    path = tmp_path_factory.mktemp("dashboard") / "demo.sqlite"
    shutil.copyfile(demo_template, path)
    db = open_database(path)
    try:
        yield db, dashboard(db, Y2022, today=LATER)
    finally:
        db.close()


def test_the_headline_figures_for_2022_23_are_the_published_ones(demo_2022):
    db, board = demo_2022
    report = year_report(db, Y2022)
    for key, published in PUBLISHED.items():
        headline = board.headline(key)
        assert headline.value == published == report.totals[key]
        assert headline.text == f"{published:,}"
        assert headline.unit == COUNT
    assert board.headline("victims_supported").text == "90,793"


def test_the_first_year_has_no_earlier_year_to_compare_with(demo_2022):
    _db, board = demo_2022
    for headline in board.headlines:
        assert headline.change is None
        assert headline.change_words == "no earlier year"


def test_victims_per_quarter_add_up_to_the_year_total(demo_2022):
    _db, board = demo_2022
    victims = board.victims
    assert len(victims.quarter_labels) == 4 and victims.quarter_labels[0] == "Q1 Apr–Jun"
    assert sum(sum(c.values) for c in victims.categories) == 90_793
    assert victims.total == 90_793
    assert sum(victims.totals) == 90_793
    # The biggest categories by name, the smallest summed, never more than eight in a stack.
    assert len(victims.categories) <= 8
    totals = [c.total for c in victims.categories if c.name != OTHER_SERVICES]
    assert totals == sorted(totals, reverse=True)
    assert victims.categories[-1].name == OTHER_SERVICES and victims.categories[-1].key == ""


def _victims_by_provider(db, year) -> dict[str, int]:
    """Victims supported in `year`'s counted returns, per provider, summed straight from the tables."""
    with db.reading() as session:
        rows = session.execute(
            select(Provider.name, func.sum(ReturnValue.value))
            .join(Strand, Strand.provider_id == Provider.id)
            .join(Return, Return.strand_id == Strand.id)
            .join(ReturnPeriod, Return.period_id == ReturnPeriod.id)
            .join(ReturnValue, ReturnValue.return_id == Return.id)
            .join(Measure, ReturnValue.measure_id == Measure.id)
            .where(ReturnPeriod.financial_year == year.start_year, Measure.key == "victims_supported")
            .where(Return.status.in_([ReturnStatus.VERIFIED, ReturnStatus.LOCKED]))
            .group_by(Provider.name)
        ).all()
    return {name: int(total) for name, total in rows}


def test_top_providers_are_sorted_and_the_rest_summed(demo_2022):
    db, board = demo_2022
    by_provider = _victims_by_provider(db, board.year)
    providers = board.providers
    named = [p for p in providers if p.provider_id is not None]
    assert len(named) == 10
    assert [p.victims for p in named] == sorted((p.victims for p in named), reverse=True)
    assert (named[0].name, named[0].victims) == max(by_provider.items(), key=lambda item: item[1])
    other = providers[-1]
    assert other.name == OTHER_PROVIDERS and other.provider_id is None and other.providers == len(by_provider) - 10
    assert min(p.victims for p in named) >= 0
    assert sum(p.victims for p in providers) == 90_793


def test_money_covers_every_year_of_the_funding_streams(demo_2022):
    db, board = demo_2022
    # Both grants (Core and General) together, year by year.
    positions = [budget_position(db, stream.id) for stream in list_funding_streams(db)]
    assert len(positions) == 2
    assert [m.label for m in board.money] == ["2022/23", "2023/24", "2024/25"]
    assert [m.budget_pence for m in board.money] == [sum(p.budget_pence for p in year) for year in zip(*positions)]
    assert [m.allocated_pence for m in board.money] == [sum(p.allocated_pence for p in year) for year in zip(*positions)]
    assert sum(m.allocated_pence for m in board.money) == 14_000_000 * 100
    # Year by year, stream by stream: budget, allocated and (from the claims) claimed.
    for year, streams in zip(board.money, zip(*positions)):
        assert [s.key for s in year.streams] == ["core", "general"]
        assert [s.budget_pence for s in year.streams] == [p.budget_pence for p in streams]
        assert sum(s.claimed_pence for s in year.streams) == year.claimed_pence
    assert [m.claimed_pence > 0 for m in board.money] == [False, False, True]
    assert [m.shown for m in board.money] == [True, False, False]
    allocated = board.headline("allocated")
    assert allocated.unit == MONEY
    assert (allocated.text, allocated.detail) == ("£4.6m", "of £4.6m budget")


def test_a_locked_year_is_complete_in_every_quarter(demo_2022):
    db, board = demo_2022
    with db.reading() as session:
        # A return is expected from every strand running in the quarter, part-quarters included.
        spans = session.execute(select(Strand.start_date, Strand.end_date)).all()
    running = [
        sum(1 for start, end in spans if start <= q.end and (end is None or end >= q.start))
        for q in board.year.quarters()
    ]
    assert [q.expected for q in board.completeness] == running
    for quarter in board.completeness:
        assert quarter.counts["locked"] == quarter.expected == quarter.done
    complete = board.headline("returns_complete")
    assert complete.unit == PERCENT
    assert (complete.text, complete.detail) == ("100%", f"{sum(running):,} of {sum(running):,} returns")


def test_completeness_counts_each_state_and_late_returns_are_overdue(demo_db):
    board = dashboard(demo_db, Y2024, today=LATER)
    q3, q4 = board.completeness[2].counts, board.completeness[3].counts
    assert q3 == {"locked": 0, "verified": 68, "submitted": 4, "draft": 0, "missing": 0, "overdue": 0}
    assert q4 == {"locked": 0, "verified": 0, "submitted": 40, "draft": 14, "missing": 0, "overdue": 18}
    # Before the due date the same gaps are only missing, and before the quarter ends, not owed.
    due_soon = dashboard(demo_db, Y2024, today=dt.date(2025, 4, 10)).completeness[3].counts
    assert (due_soon["missing"], due_soon["overdue"]) == (18, 0)
    not_ended = dashboard(demo_db, Y2024, today=dt.date(2025, 3, 1)).completeness[3].counts
    assert (not_ended["missing"], not_ended["overdue"]) == (0, 0)
    complete = board.headline("returns_complete")
    assert complete.detail == "212 of 288 returns"
    assert complete.text == "73.6%"
    assert complete.change_words == "▼ 26.4 points on 2023/24"


def test_later_years_say_their_change_on_the_year_before(demo_db):
    board = dashboard(demo_db, Y2023, today=LATER)
    before = year_report(demo_db, Y2022).totals["victims_supported"]
    now = year_report(demo_db, Y2023).totals["victims_supported"]
    victims = board.headline("victims_supported")
    assert victims.change == Change(Y2022, before, now - before, (now - before) / before * 100)
    arrow = "▲" if now > before else "▼"
    assert victims.change_words == f"{arrow} {abs((now - before) / before * 100):.1f}% on 2022/23"
    assert board.headline("allocated").change_words.endswith("on 2022/23")


def test_figures_count_only_verified_and_locked_returns_and_say_so(demo_db):
    board = dashboard(demo_db, Y2024, today=LATER)
    report = year_report(demo_db, Y2024)
    assert board.victims.total == report.totals["victims_supported"] == board.headline("victims_supported").value
    assert board.victims.totals[3] == 0  # Q4 is not verified yet
    assert board.basis_words == (
        f"Figures count {report.returns_counted} verified and locked returns; "
        f"{report.returns_unverified} not yet verified are left out."
    )


def test_change_words_never_rely_on_the_arrow_alone():
    year = FinancialYear(2021)
    assert change_words(None, COUNT) == "no earlier year"
    assert change_words(Change(year, 100, 4.1, 4.1), COUNT) == "▲ 4.1% on 2021/22"
    assert change_words(Change(year, 100, -2, -2.0), COUNT) == "▼ 2.0% on 2021/22"
    assert change_words(Change(year, 100, 0, 0.0), COUNT) == "no change on 2021/22"
    assert change_words(Change(year, 0, 1234, None), COUNT) == "▲ 1,234 on 2021/22"
    assert change_words(Change(year, 0, 250_000_00, None), MONEY) == "▲ £250k on 2021/22"
    assert change_words(Change(year, 90.0, 3.46, 3.8), PERCENT) == "▲ 3.5 points on 2021/22"


def test_indicator_tiles_carry_their_status_in_words(demo_2022):
    db, board = demo_2022
    rows = list_indicators(db, plan_key="pcp-2021-24")  # the plan in force in 2022/23
    assert len(board.tiles) == len(rows) == 29
    for tile, row in zip(board.tiles, rows):
        assert (tile.code, tile.status, tile.status_words) == (row.code, row.status, row.status_words)
        assert tile.status_words
    assert {t.status_words for t in board.tiles} >= {"Improving", "Worsening", "Monitor only"}


def test_short_titles_drop_a_closing_aside_and_cut_at_a_word():
    assert short_title("Victim satisfaction (including domestic abuse victims)") == "Victim satisfaction"
    assert short_title("Cybercrime (WYCA Cyber Dashboard)") == "Cybercrime (WYCA Cyber Dashboard)"
    assert short_title("Homicides") == "Homicides"
    cut = short_title("word " * 30, limit=20)
    assert cut.endswith("…") and len(cut) <= 20 and " …" not in cut


def test_the_years_are_listed_newest_first_and_the_demo_opens_on_its_published_year(demo_2022):
    db, _board = demo_2022
    assert dashboard_years(db) == [Y2024, Y2023, Y2022]
    assert default_dashboard_year(db) == Y2022


def test_a_real_database_opens_on_its_latest_fully_locked_year(demo_db):
    with demo_db.transaction() as session:
        session.execute(delete(Setting).where(Setting.key == "is_demo"))
    assert default_dashboard_year(demo_db) == Y2023  # 2023/24 is locked, 2024/25 is not
    with demo_db.transaction() as session:
        one = session.scalars(
            select(Return.id).join(Return.period).where(ReturnPeriod.financial_year == 2023).limit(1)
        ).one()
        session.execute(update(Return).where(Return.id == one).values(status=ReturnStatus.VERIFIED))
    assert default_dashboard_year(demo_db) == Y2022
    with demo_db.transaction() as session:
        session.execute(update(Return).values(status=ReturnStatus.DRAFT))
    assert default_dashboard_year(demo_db) == Y2024  # none locked: the latest with returns


def test_an_empty_database_has_no_year_and_an_empty_dashboard_not_an_error(db):
    assert dashboard_years(db) == []
    assert default_dashboard_year(db) is None
    board = dashboard(db, Y2022, today=LATER)
    assert board.victims.total == 0 and board.victims.categories == ()
    assert board.providers == () and board.money == ()
    assert all(q.expected == 0 for q in board.completeness)
    assert board.headline("returns_complete").detail == "no returns expected yet"
    assert board.headline("allocated").detail == "no budget set"
    assert all(h.change_words == "no earlier year" for h in board.headlines)
    assert len(board.tiles) == 29  # the plan's indicators come with every database
