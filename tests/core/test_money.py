"""Amounts of money read from what officers type, and written back as pounds."""

from __future__ import annotations

import pytest

from desktop_app.core.money import (
    MoneyError,
    format_pence,
    format_pence_short,
    parse_pence,
    pounds_to_pence,
)

# --- Reading amounts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("£1,234.56", 123456),
        ("1234.5", 123450),
        ("1,234", 123400),
        (" £ 14,000,000 ", 1400000000),
        ("0.05", 5),
        (".50", 50),
        ("0", 0),
        ("£0.00", 0),
        ("\u00a0£250\u00a0", 25000),
    ],
)
def test_amounts_typed_in_the_usual_ways_are_read_to_the_penny(text: str, pence: int) -> None:
    assert parse_pence(text) == pence


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("£14m", 1400000000),
        ("£2.5m", 250000000),
        ("250k", 25000000),
        ("250K", 25000000),
        ("£14M", 1400000000),
        ("1.5 k", 150000),
        ("£1.23456m", 123456000),
        ("£1.2345k", 123450),
    ],
)
def test_thousands_and_millions_shorthand_is_read(text: str, pence: int) -> None:
    assert parse_pence(text) == pence


def test_decimal_arithmetic_keeps_amounts_exact_where_floats_would_not() -> None:
    # float("0.29") * 100 == 28.999999999999996
    assert parse_pence("0.29") == 29
    assert parse_pence("£1,000,000.10") == 100000010


def test_more_than_two_decimal_places_is_refused_with_a_message_naming_the_text() -> None:
    with pytest.raises(MoneyError) as caught:
        parse_pence("1.234")
    assert str(caught.value) == "'1.234' is not an amount of money: use at most two decimal places, e.g. £1,234.56"


def test_shorthand_finer_than_a_penny_is_refused() -> None:
    with pytest.raises(MoneyError, match=r"'£1.234567k' is not an amount of money: .*whole number of pence"):
        parse_pence("£1.234567k")


@pytest.mark.parametrize("text", ["1,23,4", "12,34", "1234,567", ",123", "1,,234"])
def test_misplaced_thousands_separators_are_refused(text: str) -> None:
    with pytest.raises(MoneyError) as caught:
        parse_pence(text)
    assert str(caught.value).startswith(f"{text!r} is not an amount of money: put commas only between groups")


@pytest.mark.parametrize(
    "text", ["", "   ", "£", "abc", "12abc", "£12.3.4", "NaN", "inf", "Infinity", "1e5", "£14bn", "$5", "5£", "k", "1."]
)
def test_text_that_is_not_money_is_refused_with_a_message_naming_it(text: str) -> None:
    with pytest.raises(MoneyError) as caught:
        parse_pence(text)
    assert str(caught.value).startswith(f"{text!r} is not an amount of money: ")
    assert "£1,234.56" in str(caught.value)


@pytest.mark.parametrize("value", [12.5, None, 1250, b"12.50", True])
def test_anything_but_text_is_a_programming_error(value: object) -> None:
    with pytest.raises(TypeError):
        parse_pence(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["-£5", "-5", "£-5", "\u2212£5"])
def test_negative_amounts_are_refused_unless_allowed(text: str) -> None:
    with pytest.raises(MoneyError) as caught:
        parse_pence(text)
    assert str(caught.value).startswith(f"{text!r} is not an amount of money: it cannot be negative")
    assert parse_pence(text, allow_negative=True) == -500


def test_minus_zero_is_just_zero() -> None:
    assert parse_pence("-0.00") == 0


def test_a_double_minus_is_refused_even_when_negatives_are_allowed() -> None:
    with pytest.raises(MoneyError):
        parse_pence("--5", allow_negative=True)
    with pytest.raises(MoneyError):
        parse_pence("(5.00)", allow_negative=True)


# --- Writing amounts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pence", "text"),
    [
        (123456, "£1,234.56"),
        (0, "£0.00"),
        (5, "£0.05"),
        (-500, "-£5.00"),
        (-1, "-£0.01"),
        (1400000000, "£14,000,000.00"),
    ],
)
def test_amounts_are_written_in_pounds_and_pence(pence: int, text: str) -> None:
    assert format_pence(pence) == text


@pytest.mark.parametrize(
    ("pence", "text"),
    [
        (1400000000, "£14,000,000"),
        (123449, "£1,234"),
        (123450, "£1,235"),
        (123499, "£1,235"),
        (49, "£0"),
        (50, "£1"),
        (-50, "-£1"),
        (-149, "-£1"),
        (-150, "-£2"),
        (-49, "£0"),
    ],
)
def test_whole_pound_amounts_round_half_away_from_zero(pence: int, text: str) -> None:
    assert format_pence(pence, show_pence=False) == text


def test_formatted_amounts_read_back_to_the_same_pence() -> None:
    for pence in (0, 1, 99, 100, 123456, 1400000000, 999999999):
        assert parse_pence(format_pence(pence)) == pence


@pytest.mark.parametrize("value", [12.5, True, None, "100"])
def test_formatting_anything_but_integer_pence_is_a_programming_error(value: object) -> None:
    with pytest.raises(TypeError):
        format_pence(value)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        format_pence_short(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("pence", "text"),
    [
        (1400000000, "£14.0m"),
        (250000000, "£2.5m"),
        (25000000, "£250k"),
        (99900, "£999"),
        (0, "£0"),
        (100000, "£1k"),
        (99949, "£999"),
        (99950, "£1k"),  # £999.50 rounds up to £1,000: shown as £1k, never "£1000"
        (99_950_000, "£1.0m"),  # £999,500 rounds up to £1,000k: shown as £1.0m
        (125_000_000_000, "£1,250.0m"),
        (-250000000, "-£2.5m"),
        (-40, "£0"),
    ],
)
def test_chart_labels_use_short_amounts(pence: int, text: str) -> None:
    assert format_pence_short(pence) == text


def test_whole_pounds_convert_to_pence() -> None:
    assert pounds_to_pence(14) == 1400
    assert pounds_to_pence(0) == 0
    with pytest.raises(TypeError):
        pounds_to_pence(14.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        pounds_to_pence(True)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    ["99999999999999999999", str(2**63), str(2**63 - 1), "£20,000,000.01", "£21m", "25000k", "9" * 5000],
    ids=["20 nines", "2**63", "2**63-1", "a penny over", "£21m", "25000k", "5000 nines"],
)
def test_an_amount_above_any_grant_is_refused_saying_the_ceiling(text: str) -> None:
    with pytest.raises(MoneyError) as caught:
        parse_pence(text)
    assert str(caught.value).endswith("is more than any one amount here can be (at most £20,000,000.00); check the figure")
    with pytest.raises(MoneyError):
        parse_pence("-" + text, allow_negative=True)


def test_the_money_ceiling_itself_is_accepted() -> None:
    assert parse_pence("£20m") == 2_000_000_000
    assert parse_pence("£20,000,000.00") == 2_000_000_000
