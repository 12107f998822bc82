"""Breakdowns through the one validation engine: categories add up to the measure's total."""

from __future__ import annotations

import datetime as dt

from desktop_app.core.catalogue import (
    BreakdownCategoryDefinition,
    BreakdownDefinition,
    CatalogueRule,
    MeasureDefinition,
)
from desktop_app.core.return_checks import (
    BREAKDOWN_OVER,
    BREAKDOWN_SHORT,
    BREAKDOWN_WITHOUT_TOTAL,
    NOT_A_NUMBER,
    RULE_BROKEN,
    UNKNOWN_CATEGORY,
    ReturnChecker,
    blocking,
)
from desktop_app.core.rules import parse_rule

SEX = BreakdownDefinition(
    key="sex",
    label="Sex",
    categories=(
        BreakdownCategoryDefinition("female", "Female"),
        BreakdownCategoryDefinition("male", "Male"),
        BreakdownCategoryDefinition("not_known", "Not known"),
    ),
)


def _measure(key: str, label: str, order: int, breakdowns: tuple[str, ...] = ()) -> MeasureDefinition:
    return MeasureDefinition(
        key=key, label=label, short_label=key[:12], group="Outputs", unit="victims", help_text="",
        valid_from=dt.date(2018, 4, 1), valid_to=None, order=order, breakdowns=breakdowns,
    )


MEASURES = (
    _measure("victims_supported", "Victims supported", 10, ("sex",)),
    _measure("victims_closed", "Victims who left the service", 15),
    _measure("feel_safer_measured", "Outcome measured: feel safer", 20),
    _measure("feel_safer_improved", "Outcome improved: feel safer", 25),
)
RULES = (
    CatalogueRule("improved", parse_rule("feel_safer_improved <= feel_safer_measured"), ""),
    CatalogueRule("measured", parse_rule("feel_safer_measured <= victims_closed"), ""),
)
CHECKER = ReturnChecker(MEASURES, RULES, (SEX,))


def _sex(female, male, not_known=None):
    return {
        ("victims_supported", "sex", "female"): female,
        ("victims_supported", "sex", "male"): male,
        ("victims_supported", "sex", "not_known"): not_known,
    }


def test_a_breakdown_adding_up_to_the_total_is_clean_and_its_figures_are_kept():
    check = CHECKER.check({"victims_supported": "100"}, breakdowns=_sex("60", 35, "5"))
    assert check.problems == ()
    assert check.collected_breakdowns() == {
        ("victims_supported", "sex", "female"): 60,
        ("victims_supported", "sex", "male"): 35,
        ("victims_supported", "sex", "not_known"): 5,
    }


def test_categories_exceeding_the_total_are_an_error_naming_the_breakdown_category_and_both_sums():
    check = CHECKER.check({"victims_supported": "100"}, breakdowns=_sex("70", "40"))
    [error] = check.errors
    assert error.kind == BREAKDOWN_OVER and error.breakdown_key == "sex"
    assert error.message == (
        "Victims supported by sex: the categories add up to 110, more than the total of 100 "
        "(the largest is Female, 70); correct the categories or the total"
    )


def test_categories_short_of_the_total_warn_and_block_until_noted_so_not_known_gets_used():
    check = CHECKER.check({"victims_supported": "100"}, breakdowns=_sex("60", "30"))
    assert check.errors == ()
    [warning] = check.warnings
    assert warning.kind == BREAKDOWN_SHORT
    assert "10 short of the total of 100" in warning.message and '"Not known"' in warning.message
    assert blocking(check, {}) == [warning]
    assert blocking(check, {"victims_supported": "Provider records sex for new cases only."}) == []


def test_a_breakdown_left_blank_was_not_collected_and_raises_nothing():
    check = CHECKER.check({"victims_supported": "100"}, breakdowns=_sex(None, "", None))
    assert check.problems == () and check.collected_breakdowns() == {}


def test_categories_without_a_total_and_text_in_a_category_are_errors():
    no_total = CHECKER.check({}, breakdowns=_sex("3", "4"))
    assert [p.kind for p in no_total.errors] == [BREAKDOWN_WITHOUT_TOTAL]
    text = CHECKER.check({"victims_supported": "10"}, breakdowns=_sex("six", "4"))
    [error] = text.errors
    assert error.kind == NOT_A_NUMBER and error.message.startswith("Victims supported by sex, Female: ")


def test_a_category_not_in_the_list_is_an_error_naming_it():
    check = CHECKER.check(
        {"victims_supported": "10"}, breakdowns={("victims_supported", "sex", "unicorn"): "2"}
    )
    [error] = check.errors
    assert error.kind == UNKNOWN_CATEGORY
    assert error.message == "'unicorn' is not a category of Victims supported by sex; use one of the listed categories"


def test_an_outcome_improved_above_measured_and_measured_above_those_who_left_are_errors():
    check = CHECKER.check({"victims_closed": "50", "feel_safer_measured": "60", "feel_safer_improved": "70"})
    assert [p.kind for p in check.errors] == [RULE_BROKEN, RULE_BROKEN]
    assert {p.measure_key for p in check.errors} == {"feel_safer_improved", "feel_safer_measured"}
