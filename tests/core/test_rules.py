"""Measure rules: reading them safely, checking returns against them and explaining breaches."""

from __future__ import annotations

import builtins
import io
import re
import tokenize
from pathlib import Path

import pytest

import desktop_app.core.rules as rules_module
from desktop_app.core.rules import (
    Rule,
    RuleBreach,
    RuleSyntaxError,
    UnknownMeasureError,
    check_rules,
    parse_rule,
)

LABELS = {
    "idva_da_supported": "IDVA-supported",
    "isva_sv_supported": "ISVA-supported",
    "victims_supported": "victims supported",
    "reported_before": "reported before",
    "reported_after": "reported after",
}
KEYS = sorted(LABELS)

# --- Reading rules ------------------------------------------------------------------------------


def test_a_simple_rule_records_its_text_and_the_measures_it_uses() -> None:
    rule = parse_rule("idva_da_supported <= victims_supported")
    assert rule.text == "idva_da_supported <= victims_supported"
    assert rule.keys == frozenset({"idva_da_supported", "victims_supported"})


def test_a_sum_rule_uses_every_measure_on_both_sides() -> None:
    rule = parse_rule("reported_before + reported_after <= victims_supported")
    assert rule.keys == frozenset({"reported_before", "reported_after", "victims_supported"})


@pytest.mark.parametrize(
    "text",
    [
        "a<=b",
        "  a   <=   b  ",
        "a\t>=\n0",
        "a + b - c == d",
        "(a + b) - (c - 1) != 0",
        "a2_b_3 > 10",
        "a <= ((b))",
        "0 < 1",
    ],
)
def test_rules_written_in_the_rule_language_are_accepted(text: str) -> None:
    assert parse_rule(text).text == text


def test_the_same_rule_text_gives_equal_rules() -> None:
    assert parse_rule("a <= b") == parse_rule("a <= b")
    assert parse_rule("a <= b") != parse_rule("a < b")


# --- Rejecting what is not a rule ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a <= b.c", "rule 'a <= b.c': unexpected '.' at position 7"),
        ("a.b <= c", "rule 'a.b <= c': unexpected '.' at position 2"),
        ("__import__('os')", "rule \"__import__('os')\": unexpected '_' at position 1"),
        ("open('x') <= 1", "rule \"open('x') <= 1\": unexpected \"'\" at position 6"),
        ("a ** 2 <= b", "rule 'a ** 2 <= b': unexpected '*' at position 3"),
        ("a <= \"b\"", "rule 'a <= \"b\"': unexpected '\"' at position 6"),
        ("a <= b; c", "rule 'a <= b; c': unexpected ';' at position 7"),
        ("é <= b", "rule 'é <= b': unexpected 'é' at position 1"),
    ],
)
def test_characters_outside_the_language_are_refused_with_their_position(text: str, message: str) -> None:
    with pytest.raises(RuleSyntaxError) as caught:
        parse_rule(text)
    assert str(caught.value) == message


def test_a_key_ending_in_an_underscore_needs_no_space_before_the_comparison() -> None:
    assert parse_rule("a_<= b").keys == frozenset({"a_", "b"})


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("a <= b <= c", "rule 'a <= b <= c': unexpected '<=' at position 8"),
        ("a <=", "rule 'a <=': unexpected end of rule at position 5"),
        ("", "rule '': unexpected end of rule at position 1"),
        ("   ", "rule '   ': unexpected end of rule at position 1"),
        ("a + b", "rule 'a + b': unexpected end of rule at position 6"),
        ("a b <= c", "rule 'a b <= c': unexpected 'b' at position 3"),
        ("a <= b c", "rule 'a <= b c': unexpected 'c' at position 8"),
        ("f(x) <= 1", "rule 'f(x) <= 1': unexpected '(' at position 2"),
        ("a <= (b", "rule 'a <= (b': unexpected end of rule at position 8"),
        ("a <= b)", "rule 'a <= b)': unexpected ')' at position 7"),
        ("-a <= b", "rule '-a <= b': unexpected '-' at position 1"),
        ("a <= + b", "rule 'a <= + b': unexpected '+' at position 6"),
        ("a = b", "rule 'a = b': unexpected '=' at position 3"),
        ("a => b", "rule 'a => b': unexpected '=' at position 3"),
        ("a ! b", "rule 'a ! b': unexpected '!' at position 3"),
        ("Victims <= b", "rule 'Victims <= b': unexpected 'V' at position 1"),
        ("2a <= b", "rule '2a <= b': unexpected 'a' at position 2"),
        ("a <= ()", "rule 'a <= ()': unexpected ')' at position 7"),
    ],
)
def test_malformed_rules_say_what_was_unexpected_and_where(text: str, start: str) -> None:
    with pytest.raises(RuleSyntaxError) as caught:
        parse_rule(text)
    assert str(caught.value).startswith(start)


def test_a_function_call_is_refused_saying_functions_are_not_allowed() -> None:
    with pytest.raises(RuleSyntaxError, match="functions are not allowed"):
        parse_rule("max(a) <= b")


def test_single_equals_suggests_double_equals() -> None:
    with pytest.raises(RuleSyntaxError, match="write == to compare"):
        parse_rule("a = b")


def test_deeply_nested_brackets_are_refused_rather_than_crashing() -> None:
    text = "a <= " + "(" * 5000 + "b" + ")" * 5000
    with pytest.raises(RuleSyntaxError, match="brackets"):
        parse_rule(text)


def test_a_very_long_sum_is_read_without_running_out_of_stack() -> None:
    text = " + ".join(["a"] * 5000) + " <= b"
    assert parse_rule(text).evaluate({"a": 1, "b": 5000}) is True


def test_rule_errors_can_be_caught_as_value_errors() -> None:
    with pytest.raises(ValueError):
        parse_rule("a <=")


def test_a_rule_given_something_other_than_text_is_a_programming_error() -> None:
    with pytest.raises(TypeError):
        parse_rule(None)  # type: ignore[arg-type]


def test_refused_rules_never_execute_anything(monkeypatch: pytest.MonkeyPatch) -> None:
    called: list[str] = []

    def trap(name: str):  # noqa: ANN202 - a stand-in for builtins
        def record(*args: object, **kwargs: object) -> None:
            called.append(name)
            raise AssertionError(f"{name} was called")

        return record

    for name in ("eval", "exec", "compile", "open", "__import__"):
        monkeypatch.setattr(builtins, name, trap(name))
    try:
        for text in ("__import__('os')", "open('x') <= 1", "a ** 2 <= b", "a.b <= c", "exec('1') <= 1"):
            with pytest.raises(RuleSyntaxError):
                parse_rule(text)
        assert parse_rule("a + 1 <= b").evaluate({"a": 1, "b": 2}) is True
    finally:
        monkeypatch.undo()
    assert called == []


def test_the_rule_module_contains_no_dynamic_code_execution() -> None:
    source = Path(rules_module.__file__).read_text(encoding="utf-8")
    names = {
        tok.string
        for tok in tokenize.generate_tokens(io.StringIO(source).readline)
        if tok.type == tokenize.NAME
    }
    assert not names & {"eval", "exec", "compile", "literal_eval", "__import__", "getattr", "ast"}
    assert not re.search(r"^\s*import\s+ast|from\s+ast\s", source, re.MULTILINE)


# --- Unknown measures ---------------------------------------------------------------------------


def test_an_unknown_measure_is_named_with_the_known_ones_listed_in_order() -> None:
    with pytest.raises(UnknownMeasureError) as caught:
        parse_rule("victim_supported >= 0", known_keys=["victims_supported", "idva_da_supported"])
    assert str(caught.value) == (
        "rule 'victim_supported >= 0': unknown measure key 'victim_supported'; "
        "the known keys are: idva_da_supported, victims_supported"
    )
    assert caught.value.unknown == ("victim_supported",)


def test_several_unknown_measures_are_all_named() -> None:
    with pytest.raises(UnknownMeasureError, match="unknown measure keys 'x', 'y'"):
        parse_rule("y + x <= victims_supported", known_keys=KEYS)


def test_an_unknown_measure_is_also_a_rule_syntax_error() -> None:
    with pytest.raises(RuleSyntaxError):
        parse_rule("x <= y", known_keys=set())


def test_known_measures_pass_the_check() -> None:
    rule = parse_rule("reported_before + reported_after <= victims_supported", known_keys=frozenset(KEYS))
    assert rule.keys <= set(KEYS)


def test_a_single_string_of_known_keys_is_a_programming_error() -> None:
    with pytest.raises(TypeError):
        parse_rule("a <= b", known_keys="ab")


# --- Evaluating ---------------------------------------------------------------------------------


def test_a_rule_holds_at_the_boundary_and_breaks_just_past_it() -> None:
    rule = parse_rule("idva_da_supported <= victims_supported")
    assert rule.evaluate({"idva_da_supported": 100, "victims_supported": 100}) is True
    assert rule.evaluate({"idva_da_supported": 101, "victims_supported": 100}) is False


@pytest.mark.parametrize(
    ("operator", "results"),
    [
        # results for left < right, left == right, left > right
        ("<=", (True, True, False)),
        ("<", (True, False, False)),
        (">=", (False, True, True)),
        (">", (False, False, True)),
        ("==", (False, True, False)),
        ("!=", (True, False, True)),
    ],
)
def test_each_comparison_holds_exactly_when_it_should(operator: str, results: tuple[bool, bool, bool]) -> None:
    rule = parse_rule(f"a {operator} b")
    assert tuple(rule.evaluate({"a": a, "b": 5}) for a in (4, 5, 6)) == results


def test_sums_subtractions_brackets_and_numbers_are_worked_out() -> None:
    rule = parse_rule("a - (b - c) + 10 == 12")
    # 5 - (4 - 1) + 10 is 12; ignoring the brackets, 5 - 4 - 1 + 10 would be 10.
    assert rule.evaluate({"a": 5, "b": 4, "c": 1}) is True
    assert rule.evaluate({"a": 5, "b": 3, "c": 1}) is False


def test_a_measure_not_collected_makes_the_rule_not_applicable() -> None:
    rule = parse_rule("reported_before + reported_after <= victims_supported")
    assert rule.evaluate({"reported_before": 10, "reported_after": None, "victims_supported": 5}) is None
    assert rule.evaluate({"reported_before": 10, "victims_supported": 5}) is None


def test_zero_is_a_value_not_a_missing_measure() -> None:
    rule = parse_rule("idva_da_supported <= victims_supported")
    assert rule.evaluate({"idva_da_supported": 1, "victims_supported": 0}) is False


def test_values_the_rule_does_not_use_are_ignored() -> None:
    rule = parse_rule("a <= b")
    assert rule.evaluate({"a": 1, "b": 2, "c": None, "d": 99}) is True


def test_a_non_integer_value_is_a_programming_error() -> None:
    rule = parse_rule("a <= b")
    with pytest.raises(TypeError):
        rule.evaluate({"a": 1.5, "b": 2})  # type: ignore[dict-item]


# --- Explaining ---------------------------------------------------------------------------------


def test_a_broken_rule_is_explained_with_labels_and_figures() -> None:
    rule = parse_rule("idva_da_supported <= victims_supported")
    values = {"idva_da_supported": 120, "victims_supported": 100}
    assert rule.explain(values, LABELS) == "IDVA-supported (120) is more than victims supported (100)"


def test_a_broken_sum_shows_its_parts_and_total() -> None:
    rule = parse_rule("reported_before + reported_after <= victims_supported")
    values = {"reported_before": 80, "reported_after": 30, "victims_supported": 100}
    assert rule.explain(values, LABELS) == (
        "Reported before + reported after (80 + 30 = 110) is more than victims supported (100)"
    )


def test_explanations_use_thousands_separators() -> None:
    rule = parse_rule("reported_before + reported_after <= victims_supported")
    values = {"reported_before": 69041, "reported_after": 22000, "victims_supported": 90793}
    assert rule.explain(values, LABELS) == (
        "Reported before + reported after (69,041 + 22,000 = 91,041) is more than victims supported (90,793)"
    )


@pytest.mark.parametrize(
    ("operator", "left", "wording"),
    [
        ("<=", 6, "is more than"),
        ("<", 5, "is not less than"),
        (">=", 4, "is less than"),
        (">", 5, "is not more than"),
        ("==", 4, "is not equal to"),
        ("!=", 5, "is equal to"),
    ],
)
def test_each_broken_comparison_has_its_own_wording(operator: str, left: int, wording: str) -> None:
    rule = parse_rule(f"a {operator} b")
    values = {"a": left, "b": 5}
    assert rule.evaluate(values) is False
    assert rule.explain(values, {"a": "referrals", "b": "places"}) == f"Referrals ({left}) {wording} places (5)"


def test_a_key_with_no_label_is_shown_by_its_key() -> None:
    rule = parse_rule("idva_da_supported <= victims_supported")
    values = {"idva_da_supported": 2, "victims_supported": 1}
    assert rule.explain(values, {}) == "Idva_da_supported (2) is more than victims_supported (1)"


def test_literal_numbers_are_shown_as_numbers() -> None:
    rule = parse_rule("victims_supported <= 100000")
    values = {"victims_supported": 120000}
    assert rule.explain(values, LABELS) == "Victims supported (120,000) is more than 100,000"


def test_a_sum_with_a_number_and_brackets_shows_them_as_written() -> None:
    rule = parse_rule("victims_supported - (reported_before + 5) >= 0")
    values = {"victims_supported": 10, "reported_before": 8}
    assert rule.explain(values, LABELS) == (
        "Victims supported - (reported before + 5) (10 - (8 + 5) = -3) is less than 0"
    )


def test_explaining_a_rule_that_holds_does_not_claim_it_is_broken() -> None:
    rule = parse_rule("idva_da_supported <= victims_supported")
    values = {"idva_da_supported": 90, "victims_supported": 100}
    assert rule.explain(values, LABELS) == "IDVA-supported (90) is not more than victims supported (100)"


def test_explaining_a_rule_with_a_missing_measure_names_it() -> None:
    rule = parse_rule("idva_da_supported <= victims_supported")
    with pytest.raises(ValueError, match="no value for victims_supported"):
        rule.explain({"idva_da_supported": 1, "victims_supported": None}, LABELS)


# --- Checking a return --------------------------------------------------------------------------


def test_check_rules_reports_only_the_broken_rules() -> None:
    rules = [
        parse_rule("idva_da_supported <= victims_supported"),
        parse_rule("isva_sv_supported <= victims_supported"),
        parse_rule("reported_before + reported_after <= victims_supported"),
    ]
    values = {
        "idva_da_supported": 120,
        "isva_sv_supported": 40,
        "reported_before": 80,
        "reported_after": 30,
        "victims_supported": 100,
    }
    breaches = check_rules(rules, values, LABELS)
    assert [b.rule for b in breaches] == [rules[0], rules[2]]
    assert breaches[0] == RuleBreach(rule=rules[0], message="IDVA-supported (120) is more than victims supported (100)")
    assert breaches[1].message.startswith("Reported before + reported after (80 + 30 = 110)")


def test_rules_over_uncollected_measures_are_not_breaches() -> None:
    rules = [parse_rule("idva_da_supported <= victims_supported")]
    assert check_rules(rules, {"idva_da_supported": 120, "victims_supported": None}, LABELS) == []
    assert check_rules(rules, {}, LABELS) == []


def test_check_rules_accepts_any_iterable_of_rules() -> None:
    rules = (parse_rule(text) for text in ["a <= b", "a >= b"])
    breaches = check_rules(rules, {"a": 1, "b": 2}, {})
    assert len(breaches) == 1
    assert isinstance(breaches[0].rule, Rule)
    assert breaches[0].message == "A (1) is less than b (2)"
