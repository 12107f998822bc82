"""One period for the whole window: it opens on the current reporting period, keeps the officer's
choice between pages, and a chart click opens the page behind it on the period clicked."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt

from desktop_app.core.periods import FinancialYear, Quarter
from desktop_app.services.reporting_period import current_reporting_period
from desktop_app.services.strands import list_strands
from desktop_app.ui.pages.targets import Go, TargetNotHandled

LAPTOP = (1366, 768)


def _click(qtbot, chart, view_point: QPointF) -> None:
    qtbot.wait(100)  # the charts are drawn just after the page's first paint
    scene = chart.bar_scene_position(view_point)
    qtbot.mouseClick(chart.view.viewport(), Qt.MouseButton.LeftButton, pos=chart.view.mapFromScene(scene))


def test_every_page_with_periods_opens_on_the_current_reporting_period(demo_window):
    # Every demo strand has ended by now: the quarter with returns due is the last they run in.
    last_day = max(s.end_date for s in list_strands(demo_window.workspace.db))
    current = Quarter.containing(last_day)
    assert current_reporting_period(demo_window.workspace.db) == current
    assert demo_window.show_page("dashboard").year_combo.currentText() == current.year.label
    assert demo_window.show_page("returns").quarter_combo.currentText() == current.label
    assert demo_window.show_page("exports").picker.period().label == current.label
    assert demo_window.show_page("strands").year_combo.currentText() == current.year.label
    assert demo_window.show_page("finance").year_combo.currentText() == current.year.label


def test_a_year_chosen_on_the_strands_page_is_kept_on_the_dashboard_and_finance(demo_window):
    strands = demo_window.show_page("strands")
    strands.year_combo.setCurrentIndex(strands.year_combo.findText("2023/24"))
    assert strands.table.source_model.column_titles()[4] == "2023/24"
    assert demo_window.show_page("dashboard").year_combo.currentText() == "2023/24"
    assert demo_window.show_page("finance").year_combo.currentText() == "2023/24"
    assert demo_window.show_page("strands").year_combo.currentText() == "2023/24"


def test_clicking_a_year_of_money_opens_the_strands_page_on_that_year(qtbot, demo_window):
    dashboard = demo_window.show_page("dashboard")
    dashboard.year_combo.setCurrentIndex(dashboard.year_combo.findText("2024/25"))
    chart = dashboard.money_chart
    with qtbot.waitSignal(chart.bar_clicked) as clicked:
        _click(qtbot, chart, QPointF(chart.budget_bars.opts["x"][0], 1))  # the earliest year's budget
    year = clicked.args[0].year
    assert year != FinancialYear(2024)  # another year than the one the window was on
    page = demo_window.current_page()
    assert page.key == "strands"
    assert page.year_combo.currentText() == year.label
    assert page.table.source_model.column_titles()[4] == year.label
    shown = {r.reference: r for r in list_strands(demo_window.workspace.db)}
    first = page.table.visible_records()[0]
    assert page.table.proxy.index(0, 4).data() == f"£{shown[first.reference].allocations.get(year.start_year, 0) // 100:,}"


def test_clicking_a_service_in_a_quarter_opens_the_returns_page_on_that_quarter_and_service(qtbot, demo_window):
    dashboard = demo_window.show_page("dashboard")
    dashboard.year_combo.setCurrentIndex(dashboard.year_combo.findText("2022/23"))
    chart = dashboard.victims_chart
    with qtbot.waitSignal(chart.bar_clicked) as clicked:
        _click(qtbot, chart, QPointF(2, 100))  # low in the third quarter's stack: its first service
    target = clicked.args[0]
    page = demo_window.current_page()
    assert page.key == "returns"
    assert page.quarter_combo.currentText() == Quarter(FinancialYear(2022), 3).label
    if target.service_category_key:
        assert page.category_combo.currentText() == target.service_category
        assert {page.grid_model.row_at(r).service_category for r in range(page.grid_model.rowCount())} == {target.service_category}
    # The choice is the window's: the Exports page is on that quarter too.
    assert demo_window.show_page("exports").picker.period().label == "2022/23 Q3"


def test_a_target_a_page_cannot_show_is_refused_not_ignored(demo_window):
    current = demo_window.current_page()
    with pytest.raises(TargetNotHandled, match="Indicators page cannot show period"):
        demo_window.navigate(Go("indicators", period=FinancialYear(2022)))
    with pytest.raises(TargetNotHandled, match="provider_id"):
        demo_window.navigate(Go("strands", provider_id=1))
    assert demo_window.current_page() is current  # nothing was half-shown
    assert demo_window.navigate(Go("providers")).key == "providers"


def test_the_strands_table_fits_a_laptop_screen_without_cutting_names(qtbot, demo_window):
    demo_window.resize(*LAPTOP)
    page = demo_window.show_page("strands")
    qtbot.waitUntil(lambda: page.table.viewport().width() > 600)
    table = page.table
    assert not table.horizontalScrollBar().isVisible()
    header = table.horizontalHeader()
    shown = [c for c in range(table.model().columnCount()) if not table.isColumnHidden(c)]
    assert sum(header.sectionSize(c) for c in shown) <= table.viewport().width()
    assert [table.model().headerData(c, Qt.Orientation.Horizontal) for c in shown][:4] == [
        "Reference", "Provider", "Strand", "Service category"
    ]
    # Every name is shown whole: each cell's wrapped text fits the cell it is drawn in.
    metrics = table.fontMetrics()
    for row in range(table.model().rowCount()):
        for column in shown:
            text = table.model().index(row, column).data() or ""
            room = header.sectionSize(column) - 8
            needed = metrics.boundingRect(0, 0, room, 10_000, int(Qt.TextFlag.TextWordWrap), text).height()
            assert needed <= table.rowHeight(row), (row, text)
    # What the table leaves out is still found by the search (a district).
    strands = list_strands(demo_window.workspace.db)
    district = strands[0].districts[0]
    qtbot.keyClicks(page.search_edit, district)
    found = {r.reference for r in table.visible_records()}
    assert strands[0].reference in found and len(found) < len(strands)


def test_the_returns_grid_shows_its_last_column_whole_at_1280_by_720(qtbot, demo_window):
    demo_window.resize(1280, 720)
    page = demo_window.show_page("returns")
    grid = page.grid_view
    qtbot.waitUntil(lambda: grid.viewport().width() > 600)
    bar = grid.horizontalScrollBar()
    bar.setValue(bar.maximum())  # as far right as the officer can scroll
    header = grid.horizontalHeader()
    last = grid.model().columnCount() - 1
    assert 0 <= header.sectionViewportPosition(last)
    assert header.sectionViewportPosition(last) + header.sectionSize(last) <= grid.viewport().width()
    title = grid.model().headerData(last, Qt.Orientation.Horizontal)
    widest = max(header.fontMetrics().horizontalAdvance(line) for line in title.split("\n"))
    assert header.sectionSize(last) > widest
