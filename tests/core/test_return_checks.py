"""The one validation engine for returns: errors that block saving, warnings that need a note."""

from __future__ import annotations

import dataclasses

import datetime as dt

import pytest

import desktop_app.core.return_checks as engine
from desktop_app.core.catalogue import Catalogue, CatalogueRule, MeasureDefinition
from desktop_app.core.return_checks import (
    ABOVE_CEILING,
    FORMULA,
    LEFT_EMPTY,
    NEGATIVE,
    NOT_A_NUMBER,
    NOT_WHOLE,
    RETURN_NOTE,
    RULE_BROKEN,
    UNKNOWN_MEASURE,
    UNUSUAL_VALUE,
    ReturnChecker,
    StrandHistory,
    blocking,
    check_return,
)
from desktop_app.core.rules import parse_rule

_MEASURES = (
    ("victims_supported", "Victims supported"),
    ("idva_da_supported", "Domestic abuse victims supported by IDVAs"),
    ("isva_sa_supported", "Sexual abuse victims supported by ISVAs"),
    ("reported_before", "Reported to police before engaging"),
    ("reported_after", "Reported to police during or after support"),
    ("referred_mental_health", "Referred to mental health support"),
    ("rj_supported", "Supported by restorative justice"),
)
MEASURES = tuple(
    MeasureDefinition(
        key=key, label=label, short_label=key, group="g", unit="victims", help_text="",
        valid_from=dt.date(2018, 4, 1), valid_to=None, order=n,
    )
    for n, (key, label) in enumerate(_MEASURES)
)
RULES = tuple(
    CatalogueRule(key=key, rule=parse_rule(text), description="")
    for key, text in (
        ("idva_within_supported", "idva_da_supported <= victims_supported"),
        ("isva_within_supported", "isva_sa_supported <= victims_supported"),
        ("reporting_within_supported", "reported_before + reported_after <= victims_supported"),
        ("mental_health_within_supported", "referred_mental_health <= victims_supported"),
    )
)
CHECKER = ReturnChecker(MEASURES, RULES)
GOOD = {"victims_supported": "100", "idva_da_supported": "80", "reported_before": "60", "reported_after": 5}


def kinds(problems) -> list[tuple[str | None, str]]:
    return [(p.measure_key, p.kind) for p in problems]


# ---------------------------------------------------------------- errors


def test_good_figures_pass_and_are_read_as_whole_numbers_with_blanks_not_collected():
    check = CHECKER.check({**GOOD, "victims_supported": "1,234.00", "rj_supported": "  "})
    assert check.ok and check.errors == () and check.warnings == ()
    assert check.values["victims_supported"] == 1234
    assert check.values["reported_after"] == 5
    assert check.values["rj_supported"] is None
    assert set(check.values) == {m.key for m in MEASURES}  # every measure of the period, once


@pytest.mark.parametrize(
    ("typed", "kind", "words"),
    [
        ("12.5", NOT_WHOLE, "'12.5' is not a whole number"),
        ("-3", NEGATIVE, "cannot be negative"),
        ("\u22123", NEGATIVE, "cannot be negative"),
        ("=A1+B2", FORMULA, "is a formula"),
        ("twelve", NOT_A_NUMBER, "enter a count like 1,234"),
        ("1,23", NOT_A_NUMBER, "commas only between groups of three"),
        ("-1.5", NOT_WHOLE, "counts cannot have a fraction"),
    ],
)
def test_each_kind_of_bad_figure_is_an_error_naming_the_measure_and_what_was_typed(typed, kind, words):
    check = CHECKER.check({**GOOD, "victims_supported": typed})
    assert kinds(check.errors) == [("victims_supported", kind)]
    message = check.errors[0].message
    assert message.startswith("Victims supported: ") and words in message
    assert check.values["victims_supported"] is None
    # An unreadable figure is not also "left empty", and the rules over it are not judged.
    assert check.warnings == ()


def test_numbers_from_a_workbook_are_accepted_when_whole_and_refused_otherwise():
    check = CHECKER.check({"victims_supported": 100.0, "idva_da_supported": -2, "isva_sa_supported": 2.5,
                           "reported_before": True, "reported_after": dt.date(2024, 1, 1)})
    assert check.values["victims_supported"] == 100
    assert kinds(check.errors) == [
        ("idva_da_supported", NEGATIVE),
        ("isva_sa_supported", NOT_WHOLE),
        ("reported_before", NOT_A_NUMBER),
        ("reported_after", NOT_A_NUMBER),
    ]


def test_the_idva_rule_broken_reads_as_a_sentence_with_labels_mid_sentence():
    check = CHECKER.check({"victims_supported": "100", "idva_da_supported": "120"})
    assert [p.message for p in check.errors] == [
        "Domestic abuse victims supported by IDVAs (120) is more than victims supported (100)"
    ]
    problem = check.errors[0]
    assert problem.kind == RULE_BROKEN
    assert problem.measure_key == "idva_da_supported"  # the figure that is too big is marked first
    assert problem.measure_keys == ("idva_da_supported", "victims_supported")
    assert check.for_measure("victims_supported") == (problem,)


def test_a_rule_over_a_sum_names_both_parts_and_the_total():
    check = CHECKER.check({"victims_supported": 100, "reported_before": 80, "reported_after": 30})
    assert [p.message for p in check.errors] == [
        (
            "Reported to police before engaging + reported to police during or after support (80 + 30 = 110) "
            "is more than victims supported (100)"
        )
    ]


def test_a_rule_over_a_measure_not_collected_does_not_apply():
    assert CHECKER.check({"idva_da_supported": "120"}).errors == ()


def test_a_figure_for_a_measure_the_period_does_not_ask_for_is_an_error_but_a_blank_one_is_not():
    check = CHECKER.check({**GOOD, "outcome_cope": "5", "outcome_other": ""})
    assert kinds(check.errors) == [("outcome_cope", UNKNOWN_MEASURE)]


def test_the_checker_for_a_period_asks_only_for_measures_valid_then():
    retired = MeasureDefinition(
        key="old_measure", label="Old measure", short_label="Old", group="g", unit="victims",
        help_text="", valid_from=dt.date(2018, 4, 1), valid_to=dt.date(2020, 3, 31), order=99,
    )
    catalogue = Catalogue(measures=MEASURES + (retired,), rules=RULES)
    checker = ReturnChecker.for_period(catalogue, dt.date(2024, 4, 1), dt.date(2024, 6, 30))
    assert "old_measure" not in checker.keys and len(checker.keys) == 7


# ---------------------------------------------------------------- warnings


HISTORY = StrandHistory(
    recent={"victims_supported": (100, 110, 90, 105), "idva_da_supported": (0, 0, 0)},
    last_quarter={"victims_supported": 105, "idva_da_supported": 0, "referred_mental_health": 4},
)


def test_a_figure_over_three_times_the_strands_median_is_a_warning_giving_the_median():
    check = CHECKER.check({**GOOD, "victims_supported": "400", "referred_mental_health": "3"}, HISTORY)
    assert check.ok
    assert kinds(check.warnings) == [("victims_supported", UNUSUAL_VALUE)]
    message = check.warnings[0].message
    assert "Victims supported (400) is more than three times" in message
    assert "median over its last 4 quarters (102.5)" in message


def test_a_figure_under_a_third_of_the_median_is_a_warning_but_a_third_exactly_is_not():
    low = CHECKER.check({"victims_supported": "30", "idva_da_supported": 0, "referred_mental_health": "3"}, HISTORY)
    assert kinds(low.warnings) == [("victims_supported", UNUSUAL_VALUE)]
    assert "less than a third of" in low.warnings[0].message
    history = StrandHistory(recent={"victims_supported": (90, 90)})
    assert CHECKER.check({"victims_supported": 30}, history).warnings == ()
    assert CHECKER.check({"victims_supported": 270}, history).warnings == ()
    assert len(CHECKER.check({"victims_supported": 271}, history).warnings) == 1


def test_no_median_warning_with_fewer_than_two_figures_or_a_median_of_zero():
    one = StrandHistory(recent={"victims_supported": (10,)})
    assert CHECKER.check({"victims_supported": 1000}, one).warnings == ()
    zero = StrandHistory(recent={"idva_da_supported": (0, 0, 0, 5)})
    assert CHECKER.check({"victims_supported": 100, "idva_da_supported": 50}, zero).warnings == ()


def test_small_counts_are_not_flagged_for_ordinary_noise_of_a_few_victims():
    small = StrandHistory(recent={"reported_after": (0, 1, 0, 1)})  # median 0.5
    for figure in (0, 2, 5):
        assert CHECKER.check({"victims_supported": 100, "reported_after": figure}, small).warnings == ()
    assert len(CHECKER.check({"victims_supported": 100, "reported_after": 6}, small).warnings) == 1


def test_a_measure_left_empty_that_was_reported_last_quarter_is_a_warning_for_the_returns_note():
    check = CHECKER.check({"victims_supported": "100", "idva_da_supported": "0"}, HISTORY)
    assert kinds(check.warnings) == [("referred_mental_health", LEFT_EMPTY)]
    warning = check.warnings[0]
    assert "Referred to mental health support is empty but was reported last quarter (4)" in warning.message
    assert warning.note_key == RETURN_NOTE  # there is no figure row to hang the note on


def test_notes_clear_warnings_but_never_errors():
    check = CHECKER.check({"victims_supported": "400", "idva_da_supported": "500"}, HISTORY)
    assert kinds(check.errors) == [("idva_da_supported", RULE_BROKEN)]
    assert {p.kind for p in check.warnings} == {UNUSUAL_VALUE, LEFT_EMPTY}
    assert len(blocking(check, {})) == 1 + len(check.warnings)
    notes = {
        "victims_supported": "New outreach surgery opened",
        "idva_da_supported": "a note does not excuse a broken rule",
        RETURN_NOTE: "Mental health referrals not recorded this quarter (system change).",
    }
    assert blocking(check, notes) == list(check.errors)
    # A note of spaces is no note.
    assert len(blocking(check, {**notes, "victims_supported": "   "})) == 2


def test_a_warning_about_no_single_measure_needs_the_returns_own_note():
    warning = engine.Problem(None, UNUSUAL_VALUE, "Something about the whole return")
    check = engine.ReturnCheck(values={}, errors=(), warnings=(warning,))
    assert blocking(check, {"victims_supported": "note"}) == [warning]
    assert blocking(check, {RETURN_NOTE: "explained"}) == []


# ---------------------------------------------------------------- speed


def test_checking_a_whole_grid_of_72_strands_flags_exactly_the_rows_that_break_a_rule():
    # Every tenth strand claims more IDVA clients than victims supported; the rest are sound.
    rows = [
        {**GOOD, "victims_supported": str(100 + n), "idva_da_supported": str(200 + n if n % 10 == 0 else 80)}
        for n in range(72)
    ]
    history = StrandHistory(recent={m.key: (100, 110, 105, 95) for m in MEASURES}, last_quarter={})
    checks = [CHECKER.check(row, history) for row in rows]
    broken = [n for n, check in enumerate(checks) if not check.ok]
    assert broken == list(range(0, 72, 10))
    assert all(kinds(checks[n].errors) == [("idva_da_supported", RULE_BROKEN)] for n in broken)
    # A row's result does not depend on the rows checked before it.
    assert checks[37] == CHECKER.check(rows[37], history)
    assert [check.values["victims_supported"] for check in checks] == list(range(100, 172))


def test_check_return_is_the_one_call_form_of_the_checker():
    assert check_return(GOOD, MEASURES, RULES) == CHECKER.check(GOOD)


# ---------------------------------------------------------------- ceilings


# What a slip of the keyboard, a pasted date serial or a hostile file hands the engine.
OUT_OF_RANGE = [
    ("99999999999999999999", "99,999,999,999,999,999,999"),
    (str(2**63), "9,223,372,036,854,775,808"),
    (str(2**63 - 1), "9,223,372,036,854,775,807"),
    (str(10**15), "1,000,000,000,000,000"),
    ("1,000,001", "1,000,001"),
    (2**63, "9,223,372,036,854,775,808"),
    (float(10**15), "1,000,000,000,000,000"),
    (1e308, "a 309-digit number"),
    ("9" * 5000, "a 5,000-digit number"),
    (10**5000, "a 5,001-digit number"),
]


OUT_OF_RANGE_IDS = [
    "20 nines", "2**63 typed", "2**63-1 typed", "10**15 typed", "one over", "2**63", "10**15 float",
    "1e308 float", "5000 nines typed", "10**5000",
]


@pytest.mark.parametrize(("entered", "shown"), OUT_OF_RANGE, ids=OUT_OF_RANGE_IDS)
def test_a_figure_above_its_ceiling_is_an_error_naming_the_measure_and_the_ceiling(entered, shown):
    check = CHECKER.check({**GOOD, "victims_supported": entered})
    assert kinds(check.errors) == [("victims_supported", ABOVE_CEILING)]
    assert check.errors[0].message == (
        f"Victims supported: {shown} is more than any strand could support in a quarter "
        "(at most 1,000,000); check the figure"
    )
    assert check.values["victims_supported"] is None and "victims_supported" not in check.collected()
    assert check.warnings == ()


@pytest.mark.parametrize("entered", ["1e308", "inf", "nan", float("inf"), float("nan"), float("-inf")])
def test_infinities_and_exponents_are_not_counts(entered):
    check = CHECKER.check({**GOOD, "victims_supported": entered})
    assert kinds(check.errors) == [("victims_supported", NOT_A_NUMBER)]
    assert check.errors[0].message.startswith("Victims supported: ")


def test_the_ceiling_itself_is_accepted_and_each_measure_has_its_own():
    small = tuple(
        dataclasses.replace(m, ceiling=500) if m.key == "rj_supported" else m for m in MEASURES
    )
    checker = ReturnChecker(small, RULES)
    assert checker.check({**GOOD, "victims_supported": "1,000,000"}).ok
    check = checker.check({**GOOD, "rj_supported": 501})
    assert [p.message for p in check.errors] == [
        "Supported by restorative justice: 501 is more than any strand could support in a quarter "
        "(at most 500); check the figure"
    ]


def test_a_measure_in_pence_shows_its_ceiling_as_money():
    spend = dataclasses.replace(MEASURES[0], key="spend", label="Spend", unit="pence", ceiling=10_000_000_00)
    check = ReturnChecker((spend,), ()).check({"spend": 10_000_000_01})
    assert [p.message for p in check.errors] == [
        "Spend: £10,000,000.01 is more than any strand could spend in a quarter (at most £10,000,000.00); "
        "check the figure"
    ]
