"""A breakdown added up over many returns so that its categories come to the measure's total.

A return may give no breakdown at all (not asked for before it was in the catalogue, or the
provider did not record it), or one that falls short of its total (saved with a note). The
victims those leave out are victims whose category is not known, so they are counted under
"Not known", and the amount is kept beside it so a table can say how much of "Not known" came
from there. Categories that add up to more than the total (an error no program path lets in,
but a file can hold) are counted as given, with the excess kept too, so nothing is hidden.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from desktop_app.core.catalogue import BreakdownCategoryDefinition, BreakdownDefinition

__all__ = ["NOT_KNOWN", "BreakdownSum", "add_up_breakdown", "categories_in_order"]

NOT_KNOWN = "not_known"


def categories_in_order(breakdown: BreakdownDefinition) -> tuple[BreakdownCategoryDefinition, ...]:
    """The catalogue's order, with "not known" last whatever the file says."""
    known = tuple(c for c in breakdown.categories if c.key != NOT_KNOWN)
    last = tuple(c for c in breakdown.categories if c.key == NOT_KNOWN)
    return known + (last or (BreakdownCategoryDefinition(NOT_KNOWN, "Not known"),))


@dataclass(frozen=True)
class BreakdownSum:
    breakdown: BreakdownDefinition
    # Category key -> victims, every category of the list ("not known" including `not_broken_down`).
    by_category: Mapping[str, int]
    total: int  # the measure's total over the same returns
    not_broken_down: int  # victims of those returns given no category, counted under "not known"
    over: int  # victims given categories beyond their return's total
    returns_broken_down: int  # returns that gave this breakdown at all

    @property
    def categories_total(self) -> int:
        """What the categories add up to: the total, plus any excess."""
        return sum(self.by_category.values())


def add_up_breakdown(
    breakdown: BreakdownDefinition, figures: Iterable[tuple[int | None, Mapping[str, int]]]
) -> BreakdownSum:
    """`figures`: per return, the measure's total (None: not collected) and its category figures
    for this breakdown (category key -> count; empty when the return gave no breakdown)."""
    order = categories_in_order(breakdown)
    sums = {c.key: 0 for c in order}
    total = short = over = given = 0
    for return_total, categories in figures:
        added = 0
        for key, value in categories.items():
            sums[key] = sums.get(key, 0) + value
            added += value
        given += 1 if categories else 0
        if return_total is None:
            over += added
            continue
        total += return_total
        if added < return_total:
            short += return_total - added
        else:
            over += added - return_total
    sums[NOT_KNOWN] += short
    return BreakdownSum(breakdown, sums, total, short, over, given)
