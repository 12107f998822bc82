"""The finance settings: the underspend tolerance and the due dates of the six-monthly returns.

Kept in the database's settings (so a team shares them), each with a default; a stored value
that cannot be read falls back to the default rather than stopping a report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desktop_app.core.periods import HalfYear
from desktop_app.services.changes import FINANCE, Changed
from desktop_app.services.errors import ServiceError
from desktop_app.store.database import Database
from desktop_app.store.models import Setting

__all__ = [
    "DEFAULT_HALF_DUE",
    "DEFAULT_TOLERANCE_PCT",
    "FinanceSettings",
    "FinanceSettingRefused",
    "finance_settings",
    "half_due_date",
    "set_half_due",
    "set_underspend_tolerance",
]

TOLERANCE_SETTING = "finance_underspend_tolerance_pct"
HALF_DUE_SETTINGS = {1: "finance_h1_due", 2: "finance_h2_due"}
DEFAULT_TOLERANCE_PCT = 5
# Month and day each half's monitoring return is due; H2's falls in the next calendar year.
# One published PCC schedule: 31 October and 30 April.
DEFAULT_HALF_DUE = {1: (10, 31), 2: (4, 30)}


class FinanceSettingRefused(ServiceError, ValueError):
    """A finance setting was refused; nothing was changed."""


@dataclass(frozen=True)
class FinanceSettings:
    tolerance_pct: int
    half_due: dict[int, tuple[int, int]]  # half number -> (month, day)


def _tolerance(text: str | None) -> int:
    try:
        value = int(text) if text is not None else DEFAULT_TOLERANCE_PCT
    except ValueError:
        return DEFAULT_TOLERANCE_PCT
    return value if 0 <= value <= 100 else DEFAULT_TOLERANCE_PCT


def _month_day(text: str | None, default: tuple[int, int]) -> tuple[int, int]:
    try:
        month, day = (int(part) for part in (text or "").split("-"))
        dt.date(2024, month, day)  # a leap year, so 29 February is allowed
    except ValueError:
        return default
    return month, day


def finance_settings(db: Database) -> FinanceSettings:
    """The stored finance settings, or their defaults."""
    return FinanceSettings(
        tolerance_pct=_tolerance(db.setting(TOLERANCE_SETTING)),
        half_due={n: _month_day(db.setting(key), DEFAULT_HALF_DUE[n]) for n, key in HALF_DUE_SETTINGS.items()},
    )


def half_due_date(half: HalfYear, month_day: tuple[int, int]) -> dt.date:
    """The day `half`'s monitoring return is due: the first such date after the half ends."""
    month, day = month_day
    year = half.end.year
    for candidate_year in (year, year + 1):
        try:
            due = dt.date(candidate_year, month, day)
        except ValueError:  # 29 February in a common year
            due = dt.date(candidate_year, month, 28)
        if due > half.end:
            return due
    return half.end


def set_underspend_tolerance(db: Database, pct: int, *, who: str | None = None) -> Changed:
    """Set how far (in whole per cent of the allocation) a forecast underspend may go before it is flagged."""
    if isinstance(pct, bool) or not isinstance(pct, int) or not 0 <= pct <= 100:
        raise FinanceSettingRefused(f"{pct!r} is not an underspend tolerance: use a whole per cent from 0 to 100, e.g. 5.")
    with db.transaction(who=who) as session:
        session.merge(Setting(key=TOLERANCE_SETTING, value=str(pct)))
    return Changed.of(FINANCE)


def set_half_due(db: Database, half_number: int, month: int, day: int, *, who: str | None = None) -> Changed:
    """Set the month and day the H1 or H2 monitoring return is due, e.g. (1, 10, 31) for 31 October."""
    if half_number not in HALF_DUE_SETTINGS:
        raise FinanceSettingRefused(f"H{half_number} is not a half year: use H1 or H2.")
    try:
        dt.date(2024, month, day)
    except (TypeError, ValueError):
        raise FinanceSettingRefused(f"{day}/{month} is not a day of the year for the H{half_number} due date, e.g. 31 October.") from None
    with db.transaction(who=who) as session:
        session.merge(Setting(key=HALF_DUE_SETTINGS[half_number], value=f"{month}-{day}"))
    return Changed.of(FINANCE)
