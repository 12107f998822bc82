"""The window paints from a first look at the file, then opens it in full just after.

What the officer sees first must be the real figures (not placeholders that change), and what
the full opening refuses after the paint must be said, not crash or half-work.
"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from desktop_app.services.dashboard import dashboard
from desktop_app.services.reporting_period import current_reporting_period
from desktop_app.store.database import open_database
from desktop_app.store.errors import DatabaseInUseError
from tests.ui.conftest import _open


def _victims_in_reporting_year(path) -> tuple[str, str]:
    """The year the window opens on (the current reporting period's) and its victims supported,
    read the full way through the services."""
    db = open_database(path)
    try:
        year = current_reporting_period(db).year
        board = dashboard(db, year)
    finally:
        db.close()
    return year.label, next(h.value for h in board.headlines if h.key == "victims_supported")


def test_the_first_paint_shows_the_real_figures_which_stay_when_the_file_is_opened_in_full(
    qtbot, demo_path, settings
):
    year_label, victims = _victims_in_reporting_year(demo_path)
    window = _open(qtbot, demo_path, settings)
    try:
        page = window.current_page()
        assert page.key == "dashboard"
        assert not window.workspace.opened  # painted before the full opening
        first = page.figures.card("Victims supported").texts()
        assert first[1] == f"{victims:,}"
        assert page.tiles.shown_tiles() == []  # the indicators come with the full opening
        qtbot.waitUntil(lambda: window.workspace.opened)
        assert page.figures.card("Victims supported").texts() == first
        assert page.tiles.shown_tiles() != []
        assert page.data is not None and page.data.year.label == year_label
    finally:
        window.close()
        window.workspace.close()


def test_the_charts_are_painted_before_the_file_is_opened_in_full_and_keep_their_bars(
    qtbot, demo_path, settings
):
    """In the real event loop, the four charts reach the screen from the first look, before the
    full opening; the full dashboard then feeds them the same series, so no bar moves."""
    from PySide6.QtCore import QEvent, QObject

    _year_label, victims = _victims_in_reporting_year(demo_path)
    painted = {}  # each chart's class name -> whether the file was open in full at its first paint
    drawn = {}

    class PaintWatch(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 - Qt's name
            name = type(watched).__name__
            if event.type() == QEvent.Type.Paint and name.endswith("Chart") and name not in painted:
                painted[name] = window.workspace.opened
                page = window.current_page()
                if not drawn:  # what the officer sees at once
                    drawn["totals"] = [label.toPlainText() for label in page.victims_chart.total_labels]
                    drawn["completeness"] = page.completeness_chart.bar_heights()
                    drawn["money"] = page.money_chart.bar_heights()
            return False

    watch = PaintWatch()
    QApplication.instance().installEventFilter(watch)
    window = _open(qtbot, demo_path, settings)
    try:
        qtbot.waitUntil(lambda: window.workspace.opened)
        page = window.current_page()
        assert len(painted) == 4 and not any(painted.values())  # all four, on the first look
        assert [label.toPlainText() for label in page.victims_chart.total_labels] == drawn["totals"]
        assert page.completeness_chart.bar_heights() == drawn["completeness"]
        assert page.money_chart.bar_heights() == drawn["money"]
        counted = [t.replace(",", "") for t in drawn["totals"] if t.replace(",", "").isdigit()]
        assert counted and sum(map(int, counted)) == victims  # quarters with none verified say so
    finally:
        QApplication.instance().removeEventFilter(watch)
        window.close()
        window.workspace.close()


def test_a_file_another_copy_takes_before_the_full_opening_is_refused_in_words(qtbot, demo_path, settings):
    window = _open(qtbot, demo_path, settings)
    other = open_database(demo_path)  # another copy of the program, a moment after the first look
    try:
        qtbot.waitUntil(lambda: "already open" in window.statusBar().currentMessage())
        assert not window.workspace.opened
        message = window.statusBar().currentMessage()
        assert "already open in Commissioning Desk" in message and str(demo_path) in message
        try:
            window.workspace.db
        except DatabaseInUseError as error:
            assert "already open" in str(error)  # the same refusal, every time it is asked
        else:
            raise AssertionError("a file held by another copy was opened")
    finally:
        other.close()
        window.close()
        window.workspace.close()


def test_a_window_whose_file_is_opened_early_still_reads_the_full_dashboard(qtbot, demo_path, settings):
    window = _open(qtbot, demo_path, settings)
    try:
        window.workspace.db  # as the screenshot verb does, before any event is handled
        page = window.current_page()
        assert page.data is None  # still the first look's figures
        qtbot.waitUntil(lambda: page.data is not None)  # the full opening, just after the first paint
        assert page.tiles.shown_tiles() != []
        assert page._charts is not None  # drawn by the page itself, after the full reading
    finally:
        window.close()
        window.workspace.close()


def test_the_charts_drawn_from_the_first_look_are_laid_out_as_they_stay(qtbot, demo_path, settings):
    """What is on screen while the file opens in full is the finished chart (names on the axis,
    legend beside the plot), not a first pass that rearranges itself a second later."""
    window = _open(qtbot, demo_path, settings)
    try:
        qtbot.waitExposed(window)
        window.finish_opening()  # the step the first paint posts: the charts, from the first look
        page = window.current_page()
        assert page.charts_drawn and not window.workspace.opened
        at_once = [chart.grab().toImage() for chart in page.charts()]
        qtbot.waitUntil(lambda: window.workspace.opened and page.data is not None)
        for _ in range(3):
            QApplication.processEvents()
        settled = [chart.grab().toImage() for chart in page.charts()]
        for chart, before, after in zip(page.charts(), at_once, settled):
            assert before == after, f"{chart.title} moved after the file was opened in full"
    finally:
        window.close()
        window.workspace.close()
