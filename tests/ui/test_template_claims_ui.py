"""The import preview in the window shows each strand's claim from the Spend sheet beside its
return, and Import saves both."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop_app.excel.template_spend import SPEND_SHEET
from desktop_app.services.finance import list_claims
from tests.excel.test_templates import fill_template
from tests.ui.test_template_actions import AIRE, Q4, _preview_dialog, _template_of, made, page  # noqa: F401 - fixtures

CLAIM_COLUMN = 4


def test_the_preview_shows_the_claim_beside_the_return_and_import_saves_both(qtbot, page, made):  # noqa: F811
    path = _template_of(made, AIRE)
    fill_template(path, {"WY-002": {"Victims supported": 40},
                         SPEND_SHEET: {"WY-002 Staff costs": "£1,234.56", "WY-002 forecast for the rest of the year": 100}})

    page.templates.import_files([path])
    dialog = _preview_dialog(qtbot, page)

    references = [r.strand.reference for r in dialog.strand_rows()]
    claims = {ref: dialog.strands_model.index(i, CLAIM_COLUMN).data() for i, ref in enumerate(references)}
    assert dialog.strands_model.headerData(CLAIM_COLUMN, Qt.Orientation.Horizontal) == "Claim"
    assert claims["WY-002"] == "new claim, £1,234.56 → submitted"
    assert claims["WY-001"] == "no spend entered: no claim made"
    dialog.strands_table.select_where(lambda r: r.strand.reference == "WY-002")
    details = dialog.details.toPlainText()
    assert "Claim for 2024/25 Q4 (Spend sheet): new claim, £1,234.56 → submitted." in details
    assert "Staff costs: £1,234.56 (Spend cell B15)" in details
    assert "with 1 claim will be saved" in dialog.reason_label.text()

    dialog.import_button.click()
    qtbot.waitUntil(lambda: page.templates.dialog is None and not page.templates.is_busy(), timeout=30000)

    [claim] = [c for c in list_claims(page.workspace.db, Q4.year, quarter=4) if c.strand_ref == "WY-002"]
    assert (claim.amount_pence, claim.forecast_remaining_pence) == (123_456, 10_000)
