"""How far a strand's return for one quarter has got: the one rule the completeness matrix, the
dashboard's chart and the MoJ workbook's Completeness sheet all use, so they cannot disagree.

A return that was sent counts at its status whatever its strand's dates say now (it is real);
otherwise a strand running for any part of the quarter owes one once the quarter has ended:
missing until it is due, overdue after. Before the quarter ends nothing is expected yet.
"""

from __future__ import annotations

import datetime as dt

from desktop_app.core.periods import Quarter
from desktop_app.core.vocabulary import ReturnStatus

__all__ = [
    "DONE_STATES", "DRAFT", "LOCKED", "MISSING", "NOT_DUE", "NOT_RUNNING", "OVERDUE", "STATES", "STATE_WORDS",
    "SUBMITTED", "VERIFIED", "DEFAULT_DUE_DAYS", "DUE_DAYS_SETTING", "MAX_DUE_DAYS", "due_days_from",
    "return_state", "runs_in",
]

NOT_RUNNING = "not_running"
NOT_DUE = "not_due"
MISSING = "missing"
OVERDUE = "overdue"
DRAFT = "draft"
SUBMITTED = "submitted"
VERIFIED = "verified"
LOCKED = "locked"

# In the order a legend lists them (and counts are given).
STATES = (NOT_RUNNING, NOT_DUE, MISSING, OVERDUE, DRAFT, SUBMITTED, VERIFIED, LOCKED)
STATE_WORDS = {
    NOT_RUNNING: "Not running",
    NOT_DUE: "Not due yet",
    MISSING: "Missing",
    OVERDUE: "Overdue",
    DRAFT: "Draft",
    SUBMITTED: "Submitted",
    VERIFIED: "Verified",
    LOCKED: "Locked",
}
DONE_STATES = frozenset({VERIFIED, LOCKED})

# The setting saying how many days after its quarter ends a return is due, and its bounds.
DUE_DAYS_SETTING = "return_due_days"
DEFAULT_DUE_DAYS = 30
MAX_DUE_DAYS = 366


def due_days_from(text: str | None) -> int:
    """The days a return is due after its quarter, from the stored setting (30 when it is
    missing, or is not a whole number from 0 to 366)."""
    try:
        days = int(text) if text is not None else DEFAULT_DUE_DAYS
    except ValueError:
        return DEFAULT_DUE_DAYS
    return days if 0 <= days <= MAX_DUE_DAYS else DEFAULT_DUE_DAYS


def runs_in(start: dt.date, end: dt.date | None, quarter: Quarter) -> bool:
    """Whether a strand running `start`..`end` (None: no end) runs for any part of `quarter`."""
    return start <= quarter.end and (end is None or end >= quarter.start)


def return_state(
    status: ReturnStatus | str | None, *, runs: bool, quarter: Quarter, due: dt.date, today: dt.date
) -> str:
    """The state (one of STATES) of a strand's return for `quarter`, due on `due`.

    `status` is the stored return's (None: no return); `runs` whether the strand runs in it."""
    if status is not None:
        return str(ReturnStatus(status).value)
    if not runs:
        return NOT_RUNNING
    if today <= quarter.end:
        return NOT_DUE
    return OVERDUE if today > due else MISSING
