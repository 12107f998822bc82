"""One save of the MoJ return as work for the background helper: fixed inputs, and its outcome."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.services.export import (
    ExportPeriod,
    ExportResult,
    SubmissionRecord,
    final_export,
    write_moj_return,
)

WORKBOOK_SUFFIX = ".xlsx"


def workbook_path(path: str | Path) -> Path:
    """The chosen file, with `.xlsx` added when the file dialog left it off."""
    target = Path(path)
    return target if target.suffix.lower() == WORKBOOK_SUFFIX else target.with_name(target.name + WORKBOOK_SUFFIX)


@dataclass
class ExportRun:
    """Called on a pool thread with `progress` and `cancelled`; opens its own sessions.

    `db` is the workspace's Database (safe to share across threads for separate sessions).
    `outcome` is kept so that a Cancel pressed after the file was already written (and, for a
    final return, recorded) is reported as what happened rather than as a cancel.
    """

    db: Any
    period: ExportPeriod
    target: Path
    include_unverified: bool
    final: bool
    outcome: ExportResult | SubmissionRecord | None = None
    signed_off_by: str | None = None  # the CFO, for a final six-monthly return

    def __call__(self, progress, cancelled) -> ExportResult | SubmissionRecord:
        if self.final:
            result = final_export(
                self.db, self.period, self.target, include_unverified=self.include_unverified,
                signed_off_by=self.signed_off_by, progress=progress, cancelled=cancelled,
            )
        else:
            result = write_moj_return(
                self.db, self.period, self.target, include_unverified=self.include_unverified,
                progress=progress, cancelled=cancelled,
            )
        self.outcome = result
        return result

    @property
    def title(self) -> str:
        if self.final:
            return f"Making the final MoJ return for {self.period.label}"
        return f"Saving the MoJ return for {self.period.label}"
