"""The `demo` use case: fill an empty database with synthetic, deterministic demo data.

A newcomer sees a living program at once: 34 fictional providers, 72 strands, £14m allocated
over 2022/23 to 2024/25, three years of quarterly returns whose 2022/23 totals equal the
published yearly summary, and indicator readings. It is written in one transaction, through the
ORM or, for the many figure rows, in bulk with the same audit lines the ORM writes (`bulk`), so
the audit trail records all of it; it refuses to touch a database that holds real data.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop_app.core.money import format_pence
from desktop_app.core.numbers import format_count
from desktop_app.services.catalogue import load_catalogue
from desktop_app.services.demo.claims import write_claims
from desktop_app.services.demo.indicators import write_indicators
from desktop_app.services.demo.register import (
    YEARS,
    write_allocations,
    write_budgets,
    write_funding_streams,
    write_register,
)
from desktop_app.services.demo.returns import (
    MEASURE_KEYS,
    DemoReturn,
    PUBLISHED_2022,
    YearFigures,
    write_return_periods,
    write_returns,
    year_figures,
    year_totals,
)
from desktop_app.services.errors import DemoRefusedError
from desktop_app.store.database import Database
from desktop_app.store.models import (
    Allocation,
    FundingStream,
    IndicatorReading,
    Provider,
    Return,
    Setting,
    Strand,
    Submission,
)

__all__ = ["DEMO_SEED", "DemoSummary", "build_demo"]

DEMO_SEED = 20230714
DEMO_LOCK_KEY = 7_318_204_552  # a PostgreSQL advisory lock of its own (the schema's is ...551)
# Any row in these tables is someone's data, which the demo must never be mixed into.
_USER_DATA = (Provider, Strand, FundingStream, Return, IndicatorReading, Allocation, Submission)


@dataclass(frozen=True)
class DemoSummary:
    """What `build_demo` wrote."""

    database: str
    providers: int
    strands: int
    returns: int
    readings: int
    allocated_pence: int
    first_year: str
    last_year: str

    def describe(self) -> str:
        """One or two lines for the officer (the CLI prints them, the window shows them)."""
        return (
            f"Demo data written to {self.database}: {format_count(self.providers)} providers, "
            f"{format_count(self.strands)} strands, {format_count(self.returns)} returns, "
            f"{format_count(self.readings)} indicator readings and "
            f"{format_pence(self.allocated_pence, show_pence=False)} allocated over "
            f"{self.first_year} to {self.last_year}.\n"
            "All figures are synthetic: no real organisation, person or case is described."
        )


def _refuse_unless_empty(session: Session, db: Database) -> None:
    has_data = any(
        session.scalar(select(model.id).limit(1)) is not None for model in _USER_DATA
    )
    if not has_data:
        return
    demo = session.get(Setting, "is_demo")
    if demo is not None and demo.value == "yes":
        raise DemoRefusedError(
            f"{db.display_name} already holds the demo data; nothing was changed."
        )
    raise DemoRefusedError(
        f"{db.display_name} already holds data of its own (providers, strands, returns or "
        "readings), so the demo was not written and nothing was changed. Build the demo in a "
        "new file instead, e.g. `commissioning-desk --db demo.sqlite demo`."
    )


def _check_figures(session: Session, returns: list[DemoReturn], figures: dict[int, YearFigures]) -> None:
    """The demo's promises, checked before the transaction commits (a failure rolls it back)."""
    totals_2022 = figures[YEARS[0].start_year].totals()
    if totals_2022 != PUBLISHED_2022:
        raise RuntimeError(f"demo 2022/23 totals {totals_2022} differ from the published {PUBLISHED_2022}")
    catalogue = load_catalogue(session)
    specialist = {
        "idva_da_supported": "idva",
        "isva_sa_supported": "isva",
        "rj_supported": "restorative_justice",
    }
    for row in returns:
        values = row.values
        if not set(MEASURE_KEYS) <= set(values):
            raise RuntimeError(f"demo return for {row.reference} lacks a measure")
        breaches = catalogue.breaches(values)
        if breaches:
            raise RuntimeError(f"demo return for {row.reference} breaks a rule: {breaches[0]}")
        for key, wanted in specialist.items():
            if values[key] and row.category != wanted:
                raise RuntimeError(f"demo return for {row.reference} has {key} outside {wanted}")


def build_demo(db: Database, *, progress: Callable[[str], None] | None = None) -> DemoSummary:
    """Fill an empty database with the synthetic demo, in one transaction.

    Raises `DemoRefusedError` (nothing changed) when the database holds any data already, the
    demo included. The same database always gets the same data: the seed is fixed.
    """
    say = progress or (lambda _text: None)
    rng = random.Random(DEMO_SEED)
    try:
        return _build(db, rng, say)
    except IntegrityError as error:
        # Only a second copy writing the same rows at the same moment breaks a unique rule here.
        raise DemoRefusedError(
            f"Another copy of the program wrote data into {db.display_name} while the demo was being "
            "built, so the demo was not written and nothing was changed."
        ) from error


def _build(db: Database, rng: random.Random, say: Callable[[str], None]) -> DemoSummary:
    with db.transaction(who="demo", reason="synthetic demo data") as session:
        if db.url.get_backend_name() == "postgresql":
            # Two copies building into one empty server database take turns: the second waits
            # here, then finds the first one's demo and is refused like any non-empty database.
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": DEMO_LOCK_KEY})
        _refuse_unless_empty(session, db)
        say("Providers and strands…")
        funding = write_funding_streams(session)
        strands = write_register(session, rng, funding)
        say("Allocations…")
        allocated = write_allocations(session, rng, strands)
        write_budgets(session, funding, strands)
        periods = write_return_periods(session)
        trend = [rng.gauss(1.0, 0.06) for _ in strands]
        figures: dict[int, YearFigures] = {}
        returns: list[DemoReturn] = []
        catalogue = load_catalogue(session)
        for year, totals in zip(YEARS, year_totals().values()):
            say(f"Returns {year.label}…")
            figures[year.start_year] = year_figures(rng, strands, year, totals, trend)
            returns += write_returns(session, rng, strands, periods, figures[year.start_year], catalogue)
        say("Indicator readings…")
        readings = write_indicators(session, rng)
        say("Claims and payments…")
        # Its own generator, so adding claims left every other demo figure as it was.
        write_claims(session, random.Random(DEMO_SEED + 1), strands, periods)
        session.flush()
        say("Checking the demo figures…")
        _check_figures(session, returns, figures)
        session.merge(Setting(key="is_demo", value="yes"))
        session.merge(Setting(key="demo_seed", value=str(DEMO_SEED)))
    return DemoSummary(
        database=db.display_name,
        providers=len({s.provider_name for s in strands}),
        strands=len(strands),
        returns=len(returns),
        readings=readings,
        allocated_pence=allocated,
        first_year=YEARS[0].label,
        last_year=YEARS[-1].label,
    )
