"""After a save, the Returns page re-reads only the rows of the returns saved; what the officer
sees must be what a whole reload would show: the saved figures, their marks, the history the
warnings compare with, the completeness matrix, and the typing left in other rows."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop_app.core.return_checks import LEFT_EMPTY
from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.services.changes import RETURNS, Changed
from desktop_app.services.returns import completeness_matrix, quarter_grid, return_form, save_grid, save_return
from tests.ui.test_returns_page import Q4, db_of, page, submitted_run  # noqa: F401 - the page fixture


def _shown(page, strand_id: int, key: str) -> str:
    model = page.grid_model
    return model.index(model.row_of(strand_id), model.column_of(key)).data()


def test_a_form_save_shows_in_its_row_and_the_typing_in_other_rows_stays(qtbot, page):
    model = page.grid_model
    top = submitted_run(page, 2)
    saved, typed = model.row_at(top), model.row_at(top + 1)
    model.setData(model.index(top + 1, model.column_of("victims_supported")), str(typed.values["victims_supported"] + 3))
    figure = saved.values["victims_supported"] + 5

    result = save_return(db_of(page), saved.strand_id, Q4, {"victims_supported": figure}, version=saved.version)
    page.context.publish(result.changed)

    assert _shown(page, saved.strand_id, "victims_supported") == f"{figure:,}"
    assert model.row_at(model.row_of(saved.strand_id)).version == saved.version + 1
    # The other row still shows what was typed, still unsaved, over the version it was typed on.
    assert _shown(page, typed.strand_id, "victims_supported") == f"{typed.values['victims_supported'] + 3:,}"
    assert model.edits() == {typed.strand_id: {"victims_supported": str(typed.values["victims_supported"] + 3)}}
    assert model.versions()[typed.strand_id] == typed.version
    # What is shown is what a fresh grid reads.
    fresh = quarter_grid(db_of(page), Q4).row_for(saved.strand_id)
    assert model.row_at(model.row_of(saved.strand_id)).values == fresh.values


def test_a_figure_saved_for_last_quarter_changes_the_warning_shown_this_quarter(qtbot, page):
    """The row's history is read again when a quarter its warnings compare with was saved."""
    model, db, last = page.grid_model, db_of(page), Q4.previous()
    row = next(
        r for r in model.rows() if r.status is ReturnStatus.SUBMITTED
        and return_form(db, r.strand_id, last).status in (ReturnStatus.SUBMITTED, ReturnStatus.VERIFIED)
    )
    # A figure no breakdown or rule needs, so leaving it empty is allowed.
    key = next(k for k, v in row.values.items() if v and not model.grid.checker.breakdowns_of(k)
               and not any(k in r.rule.keys for r in model.grid.checker.rules))
    # This quarter and the last without the figure: nothing to warn of.
    page.context.publish(save_grid(db, Q4, {row.strand_id: {key: ""}}, versions={row.strand_id: row.version}))
    before = return_form(db, row.strand_id, last)
    page.context.publish(save_return(db, row.strand_id, last, {key: None}, version=before.version).changed)
    cell = model.index(model.row_of(row.strand_id), model.column_of(key))
    assert not [p for p in cell.data(Qt.ItemDataRole.UserRole + 10) if p.kind == LEFT_EMPTY]

    # Last quarter's return gets the figure: this quarter's empty cell now needs explaining.
    again = return_form(db, row.strand_id, last)
    page.context.publish(save_return(db, row.strand_id, last, {key: 7}, version=again.version).changed)
    cell = model.index(model.row_of(row.strand_id), model.column_of(key))
    warned = [p for p in cell.data(Qt.ItemDataRole.UserRole + 10) if p.kind == LEFT_EMPTY]
    assert warned and "(7)" in warned[0].message
    assert "Warning" in cell.data(Qt.ItemDataRole.ToolTipRole)


def test_the_completeness_tab_shows_a_grid_save_when_the_officer_turns_to_it(qtbot, page):
    model = page.grid_model
    missing = next(r for r in model.rows() if r.return_id is None and r.editable)
    shown = page.completeness.counts_model
    page.tabs.setCurrentWidget(page.completeness)  # as the officer saw it before the save
    before = shown.counts_of("submitted") or [0, 0, 0, 0]
    page.tabs.setCurrentWidget(page.grid_panel)
    model.setData(model.index(model.row_of(missing.strand_id), model.column_of("victims_supported")), "12")
    assert page.save_grid()

    page.tabs.setCurrentWidget(page.completeness)
    matrix = completeness_matrix(db_of(page), Q4.year, today=page.today)
    assert shown.counts_of("submitted") == [matrix.count(n, "submitted") for n in range(1, 5)]
    assert shown.counts_of("submitted")[3] == before[3] + 1


def test_a_change_names_the_returns_it_touched_and_unknown_wins_when_joined():
    q3 = Q4.previous()
    one, other = Changed.returns_of([1], Q4), Changed.returns_of([2, 3], q3)
    assert (one | other).returns == {(1, Q4), (2, q3), (3, q3)}
    assert {strand for strand, _quarter in (one | other).returns} == {1, 2, 3}
    # Anything about returns that does not say which means "any return".
    assert (one | Changed.of(RETURNS)).returns is None
    assert Changed.returns_of([], Q4).kinds == frozenset()
    # Equality is by kinds, so pages comparing changes see the same change.
    assert one == Changed.of(RETURNS)
