"""The measure catalogue as plain data: what a return asks for, and the rules it must keep."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from desktop_app.core.ceilings import COUNT_CEILING, measure_ceiling_message, shown_figure
from desktop_app.core.rules import Rule, RuleBreach, check_rules


@dataclass(frozen=True)
class MeasureDefinition:
    key: str
    label: str
    short_label: str
    group: str
    unit: str
    help_text: str
    valid_from: dt.date
    valid_to: dt.date | None
    order: int
    report_sentence: str = ""
    # The largest figure one strand's return can plausibly hold; above it is an error.
    ceiling: int = COUNT_CEILING
    # Keys of the breakdowns its total is broken down by, in display order.
    breakdowns: tuple[str, ...] = ()
    # A dashboard figure card when set: its position, title and the words under the figure.
    headline_order: int | None = None
    headline_title: str = ""
    headline_detail: str = ""
    # The measure the dashboard's victims charts count.
    charted: bool = False
    # How the demo makes its figures: `demo_ratio` times measure `demo_of`'s figure.
    demo_of: str | None = None
    demo_ratio: float | None = None

    def valid_during(self, start: dt.date, end: dt.date) -> bool:
        """Whether the measure was asked for at any time between `start` and `end`."""
        return self.valid_from <= end and (self.valid_to is None or self.valid_to >= start)


@dataclass(frozen=True)
class BreakdownCategoryDefinition:
    key: str
    label: str
    group: str = ""  # a roll-up heading (ethnicity's five groups), or ""


@dataclass(frozen=True)
class BreakdownDefinition:
    """A list of categories a measure's total is broken down by; one of them is "not known"."""

    key: str
    label: str
    categories: tuple[BreakdownCategoryDefinition, ...]

    def category(self, key: str) -> BreakdownCategoryDefinition:
        for candidate in self.categories:
            if candidate.key == key:
                return candidate
        raise KeyError(key)


@dataclass(frozen=True)
class CatalogueRule:
    key: str
    rule: Rule
    description: str


@dataclass(frozen=True)
class Catalogue:
    measures: tuple[MeasureDefinition, ...]
    rules: tuple[CatalogueRule, ...]
    breakdown_lists: tuple[BreakdownDefinition, ...] = ()

    def breakdown(self, key: str) -> BreakdownDefinition:
        for candidate in self.breakdown_lists:
            if candidate.key == key:
                return candidate
        raise KeyError(key)

    def breakdowns_of(self, measure_key: str) -> tuple[BreakdownDefinition, ...]:
        """The breakdowns a measure's total is broken down by, in display order."""
        return tuple(self.breakdown(key) for key in self.measure(measure_key).breakdowns)

    @property
    def headline_measures(self) -> tuple[MeasureDefinition, ...]:
        """The measures shown as dashboard figure cards, in their card order."""
        cards = [m for m in self.measures if m.headline_order is not None]
        return tuple(sorted(cards, key=lambda m: (m.headline_order, m.order)))

    @property
    def charted_measure(self) -> MeasureDefinition | None:
        """The measure the victims charts count (the first marked, should the file mark two)."""
        return next((m for m in self.measures if m.charted), None)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(m.key for m in self.measures)

    @property
    def labels(self) -> dict[str, str]:
        return {m.key: m.label for m in self.measures}

    def measure(self, key: str) -> MeasureDefinition:
        for candidate in self.measures:
            if candidate.key == key:
                return candidate
        raise KeyError(key)

    def measures_for(self, start: dt.date, end: dt.date) -> tuple[MeasureDefinition, ...]:
        """The measures a return covering `start`..`end` asks for, in catalogue order."""
        return tuple(m for m in self.measures if m.valid_during(start, end))

    @property
    def labels_in_sentence(self) -> dict[str, str]:
        """Labels as they read mid-sentence: "victims supported", but "IDVA caseload" kept."""
        return {m.key: _mid_sentence(m.label) for m in self.measures}

    def figures_beyond_ceilings(self, values: Mapping[str, object]) -> dict[str, str]:
        """Stored figures no return can hold: above their measure's ceiling, or not whole numbers
        (written by an older version, or into the file by hand). Measure key -> the message."""
        found: dict[str, str] = {}
        for measure in self.measures:
            value = values.get(measure.key)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int):
                found[measure.key] = f"{measure.label}: {value!r} is not a whole number; correct the figure"
            elif value > measure.ceiling:
                found[measure.key] = measure_ceiling_message(
                    measure.label, measure.unit, shown_figure(measure.unit, value), measure.ceiling
                )
        return found

    def breaches(self, values: Mapping[str, int | None]) -> list[RuleBreach]:
        """Every catalogue rule the values break (rules over missing measures do not apply)."""
        return check_rules((r.rule for r in self.rules), values, self.labels_in_sentence)


def _mid_sentence(label: str) -> str:
    # An acronym at the start ("IDVA ...") keeps its capitals; an ordinary word does not.
    if len(label) > 1 and label[0].isupper() and not label[1].isupper():
        return label[0].lower() + label[1:]
    return label
