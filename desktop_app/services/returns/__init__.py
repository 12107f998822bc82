"""Returns: entering, checking and moving each strand's quarterly return through its workflow.

Every function is one user action over its own session (one transaction for a write, audited)
and returns frozen dataclasses or a `Changed`, never ORM objects. Figures are checked by the one
engine in `core.return_checks`, statuses by `core.return_workflow`, so the form, the grid, the
template import and these services agree.

- `rows`: the return form's data (`return_form`);
- `saving`: saving one return from the form (`save_return`);
- `grid`: a quarter's grid and saving it all or nothing (`quarter_grid`, `save_grid`);
- `workflow`: status changes, reopening, "verify all valid", copying last quarter;
- `completeness`: the strands × quarters matrix and the due-days setting.
"""

from __future__ import annotations

from desktop_app.services.returns.completeness import (
    DEFAULT_DUE_DAYS,
    DUE_DAYS_SETTING,
    STATE_WORDS,
    STATES,
    Completeness,
    CompletenessCell,
    CompletenessColumn,
    CompletenessRow,
    DueDaysRefused,
    completeness_matrix,
    due_days,
    set_due_days,
)
from desktop_app.services.returns.errors import (
    GridRefused,
    ReturnLocked,
    ReturnRefused,
    StatusRefused,
)
from desktop_app.services.returns.grid import (
    GridRow,
    QuarterGrid,
    quarter_grid,
    reread_rows,
    save_grid,
    write_edits,
)
from desktop_app.services.returns.rows import MeasureField, ReturnForm, return_form
from desktop_app.services.returns.saving import (
    SaveResult,
    StrandNotRunning,
    save_return,
)
from desktop_app.services.returns.spans import StrandSpan, strand_spans
from desktop_app.services.returns.workflow import (
    CopyRefused,
    UndoVerifyResult,
    VerifyResult,
    copy_last_quarter,
    reopen,
    set_status,
    submitted_count,
    undo_verify_all,
    verify_all_valid,
    verify_reason,
)

__all__ = [
    "DEFAULT_DUE_DAYS", "DUE_DAYS_SETTING", "STATES", "STATE_WORDS", "Completeness", "CompletenessCell",
    "CompletenessColumn", "CompletenessRow", "CopyRefused", "DueDaysRefused", "GridRefused", "GridRow",
    "MeasureField", "QuarterGrid", "ReturnForm", "ReturnLocked", "ReturnRefused", "SaveResult",
    "StatusRefused", "StrandNotRunning", "VerifyResult", "completeness_matrix", "copy_last_quarter",
    "due_days", "quarter_grid", "reopen", "reread_rows", "return_form", "save_grid", "save_return", "set_due_days",
    "set_status", "verify_all_valid", "write_edits",
    "StrandSpan", "UndoVerifyResult", "strand_spans", "submitted_count", "undo_verify_all", "verify_reason",
]
