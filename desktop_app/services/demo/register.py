"""Writing the demo register: the grants, their budgets and lines, providers, strands and allocations.

Since 2022/23 the MoJ funds an office through two agreements, Core and General; the General grant
holds the ring-fenced domestic abuse / sexual violence money and the ISVA/IDVA fund as lines of
their own. Each strand is funded from one of them by its service category, and each stream's and
line's yearly budget is what its strands are allocated, so the budgets still add up to £14m.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.core.periods import FinancialYear
from desktop_app.services.demo.apportion import apportion
from desktop_app.services.demo.register_plan import (
    DEMO_END,
    DEMO_START,
    FIRST_NAMES,
    LAST_NAMES,
    PROVIDERS,
    ProviderPlan,
    StrandPlan,
)
from desktop_app.store.models import (
    Allocation,
    Budget,
    District,
    FundingLine,
    FundingStream,
    LineBudget,
    Plan,
    Priority,
    Provider,
    ServiceCategory,
    Strand,
    Theme,
)

STREAM_FUNDER = "Ministry of Justice"
# Yearly budgets in pence over both grants, by the year each financial year starts in; £14m in all.
BUDGETS = {2022: 460_000_000, 2023: 465_000_000, 2024: 475_000_000}
YEARS = tuple(FinancialYear(start) for start in BUDGETS)


@dataclass(frozen=True)
class StreamPlan:
    key: str
    name: str
    notes: str
    # Line key -> (name, service categories paid from it); categories not in a line use the stream.
    lines: dict[str, tuple[str, tuple[str, ...]]]
    categories: tuple[str, ...]


STREAMS = (
    StreamPlan(
        key="core",
        name="MoJ Core victims' services grant 2022–25",
        notes="Synthetic demo data: the Core grant agreement for local commissioning of victims' services.",
        lines={},
        categories=(
            "general_victim_support", "children_young_people", "hate_crime", "exploitation_modern_slavery",
            "restorative_justice", "witness_support",
        ),
    ),
    StreamPlan(
        key="general",
        name="MoJ General victims' services grant 2022–25",
        notes="Synthetic demo data: the General grant agreement with its ring-fenced lines.",
        lines={
            "da_sv": ("Domestic abuse and sexual violence services", ("domestic_abuse_refuge", "counselling_mental_health")),
            "isva_idva": ("ISVA and IDVA fund", ("isva", "idva")),
        },
        categories=("domestic_abuse_refuge", "counselling_mental_health", "isva", "idva"),
    ),
)


@dataclass(frozen=True)
class DemoFunding:
    """The demo's streams and lines, and which of them pays for each service category."""

    streams: dict[str, FundingStream]
    lines: dict[str, FundingLine]
    stream_of: dict[str, FundingStream]  # service category key -> stream
    line_of: dict[str, FundingLine]  # service category key -> line (ring-fenced ones only)

# Allocations are whole multiples of £50, as commissioners round them.
_ALLOCATION_UNIT_PENCE = 50_00
# What a strand of each category costs a year at size 1 (relative, in £k).
_YEARLY_COST = {
    "idva": 95,
    "isva": 90,
    "restorative_justice": 150,
    "general_victim_support": 75,
    "children_young_people": 45,
    "hate_crime": 40,
    "exploitation_modern_slavery": 60,
    "counselling_mental_health": 50,
    "domestic_abuse_refuge": 110,
    "witness_support": 70,
}


@dataclass(frozen=True)
class DemoStrand:
    """A strand as the later steps need it: the row and what it was planned as."""

    row: Strand
    plan: StrandPlan
    provider_name: str

    @property
    def category(self) -> str:
        return self.plan.category

    def runs_in(self, year: FinancialYear) -> bool:
        return self.plan.start <= year.end and DEMO_END >= year.start


def _by_key(session: Session, model: type) -> dict:
    return {row.key: row for row in session.scalars(select(model))}


def write_funding_streams(session: Session) -> DemoFunding:
    """The Core and General grants and the General grant's lines; budgets come with the allocations."""
    streams, lines, stream_of, line_of = {}, {}, {}, {}
    for plan in STREAMS:
        stream = FundingStream(
            key=plan.key, name=plan.name, funder=STREAM_FUNDER, start_date=DEMO_START, end_date=DEMO_END,
            total_pence=0, notes=plan.notes,
        )
        session.add(stream)
        streams[plan.key] = stream
        for category in plan.categories:
            stream_of[category] = stream
        for key, (name, categories) in plan.lines.items():
            line = FundingLine(key=key, name=name, notes="Ring-fenced (demo data).")
            line.funding_stream = stream
            session.add(line)
            lines[key] = line
            for category in categories:
                line_of[category] = line
    return DemoFunding(streams=streams, lines=lines, stream_of=stream_of, line_of=line_of)


def write_budgets(session: Session, funding: DemoFunding, strands: list[DemoStrand]) -> None:
    """Each stream's and line's budget per year: what its strands were allocated that year."""
    session.flush()
    stream_years: dict[int, dict[int, int]] = {s.id: {} for s in funding.streams.values()}
    line_years: dict[int, dict[int, int]] = {line.id: {} for line in funding.lines.values()}
    for strand in strands:
        for allocation in strand.row.allocations:
            year, pence = allocation.financial_year, allocation.amount_pence
            held = stream_years[strand.row.funding_stream.id]
            held[year] = held.get(year, 0) + pence
            line = funding.line_of.get(strand.category)
            if line is not None:
                line_years[line.id][year] = line_years[line.id].get(year, 0) + pence
    for stream in funding.streams.values():
        years = stream_years[stream.id]
        stream.budgets = [Budget(financial_year=y, amount_pence=p) for y, p in sorted(years.items())]
        stream.total_pence = sum(years.values())
    for line in funding.lines.values():
        line.budgets = [LineBudget(financial_year=y, amount_pence=p) for y, p in sorted(line_years[line.id].items())]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower().replace("'", "").replace("+", "")).strip("-")


def _phone(rng: random.Random, districts: tuple[str, ...]) -> str:
    # Ofcom's ranges kept for drama: they will never ring anyone.
    if rng.random() < 0.15:
        return f"07700 900 {rng.randint(0, 999):03d}"
    if districts == ("leeds",):
        return f"0113 496 {rng.randint(0, 999):04d}"
    return f"01632 960 {rng.randint(0, 999):03d}"


def _provider_row(rng: random.Random, plan: ProviderPlan, districts: dict[str, District]) -> Provider:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    charity_number = f"1{rng.randint(100000, 999999)}" if plan.charity else None
    company_number = None
    if plan.charity and rng.random() < 0.55:
        company_number = f"{rng.randint(1000000, 9999999):08d}"
    return Provider(
        name=plan.name,
        organisation_type=plan.organisation_type,
        scope=plan.scope,
        charity_number=charity_number,
        company_number=company_number,
        contact_name=f"{first} {last}",
        contact_email=f"{first}.{last}@{_slug(plan.name)}.example.org".lower(),
        contact_phone=_phone(rng, plan.districts),
        active=True,
        notes="Fictional organisation (demo data).",
        districts=[districts[key] for key in plan.districts],
    )


def write_register(session: Session, rng: random.Random, funding: DemoFunding) -> list[DemoStrand]:
    """The 34 providers and 72 strands, references WY-001 onwards in plan order."""
    session.flush()  # the lines' ids, which strands name
    districts = _by_key(session, District)
    categories = _by_key(session, ServiceCategory)
    # The demo's strands were commissioned (2022–25) under the first plan.
    plan_row = session.scalars(select(Plan).order_by(Plan.start)).first()
    priorities = {
        p.number: p for p in session.scalars(select(Priority).where(Priority.plan_id == plan_row.id))
    }
    themes = {
        t.key: t for t in session.scalars(select(Theme).where(Theme.plan_id == plan_row.id))
    }
    strands: list[DemoStrand] = []
    for provider_plan in PROVIDERS:
        provider = _provider_row(rng, provider_plan, districts)
        session.add(provider)
        for strand_plan in provider_plan.strands:
            reference = f"WY-{len(strands) + 1:03d}"
            row = Strand(
                reference=reference,
                provider=provider,
                funding_stream=funding.stream_of[strand_plan.category],
                name=strand_plan.name,
                service_category=categories[strand_plan.category],
                agreement_type=strand_plan.agreement,
                start_date=strand_plan.start,
                end_date=DEMO_END,
                priority=priorities[strand_plan.priority],
                active=True,
                themes=[themes[key] for key in strand_plan.all_themes],
                districts=[districts[key] for key in (strand_plan.districts or provider_plan.districts)],
            )
            line = funding.line_of.get(strand_plan.category)
            row.funding_line_id = line.id if line is not None else None
            session.add(row)
            strands.append(DemoStrand(row=row, plan=strand_plan, provider_name=provider_plan.name))
    return strands


def write_allocations(session: Session, rng: random.Random, strands: list[DemoStrand]) -> int:
    """Each year's budget shared over the strands running that year; returns the pence allocated."""
    # A strand's cost stays in proportion from year to year, with a little change each year.
    base = [
        _YEARLY_COST[s.category] * s.plan.size**0.8 * rng.uniform(0.85, 1.15) for s in strands
    ]
    allocated = 0
    for year in YEARS:
        weights = [
            b * rng.uniform(0.97, 1.05) if s.runs_in(year) else 0.0 for b, s in zip(base, strands)
        ]
        units = apportion(BUDGETS[year.start_year] // _ALLOCATION_UNIT_PENCE, weights)
        for strand, count in zip(strands, units):
            if strand.runs_in(year):
                amount = count * _ALLOCATION_UNIT_PENCE
                session.add(Allocation(strand=strand.row, financial_year=year.start_year, amount_pence=amount))
                allocated += amount
    return allocated
