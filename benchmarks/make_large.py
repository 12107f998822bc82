"""Build a large demo database: the demo's own builder, scaled to more years and strands.

    .venv/bin/python benchmarks/make_large.py OUT.sqlite [--years 10] [--strands 150]

The benchmarks need a file the size of a national office's, which anyone can rebuild: this runs
`build_demo` with its year list, budgets and provider plans stretched (years after 2024/25 grow
like 2024/25 did; extra providers are numbered copies of the demo's), so the data stays
synthetic, deterministic and marked as demo, 2022/23 still adds up to the published figures, and
every row goes through the ORM and the audit trail like the demo's own.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
from contextlib import contextmanager
from pathlib import Path

from desktop_app.core.periods import FinancialYear
from desktop_app.services import demo
from desktop_app.services.demo import indicators, register, register_plan, returns
from desktop_app.store.database import open_database


def _providers(strand_count: int) -> tuple[register_plan.ProviderPlan, ...]:
    """The demo's providers, then numbered copies of them, until there are `strand_count` strands."""
    plans: list[register_plan.ProviderPlan] = []
    total, copy = 0, 1
    while total < strand_count:
        for plan in register_plan.PROVIDERS:
            if total >= strand_count:
                break
            strands = plan.strands[: strand_count - total]
            name = plan.name if copy == 1 else f"{plan.name} {copy}"
            plans.append(dataclasses.replace(plan, name=name, strands=strands))
            total += len(strands)
        copy += 1
    return tuple(plans)


@contextmanager
def scaled(years: int, strands: int):
    """The demo modules' constants stretched for the length of the block, then put back."""
    first = register.YEARS[0].start_year
    budgets = {first + n: register.BUDGETS.get(first + n, 475_000_000 + 10_000_000 * (n - 2)) for n in range(years)}
    year_list = tuple(FinancialYear(start) for start in budgets)
    last_growth = returns._GROWTH[max(returns._GROWTH)]
    growth = {start: returns._GROWTH.get(start, last_growth) for start in list(budgets)[1:]}
    end = dt.date(year_list[-1].start_year + 1, 3, 31)
    patches = [
        (register, "BUDGETS", budgets), (register, "YEARS", year_list), (returns, "YEARS", year_list),
        (indicators, "YEARS", year_list), (demo, "YEARS", year_list), (returns, "_GROWTH", growth),
        (register, "DEMO_END", end), (register_plan, "DEMO_END", end), (register, "PROVIDERS", _providers(strands)),
    ]
    saved = [(module, name, getattr(module, name)) for module, name, _ in patches]
    try:
        for module, name, value in patches:
            setattr(module, name, value)
        yield
    finally:
        for module, name, value in saved:
            setattr(module, name, value)


def make_large(out: Path, *, years: int = 10, strands: int = 150) -> demo.DemoSummary:
    """Write the scaled demo into `out` (a new file)."""
    with open_database(out) as db, scaled(years, strands):
        return demo.build_demo(db)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--strands", type=int, default=150)
    args = parser.parse_args()
    if args.out.exists() and args.out.stat().st_size > 0:
        print(f"{args.out} already exists: choose a new file name.", file=sys.stderr)
        return 1
    if args.years < 3 or args.strands < 72:
        print("--years must be at least 3 and --strands at least 72 (the demo's own size).", file=sys.stderr)
        return 1
    print(make_large(args.out, years=args.years, strands=args.strands).describe())
    return 0


if __name__ == "__main__":
    sys.exit(main())
