"""The "cope and recover" outcomes: each is two counts in the catalogue, never a stored rate.

An outcome is a pair of measures whose keys share a stem, `<stem>_measured` (victims leaving
the service it was measured for) and `<stem>_improved` (of those, how many reported an
improvement), as the catalogue file lays them out; a new outcome is two new `[[measures]]`
entries, no code. The rate improved/measured is worked out each time it is shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from desktop_app.core.catalogue import MeasureDefinition
from desktop_app.core.numbers import format_count, format_percent

__all__ = ["OutcomePair", "outcome_pairs", "rate_words"]

MEASURED, IMPROVED = "_measured", "_improved"


@dataclass(frozen=True)
class OutcomePair:
    measured: MeasureDefinition
    improved: MeasureDefinition

    @property
    def name(self) -> str:
        """The outcome in words ("feel safer"), from the improved measure's label."""
        label = self.improved.label
        return label.split(": ", 1)[1] if ": " in label else label


def outcome_pairs(measures: Iterable[MeasureDefinition]) -> tuple[OutcomePair, ...]:
    """Every outcome among `measures` (both halves present), in the catalogue's order."""
    by_key = {m.key: m for m in measures}
    pairs = []
    for key, measure in by_key.items():
        if key.endswith(IMPROVED):
            measured = by_key.get(key[: -len(IMPROVED)] + MEASURED)
            if measured is not None:
                pairs.append(OutcomePair(measured, measure))
    return tuple(pairs)


def rate_words(improved: int | None, measured: int | None) -> str:
    """"78.0% improved (156 of 200)"; "" when the rate cannot be worked out (a count missing, or
    measured for nobody)."""
    if improved is None or measured is None or measured <= 0:
        return ""
    return f"{format_percent(100 * improved / measured)} improved ({format_count(improved)} of {format_count(measured)})"
