"""Counts read from returns and written back for officers."""

from __future__ import annotations

import pytest

from desktop_app.core.numbers import (
    CountTooLarge,
    CountError,
    format_change,
    format_count,
    format_percent,
    parse_count,
)


@pytest.mark.parametrize(
    ("text", "count"),
    [("1,234", 1234), (" 12 ", 12), ("0", 0), ("90793", 90793), ("1,234,567", 1234567), ("12.0", 12), ("12.00", 12)],
)
def test_counts_typed_or_pasted_from_spreadsheets_are_read(text: str, count: int) -> None:
    assert parse_count(text) == count


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_a_blank_count_means_not_collected_rather_than_zero(text: str) -> None:
    assert parse_count(text) is None
    assert parse_count("0") == 0


def test_a_negative_count_is_refused_saying_it_cannot_be_negative() -> None:
    with pytest.raises(CountError) as caught:
        parse_count("-3")
    assert str(caught.value) == "'-3' cannot be negative: enter a count of 0 or more, e.g. 1,234"


def test_minus_zero_is_read_as_zero() -> None:
    assert parse_count("-0") == 0


@pytest.mark.parametrize("text", ["1.5", "12.50", "0.1"])
def test_a_fraction_is_refused_as_not_a_whole_number(text: str) -> None:
    with pytest.raises(CountError) as caught:
        parse_count(text)
    assert str(caught.value).startswith(f"{text!r} is not a whole number: ")


@pytest.mark.parametrize("text", ["1,23", "12,34", "1234,567"])
def test_misplaced_thousands_separators_are_refused(text: str) -> None:
    with pytest.raises(CountError) as caught:
        parse_count(text)
    assert str(caught.value) == (
        f"{text!r} is not a whole number: put commas only between groups of three digits, e.g. 1,234"
    )


@pytest.mark.parametrize("text", ["=SUM(A1)", "=A1+A2", " =1"])
def test_a_pasted_formula_is_refused_saying_formulas_are_not_accepted(text: str) -> None:
    with pytest.raises(CountError) as caught:
        parse_count(text)
    message = str(caught.value)
    assert message.startswith(f"{text!r} is a formula")
    assert "formulas are not accepted" in message


@pytest.mark.parametrize("text", ["abc", "12 people", "1e3", "N/A", "\u0661\u0662", "1 234", "+5"])
def test_other_text_is_refused_with_a_message_naming_it(text: str) -> None:
    with pytest.raises(CountError) as caught:
        parse_count(text)
    assert str(caught.value).startswith(f"{text!r} is not a whole number: enter a count like 1,234")


@pytest.mark.parametrize("value", [None, 12, 12.0])
def test_reading_anything_but_text_is_a_programming_error(value: object) -> None:
    with pytest.raises(TypeError):
        parse_count(value)  # type: ignore[arg-type]


def test_counts_are_written_with_thousands_separators() -> None:
    assert format_count(90793) == "90,793"
    assert format_count(0) == "0"
    assert format_count(-1234) == "-1,234"
    assert format_count(None) == ""


def test_written_counts_read_back_to_the_same_number() -> None:
    for n in (0, 7, 999, 1000, 90793, 1234567):
        assert parse_count(format_count(n)) == n
    assert parse_count(format_count(None)) is None


def test_formatting_a_float_or_bool_count_is_a_programming_error() -> None:
    with pytest.raises(TypeError):
        format_count(12.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        format_count(True)


def test_changes_show_their_direction_but_no_change_has_no_sign() -> None:
    assert format_change(1234) == "+1,234"
    assert format_change(-56) == "-56"
    assert format_change(0) == "0"


def test_percentages_are_rounded_to_the_places_asked_for() -> None:
    assert format_percent(12.345) == "12.3%"
    assert format_percent(12.36) == "12.4%"
    assert format_percent(50, 0) == "50%"
    assert format_percent(2 / 3 * 100, 2) == "66.67%"
    assert format_percent(100.0) == "100.0%"


def test_a_tiny_fall_does_not_show_as_minus_zero_percent() -> None:
    assert format_percent(-0.04) == "0.0%"
    assert format_percent(-0.05, 2) == "-0.05%"


def test_a_percentage_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(ValueError):
        format_percent(float("nan"))
    with pytest.raises(ValueError):
        format_percent(float("inf"))
    with pytest.raises(ValueError):
        format_percent(1.0, -1)


def test_thousands_of_digits_are_refused_as_too_large_without_python_refusing_to_read_them() -> None:
    with pytest.raises(CountTooLarge, match=r"is a 5,000-digit number, far more than any count") as caught:
        parse_count("9" * 5000)
    assert caught.value.digits == 5000 and len(str(caught.value)) < 120
    assert parse_count("0" * 200 + "12") == 12  # leading zeros are not digits of the count
    with pytest.raises(CountError, match="cannot be negative"):
        parse_count("-" + "9" * 5000)
