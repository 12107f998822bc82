"""Breakdown blocks in the provider's template: written prefilled, read back by an independent
reader, filled and imported through the one validation engine, and refused when the file was
made with an older catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook
from sqlalchemy import text

from desktop_app.core.periods import Quarter
from desktop_app.excel.template_reader import read_template
from desktop_app.paths import reference_data_file
from desktop_app.services.templates import ImportRefused, commit_import, make_templates, preview_import
from desktop_app.store import database as database_module
from desktop_app.store.database import open_database
from tests.services.test_catalogue_is_data import NEW_MEASURE

Q3 = Quarter.parse("2024/25 Q3")  # verified, with breakdowns held
Q4 = Quarter.parse("2024/25 Q4")  # no breakdowns held yet
AIRE = "Aire Valley Victim Support"  # WY-001 (draft in Q4), WY-002 (missing), WY-003, WY-004


def _held_breakdowns(db, quarter: Quarter, reference: str) -> dict[tuple[str, str, str], int]:
    with db.reading() as session:
        rows = session.execute(
            text(
                """SELECT m.key, b.key, c.key, v.value FROM return_breakdown_value v
                   JOIN "return" r ON r.id = v.return_id JOIN strand s ON s.id = r.strand_id
                   JOIN measure m ON m.id = v.measure_id JOIN breakdown_category c ON c.id = v.category_id
                   JOIN breakdown b ON b.id = c.breakdown_id JOIN return_period p ON p.id = r.period_id
                   WHERE p.financial_year = :year AND p.quarter = :number AND s.reference = :reference"""
            ),
            {"year": quarter.year.start_year, "number": quarter.number, "reference": reference},
        )
        return {(m, b, c): value for m, b, c, value in rows}


def _held_total(db, quarter: Quarter, reference: str, measure: str = "victims_supported") -> int | None:
    with db.reading() as session:
        return session.execute(
            text(
                """SELECT v.value FROM return_value v JOIN "return" r ON r.id = v.return_id
                   JOIN strand s ON s.id = r.strand_id JOIN measure m ON m.id = v.measure_id
                   JOIN return_period p ON p.id = r.period_id
                   WHERE p.financial_year = :year AND p.quarter = :number AND s.reference = :reference AND m.key = :key"""
            ),
            {"year": quarter.year.start_year, "number": quarter.number, "reference": reference, "key": measure},
        ).scalar()


def _type(path: Path, sheet: str, cells: dict[str, object], *, force: bool = False) -> None:
    """Type into cells by address, as a provider would (only unlocked ones, unless `force`)."""
    workbook = load_workbook(path)
    worksheet = workbook[sheet]
    for address, value in cells.items():
        cell = worksheet[address]
        assert force or cell.protection.locked is False, address
        cell.value = value
    workbook.save(path)


def _where(path: Path, sheet: str) -> tuple[str, dict[tuple[str, str, str], str]]:
    """The victims supported cell and each category's cell, from the template's own record."""
    strand = next(s for s in read_template(path).strands if s.sheet == sheet)
    return strand.cells["victims_supported"], dict(strand.breakdown_cells)


def _sex(total: int, female: int, male: int, not_known: int) -> dict:
    return {
        ("victims_supported", "sex", "female"): female,
        ("victims_supported", "sex", "male"): male,
        ("victims_supported", "sex", "prefer_not_to_say"): 0,
        ("victims_supported", "sex", "not_known"): not_known,
    }


def test_the_template_has_a_block_per_breakdown_prefilled_with_the_held_figures(demo_db, tmp_path):
    (path,) = make_templates(demo_db, Q3, tmp_path, provider=AIRE).paths
    held = _held_breakdowns(demo_db, Q3, "WY-001")
    assert held, "the demo holds breakdowns for 2024/25 Q3"
    total_cell, cells = _where(path, "WY-001")

    # An independent reader sees each block's heading and categories, and the held figures.
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("WY-001").to_python()
    by_address = {f"B{n}": row[1] if len(row) > 1 else "" for n, row in enumerate(rows, start=1)}
    labels = {f"A{n}": row[0] for n, row in enumerate(rows, start=1)}
    headings = [row[0] for row in rows if str(row[0]).startswith("Victims supported by ")]
    assert headings == [
        "Victims supported by sex", "Victims supported by age band", "Victims supported by ethnicity",
        "Victims supported by disability", "Victims supported by crime type",
    ]
    for key, address in cells.items():
        assert by_address[address] == held.get(key, ""), (key, address)
    assert labels["A" + cells[("victims_supported", "ethnicity", "white_irish")][1:]] == "White: Irish"
    assert labels["A" + cells[("victims_supported", "sex", "not_known")][1:]] == "Not known"
    # Nothing but figures in the input column (LibreOffice's AutoInput completes from text above).
    assert all(not isinstance(row[1], str) or row[1] == "" for row in rows if len(row) > 1)

    # Beside each block, formulas add the categories up against the total; the outcomes' rates too.
    sheet = load_workbook(path)["WY-001"]
    first = cells[("victims_supported", "sex", "female")]
    row = int(first[1:])
    assert sheet[f"C{row}"].value.startswith("=SUM(B")
    assert total_cell in sheet[f"D{row}"].value
    improved = next(r for r in range(1, sheet.max_row) if sheet.cell(r, 1).value == "Outcome improved: feel safer")
    assert sheet.cell(improved, 7).value.startswith("=IF(") and sheet.cell(improved, 7).number_format == "0%"


def test_a_filled_breakdown_is_imported_end_to_end_and_stored_per_category(demo_db, tmp_path):
    (path,) = make_templates(demo_db, Q4, tmp_path, provider=AIRE).paths
    total_cell, cells = _where(path, "WY-002")  # no return held yet
    typed = _sex(60, 31, 25, 4)
    _type(path, "WY-002", {total_cell: 60, **{cells[key]: value for key, value in typed.items()}})

    preview = preview_import(demo_db, [path])
    assert preview.ok, preview.lines()
    strand = next(s for s in preview.strands if s.reference == "WY-002")
    # The history's warnings (a quarter unlike the last four) are the strand's; none is the breakdown's.
    assert strand.action == "new" and not strand.errors
    assert not [w for w in strand.warnings if "by sex" in w]
    lines = "\n".join(preview.lines())
    assert "breakdown Victims supported by sex (cells " in lines and "4 categories new or changed" in lines
    commit_import(demo_db, preview)

    assert _held_total(demo_db, Q4, "WY-002") == 60
    assert _held_breakdowns(demo_db, Q4, "WY-002") == typed


def test_categories_beyond_the_total_are_an_error_naming_the_sheet_cell_breakdown_category_and_sums(demo_db, tmp_path):
    (path,) = make_templates(demo_db, Q4, tmp_path, provider=AIRE).paths
    total_cell, cells = _where(path, "WY-002")
    _type(path, "WY-002", {total_cell: 50, **{cells[k]: v for k, v in _sex(50, 31, 25, 4).items()}})

    preview = preview_import(demo_db, [path])
    assert not preview.ok
    (error,) = next(s for s in preview.strands if s.reference == "WY-002").errors
    female = cells[("victims_supported", "sex", "female")]
    assert error.startswith(f"{path.name}, sheet WY-002, cell {female}: Victims supported by sex: ")
    assert "add up to 60, more than the total of 50" in error and "the largest is Female, 31" in error
    with pytest.raises(ImportRefused, match="1 of 1 files refused"):
        commit_import(demo_db, preview)
    assert _held_breakdowns(demo_db, Q4, "WY-002") == {}


def test_categories_short_of_the_total_are_a_warning_and_saved(demo_db, tmp_path):
    (path,) = make_templates(demo_db, Q4, tmp_path, provider=AIRE).paths
    total_cell, cells = _where(path, "WY-002")
    _type(path, "WY-002", {total_cell: 70, **{cells[k]: v for k, v in _sex(70, 31, 25, 4).items()}})

    preview = preview_import(demo_db, [path])
    assert preview.ok
    (warning,) = [w for w in next(s for s in preview.strands if s.reference == "WY-002").warnings if "by sex" in w]
    assert warning.startswith(f"{path.name}, sheet WY-002, cell {total_cell}: Victims supported by sex: ")
    assert "add up to 60, 10 short of the total of 70" in warning
    commit_import(demo_db, preview)
    assert sum(_held_breakdowns(demo_db, Q4, "WY-002").values()) == 60


def test_text_in_a_category_cell_is_refused_naming_that_cell_and_category(demo_db, tmp_path):
    (path,) = make_templates(demo_db, Q4, tmp_path, provider=AIRE).paths
    total_cell, cells = _where(path, "WY-002")
    male = cells[("victims_supported", "sex", "male")]
    _type(path, "WY-002", {total_cell: 10, male: "about 5"})
    preview = preview_import(demo_db, [path])
    errors = next(s for s in preview.strands if s.reference == "WY-002").errors
    assert any(e.startswith(f"{path.name}, sheet WY-002, cell {male}: Victims supported by sex, Male: ") for e in errors), errors


def test_a_category_label_typed_over_is_refused_naming_the_cell_and_the_category(demo_db, tmp_path):
    (path,) = make_templates(demo_db, Q4, tmp_path, provider=AIRE).paths
    _total, cells = _where(path, "WY-002")
    label = "A" + cells[("victims_supported", "sex", "prefer_not_to_say")][1:]
    _type(path, "WY-002", {label: "Non-binary"}, force=True)  # a provider who lifted the protection

    preview = preview_import(demo_db, [path])
    (refused,) = preview.refused_files
    assert (
        f"{path.name}, sheet WY-002, cell {label}: reads 'Non-binary', which is not a category of "
        "Victims supported by sex: this row is for the category 'Prefer not to say'"
    ) in refused.refusal_line()


@pytest.fixture
def grown_catalogue(tmp_path, monkeypatch):
    """Make the reference data file one measure longer when a database is next opened."""
    text_ = reference_data_file().read_text(encoding="utf-8")
    marker = "# ---------------------------------------------------------------------------------------------\n# Breakdowns:"
    assert marker in text_
    edited = tmp_path / "reference_data.toml"
    edited.write_text(text_.replace(marker, NEW_MEASURE + marker, 1), encoding="utf-8")

    def grow() -> None:
        monkeypatch.setattr(database_module, "reference_data_file", lambda: edited)

    return grow


def test_a_template_made_before_a_measure_was_added_is_refused_naming_the_file(
    demo_db, demo_path, tmp_path, grown_catalogue
):
    (path,) = make_templates(demo_db, Q3, tmp_path / "before", provider=AIRE).paths
    demo_db.close()
    grown_catalogue()
    with open_database(demo_path) as grown:
        preview = preview_import(grown, [path])
        (refused,) = preview.refused_files
        assert refused.refusal_line().startswith(f"{path.name}: was made with an older catalogue: make a new template")
        # A template made now asks for the new measure, and imports.
        (fresh,) = make_templates(grown, Q3, tmp_path / "after", provider=AIRE).paths
        assert preview_import(grown, [fresh]).ok


def test_a_version_3_template_without_blocks_brings_its_totals_and_leaves_the_breakdowns_held(demo_db, tmp_path):
    # Templates sent out before version 4 come back without blocks: their totals are read.
    from desktop_app.excel.template_cells import TemplateCells
    from desktop_app.excel.template_reader import _hidden_record
    from desktop_app.excel.template_writer import HIDDEN_FIRST_LAYOUT_ROW, HIDDEN_SHEET, layout_checksum

    (path,) = make_templates(demo_db, Q3, tmp_path, provider=AIRE).paths
    held = _held_breakdowns(demo_db, Q3, "WY-001")
    with TemplateCells(path) as cells:
        facts, layout = _hidden_record(cells)
    kept = [row for row in layout if "/" not in row.key]  # what a version 3 record lists
    workbook = load_workbook(path)
    record = workbook[HIDDEN_SHEET]
    for row in range(HIDDEN_FIRST_LAYOUT_ROW, record.max_row + 1):
        for column in range(1, 8):
            record.cell(row, column).value = None
    for offset, row in enumerate(kept):
        for column, value in enumerate(row.as_tuple(), start=1):
            record.cell(HIDDEN_FIRST_LAYOUT_ROW + offset, column).value = value
    record["A7"] = record["B7"] = None
    record["B2"] = 3
    record["B6"] = layout_checksum(3, facts["period"], facts["provider_id"], kept)
    mental_health = next(r for r in kept if r.sheet == "WY-001" and r.key == "referred_mental_health").input_cell
    workbook["WY-001"][mental_health] = (workbook["WY-001"][mental_health].value or 0) + 1
    workbook.save(path)

    preview = preview_import(demo_db, [path])
    assert preview.ok, preview.lines()
    strand = next(s for s in preview.strands if s.reference == "WY-001")
    assert strand.action == "changed" and not strand.breakdown_changes
    commit_import(demo_db, preview)
    assert _held_breakdowns(demo_db, Q3, "WY-001") == held
