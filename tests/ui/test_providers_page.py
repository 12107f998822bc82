"""The Providers page driven through its real widgets over a real database."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app.services.history import provider_history
from desktop_app.services.providers import list_providers


def _fill_new_provider(qtbot, form, name="Aire Valley Victim Support"):
    qtbot.keyClicks(form.name_edit, name)
    form.type_combo.setCurrentIndex(0)
    qtbot.keyClicks(form.contact_email_edit, "help@airevalley.example.org")
    form.district_list.set_checked_keys(["leeds", "bradford"])


def test_an_empty_register_invites_the_first_provider(window):
    page = window.show_page("providers")
    assert page.stack.currentWidget() is page.empty_state
    assert "No providers yet" in page.empty_state.title_label.text()


def test_a_provider_added_through_the_form_appears_in_the_table(qtbot, window):
    page = window.show_page("providers")
    window.new_record_action.trigger()  # Ctrl+N
    form = page.active_form
    assert form is not None and form.isVisible()
    _fill_new_provider(qtbot, form)
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow)
    qtbot.keyClick(form.name_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Ctrl+S
    qtbot.waitUntil(lambda: page.active_form is None)
    assert [r.name for r in page.table.visible_records()] == ["Aire Valley Victim Support"]
    row = page.table.visible_records()[0]
    assert row.districts == ("Bradford", "Leeds")
    assert page.count_label.text() == "1 provider"  # was "1 providers" (issue 15)


def test_invalid_input_is_shown_next_to_the_field_and_nothing_is_saved(qtbot, window):
    page = window.show_page("providers")
    form = page._open_form(None)
    qtbot.keyClicks(form.contact_email_edit, "not an address")
    qtbot.keyClicks(form.contact_phone_edit, "12")
    form.save_button.click()
    assert form.isVisible()  # refused: the form stays open with its errors
    assert form.rows.error_text("name")  # name is required
    assert "not an address" in form.rows.error_text("contact_email")
    assert form.rows.error_text("contact_phone")
    assert list_providers(window.workspace.db) == []


def test_the_search_box_narrows_the_table(qtbot, demo_window):
    page = demo_window.show_page("providers")
    everyone = len(page.table.visible_records())
    assert everyone == 34
    demo_window.find_action.trigger()  # Ctrl+F
    assert page.search_edit.hasFocus()
    qtbot.keyClicks(page.search_edit, "hospital trust")
    shown = page.table.visible_records()
    assert 0 < len(shown) < everyone
    assert all(r.organisation_type.label == "Hospital trust" for r in shown)
    assert page.count_label.text() == f"{len(shown)} of 34 providers"


def test_sorting_by_strands_puts_the_biggest_provider_first(demo_window):
    page = demo_window.show_page("providers")
    page.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)
    counts = [r.strand_count for r in page.table.visible_records()]
    assert counts == sorted(counts, reverse=True)


def test_an_edit_is_recorded_and_shown_in_history(qtbot, demo_window):
    page = demo_window.show_page("providers")
    page.table.selectRow(0)
    original = page.table.current_record()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # Enter opens the record
    form = page.active_form
    form.name_edit.clear()
    qtbot.keyClicks(form.name_edit, original.name + " CIC")
    form.save_button.click()
    qtbot.waitUntil(lambda: page.active_form is None)
    entries = provider_history(demo_window.workspace.db, original.id)
    assert any(e.old == original.name and e.new == original.name + " CIC" for e in entries)

    page.table.select_where(lambda r: r.id == original.id)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    form = page.active_form
    form.history_button.click()
    table = form.history_dialog.table
    texts = [
        [table.model().index(row, col).data() for col in range(table.model().columnCount())]
        for row in range(table.model().rowCount())
    ]
    assert any(original.name + " CIC" in row for row in texts)
    form.history_dialog.close()
    form.reject()


def test_a_provider_with_strands_can_be_deactivated_but_not_deleted(qtbot, demo_window):
    page = demo_window.show_page("providers")
    page.table.select_where(lambda r: r.strand_count > 0)
    provider = page.table.current_record()
    form = page._open_form(provider)
    assert not form.delete_button.isEnabled()
    assert "cannot be deleted" in form.problem.text()
    assert "deactivate" in form.problem.text()
    form.active_check.setChecked(False)
    form.save_button.click()
    qtbot.waitUntil(lambda: page.active_form is None)
    page.inactive_check.setChecked(False)
    assert provider.id not in [r.id for r in page.table.visible_records()]


def test_a_provider_without_strands_can_be_deleted(qtbot, window):
    page = window.show_page("providers")
    form = page._open_form(None)
    _fill_new_provider(qtbot, form, "Temporary Provider")
    form.save_button.click()
    qtbot.waitUntil(lambda: page.active_form is None)
    page.table.selectRow(0)
    form = page._open_form(page.table.current_record())
    assert form.delete_button.isEnabled()

    def confirm():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            box.button(QMessageBox.StandardButton.Yes).click()

    QTimer.singleShot(0, confirm)
    form.delete_button.click()
    qtbot.waitUntil(lambda: page.active_form is None)
    assert page.stack.currentWidget() is page.empty_state
