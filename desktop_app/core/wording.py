"""Counts in words: "1 provider", "2 providers", so no sentence says "1 providers"."""

from __future__ import annotations

from desktop_app.core.numbers import format_count

__all__ = ["plural"]


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`count` with the noun that agrees with it: plural(1, "provider") is "1 provider",
    plural(2841, "return") is "2,841 returns". Give `plural_form` for irregular nouns
    (plural(2, "strand of provision", "strands of provision"))."""
    noun = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{format_count(count)} {noun}"
