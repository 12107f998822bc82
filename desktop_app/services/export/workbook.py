"""Writing the MoJ return workbook for a period: gather, refuse if empty, write, hash."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.core.numbers import format_count
from desktop_app.services.progress import CancelCheck, Progress, stop_if_cancelled, tell
from desktop_app.services.export.period import ExportPeriod
from desktop_app.services.export.preview import ExportPreview, preview_of
from desktop_app.services.export.snapshot import PeriodSnapshot, read_snapshot
from desktop_app.services.export.submission_files import tidy_export_folder
from desktop_app.services.export.workbook_data import read_details, workbook_data
from desktop_app.services.file_digest import sha256_of
from desktop_app.services.output_paths import check_output_file
from desktop_app.services.report import MeasureTotal
from desktop_app.services.returns.completeness import due_days
from desktop_app.store.database import Database, is_demo

if TYPE_CHECKING:
    from desktop_app.excel.finance_sheet import SignOff
    from desktop_app.excel.moj_return import MojReturnData

__all__ = ["ExportResult", "write_moj_return"]

# The share of the progress bar spent reading the database; the sheets and the save take the rest.
_READING_SHARE = 0.2


@dataclass(frozen=True)
class ExportResult:
    """A workbook written: where, its SHA-256, and the totals it holds."""

    path: Path
    sha256: str
    period: ExportPeriod
    include_unverified: bool
    measures: tuple[MeasureTotal, ...]
    returns_counted: int
    returns_unverified: int
    returns_missing: int
    seconds: float
    totals: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "totals", {m.key: m.total for m in self.measures})

    @property
    def totals_line(self) -> str:
        """One line for a terminal: `Victims supported 90,793 · ...`."""
        return " · ".join(f"{m.label} {format_count(m.total)}" for m in self.measures)


_CANCELLED = "The export was cancelled; no file was written."


def _check(cancelled: CancelCheck | None) -> None:
    stop_if_cancelled(cancelled, _CANCELLED)


def prepare(
    db: Database,
    period: ExportPeriod,
    *,
    include_unverified: bool,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
    sign_off: SignOff | None = None,
) -> tuple[PeriodSnapshot, ExportPreview, MojReturnData]:
    """Read everything the workbook needs; refuse (NothingToExportError) when nothing counts.

    A half year's return also carries a Finance sheet per stream and `sign_off`, the CFO's."""
    from desktop_app.services.indicators import indicator_pack

    _check(cancelled)
    tell(progress, 0.0, f"Reading the returns for {period.label}")
    with db.reading() as session:
        snapshot = read_snapshot(session, period, include_unverified=include_unverified)
        preview = preview_of(snapshot)
        preview.refuse_if_empty()
        details = read_details(session, snapshot)
    _check(cancelled)
    tell(progress, _READING_SHARE / 2, "Reading the indicators")
    # The plan in force then, exact figures: the MoJ is not a publication.
    indicators = indicator_pack(db, today=period.end, suppress=False, significance=False).indicators
    data = workbook_data(
        snapshot, preview, details, indicators, is_demo=is_demo(db), due_days=due_days(db)
    )
    if period.half is not None:
        from desktop_app.core.periods import HalfYear
        from desktop_app.services.finance.monitoring import monitoring_sheets

        tell(progress, _READING_SHARE * 3 / 4, "Reading the claims and payments")
        finance = monitoring_sheets(db, HalfYear(period.year, period.half))
        data = replace(data, finance=finance, sign_off=sign_off)
    return snapshot, preview, data


def save_workbook(
    data: MojReturnData,
    target: Path,
    *,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> Path:
    """Write `data` to `target` atomically, with progress after the reading share."""
    from desktop_app.excel.moj_return_sheets import write_moj_return_workbook

    def scaled(fraction: float, text: str) -> None:
        tell(progress, _READING_SHARE + (1 - _READING_SHARE) * fraction, text)

    return write_moj_return_workbook(data, target, progress=scaled, checkpoint=lambda: _check(cancelled))


def write_moj_return(
    db: Database,
    period: ExportPeriod,
    target: Path | str,
    *,
    include_unverified: bool = False,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> ExportResult:
    """Write the MoJ return workbook for `period` to `target` (.xlsx); nothing is locked or recorded.

    Only verified and locked returns count unless `include_unverified`. `progress(fraction,
    text)` reports as it goes and `cancelled()` is polled between steps, so the window can run
    this off the UI thread. Refusals (nothing written, any old file left as it was):
    `NothingToExportError` when no return would be counted, `progress.Cancelled`, and
    `excel.writer.WorkbookWriteError` when the target cannot be written.
    """
    started = time.perf_counter()
    check_output_file(db, target, "the MoJ return")
    tidy_export_folder(db, Path(target).expanduser().absolute().parent)
    _, preview, data = prepare(
        db, period, include_unverified=include_unverified, progress=progress, cancelled=cancelled
    )
    written = save_workbook(data, Path(target), progress=progress, cancelled=cancelled)
    return result_of(preview, written, sha256_of(written), time.perf_counter() - started)


def result_of(preview: ExportPreview, path: Path, sha256: str, seconds: float) -> ExportResult:
    """The result of a workbook written from `preview`'s figures."""
    return ExportResult(
        path=path,
        sha256=sha256,
        period=preview.period,
        include_unverified=preview.include_unverified,
        measures=preview.measures,
        returns_counted=preview.returns_counted,
        returns_unverified=preview.returns_unverified,
        returns_missing=preview.returns_missing,
        seconds=seconds,
    )
