"""The claim and payment rules: money as officers type it, dates within the quarter, no overpaying."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.core.claims import check_claim_date, check_payment, over_allocation, read_claim_figures, read_money
from desktop_app.core.periods import Quarter

CATEGORIES = {"staff": "Staff costs", "overheads": "Overheads"}
Q1 = Quarter.parse("2024/25 Q1")


@pytest.mark.parametrize(
    ("typed", "pence"), [("£1,234.56", 123_456), ("1234.56", 123_456), ("1234", 123_400), (" £0.5 ", 50), (1500, 1500)]
)
def test_money_is_read_to_the_penny_as_officers_type_it(typed, pence):
    assert read_money(typed, "amounts.staff", "Staff costs") == (pence, None)


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("12.345", "use at most two decimal places"),
        ("-5", "cannot be negative"),
        ("ten pounds", "is not an amount of money"),
        ("1,23", "commas only between groups of three"),
        (12.5, "as text or whole pence"),
    ],
)
def test_bad_money_is_refused_naming_the_category(typed, words):
    pence, error = read_money(typed, "amounts.staff", "Staff costs")
    assert pence is None
    assert error.field == "amounts.staff"
    assert error.message.startswith("Staff costs: ") and words in error.message


def test_a_claim_adds_up_its_categories_and_keeps_its_forecast():
    figures, errors = read_claim_figures({"staff": "£1,000.00", "overheads": "250.50"}, CATEGORIES, "3000")
    assert errors == []
    assert figures.amounts == {"staff": 100_000, "overheads": 25_050}
    assert figures.total_pence == 125_050 and figures.forecast_remaining_pence == 300_000


def test_a_claim_of_nothing_or_an_unknown_category_is_refused():
    _, nothing = read_claim_figures({"staff": "", "overheads": "0"}, CATEGORIES, "")
    assert [e.field for e in nothing] == ["amounts.staff"] and "£0 claims nothing" in nothing[0].message
    _, unknown = read_claim_figures({"catering": "10"}, CATEGORIES, "")
    assert unknown[0].field == "amounts.catering" and "not an expenditure category" in unknown[0].message


def test_a_claim_dated_outside_its_quarter_is_refused():
    assert check_claim_date(Q1, dt.date(2024, 6, 30)) == []
    [error] = check_claim_date(Q1, dt.date(2024, 7, 1))
    assert error.field == "claim_date"
    assert error.message.startswith("The claim is dated 1 Jul 2024, outside 2024/25 Q1 (1 Apr 2024 to 30 Jun 2024)")


def test_over_allocation_is_what_passes_the_years_remainder():
    assert over_allocation(100, allocated_pence=1000, claimed_before_pence=900) == 0
    assert over_allocation(150, allocated_pence=1000, claimed_before_pence=900) == 50


def test_a_payment_needs_an_approved_claim_and_may_not_pass_what_is_unpaid():
    common = dict(claim_total_pence=10_000, paid_before_pence=4_000, claim_date=dt.date(2024, 6, 30))
    assert check_payment("£60.00", dt.date(2024, 7, 20), approved=True, **common) == (6_000, [])
    _, over = check_payment("60.01", dt.date(2024, 7, 20), approved=True, **common)
    assert [e.field for e in over] == ["amount"]
    assert "£60.01 is more than the approved claim leaves unpaid (£60.00 of £100.00)" in over[0].message
    _, unapproved = check_payment("10", dt.date(2024, 7, 20), approved=False, **common)
    assert [e.field for e in unapproved] == ["status"]
    _, early = check_payment("10", dt.date(2024, 6, 1), approved=True, **common)
    assert [e.field for e in early] == ["paid_on"]
