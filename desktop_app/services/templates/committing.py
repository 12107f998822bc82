"""Committing a previewed import: every return it would write, in one transaction, or none.

The preview is checked again inside the transaction: a return changed by someone else since the
preview, or one that no longer passes the engine, refuses the whole batch. Locked returns are
never written. See `importing` for the decisions (submitted status, warnings, blanks).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.orm import Session

from desktop_app.core.periods import Quarter
from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.services.changes import FINANCE, RETURNS, Changed
from desktop_app.services.returns.errors import allowed_or_refuse
from desktop_app.services.returns.figures import apply_plan, plan_return, stored_values
from desktop_app.services.returns.lookups import category_ids, checker_for, measure_ids, past_figures, stored_returns
from desktop_app.services.templates.claims_import import write_claims
from desktop_app.services.templates.importing import ImportRefused
from desktop_app.services.templates.preview import ImportFile, ImportPreview, StrandImport
from desktop_app.store.audit import AUDIT_INFO_REASON, current_user
from desktop_app.store.database import Database
from desktop_app.store.errors import ConcurrentChangeError
from desktop_app.store.models import Return, Strand

__all__ = ["CHANGED_SINCE_PREVIEW", "commit_import"]

CHANGED_SINCE_PREVIEW = "Nothing was imported: the figures changed since your preview: preview again"


def _held_now(return_: Return | None, keys: tuple[str, ...]) -> tuple[ReturnStatus | None, dict[str, int]]:
    return (return_.status if return_ is not None else None), stored_values(return_, keys)


def commit_import(
    db: Database,
    preview: ImportPreview,
    *,
    received_date: dt.date | None = None,
    who: str | None = None,
    today: dt.date | None = None,
) -> Changed:
    """Write a previewed batch in one transaction: every return the preview would write, or none.

    Returns written become submitted (a verified return whose figures do not change stays
    verified) with `received_date` (default today); locked returns are never touched. Each
    audit row names the file it came from. A SQLite database is backed up first.

    Refuses with `ImportRefused`, writing nothing, when the batch is empty, any file is refused
    or has an error, or a return changed since the preview (preview again).
    """
    today = today or dt.date.today()
    received = received_date or today
    if not preview.files:
        raise ImportRefused("Nothing was imported: no workbooks were chosen (a folder chosen holds none).")
    if not preview.ok:
        refused = preview.refused_files
        raise ImportRefused(
            f"Nothing was imported: {len(refused)} of {len(preview.files)} files refused; "
            "remove them from the batch or fix them.",
            [f.refusal_line() for f in refused],
        )
    work = preview.to_write
    if not work and not preview.claims_to_write:
        return Changed.of()
    if db.path is not None:
        from desktop_app.store.backup import rotating_backup

        rotating_backup(db.path, "before-import")
    by_quarter: dict[Quarter, list[tuple[ImportFile, StrandImport]]] = {}
    for item in preview.files:
        for strand in item.strands:
            if strand.writes:
                by_quarter.setdefault(strand.quarter, []).append((item, strand))
    # Looked up once, not for each of the hundreds of audit rows a batch writes.
    try:
        with db.transaction(who=who or current_user()) as session:
            for quarter, pairs in sorted(by_quarter.items()):
                _write_quarter(session, quarter, pairs, received=received, today=today)
            _write_claims(session, preview)
    except (ConcurrentChangeError, StaleDataError, IntegrityError) as error:
        # Another copy wrote one of these returns between this one's check and its write (an
        # UPDATE that found the row at a newer version, or a second insert of the same return):
        # the transaction rolled back whole, so nothing of this batch was written.
        raise ImportRefused(CHANGED_SINCE_PREVIEW) from error
    return Changed.of(RETURNS, FINANCE) if preview.claims_to_write else Changed.of(RETURNS)


def _write_claims(session: Session, preview: ImportPreview) -> None:
    """The Spend sheets' claims, in the returns' transaction: a refusal rolls back both."""
    refusals: list[str] = []
    for item in preview.files:
        planned = [claim for claim in item.claims if claim.writes]
        if planned:
            session.flush()
            session.info[AUDIT_INFO_REASON] = f"Imported from {item.name}"
            refusals += write_claims(session, item.name, item.quarter, planned)
    if refusals:
        raise ImportRefused(f"{CHANGED_SINCE_PREVIEW}.", refusals)
    session.flush()


def _write_quarter(
    session: Session,
    quarter: Quarter,
    pairs: list[tuple[ImportFile, StrandImport]],
    *,
    received: dt.date,
    today: dt.date,
) -> None:
    """Check each previewed return again inside the transaction and write it; raise
    `ImportRefused` (rolling everything back) if one changed since the preview."""
    checker = checker_for(session, quarter)
    ids = [strand.strand_id for _, strand in pairs]
    strands = {s.id: s for s in session.scalars(select(Strand).where(Strand.id.in_(ids)))}
    returns = stored_returns(session, quarter, ids)
    past = past_figures(session, quarter, ids)
    keys = measure_ids(session)
    categories = category_ids(session)
    reason = None
    for item, planned in pairs:
        if f"Imported from {item.name}" != reason:
            # Each file's audit rows say where the figures came from: flush file by file.
            session.flush()
            reason = session.info[AUDIT_INFO_REASON] = f"Imported from {item.name}"
        return_ = returns.get(planned.strand_id)
        status, held = _held_now(return_, checker.keys)
        where = f"{planned.reference} {quarter.label}"
        if status == ReturnStatus.LOCKED:
            continue  # locked since the preview: an import never changes a locked return
        strand = strands.get(planned.strand_id)
        if strand is None:
            raise ImportRefused(f"Nothing was imported: {where} was deleted since the preview.")
        version = return_.version if return_ is not None else 0
        if version != planned.version_before or status != planned.status_before or held != dict(planned.held):
            raise ImportRefused(f"{CHANGED_SINCE_PREVIEW} ({where} was saved by someone else).")
        plan = plan_return(
            checker, past[planned.strand_id].history(), return_, planned.entered, breakdowns=planned.entered_breakdowns
        )
        if plan.check.errors:
            raise ImportRefused(
                f"Nothing was imported: {where} no longer passes the checks.",
                [p.message for p in plan.check.errors],
            )
        if planned.status_after != status:
            allowed_or_refuse(status, planned.status_after, where=where)
        apply_plan(
            session, strand=strand, quarter=quarter, return_=return_, plan=plan,
            status=planned.status_after, received_date=received, measure_ids=keys, today=today,
            category_ids=categories,
        )
    session.flush()
