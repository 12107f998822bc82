"""The claims on a filled template's Spend sheet: planned in the preview, written by the commit.

Every strand's amounts go through the claim rules the form and the claims grid use
(`finance.claims.claim_errors`, `core.claims` underneath): a cell's number is pounds
(`typed_pounds`), text such as `£1,234.56` is read as typed, and each refusal names the Spend
sheet and the cell. A strand whose rows are all blank brings no claim (a held one is left as it
is). A new claim is dated the quarter's last day, as from the grid; a changed one keeps its date,
reason and notes, and goes back to "submitted" for the officer to decide again.

A claim beyond what is left of the strand's allocation needs the officer's reason, which a
workbook cannot carry: it is refused here, saying to enter it in the claim form instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from desktop_app.core.claims import FORECAST_FIELD, typed_pounds
from desktop_app.core.field_errors import FieldError
from desktop_app.core.periods import Quarter
from desktop_app.services.finance.claims import ClaimDraft, claim_errors, read_categories, write_claim
from desktop_app.services.returns.lookups import period_row
from desktop_app.services.templates.preview import CHANGED, EMPTY, NEW, UNCHANGED, AmountChange, ClaimImport, display_name
from desktop_app.store.models import Claim, ClaimLine, Strand

if TYPE_CHECKING:
    from desktop_app.excel.template_reader import FilledTemplate
    from desktop_app.excel.template_spend import FilledSpend

__all__ = ["held_claims", "plan_claims", "write_claims"]

_FORECAST_LABEL = "Forecast for the rest of the year"
_OVER_ALLOCATION_HINT = (
    "; a workbook cannot carry the reason, so leave this strand's Spend cells blank and enter the claim "
    "in the claim form with the reason"
)


def held_claims(session: Session, quarter: Quarter, strand_ids: list[int]) -> dict[int, Claim]:
    """Strand id → its claim for `quarter`, lines loaded."""
    period = period_row(session, quarter)
    if period is None or not strand_ids:
        return {}
    return {
        claim.strand_id: claim
        for claim in session.scalars(
            select(Claim)
            .where(Claim.period_id == period.id, Claim.strand_id.in_(strand_ids))
            .options(selectinload(Claim.lines).selectinload(ClaimLine.category))
        )
    }


def _draft(strand_id: int, quarter: Quarter, entered: dict[str, object], claim: Claim | None) -> ClaimDraft:
    return ClaimDraft(
        strand_id=strand_id,
        quarter=quarter,
        claim_date=claim.claim_date if claim is not None else quarter.end,
        amounts={key: value for key, value in entered.items() if key != FORECAST_FIELD},
        forecast_remaining=entered.get(FORECAST_FIELD),
        over_allocation_reason=(claim.over_allocation_reason or "") if claim is not None else "",
        notes=(claim.notes or "") if claim is not None else "",
    )


def _error_line(file_name: str, spend: FilledSpend, error: FieldError) -> str:
    from desktop_app.excel.template_reader import TemplateProblem

    key = error.field.removeprefix("amounts.") if error.field.startswith("amounts.") else error.field
    first = next(iter(spend.cells.values()), None)
    cell = spend.cells.get(key, first)
    message = error.message + (_OVER_ALLOCATION_HINT if error.field == "over_allocation_reason" else "")
    return TemplateProblem(f"{spend.reference}: {message}", spend.sheet, cell).line(file_name)


def _plan_one(
    session: Session, filled: FilledTemplate, spend: FilledSpend, quarter: Quarter,
    claim: Claim | None, labels: dict[str, str],
) -> ClaimImport:
    name = display_name(filled.path)
    entered = {key: typed_pounds(value) for key, value in spend.values.items()}
    base = dict(
        strand_id=spend.strand_id, reference=spend.reference, quarter=quarter,
        claim_id=claim.id if claim is not None else None,
        version_before=claim.version if claim is not None else 0, entered=entered,
    )
    if all(value is None for value in spend.values.values()):
        return ClaimImport(action=EMPTY, **base)
    draft = _draft(spend.strand_id, quarter, entered, claim)
    figures, _strand, errors = claim_errors(session, draft, base["claim_id"])
    if errors:
        return ClaimImport(action=NEW if claim is None else CHANGED, errors=tuple(_error_line(name, spend, e) for e in errors), **base)
    assert figures is not None
    held = {line.category.key: line.amount_pence for line in claim.lines} if claim is not None else {}
    held_forecast = claim.forecast_remaining_pence if claim is not None else None
    changes = [
        AmountChange(labels[key], spend.cells[key], held.get(key), figures.amounts.get(key))
        for key in labels
        if key in spend.cells and held.get(key) != figures.amounts.get(key)
    ]
    if held_forecast != figures.forecast_remaining_pence:
        changes.append(AmountChange(_FORECAST_LABEL, spend.cells[FORECAST_FIELD], held_forecast, figures.forecast_remaining_pence))
    if claim is not None and not changes:
        return ClaimImport(action=UNCHANGED, total_pence=figures.total_pence, **base)
    return ClaimImport(
        action=NEW if claim is None else CHANGED, total_pence=figures.total_pence, changes=tuple(changes), **base
    )


def plan_claims(
    session: Session, filled: FilledTemplate, quarter: Quarter, strands: dict[int, Strand]
) -> tuple[list[ClaimImport], list[str]]:
    """What importing the file's Spend sheet would do, strand by strand, and any file-level
    problems (a strand not in the database, categories changed since the template was made)."""
    from desktop_app.excel.template_reader import TemplateProblem

    if not filled.spend:
        return [], []
    name = display_name(filled.path)
    labels = {key: category_name for key, (_id, category_name) in read_categories(session).items()}
    claims = held_claims(session, quarter, [s.strand_id for s in filled.spend])
    planned, problems = [], []
    for spend in filled.spend:
        db_strand = strands.get(spend.strand_id)
        if db_strand is None or db_strand.reference != spend.reference:
            problems.append(TemplateProblem(
                f"strand {spend.reference} is not in the database (or its reference changed)", spend.sheet
            ).line(name))
            continue
        if set(spend.values) != set(labels) | {FORECAST_FIELD}:
            problems.append(TemplateProblem(
                "asks for other expenditure categories than claims now use: make a fresh template", spend.sheet
            ).line(name))
            continue
        planned.append(_plan_one(session, filled, spend, quarter, claims.get(spend.strand_id), labels))
    return planned, problems


def write_claims(session: Session, file_name: str, quarter: Quarter, planned: list[ClaimImport]) -> list[str]:
    """Check each previewed claim again in the commit's transaction and write it. Returns the
    refusal lines (a claim saved by someone else since the preview, or no longer passing the
    rules); the caller refuses the whole batch when there are any."""
    claims = held_claims(session, quarter, [c.strand_id for c in planned])
    refusals: list[str] = []
    for item in planned:
        claim = claims.get(item.strand_id)
        version = claim.version if claim is not None else 0
        where = f"{item.reference} {quarter.label}"
        if version != item.version_before:
            refusals.append(f"the claim of {where} was saved by someone else since the preview")
            continue
        draft = _draft(item.strand_id, quarter, dict(item.entered), claim)
        figures, _strand, errors = claim_errors(session, draft, item.claim_id)
        if errors:
            refusals += [f"{file_name}: the claim of {where} no longer passes the checks: {e.message}" for e in errors]
            continue
        write_claim(session, draft, item.claim_id, figures)
    return refusals
