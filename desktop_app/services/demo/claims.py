"""Writing the demo's 2024/25 claims and payments: three quarters claimed, two of them paid.

Most strands spend close to their allocation's pace; a few run well under it, so the half-year
finance report has an underspend to give early notice of. A separate random generator keeps the
rest of the demo exactly as it was before claims were added.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.core.periods import FinancialYear, Quarter
from desktop_app.core.vocabulary import ClaimStatus
from desktop_app.services.demo.register import DemoStrand
from desktop_app.store.models import Claim, ClaimLine, ExpenditureCategory, Payment, ReturnPeriod

CLAIM_YEAR = FinancialYear(2024)
_CLAIMED_QUARTERS = (1, 2, 3)
# Share of spend by expenditure category (per mille); what is left goes to staff.
_SHARES = {"overheads": 120, "direct_costs": 150, "volunteers": 10, "other": 20}
# Strands (by plan order) that run well under their allocation's pace.
_UNDERSPENDING = {3, 17, 40, 58}
_PAYMENT_DAYS = 21


def write_claims(
    session: Session, rng: random.Random, strands: list[DemoStrand], periods: dict[Quarter, ReturnPeriod]
) -> int:
    """Each strand's claims for 2024/25 Q1–Q3 by category, approved and paid in arrears; returns the count."""
    categories = {c.key: c for c in session.scalars(select(ExpenditureCategory))}
    written = 0
    for n, strand in enumerate(strands):
        allocation = next((a for a in strand.row.allocations if a.financial_year == CLAIM_YEAR.start_year), None)
        if allocation is None:
            continue
        underspending = n in _UNDERSPENDING
        pace = 0.75 if underspending else rng.uniform(0.97, 1.0)
        quarterly = allocation.amount_pence // 4
        claimed = 0
        for number in _CLAIMED_QUARTERS:
            quarter = Quarter(CLAIM_YEAR, number)
            # Whole pounds, as providers' finance teams round their claims.
            total = int(quarterly * pace * rng.uniform(0.97, 1.03)) // 100 * 100
            amounts = {key: total * share // 1000 // 100 * 100 for key, share in _SHARES.items()}
            amounts["staff"] = total - sum(amounts.values())
            claimed += total
            # Most providers expect to spend what is left; the slow ones expect to stay slow.
            left = allocation.amount_pence - claimed
            forecast = int(quarterly * pace) // 100 * 100 * (4 - number) if underspending else max(0, left) // 100 * 100
            approved = number < 3 or rng.random() < 0.7
            claim = Claim(
                strand=strand.row,
                period=periods[quarter],
                claim_date=quarter.end,
                amount_pence=total,
                forecast_remaining_pence=forecast,
                status=ClaimStatus.APPROVED if approved else ClaimStatus.SUBMITTED,
                notes="",
                lines=[ClaimLine(category=categories[key], amount_pence=pence) for key, pence in amounts.items() if pence],
            )
            if number < 3:
                claim.payments = [
                    Payment(paid_on=quarter.end + dt.timedelta(days=_PAYMENT_DAYS), amount_pence=total, reference=f"BACS {strand.row.reference}-Q{number}")
                ]
            session.add(claim)
            written += 1
    return written
