"""The outcomes are pairs of counts found in the catalogue, and their rate is worked out when shown."""

from __future__ import annotations

import datetime as dt

from desktop_app.core.catalogue import MeasureDefinition
from desktop_app.core.outcomes import outcome_pairs, rate_words


def measure(key: str, label: str = "") -> MeasureDefinition:
    return MeasureDefinition(key, label or key, key[:12], "Outcomes", "victims", "", dt.date(2018, 4, 1), None, 0)


def test_an_outcome_is_a_measured_and_an_improved_count_sharing_a_stem_whatever_the_order():
    measures = [measure("safer_improved", "Outcome improved: feel safer"), measure("victims_supported"),
                measure("safer_measured"), measure("coping_measured")]  # coping has no improved count
    pairs = outcome_pairs(measures)
    assert [(p.measured.key, p.improved.key) for p in pairs] == [("safer_measured", "safer_improved")]
    assert pairs[0].name == "feel safer"


def test_the_rate_reads_as_a_percentage_with_both_counts_and_is_blank_when_it_cannot_be_worked_out():
    assert rate_words(156, 200) == "78.0% improved (156 of 200)"
    assert rate_words(1, 3) == "33.3% improved (1 of 3)"
    assert rate_words(1_500, 2_000) == "75.0% improved (1,500 of 2,000)"
    assert rate_words(0, 0) == "" and rate_words(None, 10) == "" and rate_words(5, None) == ""
