"""The "cope and recover" outcomes: each is two counts in the catalogue, never a stored rate.

An outcome is a pair of measures whose keys share a stem, `<stem>_measured` (victims leaving
the service it was measured for) and `<stem>_improved` (of those, how many reported an
improvement), as the catalogue file lays them out; a new outcome is two new `[[measures]]`
entries, no code. The rate improved/measured is worked out each time it is shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from desktop_app.core.catalogue import MeasureDefinition
from desktop_app.core.numbers import format_count, format_percent

__all__ = ["OutcomePair", "OutcomeRate", "outcome_pairs", "outcome_rates", "rate_words"]

MEASURED, IMPROVED = "_measured", "_improved"


@dataclass(frozen=True)
class OutcomePair:
    measured: MeasureDefinition
    improved: MeasureDefinition

    @property
    def key(self) -> str:
        """The outcome's stem ("feel_safer"), as the report's json names it."""
        return self.improved.key[: -len(IMPROVED)]

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


@dataclass(frozen=True)
class OutcomeRate:
    """An outcome's two totals over a period (a report, the MoJ workbook), and so its rate."""

    outcome: OutcomePair
    measured: int
    improved: int

    @property
    def rate(self) -> float | None:
        """improved / measured (0.78), or None when the outcome was measured for nobody."""
        return self.improved / self.measured if self.measured else None

    @property
    def percent(self) -> str:
        """"78.0%", or "" when there is no rate to give."""
        return "" if self.rate is None else format_percent(100 * self.rate)


def outcome_rates(measures: Iterable[MeasureDefinition], totals: Mapping[str, int]) -> tuple[OutcomeRate, ...]:
    """Each outcome's two totals (from `totals`, measure key -> total) and so its rate."""
    return tuple(
        OutcomeRate(pair, int(totals.get(pair.measured.key) or 0), int(totals.get(pair.improved.key) or 0))
        for pair in outcome_pairs(measures)
    )
