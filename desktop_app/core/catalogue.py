"""The measure catalogue as plain data: what a return asks for, and the rules it must keep."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from desktop_app.core.ceilings import COUNT_CEILING
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

    def breaches(self, values: Mapping[str, int | None]) -> list[RuleBreach]:
        """Every catalogue rule the values break (rules over missing measures do not apply)."""
        return check_rules((r.rule for r in self.rules), values, self.labels_in_sentence)


def _mid_sentence(label: str) -> str:
    # An acronym at the start ("IDVA ...") keeps its capitals; an ordinary word does not.
    if len(label) > 1 and label[0].isupper() and not label[1].isupper():
        return label[0].lower() + label[1:]
    return label
