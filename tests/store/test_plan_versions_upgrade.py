"""Opening a database made by revision 0001's code: every reading kept, on the plan it was for."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import select

from desktop_app.store.database import open_database
from desktop_app.store.models import Indicator, IndicatorReading, Plan



def _readings_before(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT r.id, i.code, r.period_start, r.value, r.numerator, r.denominator, r.note"
            " FROM indicator_reading r JOIN indicator i ON i.id = r.indicator_id ORDER BY r.id"
        ).fetchall()


def test_upgrading_a_rev0001_demo_keeps_every_reading_on_the_2021_24_plan(old_demo):
    path = old_demo
    before = _readings_before(path)
    assert len(before) == 708  # the demo as 0001 wrote it: 29 indicators, Apr 2022 to Mar 2025

    with open_database(path) as db, db.reading() as session:
        after = [
            (r.id, code, r.period_start.isoformat(), r.value, r.numerator, r.denominator, r.note)
            for r, code in session.execute(
                select(IndicatorReading, Indicator.code)
                .join(Indicator, Indicator.id == IndicatorReading.indicator_id)
                .order_by(IndicatorReading.id)
            )
        ]
        plans = dict(session.execute(select(Plan.key, Plan.id)).all())
        old_plan_of_read = set(
            session.scalars(
                select(Indicator.plan_id).join(IndicatorReading, IndicatorReading.indicator_id == Indicator.id)
            )
        )
        carried = session.scalars(
            select(Indicator).where(Indicator.plan_id == plans["pcp-2024-28"], Indicator.code == "1.1")
        ).one()
        predecessor = (carried.continues.code, carried.continues.plan_id)

    assert after == before
    assert old_plan_of_read == {plans["pcp-2021-24"]}
    assert predecessor == ("1.1", plans["pcp-2021-24"])


def test_after_the_upgrade_the_new_plan_carries_each_series_and_its_baseline(old_demo):
    from desktop_app.core.indicator_status import Status
    from desktop_app.services.indicators import list_indicators, readings

    path = old_demo
    with open_database(path) as db:
        old = {row.code: row for row in list_indicators(db, plan_key="pcp-2021-24")}
        new = {row.code: row for row in list_indicators(db, plan_key="pcp-2024-28")}
        history = readings(db, new["1.1"].id)
    assert len(history) == 36 and history[-1].label == "Mar 2025"  # every 2021–24 reading, one series
    assert (new["1.1"].baseline_value, new["1.1"].baseline_period) == (old["1.1"].baseline_value, "2021/22")
    assert new["1.1"].latest_value == old["1.1"].latest_value and new["1.1"].status is not Status.NO_DATA
    assert new["1.8"].latest_value is None  # new in 2024–28: starts empty
