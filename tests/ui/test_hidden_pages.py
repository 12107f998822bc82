"""A page the officer cannot see does not redo its work on every save: it catches up when shown."""

from __future__ import annotations

from desktop_app.core.periods import FinancialYear
from desktop_app.services.returns.grid import quarter_grid, save_grid

Q1_2024 = FinancialYear(2024).quarters()[0]  # verified in the demo: a change sends it back to submitted


def _save_one_return(window) -> int:
    """Change a verified 2024/25 Q1 return as the grid would; returns its victims supported."""
    db = window.workspace.db
    row = next(r for r in quarter_grid(db, Q1_2024).rows if r.return_id is not None)
    supported = row.values["victims_supported"]
    changed = save_grid(db, Q1_2024, {row.strand_id: {"victims_supported": supported + 1}},
                        versions={row.strand_id: row.version})
    window.context.publish(changed)
    return supported


def _victims(page) -> int:
    return int(page.preview_panel.total_texts()["Victims supported"].replace(",", ""))


def test_a_hidden_exports_page_shows_a_save_made_elsewhere_once_the_officer_comes_back(demo_window):
    page = demo_window.show_page("exports")
    page.picker.select_year("2024/25")
    page.picker.select_part("year")
    before = _victims(page)
    demo_window.show_page("returns")

    supported = _save_one_return(demo_window)
    # Out of sight, the page kept what it showed (it did not recount every year on the save)...
    assert _victims(page) == before

    demo_window.show_page("exports")
    # ...and shows the save as soon as it is back: the edited return is no longer verified.
    assert _victims(page) == before - supported


def test_the_page_on_screen_shows_a_save_at_once(demo_window):
    page = demo_window.show_page("exports")
    page.picker.select_year("2024/25")
    page.picker.select_part("year")
    before = _victims(page)
    supported = _save_one_return(demo_window)
    assert _victims(page) == before - supported
