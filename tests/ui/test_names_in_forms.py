"""The provider form: a hidden character refused beside the name, a lookalike name noticed by name."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop_app.services.providers import list_providers
from tests.ui.test_providers_page import _fill_new_provider


def test_typing_a_lookalike_of_an_existing_provider_shows_a_notice_naming_it(qtbot, demo_window):
    page = demo_window.show_page("providers")
    existing = page.table.visible_records()[0].name
    form = page._open_form(None)
    # A Cyrillic letter for its first Latin "a" or "o" (pasted: that is how such names arrive).
    lookalike = existing.replace("a", "\u0430", 1) if "a" in existing else existing.replace("o", "\u043e", 1)
    assert lookalike != existing
    QApplication.clipboard().setText(lookalike)
    form.name_edit.setFocus()
    qtbot.keyClick(form.name_edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert form.name_edit.text() == lookalike
    assert form.problem.isVisible()
    assert f"looks just like the provider '{existing}'" in form.problem.text()
    assert form.problem.objectName() == "formNotice"  # amber: a notice, not a refusal
    form.reject()


def test_a_control_character_in_the_name_is_refused_beside_the_field(qtbot, window):
    page = window.show_page("providers")
    form = page._open_form(None)
    _fill_new_provider(qtbot, form)
    form.name_edit.setText("Aire Valley\x07 Victim Support")  # pasted, as a BEL can only arrive
    form.save_button.click()
    assert form.isVisible()
    assert "The name holds a control character (U+0007)" in form.rows.error_text("name")
    assert list_providers(window.workspace.db) == []
    form.reject()
