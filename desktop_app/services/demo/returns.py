"""Writing the demo returns: 12 quarters of figures that keep every rule, statuses as an office has them.

2022/23 adds up exactly to the published yearly summary. Each year's totals are shared over the
(strand, quarter) cells by weight with the largest-remainder method, capped where a rule limits a
measure, so every whole-number figure keeps its rules and the sums come out exact.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.core.catalogue import Catalogue
from desktop_app.core.periods import FinancialYear, Quarter
from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.services.demo.apportion import apportion
from desktop_app.services.demo.bulk import insert_audited
from desktop_app.services.demo.catalogue_figures import breakdown_figures, category_weights, derived_figures
from desktop_app.services.demo.register import YEARS, DemoStrand
from desktop_app.store.models import BreakdownCategory, Measure, Return, ReturnBreakdownValue, ReturnPeriod, ReturnValue

MEASURE_KEYS = (
    "victims_supported",
    "idva_da_supported",
    "isva_sa_supported",
    "reported_before",
    "reported_after",
    "referred_mental_health",
    "rj_supported",
)

# "During the period 1st April 2022 to 31st March 2023" (Police and Crime Panel, July 2023).
PUBLISHED_2022 = {
    "victims_supported": 90_793,
    "idva_da_supported": 22_989,
    "isva_sa_supported": 5_168,
    "reported_before": 69_041,
    "reported_after": 410,
    "referred_mental_health": 1_487,
    "rj_supported": 7_667,
}
# Change on the year before, per measure: a plausible rise of a few per cent.
_GROWTH = {
    2023: {"victims_supported": 1.054, "idva_da_supported": 1.062, "isva_sa_supported": 1.081,
           "reported_before": 1.049, "reported_after": 1.110, "referred_mental_health": 1.083,
           "rj_supported": 1.031},
    2024: {"victims_supported": 1.041, "idva_da_supported": 1.048, "isva_sa_supported": 1.060,
           "reported_before": 1.038, "reported_after": 1.030, "referred_mental_health": 1.052,
           "rj_supported": 1.019},
}

# Measures only a strand of one category reports, and the share of its victims they cover.
_SPECIALIST = {
    "idva_da_supported": ("idva", 0.91),
    "isva_sa_supported": ("isva", 0.87),
    "rj_supported": ("restorative_justice", 0.94),
}
_SPECIALIST_CATEGORIES = {category for category, _share in _SPECIALIST.values()}
# Victims a quarter at size 1, by category (a strand's caseload relative to others).
_CASELOAD = {
    "general_victim_support": 900, "idva": 400, "isva": 200, "restorative_justice": 900,
    "children_young_people": 120, "hate_crime": 110, "exploitation_modern_slavery": 45,
    "counselling_mental_health": 130, "domestic_abuse_refuge": 60, "witness_support": 600,
}
# Share of a category's victims who had reported to the police, who went on to, and who were
# referred to mental health support (relative weights; the year's totals decide the figures).
_REPORTED_BEFORE = {
    "general_victim_support": 0.92, "idva": 0.83, "isva": 0.42, "restorative_justice": 0.97,
    "children_young_people": 0.55, "hate_crime": 0.62, "exploitation_modern_slavery": 0.45,
    "counselling_mental_health": 0.50, "domestic_abuse_refuge": 0.60, "witness_support": 0.99,
}
_REPORTED_AFTER = {
    "general_victim_support": 0.002, "idva": 0.006, "isva": 0.03, "restorative_justice": 0.0,
    "children_young_people": 0.01, "hate_crime": 0.015, "exploitation_modern_slavery": 0.02,
    "counselling_mental_health": 0.02, "domestic_abuse_refuge": 0.01, "witness_support": 0.0,
}
_MENTAL_HEALTH = {
    "general_victim_support": 0.008, "idva": 0.025, "isva": 0.06, "restorative_justice": 0.005,
    "children_young_people": 0.03, "hate_crime": 0.02, "exploitation_modern_slavery": 0.05,
    "counselling_mental_health": 0.09, "domestic_abuse_refuge": 0.04, "witness_support": 0.004,
}
_SEASON = {1: 1.0, 2: 1.02, 3: 1.04, 4: 0.95}

# Quarters out of the ordinary, so the warnings have something to show: (strand, year, quarter).
_UNUSUAL = {
    ("Calderdale community IDVA service", 2023, 3): (
        0.3, "IDVA post vacant October to December; the team manager held urgent cases only."
    ),
    ("Wakefield hate crime advocacy", 2024, 2): (
        2.6, "Referrals rose after a local community tension incident in August; extra sessions run."
    ),
}
_RETURN_NOTES = (
    "Figures confirmed by e-mail after the deadline.",
    "Provider resubmitted after correcting a double count of repeat referrals.",
    "Case management system changed this quarter; figures checked by hand.",
    "Two advocates on long-term leave; waiting list opened in the last month.",
    "Includes victims supported at the new outreach surgery.",
    "Provider asked whether to count victims supported by phone only (yes, agreed).",
)


@dataclass(frozen=True)
class YearFigures:
    """One year's figures per (strand index, quarter number), measure key → value."""

    year: FinancialYear
    cells: dict[tuple[int, int], dict[str, int]]

    def totals(self) -> dict[str, int]:
        return {key: sum(v[key] for v in self.cells.values()) for key in MEASURE_KEYS}


def year_totals() -> dict[int, dict[str, int]]:
    """The totals each year's returns add up to: published for 2022/23, grown after."""
    totals = {2022: dict(PUBLISHED_2022)}
    for year, growth in _GROWTH.items():
        totals[year] = {key: round(totals[year - 1][key] * growth[key]) for key in MEASURE_KEYS}
    return totals


def _noise(rng: random.Random, spread: float) -> float:
    return max(0.5, rng.gauss(1.0, spread))


def year_figures(
    rng: random.Random, strands: list[DemoStrand], year: FinancialYear, totals: dict[str, int],
    trend: list[float],
) -> YearFigures:
    """Share one year's totals over the strands running that year, quarter by quarter."""
    cells = [(i, q) for i, s in enumerate(strands) if s.runs_in(year) for q in range(1, 5)]
    category = [strands[i].category for i, _ in cells]
    weight = []
    for i, q in cells:
        strand = strands[i]
        unusual = _UNUSUAL.get((strand.plan.name, year.start_year, q), (1.0, ""))[0]
        weight.append(
            _CASELOAD[strand.category] * strand.plan.size * _SEASON[q]
            * trend[i] ** (year.start_year - 2022) * _noise(rng, 0.07) * unusual
        )
    # Victims supported: the specialist strands first, sized to hold their measure, then the rest.
    supported = [0] * len(cells)
    other_total = totals["victims_supported"]
    for key, (wanted, share) in _SPECIALIST.items():
        group_total = round(totals[key] / share)
        other_total -= group_total
        group_weights = [w if c == wanted else 0.0 for w, c in zip(weight, category)]
        supported = _add(supported, apportion(group_total, group_weights))
    others = [w if c not in _SPECIALIST_CATEGORIES else 0.0 for w, c in zip(weight, category)]
    supported = _add(supported, apportion(other_total, others))

    values = {"victims_supported": supported}
    for key, (wanted, share) in _SPECIALIST.items():
        weights = [
            n * rng.uniform(share - 0.05, share + 0.04) if c == wanted else 0.0
            for n, c in zip(supported, category)
        ]
        values[key] = apportion(totals[key], weights, caps=supported)
    values["reported_before"] = apportion(
        totals["reported_before"],
        [n * _REPORTED_BEFORE[c] * _noise(rng, 0.05) for n, c in zip(supported, category)],
        caps=supported,
    )
    values["reported_after"] = apportion(
        totals["reported_after"],
        [n * _REPORTED_AFTER[c] * _noise(rng, 0.3) for n, c in zip(supported, category)],
        caps=[n - b for n, b in zip(supported, values["reported_before"])],
    )
    values["referred_mental_health"] = apportion(
        totals["referred_mental_health"],
        [n * _MENTAL_HEALTH[c] * _noise(rng, 0.2) for n, c in zip(supported, category)],
        caps=supported,
    )
    return YearFigures(
        year=year,
        cells={cell: {key: values[key][n] for key in MEASURE_KEYS} for n, cell in enumerate(cells)},
    )


def _add(first: list[int], second: list[int]) -> list[int]:
    return [a + b for a, b in zip(first, second)]


def write_return_periods(session: Session) -> dict[Quarter, ReturnPeriod]:
    existing = {
        (p.financial_year, p.quarter): p for p in session.scalars(select(ReturnPeriod))
    }
    periods = {}
    for year in YEARS:
        for quarter in year.quarters():
            period = existing.get((year.start_year, quarter.number))
            if period is None:
                period = ReturnPeriod(financial_year=year.start_year, quarter=quarter.number)
                session.add(period)
            periods[quarter] = period
    return periods


@dataclass(frozen=True)
class _Status:
    status: ReturnStatus | None  # None: the return has not come in
    received: dt.date | None
    copied: bool = False


def _statuses(rng: random.Random, strands: list[DemoStrand], quarter: Quarter) -> list[_Status]:
    """How far each strand's return for the quarter has got, as an office would have it."""
    last = YEARS[-1]
    running = [s.runs_in(quarter.year) for s in strands]
    if quarter.year < last:
        return [_Status(ReturnStatus.LOCKED, quarter.end + dt.timedelta(rng.randint(14, 35)))
                for _ in strands]
    if quarter.number < 4:
        late = set(rng.sample(range(len(strands)), 4)) if quarter.number == 3 else set()
        return [
            _Status(ReturnStatus.SUBMITTED, quarter.end + dt.timedelta(rng.randint(30, 45)))
            if n in late
            else _Status(ReturnStatus.VERIFIED, quarter.end + dt.timedelta(rng.randint(14, 35)))
            for n in range(len(strands))
        ]
    # The last quarter is still coming in: some submitted, some keyed as drafts, the rest missing.
    order = [n for n in range(len(strands)) if running[n]]
    rng.shuffle(order)
    submitted = set(order[: round(0.55 * len(order))])
    drafts = order[len(submitted): len(submitted) + round(0.20 * len(order))]
    copied = set(drafts[:2])
    result = []
    for n in range(len(strands)):
        if n in submitted:
            result.append(_Status(ReturnStatus.SUBMITTED, quarter.end + dt.timedelta(rng.randint(10, 40))))
        elif n in drafts:
            result.append(_Status(ReturnStatus.DRAFT, None, copied=n in copied))
        else:
            result.append(_Status(None, None))
    return result


@dataclass(frozen=True)
class DemoReturn:
    """A return the demo wrote, as its checks read it."""

    reference: str
    category: str  # the strand's service category key
    values: dict[str, int]


def write_returns(
    session: Session,
    rng: random.Random,
    strands: list[DemoStrand],
    periods: dict[Quarter, ReturnPeriod],
    figures: YearFigures,
    catalogue: Catalogue,
) -> list[DemoReturn]:
    """The year's Return rows with a value for each measure valid in its quarter (the published
    seven, the rest made from their catalogue `demo` attributes) and its breakdowns; missing
    returns get no row. Written in bulk, audited as the ORM would (`bulk`)."""
    measures = {m.key: m.id for m in session.scalars(select(Measure))}
    categories = {
        (c.breakdown.key, c.key): c.id
        for c in session.scalars(select(BreakdownCategory).join(BreakdownCategory.breakdown))
    }
    session.flush()  # the strands and periods need their ids
    # Its own generator, so the catalogue's measures leave the published figures and statuses as
    # they were; the same catalogue always gives the same demo.
    catalogue_rng = random.Random(f"catalogue-figures-{figures.year.start_year}")
    weights = {b.key: category_weights(catalogue_rng, b) for b in catalogue.breakdown_lists}
    # Breakdowns in one quarter only, 2024/25 Q3 (verified, so the export counts them), as an
    # office that has just begun collecting them has them.
    latest = YEARS[-1].quarters()[2]
    returns: list[dict[str, object]] = []
    values: list[list[dict[str, object]]] = []
    breakdowns: list[list[dict[str, object]]] = []
    written: list[DemoReturn] = []
    for quarter in figures.year.quarters():
        statuses = _statuses(rng, strands, quarter)
        for n, strand in enumerate(strands):
            if (n, quarter.number) not in figures.cells or statuses[n].status is None:
                continue
            state = statuses[n]
            cell_values = figures.cells[(n, quarter.number)]
            if state.copied:
                cell_values = figures.cells[(n, quarter.number - 1)]
                figures.cells[(n, quarter.number)] = dict(cell_values)
            asked = catalogue.measures_for(quarter.start, quarter.end)
            all_values = derived_figures(
                catalogue_rng, asked, {k: v for k, v in cell_values.items() if k in {m.key for m in asked}}
            )
            unusual = _UNUSUAL.get((strand.plan.name, quarter.year.start_year, quarter.number))
            notes = unusual[1] if unusual else ""
            if not notes and state.status is ReturnStatus.LOCKED and rng.random() < 0.02:
                notes = rng.choice(_RETURN_NOTES)
            returns.append({
                "strand_id": strand.row.id, "period_id": periods[quarter].id, "status": state.status,
                "received_date": state.received, "notes": notes, "copied_from_previous": state.copied,
                "version": 1,
            })
            values.append([
                {
                    "measure_id": measures[key], "value": all_values[key],
                    "note": unusual[1] if unusual and key == "victims_supported" else None, "version": 1,
                }
                for key in all_values
            ])
            breakdowns.append([
                {"measure_id": measures[measure_key], "category_id": categories[(breakdown_key, category_key)],
                 "value": count, "version": 1}
                for (measure_key, breakdown_key, category_key), count in (
                    breakdown_figures(catalogue_rng, catalogue, all_values, weights) if quarter == latest else {}
                ).items()
            ])
            written.append(DemoReturn(strand.row.reference, strand.category, all_values))
    ids = insert_audited(session, Return, returns)
    for model, per_return in ((ReturnValue, values), (ReturnBreakdownValue, breakdowns)):
        rows = [dict(row, return_id=return_id) for return_id, group in zip(ids, per_return) for row in group]
        insert_audited(session, model, rows)
    return written
