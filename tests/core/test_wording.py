"""Counts in sentences agree with their nouns; dates read one way."""

import datetime as dt

import pytest

from desktop_app.core.wording import date_and_time, format_date, long_date, noun, panel_date, plural, time_on_date


def test_one_of_a_thing_is_singular_and_thousands_are_grouped():
    assert plural(1, "provider") == "1 provider"
    assert plural(0, "provider") == "0 providers"
    assert plural(2841, "return") == "2,841 returns"


def test_an_irregular_plural_can_be_given():
    assert plural(1, "strand of provision", "strands of provision") == "1 strand of provision"
    assert plural(3, "strand of provision", "strands of provision") == "3 strands of provision"


def test_a_noun_or_verb_alone_agrees_with_its_count():
    assert noun(1, "is", "are") == "is" and noun(2, "is", "are") == "are" and noun(0, "return") == "returns"


def test_dates_read_one_way_short_long_and_as_the_panel_report_writes_them():
    day = dt.date(2023, 4, 1)
    assert format_date(day) == "1 Apr 2023"
    assert long_date(day) == "1 April 2023"
    assert panel_date(day) == "1st April 2023"
    assert [panel_date(dt.date(2023, 3, n)) for n in (2, 3, 11, 12, 13, 21, 22, 23, 31)] == [
        "2nd March 2023", "3rd March 2023", "11th March 2023", "12th March 2023", "13th March 2023",
        "21st March 2023", "22nd March 2023", "23rd March 2023", "31st March 2023",
    ]


def test_a_moment_reads_with_its_time_and_a_datetime_counts_as_its_day():
    at = dt.datetime(2025, 4, 1, 9, 30)
    assert date_and_time(at) == "1 Apr 2025 09:30"
    assert time_on_date(at) == "09:30 on 1 April 2025"
    assert format_date(at) == "1 Apr 2025"


def test_something_that_is_not_a_date_is_refused_by_name():
    with pytest.raises(TypeError, match="expected a date, got str"):
        format_date("2023-04-01")
