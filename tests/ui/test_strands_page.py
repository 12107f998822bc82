"""Setting up the year through the real window: stream, budgets, provider, strand, allocations."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from desktop_app.services.funding import budget_position
from desktop_app.services.history import strand_history
from desktop_app.services.strands import list_strands


def _finish(qtbot, page, dialog):
    dialog.save_button.click()
    qtbot.waitUntil(lambda: page.active_dialog is None or page.active_dialog is not dialog)


def test_a_new_user_sets_up_the_year_from_an_empty_database(qtbot, window):
    page = window.current_page()
    assert page.title == "Strands & funding"
    assert not page.new_strand_button.isEnabled()  # no funding stream yet

    # The MoJ grant: £14m over three years.
    page.empty_state.findChildren(type(page.new_strand_button))[0].click()
    stream_form = page.active_dialog
    qtbot.keyClicks(stream_form.name_edit, "MoJ victims' services grant 2022-25")
    stream_form.start_edit.set_date_value(dt.date(2022, 4, 1))
    stream_form.end_edit.set_date_value(dt.date(2025, 3, 31))
    qtbot.keyClicks(stream_form.total_edit, "£14m")
    assert sorted(stream_form.budget_edits) == [2022, 2023, 2024]
    for year, amount in ((2022, "4,600,000"), (2023, "4,650,000"), (2024, "4,750,000")):
        qtbot.keyClicks(stream_form.budget_edits[year], amount)
    assert "£14,000,000 of £14,000,000" in stream_form.budget_total_label.text()
    _finish(qtbot, page, stream_form)
    assert page.stack.currentWidget() is page.body
    assert [p.budget_pence for p in page.budget_model.rows()] == [460_000_000, 465_000_000, 475_000_000]

    # A provider, on the Providers page.
    providers = window.show_page("providers")
    form = providers._open_form(None)
    qtbot.keyClicks(form.name_edit, "Calder Women's Aid")
    form.save_button.click()
    qtbot.waitUntil(lambda: providers.active_form is None)

    # A strand for it.
    page = window.show_page("strands")
    assert page.new_strand_button.isEnabled()
    page.new_strand_button.click()
    strand_form = page.active_dialog
    assert strand_form.reference_edit.text() == "WY-001"
    strand_form.provider_combo.setCurrentIndex(strand_form.provider_combo.findText("Calder Women's Aid"))
    qtbot.keyClicks(strand_form.name_edit, "Calderdale IDVA service")
    strand_form.start_edit.set_date_value(dt.date(2022, 4, 1))
    strand_form.end_edit.set_date_value(dt.date(2025, 3, 31))
    _finish(qtbot, page, strand_form)
    assert [s.reference for s in page.table.visible_records()] == ["WY-001"]

    # Its allocations, and the budget remaining.
    page.table.selectRow(0)
    page.allocations_button.click()
    allocations = page.active_dialog
    qtbot.keyClicks(allocations.amount_edits[2022], "100,000")
    assert allocations.remaining_labels[2022].text() == "£4,500,000"
    _finish(qtbot, page, allocations)
    remaining = {p.financial_year: p.remaining_pence for p in page.budget_model.rows()}
    assert remaining[2022] == 450_000_000
    assert "£4,500,000" in [page.budget_model.index(0, 3).data()]
    assert page.table.visible_records()[0].allocations == {2022: 10_000_000}


def test_over_allocation_is_flagged_and_refused_without_a_reason(qtbot, demo_window):
    page = demo_window.show_page("strands")
    page.table.selectRow(0)
    strand = page.table.current_record()
    page.allocations_button.click()
    dialog = page.active_dialog
    dialog.amount_edits[2023].clear()
    qtbot.keyClicks(dialog.amount_edits[2023], "£5,000,000")
    label = dialog.remaining_labels[2023]
    assert "over budget" in label.text()
    assert label.property("overBudget") is True
    dialog.save_button.click()
    assert dialog.isVisible()
    assert "over" in dialog.problem.text() and "reason" in dialog.problem.text().lower()
    assert list_strands(demo_window.workspace.db)[0].allocations == strand.allocations  # nothing saved

    qtbot.keyClicks(dialog.reason_edit, "Panel approved a one-off uplift")
    _finish(qtbot, page, dialog)
    saved = next(s for s in list_strands(demo_window.workspace.db) if s.id == strand.id)
    assert saved.allocations[2023] == 500_000_000
    position = {p.financial_year: p for p in budget_position(demo_window.workspace.db, strand.funding_stream_id)}
    assert position[2023].over
    assert any(e.reason == "Panel approved a one-off uplift" for e in strand_history(demo_window.workspace.db, strand.id))
    over_row = [p.label for p in page.budget_model.rows()].index("2023/24")
    assert page.budget_model.index(over_row, 3).data().endswith("over")


def test_the_strand_search_narrows_the_table(qtbot, demo_window):
    page = demo_window.show_page("strands")
    assert page.count_label.text() == "72 strands"
    qtbot.keyClicks(page.search_edit, "restorative")
    shown = page.table.visible_records()
    assert 0 < len(shown) < 72
    assert page.count_label.text() == f"{len(shown)} of 72 strands"


def _resize_to_contents_heights(table) -> list[int]:
    """What Qt's own ResizeToContents would make each row: its cells' hints, at least the header's."""
    vertical = table.verticalHeader()
    return [
        min(max(table.sizeHintForRow(row), vertical.sectionSizeHint(row), vertical.minimumSectionSize()), vertical.maximumSectionSize())
        for row in range(table.model().rowCount())
    ]


def test_each_strand_row_is_as_tall_as_its_wrapped_names_after_a_resize_sort_and_search(qtbot, demo_window):
    demo_window.resize(1100, 700)  # narrow enough that long names wrap onto a second line
    page = demo_window.show_page("strands")
    table = page.table
    qtbot.waitUntil(lambda: table.viewport().width() > 500)
    qtbot.waitUntil(lambda: [table.rowHeight(r) for r in range(table.model().rowCount())] == _resize_to_contents_heights(table))
    assert len({table.rowHeight(r) for r in range(table.model().rowCount())}) > 1  # some names do wrap
    table.sortByColumn(2, Qt.SortOrder.DescendingOrder)  # the rows move: their heights follow
    qtbot.keyClicks(page.search_edit, "victim")
    demo_window.resize(1366, 768)
    qtbot.waitUntil(lambda: [table.rowHeight(r) for r in range(table.model().rowCount())] == _resize_to_contents_heights(table))
