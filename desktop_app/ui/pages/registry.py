"""The pages of the main window, in sidebar order, and how each is built (on first use)."""

from __future__ import annotations

from desktop_app.ui.pages.page import Page, PageContext

PAGES: list[tuple[str, str]] = [
    ("dashboard", "Dashboard"),
    ("providers", "Providers"),
    ("strands", "Strands & funding"),
    ("finance", "Finance"),
    ("returns", "Returns"),
    ("indicators", "Indicators"),
    ("exports", "Exports"),
]

# Where a database opens when the officer has no page remembered: the year at a glance.
LANDING_PAGE = "dashboard"


def build_page(key: str, context: PageContext) -> Page:
    # Imported here so a page's modules (and what they import) load only when it is first shown.
    if key == "dashboard":
        from desktop_app.ui.pages.dashboard.page import DashboardPage

        return DashboardPage(context)
    if key == "providers":
        from desktop_app.ui.pages.providers.page import ProvidersPage

        return ProvidersPage(context)
    if key == "strands":
        from desktop_app.ui.pages.strands.page import StrandsPage

        return StrandsPage(context)
    if key == "finance":
        from desktop_app.ui.pages.finance.page import FinancePage

        return FinancePage(context)
    if key == "returns":
        from desktop_app.ui.pages.returns.page import ReturnsPage

        return ReturnsPage(context)
    if key == "indicators":
        from desktop_app.ui.pages.indicators.page import IndicatorsPage

        return IndicatorsPage(context)
    if key == "exports":
        from desktop_app.ui.pages.exports.page import ExportsPage

        return ExportsPage(context)
    raise KeyError(f"no page called {key!r}")
