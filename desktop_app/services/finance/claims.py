"""Quarterly claims and the payments made against them.

Each quarter a provider claims what a strand spent, broken down by expenditure category, with
its forecast for the rest of the year. The officer approves or queries the claim, then records
payments (in arrears, never more than the approved claim). A claim beyond what is left of the
strand's allocation for the year is refused unless a reason is given (kept on the claim and in
the audit trail). A claim whose quarter's return is not in is flagged "payment withheld until
the return is in"; the officer decides whether to pay.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from desktop_app.core.claims import (
    ClaimFigures,
    check_claim_date,
    check_payment,
    over_allocation,
    read_claim_figures,
)
from desktop_app.core.field_errors import FieldError
from desktop_app.core.money import format_pence
from desktop_app.core.periods import FinancialYear, Quarter
from desktop_app.core.vocabulary import ClaimStatus, ReturnStatus
from desktop_app.services.changes import FINANCE, Changed
from desktop_app.services.returns.lookups import period_row, strand_runs_in
from desktop_app.services.stale_edits import EditedRecord, refuse_if_stale, refused_when_raced
from desktop_app.services.validation import RecordNotFound, refuse_if_any
from desktop_app.store.database import Database
from desktop_app.store.models import (
    Allocation,
    Claim,
    ClaimLine,
    ExpenditureCategory,
    Payment,
    Provider,
    Return,
    ReturnPeriod,
    Strand,
)

__all__ = [
    "WITHHELD_WORDS",
    "CategoryRow",
    "ClaimDraft",
    "ClaimRow",
    "PaymentRow",
    "claim_record",
    "decide_claim",
    "expenditure_categories",
    "list_claims",
    "record_payment",
    "save_claim",
    "validate_claim",
]

WITHHELD_WORDS = "payment withheld until the return is in"
_RETURN_IN = (ReturnStatus.SUBMITTED, ReturnStatus.VERIFIED, ReturnStatus.LOCKED)


@dataclass(frozen=True)
class CategoryRow:
    key: str
    name: str


@dataclass(frozen=True)
class ClaimDraft:
    """A claim as typed: `amounts` maps expenditure category key -> text (`£1,234.56`) or int pence."""

    strand_id: int
    quarter: Quarter
    claim_date: dt.date | None
    amounts: Mapping[str, object]
    forecast_remaining: object = 0
    over_allocation_reason: str = ""
    notes: str = ""


@dataclass(frozen=True)
class PaymentRow:
    id: int
    paid_on: dt.date
    amount_pence: int
    reference: str


@dataclass(frozen=True)
class ClaimRow:
    id: int
    strand_id: int
    strand_ref: str
    strand_name: str
    provider: str
    quarter: Quarter
    claim_date: dt.date
    amount_pence: int
    forecast_remaining_pence: int
    status: ClaimStatus
    over_allocation_reason: str | None
    notes: str
    return_in: bool
    amounts: dict[str, int] = field(hash=False)
    payments: tuple[PaymentRow, ...] = ()
    version: int = 1  # the claim's edit counter as read: handed back with a save (stale_edits)

    @property
    def paid_pence(self) -> int:
        return sum(p.amount_pence for p in self.payments)

    @property
    def unpaid_pence(self) -> int:
        return self.amount_pence - self.paid_pence

    @property
    def withheld(self) -> bool:
        """Whether payment should wait: the quarter's return is not in and money is still owed."""
        return not self.return_in and self.unpaid_pence > 0

    @property
    def flags(self) -> tuple[str, ...]:
        flags = []
        if self.withheld:
            flags.append(WITHHELD_WORDS)
        if self.over_allocation_reason:
            flags.append(f"over the allocation: {self.over_allocation_reason}")
        if self.status is ClaimStatus.QUERIED:
            flags.append("queried")
        return tuple(flags)


def read_categories(session: Session) -> dict[str, tuple[int, str]]:
    return {
        key: (category_id, name)
        for category_id, key, name in session.execute(
            select(ExpenditureCategory.id, ExpenditureCategory.key, ExpenditureCategory.name).order_by(
                ExpenditureCategory.sort_order, ExpenditureCategory.key
            )
        )
    }


def expenditure_categories(db: Database) -> list[CategoryRow]:
    """The categories a claim is broken down by, in the order claims show them."""
    with db.reading() as session:
        return [CategoryRow(key, name) for key, (_id, name) in read_categories(session).items()]


# ---------------------------------------------------------------- checking


def claim_errors(
    session: Session, draft: ClaimDraft, claim_id: int | None
) -> tuple[ClaimFigures | None, Strand | None, list[FieldError]]:
    strand = session.get(Strand, draft.strand_id)
    if strand is None:
        return None, None, [FieldError("strand_id", "Choose the strand the claim is for")]
    categories = {key: name for key, (_id, name) in read_categories(session).items()}
    figures, errors = read_claim_figures(draft.amounts, categories, draft.forecast_remaining)
    quarter = draft.quarter
    if not strand_runs_in(strand, quarter):
        errors.append(FieldError("quarter", f"{strand.reference} does not run in {quarter.label}, so it cannot claim for it"))
    errors += check_claim_date(quarter, draft.claim_date)
    period = period_row(session, quarter)
    if period is not None:
        existing = session.scalar(select(Claim.id).where(Claim.strand_id == strand.id, Claim.period_id == period.id))
        if existing is not None and existing != claim_id:
            errors.append(FieldError("quarter", f"{strand.reference} already has a claim for {quarter.label}; open it to change it"))
    if claim_id is not None and figures is not None:
        paid = session.scalar(select(func.sum(Payment.amount_pence)).where(Payment.claim_id == claim_id)) or 0
        if figures.total_pence < paid:
            errors.append(
                FieldError("amounts", f"{format_pence(int(paid))} has already been paid on this claim; the claim cannot be less")
            )
    if figures is not None and not errors and not draft.over_allocation_reason.strip():
        errors += _over_allocation_errors(session, strand, quarter, figures.total_pence, claim_id)
    return figures, strand, errors


def _over_allocation_errors(
    session: Session, strand: Strand, quarter: Quarter, total: int, claim_id: int | None
) -> list[FieldError]:
    year = quarter.year.start_year
    allocated = session.scalar(
        select(Allocation.amount_pence).where(Allocation.strand_id == strand.id, Allocation.financial_year == year)
    ) or 0
    claimed_before = session.scalar(
        select(func.sum(Claim.amount_pence))
        .join(Claim.period)
        .where(Claim.strand_id == strand.id, ReturnPeriod.financial_year == year, Claim.id != (claim_id or -1))
    ) or 0
    over = over_allocation(total, allocated, int(claimed_before))
    if not over:
        return []
    left = max(0, allocated - int(claimed_before))
    return [
        FieldError(
            "over_allocation_reason",
            f"The claim of {format_pence(total)} is {format_pence(over)} more than is left of {strand.reference}'s "
            f"{quarter.year.label} allocation ({format_pence(left)} of {format_pence(allocated)}); "
            "give a reason to accept it",
        )
    ]


def validate_claim(db: Database, draft: ClaimDraft, claim_id: int | None = None) -> list[FieldError]:
    """Every problem with the claim, field by field (empty when it can be saved)."""
    with db.reading() as session:
        return claim_errors(session, draft, claim_id)[2]


# ---------------------------------------------------------------- changing


def claim_record(claim: Claim) -> EditedRecord:
    """A claim as a stale refusal names it ("Claim WY-001 2023/24 Q2"); a change to one of its
    category lines counts as a change to the claim."""
    quarter = Quarter(FinancialYear(claim.period.financial_year), claim.period.quarter)
    return EditedRecord(
        f"Claim {claim.strand.reference} {quarter.label}", "claim", claim.id,
        children=("claim_line", "claim_id"), noun="changes",
    )


def described_claim(claim_id: int | None):
    """For `refused_when_raced`: the claim `claim_id` as it is stored now (None for a new one)."""
    def describe(session: Session) -> EditedRecord | None:
        claim = session.get(Claim, claim_id) if claim_id is not None else None
        return claim_record(claim) if claim is not None else None

    return describe


def save_claim(
    db: Database,
    draft: ClaimDraft,
    claim_id: int | None = None,
    *,
    who: str | None = None,
    version: int | None = None,
) -> tuple[int, Changed]:
    """Add or change a strand's claim for a quarter, with its lines, in one transaction.

    A changed claim goes back to "submitted" for the officer to decide again. Raises
    ValidationFailed (nothing written) for bad money, a date outside the quarter, a strand not
    running then, or a claim over the remaining allocation with no reason; StaleRecordError when
    someone else saved the claim after the form loaded `version` (`ClaimRow.version`; None: no
    comparison)."""
    reason = draft.over_allocation_reason.strip() or None
    with refused_when_raced(db, described_claim(claim_id)), db.transaction(who=who, reason=reason) as session:
        if claim_id is not None:
            stored = session.get(Claim, claim_id)
            if stored is None:
                raise RecordNotFound(f"Claim {claim_id} is not in the database; it may have been deleted.")
            refuse_if_stale(session, stored.version, version, claim_record(stored))
        figures, strand, errors = claim_errors(session, draft, claim_id)
        refuse_if_any(errors)
        assert figures is not None and strand is not None
        return write_claim(session, draft, claim_id, figures), Changed.of(FINANCE)


def write_claim(session: Session, draft: ClaimDraft, claim_id: int | None, figures: ClaimFigures) -> int:
    """Write a checked claim and its lines in the caller's transaction; returns its id."""
    if claim_id is None:
        claim = Claim(strand_id=draft.strand_id, period_id=period_row(session, draft.quarter, create=True).id)
        session.add(claim)
    else:
        claim = session.get(Claim, claim_id)
        if claim is None:
            raise RecordNotFound(f"Claim {claim_id} is not in the database; it may have been deleted.")
    with session.no_autoflush:
        # No flush until the end: the claim's row is written once, its version moved once.
        _update_claim(session, claim, claim_id, draft, figures)
    session.flush()
    return claim.id


def _update_claim(session: Session, claim: Claim, claim_id: int | None, draft: ClaimDraft, figures: ClaimFigures) -> None:
    reason = draft.over_allocation_reason.strip() or None
    changed = (
        claim.amount_pence != figures.total_pence
        or claim.forecast_remaining_pence != figures.forecast_remaining_pence
        or claim.claim_date != draft.claim_date
    )
    claim.claim_date = draft.claim_date
    claim.amount_pence = figures.total_pence
    claim.forecast_remaining_pence = figures.forecast_remaining_pence
    claim.over_allocation_reason = reason
    claim.notes = draft.notes.strip()
    if claim_id is None or changed:
        claim.status = ClaimStatus.SUBMITTED
    ids = {key: category_id for key, (category_id, _name) in read_categories(session).items()}
    existing = {line.category_id: line for line in claim.lines}
    wanted = {ids[key]: pence for key, pence in figures.amounts.items()}
    lines_changed = set(existing) != set(wanted)
    for category_id, line in existing.items():
        if category_id not in wanted:
            claim.lines.remove(line)
        elif line.amount_pence != wanted[category_id]:
            line.amount_pence = wanted[category_id]
            lines_changed = True
    for category_id, pence in wanted.items():
        if category_id not in existing:
            claim.lines.append(ClaimLine(category_id=category_id, amount_pence=pence))
    if claim_id is not None and lines_changed:
        # Lines are rows of their own: moving money between categories must move the claim's version.
        claim.version = claim.version + 1


def decide_claim(
    db: Database,
    claim_id: int,
    status: ClaimStatus,
    *,
    note: str = "",
    who: str | None = None,
    version: int | None = None,
) -> Changed:
    """Approve or query a claim; a query needs a note saying what is wrong (kept in the audit trail).

    `version`: the claim's version as the officer saw it; a claim changed since is not approved
    unseen (StaleRecordError)."""
    note = note.strip()
    if status is ClaimStatus.QUERIED and not note:
        refuse_if_any([FieldError("note", "Say what is queried, so the provider can answer it")])
    if status is ClaimStatus.SUBMITTED:
        refuse_if_any([FieldError("status", "Approve or query the claim")])
    with refused_when_raced(db, described_claim(claim_id)), db.transaction(who=who, reason=note or None) as session:
        claim = session.get(Claim, claim_id)
        if claim is None:
            raise RecordNotFound(f"Claim {claim_id} is not in the database; it may have been deleted.")
        refuse_if_stale(session, claim.version, version, claim_record(claim))
        if status is ClaimStatus.QUERIED and claim.payments:
            refuse_if_any([FieldError("status", "Payments have been made on this claim; it can no longer be queried")])
        claim.status = status
        if note:
            claim.notes = f"{claim.notes}\n{note}".strip() if claim.notes else note
    return Changed.of(FINANCE)


def record_payment(
    db: Database,
    claim_id: int,
    amount: object,
    paid_on: dt.date | None,
    *,
    reference: str = "",
    who: str | None = None,
) -> tuple[int, Changed]:
    """Record money paid against an approved claim: more than £0, no more than is unpaid."""
    with db.transaction(who=who) as session:
        claim = session.get(Claim, claim_id)
        if claim is None:
            raise RecordNotFound(f"Claim {claim_id} is not in the database; it may have been deleted.")
        paid_before = sum(p.amount_pence for p in claim.payments)
        pence, errors = check_payment(
            amount, paid_on, approved=claim.status is ClaimStatus.APPROVED,
            claim_total_pence=claim.amount_pence, paid_before_pence=paid_before, claim_date=claim.claim_date,
        )
        if len(reference.strip()) > 100:
            errors.append(FieldError("reference", "Shorten the payment reference to 100 characters or fewer"))
        refuse_if_any(errors)
        payment = Payment(claim_id=claim.id, paid_on=paid_on, amount_pence=pence, reference=reference.strip())
        session.add(payment)
        session.flush()
        return payment.id, Changed.of(FINANCE)


# ---------------------------------------------------------------- reading


def list_claims(
    db: Database, year: FinancialYear, *, quarter: int | None = None, strand_id: int | None = None
) -> list[ClaimRow]:
    """The year's claims (of one quarter, or one strand), by strand reference then quarter."""
    with db.reading() as session:
        query = (
            select(Claim, Strand.reference, Strand.name, Provider.name, ReturnPeriod.quarter)
            .join(Claim.strand)
            .join(Provider, Provider.id == Strand.provider_id)
            .join(Claim.period)
            .where(ReturnPeriod.financial_year == year.start_year)
            .options(selectinload(Claim.lines).selectinload(ClaimLine.category), selectinload(Claim.payments))
            .order_by(Strand.reference, ReturnPeriod.quarter)
        )
        if quarter is not None:
            query = query.where(ReturnPeriod.quarter == quarter)
        if strand_id is not None:
            query = query.where(Claim.strand_id == strand_id)
        rows = session.execute(query).all()
        returns_in = _returns_in(session, year)
        return [
            ClaimRow(
                id=claim.id, strand_id=claim.strand_id, strand_ref=ref, strand_name=name, provider=provider,
                quarter=Quarter(year, number), claim_date=claim.claim_date, amount_pence=claim.amount_pence,
                forecast_remaining_pence=claim.forecast_remaining_pence, status=claim.status,
                over_allocation_reason=claim.over_allocation_reason, notes=claim.notes or "",
                return_in=(claim.strand_id, number) in returns_in,
                amounts={line.category.key: line.amount_pence for line in claim.lines},
                payments=tuple(PaymentRow(p.id, p.paid_on, p.amount_pence, p.reference or "") for p in claim.payments),
                version=claim.version,
            )
            for claim, ref, name, provider, number in rows
        ]


def _returns_in(session: Session, year: FinancialYear) -> set[tuple[int, int]]:
    """(strand id, quarter) of every return of the year that has come in (not a draft)."""
    return {
        (strand_id, number)
        for strand_id, number in session.execute(
            select(Return.strand_id, ReturnPeriod.quarter)
            .join(Return.period)
            .where(ReturnPeriod.financial_year == year.start_year, Return.status.in_(_RETURN_IN))
        )
    }

