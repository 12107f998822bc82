"""Writing the demo register: the grant, its budgets, providers, strands and allocations."""

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
    FundingStream,
    Plan,
    Priority,
    Provider,
    ServiceCategory,
    Strand,
    Theme,
)

STREAM_NAME = "MoJ victims' services grant 2022–25"
STREAM_FUNDER = "Ministry of Justice"
# Yearly budgets in pence, by the year each financial year starts in; £14m in all.
BUDGETS = {2022: 460_000_000, 2023: 465_000_000, 2024: 475_000_000}
YEARS = tuple(FinancialYear(start) for start in BUDGETS)

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


def write_funding_stream(session: Session) -> FundingStream:
    stream = FundingStream(
        name=STREAM_NAME,
        funder=STREAM_FUNDER,
        start_date=DEMO_START,
        end_date=DEMO_END,
        total_pence=sum(BUDGETS.values()),
        notes="Synthetic demo data: the grant for local commissioning of victims' services.",
    )
    stream.budgets = [Budget(financial_year=year, amount_pence=amount) for year, amount in BUDGETS.items()]
    session.add(stream)
    return stream


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


def write_register(session: Session, rng: random.Random, stream: FundingStream) -> list[DemoStrand]:
    """The 34 providers and 72 strands, references WY-001 onwards in plan order."""
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
                funding_stream=stream,
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
