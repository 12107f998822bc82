"""The one validation engine for a return's figures: the form, the grid, the services and the
template import all check a return here, so they never disagree.

Errors block saving: a figure that is not a whole number, negative, a formula or other text,
above its measure's ceiling, a figure for a measure the period does not ask for, or a catalogue
rule broken, a breakdown whose categories add up to more than its measure's total (or given with
no total), a category not in the breakdown's list. Warnings let the officer save only with a note:
a breakdown whose categories fall short of the total (so "not known" gets used), a figure more than three times, or
less than a third of, the strand's median over its last four quarters (given at least two
figures, a median above 0, and a difference of at least `UNUSUAL_MIN_DIFFERENCE`), or a measure
left empty that was reported last quarter.

Build a `ReturnChecker` once per period (it prepares labels and rules) and call `check()` for
each return; that is cheap enough to run on every keystroke and every pasted cell.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from statistics import median

from desktop_app.core.catalogue import BreakdownDefinition, Catalogue, CatalogueRule, MeasureDefinition
from desktop_app.core.ceilings import measure_ceiling_message, shown_figure
from desktop_app.core.numbers import CountError, CountTooLarge, format_count, parse_count

__all__ = [
    "ABOVE_CEILING",
    "BREAKDOWN_OVER",
    "BREAKDOWN_SHORT",
    "BREAKDOWN_WITHOUT_TOTAL",
    "UNKNOWN_CATEGORY",
    "ERROR_KINDS",
    "FORMULA",
    "HISTORY_QUARTERS",
    "LEFT_EMPTY",
    "NEGATIVE",
    "NOT_A_NUMBER",
    "NOT_WHOLE",
    "NO_HISTORY",
    "RETURN_NOTE",
    "RULE_BROKEN",
    "UNKNOWN_MEASURE",
    "UNUSUAL_FACTOR",
    "UNUSUAL_MIN_DIFFERENCE",
    "UNUSUAL_VALUE",
    "WARNING_KINDS",
    "Problem",
    "ReturnCheck",
    "ReturnChecker",
    "BreakdownCell",
    "StrandHistory",
    "blocking",
    "check_return",
]

# Error kinds.
NOT_WHOLE = "not_whole_number"
NEGATIVE = "negative"
FORMULA = "formula"
NOT_A_NUMBER = "not_a_number"
RULE_BROKEN = "rule_broken"
UNKNOWN_MEASURE = "unknown_measure"
ABOVE_CEILING = "above_ceiling"
BREAKDOWN_OVER = "breakdown_over"
BREAKDOWN_WITHOUT_TOTAL = "breakdown_without_total"
UNKNOWN_CATEGORY = "unknown_category"
# Warning kinds.
UNUSUAL_VALUE = "unusual_value"
LEFT_EMPTY = "left_empty"
BREAKDOWN_SHORT = "breakdown_short"

ERROR_KINDS = frozenset({
    NOT_WHOLE, NEGATIVE, FORMULA, NOT_A_NUMBER, RULE_BROKEN, UNKNOWN_MEASURE, ABOVE_CEILING,
    BREAKDOWN_OVER, BREAKDOWN_WITHOUT_TOTAL, UNKNOWN_CATEGORY,
})
WARNING_KINDS = frozenset({UNUSUAL_VALUE, LEFT_EMPTY, BREAKDOWN_SHORT})

# One category's figure of one measure's breakdown: (measure key, breakdown key, category key).
BreakdownCell = tuple[str, str, str]

# The key, in a notes mapping, of the note on the return as a whole. Measure keys are lower-case
# identifiers, so the empty string can never be one.
RETURN_NOTE = ""

# A figure this many times the strand's median, or less than the median divided by it, is unusual.
UNUSUAL_FACTOR = 3
# ...but only when the figure is also this far from the median: for small counts (0 against a
# median of 0.5, 2 against 0.5) the ratio alone flags ordinary noise, and officers stop reading
# warnings that cry wolf. Set to 0 for the ratio alone.
UNUSUAL_MIN_DIFFERENCE = 5
# Fewer figures than this make no history worth comparing with.
MIN_HISTORY = 2
HISTORY_QUARTERS = 4


@dataclass(frozen=True)
class Problem:
    """One thing wrong (an error) or worth a second look (a warning) with a return.

    `measure_key` names the measure (None for a problem with the return as a whole); `kind` is
    one of the constants above; `message` is for the officer and names the measure by its label.
    `measure_keys` lists every measure involved (a broken rule involves several) so a grid can
    mark each of their cells; it starts with `measure_key`.
    """

    measure_key: str | None
    kind: str
    message: str
    measure_keys: tuple[str, ...] = ()
    # The breakdown the problem is in (None for a problem with the totals).
    breakdown_key: str | None = None
    # The category it names (an unreadable or unknown one, the largest of a sum too big), so
    # a template import can name that category's cell; None when it names none.
    category_key: str | None = None

    @property
    def is_error(self) -> bool:
        return self.kind in ERROR_KINDS

    @property
    def note_key(self) -> str:
        """Where the note explaining this warning belongs: the measure's own note, or
        `RETURN_NOTE` when there is no figure to hang it on (a measure left empty has no row)."""
        if self.measure_key is None or self.kind == LEFT_EMPTY:
            return RETURN_NOTE
        return self.measure_key

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class StrandHistory:
    """What the strand reported before the quarter being checked.

    `recent`: measure key -> figures from up to the last four quarters (oldest first; quarters
    with no figure left out). `last_quarter`: the figures of the quarter just before (empty when
    there was no return).
    """

    recent: Mapping[str, Sequence[int]] = field(default_factory=dict)
    last_quarter: Mapping[str, int] = field(default_factory=dict)

    def median(self, key: str) -> float | None:
        """The strand's median for `key` when there are enough figures to compare with."""
        figures = self.recent.get(key, ())
        if len(figures) < MIN_HISTORY:
            return None
        return median(figures)


NO_HISTORY = StrandHistory()


@dataclass(frozen=True)
class ReturnCheck:
    """What the engine found: the figures as read (None = blank or unreadable), then the
    errors (block saving) and warnings (need a note before verifying)."""

    values: dict[str, int | None]
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    # Each breakdown category's figure (None: blank); only the breakdowns that were entered.
    breakdown_values: dict[BreakdownCell, int | None] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """No errors (warnings may still need notes; see `blocking`)."""
        return not self.errors

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self.errors + self.warnings

    def for_measure(self, key: str) -> tuple[Problem, ...]:
        """The problems involving one measure, e.g. to mark its input or cell."""
        return tuple(p for p in self.problems if key in p.measure_keys)

    def collected(self) -> dict[str, int]:
        """The figures to store: every measure with a value (no entry = not collected)."""
        return {key: value for key, value in self.values.items() if value is not None}

    def collected_breakdowns(self) -> dict[BreakdownCell, int]:
        """The breakdown figures to store: every category with a value."""
        return {cell: value for cell, value in self.breakdown_values.items() if value is not None}


def blocking(check: ReturnCheck, notes: Mapping[str, str]) -> list[Problem]:
    """What still stops the return being verified: every error, and every warning without a note.

    `notes` maps a measure key to the officer's note on that figure, and `RETURN_NOTE` to the
    note on the return as a whole (which explains warnings about no single figure, and measures
    left empty). A note of only spaces does not count.
    """
    left = list(check.errors)
    for warning in check.warnings:
        if not (notes.get(warning.note_key) or "").strip():
            left.append(warning)
    return left


def _rule_order(rule: CatalogueRule) -> tuple[str, ...]:
    # The keys in the order the rule is written, so the first is the figure that is "too big".
    found = sorted(rule.rule.keys, key=lambda k: (m.start() if (m := re.search(rf"\b{k}\b", rule.rule.text)) else 0))
    return tuple(found)


class ReturnChecker:
    """The engine prepared for one period: its measures (in catalogue order) and the rules.

    Not changed after it is built, so a form, a grid model or an import worker can share one.
    """

    __slots__ = (
        "_breakdown_of", "_breakdowns", "_by_key", "_categories", "_in_sentence", "_keys", "_labels", "_rule_keys",
        "breakdown_lists", "measures", "rules",
    )

    def __init__(
        self,
        measures: Sequence[MeasureDefinition],
        rules: Sequence[CatalogueRule],
        breakdown_lists: Sequence[BreakdownDefinition] = (),
    ) -> None:
        self.measures: tuple[MeasureDefinition, ...] = tuple(measures)
        self.rules: tuple[CatalogueRule, ...] = tuple(rules)
        self.breakdown_lists = {b.key: b for b in breakdown_lists}
        self._keys = frozenset(m.key for m in self.measures)
        self._labels = {m.key: m.label for m in self.measures}
        self._by_key = {m.key: m for m in self.measures}
        # Rule messages read labels mid-sentence ("... is more than victims supported (100)").
        self._in_sentence = Catalogue(measures=self.measures, rules=()).labels_in_sentence
        self._rule_keys = {r.key: _rule_order(r) for r in self.rules}
        # Each measure's breakdowns and their categories, looked up once here rather than for
        # every category of every return checked (a grid checks a whole quarter at a time).
        self._breakdowns = {
            m.key: tuple(self.breakdown_lists[k] for k in m.breakdowns if k in self.breakdown_lists)
            for m in self.measures
        }
        self._breakdown_of = {(m, b.key): b for m, found in self._breakdowns.items() for b in found}
        self._categories = {cell: frozenset(c.key for c in b.categories) for cell, b in self._breakdown_of.items()}

    @classmethod
    def for_period(cls, catalogue: Catalogue, start: dt.date, end: dt.date) -> ReturnChecker:
        """The checker for a return covering `start`..`end` (a quarter's first and last day)."""
        return cls(catalogue.measures_for(start, end), catalogue.rules, catalogue.breakdown_lists)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(m.key for m in self.measures)

    def label(self, key: str) -> str:
        return self._labels.get(key, key)

    # ------------------------------------------------------------------ reading one figure

    def _read(self, key: str, raw: object) -> tuple[int | None, Problem | None]:
        measure = self._by_key[key]
        if type(raw) is int and 0 <= raw <= measure.ceiling:
            return raw, None  # a stored figure, or one already read
        try:
            value, problem = self._read_number(key, raw)
        except CountTooLarge as error:
            return None, self._above_ceiling(measure, f"a {error.digits:,}-digit number")
        if value is not None and value > measure.ceiling:
            return None, self._above_ceiling(measure, shown_figure(measure.unit, value))
        return value, problem

    @staticmethod
    def _above_ceiling(measure: MeasureDefinition, shown: str) -> Problem:
        message = measure_ceiling_message(measure.label, measure.unit, shown, measure.ceiling)
        return Problem(measure.key, ABOVE_CEILING, message, (measure.key,))

    def _read_number(self, key: str, raw: object) -> tuple[int | None, Problem | None]:
        label = self._labels[key]

        def problem(kind: str, text: str) -> tuple[None, Problem]:
            return None, Problem(key, kind, f"{label}: {text}", (key,))

        if raw is None:
            return None, None
        if isinstance(raw, bool):
            return problem(NOT_A_NUMBER, f"{raw} is not a count; enter a whole number such as 1,234")
        if isinstance(raw, int):
            if raw < 0:
                shown = format_count(raw) if raw > -(10**21) else "a huge negative number"
                return problem(NEGATIVE, f"{shown} cannot be negative: enter a count of 0 or more")
            return raw, None
        if isinstance(raw, float):
            # Spreadsheets hand over whole numbers as 12.0.
            if not math.isfinite(raw):
                return problem(NOT_A_NUMBER, f"{raw} is not a count; enter a whole number such as 1,234")
            if not raw.is_integer():
                return problem(NOT_WHOLE, f"'{raw:g}' is not a whole number: counts cannot have a fraction")
            return self._read_number(key, int(raw))
        if not isinstance(raw, str):
            return problem(NOT_A_NUMBER, f"{raw} is not a count; enter a whole number such as 1,234")
        try:
            return parse_count(raw), None
        except CountTooLarge:
            raise  # `_read` says it is above the ceiling
        except CountError as error:
            return problem(_kind_of(raw), str(error))

    # ------------------------------------------------------------------ the whole return

    def breakdowns_of(self, measure_key: str) -> tuple[BreakdownDefinition, ...]:
        """The breakdowns a measure of this period carries, in display order."""
        return self._breakdowns.get(measure_key, ())

    def check(
        self,
        entered: Mapping[str, object],
        history: StrandHistory = NO_HISTORY,
        breakdowns: Mapping[BreakdownCell, object] | None = None,
    ) -> ReturnCheck:
        """Check one return: `entered` maps measure keys to what was typed, pasted or read from
        a workbook (text, int, a whole float, or None/blank for not collected); a measure of the
        period missing from `entered` counts as not collected. `breakdowns` maps (measure,
        breakdown, category) to what was entered for that category; a breakdown with every
        category blank was not collected."""
        values: dict[str, int | None] = {}
        errors: list[Problem] = []
        unreadable: set[str] = set()
        for key, raw in entered.items():
            # A blank for a measure of another period is harmless (an import may send every key).
            if key not in self._keys and not _blank(raw):
                errors.append(
                    Problem(key, UNKNOWN_MEASURE, f"'{key}' is not a measure this period's return asks for", (key,))
                )
        for measure in self.measures:
            key = measure.key
            value, problem = self._read(key, entered.get(key))
            values[key] = value
            if problem is not None:
                errors.append(problem)
                unreadable.add(key)
        for rule in self.rules:
            if rule.rule.evaluate(values) is False:
                keys = self._rule_keys[rule.key]
                message = rule.rule.explain(values, self._in_sentence)
                errors.append(Problem(keys[0] if keys else None, RULE_BROKEN, message, keys))
        warnings = self._warnings(values, unreadable, history)
        breakdown_values = self._check_breakdowns(breakdowns or {}, values, unreadable, errors, warnings)
        return ReturnCheck(
            values=values, errors=tuple(errors), warnings=tuple(warnings), breakdown_values=breakdown_values
        )

    def _check_breakdowns(
        self,
        entered: Mapping[BreakdownCell, object],
        values: Mapping[str, int | None],
        unreadable: set[str],
        errors: list[Problem],
        warnings: list[Problem],
    ) -> dict[BreakdownCell, int | None]:
        read: dict[BreakdownCell, int | None] = {}
        if all(_blank(raw) for raw in entered.values()):
            return read  # nothing broken down: the usual case, checked on every pasted cell
        for (measure_key, breakdown_key, category_key), raw in entered.items():
            if _blank(raw):
                continue
            breakdown = self._breakdown_of.get((measure_key, breakdown_key))
            if breakdown is None or category_key not in self._categories[(measure_key, breakdown_key)]:
                what = f"{self.label(measure_key)} by {breakdown.label.lower()}" if breakdown else (
                    f"a breakdown '{breakdown_key}' of {self.label(measure_key)}"
                )
                errors.append(Problem(
                    measure_key, UNKNOWN_CATEGORY,
                    f"'{category_key}' is not a category of {what}; use one of the listed categories",
                    (measure_key,), breakdown_key, category_key,
                ))
        for measure in self.measures:
            for breakdown in self._breakdowns[measure.key]:
                cells = [(measure.key, breakdown.key, c.key) for c in breakdown.categories]
                if all(_blank(entered.get(cell)) for cell in cells):
                    continue
                name = f"{measure.label} by {breakdown.label.lower()}"
                readable = True
                for cell, category in zip(cells, breakdown.categories):
                    raw = entered.get(cell)
                    if type(raw) is int and 0 <= raw <= measure.ceiling:
                        read[cell] = raw  # a stored figure: the usual case, thousands a quarter
                        continue
                    value, problem = self._read_category(measure, f"{name}, {category.label}", raw)
                    read[cell] = value
                    if problem is not None:
                        errors.append(Problem(
                            measure.key, problem[0], problem[1], (measure.key,), breakdown.key, cell[2]
                        ))
                        readable = False
                if not readable or measure.key in unreadable:
                    continue
                added = sum(read[cell] or 0 for cell in cells)
                total = values.get(measure.key)
                if total is None:
                    errors.append(Problem(
                        measure.key, BREAKDOWN_WITHOUT_TOTAL,
                        f"{name}: the categories add up to {format_count(added)} but {self._in_sentence[measure.key]} "
                        "is empty; enter the total too",
                        (measure.key,), breakdown.key,
                    ))
                elif added > total:
                    largest = max(zip(breakdown.categories, cells), key=lambda item: read[item[1]] or 0)
                    errors.append(Problem(
                        measure.key, BREAKDOWN_OVER,
                        f"{name}: the categories add up to {format_count(added)}, more than the total of "
                        f"{format_count(total)} (the largest is {largest[0].label}, "
                        f"{format_count(read[largest[1]] or 0)}); correct the categories or the total",
                        (measure.key,), breakdown.key, largest[0].key,
                    ))
                elif added < total:
                    warnings.append(Problem(
                        measure.key, BREAKDOWN_SHORT,
                        f"{name}: the categories add up to {format_count(added)}, "
                        f"{format_count(total - added)} short of the total of {format_count(total)}; "
                        "count the rest under \"Not known\"",
                        (measure.key,), breakdown.key,
                    ))
        return read

    def _read_category(
        self, measure: MeasureDefinition, name: str, raw: object
    ) -> tuple[int | None, tuple[str, str] | None]:
        # A category reads like its measure's figure, under its own name.
        try:
            value, problem = self._read_number(measure.key, raw)
        except CountTooLarge as error:
            return None, (ABOVE_CEILING, measure_ceiling_message(name, measure.unit, f"a {error.digits:,}-digit number", measure.ceiling))
        if problem is not None:
            text = problem.message.split(": ", 1)[1] if ": " in problem.message else problem.message
            return None, (problem.kind, f"{name}: {text}")
        if value is not None and value > measure.ceiling:
            return None, (ABOVE_CEILING, measure_ceiling_message(name, measure.unit, shown_figure(measure.unit, value), measure.ceiling))
        return value, None

    def _warnings(self, values: Mapping[str, int | None], unreadable: set[str], history: StrandHistory) -> list[Problem]:
        warnings: list[Problem] = []
        for measure in self.measures:
            key = measure.key
            value = values[key]
            if value is None:
                last = history.last_quarter.get(key)
                if key not in unreadable and last is not None:
                    warnings.append(
                        Problem(
                            key,
                            LEFT_EMPTY,
                            f"{measure.label} is empty but was reported last quarter ({format_count(last)}); "
                            "say in the return's notes why it was not collected",
                            (key,),
                        )
                    )
                continue
            middle = history.median(key)
            if not middle:  # None, or a median of 0: nothing to be "three times" of
                continue
            if abs(value - middle) < UNUSUAL_MIN_DIFFERENCE:
                continue
            quarters = len(history.recent[key])
            shown = _format_median(middle)
            if value > UNUSUAL_FACTOR * middle:
                comparison = "more than three times"
            elif value * UNUSUAL_FACTOR < middle:
                comparison = "less than a third of"
            else:
                continue
            warnings.append(
                Problem(
                    key,
                    UNUSUAL_VALUE,
                    f"{measure.label} ({format_count(value)}) is {comparison} this strand's median "
                    f"over its last {quarters} quarters ({shown}); add a note explaining it",
                    (key,),
                )
            )
        return warnings


def _blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _format_median(middle: float) -> str:
    # The median of an even number of figures can end in .5.
    return format_count(int(middle)) if float(middle).is_integer() else f"{middle:,.1f}"


_COUNT_SHAPE = re.compile(r"([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]+))?")


def _kind_of(raw: str) -> str:
    """Which error `parse_count` refused the text for, judged in the order it judges."""
    body = raw.strip()
    if body.startswith("="):
        return FORMULA
    negative = body.startswith(("-", "\u2212"))
    if negative:
        body = body[1:].lstrip()
    shape = _COUNT_SHAPE.fullmatch(body)
    if shape is None:
        return NOT_A_NUMBER
    if (shape[2] or "").strip("0"):
        return NOT_WHOLE
    return NEGATIVE if negative else NOT_A_NUMBER


def check_return(
    entered: Mapping[str, object],
    measures: Sequence[MeasureDefinition],
    rules: Sequence[CatalogueRule],
    history: StrandHistory = NO_HISTORY,
) -> ReturnCheck:
    """Check one return in one call (builds a `ReturnChecker`; reuse one for many returns)."""
    return ReturnChecker(measures, rules).check(entered, history)
