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

    def valid_during(self, start: dt.date, end: dt.date) -> bool:
        """Whether the measure was asked for at any time between `start` and `end`."""
        return self.valid_from <= end and (self.valid_to is None or self.valid_to >= start)


@dataclass(frozen=True)
class CatalogueRule:
    key: str
    rule: Rule
    description: str


@dataclass(frozen=True)
class Catalogue:
    measures: tuple[MeasureDefinition, ...]
    rules: tuple[CatalogueRule, ...]

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
