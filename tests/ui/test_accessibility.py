"""Screen readers (and tests) find things the way a person does: by their visible words."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QLabel, QTableView, QWidget

from desktop_app.ui.pages.providers.form import ProviderForm
from desktop_app.ui.pages.registry import PAGES
from desktop_app.ui.pages.strands.allocation_dialog import AllocationDialog
from desktop_app.ui.pages.strands.funding_form import FundingStreamForm
from desktop_app.ui.pages.strands.strand_form import StrandForm


def _labelled_inputs(widget: QWidget) -> list[tuple[str, QWidget]]:
    return [(label.text(), label.buddy()) for label in widget.findChildren(QLabel) if label.buddy() is not None]


def _buttons_without_text(widget: QWidget) -> list[str]:
    return [
        button.objectName() or type(button).__name__
        for button in widget.findChildren(QAbstractButton)
        if button.isVisibleTo(widget) and not button.text().strip() and type(button).__name__ not in ("QToolButton",)
    ]


def _forms(window):
    workspace = window.workspace
    providers = window.show_page("providers")
    strands = window.show_page("strands")
    return [
        ProviderForm(workspace, None),
        ProviderForm(workspace, providers.table.source_model.row_at(0)),
        StrandForm(workspace, None),
        StrandForm(workspace, strands.table.source_model.row_at(0)),
        FundingStreamForm(workspace, strands.current_stream()),
        AllocationDialog(workspace, strands.table.source_model.row_at(0)),
    ]


def test_every_form_input_is_named_by_its_visible_label(demo_window):
    for form in _forms(demo_window):
        pairs = _labelled_inputs(form)
        assert len(pairs) >= 2, form.windowTitle()
        for label, widget in pairs:
            assert widget.accessibleName() == label, f"{form.windowTitle()}: {label!r} input is named {widget.accessibleName()!r}"
        assert _buttons_without_text(form) == [], form.windowTitle()
        form.deleteLater()


def test_every_page_table_is_named_after_its_page_and_every_button_has_text(demo_window):
    window = demo_window
    named = {}
    for entry in PAGES:
        key = entry.key
        page = window.show_page(key)
        assert page.accessibleName() == entry.title
        tables = page.findChildren(QTableView)
        named[key] = [t.accessibleName() for t in tables]
        assert all(t.accessibleName() for t in tables), key
        assert _buttons_without_text(page) == [], key
    assert "Providers" in named["providers"]
    assert "Strands" in named["strands"]


def test_search_boxes_and_the_sidebar_are_named(demo_window):
    window = demo_window
    assert window.sidebar.accessibleName() == "Pages"
    assert window.show_page("providers").search_edit.accessibleName() == "Search providers"
    assert window.show_page("strands").search_edit.accessibleName() == "Search strands"
