"""What a service changed, so the window can tell every page and each page can decide to refresh.

A service function that writes returns a `Changed` (alone, or beside the new record's id). The
window emits it on its one "data changed" signal; pages never reach into each other.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from desktop_app.core.periods import Quarter

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
    """The kinds of data one user action touched, e.g. `Changed.of(STRANDS, ALLOCATIONS)`.

    `returns`, when known, says which returns a RETURNS change touched, as (strand id, quarter)
    pairs: a page showing a row per strand re-reads those rows, not its whole quarter (a save on
    a large database cost more in the grid's reload than in the save). None means "any return".
    Not part of equality: two changes of the same kinds are the same change to a page that does
    not look closer."""

    kinds: frozenset[str]
    returns: frozenset[tuple[int, Quarter]] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - ALL_KINDS
        if unknown:
            # A misspelt kind would be a refresh that silently never happens.
            raise ValueError(f"unknown kinds of change: {', '.join(sorted(unknown))}")

    @classmethod
    def of(cls, *kinds: str) -> Changed:
        """A change touching `kinds` (constants of this module)."""
        return cls(frozenset(kinds))

    @classmethod
    def returns_of(cls, strand_ids: Iterable[int], quarter: Quarter) -> Changed:
        """A change to the returns of `strand_ids` for `quarter` only (nothing when there are none)."""
        pairs = frozenset((strand_id, quarter) for strand_id in strand_ids)
        return cls(frozenset({RETURNS}), pairs) if pairs else cls(frozenset())

    def touches(self, *kinds: str) -> bool:
        """Whether any of `kinds` changed: `if changed.touches(PROVIDERS, STRANDS): refresh()`."""
        return not self.kinds.isdisjoint(kinds)

    def __or__(self, other: Changed) -> Changed:
        with_returns = [c for c in (self, other) if RETURNS in c.kinds]
        if not with_returns or any(c.returns is None for c in with_returns):
            return Changed(self.kinds | other.kinds)
        return Changed(self.kinds | other.kinds, frozenset().union(*(c.returns for c in with_returns)))

    def __bool__(self) -> bool:
        return bool(self.kinds)
