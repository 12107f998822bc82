"""The Finance page as an officer uses it: where the money stands, a claim typed and paid."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from desktop_app.core.periods import FinancialYear
from desktop_app.core.vocabulary import ClaimStatus
from desktop_app.services.finance import list_claims
from desktop_app.ui.pages.finance.claim_form import ClaimForm
from desktop_app.ui.pages.finance.payment_dialog import PaymentDialog


def _texts(model, column: int) -> list[str]:
    return [model.index(row, column).data() for row in range(model.rowCount())]


def _labelled(form) -> list[tuple[str, object]]:
    return [(label.text(), label.buddy()) for label in form.findChildren(QLabel) if label.buddy() is not None]


def test_the_page_shows_each_stream_above_its_lines_and_the_underspends_coming(demo_window):
    page = demo_window.show_page("finance")
    assert page.year_combo.currentText() == "2024/25"
    page.part_combo.setCurrentIndex(page.part_combo.findData("H1"))
    names = [page.funds_table.model().index(row, 0).data().strip() for row in range(page.funds_table.model().rowCount())]
    assert names == [
        "MoJ Core victims' services grant 2022–25",
        "MoJ General victims' services grant 2022–25",
        "Domestic abuse and sexual violence services",
        "ISVA and IDVA fund",
    ]
    summary = page.summary_label.text()
    assert summary.startswith("2024/25 H1: ") and "due 31 Oct 2024" in summary
    assert "4 strands forecast to underspend by more than 5%" in summary
    strands = page.strands_table.source_model
    flags = dict(zip(_texts(strands, 0), _texts(strands, 2)))
    assert len(flags) == 72 and sum(v == "Underspend" for v in flags.values()) == 4
    assert page.strands_table.source_model.column_titles()[4:6] == ["Q1", "Q2"]


def test_a_claim_typed_with_a_bad_amount_is_refused_beside_the_field_then_saved(qtbot, demo_window):
    page = demo_window.show_page("finance")
    page.year_combo.setCurrentIndex(page.year_combo.findData(2023))
    assert page.new_record()
    form = page.active_dialog
    assert isinstance(form, ClaimForm)
    assert all(widget.accessibleName() == label for label, widget in _labelled(form))
    form.strand_combo.setCurrentIndex(0)
    form.quarter_combo.setCurrentIndex(0)
    qtbot.keyClicks(form.amount_edits["staff"], "12.345")
    qtbot.keyClicks(form.amount_edits["overheads"], "£1,234.56")
    form.save_button.click()
    assert form.isVisible()
    assert "use at most two decimal places" in form.rows.error_text("amounts.staff")
    assert list_claims(demo_window.workspace.db, FinancialYear(2023)) == []
    form.amount_edits["staff"].clear()
    qtbot.keyClicks(form.amount_edits["staff"], "1234")
    assert form.total_label.text() == "Total claimed: £2,468.56"
    form.save_button.click()
    assert not form.isVisible()
    [claim] = list_claims(demo_window.workspace.db, FinancialYear(2023))
    assert claim.amount_pence == 246_856 and claim.amounts == {"staff": 123_400, "overheads": 123_456}
    page.tabs.setCurrentIndex(1)
    assert _texts(page.claims_table.source_model, 4) == ["£2,468.56"]


def test_approving_then_paying_more_than_the_claim_is_refused_and_the_right_amount_is_recorded(qtbot, demo_window):
    page = demo_window.show_page("finance")
    page.tabs.setCurrentIndex(1)
    table = page.claims_table
    assert table.select_where(lambda c: c.status is ClaimStatus.SUBMITTED)
    claim = table.current_record()
    assert not page.payment_button.isEnabled()
    page.approve_button.click()
    assert "Approved" in page.message.text()
    assert table.current_record().status is ClaimStatus.APPROVED and page.payment_button.isEnabled()
    page.payment_button.click()
    dialog = page.active_dialog
    assert isinstance(dialog, PaymentDialog)
    dialog.amount_edit.setText(f"{(claim.amount_pence + 1) / 100:.2f}")
    dialog.save_button.click()
    assert dialog.isVisible()
    assert "is more than the approved claim leaves unpaid" in dialog.rows.error_text("amount")
    dialog.amount_edit.setText(f"{claim.amount_pence / 100:.2f}")
    dialog.save_button.click()
    assert not dialog.isVisible()
    paid = next(c for c in list_claims(demo_window.workspace.db, FinancialYear(2024)) if c.id == claim.id)
    assert paid.paid_pence == claim.amount_pence
    assert table.current_record().id == claim.id and table.current_record().unpaid_pence == 0
    assert not page.payment_button.isEnabled()


def test_a_block_pasted_from_excel_into_the_claims_grid_is_checked_then_saved_all_or_nothing(qtbot, demo_window):
    page = demo_window.show_page("finance")
    page.year_combo.setCurrentIndex(page.year_combo.findData(2023))
    page.tabs.setCurrentWidget(page.grid_tab)
    tab = page.grid_tab
    tab.quarter_combo.setCurrentIndex(2)  # Q3
    model, view = tab.model, tab.view
    assert model.rowCount() == 71 and model.headerData(4, Qt.Orientation.Horizontal) == "Staff costs"
    view.setCurrentIndex(model.index(0, 4))
    # Two strands' staff and overheads, as Excel puts them on the clipboard; one cell is not money.
    assert view.paste_text("£1,234.56\t1234\r\n12.345\t£10\r\n") == (4, 0)
    bad = model.index(1, 4)
    assert bad.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert "use at most two decimal places" in bad.data(Qt.ItemDataRole.ToolTipRole)
    assert tab.state_label.text() == "2 strands changed; 1 cell to put right"
    assert tab.save() == 0
    assert "Nothing was saved" in tab.message.text() and list_claims(demo_window.workspace.db, FinancialYear(2023)) == []
    model.setData(bad, "12.34")
    assert tab.save() == 2
    claims = list_claims(demo_window.workspace.db, FinancialYear(2023), quarter=3)
    assert [c.amount_pence for c in claims] == [246_856, 2_234]
    assert "Saved 2 claims for 2023/24 Q3" in tab.message.text()
    assert model.index(0, 3).data() == "Submitted"


def test_lines_a_strands_line_and_an_extension_are_set_up_from_the_page(qtbot, demo_window):
    from desktop_app.services.finance import finance_report, list_funding_lines
    from desktop_app.services.funding import list_funding_streams
    from desktop_app.ui.pages.finance.funding_dialogs import ExtendStreamDialog, FundingLineForm, StrandLineDialog

    db = demo_window.workspace.db
    page = demo_window.show_page("finance")
    page.funds_table.selectRow(0)  # the Core grant
    page.lines_button.click()
    form = page.active_dialog
    assert isinstance(form, FundingLineForm) and form.line_combo.currentText() == "New line…"
    assert all(widget.accessibleName() == label for label, widget in _labelled(form))
    qtbot.keyClicks(form.key_edit, "witness")
    qtbot.keyClicks(form.name_edit, "Witness care")
    qtbot.keyClicks(form.budget_edits[2024], "£19,999,999")  # under any one amount's ceiling
    form.save_button.click()
    assert form.isVisible() and "more than the stream's budget" in form.rows.error_text("budgets")
    form.budget_edits[2024].setText("£50,000")
    form.save_button.click()
    assert not form.isVisible()
    core = next(s for s in list_funding_streams(db) if " Core " in s.name)
    [line] = list_funding_lines(db, core.id)
    assert (line.key, line.budgets) == ("witness", {2024: 5_000_000})

    assert page.strands_table.select_where(lambda s: s.reference == "WY-001")
    page.strand_line_button.click()
    dialog = page.active_dialog
    assert isinstance(dialog, StrandLineDialog)
    dialog.line_combo.setCurrentIndex(dialog.line_combo.findData(line.id))
    dialog.save_button.click()
    strand = next(s for s in finance_report(db, FinancialYear(2024)).strands if s.reference == "WY-001")
    assert (strand.line_key, strand.funded_from) == ("witness", "Witness care")

    page.funds_table.selectRow(0)
    page.extend_button.click()
    extend = page.active_dialog
    assert isinstance(extend, ExtendStreamDialog) and extend.windowTitle().endswith("to 2025/26")
    qtbot.keyClicks(extend.budget_edit, "£2,300,000")
    extend.save_button.click()
    assert extend.isVisible() and extend.rows.error_text("reason")
    qtbot.keyClicks(extend.reason_edit, "Addendum of 12 Feb 2025")
    extend.save_button.click()
    assert not extend.isVisible()
    assert next(s for s in list_funding_streams(db) if s.id == core.id).budgets[2025] == 230_000_000
    assert page.year_combo.findData(2025) >= 0


def test_unsaved_claims_in_the_grid_are_not_lost_by_changing_quarter_or_page(qtbot, demo_window):
    from PySide6.QtWidgets import QMessageBox

    page = demo_window.show_page("finance")
    tab = page.grid_tab
    tab.quarter_combo.setCurrentIndex(3)
    tab.view.setCurrentIndex(tab.model.index(0, 4))
    tab.view.paste_text("500\n")
    assert page.has_unsaved_changes()
    tab.quarter_combo.setCurrentIndex(0)
    assert tab.quarter().number == 4 and "Save or undo the changes" in tab.message.text()
    left = []
    page.confirm_leave(lambda: left.append(True))
    box = page.active_dialog
    assert isinstance(box, QMessageBox) and "1 strand changed" in box.text() and left == []
    box.button(QMessageBox.StandardButton.Discard).click()
    assert left == [True] and not page.has_unsaved_changes()


def test_the_claims_grid_clears_cells_and_undoes_the_last_paste_as_a_whole(demo_window):
    page = demo_window.show_page("finance")
    tab = page.grid_tab
    tab.quarter_combo.setCurrentIndex(3)
    model, view = tab.model, tab.view
    view.setCurrentIndex(model.index(0, 4))
    view.paste_text("100\t200\n300\t400\n")
    assert [model.index(r, c).data() for r in (0, 1) for c in (4, 5)] == ["100", "200", "300", "400"]
    assert model.undo() and not model.edits
    view.paste_text("100\t200\n")
    view.selectionModel().select(model.index(0, 5), view.selectionModel().SelectionFlag.ClearAndSelect)
    assert view.clear_selection() == 1
    assert model.index(0, 5).data() == "" and model.index(0, 4).data() == "100"
    model.undo()
    assert model.index(0, 5).data() == "200"


def test_the_claims_tabs_show_the_year_chosen_while_another_tab_was_in_front(qtbot, demo_window):
    page = demo_window.show_page("finance")
    db = demo_window.workspace.db
    assert page.tabs.currentIndex() == 0  # the strands' figures in front
    for start_year in (2022, 2024):
        page.year_combo.setCurrentIndex(page.year_combo.findData(start_year))
        expected = sorted(c.id for c in list_claims(db, FinancialYear(start_year)))
        page.tabs.setCurrentIndex(1)
        assert sorted(page.claims_table.source_model.row_at(r).id for r in range(page.claims_table.source_model.rowCount())) == expected
        page.tabs.setCurrentWidget(page.grid_tab)
        tab = page.grid_tab
        assert tab.quarter().year == FinancialYear(start_year)
        assert tab.model.grid is not None and tab.model.grid.quarter == tab.quarter()
        page.tabs.setCurrentIndex(0)
    assert expected  # the demo's claims of 2024/25 are there to be shown
