"""The "cope and recover" outcomes: each a pair of measures, `<outcome>_measured` and
`<outcome>_improved`, and the rate improved / measured, worked out whenever it is shown and
never stored (the MoJ asks for the two counts).

The pairs come from the catalogue's keys, so an outcome added to db/reference_data.toml as two
measures named that way is reported with no code change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from desktop_app.core.catalogue import MeasureDefinition
from desktop_app.core.numbers import format_percent

__all__ = ["MEASURED", "IMPROVED", "Outcome", "OutcomeRate", "outcome_rates", "outcomes_of"]

MEASURED = "_measured"
IMPROVED = "_improved"


@dataclass(frozen=True)
class Outcome:
    key: str  # "feel_safer"
    name: str  # "feel safer", as the measures' labels word it after "Outcome measured: "
    measured_key: str
    improved_key: str


@dataclass(frozen=True)
class OutcomeRate:
    outcome: Outcome
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


def _name(label: str, key: str) -> str:
    # "Outcome measured: feel safer" -> "feel safer"; a label worded otherwise is used whole.
    head, colon, tail = label.partition(":")
    return tail.strip() if colon and tail.strip() else (label or key.replace("_", " "))


def outcomes_of(measures: Iterable[MeasureDefinition]) -> tuple[Outcome, ...]:
    """The outcomes among `measures` (both halves present), in the order of their measured half."""
    measures = tuple(measures)
    keys = {m.key for m in measures}
    found = []
    for measure in measures:
        if measure.key.endswith(MEASURED):
            stem = measure.key[: -len(MEASURED)]
            if stem and stem + IMPROVED in keys:
                found.append(Outcome(stem, _name(measure.label, stem), measure.key, stem + IMPROVED))
    return tuple(found)


def outcome_rates(measures: Iterable[MeasureDefinition], totals: Mapping[str, int]) -> tuple[OutcomeRate, ...]:
    """Each outcome's two totals (from `totals`, measure key -> total) and so its rate."""
    return tuple(
        OutcomeRate(o, int(totals.get(o.measured_key) or 0), int(totals.get(o.improved_key) or 0))
        for o in outcomes_of(measures)
    )
