"""A claim changed by a colleague while an officer had it open: the claim form and the claims grid
refuse the stale save, say who changed it and when, keep what was typed, and Reload shows theirs."""

from __future__ import annotations

from desktop_app.core.periods import FinancialYear, Quarter
from desktop_app.services.finance import expenditure_categories, list_claims, save_claim
from desktop_app.ui.pages.finance.claim_form import ClaimForm
from tests.services.test_finance_claims import draft, strand_of

Y2023 = FinancialYear(2023)
Q2 = Quarter(Y2023, 2)


def _claim(db, strand_id):
    return next(c for c in list_claims(db, Y2023, quarter=2) if c.strand_id == strand_id)


def test_a_claim_form_opened_before_a_colleagues_save_refuses_it_keeps_the_typing_and_reloads(qtbot, demo_window):
    db = demo_window.workspace.db
    strand_id, _ = strand_of(db, "WY-001")
    save_claim(db, draft(strand_id, quarter=Q2, amounts={"staff": "£1,000"}), who="jsmith")
    opened = _claim(db, strand_id)
    form = ClaimForm(demo_window.workspace, Y2023, [(strand_id, "WY-001")], expenditure_categories(db), opened)
    qtbot.addWidget(form)
    form.show()
    save_claim(db, draft(strand_id, quarter=Q2, amounts={"staff": "£1,200"}), opened.id, who="jsmith",
               version=opened.version)

    form.amount_edits["staff"].setText("£9,999")
    form.save_button.click()

    assert form.isVisible() and form.reload_button.isVisible()
    assert form.problem.text().startswith("Claim WY-001 2023/24 Q2 was changed by jsmith at ")
    assert form.problem.text().endswith("what you typed is still in the form.")
    assert form.amount_edits["staff"].text() == "£9,999"
    assert _claim(db, strand_id).amount_pence == 120_000  # the colleague's claim stands

    form.reload_button.click()
    assert form.amount_edits["staff"].text() == "£1,200.00" and not form.reload_button.isVisible()
    form.amount_edits["staff"].setText("£1,300")
    form.save_button.click()
    assert not form.isVisible()
    assert _claim(db, strand_id).amount_pence == 130_000


def test_the_claims_grid_refuses_a_stale_save_keeps_the_typing_and_reloads_the_colleagues_claim(qtbot, demo_window):
    db = demo_window.workspace.db
    strand_id, _ = strand_of(db, "WY-001")
    save_claim(db, draft(strand_id, quarter=Q2, amounts={"staff": "£1,000"}), who="jsmith")
    page = demo_window.show_page("finance")
    page.year_combo.setCurrentIndex(page.year_combo.findData(2023))
    page.tabs.setCurrentWidget(page.grid_tab)
    tab = page.grid_tab
    tab.quarter_combo.setCurrentIndex(1)  # Q2
    model = tab.model
    row = next(i for i, r in enumerate(model.grid.rows) if r.strand_id == strand_id)
    opened = _claim(db, strand_id)
    save_claim(db, draft(strand_id, quarter=Q2, amounts={"staff": "£1,200"}), opened.id, who="jsmith",
               version=opened.version)

    model.setData(model.index(row, 4), "£7")
    assert tab.save() == 0

    assert tab.message.text().startswith("Claim WY-001 2023/24 Q2 was changed by jsmith at ")
    assert tab.reload_button.isVisible()
    assert model.index(row, 4).data() == "£7" and strand_id in model.edits  # the typing is kept
    assert _claim(db, strand_id).amount_pence == 120_000

    tab.reload_button.click()
    assert model.edits == {} and model.index(row, 4).data() == "£1,200.00"
    assert not tab.reload_button.isVisible()
