"""The pages of the main window, in sidebar order, and how each is built (on first use)."""

from __future__ import annotations

from desktop_app.ui.pages.page import Page, PageContext

PAGES: list[tuple[str, str]] = [
    ("dashboard", "Dashboard"),
    ("providers", "Providers"),
    ("strands", "Strands & funding"),
    ("returns", "Returns"),
    ("indicators", "Indicators"),
    ("exports", "Exports"),
]

# Where a database opens when the officer has no page remembered. The dashboard takes over
# once it exists; until then the register is the most useful first sight.
LANDING_PAGE = "strands"


def build_page(key: str, context: PageContext) -> Page:
    # Imported here so a page's modules (and what they import) load only when it is first shown.
    if key == "providers":
        from desktop_app.ui.pages.providers.page import ProvidersPage

        return ProvidersPage(context)
    if key == "strands":
        from desktop_app.ui.pages.strands.page import StrandsPage

        return StrandsPage(context)
    if key == "indicators":
        from desktop_app.ui.pages.indicators.page import IndicatorsPage

        return IndicatorsPage(context)
    from desktop_app.ui.pages.not_built import NotBuiltPage

    return NotBuiltPage(context, key)
