"""What a service changed, so the window can tell every page and each page can decide to refresh.

A service function that writes returns a `Changed` (alone, or beside the new record's id). The
window emits it on its one "data changed" signal; pages never reach into each other.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ALLOCATIONS",
    "ALL_KINDS",
    "Changed",
    "FINANCE",
    "FUNDING",
    "INDICATORS",
    "PROVIDERS",
    "RETURNS",
    "STRANDS",
    "SUBMISSIONS",
]

PROVIDERS = "providers"
STRANDS = "strands"
# Funding streams and their yearly budgets.
FUNDING = "funding"
ALLOCATIONS = "allocations"
RETURNS = "returns"
INDICATORS = "indicators"
SUBMISSIONS = "submissions"
# Funding lines, claims and payments.
FINANCE = "finance"

ALL_KINDS = frozenset({PROVIDERS, STRANDS, FUNDING, ALLOCATIONS, RETURNS, INDICATORS, SUBMISSIONS, FINANCE})


@dataclass(frozen=True)
class Changed:
    """The kinds of data one user action touched, e.g. `Changed.of(STRANDS, ALLOCATIONS)`."""

    kinds: frozenset[str]

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - ALL_KINDS
        if unknown:
            # A misspelt kind would be a refresh that silently never happens.
            raise ValueError(f"unknown kinds of change: {', '.join(sorted(unknown))}")

    @classmethod
    def of(cls, *kinds: str) -> Changed:
        """A change touching `kinds` (constants of this module)."""
        return cls(frozenset(kinds))

    def touches(self, *kinds: str) -> bool:
        """Whether any of `kinds` changed: `if changed.touches(PROVIDERS, STRANDS): refresh()`."""
        return not self.kinds.isdisjoint(kinds)

    def __or__(self, other: Changed) -> Changed:
        return Changed(self.kinds | other.kinds)

    def __bool__(self) -> bool:
        return bool(self.kinds)
