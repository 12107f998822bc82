"""How a problem is marked wherever a return's figures are shown: the grid's cells, the form's
tabs and inputs, the breakdown tables. One set of marks, so they read the same everywhere."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtGui import QColor, QIcon
from PySide6.QtWidgets import QApplication, QStyle

from desktop_app.core.numbers import format_count
from desktop_app.core.return_checks import Problem

__all__ = ["ERROR", "MARK_WORDS", "NOTED", "WARNING", "mark_of", "marker_icon", "sum_words"]

ERROR, WARNING, NOTED = "error", "warning", "noted"
MARK_WORDS = {ERROR: "Error", WARNING: "Warning", NOTED: "Noted"}
# Calm tints: the icon and the words carry the meaning, the colour only draws the eye.
ERROR_BACKGROUND, ERROR_TEXT = QColor("#fde8eb"), QColor("#8a1526")
WARNING_BACKGROUND, WARNING_TEXT = QColor("#fff4d1"), QColor("#6b4e00")
_ICONS = {ERROR: QStyle.StandardPixmap.SP_MessageBoxCritical, WARNING: QStyle.StandardPixmap.SP_MessageBoxWarning,
          NOTED: QStyle.StandardPixmap.SP_MessageBoxInformation}


def marker_icon(mark: str) -> QIcon:
    """The marker: a red cross for an error, an amber triangle for a warning, a blue "i" for a
    warning explained by a note; the style's own, so they read as they do elsewhere."""
    return QApplication.style().standardIcon(_ICONS[mark])


def mark_of(problems: Iterable[Problem], notes: Mapping[str, str]) -> str | None:
    """ERROR, WARNING (a warning with no note), NOTED (every warning explained), or None."""
    problems = tuple(problems)
    if not problems:
        return None
    if any(p.is_error for p in problems):
        return ERROR
    return WARNING if any(not notes.get(p.note_key, "").strip() for p in problems) else NOTED


def sum_words(figures: Iterable[int | None], total: int | None) -> tuple[str, str]:
    """What a breakdown's categories add up to against the total, and how it stands:
    ("Adds up to 1,200 of 1,300: 100 short", "warning"). Blank categories count as nothing."""
    figures = [f for f in figures if f is not None]
    if not figures:
        if total is None:
            return "Not broken down", ""
        return f"Not broken down yet: the categories should add up to {format_count(total)}", ""
    added = sum(figures)
    if total is None:
        return f"Adds up to {format_count(added)}, but the total is empty", "error"
    if added > total:
        return f"Adds up to {format_count(added)} of {format_count(total)}: {format_count(added - total)} too many", "error"
    if added < total:
        return f"Adds up to {format_count(added)} of {format_count(total)}: {format_count(total - added)} short", "warning"
    return f"Adds up to {format_count(added)} of {format_count(total)}", "done"
