"""Demo figures for every measure beyond the published seven, made from the catalogue alone.

Each such measure says in the reference data how its figure relates to another's (`demo = { of
= "victims_supported", ratio = 1.28 }`), so a measure added to the file appears in the demo
with no code. A ratio of 1 or less makes a part of a whole: it is capped at the whole, which
keeps rules such as improved <= measured <= victims_closed. A breakdown's categories share the
total out exactly, so every demo breakdown adds up.
"""

from __future__ import annotations

import random

from desktop_app.core.catalogue import BreakdownDefinition, Catalogue, MeasureDefinition
from desktop_app.services.demo.apportion import apportion

NOT_KNOWN = "not_known"


def derived_figures(
    rng: random.Random, measures: tuple[MeasureDefinition, ...], known: dict[str, int]
) -> dict[str, int]:
    """`known` (the published measures' figures) plus a figure for every measure in `measures`
    whose `demo_of` measure has one; measures without a demo rule are left out."""
    values = dict(known)
    waiting = [m for m in measures if m.key not in values and m.demo_of and m.demo_ratio is not None]
    # A measure may be made from another derived one (improved from measured): go round until
    # nothing more can be made.
    while waiting:
        ready = [m for m in waiting if m.demo_of in values]
        if not ready:
            break
        for measure in ready:
            base = values[measure.demo_of]
            figure = round(base * measure.demo_ratio * rng.uniform(0.88, 1.12))
            if measure.demo_ratio <= 1:
                figure = min(figure, base)
            values[measure.key] = min(figure, measure.ceiling)
        waiting = [m for m in waiting if m.key not in values]
    return values


def category_weights(rng: random.Random, breakdown: BreakdownDefinition) -> list[float]:
    """A plausible-looking spread over a breakdown's categories: uneven, "not known" small."""
    weights = [rng.uniform(0.2, 1.0) ** 2 for _ in breakdown.categories]
    for n, category in enumerate(breakdown.categories):
        if category.key == NOT_KNOWN:
            weights[n] = 0.03
    return weights


def breakdown_figures(
    rng: random.Random,
    catalogue: Catalogue,
    values: dict[str, int],
    weights: dict[str, list[float]],
) -> dict[tuple[str, str, str], int]:
    """(measure, breakdown, category) -> count, each breakdown adding up to its measure's figure."""
    found: dict[tuple[str, str, str], int] = {}
    for measure in catalogue.measures:
        total = values.get(measure.key)
        if not total:
            continue
        for breakdown in catalogue.breakdowns_of(measure.key):
            spread = [w * rng.uniform(0.8, 1.2) for w in weights[breakdown.key]]
            for category, count in zip(breakdown.categories, apportion(total, spread)):
                if count:
                    found[(measure.key, breakdown.key, category.key)] = count
    return found
