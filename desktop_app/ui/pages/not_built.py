"""An honest page for work that has not landed yet: what it will do, and what works today."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout

from desktop_app.ui.pages.page import Page, PageContext
from desktop_app.ui.widgets.empty_state import EmptyState

PLANNED = {
    "dashboard": (
        "Dashboard",
        "Headline figures and charts for the year will appear here: victims supported by "
        "quarter and service, the top providers, allocation against budget and completeness. "
        "Until then, `commissioning-desk report --year 2022/23` prints the year's totals.",
    ),
    "returns": (
        "Returns",
        "Each strand's quarterly return will be entered, checked, verified and locked here, "
        "with a grid that takes a paste from Excel and a completeness matrix for the year.",
    ),
}


class NotBuiltPage(Page):
    def __init__(self, context: PageContext, key: str, parent=None) -> None:
        self.key = key
        self.title = PLANNED[key][0]
        super().__init__(context, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title, message = PLANNED[key]
        self.empty_state = EmptyState(f"{title} — not available yet", message, self)
        layout.addWidget(self.empty_state)
