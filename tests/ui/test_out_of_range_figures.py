"""Numbers no count can be, typed in the return form or pasted into the grid of the real window:
the error is shown beside the field or on the cell with the ceiling, nothing is saved, and
nothing reaches stderr as a traceback."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt

from desktop_app.ui.pages.returns.grid_model import FIRST_MEASURE
from tests.services.test_out_of_range_figures import TYPED
from tests.ui.test_returns_page import CTRL, open_form_from_grid, paste, retype, stored, submitted_run
from tests.ui.test_returns_page import page  # noqa: F401 - the Returns page of the demo window


def test_the_return_form_refuses_each_impossible_count_beside_the_field(qtbot, page, capfd):  # noqa: F811
    index = submitted_run(page, 1)
    row = page.grid_model.row_at(index)
    dialog = open_form_from_grid(qtbot, page, index)
    victims = dialog.inputs["victims_supported"]
    for typed, message in TYPED.items():
        retype(qtbot, victims.edit, typed)
        assert victims.problem_label.isVisible() and html.escape(message) in victims.problem_label.text(), typed
        dialog.save_button.click()
        assert dialog.isVisible(), typed
        assert message in dialog.problem.text(), typed
        assert stored(page, row.strand_id) == row.values
    assert "Traceback" not in capfd.readouterr().err


def test_a_paste_of_each_impossible_count_is_marked_and_ctrl_s_saves_nothing(qtbot, page, capfd):  # noqa: F811
    index = submitted_run(page, 1)
    row = page.grid_model.row_at(index)
    cell = page.grid_model.index(index, FIRST_MEASURE)
    for typed, message in TYPED.items():
        paste(qtbot, page, index, FIRST_MEASURE, typed + "\r\n")
        assert message in cell.data(Qt.ItemDataRole.ToolTipRole), typed
        assert not page.grid_panel.save_button.isEnabled()
        qtbot.keyClick(page.grid_view, Qt.Key.Key_S, CTRL)
        assert "Nothing was saved" in page.message_label.text()
        assert stored(page, row.strand_id) == row.values
    assert "Traceback" not in capfd.readouterr().err
