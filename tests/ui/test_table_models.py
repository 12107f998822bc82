"""Table models on their own, with no view: what a table would show, sort and filter."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop_app.services.funding import budget_position, list_funding_streams
from desktop_app.services.providers import list_providers
from desktop_app.services.strands import list_strands
from desktop_app.ui.pages.providers.table import provider_table_model
from desktop_app.ui.pages.strands.table import BUDGET_COLUMNS, strand_table_model
from desktop_app.ui.table_model import RECORD_ROLE, RecordFilterProxy, RecordTableModel


def test_provider_model_shows_labels_and_right_aligned_counts(qapp, demo_db):
    model = provider_table_model()
    rows = list_providers(demo_db)
    model.set_rows(rows)
    assert model.rowCount() == 34
    assert model.column_titles() == ["Name", "Organisation type", "Scope", "Districts served", "Strands", "Active"]
    types = {model.index(r, 1).data() for r in range(model.rowCount())}
    assert types == {"CVSE", "Local authority", "Hospital trust"}
    strands = model.index(0, 4)
    assert strands.data() == str(rows[0].strand_count)
    assert strands.data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert model.index(0, 0).data(RECORD_ROLE) == rows[0]


def test_strand_model_shows_the_chosen_years_allocation_in_whole_pounds(qapp, demo_db):
    rows = list_strands(demo_db)
    for year, label in ((2022, "2022/23"), (2024, "2024/25")):
        model = strand_table_model(year)
        model.set_rows(rows)
        assert model.column_titles()[4] == label
        assert model.index(0, 4).data() == f"£{rows[0].allocations[year] // 100:,}"
        assert model.index(0, 4).data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight


def test_proxy_filters_on_every_word_and_sorts_numbers_as_numbers(qapp, demo_db):
    model = provider_table_model()
    model.set_rows(list_providers(demo_db))
    proxy = RecordFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_search_text("local leeds")
    kept = [proxy.record(r) for r in range(proxy.rowCount())]
    assert kept and all("Leeds" in r.districts and r.scope.label == "Local" for r in kept)
    proxy.set_search_text("")
    proxy.sort(4, Qt.SortOrder.DescendingOrder)
    counts = [proxy.record(r).strand_count for r in range(proxy.rowCount())]
    assert counts == sorted(counts, reverse=True) and counts[0] >= 4


def test_budget_model_says_over_in_words_and_in_red(qapp, demo_db):
    from dataclasses import replace

    stream = list_funding_streams(demo_db)[0]
    positions = budget_position(demo_db, stream.id)
    over = replace(positions[0], allocated_pence=positions[0].budget_pence + 1_250_000, remaining_pence=-1_250_000, over=True)
    model = RecordTableModel(BUDGET_COLUMNS)
    model.set_rows([over, *positions[1:]])
    assert model.index(0, 3).data() == "£12,500 over"
    assert model.index(0, 3).data(Qt.ItemDataRole.ForegroundRole).name() == "#b00020"
    assert model.index(1, 3).data(Qt.ItemDataRole.ForegroundRole) is None
