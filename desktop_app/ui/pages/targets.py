"""Where the officer is sent: a page and what on it to show, as plain typed data.

A chart click, a dropped file or a button on one page says `Go(page, period=…, provider_id=…)`.
Each page lists the fields it can show (`Page.handles`) and shows every one of them; a target
asking a page for something it does not handle is refused loudly (`TargetNotHandled`), never
half-shown: a quarter that silently became "the page's own default" is how the dashboard's
click-through once lost its period.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

from PySide6.QtCore import QMimeData

from desktop_app.core.periods import FinancialYear, HalfYear, Quarter

Period = Quarter | HalfYear | FinancialYear

ACCEPTED = "Drop filled return templates here: Excel workbooks (.xlsx), or a folder of them."
# A LibreOffice .ods is taken too, so the preview can say how to save it as .xlsx.
_DROPPED_SUFFIXES = (".xlsx", ".ods")


@dataclass(frozen=True)
class ImportFiles:
    """What was dropped on the window, for the Returns page to preview."""

    paths: tuple[Path, ...] = ()
    others: tuple[str, ...] = ()  # dropped things that are neither an .xlsx (or .ods) file nor a folder

    @classmethod
    def from_mime(cls, mime: QMimeData) -> ImportFiles:
        paths, others = [], []
        for url in mime.urls():
            path = Path(url.toLocalFile()) if url.isLocalFile() else None
            if path is not None and (path.is_dir() or path.suffix.lower() in _DROPPED_SUFFIXES):
                paths.append(path)
            else:
                others.append(path.name if path is not None else url.toDisplayString())
        if not mime.urls():
            others.append("text" if mime.hasText() else "something that is not a file")
        return cls(tuple(paths), tuple(others))

    def refusal(self) -> str | None:
        """Why nothing will be imported from this drop (None: preview it)."""
        if self.others:
            shown = ", ".join(self.others[:3]) + (f" and {len(self.others) - 3} more" if len(self.others) > 3 else "")
            return f"Nothing was imported: {shown} {'is' if len(self.others) == 1 else 'are'} not a return template. {ACCEPTED}"
        if not self.paths:
            return f"Nothing was dropped. {ACCEPTED}"
        return None


@dataclass(frozen=True)
class Go:
    """Show page `page` (a registry key) and, when given, each of these on it."""

    page: str
    period: Period | None = None  # a quarter, half or year: the page opens on it
    provider_id: int | None = None  # one provider, picked out
    service_category_key: str | None = None  # one service category's rows
    return_state: str | None = None  # returns at one completeness state ("overdue", …)
    files: ImportFiles | None = None  # files to import

    def asks_for(self) -> frozenset[str]:
        """The names of the fields set, besides the page."""
        return frozenset(f.name for f in fields(self) if f.name != "page" and getattr(self, f.name) is not None)


class TargetNotHandled(LookupError):
    """A page was asked to show something it cannot show (a programming error, said plainly)."""

    def __init__(self, go: Go, title: str, handles: frozenset[str]) -> None:
        missing = sorted(go.asks_for() - handles)
        super().__init__(f"The {title} page cannot show {', '.join(missing)} (it shows {', '.join(sorted(handles)) or 'nothing'}): {go}")
        self.go = go
        self.missing = tuple(missing)
