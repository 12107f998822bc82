"""The Dashboard page driven through its real widgets over real databases."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QPushButton
from sqlalchemy import select

from desktop_app.core.indicator_status import Status
from desktop_app.core.periods import FinancialYear, Quarter
from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.services.changes import RETURNS, Changed
from desktop_app.services.dashboard import COMPLETENESS_STATES, dashboard
from desktop_app.services.funding import list_funding_streams, save_funding_stream
from desktop_app.services.report import year_report
from desktop_app.store.models import Measure, Return, ReturnPeriod, ReturnValue
from desktop_app.ui.status_colours import STATUS_COLOURS

Y2022 = FinancialYear(2022)


@pytest.fixture
def demo_window(demo_window):
    """The demo on 2022/23, the year of the published figures, chosen in the year box as an
    officer would (the window itself opens on the current reporting period: see
    tests/ui/test_reporting_period.py)."""
    page = demo_window.show_page("dashboard")
    page.year_combo.setCurrentIndex(page.year_combo.findText("2022/23"))
    return demo_window


def _board(window, year=Y2022):
    return dashboard(window.workspace.db, year)


def _click(qtbot, chart, view_point: QPointF) -> None:
    """A real left click where `view_point` (in the plot's own units) is drawn."""
    qtbot.wait(100)  # the charts are drawn just after the page's first paint, as an officer sees them
    scene = chart.bar_scene_position(view_point)
    qtbot.mouseClick(chart.view.viewport(), Qt.MouseButton.LeftButton, pos=chart.view.mapFromScene(scene))


def test_the_2022_23_story_shows_the_published_figures(demo_window):
    page = demo_window.current_page()
    assert page.key == "dashboard" and page.title == "Dashboard"
    assert page.year_combo.accessibleName() == "Financial year"
    assert page.year_combo.currentText() == "2022/23"
    assert [page.year_combo.itemText(i) for i in range(page.year_combo.count())] == ["2024/25", "2023/24", "2022/23"]
    assert page.figures.card("Victims supported").texts() == ("Victims supported", "90,793", "by funded services", "no earlier year")
    assert page.figures.card("Supported by IDVAs").texts()[1] == "22,989"
    assert page.figures.card("Supported by ISVAs").texts()[1] == "5,168"
    assert page.figures.card("Restorative justice").texts()[1] == "7,667"
    assert page.figures.card("Mental health").texts()[1] == "1,487"
    assert page.figures.card("Returns complete").texts()[1:3] == ("100%", "276 of 276 returns")
    assert page.figures.card("Allocated").texts()[1:3] == ("£4.6m", "of £4.6m budget")
    assert page.basis_label.text().startswith("Figures count 276 verified and locked returns.")


def test_the_victims_chart_stacks_the_service_categories_to_the_report_total(demo_window):
    chart = demo_window.current_page().victims_chart
    board = _board(demo_window)
    drawn = chart.bar_heights()
    assert len(drawn) == len(board.victims.categories)
    assert sum(sum(heights) for _name, heights in drawn) == 90_793
    assert sum(sum(heights) for _name, heights in drawn) == year_report(demo_window.workspace.db, Y2022).totals["victims_supported"]
    assert [heights for _n, heights in drawn] == [tuple(float(v) for v in c.values) for c in board.victims.categories]
    names = chart.legend_names()
    assert "IDVA" in names and "Other services" in names
    assert names[-1] == "General victim support"  # the legend reads top down, as the stack does
    assert chart.plot.getAxis("left").labelText == "Victims supported"
    assert chart.plot.getAxis("bottom").labelText == "Quarter"
    # Each quarter's total above its stack, as the figures add up in the database.
    quarters = [sum(c.values[i] for c in board.victims.categories) for i in range(4)]
    assert [label.toPlainText() for label in chart.total_labels] == [f"{n:,}" for n in quarters]


def test_the_providers_chart_ranks_providers_by_name_on_the_left(demo_window):
    chart = demo_window.current_page().providers_chart
    board = _board(demo_window)
    drawn = chart.bar_values()
    named = [value for name, value in drawn if name != "Other providers"]
    assert named == sorted(named, reverse=True) and len(named) == 10
    biggest, others = board.providers[0], board.providers[-1]
    assert drawn[0] == (biggest.name, float(biggest.victims))
    assert sum(value for _n, value in drawn) == 90_793
    axis = chart.axis_names()
    assert axis[0] == biggest.name and axis[-1] == f"Other providers ({others.providers})"
    assert all(len(name) <= 60 for name in axis)
    assert chart.plot.vb.state["yInverted"]  # the biggest at the top


def test_the_money_and_completeness_charts_hold_the_service_series(demo_window):
    page = demo_window.current_page()
    board = _board(demo_window)
    money = page.money_chart.bar_heights()
    # One bar group per year and funding stream: budget, allocated and claimed.
    parts = [part for year in board.money for part in year.streams]
    assert page.money_chart.slot_names() == [
        f"{y} {s}" for y in ("2022/23", "2023/24", "2024/25") for s in ("Core", "General")
    ]
    assert money["Budget"] == [float(p.budget_pence) for p in parts]
    assert money["Allocated to strands"] == [float(p.allocated_pence) for p in parts]
    assert money["Claimed"] == [float(p.claimed_pence) for p in parts]
    assert sum(money["Allocated to strands"]) == sum(money["Budget"]) == 14_000_000 * 100
    # The demo claims 2024/25 Q1–Q3 only.
    assert money["Claimed"][:4] == [0.0] * 4 and all(0 < c < a for c, a in zip(money["Claimed"][4:], money["Allocated to strands"][4:]))
    assert page.money_chart.plot.getAxis("left").tickStrings([0, 200_000_000, 450_000_000], 1, 1) == ["£0", "£2.0m", "£4.5m"]
    completeness = page.completeness_chart.bar_heights()
    # Each quarter's bar is the year's returns in that state, as the database holds them.
    assert completeness["locked"] == [float(q.counts.get("locked", 0)) for q in board.completeness]
    assert completeness["locked"][0] > 0
    assert sum(sum(v) for v in completeness.values()) == sum(sum(q.counts.values()) for q in board.completeness)
    assert page.completeness_chart.legend_names() == [words for _s, words in reversed(COMPLETENESS_STATES)]


def test_hovering_a_bar_gives_its_exact_figures(demo_window):
    page = demo_window.current_page()
    chart = page.victims_chart
    chart._on_scene_mouse_moved(chart.bar_scene_position(QPointF(0, 100)))
    bottom = _board(demo_window).victims.categories[0]
    assert f"Q1 Apr–Jun: {bottom.name}" in chart.hover_text()
    assert f"{bottom.values[0]:,} victims supported" in chart.hover_text()
    quarter_total = sum(c.values[0] for c in _board(demo_window).victims.categories)
    assert f"Quarter total {quarter_total:,}" in chart.hover_text()
    chart._on_scene_mouse_moved(chart.bar_scene_position(QPointF(3.5, 40_000)))  # beside the bars
    assert chart.hover_text() == ""
    providers = page.providers_chart
    providers._on_scene_mouse_moved(providers.bar_scene_position(QPointF(1000, 0)))
    top = _board(demo_window).providers[0]
    assert providers.hover_text().startswith(f"{top.name}\n{top.victims:,} victims supported")


def test_clicking_a_provider_opens_the_providers_page_filtered_to_it(qtbot, demo_window):
    chart = demo_window.current_page().providers_chart
    _click(qtbot, chart, QPointF(1000, 1))
    page = demo_window.current_page()
    assert page.key == "providers"
    assert [p.name for p in page.table.visible_records()] == ["Aire Valley Victim Support"]


def test_clicking_a_quarter_opens_the_returns_page_on_that_quarter(qtbot, demo_window):
    chart = demo_window.current_page().victims_chart
    with qtbot.waitSignal(chart.bar_clicked) as clicked:
        _click(qtbot, chart, QPointF(1, 100))
    assert (clicked.args[0].year, clicked.args[0].quarter) == (Y2022, 2)
    page = demo_window.current_page()
    assert page.key == "returns"
    # On the quarter clicked, not the Returns page's own default (2024/25 Q4).
    assert page.quarter == Quarter(Y2022, 2)
    assert page.quarter_combo.currentText() == "2022/23 Q2"


def test_save_as_png_writes_the_chart_at_twice_its_width_and_copy_puts_it_on_the_clipboard(demo_window, tmp_path):
    for chart in demo_window.current_page().charts():
        path = chart.save_png(tmp_path / f"{chart.title}.png")
        picture = QImage(str(path))
        assert not picture.isNull()
        assert picture.width() == 2 * chart.view.width() == chart.export_width()
        assert picture.height() > 2 * chart.view.height()  # the chart under its title band
        chart.copy_image()
        assert QGuiApplication.clipboard().image().width() == picture.width()
        assert chart.save_button.text() == "Save as PNG…" and chart.copy_button.text() == "Copy image"


def test_a_data_change_feeds_the_same_plot_items_new_figures(demo_window):
    page = demo_window.current_page()
    db = demo_window.workspace.db
    items = (
        list(page.victims_chart.bars), page.providers_chart.bars, page.money_chart.budget_bars,
        page.money_chart.allocated_bars, dict(page.completeness_chart.bars), page.victims_chart.view,
    )
    claimed_bars = page.money_chart.claimed_bars
    # A budget goes up: the money chart shows it.
    stream = list_funding_streams(db)[0]
    draft = stream.draft
    budgets = tuple((year, pence + 10_000_000 if year == 2024 else pence) for year, pence in draft.budgets)
    raised = dataclasses.replace(draft, total_pence=draft.total_pence + 10_000_000, budgets=budgets)
    _id, changed = save_funding_stream(db, raised, stream.id)
    page.context.publish(changed)
    slot = page.money_chart.slot_names().index("2024/25 Core" if " Core " in stream.name else "2024/25 General")
    assert page.money_chart.bar_heights()["Budget"][slot] == budgets[-1][1]
    # A Q1 return is reopened: it leaves the figures until it is verified again.
    with db.transaction() as session:
        reopened, victims = session.execute(
            select(Return, ReturnValue.value)
            .join(Return.period)
            .join(Return.values)
            .join(ReturnValue.measure)
            .where(ReturnPeriod.financial_year == 2022, ReturnPeriod.quarter == 1, Measure.key == "victims_supported")
            .limit(1)
        ).one()
        reopened.status = ReturnStatus.DRAFT
    page.context.publish(Changed.of(RETURNS))
    assert page.victims_chart.total_labels[0].toPlainText() == f"{22_371 - victims:,}"
    assert page.completeness_chart.bar_heights()["draft"][0] == 1.0
    assert page.figures.card("Victims supported").texts()[1] == f"{90_793 - victims:,}"
    assert (
        list(page.victims_chart.bars), page.providers_chart.bars, page.money_chart.budget_bars,
        page.money_chart.allocated_bars, dict(page.completeness_chart.bars), page.victims_chart.view,
    ) == items
    assert page.money_chart.claimed_bars is claimed_bars
    for kept, now in zip(items[0], page.victims_chart.bars):
        assert kept is now


def test_another_year_is_drawn_on_the_same_items_with_its_change_in_words(demo_window):
    page = demo_window.current_page()
    bars = list(page.victims_chart.bars)
    page.year_combo.setCurrentIndex(page.year_combo.findText("2024/25"))
    assert page.current_year() == FinancialYear(2024)
    assert all(a is b for a, b in zip(bars, page.victims_chart.bars))
    board = _board(demo_window, FinancialYear(2024))
    assert page.figures.card("Victims supported").texts()[1] == board.headline("victims_supported").text
    assert page.figures.card("Victims supported").texts()[3].endswith("% on 2023/24")
    assert page.victims_chart.total_labels[3].toPlainText() == "none verified\nyet"
    assert "not yet verified are left out" in page.basis_label.text()


def test_indicator_tiles_say_their_status_in_words_and_colour(demo_window):
    tiles = demo_window.current_page().tiles
    shown = tiles.shown_tiles()
    assert len(shown) == 29
    for widget in shown:
        tile = widget.tile
        assert widget.status_label.text() == f"{tile.code}  {tile.status_words}"
        assert tile.short_title.startswith(widget.title_text().rstrip("…").split("\n")[0][:10])
        if tile.status in STATUS_COLOURS:
            assert STATUS_COLOURS[tile.status][0] in widget.styleSheet()
    words = {w.tile.status_words for w in shown}
    assert {Status.GREEN.words, Status.RED.words, Status.MONITOR.words} <= words
    assert "16 improving" in tiles.summary_label.text()  # the 2021–24 plan, readings to March 2024


def test_the_figures_and_the_charts_fit_a_laptop_screen(demo_window):
    page = demo_window.current_page()
    viewport = page.scroll.viewport()
    for widget in (page.figures, *page.charts()):
        bottom_right = widget.mapTo(viewport, widget.rect().bottomRight())
        assert bottom_right.x() <= viewport.width(), widget.accessibleName()
    for chart in page.charts()[:2]:  # the first row of charts needs no scrolling
        assert chart.mapTo(viewport, chart.rect().bottomLeft()).y() <= viewport.height()
    for card in page.figures.cards:
        assert card.value_label.width() >= card.value_label.sizeHint().width()


def test_an_empty_database_says_what_to_do_and_the_button_goes_there(qtbot, window):
    page = window.show_page("dashboard")
    assert page.stack.currentWidget() is page.empty_state
    assert page.empty_state.title_label.text() == "Nothing to show yet"
    assert not page.year_combo.isVisibleTo(page)
    (button,) = page.empty_state.findChildren(QPushButton)
    assert button.text() == "Set up the year"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.current_page().key == "strands"


def test_a_saved_chart_prints_a_small_count_as_fewer_than_5_and_the_screen_keeps_it_exact(demo_window, tmp_path):
    from desktop_app.core.periods import FinancialYear
    from desktop_app.services.dashboard import ProviderBar

    chart = demo_window.current_page().providers_chart
    assert chart.small_number_threshold == 5  # the setting's default, handed over by the page
    chart.set_series((ProviderBar(1, "Large provider", 1_250), ProviderBar(2, "Small pilot", 3)), FinancialYear(2024))
    labels = [label.toPlainText() for label in chart.value_labels[:2]]
    assert labels == ["1,250", "3"]  # on screen: exact, for the officer
    chart.publish_labels(True)
    assert [label.toPlainText() for label in chart.value_labels[:2]] == ["1,250", "fewer than 5"]
    chart.publish_labels(False)
    published = chart.picture()
    assert [label.toPlainText() for label in chart.value_labels[:2]] == ["1,250", "3"]  # restored after
    chart.small_number_threshold = 0
    exact = chart.picture()
    assert published != exact  # the saved picture differs only in how the small count is printed


def test_the_year_chosen_on_the_dashboard_is_kept_on_exports_and_returns_and_back(qtbot, demo_window):
    dashboard = demo_window.current_page()
    dashboard.year_combo.setCurrentIndex(dashboard.year_combo.findText("2023/24"))

    exports = demo_window.show_page("exports")
    assert exports.picker.period().label == "2023/24"
    returns = demo_window.show_page("returns")
    assert returns.quarter == Quarter(FinancialYear(2023), 4)  # the latest quarter of the year chosen

    returns.choose_quarter(Quarter(FinancialYear(2024), 3))
    assert returns.quarter == Quarter(FinancialYear(2024), 3)
    assert demo_window.show_page("exports").picker.period().label == "2024/25 Q3"
    assert demo_window.show_page("dashboard").year_combo.currentText() == "2024/25"
