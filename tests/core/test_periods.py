"""Financial years, half years and quarters as officers write and use them."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.core.periods import (
    FinancialYear,
    HalfYear,
    PeriodError,
    Quarter,
    parse_period,
    quarters_between,
)

FY22 = FinancialYear(2022)
FY23 = FinancialYear(2023)


# --- Financial years ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["2022/23", "2022-23", "2022/2023", "2022-2023", "  2022/23  ", "\t2022/23\n"])
def test_each_common_way_of_writing_a_year_is_understood(text: str) -> None:
    assert FinancialYear.parse(text) == FY22


def test_a_year_crossing_the_century_is_understood() -> None:
    assert FinancialYear.parse("1999/00") == FinancialYear(1999)
    assert FinancialYear(1999).label == "1999/00"
    assert FinancialYear.parse("2099/2100").label == "2099/00"


@pytest.mark.parametrize(
    "text", ["2022/24", "22/23", "", "   ", "2022", "2022/", "/23", "2022 / 23", "2022/23/24", "twenty22", "2022\\23"]
)
def test_a_mistyped_year_is_refused_with_a_message_naming_it(text: str) -> None:
    with pytest.raises(PeriodError) as caught:
        FinancialYear.parse(text)
    assert str(caught.value) == f"{text!r} is not a financial year: write it like 2022/23"


def test_a_year_written_in_other_scripts_digits_is_refused() -> None:
    # Arabic-Indic digits satisfy str.isdigit() and int(), but the label would not match the text.
    with pytest.raises(PeriodError):
        FinancialYear.parse("\u0662\u0660\u0662\u0662/23")


def test_period_errors_can_be_caught_as_value_errors() -> None:
    with pytest.raises(ValueError):
        FinancialYear.parse("nonsense")


def test_a_year_given_something_other_than_text_is_a_programming_error() -> None:
    with pytest.raises(TypeError):
        FinancialYear.parse(2022)  # type: ignore[arg-type]


def test_year_label_is_the_short_form_officers_write() -> None:
    assert FY22.label == "2022/23"
    assert str(FY22) == "2022/23"
    assert FinancialYear(2009).label == "2009/10"


def test_year_runs_from_1_april_to_31_march() -> None:
    assert FY22.start == dt.date(2022, 4, 1)
    assert FY22.end == dt.date(2023, 3, 31)


def test_31_march_belongs_to_the_year_that_is_ending() -> None:
    assert FinancialYear.containing(dt.date(2023, 3, 31)) == FY22
    assert FY22.contains(dt.date(2023, 3, 31))
    assert not FY23.contains(dt.date(2023, 3, 31))


def test_1_april_starts_the_new_year() -> None:
    assert FinancialYear.containing(dt.date(2023, 4, 1)) == FY23
    assert FY23.contains(dt.date(2023, 4, 1))
    assert not FY22.contains(dt.date(2023, 4, 1))


def test_a_datetime_is_placed_by_its_day() -> None:
    assert FinancialYear.containing(dt.datetime(2023, 3, 31, 23, 59)) == FY22
    assert FY22.contains(dt.datetime(2023, 3, 31, 23, 59))


def test_years_step_forward_and_back_and_sort_in_time_order() -> None:
    assert FY22.next() == FY23
    assert FY23.previous() == FY22
    assert sorted([FY23, FinancialYear(2021), FY22]) == [FinancialYear(2021), FY22, FY23]


def test_a_year_has_four_quarters_and_two_halves_in_order() -> None:
    assert [q.label for q in FY22.quarters()] == ["2022/23 Q1", "2022/23 Q2", "2022/23 Q3", "2022/23 Q4"]
    assert [h.label for h in FY22.halves()] == ["2022/23 H1", "2022/23 H2"]
    assert FY22.quarters()[0].start == FY22.start
    assert FY22.quarters()[-1].end == FY22.end


def test_years_can_be_used_as_dictionary_keys() -> None:
    totals = {FinancialYear.parse("2022/23"): 1}
    assert totals[FinancialYear.parse("2022-2023")] == 1


def test_a_year_outside_the_calendar_is_refused() -> None:
    with pytest.raises(PeriodError, match="9999 is not a financial year"):
        FinancialYear(9999)
    with pytest.raises(TypeError):
        FinancialYear("2022")  # type: ignore[arg-type]


# --- Quarters -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["2022/23 Q1", "2022/23-Q1", "2022/23Q1", "2022/23 q1", "2022-23 Q1", "2022/2023 Q1", " 2022/23 Q1 "]
)
def test_each_common_way_of_writing_a_quarter_is_understood(text: str) -> None:
    assert Quarter.parse(text) == Quarter(FY22, 1)


@pytest.mark.parametrize("text", ["Q1", "2022/23", "2022/23 Q", "2022/23 Quarter 1", "Q1 2022/23", "", "2022/23 H1"])
def test_a_mistyped_quarter_is_refused_with_a_message_naming_it(text: str) -> None:
    with pytest.raises(PeriodError) as caught:
        Quarter.parse(text)
    assert str(caught.value) == f"{text!r} is not a quarter: write it like 2022/23 Q1"


@pytest.mark.parametrize("text", ["2022/23 Q5", "2022/23 Q0"])
def test_a_quarter_number_past_four_is_refused(text: str) -> None:
    with pytest.raises(PeriodError) as caught:
        Quarter.parse(text)
    assert str(caught.value) == f"{text!r} is not a quarter: the quarter must be Q1 to Q4, e.g. 2022/23 Q1"


def test_a_quarter_in_a_mistyped_year_names_the_year() -> None:
    with pytest.raises(PeriodError) as caught:
        Quarter.parse("2022/24 Q1")
    assert "'2022/24 Q1' is not a quarter" in str(caught.value)
    assert "2022/24 is not a financial year" in str(caught.value)


def test_building_a_quarter_five_is_refused() -> None:
    with pytest.raises(PeriodError, match="Q5 is not a quarter"):
        Quarter(FY22, 5)
    with pytest.raises(TypeError):
        Quarter(2022, 1)  # type: ignore[arg-type]


def test_quarter_labels_for_screens_and_the_command_line() -> None:
    q = Quarter(FY22, 3)
    assert q.label == "2022/23 Q3"
    assert str(q) == "2022/23 Q3"
    assert q.cli_label == "2022/23-Q3"
    assert Quarter.parse(q.cli_label) == q


@pytest.mark.parametrize(
    ("number", "start", "end", "months"),
    [
        (1, dt.date(2022, 4, 1), dt.date(2022, 6, 30), "Apr–Jun"),
        (2, dt.date(2022, 7, 1), dt.date(2022, 9, 30), "Jul–Sep"),
        (3, dt.date(2022, 10, 1), dt.date(2022, 12, 31), "Oct–Dec"),
        (4, dt.date(2023, 1, 1), dt.date(2023, 3, 31), "Jan–Mar"),
    ],
)
def test_each_quarter_covers_its_three_months(number: int, start: dt.date, end: dt.date, months: str) -> None:
    q = Quarter(FY22, number)
    assert (q.start, q.end, q.months_label) == (start, end, months)


def test_quarter_four_falls_in_the_next_calendar_year() -> None:
    q4 = Quarter(FY22, 4)
    assert q4.start.year == 2023
    assert Quarter.containing(dt.date(2023, 1, 15)) == q4
    assert not Quarter(FinancialYear(2023), 4).contains(dt.date(2023, 1, 15))


def test_quarter_four_of_a_leap_year_includes_29_february() -> None:
    q4 = Quarter.parse("2023/24 Q4")
    assert q4.end == dt.date(2024, 3, 31)
    assert q4.contains(dt.date(2024, 2, 29))
    assert Quarter.containing(dt.date(2024, 2, 29)) == q4


def test_quarter_boundaries_on_31_march_and_1_april() -> None:
    assert Quarter.containing(dt.date(2023, 3, 31)) == Quarter(FY22, 4)
    assert Quarter.containing(dt.date(2023, 4, 1)) == Quarter(FY23, 1)
    assert Quarter.containing(dt.date(2022, 6, 30)) == Quarter(FY22, 1)
    assert Quarter.containing(dt.date(2022, 7, 1)) == Quarter(FY22, 2)


def test_every_day_of_a_year_is_in_exactly_one_of_its_quarters() -> None:
    day = FY23.start
    while day <= FY23.end:
        holders = [q for q in FY23.quarters() if q.contains(day)]
        assert holders == [Quarter.containing(day)]
        day += dt.timedelta(days=1)


def test_next_quarter_after_q4_is_q1_of_the_next_year() -> None:
    assert Quarter(FY22, 4).next() == Quarter(FY23, 1)
    assert Quarter(FY22, 2).next() == Quarter(FY22, 3)


def test_previous_quarter_before_q1_is_q4_of_the_previous_year() -> None:
    assert Quarter(FY23, 1).previous() == Quarter(FY22, 4)
    assert Quarter(FY22, 3).previous() == Quarter(FY22, 2)


def test_quarters_sort_in_time_order_across_years() -> None:
    shuffled = [Quarter(FY23, 1), Quarter(FY22, 4), Quarter(FY22, 1)]
    assert sorted(shuffled) == [Quarter(FY22, 1), Quarter(FY22, 4), Quarter(FY23, 1)]


def test_return_is_due_thirty_days_after_the_quarter_by_default() -> None:
    assert Quarter(FY22, 1).due_date() == dt.date(2022, 7, 30)
    assert Quarter(FY22, 3).due_date() == dt.date(2023, 1, 30)


def test_due_date_can_be_set_to_other_offsets() -> None:
    assert Quarter(FY22, 4).due_date(0) == dt.date(2023, 3, 31)
    assert Quarter(FY22, 4).due_date(1) == dt.date(2023, 4, 1)
    # 31 days after 31 December 2023 crosses into a leap-year February.
    assert Quarter.parse("2023/24 Q3").due_date(60) == dt.date(2024, 2, 29)


def test_a_negative_due_date_offset_is_refused_with_a_message_naming_it() -> None:
    with pytest.raises(PeriodError) as caught:
        Quarter(FY22, 1).due_date(-5)
    assert str(caught.value).startswith("-5 is not a number of days")


def test_each_quarter_knows_its_half_year() -> None:
    assert [q.half.number for q in FY22.quarters()] == [1, 1, 2, 2]
    assert Quarter(FY22, 4).half == HalfYear(FY22, 2)


def test_quarters_between_includes_both_ends_and_crosses_years() -> None:
    quarters = quarters_between(Quarter(FY22, 3), Quarter(FY23, 2))
    assert [q.label for q in quarters] == ["2022/23 Q3", "2022/23 Q4", "2023/24 Q1", "2023/24 Q2"]


def test_quarters_between_a_quarter_and_itself_is_that_quarter() -> None:
    assert quarters_between(Quarter(FY22, 2), Quarter(FY22, 2)) == [Quarter(FY22, 2)]


def test_quarters_between_in_the_wrong_order_says_which_comes_first() -> None:
    with pytest.raises(PeriodError) as caught:
        quarters_between(Quarter(FY23, 1), Quarter(FY22, 4))
    assert str(caught.value).startswith("2023/24 Q1 comes after 2022/23 Q4")


# --- Half years ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["2022/23 H1", "2022/23-H1", "2022/23H1", "2022-23 h1"])
def test_each_common_way_of_writing_a_half_year_is_understood(text: str) -> None:
    assert HalfYear.parse(text) == HalfYear(FY22, 1)


def test_a_third_half_is_refused_with_a_message_naming_it() -> None:
    with pytest.raises(PeriodError) as caught:
        HalfYear.parse("2022/23 H3")
    assert str(caught.value) == "'2022/23 H3' is not a half year: the half must be H1 or H2, e.g. 2022/23 H1"


def test_half_years_match_the_moj_monitoring_periods() -> None:
    h1, h2 = FY22.halves()
    assert (h1.start, h1.end, h1.months_label) == (dt.date(2022, 4, 1), dt.date(2022, 9, 30), "Apr–Sep")
    assert (h2.start, h2.end, h2.months_label) == (dt.date(2022, 10, 1), dt.date(2023, 3, 31), "Oct–Mar")
    assert h2.label == "2022/23 H2"
    assert h2.cli_label == "2022/23-H2"


def test_a_half_year_adds_up_two_quarters() -> None:
    assert HalfYear(FY22, 1).quarters() == (Quarter(FY22, 1), Quarter(FY22, 2))
    assert HalfYear(FY22, 2).quarters() == (Quarter(FY22, 3), Quarter(FY22, 4))


def test_half_years_step_across_year_boundaries() -> None:
    assert HalfYear(FY22, 2).next() == HalfYear(FY23, 1)
    assert HalfYear(FY23, 1).previous() == HalfYear(FY22, 2)
    assert HalfYear.containing(dt.date(2023, 3, 31)) == HalfYear(FY22, 2)
    assert HalfYear.containing(dt.date(2023, 4, 1)) == HalfYear(FY23, 1)


# --- Any period ---------------------------------------------------------------------------------


def test_parse_period_chooses_year_half_or_quarter_by_form() -> None:
    assert parse_period("2022/23") == FY22
    assert parse_period("2022/23 H2") == HalfYear(FY22, 2)
    assert parse_period("2022/23-Q4") == Quarter(FY22, 4)


def test_parse_period_gives_the_quarter_message_for_a_bad_quarter() -> None:
    with pytest.raises(PeriodError, match="'2022/23 Q7' is not a quarter"):
        parse_period("2022/23 Q7")


def test_parse_period_gives_the_year_message_for_a_bad_year() -> None:
    with pytest.raises(PeriodError, match="'2022/24' is not a financial year"):
        parse_period("2022/24")


@pytest.mark.parametrize("text", ["", "last year", "April 2022", "2022"])
def test_parse_period_refuses_other_text_listing_the_forms_it_takes(text: str) -> None:
    with pytest.raises(PeriodError) as caught:
        parse_period(text)
    message = str(caught.value)
    assert message.startswith(f"{text!r} is not a period")
    assert "2022/23" in message and "2022/23 H1" in message and "2022/23 Q1" in message
