"""Huge amounts typed in the real window's money forms: the error names the field and the
ceiling, the dialog stays open with what was typed, nothing is saved, no traceback."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.services.funding import list_funding_streams
from desktop_app.services.strands import list_strands

CEILING = "is more than any one amount here can be (at most £20,000,000.00); check the figure"
TYPED = ["99999999999999999999", str(2**63), str(2**63 - 1), "1000000000000000", "£20,000,000.01"]


@pytest.mark.parametrize("typed", TYPED)
def test_a_huge_funding_stream_total_is_refused_beside_the_total(qtbot, demo_window, capfd, typed):
    streams_before = list_funding_streams(demo_window.workspace.db)
    page = demo_window.show_page("strands")
    page.new_stream_button.click()
    form = page.active_dialog
    qtbot.keyClicks(form.name_edit, "Home Office domestic abuse grant")
    form.start_edit.set_date_value(dt.date(2024, 4, 1))
    form.end_edit.set_date_value(dt.date(2025, 3, 31))
    qtbot.keyClicks(form.total_edit, typed)
    qtbot.keyClicks(form.budget_edits[2024], "£100,000")
    form.save_button.click()
    assert form.isVisible() and form.total_edit.text() == typed
    assert form.rows.error_text("total_pence") == f"{typed!r} {CEILING}"
    assert list_funding_streams(demo_window.workspace.db) == streams_before
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize("typed", TYPED)
def test_a_huge_allocation_is_refused_naming_its_year(qtbot, demo_window, capfd, typed):
    page = demo_window.show_page("strands")
    page.table.selectRow(0)
    strand = page.table.current_record()
    page.allocations_button.click()
    dialog = page.active_dialog
    dialog.amount_edits[2023].clear()
    qtbot.keyClicks(dialog.amount_edits[2023], typed)
    qtbot.keyClicks(dialog.reason_edit, "a slip of the keyboard")
    dialog.save_button.click()
    assert dialog.isVisible() and dialog.amount_edits[2023].text() == typed
    assert dialog.problem.text() == f"Allocation for 2023/24: {typed!r} {CEILING}"
    saved = next(s for s in list_strands(demo_window.workspace.db) if s.id == strand.id)
    assert saved.allocations == strand.allocations
    assert "Traceback" not in capfd.readouterr().err
