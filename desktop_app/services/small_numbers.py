"""The small-number threshold published outputs suppress below (see `core.suppression`)."""

from __future__ import annotations

from desktop_app.core.suppression import SETTING_KEY, parse_threshold
from desktop_app.store.database import Database

__all__ = ["small_number_threshold"]


def small_number_threshold(db: Database) -> int:
    """The `small_number_threshold` setting: counts below it are not published (default 5)."""
    return parse_threshold(db.setting(SETTING_KEY))
