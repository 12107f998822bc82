"""Indicators as officers use them: the list, readings, adding a reading, editing settings."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import event, func, select

from desktop_app.core.indicator_status import Status
from desktop_app.core.vocabulary import Direction, Frequency, IndicatorUnit
from desktop_app.services.changes import INDICATORS
from desktop_app.services.errors import ServiceError
from desktop_app.services.indicators import (
    DuplicateReadingError,
    UnknownPlanError,
    UnknownThemeError,
    add_reading,
    get_indicator,
    indicator_history,
    indicator_pack,
    indicators_json,
    indicators_text,
    list_indicators,
    readings,
    update_indicator_settings,
)
from desktop_app.services.validation import RecordNotFound, ValidationFailed
from desktop_app.store.models import AuditEvent, IndicatorReading

TODAY = dt.date(2025, 6, 15)
OLD_PLAN, NEW_PLAN = "pcp-2021-24", "pcp-2024-28"


def _by_code(db, plan_key: str | None = None) -> dict:
    return {row.code: row for row in list_indicators(db, plan_key=plan_key)}


def _count(db, model) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(model))


# ---------------------------------------------------------------- the list


def test_the_demo_lists_all_29_indicators_of_the_2021_24_plan_by_priority_then_code(demo_db):
    rows = list_indicators(demo_db, plan_key=OLD_PLAN)
    assert len(rows) == 29
    order = [(r.priority_number, tuple(int(part) for part in r.code.split("."))) for r in rows]
    assert order == sorted(order)
    assert Counter(r.priority_number for r in rows) == {1: 7, 2: 7, 3: 9, 4: 6}
    assert rows[0].code == "1.1" and rows[-1].code == "4.6"


def test_the_demo_shows_green_amber_red_and_monitor_in_both_plans(demo_db):
    statuses = Counter(row.status for row in list_indicators(demo_db, plan_key=OLD_PLAN))
    assert {Status.GREEN, Status.AMBER, Status.RED} <= statuses.keys()
    assert statuses[Status.MONITOR] == 3
    assert Status.NO_DATA not in statuses
    statuses = Counter(row.status for row in list_indicators(demo_db, plan_key=NEW_PLAN))
    assert {Status.GREEN, Status.AMBER, Status.RED} <= statuses.keys()
    assert statuses[Status.MONITOR] == 1
    assert Status.NO_DATA not in statuses


def test_each_row_carries_latest_reading_change_and_words(demo_db):
    row = _by_code(demo_db)["1.1"]
    assert row.unit is IndicatorUnit.PERCENT and row.direction is Direction.INCREASE
    assert row.frequency is Frequency.MONTHLY
    assert row.latest_period_label == "Mar 2025"
    assert row.latest_period_start == dt.date(2025, 3, 1)
    assert row.status_words == row.status.words
    assert row.tolerance_pct == 2.0
    assert _by_code(demo_db)["1.2"].latest_period_label == "2024/25 Q4"


def test_a_reading_a_tenth_above_the_baseline_shows_that_change_and_ten_percent(demo_db):
    row = _by_code(demo_db)["1.5"]  # a quarterly count
    tenth = int(row.baseline_value) // 10
    add_reading(demo_db, row.id, dt.date(2025, 5, 20), str(int(row.baseline_value) + tenth), today=TODAY)
    after = get_indicator(demo_db, row.id)
    assert after.change == tenth
    assert after.change_pct == pytest.approx(10.0, abs=0.1)  # a tenth, whatever the demo's baseline


def test_the_additional_officers_indicator_carries_the_750_pledge(demo_db):
    officers = _by_code(demo_db)["3.8"]
    assert officers.title.startswith("Additional officers")
    assert officers.target_value == 750
    assert "750" in (officers.target_note or "")


def test_a_fresh_database_lists_indicators_with_no_reading_yet(db):
    rows = list_indicators(db, plan_key=OLD_PLAN)
    assert len(rows) == 29
    assert {row.status for row in rows} == {Status.NO_DATA, Status.MONITOR}
    assert {row.status_words for row in rows if row.status is Status.NO_DATA} == {"No reading yet"}


def test_the_list_filters_by_cross_cutting_theme(demo_db):
    women_and_girls = list_indicators(demo_db, theme_key="women_girls")
    assert women_and_girls and all("women_girls" in row.theme_keys for row in women_and_girls)
    assert len(women_and_girls) < 29
    names = {theme.name for row in women_and_girls for theme in row.themes}
    assert "The Safety of Women and Girls" in names
    with pytest.raises(UnknownThemeError):
        list_indicators(demo_db, theme_key="no_such_theme")


def test_listing_takes_a_few_queries_not_one_per_indicator(demo_db):
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(demo_db.engine, "before_cursor_execute", listener)
    try:
        list_indicators(demo_db)
    finally:
        event.remove(demo_db.engine, "before_cursor_execute", listener)
    assert len(statements) <= 4


def test_get_indicator_and_a_missing_one(demo_db):
    first = list_indicators(demo_db)[0]
    assert get_indicator(demo_db, first.id) == first
    with pytest.raises(RecordNotFound):
        get_indicator(demo_db, 99_999)


def test_readings_come_oldest_first_with_their_own_status(demo_db):
    officers = _by_code(demo_db)["3.8"]
    found = readings(demo_db, officers.id)
    assert len(found) == 12
    assert [r.period_start for r in found] == sorted(r.period_start for r in found)
    assert found[0].label == "2022/23 Q1" and found[-1].label == "2024/25 Q4"
    assert found[-1].value == officers.latest_value
    assert found[-1].status is officers.status
    monthly = readings(demo_db, _by_code(demo_db)["1.1"].id)
    assert len(monthly) == 36 and monthly[0].label == "Apr 2022"
    assert monthly[0].numerator is not None and monthly[0].denominator is not None


# ---------------------------------------------------------------- adding a reading


def test_a_new_reading_becomes_the_latest(demo_db):
    row = _by_code(demo_db)["1.5"]  # a quarterly count
    changed = add_reading(demo_db, row.id, dt.date(2025, 5, 20), "1,234", note="Provisional", today=TODAY)
    assert changed.touches(INDICATORS)
    after = get_indicator(demo_db, row.id)
    assert after.latest_value == 1234.0
    assert after.latest_period_label == "2025/26 Q1"  # a date in May is enough for Q1
    assert after.status is Status.RED  # 1,234 against a 1,850 baseline that should rise
    newest = readings(demo_db, row.id)[-1]
    assert (newest.period_start, newest.period_end) == (dt.date(2025, 4, 1), dt.date(2025, 6, 30))
    assert newest.note == "Provisional"


def test_a_percentage_is_worked_out_from_numerator_and_denominator(demo_db):
    row = _by_code(demo_db)["1.1"]
    add_reading(demo_db, row.id, dt.date(2025, 4, 1), numerator="11,500", denominator="14,000", today=TODAY)
    newest = readings(demo_db, row.id)[-1]
    assert (newest.value, newest.numerator, newest.denominator) == (82.1, 11500, 14000)
    assert newest.label == "Apr 2025"


def test_the_new_reading_is_in_the_audit_trail(demo_db):
    row = _by_code(demo_db)["1.5"]
    add_reading(demo_db, row.id, dt.date(2025, 4, 1), 2000, who="officer.one", today=TODAY)
    with demo_db.reading() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "indicator_reading", AuditEvent.who == "officer.one")
        ).all()
    assert {e.field for e in events} >= {"value", "period_start", "indicator_id"}


@pytest.mark.parametrize(
    ("code", "kwargs", "field", "words"),
    [
        ("1.1", {"value": "101"}, "value", "Value '101' is more than 100%"),
        ("1.1", {"value": "12.34"}, "value", "more than one decimal place"),
        ("1.5", {"value": "12.5"}, "value", "not a whole number"),
        ("1.5", {"value": "-3"}, "value", "cannot be negative"),
        ("1.8", {"value": "abc"}, "value", "not a number"),
        ("1.1", {"value": "100.5"}, "value", "more than 100%"),
        ("1.1", {"numerator": 50, "denominator": 40}, "numerator", "more than the denominator"),
        ("1.1", {"numerator": 5, "denominator": 0}, "denominator", "more than 0"),
        ("1.1", {}, "value", "Value is needed"),
    ],
)
def test_bad_readings_are_refused_and_nothing_is_written(demo_db, code, kwargs, field, words):
    row = _by_code(demo_db)[code]
    readings_before, audit_before = _count(demo_db, IndicatorReading), _count(demo_db, AuditEvent)
    with pytest.raises(ValidationFailed) as caught:
        add_reading(demo_db, row.id, dt.date(2025, 4, 1), today=TODAY, **kwargs)
    assert caught.value.fields == {field}
    assert words in str(caught.value)
    assert _count(demo_db, IndicatorReading) == readings_before
    assert _count(demo_db, AuditEvent) == audit_before


IMPOSSIBLE = "is more than any indicator figure could be (at most 1,000,000,000); check the figure"


@pytest.mark.parametrize(
    ("code", "kwargs", "field", "words"),
    [
        ("1.5", {"value": "99999999999999999999"}, "value", f"Value '99999999999999999999' {IMPOSSIBLE}"),
        ("1.5", {"value": str(2**63)}, "value", IMPOSSIBLE),
        ("1.5", {"value": str(2**63 - 1)}, "value", IMPOSSIBLE),
        ("1.5", {"value": "1,000,000,000,000,000"}, "value", IMPOSSIBLE),
        ("1.5", {"value": 1e308}, "value", IMPOSSIBLE),
        ("1.5", {"value": "1" + "0" * 40 + ".55"}, "value", IMPOSSIBLE),  # more places than Decimal's 28 digits
        ("1.5", {"value": "9" * 5000}, "value", f"Value '{'9' * 20}…' {IMPOSSIBLE}"),
        ("1.5", {"value": "1e308"}, "value", "not a number"),
        ("1.5", {"value": "inf"}, "value", "not a number"),
        ("1.5", {"value": "nan"}, "value", "not a number"),
        ("1.5", {"value": float("inf")}, "value", "not a number"),
        ("1.5", {"value": float("nan")}, "value", "not a number"),
        ("1.1", {"numerator": str(2**63), "denominator": str(2**63 + 1)}, "numerator", f"Numerator '{2**63}' {IMPOSSIBLE}"),
        ("1.1", {"numerator": "5", "denominator": "99999999999999999999"}, "denominator", IMPOSSIBLE),
    ],
    ids=[
        "20 nines", "2**63", "2**63-1", "10**15", "1e308 float", "41 digits and a fraction", "5000 nines",
        "1e308 typed", "inf typed", "nan typed", "inf", "nan", "numerator 2**63", "denominator 20 nines",
    ],
)
def test_a_reading_no_indicator_could_have_is_refused_naming_the_field(demo_db, code, kwargs, field, words):
    row = _by_code(demo_db)[code]
    readings_before, audit_before = _count(demo_db, IndicatorReading), _count(demo_db, AuditEvent)
    with pytest.raises(ValidationFailed) as caught:
        add_reading(demo_db, row.id, dt.date(2025, 4, 1), today=TODAY, **kwargs)
    assert caught.value.fields == {field}
    assert words in str(caught.value) and len(str(caught.value)) < 200
    assert _count(demo_db, IndicatorReading) == readings_before
    assert _count(demo_db, AuditEvent) == audit_before


def test_a_second_reading_for_the_same_month_is_refused_naming_indicator_and_period(demo_db):
    row = _by_code(demo_db)["1.1"]
    before = readings(demo_db, row.id)
    readings_before, audit_before = _count(demo_db, IndicatorReading), _count(demo_db, AuditEvent)
    with pytest.raises(DuplicateReadingError) as caught:
        add_reading(demo_db, row.id, dt.date(2025, 3, 15), "90", today=TODAY)
    message = str(caught.value)
    assert "1.1" in message and row.title in message and "Mar 2025" in message
    assert caught.value.fields == {"period_start"}
    assert isinstance(caught.value, ServiceError)
    assert readings(demo_db, row.id) == before
    assert (_count(demo_db, IndicatorReading), _count(demo_db, AuditEvent)) == (readings_before, audit_before)


def test_a_quarterly_duplicate_is_found_from_any_day_in_the_quarter(demo_db):
    row = _by_code(demo_db)["3.8"]
    with pytest.raises(DuplicateReadingError, match="2024/25 Q4"):
        add_reading(demo_db, row.id, dt.date(2025, 2, 14), 760, today=TODAY)


def test_a_period_that_has_not_started_is_refused(demo_db):
    row = _by_code(demo_db)["1.1"]
    with pytest.raises(ValidationFailed, match="has not started"):
        add_reading(demo_db, row.id, dt.date(2025, 7, 1), "80", today=TODAY)


def test_a_reading_for_a_missing_indicator_is_refused(demo_db):
    with pytest.raises(RecordNotFound):
        add_reading(demo_db, 99_999, dt.date(2025, 4, 1), 1, today=TODAY)


# ---------------------------------------------------------------- settings


def test_settings_update_changes_status_and_writes_audit_rows(demo_db):
    row = _by_code(demo_db)["1.2"]  # amber: 70.5 against 71.5
    changed = update_indicator_settings(
        demo_db, row.id, "75.0", "2020/21", "80", "Plan ambition", 10, who="officer.two", reason="Plan refresh"
    )
    assert changed.touches(INDICATORS)
    after = get_indicator(demo_db, row.id)
    assert (after.baseline_value, after.baseline_period, after.target_value, after.target_note, after.tolerance_pct) == (
        75.0, "2020/21", 80.0, "Plan ambition", 10.0,
    )
    with demo_db.reading() as session:
        events = session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity == "indicator", AuditEvent.entity_id == row.id, AuditEvent.who == "officer.two"
            )
        ).all()
    by_field = {e.field: e for e in events}
    assert by_field.keys() == {"baseline_value", "baseline_period", "target_value", "target_note", "tolerance_pct"}
    assert (by_field["baseline_value"].old_value, by_field["baseline_value"].new_value) == ("71.5", "75.0")
    assert {e.reason for e in events} == {"Plan refresh"}


def test_saving_unchanged_settings_writes_no_audit_rows(demo_db):
    row = _by_code(demo_db)["3.8"]
    before = _count(demo_db, AuditEvent)
    update_indicator_settings(
        demo_db, row.id, row.baseline_value, row.baseline_period, row.target_value, row.target_note, row.tolerance_pct
    )
    assert _count(demo_db, AuditEvent) == before


def test_bad_settings_are_refused_field_by_field_with_nothing_written(demo_db):
    row = _by_code(demo_db)["1.1"]
    before = _count(demo_db, AuditEvent)
    with pytest.raises(ValidationFailed) as caught:
        update_indicator_settings(demo_db, row.id, "120", "", "abc", None, "-1")
    assert caught.value.fields == {"baseline_value", "target_value", "tolerance_pct"}
    assert "Baseline '120' is more than 100%" in caught.value.messages("baseline_value")
    with pytest.raises(ValidationFailed) as caught:
        update_indicator_settings(demo_db, row.id, "80", " ", None, None, 2)
    assert caught.value.fields == {"baseline_period"}
    assert _count(demo_db, AuditEvent) == before
    assert get_indicator(demo_db, row.id).baseline_value == 82.0


def test_clearing_the_baseline_shows_no_baseline(demo_db):
    row = _by_code(demo_db)["1.1"]
    update_indicator_settings(demo_db, row.id, None, None, None, None, None)
    after = get_indicator(demo_db, row.id)
    assert after.status is Status.NO_DATA and after.status_words == "No baseline"
    assert after.tolerance_pct == 2.0  # a blank tolerance is the default


# ---------------------------------------------------------------- pack and command-line forms


def test_the_pack_holds_every_indicator_and_reading_of_its_plan(demo_db):
    pack = indicator_pack(demo_db, OLD_PLAN)
    assert len(pack.indicators) == 29 and len(pack.readings) == 15 * 24 + 14 * 8
    assert pack.is_demo and pack.database == demo_db.display_name
    assert [i.code for i in pack.indicators] == [r.code for r in list_indicators(demo_db, plan_key=OLD_PLAN)]
    assert pack.readings[0].code == "1.1" and pack.readings[-1].code == "4.6"


def test_the_plan_in_force_pack_carries_each_series_across_plans(demo_db):
    pack = indicator_pack(demo_db, today=dt.date(2025, 6, 1))
    assert pack.plan_name == "Police and Crime Plan 2024–28" and len(pack.indicators) == 23
    homicides = [r for r in pack.readings if r.code == "S.1"]
    assert len(homicides) == 36  # monthly, April 2022 to March 2025, one series
    assert {r.recorded_under for r in homicides if r.period_start < dt.date(2024, 4, 1)} == {"3.1 (pcp-2021-24)"}
    assert {r.recorded_under for r in homicides if r.period_start >= dt.date(2024, 4, 1)} == {""}
    new = [r for r in pack.readings if r.code == "1.8"]
    assert len(new) == 4 and new[0].period_start == dt.date(2024, 4, 1)


def test_json_and_text_forms(demo_db):
    rows = list_indicators(demo_db)
    objects = indicators_json(rows)
    officers = next(o for o in objects if o["code"] == "3.8")
    assert officers["target"] == 750 and isinstance(officers["latest"], int)
    assert officers["status"] in {"green", "amber", "red"}
    text = indicators_text(rows, is_demo=True)
    assert "synthetic demo data" in text
    assert "baseline 1,850 (2021/22)" in text


def test_indicator_history_shows_settings_changes_and_readings_as_officers_read_them(demo_db):
    row = _by_code(demo_db)["1.2"]  # 70.5% against 71.5%
    update_indicator_settings(demo_db, row.id, "75.0", "2020/21", None, None, 5, who="officer.two", reason="Plan refresh")
    add_reading(demo_db, row.id, dt.date(2025, 4, 1), "72.5", note="Early figure", who="officer.one", today=TODAY)
    entries = indicator_history(demo_db, row.id)
    by_field = {(e.record, e.field): e for e in entries if e.who in ("officer.one", "officer.two")}
    baseline = by_field[("Indicator", "Baseline")]
    assert (baseline.old, baseline.new, baseline.who, baseline.reason) == ("71.5%", "75.0%", "officer.two", "Plan refresh")
    assert by_field[("Indicator", "Tolerance")].new == "5% of the baseline"
    reading = by_field[("Reading 2025/26 Q1", "Value")]
    assert (reading.action, reading.old, reading.new, reading.who) == ("Created", "—", "72.5%", "officer.one")
    assert entries[0].at >= entries[-1].at  # newest first


def test_indicator_history_of_an_untouched_indicator_is_empty(db):
    assert indicator_history(db, _by_code(db)["S.1"].id) == []


# ---------------------------------------------------------------- plans


def _refused(demo_db, indicator_id, day, *, today=TODAY, **kwargs):
    readings_before, audit_before = _count(demo_db, IndicatorReading), _count(demo_db, AuditEvent)
    with pytest.raises(ValidationFailed) as caught:
        add_reading(demo_db, indicator_id, day, today=today, **kwargs)
    assert (_count(demo_db, IndicatorReading), _count(demo_db, AuditEvent)) == (readings_before, audit_before)
    return caught.value


def test_a_reading_for_a_month_before_the_plan_began_is_refused_naming_the_period(demo_db):
    row = _by_code(demo_db, NEW_PLAN)["1.1"]
    refused = _refused(demo_db, row.id, dt.date(2024, 3, 1), value="85")
    assert refused.fields == {"period_start"}
    assert "Mar 2024 is outside the Police and Crime Plan 2024–28 (1 Apr 2024 to 31 Mar 2028)" in str(refused)


def test_an_ended_plans_indicator_keeps_its_history_read_only(demo_db):
    row = _by_code(demo_db, OLD_PLAN)["1.6"]  # no successor in 2024–28
    assert row.read_only and not _by_code(demo_db, NEW_PLAN)["1.1"].read_only
    refused = _refused(demo_db, row.id, dt.date(2024, 3, 1), value="230")
    assert refused.fields == {"indicator"}
    assert "ended on 31 Mar 2024: its history is read-only" in str(refused)
    assert len(readings(demo_db, row.id)) == 8


def test_a_reading_for_an_indicator_of_another_plan_is_refused(demo_db):
    row = _by_code(demo_db, NEW_PLAN)["1.1"]
    refused = _refused(demo_db, row.id, dt.date(2025, 4, 1), value="85", plan_key=OLD_PLAN)
    assert refused.fields == {"indicator"}
    assert "1.1 Crimes with a victim initial needs assessment belongs to the Police and Crime Plan 2024–28" in str(refused)


def test_a_denominator_smaller_than_its_numerator_is_refused_naming_the_numerator(demo_db):
    row = _by_code(demo_db, NEW_PLAN)["1.1"]
    refused = _refused(demo_db, row.id, dt.date(2025, 4, 1), numerator="900", denominator="850")
    assert refused.fields == {"numerator"}
    assert "'900' is more than the denominator '850'" in str(refused)


def test_the_plan_in_force_is_the_default_and_a_carried_indicator_shows_its_whole_history(demo_db):
    assert {row.plan.key for row in list_indicators(demo_db, today=dt.date(2023, 6, 1))} == {OLD_PLAN}
    assert {row.plan.key for row in list_indicators(demo_db, today=dt.date(2025, 6, 1))} == {NEW_PLAN}
    homicides = _by_code(demo_db, NEW_PLAN)["S.1"]
    assert homicides.priority_heading == "Spotlight on Serious Violence"
    assert homicides.continues == "3.1 (Police and Crime Plan 2021–24)"
    history = readings(demo_db, homicides.id)
    assert len(history) == 36 and history[0].label == "Apr 2022" and history[-1].label == "Mar 2025"
    assert {(r.indicator_code, r.plan_key) for r in history[:24]} == {("3.1", OLD_PLAN)}
    assert {(r.indicator_code, r.plan_key) for r in history[24:]} == {("S.1", NEW_PLAN)}
    # The rolling 12 months of 2024/25 are judged against 2023/24, recorded under the old plan.
    assert homicides.rolling_12m == sum(r.value for r in history[24:])
    assert homicides.previous_12m == sum(r.value for r in history[12:24])
    new = _by_code(demo_db, NEW_PLAN)["1.8"]
    assert new.continues is None and len(readings(demo_db, new.id)) == 4
    with pytest.raises(UnknownPlanError):
        list_indicators(demo_db, plan_key="pcp-1999")
