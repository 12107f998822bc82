"""Claims on the provider template: the Spend sheet goes out with each strand's claim held, and
comes back through the same claim rules as the form and the grid, in one transaction with the
returns, or nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select

from desktop_app.core.periods import Quarter
from desktop_app.excel.template_spend import SPEND_SHEET
from desktop_app.services.changes import FINANCE, RETURNS
from desktop_app.services.finance import ClaimDraft, list_claims, save_claim
from desktop_app.services.templates import ImportRefused, commit_import, make_templates, preview_import
from desktop_app.store.models import AuditEvent
from tests.excel.test_templates import fill_template, input_cells
from tests.services.test_finance_claims import strand_of

Q4 = Quarter.parse("2024/25 Q4")
AIRE = "Aire Valley Victim Support"  # strands WY-001 to WY-004
RECEIVED = dt.date(2025, 4, 20)
CATEGORIES = ("Staff costs", "Overheads", "Direct delivery costs", "Volunteer expenses", "Other costs")


def _claims(db) -> dict[str, tuple[int, dict[str, int], int]]:
    return {
        c.strand_ref: (c.amount_pence, c.amounts, c.forecast_remaining_pence)
        for c in list_claims(db, Q4.year, quarter=4)
    }


def _audit_rows(db) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent))


@pytest.fixture
def template(demo_db, tmp_path):
    (path,) = make_templates(demo_db, Q4, tmp_path / "out", provider=AIRE).paths
    return path


def test_the_spend_sheet_has_a_row_per_strand_and_category_in_pounds_alone_in_column_b(demo_db, tmp_path):
    strand_id, _ = strand_of(demo_db, "WY-001", 2024)
    save_claim(demo_db, ClaimDraft(strand_id, Q4, Q4.end, {"staff": "£1,234.56", "other": "£10"}, "£2,000"))
    (path,) = make_templates(demo_db, Q4, tmp_path / "out", provider=AIRE).paths

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(SPEND_SHEET).to_python()
    labelled = {row[0]: row[1] for row in rows[8:] if row and row[0]}
    expected = [f"WY-00{n} {c}" for n in (1, 2, 3, 4) for c in (*CATEGORIES, "forecast for the rest of the year")]
    assert list(labelled) == expected
    # The claim held is filled in, in pounds; the rest is blank to type.
    assert labelled["WY-001 Staff costs"] == 1234.56 and labelled["WY-001 Other costs"] == 10
    assert labelled["WY-001 forecast for the rest of the year"] == 2000
    assert labelled["WY-002 Staff costs"] == ""
    # No text at all in the input column (LibreOffice's AutoInput completes from it).
    assert not [row[1] for row in rows if len(row) > 1 and isinstance(row[1], str) and row[1]]
    sheet = load_workbook(path)[SPEND_SHEET]
    cells = input_cells(path)[SPEND_SHEET]
    assert set(cells) == set(expected) and all(address.startswith("B") for address in cells.values())
    assert {sheet[a].number_format for a in cells.values()} == {"General"}
    (validation,) = sheet.data_validations.dataValidation
    assert (validation.type, validation.operator, validation.formula1) == ("decimal", "greaterThanOrEqual", "0")


def test_spend_typed_three_ways_comes_in_with_the_returns_in_one_commit(demo_db, template):
    fill_template(template, {
        "WY-001": {"Victims supported": 1_100},
        SPEND_SHEET: {"WY-001 Staff costs": 1234.56, "WY-001 Overheads": "£1,234.56", "WY-001 Direct delivery costs": 1234,
                      "WY-001 forecast for the rest of the year": 5000},
    })

    preview = preview_import(demo_db, [template])

    assert preview.ok, preview.lines()
    (claim,) = preview.claims_to_write
    assert claim.summary() == "new claim, £3,703.12 → submitted"
    lines = preview.lines()
    assert "  WY-001 spend: new claim, £3,703.12 → submitted" in lines
    assert "    Staff costs: £1,234.56 (Spend cell B9)" in lines
    assert "1 claim to write (1 new, 0 changed)" in preview.summary()
    assert _claims(demo_db) == {}

    changed = commit_import(demo_db, preview, received_date=RECEIVED)

    assert changed.touches(RETURNS) and changed.touches(FINANCE)
    assert _claims(demo_db) == {
        "WY-001": (370_312, {"staff": 123_456, "overheads": 123_456, "direct_costs": 123_400}, 500_000)
    }
    [row] = list_claims(demo_db, Q4.year, quarter=4)
    assert row.claim_date == Q4.end and row.status.value == "submitted"


def test_a_held_claim_comes_back_unchanged_and_a_corrected_one_is_changed(demo_db, tmp_path):
    strand_id, _ = strand_of(demo_db, "WY-003", 2024)
    save_claim(demo_db, ClaimDraft(strand_id, Q4, dt.date(2025, 3, 15), {"staff": "£800"}, "£0"))
    (path,) = make_templates(demo_db, Q4, tmp_path / "out", provider=AIRE).paths
    assert not preview_import(demo_db, [path]).claims_to_write  # prefilled, sent back as it was

    fill_template(path, {SPEND_SHEET: {"WY-003 Staff costs": 850.5}})
    preview = preview_import(demo_db, [path])
    (claim,) = preview.claims_to_write
    assert claim.summary() == "claim changed, £850.50 → submitted"
    assert [c.describe() for c in claim.changes] == ["Staff costs: £800.00 → £850.50 (Spend cell B21)"]
    commit_import(demo_db, preview, received_date=RECEIVED)
    assert _claims(demo_db)["WY-003"][0] == 85_050
    assert list_claims(demo_db, Q4.year, quarter=4)[0].claim_date == dt.date(2025, 3, 15)  # its date kept


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (12.345, "WY-001: Staff costs: '12.345' is not an amount of money"),
        (-10, "WY-001: Staff costs: -£10.00 cannot be negative; enter £0 or more"),
        ("about a thousand", "WY-001: Staff costs: 'about a thousand' is not an amount of money"),
        (dt.datetime(2025, 3, 5), "holds a date (5 Mar 2025), not an amount: type WY-001 Staff costs in pounds"),
    ],
)
def test_a_bad_spend_cell_refuses_the_whole_file_naming_sheet_and_cell(demo_db, template, typed, message):
    fill_template(template, {"WY-001": {"Victims supported": 1_100}, SPEND_SHEET: {"WY-001 Staff costs": typed}})
    before = _audit_rows(demo_db)

    preview = preview_import(demo_db, [template])

    assert not preview.ok
    [line] = [line for line in preview.files[0].refusals if "Spend" in line]
    assert line.startswith(f"{template.name}, sheet Spend, cell B9: ")
    assert message in line, line
    with pytest.raises(ImportRefused):
        commit_import(demo_db, preview, received_date=RECEIVED)
    assert _audit_rows(demo_db) == before and _claims(demo_db) == {}  # not the return either


def test_a_claim_over_the_allocation_is_refused_saying_to_use_the_claim_form(demo_db, template):
    _strand_id, allocated = strand_of(demo_db, "WY-001", 2024)
    fill_template(template, {SPEND_SHEET: {"WY-001 Staff costs": (allocated + 100) / 100}})
    [line] = preview_import(demo_db, [template]).files[0].refusals
    assert line.startswith(f"{template.name}, sheet Spend, cell B9: WY-001: The claim of ")
    assert line.endswith("enter the claim in the claim form with the reason")


def test_an_edited_spend_label_refuses_the_file_by_the_checksummed_layout(demo_db, template):
    workbook = load_workbook(template)
    workbook[SPEND_SHEET]["A9"] = "WY-001 Staff costs (estimate)"
    workbook.save(template)
    [line] = preview_import(demo_db, [template]).files[0].refusals
    assert line.startswith(f"{template.name}, sheet Spend, cell A9: the layout was edited")


def test_a_claim_saved_between_preview_and_commit_refuses_the_whole_batch(demo_db, template):
    strand_id, _ = strand_of(demo_db, "WY-001", 2024)
    fill_template(template, {"WY-001": {"Victims supported": 1_100}, SPEND_SHEET: {"WY-001 Staff costs": 100}})
    preview = preview_import(demo_db, [template])
    assert preview.ok
    save_claim(demo_db, ClaimDraft(strand_id, Q4, Q4.end, {"staff": "£90"}, "£0"), who="jsmith")
    before = _audit_rows(demo_db)

    with pytest.raises(ImportRefused, match="the claim of WY-001 2024/25 Q4 was saved by someone else since the preview"):
        commit_import(demo_db, preview, received_date=RECEIVED)

    assert _audit_rows(demo_db) == before  # the return's figures were rolled back with it
    assert _claims(demo_db) == {"WY-001": (9_000, {"staff": 9_000}, 0)}  # the colleague's claim alone
