"""Reading values: what each unit accepts, parts, messages that name the field and value."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.core.indicator_values import (
    MissingValueError,
    NotANumberError,
    NotWholeError,
    OutOfRangeError,
    PartsMismatchError,
    ReadingValueError,
    TooPreciseError,
    check_value,
    check_whole,
    decimal_places,
    derive_value,
    format_value,
    parse_number,
    period_label,
    reading_period,
    validate_reading,
)
from desktop_app.core.vocabulary import Frequency, IndicatorUnit

PERCENT, COUNT, DAYS, RATE = IndicatorUnit.PERCENT, IndicatorUnit.COUNT, IndicatorUnit.DAYS, IndicatorUnit.RATE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.5", 12.5),
        ("1,234", 1234.0),
        ("12.5%", 12.5),
        (" 7 ", 7.0),
        ("1,234,567.5", 1234567.5),
        (".5", 0.5),
        ("\u22123", -3.0),
        ("-0", 0.0),
        ("", None),
        ("   ", None),
    ],
)
def test_typed_numbers_are_read(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["abc", "1,23", "12..5", "1.2.3", "%", "12 5", "١٢"])
def test_text_that_is_not_a_number_is_refused_naming_it(text):
    with pytest.raises(NotANumberError, match=f"Value '{text.strip()}' is not a number"):
        parse_number(text)


def test_a_formula_is_refused_as_a_formula():
    with pytest.raises(NotANumberError, match="formula"):
        parse_number("=A1*2")


def test_percent_over_100_names_the_value():
    with pytest.raises(OutOfRangeError) as caught:
        check_value(PERCENT, "101")
    assert str(caught.value) == "Value '101' is more than 100%"
    assert caught.value.field == "Value"


@pytest.mark.parametrize(("value", "expected"), [("0", 0.0), ("100", 100.0), ("99.9", 99.9), (82, 82.0), ("45.0%", 45.0)])
def test_percent_from_0_to_100_with_one_decimal(value, expected):
    assert check_value(PERCENT, value) == expected


def test_percent_with_two_decimals_is_refused_with_a_rounded_suggestion():
    with pytest.raises(TooPreciseError, match=r"Value '12.34' has more than one decimal place.*12.3"):
        check_value(PERCENT, "12.34")
    with pytest.raises(TooPreciseError):
        check_value(PERCENT, 12.34)


@pytest.mark.parametrize("unit", list(IndicatorUnit))
def test_negative_figures_are_refused_for_every_unit(unit):
    with pytest.raises(OutOfRangeError, match="Value '-1' cannot be negative"):
        check_value(unit, "-1")


def test_counts_are_whole():
    assert check_value(COUNT, "1,234") == 1234.0
    assert check_value(COUNT, "12.0") == 12.0
    with pytest.raises(NotWholeError, match="Value '12.5' is not a whole number"):
        check_value(COUNT, "12.5")


def test_days_allow_one_decimal_and_rates_any():
    assert check_value(DAYS, "215.5") == 215.5
    with pytest.raises(TooPreciseError):
        check_value(DAYS, "215.55")
    assert check_value(RATE, "3.257") == 3.257


def test_a_percent_sign_on_a_count_is_refused():
    with pytest.raises(OutOfRangeError, match="percentage.*a count"):
        check_value(COUNT, "12%")


def test_a_blank_value_is_missing():
    with pytest.raises(MissingValueError, match="Value is needed"):
        check_value(PERCENT, " ")


def test_the_field_name_is_used_in_messages():
    with pytest.raises(ReadingValueError, match="Baseline '120' is more than 100%") as caught:
        check_value(PERCENT, "120", "Baseline")
    assert caught.value.field == "Baseline"


def test_errors_are_value_errors():
    assert issubclass(ReadingValueError, ValueError)


def test_a_percentage_is_worked_out_from_its_parts():
    checked = validate_reading(PERCENT, None, "1,150", "14,000")
    assert (checked.value, checked.numerator, checked.denominator) == (8.2, 1150, 14000)
    assert derive_value(PERCENT, 1, 3) == 33.3
    assert derive_value(PERCENT, 2, 3) == 66.7
    assert derive_value(PERCENT, 1, 8) == 12.5


def test_a_rate_is_per_thousand():
    assert validate_reading(RATE, None, 13, 4000).value == 3.25


def test_value_and_parts_must_agree():
    assert validate_reading(PERCENT, "30", 12, 40).value == 30.0
    with pytest.raises(PartsMismatchError, match=r"Value '50' does not match 12 out of 40 \(30.0%\)"):
        validate_reading(PERCENT, "50", 12, 40)


def test_parts_come_in_pairs():
    with pytest.raises(MissingValueError) as caught:
        validate_reading(PERCENT, None, 12, None)
    assert caught.value.field == "Denominator"
    with pytest.raises(MissingValueError) as caught:
        validate_reading(PERCENT, None, "", "40")
    assert caught.value.field == "Numerator"


@pytest.mark.parametrize(
    ("numerator", "denominator", "error", "field", "words"),
    [
        ("-1", 40, OutOfRangeError, "Numerator", "Numerator '-1' must be 0 or more"),
        (1, "0", OutOfRangeError, "Denominator", "Denominator '0' must be more than 0"),
        ("1.5", 40, NotWholeError, "Numerator", "Numerator '1.5' is not a whole number"),
        (50, 40, PartsMismatchError, "Numerator", "Numerator '50' is more than the denominator '40'"),
    ],
)
def test_bad_parts_are_refused_naming_the_field(numerator, denominator, error, field, words):
    with pytest.raises(error, match=words) as caught:
        validate_reading(PERCENT, None, numerator, denominator)
    assert caught.value.field == field


def test_counts_and_days_take_no_parts():
    with pytest.raises(PartsMismatchError, match="count"):
        validate_reading(COUNT, None, 1, 2)
    with pytest.raises(PartsMismatchError, match="days"):
        validate_reading(DAYS, None, 1, 2)


def test_nothing_at_all_is_missing():
    with pytest.raises(MissingValueError):
        validate_reading(PERCENT)


def test_a_rate_numerator_may_exceed_its_denominator():
    assert validate_reading(RATE, None, 5, 2).value == 2500.0


def test_check_whole_takes_text_and_numbers():
    assert check_whole("1,234", "Numerator") == 1234
    assert check_whole(12.0, "Numerator") == 12
    with pytest.raises(NotANumberError):
        check_whole("5%", "Numerator")


def test_decimal_places_per_unit_for_the_form():
    assert [decimal_places(u) for u in (PERCENT, COUNT, DAYS, RATE)] == [1, 0, 1, None]


def test_figures_are_written_for_people():
    assert format_value(COUNT, 1850.0) == "1,850"
    assert format_value(PERCENT, 82.0) == "82.0%"
    assert format_value(DAYS, 215.0) == "215.0 days"
    assert format_value(RATE, 3.25) == "3.25"
    assert format_value(COUNT, None) == ""


def test_a_date_inside_the_month_or_quarter_is_enough():
    assert reading_period(Frequency.MONTHLY, dt.date(2024, 2, 14)) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert reading_period(Frequency.QUARTERLY, dt.date(2025, 2, 14)) == (dt.date(2025, 1, 1), dt.date(2025, 3, 31))
    assert reading_period("monthly", dt.datetime(2024, 12, 31, 23, 0)) == (dt.date(2024, 12, 1), dt.date(2024, 12, 31))


def test_periods_are_named_as_officers_write_them():
    assert period_label(dt.date(2025, 3, 1), dt.date(2025, 3, 31)) == "Mar 2025"
    assert period_label(dt.date(2025, 1, 1), dt.date(2025, 3, 31)) == "2024/25 Q4"
    assert period_label(dt.date(2024, 1, 1), dt.date(2024, 1, 15)) == "1 Jan 2024 – 15 Jan 2024"


@pytest.mark.parametrize("unit", ["count", "days", "rate"])
def test_a_figure_past_a_billion_is_refused_for_every_unit_and_the_billion_itself_is_not(unit):
    assert check_value(unit, "1,000,000,000") == 1e9
    for typed in ("1,000,000,001", "99999999999999999999", 2**63, 1e308, "9" * 5000):
        with pytest.raises(OutOfRangeError, match=r"is more than any indicator figure could be \(at most 1,000,000,000\)"):
            check_value(unit, typed)


def test_parts_past_a_billion_are_refused_naming_the_part():
    with pytest.raises(OutOfRangeError) as caught:
        validate_reading("percent", numerator=str(2**63), denominator=str(2**64))
    assert caught.value.field == "Numerator"
    with pytest.raises(OutOfRangeError) as caught:
        validate_reading("rate", numerator="5", denominator="99999999999999999999")
    assert caught.value.field == "Denominator"
    assert validate_reading("rate", numerator=5, denominator=1_000_000_000).denominator == 1_000_000_000
