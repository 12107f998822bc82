"""The MoJ return: choosing the period, previewing it, writing the workbook, and submissions.

- `period`: `ExportPeriod`, a financial year or one half or quarter of it;
- `preview`: `export_preview`, the totals and data-quality problems shown before saving;
- `workbook`: `write_moj_return`, the workbook written to a file (nothing locked or recorded);
- `submissions`: `final_export` (write, lock what it counts, record a Submission), the list;
- `compare`: `compare_with_now`, value by value, what changed since a submission.

Every function here is one user action over its own session, returning frozen dataclasses;
openpyxl is imported only inside the functions that write, so start-up never loads it.
"""

from __future__ import annotations

from desktop_app.services.export.compare import (
    ReopenedReturn,
    SubmissionComparison,
    TotalChange,
    ValueChange,
    compare_with_now,
)
from desktop_app.services.export.period import ExportPeriod
from desktop_app.services.export.preview import (
    DataProblem,
    ExportPreview,
    NothingToExportError,
    export_preview,
)
from desktop_app.services.export.submissions import (
    FINAL_EXPORT_CHANGED,
    SignOffRequired,
    SubmissionNotRecorded,
    SubmissionRecord,
    final_export,
    get_submission,
    list_submissions,
)
from desktop_app.services.export.workbook import (
    ExportResult,
    write_moj_return,
)
from desktop_app.services.file_digest import sha256_of

__all__ = [
    "FINAL_EXPORT_CHANGED", "DataProblem", "ExportPeriod", "ExportPreview",
    "ExportResult", "NothingToExportError", "ReopenedReturn", "SubmissionComparison",
    "SignOffRequired", "SubmissionNotRecorded", "SubmissionRecord", "TotalChange", "ValueChange", "compare_with_now",
    "export_preview", "final_export", "get_submission", "list_submissions", "sha256_of",
    "write_moj_return",
]
