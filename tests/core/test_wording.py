"""Counts in sentences agree with their nouns."""

from desktop_app.core.wording import plural


def test_one_of_a_thing_is_singular_and_thousands_are_grouped():
    assert plural(1, "provider") == "1 provider"
    assert plural(0, "provider") == "0 providers"
    assert plural(2841, "return") == "2,841 returns"


def test_an_irregular_plural_can_be_given():
    assert plural(1, "strand of provision", "strands of provision") == "1 strand of provision"
    assert plural(3, "strand of provision", "strands of provision") == "3 strands of provision"
