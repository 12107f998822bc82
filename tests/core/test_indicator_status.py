"""Status against baseline for every direction: at, just inside and just outside the tolerance."""

from __future__ import annotations

import pytest

from desktop_app.core.indicator_status import Status, indicator_status
from desktop_app.core.vocabulary import Direction

GREEN, AMBER, RED = Status.GREEN, Status.AMBER, Status.RED

# Baseline 100 with the default 2% tolerance: the band is 2 either side.
CASES = {
    Direction.INCREASE: [
        (102.1, GREEN),  # just outside, the wanted way
        (102.0, AMBER),  # exactly at the band: not beyond it
        (101.9, AMBER),  # just inside
        (100.0, AMBER),
        (98.1, AMBER),
        (98.0, AMBER),
        (97.9, RED),  # just outside, the wrong way
    ],
    Direction.DECREASE: [
        (97.9, GREEN),
        (98.0, AMBER),
        (98.1, AMBER),
        (100.0, AMBER),
        (101.9, AMBER),
        (102.0, AMBER),
        (102.1, RED),
    ],
    Direction.MAINTAIN: [
        (110.0, GREEN),
        (100.1, GREEN),
        (100.0, GREEN),  # held exactly: maintained
        (99.9, AMBER),
        (98.1, AMBER),
        (98.0, AMBER),  # exactly at the band below
        (97.9, RED),
    ],
    Direction.BELOW_BASELINE: [
        (90.0, GREEN),
        (99.9, GREEN),
        (100.0, GREEN),  # at the baseline is still "not above it"
        (100.1, AMBER),
        (101.9, AMBER),
        (102.0, AMBER),  # exactly at the band above
        (102.1, RED),
    ],
}


@pytest.mark.parametrize(
    ("direction", "latest", "expected"),
    [(d, latest, expected) for d, cases in CASES.items() for latest, expected in cases],
)
def test_each_direction_is_judged_against_the_tolerance_band(direction, latest, expected):
    result = indicator_status(direction, 100.0, latest, 2.0)
    assert result.status is expected
    assert result.words == expected.words


def test_the_words_say_what_the_colours_mean():
    assert [s.words for s in (GREEN, AMBER, RED, Status.MONITOR)] == [
        "Improving",
        "Within tolerance",
        "Worsening",
        "Monitor only",
    ]
    assert Status.GREEN.has_colour and not Status.MONITOR.has_colour and not Status.NO_DATA.has_colour


@pytest.mark.parametrize("latest", [None, 0.0, 50.0, 100.0, 500.0])
def test_monitor_indicators_have_no_colour_whatever_the_figures(latest):
    result = indicator_status(Direction.MONITOR, 100.0, latest, 2.0)
    assert result.status is Status.MONITOR
    assert result.words == "Monitor only"


def test_monitor_still_reports_the_change():
    result = indicator_status("monitor", 80, 100, 2)
    assert result.change == 20.0 and result.change_pct == 25.0


@pytest.mark.parametrize("direction", [d for d in Direction if d is not Direction.MONITOR])
def test_no_reading_yet_is_no_data(direction):
    result = indicator_status(direction, 100.0, None, 2.0)
    assert result.status is Status.NO_DATA
    assert result.words == "No reading yet"
    assert result.change is None and result.change_pct is None


@pytest.mark.parametrize("direction", [d for d in Direction if d is not Direction.MONITOR])
def test_no_baseline_is_no_data_saying_so(direction):
    result = indicator_status(direction, None, 42.0, 2.0)
    assert result.status is Status.NO_DATA
    assert result.words == "No baseline"
    assert result.change is None


def test_a_zero_baseline_has_a_change_but_no_percentage():
    result = indicator_status(Direction.INCREASE, 0, 3, 2.0)
    assert result.change == 3.0
    assert result.change_pct is None
    assert result.status is GREEN


def test_a_zero_baseline_has_no_band():
    assert indicator_status(Direction.INCREASE, 0, 0, 2.0).status is AMBER
    assert indicator_status(Direction.DECREASE, 0, 1, 2.0).status is RED
    assert indicator_status(Direction.BELOW_BASELINE, 0, 0, 2.0).status is GREEN
    assert indicator_status(Direction.BELOW_BASELINE, 0, 0.1, 2.0).status is RED
    assert indicator_status(Direction.MAINTAIN, 0, 0, 2.0).status is GREEN


def test_change_and_percentage_against_the_baseline():
    result = indicator_status(Direction.DECREASE, 240, 180, 2)
    assert result.change == -60.0
    assert result.change_pct == -25.0


def test_a_reading_exactly_at_an_awkward_band_is_amber_despite_float_rounding():
    # 2% of 82.0 is 1.64, and 83.64 - 82.0 is 1.6400000000000006 in binary floats.
    assert indicator_status(Direction.INCREASE, 82.0, 83.64, 2.0).status is AMBER
    assert indicator_status(Direction.INCREASE, 82.0, 83.65, 2.0).status is GREEN
    assert indicator_status(Direction.DECREASE, 82.0, 80.36, 2.0).status is AMBER
    assert indicator_status(Direction.DECREASE, 82.0, 80.35, 2.0).status is GREEN


def test_a_wider_tolerance_widens_amber():
    assert indicator_status(Direction.INCREASE, 100, 104, 2).status is GREEN
    assert indicator_status(Direction.INCREASE, 100, 104, 5).status is AMBER
    assert indicator_status(Direction.INCREASE, 100, 100.1, 0).status is GREEN


def test_direction_may_be_given_as_its_stored_text():
    assert indicator_status("below_baseline", 100, 103, 2).status is RED


def test_a_negative_tolerance_is_a_mistake():
    with pytest.raises(ValueError, match="tolerance"):
        indicator_status(Direction.INCREASE, 100, 101, -1)


def test_not_a_number_is_refused():
    with pytest.raises(ValueError):
        indicator_status(Direction.INCREASE, 100, float("nan"), 2)
    with pytest.raises(TypeError):
        indicator_status(Direction.INCREASE, 100, "101", 2)
