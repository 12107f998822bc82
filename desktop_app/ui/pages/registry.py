"""The pages of the main window, in sidebar order: one entry each, and the window is built from them.

Adding a page is one `PageEntry`: the sidebar, the Go menu and its Ctrl+number shortcut follow.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from desktop_app.ui.pages.page import Page, PageContext


def _lazy(where: str) -> Callable[[PageContext], Page]:
    """A factory for the page class at "module:Class", imported on the page's first show (so
    start-up loads only the first page's modules)."""
    module, name = where.split(":")

    def build(context: PageContext) -> Page:
        fresh = module not in sys.modules
        page_class = getattr(import_module(module), name)
        if fresh:
            # The code loaded by now (the libraries' and the pages', over 100,000 objects)
            # lives as long as the program: out of the collector's sight, a full collection
            # no longer holds up a page for a fifth of a second walking it all again. Only on
            # a page's first import, so the windows a process closes are still collected.
            gc.freeze()
        return page_class(context)

    build.where = where
    return build


@dataclass(frozen=True)
class PageEntry:
    key: str
    title: str  # the sidebar's and the page header's words
    menu_text: str  # the Go menu's: "&" before the mnemonic letter, "&&" for an ampersand
    shortcut: str
    factory: Callable[[PageContext], Page]


PAGES: tuple[PageEntry, ...] = (
    PageEntry("dashboard", "Dashboard", "&Dashboard", "Ctrl+1", _lazy("desktop_app.ui.pages.dashboard.page:DashboardPage")),
    PageEntry("providers", "Providers", "&Providers", "Ctrl+2", _lazy("desktop_app.ui.pages.providers.page:ProvidersPage")),
    PageEntry("strands", "Strands & funding", "&Strands && funding", "Ctrl+3", _lazy("desktop_app.ui.pages.strands.page:StrandsPage")),
    PageEntry("finance", "Finance", "&Finance", "Ctrl+4", _lazy("desktop_app.ui.pages.finance.page:FinancePage")),
    PageEntry("returns", "Returns", "&Returns", "Ctrl+5", _lazy("desktop_app.ui.pages.returns.page:ReturnsPage")),
    PageEntry("indicators", "Indicators", "&Indicators", "Ctrl+6", _lazy("desktop_app.ui.pages.indicators.page:IndicatorsPage")),
    PageEntry("exports", "Exports", "&Exports", "Ctrl+7", _lazy("desktop_app.ui.pages.exports.page:ExportsPage")),
)

# Where a database opens when the officer has no page remembered: the year at a glance.
LANDING_PAGE = "dashboard"


def entry(key: str) -> PageEntry:
    """The entry of page `key`; a KeyError naming it if there is none."""
    for found in PAGES:
        if found.key == key:
            return found
    raise KeyError(f"no page called {key!r}")


def position(key: str) -> int:
    """Where page `key` sits in the sidebar (and the window's stack)."""
    return PAGES.index(entry(key))


def build_page(key: str, context: PageContext) -> Page:
    page = entry(key).factory(context)
    if (page.key, page.title) != (key, entry(key).title):
        raise TypeError(f"the {key!r} entry built a page that calls itself {page.key!r} ({page.title!r})")
    return page
