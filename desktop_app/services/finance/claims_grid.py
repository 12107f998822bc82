"""A quarter's claims as a grid: a row per strand running then, a column per expenditure category.

What the officer types or pastes arrives as text per cell and is checked by the same rules as
the claim form (`claim_errors`, core.claims underneath). Saving writes every edited row in one
transaction, or nothing: a refusal names the strand and the field of each problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from desktop_app.core.claims import FORECAST_FIELD
from desktop_app.core.field_errors import FieldError
from desktop_app.core.money import format_pence
from desktop_app.core.periods import Quarter
from desktop_app.core.vocabulary import ClaimStatus
from desktop_app.core.wording import plural
from desktop_app.services.changes import FINANCE, Changed
from desktop_app.services.errors import ServiceError, StaleRecordError
from desktop_app.services.finance.claims import (
    CategoryRow,
    ClaimDraft,
    claim_errors,
    claim_record,
    read_categories,
    write_claim,
)
from desktop_app.services.stale_edits import EditedRecord, refuse_if_stale, refused_when_raced
from desktop_app.services.returns.lookups import period_row, running
from desktop_app.store.database import Database
from desktop_app.store.models import Allocation, Claim, ClaimLine, Provider, Strand

__all__ = [
    "REASON_KEY", "ClaimGridRow", "ClaimsGrid", "ClaimsGridRefused", "cell_key_of", "claims_grid", "save_claims_grid",
]

# The grid's cell keys: each category's key, then these two.
REASON_KEY = "over_allocation_reason"


@dataclass(frozen=True)
class ClaimGridRow:
    strand_id: int
    reference: str
    provider: str
    strand_name: str
    allocated_pence: int
    claim_id: int | None
    status: ClaimStatus | None
    paid_pence: int
    # Cell key -> the stored value as text (money as `£1,234.56`), what the grid shows.
    stored: dict[str, str] = field(hash=False)
    version: int | None = None  # the claim's edit counter as the grid loaded it (None: no claim yet)


@dataclass(frozen=True)
class ClaimsGrid:
    quarter: Quarter
    categories: tuple[CategoryRow, ...]
    rows: tuple[ClaimGridRow, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        """Every editable cell key, in column order."""
        return (*(c.key for c in self.categories), FORECAST_FIELD, REASON_KEY)


class ClaimsGridRefused(ServiceError, ValueError):
    """Rows of the grid broke the rules; nothing was saved. `errors`: strand id -> its problems."""

    def __init__(self, errors: Mapping[int, tuple[str, tuple[FieldError, ...]]]) -> None:
        self.errors = dict(errors)
        lines = [f"{ref}: {e.message}" for ref, problems in self.errors.values() for e in problems]
        shown = "; ".join(lines[:3]) + (f"; and {len(lines) - 3} more" if len(lines) > 3 else "")
        super().__init__(f"Nothing was saved: {plural(len(lines), 'problem')} in the claims. {shown}.")


def claims_grid(db: Database, quarter: Quarter) -> ClaimsGrid:
    """Every strand running in `quarter`, with its claim for it (if any) as the grid shows it."""
    with db.reading() as session:
        categories = tuple(CategoryRow(key, name) for key, (_id, name) in read_categories(session).items())
        strands = session.execute(
            select(Strand.id, Strand.reference, Provider.name, Strand.name, Allocation.amount_pence)
            .join(Provider, Provider.id == Strand.provider_id)
            .outerjoin(Allocation, (Allocation.strand_id == Strand.id) & (Allocation.financial_year == quarter.year.start_year))
            .where(running(quarter.start, quarter.end))
            .order_by(Strand.reference)
        ).all()
        period = period_row(session, quarter)
        claims = {}
        if period is not None:
            for claim in session.scalars(
                select(Claim)
                .where(Claim.period_id == period.id)
                .options(selectinload(Claim.lines).selectinload(ClaimLine.category), selectinload(Claim.payments))
            ):
                claims[claim.strand_id] = claim
        rows = []
        for strand_id, reference, provider, name, allocated in strands:
            claim = claims.get(strand_id)
            stored: dict[str, str] = {}
            if claim is not None:
                stored = {line.category.key: format_pence(line.amount_pence) for line in claim.lines}
                stored[FORECAST_FIELD] = format_pence(claim.forecast_remaining_pence)
                stored[REASON_KEY] = claim.over_allocation_reason or ""
            rows.append(
                ClaimGridRow(
                    strand_id=strand_id, reference=reference, provider=provider, strand_name=name,
                    allocated_pence=int(allocated or 0), claim_id=claim.id if claim else None,
                    status=claim.status if claim else None,
                    paid_pence=sum(p.amount_pence for p in claim.payments) if claim else 0, stored=stored,
                    version=claim.version if claim else None,
                )
            )
    return ClaimsGrid(quarter=quarter, categories=categories, rows=tuple(rows))


def save_claims_grid(
    db: Database, grid: ClaimsGrid, edits: Mapping[int, Mapping[str, str]], *, who: str | None = None
) -> tuple[int, Changed]:
    """Save every edited row (strand id -> cell key -> text) as its strand's claim for the quarter.

    An edited row's other cells keep their stored values; each claim is dated the quarter's
    last day. All rows are checked first; any problem raises ClaimsGridRefused and nothing is
    written. A row whose claim someone else saved (or made) since the grid loaded refuses the
    whole save with StaleRecordError, naming who and when. Returns the number of claims written."""
    by_id = {row.strand_id: row for row in grid.rows}
    drafts: list[tuple[ClaimDraft, ClaimGridRow]] = []
    for strand_id, cells in edits.items():
        row = by_id[strand_id]
        merged = {**row.stored, **cells}
        drafts.append(
            (
                ClaimDraft(
                    strand_id=strand_id,
                    quarter=grid.quarter,
                    claim_date=grid.quarter.end,
                    amounts={c.key: merged.get(c.key, "") for c in grid.categories},
                    forecast_remaining=merged.get(FORECAST_FIELD, ""),
                    over_allocation_reason=merged.get(REASON_KEY, ""),
                ),
                row,
            )
        )
    reasons = "; ".join(sorted({d.over_allocation_reason.strip() for d, _ in drafts if d.over_allocation_reason.strip()}))
    edited_rows = [row for _draft, row in drafts]
    with refused_when_raced(db, _newest_claim(grid, edited_rows), holder="grid"), \
            db.transaction(who=who, reason=reasons or None) as session:
        _refuse_stale_rows(session, grid, edited_rows)
        checked, refused = [], {}
        for draft, row in drafts:
            figures, _strand, errors = claim_errors(session, draft, row.claim_id)
            if errors:
                refused[row.strand_id] = (row.reference, tuple(errors))
            else:
                checked.append((draft, row, figures))
        if refused:
            raise ClaimsGridRefused(refused)
        for draft, row, figures in checked:
            write_claim(session, draft, row.claim_id, figures)
    return len(checked), Changed.of(FINANCE)


def _stored_claims(session, grid: ClaimsGrid, rows: list[ClaimGridRow]) -> dict[int, Claim]:
    period = period_row(session, grid.quarter)
    if period is None:
        return {}
    return {
        claim.strand_id: claim
        for claim in session.scalars(
            select(Claim).where(Claim.period_id == period.id, Claim.strand_id.in_([r.strand_id for r in rows]))
        )
    }


def _refuse_stale_rows(session, grid: ClaimsGrid, rows: list[ClaimGridRow]) -> None:
    """Any claim of an edited row saved by someone else since the grid loaded refuses the batch."""
    stored = _stored_claims(session, grid, rows)
    for row in rows:
        claim = stored.get(row.strand_id)
        if claim is None:
            if row.claim_id is not None:
                raise StaleRecordError(
                    f"The claim of {row.reference} for {grid.quarter.label} was deleted after you opened the grid; "
                    "nothing was saved. Reload the grid; what you typed is still in it."
                )
            continue
        # A claim made since the grid loaded (row.version None) is as stale as one changed since.
        refuse_if_stale(session, claim.version, row.version if row.claim_id is not None else 0,
                        claim_record(claim), holder="grid")


def _newest_claim(grid: ClaimsGrid, rows: list[ClaimGridRow]):
    """Names, for a refusal after a race, the most recently changed of the edited rows' claims."""

    def describe(session) -> EditedRecord | None:
        stored = _stored_claims(session, grid, rows)
        if not stored:
            return None
        return claim_record(max(stored.values(), key=lambda claim: claim.version))

    return describe


def cell_key_of(error: FieldError) -> str | None:
    """The grid cell a problem belongs to (`amounts.staff` -> `staff`), or None for the whole row."""
    if error.field.startswith("amounts."):
        return error.field.removeprefix("amounts.")
    if error.field in (FORECAST_FIELD, REASON_KEY):
        return error.field
    return None
