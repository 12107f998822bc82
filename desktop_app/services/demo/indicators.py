"""Writing the demo indicator baselines and readings, April 2022 to March 2025.

Readings up to March 2024 go on the 2021–24 plan's indicators; from April 2024 on the 2024–28
plan's indicator that carries each one on (one series across the two plans), and nowhere for an
indicator that ended with its plan. The 2024–28 plan's new indicators start in April 2024.

Each indicator drifts from its 2021/22 baseline towards an end value, some the wanted way, some
flat, some the wrong way, so the status colours show green, amber and red. Rates come with
their numerator and denominator and the value is worked out from them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import random
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.core.vocabulary import Frequency, IndicatorUnit
from desktop_app.services.demo.register import YEARS
from desktop_app.store.models import Indicator, IndicatorReading, Plan

BASELINE_PERIOD = "2021/22"


@dataclass(frozen=True)
class _Profile:
    baseline: float  # per reading period (a month or a quarter)
    end: float  # where the series is heading by March 2025
    spread: float = 0.03  # relative noise on each reading
    denominator: int | None = None  # for rates: how many cases a reading is out of
    season: bool = False  # summer peak (anti-social behaviour)


# By indicator code. Comments say which way it goes relative to the wanted direction.
_PROFILES = {
    "1.1": _Profile(82.0, 88.5, 0.012, denominator=14_000),  # rising: good
    "1.2": _Profile(71.5, 71.0, 0.015),  # flat
    "1.3": _Profile(14.0, 12.2, 0.03, denominator=2_600),  # falling: bad
    "1.4": _Profile(28.0, 24.0, 0.03, denominator=1_100),  # falling: good
    "1.5": _Profile(1_850, 2_080, 0.03),  # rising: good
    "1.6": _Profile(215.0, 241.0, 0.02),  # slower: bad
    "1.7": _Profile(88.0, 88.4, 0.008, denominator=52_000),  # held: good
    "2.1": _Profile(31.0, 31.3, 0.015, denominator=3_800),  # flat
    "2.2": _Profile(6.5, 8.2, 0.05, denominator=1_100),  # rising: good
    "2.3": _Profile(45, 63, 0.08),  # rising: good
    "2.4": _Profile(6, 11, 0.2),  # rising: good
    "2.5": _Profile(95, 122, 0.06),  # monitor
    "2.6": _Profile(1_400, 1_660, 0.04),  # monitor
    "2.7": _Profile(18.5, 20.6, 0.04, denominator=700),  # rising: bad
    "3.1": _Profile(3, 2.4, 0.35),  # falling: good (small numbers)
    "3.2": _Profile(62, 53, 0.06),  # falling: good
    "3.3": _Profile(230, 205, 0.05),  # falling: good
    "3.4": _Profile(6_800, 5_650, 0.03, season=True),  # falling: good
    "3.5": _Profile(3_100, 2_840, 0.03),  # below baseline: good
    "3.6": _Profile(9.8, 11.4, 0.01),  # rising: good
    "3.7": _Profile(240, 266, 0.05),  # rising: bad
    "3.9": _Profile(310, 352, 0.06),  # monitor
    "4.1": _Profile(2_600, 3_900, 0.05),  # rising: good
    "4.2": _Profile(160, 174, 0.04),  # above baseline: bad
    "4.3": _Profile(85, 85.5, 0.04),  # flat
    "4.4": _Profile(31.5, 31.2, 0.02, denominator=600),  # flat
    "4.5": _Profile(310, 262, 0.04),  # falling: good
    "4.6": _Profile(520, 492, 0.04),  # falling: bad
}
# The 2024–28 plan's new indicators: one year of readings, their own first year the baseline.
_NEW_PROFILES = {
    "1.8": _Profile(7_400, 7_700, 0.02),  # rising: good
    "3.10": _Profile(48.0, 50.5, 0.015, denominator=1_200),  # rising: good
    "S.5": _Profile(14, 11, 0.2),  # falling: good (small numbers)
}
_NEW_BASELINE_PERIOD = "2024/25"
# Additional officers and staff since April 2021: a cumulative count climbing to the pledge.
_OFFICERS_CODE = "3.8"
_OFFICERS_BASELINE = 180
_OFFICERS_END = 752
_OFFICERS_BASELINE_PERIOD = "March 2022"

_NOTES = {
    ("1.6", -1): "Provisional: HMCTS figures for March are revised next quarter.",
    ("3.1", 8): "Includes one death now being treated as a homicide after review.",
    ("4.2", -1): "Provisional.",
}


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def reading_periods(frequency: Frequency) -> list[tuple[dt.date, dt.date]]:
    """First and last day of each month or quarter from April 2022 to March 2025."""
    if frequency is Frequency.QUARTERLY:
        return [(q.start, q.end) for year in YEARS for q in year.quarters()]
    periods = []
    for year in YEARS:
        for offset in range(12):
            month = 4 + offset
            first = dt.date(year.start_year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
            periods.append((first, _month_end(first)))
    return periods


def _round_for(unit: IndicatorUnit, value: float) -> float:
    if unit is IndicatorUnit.COUNT:
        return float(max(0, round(value)))
    if unit is IndicatorUnit.PERCENT:
        return min(100.0, max(0.0, round(value, 1)))
    return max(0.0, round(value, 1))


def _readings(rng: random.Random, indicator: Indicator, profile: _Profile) -> list[IndicatorReading]:
    periods = reading_periods(indicator.frequency)
    rows = []
    for n, (start, end) in enumerate(periods):
        progress = (n + 1) / len(periods)
        expected = profile.baseline + (profile.end - profile.baseline) * progress
        if profile.season:
            expected *= 1 + 0.12 * math.cos((start.month - 7) / 12 * 2 * math.pi)
        numerator = denominator = None
        if profile.denominator:
            denominator = max(1, round(profile.denominator * rng.gauss(1.0, 0.05)))
            share = expected * rng.gauss(1.0, profile.spread) / 100
            numerator = min(denominator, max(0, round(denominator * share)))
            value = round(100 * numerator / denominator, 1)
        else:
            noise = rng.gauss(0.0, profile.spread * expected)
            if indicator.unit is IndicatorUnit.COUNT:
                noise += rng.gauss(0.0, math.sqrt(max(expected, 0.0)) * 0.5)
            value = _round_for(indicator.unit, expected + noise)
        note = _NOTES.get((indicator.code, n)) or _NOTES.get((indicator.code, n - len(periods)), "")
        rows.append(
            IndicatorReading(
                period_start=start, period_end=end, value=value,
                numerator=numerator, denominator=denominator, note=note,
            )
        )
    return rows


def _officer_readings(indicator: Indicator) -> list[IndicatorReading]:
    periods = reading_periods(indicator.frequency)
    rows = []
    for n, (start, end) in enumerate(periods):
        progress = (n + 1) / len(periods)
        # Recruitment is fastest early on and slows as the pledge comes near.
        climbed = 1 - (1 - progress) ** 1.6
        value = float(round(_OFFICERS_BASELINE + (_OFFICERS_END - _OFFICERS_BASELINE) * climbed))
        rows.append(IndicatorReading(period_start=start, period_end=end, value=value, note=""))
    return rows


def _successors(session: Session) -> dict[int, Indicator]:
    later = session.scalars(select(Indicator).where(Indicator.continues_id.is_not(None))).all()
    return {indicator.continues_id: indicator for indicator in later}


def write_indicators(session: Session, rng: random.Random) -> int:
    """Baselines on every indicator and readings for each; returns the number of readings."""
    written = 0
    successors = _successors(session)
    first_plan = session.scalars(select(Plan).order_by(Plan.start)).first()
    plan_ends = first_plan.end if first_plan is not None else None
    for indicator in session.scalars(
        select(Indicator).where(Indicator.plan_id == first_plan.id).order_by(Indicator.code)
    ).all():
        if indicator.code == _OFFICERS_CODE:
            baseline, period = float(_OFFICERS_BASELINE), _OFFICERS_BASELINE_PERIOD
            rows = _officer_readings(indicator)
        else:
            profile = _PROFILES.get(indicator.code)
            if profile is None:  # an indicator added to the reference data after the demo
                continue
            baseline, period = _round_for(indicator.unit, profile.baseline), BASELINE_PERIOD
            rows = _readings(rng, indicator, profile)
        later = successors.get(indicator.id)
        for carried in (indicator, later):
            if carried is not None:
                carried.baseline_value, carried.baseline_period = baseline, period
        for row in rows:
            if row.period_start <= plan_ends:
                row.indicator = indicator
            elif later is not None:
                row.indicator = later
            else:
                continue  # the indicator ended with its plan
            session.add(row)
            written += 1
    for indicator in session.scalars(select(Indicator).where(Indicator.plan_id != first_plan.id)).all():
        profile = _NEW_PROFILES.get(indicator.code)
        if profile is None or indicator.continues_id is not None:
            continue
        rows = [row for row in _readings(rng, indicator, profile) if row.period_start > plan_ends]
        indicator.baseline_value = _round_for(indicator.unit, profile.baseline)
        indicator.baseline_period = _NEW_BASELINE_PERIOD
        for row in rows:
            row.indicator = indicator
            session.add(row)
        written += len(rows)
    return written
