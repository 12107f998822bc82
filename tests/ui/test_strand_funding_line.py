"""The strand form shows the funding line a strand is paid from and sets it, in the strand's own save."""

from __future__ import annotations

from dataclasses import replace

import pytest

from desktop_app.core.periods import FinancialYear
from desktop_app.services.finance import finance_report, list_funding_lines
from desktop_app.services.strands import get_strand, list_strands, save_strand
from desktop_app.services.validation import ValidationFailed
from desktop_app.ui.pages.strands.strand_form import StrandForm


def _lined_strand(db):
    """A demo strand paid from a ring-fenced line, and its stream's lines."""
    strand = next(s for s in list_strands(db) if s.funding_line_id is not None)
    return strand, list_funding_lines(db, strand.funding_stream_id)


def test_the_strand_form_shows_the_line_and_moving_the_strand_to_the_general_money_saves(qtbot, demo_window):
    db = demo_window.workspace.db
    strand, lines = _lined_strand(db)
    current = next(line for line in lines if line.id == strand.funding_line_id)
    form = StrandForm(demo_window.workspace, strand)
    qtbot.addWidget(form)
    form.show()
    assert form.line_combo.accessibleName() == "Funding line"
    assert form.line_combo.currentText() == current.name
    assert [form.line_combo.itemText(i) for i in range(form.line_combo.count())] == [
        "The stream's general money", *(line.name for line in lines)
    ]

    form.line_combo.setCurrentIndex(0)
    form.save_button.click()

    assert not form.isVisible()
    assert form.changed.touches("finance")
    assert get_strand(db, strand.id).funding_line_id is None
    row = next(s for s in finance_report(db, FinancialYear(2024)).strands if s.reference == strand.reference)
    assert row.line_key is None


def test_a_line_of_another_stream_is_refused_beside_the_field(demo_db):
    lined, _lines = _lined_strand(demo_db)
    # The demo's lines are the General grant's; a Core strand cannot be paid from one of them.
    core = next(s for s in list_strands(demo_db) if s.funding_stream_id != lined.funding_stream_id)
    with pytest.raises(ValidationFailed) as refused:
        save_strand(demo_db, replace(core.draft, funding_line_id=lined.funding_line_id), core.id, version=core.version)
    [error] = refused.value.errors
    assert error.field == "funding_line_id"
    assert error.message == f"Choose a line of {core.funding_stream_name}, the stream the strand is funded from"
    assert get_strand(demo_db, core.id).funding_line_id is None
