"""Names an officer types: hidden characters refused by field, lookalikes found, file names clean."""

from __future__ import annotations

import pytest

from desktop_app.core.names import lookalike, lookalike_key, name_problem, safe_for_file_name


@pytest.mark.parametrize(
    "typed, words",
    [
        ("Aire\x00Valley", "control character (U+0000)"),
        ("Aire Valley\x07", "control character (U+0007)"),
        ("Aire\tValley", "control character (U+0009)"),
        ("Leeds\u202eslx.exe", "reverses how text reads (U+202E RIGHT-TO-LEFT OVERRIDE)"),
        ("Leeds\u202a", "U+202A"),
        ("Leeds\u2066Aid\u2069", "U+2066"),
        ("Calder \ud800Aid", "lone surrogate, U+D800"),
    ],
)
def test_a_name_with_a_hidden_character_is_refused_naming_the_field(typed, words):
    problem = name_problem(typed, "The provider's name")
    assert problem is not None and problem.startswith("The provider's name holds")
    assert words in problem


@pytest.mark.parametrize("typed", ["Aire Valley Victim Support", "Café Ltd", "Ysgol Gymraeg Llanelli", "Ōtautahi Trust", "مؤسسة"])
def test_ordinary_names_in_any_script_are_accepted(typed):
    assert name_problem(typed, "The name") is None


@pytest.mark.parametrize(
    "typed",
    [
        "Аire Valley Victim Support",  # Cyrillic А
        "Aire Valley Vict\u200bim Support",  # zero-width space
        "AIRE VALLEY victim support",
        "Aire  Valley Victim Support ",
        "\uff21\uff49\uff52\uff45 Valley Victim Support",  # fullwidth letters: NFKC folds them
    ],
)
def test_a_name_that_looks_like_an_existing_one_is_found(typed):
    assert lookalike(typed, ["Calder Aid", "Aire Valley Victim Support"]) == "Aire Valley Victim Support"


def test_a_different_name_or_the_same_record_is_not_a_lookalike():
    assert lookalike("Aire Valley Victim Care", ["Aire Valley Victim Support"]) is None
    assert lookalike("Calder Aid", ["Calder Aid"]) is None  # exactly the same is the record itself
    assert lookalike_key("Café") == lookalike_key("Cafe\u0301")


def test_a_file_name_never_carries_hidden_characters():
    assert safe_for_file_name("Leeds\u202eslx.exe\u200b\x07") == "Leedsslx.exe"
