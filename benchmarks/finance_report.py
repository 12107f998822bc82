"""Finance report budget: a year's finance position on a 10-year, 150-strand database.

The database is built with plain inserts (no audit rows, which the report never reads): two
streams (one with two ring-fenced lines), 150 strands, an allocation, a return and a claim of
five expenditure lines per strand and quarter for every year, and a payment on each claim.
Then, in the same run:

- baseline: one plain grouped query (claimed pence per strand for the year), the least any
  report of the year's claims does;
- report: `finance_report(db, year)` — streams, lines, strands, categories and flags.

Prints the medians, the ratio and whether the report kept to its budget of 300 ms.

    .venv/bin/python benchmarks/finance_report.py [--runs 7] [--years 10] [--strands 150]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select  # noqa: E402

from desktop_app.core.periods import FinancialYear  # noqa: E402
from desktop_app.services.finance import finance_report  # noqa: E402
from desktop_app.store.database import open_database  # noqa: E402
from desktop_app.store.models import (  # noqa: E402
    Allocation,
    Budget,
    Claim,
    ClaimLine,
    ExpenditureCategory,
    FundingLine,
    FundingStream,
    LineBudget,
    Payment,
    Provider,
    Return,
    ReturnPeriod,
    ServiceCategory,
    Strand,
)

BUDGET_SECONDS = 0.300
FIRST_YEAR = 2015


def build(path: Path, years: int, strands: int) -> FinancialYear:
    db = open_database(path)
    year_range = range(FIRST_YEAR, FIRST_YEAR + years)
    with db.transaction() as session:
        category = session.scalar(select(ServiceCategory.id))
        categories = list(session.scalars(select(ExpenditureCategory.id)))
        start, end = FinancialYear(FIRST_YEAR).start, FinancialYear(year_range[-1]).end
        session.execute(insert(Provider), [{"id": 1, "name": "Provider", "organisation_type": "cvse", "scope": "local", "notes": ""}])
        session.execute(
            insert(FundingStream),
            [
                {"id": n, "key": key, "name": key.title(), "funder": "MoJ", "start_date": start, "end_date": end,
                 "total_pence": 10**12, "notes": ""}
                for n, key in ((1, "core"), (2, "general"))
            ],
        )
        session.execute(insert(FundingLine), [{"id": n, "funding_stream_id": 2, "key": f"line{n}", "name": f"Line {n}", "notes": ""} for n in (1, 2)])
        per_strand = 10_000_000
        session.execute(
            insert(Budget),
            [{"funding_stream_id": s, "financial_year": y, "amount_pence": per_strand * strands} for s in (1, 2) for y in year_range],
        )
        session.execute(
            insert(LineBudget),
            [{"funding_line_id": n, "financial_year": y, "amount_pence": per_strand * strands // 4} for n in (1, 2) for y in year_range],
        )
        session.execute(
            insert(Strand),
            [
                {"id": n, "reference": f"BX-{n:04d}", "provider_id": 1, "funding_stream_id": 1 + n % 2,
                 "funding_line_id": (1 + n % 4 // 2) if n % 2 else None, "name": f"Strand {n}",
                 "service_category_id": category, "agreement_type": "grant", "start_date": start, "end_date": end,
                 "active": True, "notes": ""}
                for n in range(1, strands + 1)
            ],
        )
        session.execute(
            insert(Allocation),
            [{"strand_id": n, "financial_year": y, "amount_pence": per_strand} for n in range(1, strands + 1) for y in year_range],
        )
        periods = {}
        for y in year_range:
            for q in range(1, 5):
                periods[(y, q)] = len(periods) + 1
        session.execute(insert(ReturnPeriod), [{"id": i, "financial_year": y, "quarter": q} for (y, q), i in periods.items()])
        claims, lines, payments, returns = [], [], [], []
        for n in range(1, strands + 1):
            for (y, q), period_id in periods.items():
                claim_id = len(claims) + 1
                amount = 2_400_000 + n * 100
                claims.append({"id": claim_id, "strand_id": n, "period_id": period_id, "claim_date": FinancialYear(y).quarters()[q - 1].end,
                               "amount_pence": amount, "forecast_remaining_pence": amount * (4 - q), "status": "approved", "notes": ""})
                share = amount // len(categories)
                for i, c in enumerate(categories):
                    lines.append({"claim_id": claim_id, "category_id": c, "amount_pence": share if i else amount - share * (len(categories) - 1)})
                payments.append({"claim_id": claim_id, "paid_on": FinancialYear(y).quarters()[q - 1].end + dt.timedelta(days=21),
                                 "amount_pence": amount, "reference": ""})
                if (n + q) % 7:
                    returns.append({"strand_id": n, "period_id": period_id, "status": "verified", "notes": "", "copied_from_previous": False})
        for table, rows in ((Claim, claims), (ClaimLine, lines), (Payment, payments), (Return, returns)):
            session.execute(insert(table), rows)
    with db.engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
    db.close()
    return FinancialYear(year_range[-1] - 1)


def median_seconds(work, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--strands", type=int, default=150)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "large.sqlite"
        year = build(path, args.years, args.strands)
        db = open_database(path, exclusive=False)
        try:
            def baseline() -> None:
                with db.reading() as session:
                    session.execute(
                        select(Claim.strand_id, func.sum(Claim.amount_pence))
                        .join(Claim.period)
                        .where(ReturnPeriod.financial_year == year.start_year)
                        .group_by(Claim.strand_id)
                    ).all()

            report = finance_report(db, year)  # warm the caches once, as an officer's second look would
            assert len(report.strands) == args.strands
            plain = median_seconds(baseline, args.runs)
            full = median_seconds(lambda: finance_report(db, year), args.runs)
        finally:
            db.close()
    verdict = "within" if full <= BUDGET_SECONDS else "OVER"
    print(f"{args.years} years, {args.strands} strands; finance report for {year.label}")
    print(f"baseline grouped query {plain * 1000:7.1f} ms")
    print(f"finance_report         {full * 1000:7.1f} ms  ({full / plain:.1f}x the baseline; {verdict} the 300 ms budget)")
    return 0 if full <= BUDGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
