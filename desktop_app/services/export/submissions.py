"""Final exports: the workbook sent to the MoJ, the returns it locks, and the record of it.

Order of work, chosen so that the file on disk and the database agree even if the process is
killed at any point:

1. Recorded final exports still staged from a crash are finished (`submission_files`), and
   hidden temporary files that crashes left in the target's folder are removed.
2. The workbook is written to a staging file beside the target (`.~<name>.final-<hex>.xlsx`)
   and hashed. A cancel, a write failure or a kill stops here: nothing is recorded, the old
   file is as it was, and the staging file is removed (now, or by step 1 next time).
3. One transaction re-reads the period and refuses if any counted figure changed meanwhile,
   locks every included return (audited, with the reason "final export"), records the
   Submission (who, when, period, frozen totals and per-strand values, file name, SHA-256)
   and commits. A refusal or a failed commit changes nothing, on disk or in the database.
4. The staging file is renamed over the target. Killed before this, the database holds the
   record and the staging file holds exactly the recorded bytes: step 1 of the next export
   (or the next time the window opens the database) finishes the rename.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.services.changes import RETURNS, SUBMISSIONS, Changed
from desktop_app.services.errors import ServiceError
from desktop_app.services.export.period import ExportPeriod
from desktop_app.services.progress import CancelCheck, Progress
from desktop_app.services.export.snapshot import PeriodSnapshot, read_snapshot
from desktop_app.services.export.submission_files import tidy_export_folder
from desktop_app.services.export.workbook import (
    prepare,
    save_workbook,
)
from desktop_app.services.file_digest import sha256_of
from desktop_app.services.output_paths import check_output_file
from desktop_app.services.validation import RecordNotFound
from desktop_app.store.audit import current_user
from desktop_app.store.database import Database
from desktop_app.store.models import Return, Submission

__all__ = [
    "FINAL_EXPORT_CHANGED",
    "SignOffRequired",
    "SubmissionNotRecorded",
    "SubmissionRecord",
    "final_export",
    "get_submission",
    "list_submissions",
]

# What a final export touches, for the window's one "data changed" signal.
FINAL_EXPORT_CHANGED = Changed.of(RETURNS, SUBMISSIONS)
_FILE_NAME_LIMIT = 400  # Submission.file_name's column size


class SignOffRequired(ServiceError):
    """A final six-monthly return was asked for without the Chief Finance Officer's name."""


class SubmissionNotRecorded(ServiceError):
    """The final export could not be recorded; no return was locked and the old file is intact."""


@dataclass(frozen=True)
class SubmissionRecord:
    """An MoJ return as it was sent."""

    id: int
    created_at: dt.datetime  # UTC, aware
    created_by: str
    period: ExportPeriod
    include_unverified: bool
    file_name: str
    sha256: str
    totals: dict[str, int] = field(hash=False)
    returns_included: int = 0
    seconds: float = 0.0  # how long the final export took; 0 when read back from the list
    signed_off_by: str | None = None  # the Chief Finance Officer, on a six-monthly return
    signed_off_at: dt.datetime | None = None  # UTC, aware

    @property
    def period_label(self) -> str:
        return self.period.label


def submission_record(row: Submission, *, seconds: float = 0.0) -> SubmissionRecord:
    """A stored Submission as plain data (its totals and the count of returns it froze)."""
    return SubmissionRecord(
        id=row.id,
        created_at=row.created_at.replace(tzinfo=dt.UTC),
        created_by=row.created_by,
        period=ExportPeriod.from_part(row.financial_year, row.period_part),
        include_unverified=row.include_unverified,
        file_name=row.file_name,
        sha256=row.sha256,
        totals=json.loads(row.totals_json),
        returns_included=len(json.loads(row.values_json)),
        seconds=seconds,
        signed_off_by=row.signed_off_by,
        signed_off_at=row.signed_off_at.replace(tzinfo=dt.UTC) if row.signed_off_at else None,
    )


def frozen_values(snapshot: PeriodSnapshot) -> list[dict]:
    """The counted returns as the submission keeps them (the JSON in `values_json`)."""
    return [
        {
            "return_id": r.id,
            "strand_id": r.strand.id,
            "strand_ref": r.strand.reference,
            "strand": r.strand.name,
            "provider": r.strand.provider,
            "quarter": r.quarter.number,
            "status": r.status.value,
            "values": dict(r.values),
        }
        for r in snapshot.counted
    ]


def _staging_path(target: Path) -> Path:
    # submission_files.staging_name_pattern must match this name.
    return target.with_name(f".~{target.stem}.final-{secrets.token_hex(4)}{target.suffix}")


def _remove(path: Path | None) -> None:
    if path is not None:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass


def _refused_move(target: Path, error: OSError) -> ServiceError:
    from desktop_app.excel.writer import WorkbookWriteError

    reason = (
        "it is open in another program (close it in Excel and try again)"
        if isinstance(error, PermissionError)
        else (error.strerror or str(error))
    )
    # A WorkbookWriteError is a ValueError, which the window and the CLI already show as a refusal.
    return WorkbookWriteError(
        f"Cannot save {target}: {reason}. Nothing was changed: no return was locked and no submission recorded."
    )


def _check_replaceable(target: Path) -> None:
    """Refuse before anything is recorded if the rename is bound to fail: on Windows a workbook
    open in Excel cannot be replaced, and opening it for writing fails the same way."""
    if os.name != "nt" or not target.exists():
        return
    try:
        with open(target, "r+b"):
            pass
    except OSError as error:
        raise _refused_move(target, error) from error


def _move_into_place(staging: Path, target: Path, digest: str, submission_id: int) -> None:
    try:
        os.replace(staging, target)
    except FileNotFoundError:
        # Another copy finishing interrupted exports may have moved it already: that is fine.
        if target.exists() and sha256_of(target) == digest:
            return
        raise
    except OSError as error:
        from desktop_app.excel.writer import WorkbookWriteError

        raise WorkbookWriteError(
            f"Submission {submission_id} was recorded and its returns locked, but {target} could not be "
            f"replaced ({error.strerror or error}). The workbook is kept beside it as {staging.name}; "
            f"close {target.name} wherever it is open, and it is moved into place the next time you "
            "export or open this database."
        ) from error


def final_export(
    db: Database,
    period: ExportPeriod,
    target: Path | str,
    *,
    include_unverified: bool = False,
    who: str | None = None,
    signed_off_by: str | None = None,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> SubmissionRecord:
    """Write the MoJ return for `period`, lock the returns it counts and record the Submission.

    A half year's return is the grant monitoring return: `signed_off_by` (the Chief Finance
    Officer's name) is required, recorded in the Submission with the time, and shown in the
    workbook; `SignOffRequired` is raised, nothing written, without it.

    All or nothing (see the module notes for the order): on any refusal the old file at
    `target` is as it was, no return is locked and nothing is recorded. Refusals:
    `NothingToExportError`, `Cancelled`, `WorkbookWriteError` (target not writable),
    `SubmissionNotRecorded` (a figure changed meanwhile, or the database refused),
    `OutputRefused` (the target is the database or one of its files).
    Tell the window `FINAL_EXPORT_CHANGED`.
    """
    from desktop_app.excel.writer import WorkbookWriteError

    started = time.perf_counter()
    target = Path(target).expanduser().absolute()
    check_output_file(db, target, "the final MoJ return")
    if target.is_dir():
        raise WorkbookWriteError(f"Cannot save {target}: it is a folder; choose a file name ending in .xlsx.")
    sign_off = _sign_off(period, signed_off_by)
    tidy_export_folder(db, target.parent)
    snapshot, _, data = prepare(
        db, period, include_unverified=include_unverified, progress=progress, cancelled=cancelled,
        sign_off=sign_off,
    )
    staging = _staging_path(target)
    try:
        save_workbook(data, staging, progress=progress, cancelled=cancelled)
    except WorkbookWriteError as error:
        # Name the file the officer chose, not the staging file beside it.
        raise WorkbookWriteError(str(error).replace(str(staging), str(target))) from error
    recorded = False
    try:
        digest = sha256_of(staging)
        _check_replaceable(target)
        reason = f"Included in the final MoJ return for {period.label}"
        try:
            with db.transaction(who=who, reason=reason) as session:
                submission = _lock_and_record(session, snapshot, period, include_unverified, who, target, digest)
                if sign_off is not None:
                    submission.signed_off_by = sign_off.name
                    submission.signed_off_at = sign_off.at.replace(tzinfo=None)
                    session.flush()
        except SQLAlchemyError as error:
            raise SubmissionNotRecorded(
                f"The final export of {period.label} could not be recorded ({type(error).__name__}: "
                f"{str(error).splitlines()[0]}). Nothing was changed: no return was locked, no submission "
                f"recorded, and {target.name} is as it was before."
            ) from error
        # Committed: from here the staging file is the submission's workbook and must survive
        # until it is in place (a crash now is finished by finish_interrupted_exports).
        recorded = True
        _move_into_place(staging, target, digest, submission.id)
        _sync_folder(target.parent)
        record = submission_record(submission, seconds=time.perf_counter() - started)
    finally:
        if not recorded:
            _remove(staging)
    if progress is not None:
        progress(1.0, f"Recorded as submission {record.id}")
    return record


_SIGNER_LIMIT = 200  # Submission.signed_off_by's column size


def _sign_off(period: ExportPeriod, signed_off_by: str | None):
    """The CFO's sign-off a final half-year return needs (None for a year or a quarter)."""
    from desktop_app.excel.finance_sheet import SignOff

    name = " ".join((signed_off_by or "").split())
    if period.half is None:
        if name:
            raise SignOffRequired(
                f"Only a six-monthly return is signed off by the Chief Finance Officer; {period.label} is not a half year."
            )
        return None
    if not name:
        raise SignOffRequired(
            f"The final monitoring return for {period.label} must be signed off by the Chief Finance Officer: "
            "give their name (--signed-off-by NAME). Nothing was written."
        )
    if len(name) > _SIGNER_LIMIT:
        raise SignOffRequired(f"Shorten the Chief Finance Officer's name to {_SIGNER_LIMIT} characters or fewer.")
    return SignOff(name=name, at=dt.datetime.now(dt.UTC).replace(microsecond=0))


def _sync_folder(folder: Path) -> None:
    # So the rename itself survives a power cut; folders cannot be opened like this on Windows.
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _lock_and_record(
    session, snapshot: PeriodSnapshot, period: ExportPeriod, include_unverified: bool,
    who: str | None, target: Path, digest: str,
) -> Submission:
    # Read again under the transaction: the file must hold exactly what gets locked.
    now = read_snapshot(session, period, include_unverified=include_unverified)
    if now.figures() != snapshot.figures():
        raise SubmissionNotRecorded(
            f"Returns for {period.label} changed while the workbook was being written. "
            "Nothing was locked or recorded; run the final export again."
        )
    ids = [r.id for r in now.counted]
    for return_ in session.scalars(select(Return).where(Return.id.in_(ids))):
        if return_.status != ReturnStatus.LOCKED:
            return_.status = ReturnStatus.LOCKED
    file_name = str(target)
    if len(file_name) > _FILE_NAME_LIMIT:
        file_name = target.name[-_FILE_NAME_LIMIT:]
    submission = Submission(
        created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
        created_by=who or current_user(),
        financial_year=period.year.start_year,
        period_part=period.part,
        include_unverified=include_unverified,
        file_name=file_name,
        sha256=digest,
        totals_json=json.dumps(snapshot.totals()),
        values_json=json.dumps(frozen_values(snapshot)),
    )
    session.add(submission)
    session.flush()
    return submission


def list_submissions(db: Database) -> list[SubmissionRecord]:
    """Every recorded submission, newest first."""
    with db.reading() as session:
        rows = session.scalars(select(Submission).order_by(Submission.created_at.desc(), Submission.id.desc()))
        return [submission_record(row) for row in rows]


def get_submission(db: Database, submission_id: int) -> SubmissionRecord:
    """One submission; `RecordNotFound` if there is no such submission."""
    with db.reading() as session:
        row = session.get(Submission, submission_id)
        if row is None:
            raise RecordNotFound(f"There is no submission {submission_id}.")
        return submission_record(row)
