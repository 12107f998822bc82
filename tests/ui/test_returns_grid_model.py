"""The returns grid model on its own, with no view: what the grid would show, mark and save."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop_app.core.periods import Quarter
from desktop_app.core.return_checks import (
    NOT_WHOLE,
    RETURN_NOTE,
    RULE_BROKEN,
    UNUSUAL_VALUE,
)
from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.services.returns import quarter_grid
from desktop_app.ui.pages.returns.grid_model import (
    CHANGED_BACKGROUND,
    ERROR,
    ERROR_BACKGROUND,
    FIRST_MEASURE,
    LOCKED_BACKGROUND,
    NOTED,
    PROBLEMS_ROLE,
    WARNING,
    WARNING_BACKGROUND,
    ReturnsGridModel,
)
from desktop_app.ui.table_model import RECORD_ROLE

Q4 = Quarter.parse("2024/25 Q4")
LOCKED_QUARTER = Quarter.parse("2023/24 Q1")
DISPLAY, TOOLTIP, EDIT = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.EditRole


@pytest.fixture
def model(qapp, demo_db) -> ReturnsGridModel:
    model = ReturnsGridModel()
    model.load(quarter_grid(demo_db, Q4))
    return model


def submitted_row(model: ReturnsGridModel, skip: int = 0) -> int:
    rows = [i for i, r in enumerate(model.rows()) if r.status is ReturnStatus.SUBMITTED]
    return rows[skip]


def col(model: ReturnsGridModel, key: str) -> int:
    return model.column_of(key)


def test_each_strand_is_a_row_with_its_status_in_words_and_its_figures_right_aligned(model, demo_db):
    # A column per measure the quarter asks for, whatever the catalogue holds.
    measures = len(quarter_grid(demo_db, Q4).columns)
    assert model.rowCount() == 72 and model.columnCount() == FIRST_MEASURE + measures
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[:FIRST_MEASURE] == ["Reference", "Provider", "Strand", "Status"]
    assert headers[FIRST_MEASURE] == "Supported"
    tip = model.headerData(FIRST_MEASURE, Qt.Orientation.Horizontal, TOOLTIP)
    assert "Victims supported" in tip and "received support" in tip  # full label and help text
    big = next(i for i, r in enumerate(model.rows()) if (r.values["victims_supported"] or 0) >= 1000)
    index = model.index(big, col(model, "victims_supported"))
    assert index.data() == f"{model.row_at(big).values['victims_supported']:,}"
    assert index.data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    statuses = {model.index(r, 3).data() for r in range(model.rowCount())}
    assert {"Missing", "Draft", "Submitted", "Draft (copied)"} <= statuses
    assert model.index(0, 0).data(RECORD_ROLE) == model.row_at(0)
    assert model.changed_cells() == 0 and model.problems() == []


def test_locked_rows_are_read_only_greyed_and_say_locked(qapp, demo_db):
    model = ReturnsGridModel()
    model.load(quarter_grid(demo_db, LOCKED_QUARTER))
    index = model.index(0, FIRST_MEASURE)
    assert model.index(0, 3).data() == "Locked"
    assert not model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert index.data(Qt.ItemDataRole.BackgroundRole) == LOCKED_BACKGROUND
    assert "reopen" in index.data(TOOLTIP).lower()
    before = index.data()
    assert not model.setData(index, "5")
    assert model.paste(0, FIRST_MEASURE, [["1", "2"]]) == (0, 2)
    assert index.data() == before and model.changed_cells() == 0


def test_a_typed_figure_that_is_not_a_whole_number_is_marked_with_its_reason(model):
    row = next(i for i, r in enumerate(model.rows()) if r.status and (r.values["victims_supported"] or 0) >= 1000)
    index = model.index(row, col(model, "victims_supported"))
    assert model.setData(index, "12.5", EDIT)
    assert [p.kind for p in index.data(PROBLEMS_ROLE)] == [NOT_WHOLE]
    assert index.data() == "12.5"
    assert index.data(Qt.ItemDataRole.BackgroundRole) == ERROR_BACKGROUND
    assert not index.data(Qt.ItemDataRole.DecorationRole).isNull()  # a marker, not colour alone
    assert "'12.5' is not a whole number" in index.data(TOOLTIP)
    [problem] = model.problems()
    assert (problem.reference, problem.measure_label, problem.mark) == (model.row_at(row).reference, "Victims supported", ERROR)
    assert model.blocking_counts() == (1, 0)

    typed = f"{model.row_at(row).values['victims_supported'] + 1:,}"  # with its thousands separator
    model.setData(index, typed, EDIT)
    assert index.data() == typed and index.data(PROBLEMS_ROLE) == ()
    assert index.data(Qt.ItemDataRole.BackgroundRole) == CHANGED_BACKGROUND
    assert model.changed_cells() == 1 and model.edits() == {model.row_at(row).strand_id: {"victims_supported": typed}}
    # Typing the stored figure again is no change at all.
    model.setData(index, str(model.row_at(row).values["victims_supported"]), EDIT)
    assert model.changed_cells() == 0 and not model.has_changes()


def test_a_broken_rule_marks_every_measure_it_involves(model):
    row = submitted_row(model)
    supported = model.row_at(row).values["victims_supported"]
    model.setData(model.index(row, col(model, "idva_da_supported")), str(supported + 20))
    for key in ("idva_da_supported", "victims_supported"):
        problems = model.index(row, col(model, key)).data(PROBLEMS_ROLE)
        assert [p.kind for p in problems] == [RULE_BROKEN]
    assert "is more than victims supported" in model.problems()[0].message


def test_a_warning_is_marked_apart_from_errors_and_a_note_explains_it(model):
    row = submitted_row(model)
    grid_row = model.row_at(row)
    high = 10 * max(grid_row.history.recent["victims_supported"])
    index = model.index(row, col(model, "victims_supported"))
    model.setData(index, str(high))
    assert [p.kind for p in index.data(PROBLEMS_ROLE)] == [UNUSUAL_VALUE]
    assert model.cell_mark(grid_row, "victims_supported") == WARNING
    assert index.data(Qt.ItemDataRole.BackgroundRole) == WARNING_BACKGROUND
    assert model.blocking_counts() == (0, 1)
    model.set_note(grid_row.strand_id, "victims_supported", "Two services merged this quarter")
    assert model.cell_mark(grid_row, "victims_supported") == NOTED
    assert model.blocking_counts() == (0, 0)
    assert model.problems()[0].note == "Two services merged this quarter"
    assert model.notes() == {grid_row.strand_id: {"victims_supported": "Two services merged this quarter"}}
    assert "Note: Two services merged" in index.data(TOOLTIP)


def test_a_paste_lands_as_a_block_and_undo_takes_it_back_as_a_whole(model):
    top = submitted_row(model)
    before = [[model.index(top + r, FIRST_MEASURE + c).data() for c in range(3)] for r in range(2)]
    pasted, skipped = model.paste(top, 1, [["1,500", "20", "0"], ["300", "12", "1"]])  # a strand column: from the first measure
    assert (pasted, skipped) == (6, 0)
    assert model.index(top, FIRST_MEASURE).data() == "1,500"
    assert model.index(top + 1, FIRST_MEASURE + 2).data() == "1"
    # Past the grid's right edge nothing lands.
    last = model.columnCount() - 1
    assert model.paste(top, last, [["5", "6", "7"]]) == (1, 2)
    assert model.undo_paste() and model.undo_paste() and not model.can_undo()
    after = [[model.index(top + r, FIRST_MEASURE + c).data() for c in range(3)] for r in range(2)]
    assert after == before and model.changed_cells() == 0


def test_clearing_cells_is_one_undo_step_and_blank_means_not_collected(model):
    row = submitted_row(model)
    indexes = [model.index(row, FIRST_MEASURE + c) for c in range(2)]
    assert model.clear(indexes) == 2
    assert [i.data() for i in indexes] == ["", ""]
    assert set(model.edits()[model.row_at(row).strand_id].values()) == {""}
    model.undo_paste()
    assert all(i.data() for i in indexes)


def test_filters_hide_rows_but_keep_their_unsaved_edits(model):
    row = model.row_at(submitted_row(model))
    model.setData(model.index(model.row_of(row.strand_id), FIRST_MEASURE), "12.5")
    other = next(r for r in model.rows() if r.provider_id != row.provider_id)
    model.set_filter(provider_id=other.provider_id)
    assert all(r.provider_id == other.provider_id for r in model.rows())
    assert model.row_of(row.strand_id) == -1
    assert model.problems() == []  # the list follows the rows in view...
    assert model.blocking_counts() == (1, 0)  # ...but the save still knows
    model.set_filter(service_category_key=row.service_category_key)
    assert {r.service_category_key for r in model.rows()} == {row.service_category_key}
    model.set_filter()
    assert model.rowCount() == 72 and model.changed_cells() == 1


def test_reloading_the_same_quarter_keeps_edits_and_another_quarter_drops_them(model, demo_db):
    row = submitted_row(model)
    model.setData(model.index(row, FIRST_MEASURE), "7")
    model.load(quarter_grid(demo_db, Q4), keep_edits=True)
    assert model.changed_cells() == 1 and model.index(row, FIRST_MEASURE).data() == "7"
    model.load(quarter_grid(demo_db, Q4.previous()), keep_edits=True)
    assert model.changed_cells() == 0


def test_the_return_notes_take_a_note_on_a_measure_left_empty(model):
    row = submitted_row(model)
    grid_row = model.row_at(row)
    key = next(k for k, v in grid_row.history.last_quarter.items() if v is not None)
    model.setData(model.index(row, col(model, key)), "")
    [problem] = model.problems()
    assert problem.problem.note_key == RETURN_NOTE and problem.mark == WARNING
    model.set_note(grid_row.strand_id, RETURN_NOTE, "Not collected this quarter: staff vacancy")
    assert model.problems()[0].mark == NOTED and model.blocking_counts() == (0, 0)
    assert model.cell_mark(grid_row, key) == NOTED
    assert ERROR not in {p.mark for p in model.problems()}
