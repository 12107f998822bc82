"""The Indicators page driven through its real widgets over real databases."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFormLayout, QLabel
from python_calamine import CalamineWorkbook

from desktop_app.core.indicator_status import Status
from desktop_app.services.indicators import indicator_history, list_indicators, readings
from desktop_app.ui.pages.indicators.reading_dialog import ReadingDialog
from desktop_app.ui.pages.indicators.settings_dialog import IndicatorSettingsDialog
from desktop_app.ui.pages.indicators.table import STATUS, STATUS_COLOURS, point_colour
from desktop_app.ui.table_model import RECORD_ROLE


def _select(page, code: str):
    assert page.table.select_where(lambda r: r.code == code)
    row = page.current_indicator()
    assert row.code == code
    return row


def _choose_plan(page, key: str) -> None:
    page.plan_combo.setCurrentIndex(page.plan_combo.findData(key))
    assert page.plan_key() == key


def _status_cells(page) -> list[tuple[str, object]]:
    model = page.table.model()
    return [
        (model.index(row, STATUS).data(), model.index(row, STATUS).data(Qt.ItemDataRole.BackgroundRole))
        for row in range(model.rowCount())
    ]


def _form_labels(dialog) -> list[tuple[str, str]]:
    """(visible label, accessible name of its input) for every row of a form."""
    layout = dialog.rows.layout
    pairs = []
    for row in range(layout.rowCount()):
        label = layout.itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
        pairs.append((label.text(), label.buddy().accessibleName()))
    return pairs


def _save_with_ctrl_s(qtbot, dialog, widget) -> None:
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(widget, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


# ---------------------------------------------------------------- the table


def test_the_table_lists_the_plan_in_force_by_priority_with_their_status_in_words(demo_window):
    page = demo_window.show_page("indicators")
    assert page.title == "Indicators"
    assert page.table.accessibleName() == "Indicators"
    assert page.plan_combo.currentText() == "Police and Crime Plan 2024–28 (in force)"
    shown = page.table.visible_records()
    assert len(shown) == 23
    assert sorted({r.priority_number for r in shown}) == [1, 2, 3, 4]
    assert [r.code for r in shown[:3]] == ["1.1", "1.2", "1.3"]  # by priority, then code
    assert page.count_label.text() == "23 indicators under 3 priorities and a spotlight"

    cells = _status_cells(page)
    words = {text for text, _ in cells}
    assert {"Improving", "Within tolerance", "Worsening", "Monitor only"} <= words
    for text, background in cells:
        if text == "Monitor only":
            assert background is None  # watched, not judged: no colour
        else:
            judged = {s.words: s for s in (Status.GREEN, Status.AMBER, Status.RED)}[text]
            assert background.name() == STATUS_COLOURS[judged][0]

    model = page.table.model()
    row_of_38 = next(r for r in range(model.rowCount()) if model.index(r, 0).data(RECORD_ROLE).code == "3.8")
    texts = [model.index(row_of_38, c).data() for c in range(model.columnCount())]
    record = model.index(row_of_38, 0).data(RECORD_ROLE)
    assert "752 (2024/25 Q4)" in texts  # figures with their period, thousands separated
    assert "750" in texts  # the pledge as the target
    # The change on the baseline, as stored readings give it: signed, with its percentage.
    change = record.latest_value - record.baseline_value
    assert record.baseline_value > 0 and change > 0
    assert f"+{change:,.0f} (+{100 * change / record.baseline_value:.1f}%)" in texts


def test_the_2021_24_plan_lists_its_29_indicators_under_4_priorities(demo_window):
    page = demo_window.show_page("indicators")
    _choose_plan(page, "pcp-2021-24")
    assert len(page.table.visible_records()) == 29
    assert page.count_label.text() == "29 indicators under 4 priorities"
    assert {r.plan.key for r in page.table.visible_records()} == {"pcp-2021-24"}


def test_codes_sort_as_numbers_not_text(qtbot, demo_window):
    page = demo_window.show_page("indicators")
    _choose_plan(page, "pcp-2021-24")
    page.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    codes = [r.code for r in page.table.visible_records()]
    assert codes[0] == "4.6" and codes.index("3.9") < codes.index("3.1")


def test_the_theme_filter_narrows_the_rows(qtbot, demo_window):
    page = demo_window.show_page("indicators")
    labels = [page.theme_combo.itemText(i) for i in range(page.theme_combo.count())]
    assert labels[0] == "All themes"
    index = page.theme_combo.findData("women_girls")
    page.theme_combo.setCurrentIndex(index)
    shown = page.table.visible_records()
    assert 0 < len(shown) < 23
    assert all("women_girls" in r.theme_keys for r in shown)
    assert {r.id for r in shown} == {r.id for r in list_indicators(demo_window.workspace.db, "women_girls")}
    assert page.count_label.text() == f"{len(shown)} of 23 indicators shown"
    assert page.current_indicator() in shown  # the chart follows what is listed
    page.theme_combo.setCurrentIndex(0)
    assert len(page.table.visible_records()) == 23


def test_ctrl_f_focuses_the_search_box_which_narrows_the_table(qtbot, demo_window):
    page = demo_window.show_page("indicators")
    demo_window.find_action.trigger()  # Ctrl+F
    assert page.search_edit.hasFocus()
    qtbot.keyClicks(page.search_edit, "worsening")
    shown = page.table.visible_records()
    assert shown and all(r.status is Status.RED for r in shown)


# ---------------------------------------------------------------- the chart


def test_selecting_an_indicator_shows_its_readings_with_baseline_and_target_lines(demo_window):
    page = demo_window.show_page("indicators")
    row = _select(page, "3.8")
    chart = page.chart
    expected = readings(demo_window.workspace.db, row.id)
    assert chart.has_chart()
    assert chart.reading_points() == [(r.period_start, r.value) for r in expected]
    assert chart.baseline_value == row.baseline_value == 180
    assert chart.target_value == 750
    assert chart.baseline_label().startswith("Baseline 180")
    assert chart.target_label() == "Target 750"
    assert chart.point_colours() == [point_colour(r.status) for r in expected]
    assert "3.8" in page.detail_title.text()

    other = _select(page, "2.5")  # monitor only: grey points, no target line
    assert len(chart.reading_points()) == len(readings(demo_window.workspace.db, other.id))
    assert chart.target_label() == ""
    assert set(chart.point_colours()) == {point_colour(Status.MONITOR)}


def test_hovering_near_a_point_shows_its_period_and_value(qtbot, demo_window):
    page = demo_window.show_page("indicators")
    row = _select(page, "1.5")
    last = readings(demo_window.workspace.db, row.id)[-1]
    qtbot.waitUntil(lambda: page.chart.plot.width() > 100)
    page.chart._on_scene_mouse_moved(page.chart.point_scene_position(len(page.chart.reading_points()) - 1))
    assert page.chart.hover_text().startswith(f"{last.label}: {row.formatted(last.value)}")
    assert last.status_words in page.chart.hover_text()


def test_an_empty_database_lists_every_indicator_with_no_reading_yet(window):
    page = window.show_page("indicators")
    shown = page.table.visible_records()
    assert len(shown) == 23
    assert {text for text, _ in _status_cells(page)} <= {"No reading yet", "Monitor only"}
    model = page.table.model()
    assert model.index(0, 4).data() == "No reading yet"
    row = page.current_indicator()
    assert not page.chart.has_chart()
    assert page.chart.empty_text() == f"No readings yet for {row.code} {row.title}. Add the first reading."
    assert not page.save_chart_button.isEnabled()


# ---------------------------------------------------------------- adding a reading


def test_enter_on_an_indicator_opens_its_reading_form_with_the_period_named_by_frequency(qtbot, demo_window):
    page = demo_window.show_page("indicators")
    _select(page, "1.2")  # quarterly
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    dialog = page.active_dialog
    assert isinstance(dialog, ReadingDialog) and dialog.isVisible()
    assert dialog.indicator.code == "1.2"
    assert ("Quarter", "Quarter") in _form_labels(dialog)
    assert dialog.numerator_edit is not None  # a percentage may come as parts
    qtbot.keyClick(dialog.value_edit, Qt.Key.Key_Escape)  # Esc cancels
    qtbot.waitUntil(lambda: page.active_dialog is None)

    _select(page, "1.1")  # monthly
    page.add_reading_button.click()
    assert ("Month", "Month") in _form_labels(page.active_dialog)
    page.active_dialog.reject()


def test_a_reading_added_through_the_form_updates_the_table_and_the_chart(qtbot, window):
    page = window.show_page("indicators")
    row = _select(page, "1.1")  # a monthly percentage
    assert page.table.model().index(page.table.currentIndex().row(), 4).data() == "No reading yet"
    window.new_record_action.trigger()  # Ctrl+N adds a reading to the selected indicator
    dialog = page.active_dialog
    assert isinstance(dialog, ReadingDialog)
    start, _end = dialog.period_edit.period()
    qtbot.keyClicks(dialog.value_edit, "84.5")
    qtbot.keyClicks(dialog.note_edit, "From the monthly victims' report")
    _save_with_ctrl_s(qtbot, dialog, dialog.value_edit)
    qtbot.waitUntil(lambda: page.active_dialog is None)

    saved = readings(window.workspace.db, row.id)
    assert [(r.period_start, r.value, r.note) for r in saved] == [(start, 84.5, "From the monthly victims' report")]
    current = page.current_indicator()
    assert current.id == row.id and current.latest_value == 84.5
    model = page.table.model()
    assert model.index(page.table.currentIndex().row(), 4).data() == f"84.5% ({saved[0].label})"
    assert page.chart.reading_points() == [(start, 84.5)]


def test_a_value_worked_out_from_numerator_and_denominator(qtbot, window):
    page = window.show_page("indicators")
    row = _select(page, "1.1")
    dialog = page.new_record() and page.active_dialog
    qtbot.keyClicks(dialog.numerator_edit, "1,150")
    qtbot.keyClicks(dialog.denominator_edit, "14,000")
    assert "8.2%" in dialog.value_edit.placeholderText()
    dialog.save_button.click()
    qtbot.waitUntil(lambda: page.active_dialog is None)
    saved = readings(window.workspace.db, row.id)[0]
    assert (saved.value, saved.numerator, saved.denominator) == (8.2, 1150, 14000)


def test_an_invalid_value_is_shown_next_to_the_field_and_nothing_is_saved(qtbot, window):
    page = window.show_page("indicators")
    row = _select(page, "1.1")
    dialog = page.new_record() and page.active_dialog
    qtbot.keyClicks(dialog.value_edit, "101")
    assert "more than 100%" in dialog.rows.error_text("value")  # said as the officer types
    dialog.save_button.click()
    assert dialog.isVisible()
    assert "Value '101' is more than 100%" in dialog.rows.error_text("value")
    assert readings(window.workspace.db, row.id) == []
    dialog.reject()


def test_a_second_reading_for_the_same_period_is_refused(qtbot, demo_window):
    page = demo_window.show_page("indicators")
    row = _select(page, "1.1")  # has a reading for Mar 2025
    before = readings(demo_window.workspace.db, row.id)
    dialog = page.new_record() and page.active_dialog
    dialog.period_edit.date_edit.setDate(QDate(2025, 3, 15))
    qtbot.keyClicks(dialog.value_edit, "80")
    dialog.save_button.click()
    assert dialog.isVisible()
    message = dialog.rows.error_text("period_start")
    assert "already has a reading for Mar 2025" in message
    assert readings(demo_window.workspace.db, row.id) == before
    dialog.reject()


# ---------------------------------------------------------------- baseline and target


def test_editing_the_baseline_is_audited_and_shown_in_history(qtbot, demo_window):
    page = demo_window.show_page("indicators")
    row = _select(page, "1.1")
    page.settings_button.click()
    dialog = page.active_dialog
    assert isinstance(dialog, IndicatorSettingsDialog)
    assert dialog.baseline_edit.text() == "82.0"
    dialog.baseline_edit.clear()
    qtbot.keyClicks(dialog.baseline_edit, "87.5")
    assert "Within tolerance" in dialog.preview_label.text()  # 88.6 against 87.5 ± 1.75
    qtbot.keyClicks(dialog.reason_edit, "Plan refresh")
    _save_with_ctrl_s(qtbot, dialog, dialog.baseline_edit)
    qtbot.waitUntil(lambda: page.active_dialog is None)

    entries = [e for e in indicator_history(demo_window.workspace.db, row.id) if e.field == "Baseline"]
    assert (entries[0].old, entries[0].new, entries[0].reason) == ("82.0%", "87.5%", "Plan refresh")
    assert page.current_indicator().baseline_value == 87.5
    assert page.current_indicator().status_words == "Within tolerance"
    assert page.chart.baseline_value == 87.5

    page.settings_button.click()
    dialog = page.active_dialog
    dialog.history_button.click()
    table = dialog.history_dialog.table
    texts = [
        [table.model().index(r, c).data() for c in range(table.model().columnCount())]
        for r in range(table.model().rowCount())
    ]
    assert any("87.5%" in row_texts and "Baseline" in row_texts for row_texts in texts)
    dialog.history_dialog.close()
    dialog.reject()


def test_a_baseline_that_does_not_fit_the_unit_is_refused_beside_the_field(qtbot, demo_window):
    page = demo_window.show_page("indicators")
    row = _select(page, "1.1")
    dialog = page.open_settings_dialog()
    dialog.baseline_edit.setText("120")
    dialog.save_button.click()
    assert dialog.isVisible()
    assert "more than 100%" in dialog.rows.error_text("baseline_value")
    assert list_indicators(demo_window.workspace.db)[0].baseline_value == row.baseline_value
    dialog.reject()


# ---------------------------------------------------------------- files


def test_save_chart_as_png_writes_a_picture_twice_the_chart_width(qtbot, demo_window, tmp_path, monkeypatch):
    page = demo_window.show_page("indicators")
    _select(page, "3.8")
    target = tmp_path / "officers.png"
    monkeypatch.setattr(page, "ask_save_path", lambda *args: str(target))
    page.save_chart_button.click()
    picture = QImage(str(target))
    assert not picture.isNull()
    assert picture.width() == page.chart.export_width() == 2 * page.chart.plot.width()
    assert str(target) in page.message_label.text()


def test_export_indicator_pack_writes_a_workbook_of_the_plan_shown(qtbot, demo_window, tmp_path, monkeypatch):
    page = demo_window.show_page("indicators")
    target = tmp_path / "pack.xlsx"
    monkeypatch.setattr(page, "ask_save_path", lambda *args: str(target))
    page.export_button.click()
    rows = CalamineWorkbook.from_path(str(target)).get_sheet_by_name("Indicators").to_python()
    start = next(i for i, row in enumerate(rows) if row and row[0] == "Priority")
    assert len(rows[start + 1 :]) == 23
    assert f"Indicator pack written to {target}" == page.message_label.text()


def test_an_export_that_cannot_be_written_says_why(qtbot, demo_window, tmp_path, monkeypatch):
    page = demo_window.show_page("indicators")
    monkeypatch.setattr(page, "ask_save_path", lambda *args: str(tmp_path / "no such folder" / "pack.xlsx"))
    page.export_button.click()
    assert page.message_label.isVisible()
    assert page.message_label.text().startswith("The indicator pack was not written:")


# ---------------------------------------------------------------- accessibility


def test_every_input_is_named_by_its_label(qtbot, demo_window):
    page = demo_window.show_page("indicators")
    assert page.search_edit.accessibleName() == "Search indicators"
    theme_label = next(lbl for lbl in page.findChildren(QLabel) if lbl.buddy() is page.theme_combo)
    assert page.theme_combo.accessibleName() == theme_label.text() == "Theme"
    for button in page.findChildren(type(page.export_button)):
        assert button.text()
    _select(page, "1.1")
    reading = page.new_record() and page.active_dialog
    pairs = _form_labels(reading)
    assert [label for label, _ in pairs] == ["Month", "Value", "Numerator", "Denominator", "Note"]
    assert all(label == name for label, name in pairs)
    reading.reject()
    qtbot.waitUntil(lambda: page.active_dialog is None)
    settings = page.open_settings_dialog()
    pairs = _form_labels(settings)
    assert [label for label, _ in pairs] == [
        "Baseline", "Baseline period", "Target", "Target note", "Tolerance", "Reason for change",
    ]
    assert all(label == name for label, name in pairs)
    settings.reject()


def test_a_count_indicator_has_no_numerator_or_denominator(qtbot, demo_window):
    page = demo_window.show_page("indicators")
    _select(page, "3.8")
    dialog = page.new_record() and page.active_dialog
    assert dialog.numerator_edit is None and dialog.denominator_edit is None
    assert [label for label, _ in _form_labels(dialog)] == ["Quarter", "Value", "Note"]
    dialog.reject()


@pytest.mark.parametrize("today", [dt.date(2025, 6, 15)])
def test_the_suggested_period_follows_the_latest_reading(demo_window, today):
    from desktop_app.ui.pages.indicators.reading_dialog import suggested_period

    page = demo_window.show_page("indicators")
    monthly = _select(page, "1.1")  # latest Mar 2025
    assert suggested_period(monthly, today) == dt.date(2025, 4, 1)
    quarterly = _select(page, "1.2")  # latest 2024/25 Q4
    assert suggested_period(quarterly, today) == dt.date(2025, 4, 1)
    assert suggested_period(quarterly, dt.date(2025, 3, 31)) == dt.date(2025, 1, 1)


@pytest.mark.parametrize("typed", ["99999999999999999999", str(2**63), "1000000000000000", "inf", "nan", "1e308"])
def test_an_impossible_reading_is_refused_beside_its_field_and_nothing_is_saved(qtbot, window, capfd, typed):
    page = window.show_page("indicators")
    row = _select(page, "1.5")  # a quarterly count
    dialog = page.new_record() and page.active_dialog
    qtbot.keyClicks(dialog.value_edit, typed)
    dialog.save_button.click()
    assert dialog.isVisible() and dialog.value_edit.text() == typed
    words = "is not a number" if typed in ("inf", "nan", "1e308") else "is more than any indicator figure could be"
    assert dialog.rows.error_text("value").startswith(f"Value '{typed}' {words}")
    assert readings(window.workspace.db, row.id) == []
    assert "Traceback" not in capfd.readouterr().err
    dialog.reject()


# ---------------------------------------------------------------- plans


def test_a_carried_indicator_charts_its_whole_history_across_both_plans(demo_window):
    page = demo_window.show_page("indicators")
    row = _select(page, "S.1")  # homicides: 3.1 in 2021–24, the spotlight's S.1 in 2024–28
    points = page.chart.reading_points()
    assert len(points) == 36
    assert points[0][0] == dt.date(2022, 4, 1) and points[-1][0] == dt.date(2025, 3, 1)
    assert page.fact_labels["Plan"].text() == "2024–28, carries on 3.1 of 2021–24"
    assert page.fact_labels["Priority"].text() == "Spotlight on Serious Violence"
    assert page.fact_labels["12 months"].text().endswith(row.significance.words)
    assert page.add_reading_button.isEnabled()


def test_an_ended_plans_indicator_is_read_only_on_the_page(qtbot, demo_window):
    page = demo_window.show_page("indicators")
    _choose_plan(page, "pcp-2021-24")
    _select(page, "1.6")
    assert not page.add_reading_button.isEnabled()
    assert "read-only" in page.add_reading_button.toolTip()
    assert page.fact_labels["Plan"].text() == "2021–24, ended: read-only"
    assert not page.new_record()  # Ctrl+N opens nothing, and says why
    assert "has ended: its readings are read-only" in page.message_label.text()
    assert page.active_dialog is None


def test_each_plan_lists_its_own_cross_cutting_themes(demo_window):
    page = demo_window.show_page("indicators")
    labels = {page.theme_combo.itemText(i) for i in range(page.theme_combo.count())}
    assert "Working in Partnership (illustrative)" in labels
    _choose_plan(page, "pcp-2021-24")
    labels = {page.theme_combo.itemText(i) for i in range(page.theme_combo.count())}
    assert labels == {"All themes", "The Safety of Women and Girls", "Equality, Diversity and Inclusion",
                      "Early Intervention and Prevention"}


def test_the_12_months_column_says_whether_the_change_is_significant(demo_window):
    page = demo_window.show_page("indicators")
    texts = [r for r in page.table.visible_records()]
    pleas = next(r for r in texts if r.code == "1.5")
    model = page.table.model()
    column = next(c for c in range(model.columnCount()) if model.headerData(c, Qt.Orientation.Horizontal) == "12 months")
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data(RECORD_ROLE).code == "1.5")
    change = pleas.rolling_12m - pleas.previous_12m
    assert model.index(row, column).data() == f"+{change:,.0f}: {pleas.significance.words}"
    _select(page, "1.5")
    assert page.fact_labels["12 months"].text() == (
        f"{pleas.formatted(pleas.rolling_12m)} against {pleas.formatted(pleas.previous_12m)}: {pleas.significance.words}"
    )


def test_make_panel_pack_writes_the_plan_shown_for_the_year_of_its_latest_readings(qtbot, demo_window, tmp_path, monkeypatch):
    page = demo_window.show_page("indicators")
    target = tmp_path / "panel.xlsx"
    asked = []
    monkeypatch.setattr(page, "ask_save_path", lambda *args: asked.append(args) or str(target))
    page.panel_pack_button.click()
    assert asked[0][0] == "Make Panel pack for 2024/25" and asked[0][1] == "panel-pack-2024-25.xlsx"
    about = dict((row[0], row[1]) for row in CalamineWorkbook.from_path(str(target)).get_sheet_by_name("About").to_python())
    assert (about["Plan"], about["Year"]) == ("Police and Crime Plan 2024–28", "2024/25")
    assert page.message_label.text() == f"Panel pack for 2024/25 written to {target}"


def test_a_panel_pack_that_cannot_be_written_says_why(qtbot, demo_window, tmp_path, monkeypatch):
    page = demo_window.show_page("indicators")
    monkeypatch.setattr(page, "ask_save_path", lambda *args: str(tmp_path / "no such folder" / "pack.xlsx"))
    page.panel_pack_button.click()
    assert page.message_label.text().startswith("The Panel pack was not written:")


def _coloured_pixels(picture: QImage, colours: set[str]) -> int:
    return sum(
        1
        for y in range(0, picture.height(), 2)
        for x in range(0, picture.width(), 2)
        if picture.pixelColor(x, y).name() in colours
    )


def test_a_saved_chart_leaves_out_small_counts_and_says_so(qtbot, demo_window, tmp_path):
    page = demo_window.show_page("indicators")
    row = _select(page, "S.1")  # homicides: mostly 1–4 a month
    chart = page.chart
    withheld = chart.withheld_points()
    small = [i for i, r in enumerate(readings(demo_window.workspace.db, row.id)) if 0 < r.value < 5]
    assert withheld == small and small
    colours = {point_colour(status) for status in (Status.GREEN, Status.AMBER, Status.RED)}

    chart.small_number_threshold = 0  # nothing suppressed: every point drawn
    whole = QImage(str(page.save_chart(tmp_path / "all.png")))
    chart.small_number_threshold = 5
    published = QImage(str(page.save_chart(tmp_path / "published.png")))
    assert published.height() > whole.height()  # the band carries the small-numbers line
    assert _coloured_pixels(published, colours) < _coloured_pixels(whole, colours)
    assert len(chart.reading_points()) == 36  # the chart on screen keeps every point
    assert len(chart.points.points()) == 36

    _select(page, "1.5")  # large counts: nothing withheld
    assert chart.withheld_points() == []


def test_the_trend_axis_prints_thousands_with_separators_as_the_table_does(qtbot, demo_window):
    page = demo_window.show_page("indicators")
    row = _select(page, "1.5")  # early guilty pleas: readings around 2,000
    qtbot.waitUntil(lambda: page.chart.plot.height() > 100)
    axis = page.chart.plot.getPlotItem().getAxis("left")
    low, high = axis.range
    shown = [
        text
        for spacing, values in axis.tickValues(low, high, axis.height())
        for text in axis.tickStrings(values, 1.0, spacing)
    ]
    assert any(int(value.replace(",", "")) >= 1000 for value in shown if value)
    assert all("," in value for value in shown if value and int(value.replace(",", "")) >= 1000)
    assert axis.tickStrings([3200.0, 12.5], 1.0, 0.5) == ["3,200.0", "12.5"]
    assert row.formatted(2841) == "2,841"
