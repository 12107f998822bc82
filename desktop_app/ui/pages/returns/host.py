"""What the Returns page hands the parts that act for it (the templates, "Verify all valid"):
a handful of callables and values, so no part imports the page or reaches into it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QPushButton, QWidget

from desktop_app.core.periods import Quarter
from desktop_app.services.changes import Changed

__all__ = ["ReturnsHost"]


@dataclass(frozen=True)
class ReturnsHost:
    widget: QWidget  # the parent of the dialogs a part opens
    db: Callable[[], Any]  # the open database, now
    quarter: Callable[[], Quarter | None]  # the quarter on screen
    today: dt.date
    settings: QSettings | None
    # The page's message line: say(text, problem=False, tooltip="").
    say: Callable[..., None]
    # Run the callable once unsaved grid edits are saved or discarded (asks first).
    confirm_leave: Callable[[Callable[[], None]], None]
    # Tell every page what changed (this one refreshes itself from it).
    publish: Callable[[Changed | None], None]
    # The dialog or question now open on the page (None once closed), for the window and tests.
    show_dialog: Callable[[QWidget | None], None]
    # A button in the page's header: add_button(text, slot, tooltip).
    add_button: Callable[..., QPushButton]
    has_unsaved_changes: Callable[[], bool] = lambda: False
