"""The Dashboard page: a financial year at a glance, ready to paste into a Panel report.

At the top the year's headline figures in large type, each with its change on the year before;
under them four charts (victims per quarter by service, the top providers, allocation against
budget, completeness of returns) and a strip of Police and Crime Plan indicator tiles. The page
scrolls when the window is small, so nothing is squeezed until it cannot be read.

The window's first look at the file (plain sqlite3) gives the figures and the charts' series
first, so both are on screen before the file is opened in full; then everything comes from
`services.dashboard` in one call, the same figures again. On a data change the charts are fed
the new series (their plot items are kept); while the page is hidden it only notes that it is
out of date and catches up when it is next shown. Clicking a bar asks the window, through
its page context, to show the page behind it on what was clicked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.periods import FinancialYear
from desktop_app.core.wording import long_date
from desktop_app.services.changes import Changed
from desktop_app.services.dashboard.first_look import FirstFigures
from desktop_app.ui.pages.dashboard.tiles import HeadlineFigures, IndicatorTiles
from desktop_app.ui.pages.page import Page, PageContext, year_of
from desktop_app.ui.pages.targets import Go
from desktop_app.ui.widgets.empty_state import EmptyState
from desktop_app.ui.widgets.page_header import PageHeader

if TYPE_CHECKING:  # the first paint comes before the ORM: the full dashboard is imported after
    from desktop_app.services.dashboard import Dashboard
    from desktop_app.services.dashboard.charts import ChartSeries

# Tall enough for eleven provider names and a two-row legend, short enough that both rows of
# charts fit under the figures on a 1366 × 768 laptop.
CHART_HEIGHT = 250



class DashboardPage(Page):
    key = "dashboard"
    title = "Dashboard"
    handles = frozenset({"period"})

    def __init__(self, context: PageContext, parent=None) -> None:
        super().__init__(context, parent)
        self.data: Dashboard | None = None
        self._first: FirstFigures | None = None  # the first look's figures, until the full ones
        self._stale = False
        self._build()
        self._connect_signals()
        first = self.workspace.first
        if first is not None and not self.workspace.opened:
            # The window opens the database in full just after its first paint, and then
            # publishes a change of everything: `refresh` puts the full dashboard in then.
            self._show_first(first)
        else:
            self.refresh()

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 10, 24, 6)
        layout.setSpacing(8)

        header = PageHeader(self.title, self)
        self.year_span_label = header.subtitle
        self.year_label = year_label = QLabel("Financial year", self)
        self.year_combo = QComboBox(self)
        self.year_combo.setAccessibleName("Financial year")
        self.year_combo.setMinimumWidth(110)
        year_label.setBuddy(self.year_combo)
        header.addWidget(year_label)
        header.addWidget(self.year_combo)
        layout.addLayout(header)

        self.stack = QStackedWidget(self)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self._build_content())
        self.stack.addWidget(self.scroll)
        self.empty_state = EmptyState(
            "Nothing to show yet",
            "Set up a funding stream with its budget, then providers, strands and their returns: "
            "the year's figures and charts appear here.",
            self,
        )
        self.empty_state.add_action("Set up the year", lambda: self.context.go_to(Go("strands")))
        self.stack.addWidget(self.empty_state)
        layout.addWidget(self.stack, 1)

    def _build_content(self) -> QWidget:
        content = QWidget(self)
        content.setObjectName("dashboardContent")
        content.setStyleSheet("#dashboardContent { background: transparent; }")
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 4, 8)
        column.setSpacing(8)
        self.figures = HeadlineFigures(content)
        column.addWidget(self.figures)
        self.basis_label = QLabel(content)
        self.basis_label.setObjectName("pageSubtitle")
        self.basis_label.setAccessibleName("What the figures count")
        self.basis_label.setWordWrap(True)
        column.addWidget(self.basis_label)

        # The charts (and pyqtgraph, a third of a second to import) arrive just after the first
        # paint: the figures are on screen at once, the charts a moment later in these frames.
        self.chart_grid = grid = QGridLayout()
        grid.setSpacing(8)
        self._chart_frames = []
        for index in range(4):
            frame = QLabel("Drawing the chart…", content)
            frame.setObjectName("chartPlaceholder")
            frame.setAlignment(Qt.AlignmentFlag.AlignCenter)
            frame.setMinimumHeight(CHART_HEIGHT)
            grid.addWidget(frame, index // 2, index % 2)
            self._chart_frames.append(frame)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        column.addLayout(grid)
        self._charts: tuple | None = None
        self._content = content
        column.addSpacing(6)
        self.tiles = IndicatorTiles(content)
        column.addWidget(self.tiles)
        column.addStretch(1)
        return content

    def _connect_signals(self) -> None:
        self.year_combo.currentIndexChanged.connect(self._on_year_combo_current_index_changed)

    @property
    def charts_drawn(self) -> bool:
        """Whether the four charts are on the page yet (just after the first paint)."""
        return self._charts is not None

    def charts(self) -> tuple:
        """The four charts, in reading order (built now if they are not yet)."""
        if self._charts is None:
            self._build_charts()
        return self._charts

    victims_chart = property(lambda self: self.charts()[0])
    providers_chart = property(lambda self: self.charts()[1])
    money_chart = property(lambda self: self.charts()[2])
    completeness_chart = property(lambda self: self.charts()[3])

    def _build_charts(self) -> None:
        from desktop_app.ui.pages.dashboard.progress_charts import AllocationChart, CompletenessChart
        from desktop_app.ui.pages.dashboard.victims_charts import QuarterlyVictimsChart, TopProvidersChart

        first = self._first  # set while the page still shows the first look
        if first is not None:
            threshold = first.small_number_threshold
        else:
            from desktop_app.services.small_numbers import small_number_threshold

            threshold = small_number_threshold(self.workspace.db)

        content = self._content
        charts = (
            QuarterlyVictimsChart(content),
            TopProvidersChart(content),
            AllocationChart(content),
            CompletenessChart(content),
        )
        for index, (frame, chart) in enumerate(zip(self._chart_frames, charts)):
            chart.small_number_threshold = threshold
            chart.settings = self.context.settings  # where "Save PNG…" last saved
            chart.setMinimumHeight(CHART_HEIGHT)
            self.chart_grid.replaceWidget(frame, chart)
            frame.deleteLater()
            # Shown now, not by the layout's queued call: the window paints the charts at once.
            chart.setVisible(frame.isVisibleTo(content))
            frame.hide()
            chart.bar_clicked.connect(self._on_chart_bar_clicked)
        self._chart_frames = []
        self._charts = charts
        content.layout().activate()  # lay the charts out now, so they have their size at once
        if self.data is not None:
            self._show_series(self.data, self.current_year())
        elif first is not None and first.charts is not None:
            self._show_series(first.charts, first.year)

    # ------------------------------------------------------------------ data

    def refresh(self) -> None:
        """Read the years again and show the chosen one (or the default year)."""
        from desktop_app.services.dashboard import dashboard_years, default_dashboard_year

        self._stale = False
        years = dashboard_years(self.workspace.db)
        current = self.current_year()
        if current not in years:
            followed = year_of(self.context.current_period)
            current = followed if followed in years else default_dashboard_year(self.workspace.db)
        self._fill_years(years, current)
        if current is None:
            self.data = None
            self.year_span_label.setText("")
            self.stack.setCurrentWidget(self.empty_state)
            return
        self.show_year(current)

    def _show_first(self, first: FirstFigures) -> None:
        """The headline figures of the first look, until the full dashboard replaces them."""
        self._first = first
        self._fill_years(list(first.years), first.year)
        if first.year is None:
            self.year_span_label.setText("")
            self.stack.setCurrentWidget(self.empty_state)
            return
        self.year_span_label.setText(f"{long_date(first.year.start)} to {long_date(first.year.end)}")
        self.figures.set_headlines(first.headlines)
        self.basis_label.setText(f"{first.basis_words} Changes compare with {first.year.previous().label}.")
        self.stack.setCurrentWidget(self.scroll)

    def _fill_years(self, years: list[FinancialYear], current: FinancialYear | None) -> None:
        self.year_combo.blockSignals(True)
        self.year_combo.clear()
        for year in years:
            self.year_combo.addItem(year.label, year.start_year)
        if current is not None:
            self.year_combo.setCurrentIndex(self.year_combo.findData(current.start_year))
        self.year_combo.blockSignals(False)
        # With no year to choose, the box would only be an empty control.
        self.year_label.setVisible(bool(years))
        self.year_combo.setVisible(bool(years))

    def current_year(self) -> FinancialYear | None:
        start_year = self.year_combo.currentData()
        return FinancialYear(start_year) if start_year is not None else None

    def show_year(self, year: FinancialYear) -> None:
        """Show `year` (choosing it in the year box if it is not chosen already)."""
        index = self.year_combo.findData(year.start_year)
        if index >= 0 and index != self.year_combo.currentIndex():
            self.year_combo.setCurrentIndex(index)  # comes back here through the signal
            return
        from desktop_app.services.dashboard import dashboard

        data = dashboard(self.workspace.db, year)
        self.data = data
        self._first = None
        self.year_span_label.setText(f"{long_date(year.start)} to {long_date(year.end)}")
        self.figures.set_headlines(data.headlines)
        self.basis_label.setText(f"{data.basis_words} Changes compare with {year.previous().label}.")
        if self._charts is not None:
            self._show_series(data, year)
        self.tiles.set_tiles(data.tiles)
        self.stack.setCurrentWidget(self.scroll)
        # Tiles arriving after the first paint grow the page: lay it out now, not a turn later.
        self._content.layout().activate()

    def finish_first_look(self) -> bool:
        """The charts, drawn from the first look just after the first paint (and pyqtgraph's
        import), before the file is opened in full; the full dashboard feeds them again then."""
        first = self._first
        if self._charts is not None or first is None or first.charts is None or not self.isVisible():
            return False
        self._build_charts()
        # Laid out now as they will stay, not a turn later: each chart's first paint measures
        # its tick labels and widens its axes, whose layout is otherwise queued behind the
        # file's full opening (a second of half-laid-out charts on a big file).
        for chart in self._charts:
            chart.grab()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest.value)
        return True

    def _show_series(self, data: Dashboard | ChartSeries, year: FinancialYear) -> None:
        victims, providers, money, completeness = self._charts
        victims.set_series(data.victims)
        providers.set_series(data.providers, year)
        money.set_series(data.money)
        completeness.set_series(data.completeness, year)

    def on_data_changed(self, changed: Changed) -> None:
        # Every kind of change can move a figure here; a hidden page catches up when shown.
        if not changed:
            return
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._stale:
            self.refresh()
        if self._charts is None:
            QTimer.singleShot(0, self, self._draw_charts)  # after this paint; dropped if the page goes first

    def _draw_charts(self) -> None:
        # After the window's full opening (posted before this): none if that refused the file.
        if self.workspace.opened:
            self.charts()

    # ------------------------------------------------------------------ slots

    def show_target(self, go: Go) -> None:
        if go.period is not None:
            self.follow_period(go.period)

    def follow_period(self, period: object) -> None:
        year = year_of(period)
        if year is not None and year != self.current_year() and self.year_combo.findData(year.start_year) >= 0:
            self.show_year(year)

    def _on_year_combo_current_index_changed(self, _index: int) -> None:
        year = self.current_year()
        if year is not None:
            self.context.choose_period(year)
            self.show_year(year)

    def _on_chart_bar_clicked(self, target) -> None:
        """Open the page behind the bar clicked, on what the bar counts (`targets`)."""
        self.context.go_to(target.go)
