"""The Indicators page: the Police and Crime Plan's indicators, where each stands, and its trend.

Above, every indicator of the chosen plan (the plan in force unless the officer picks another)
by priority with its baseline, latest reading, change, rolling 12 months and status (in words
and colour), searchable and filterable by cross-cutting theme. An indicator carried on from an
earlier plan shows its whole series; one whose plan has ended is read-only. Below, the selected
indicator's trend chart and what can be done with it.

Keyboard: Ctrl+F searches; Enter (or a double-click) on an indicator opens "Add reading…" for
it, the most frequent task here, as Ctrl+N does.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.access import Right
from desktop_app.ui.access import needs
from desktop_app.core.numbers import format_count
from desktop_app.core.periods import FinancialYear
from desktop_app.core.vocabulary import Direction
from desktop_app.core.wording import plural
from desktop_app.services.changes import INDICATORS, Changed
from desktop_app.services.errors import ServiceError
from desktop_app.services.small_numbers import small_number_threshold
from desktop_app.services.indicators import (
    IndicatorRow,
    export_indicator_pack,
    export_panel_pack,
    list_indicators,
    list_plans,
    plan_in_force,
    readings,
)
from desktop_app.ui.pages.indicators.reading_dialog import ReadingDialog
from desktop_app.ui.pages.indicators.settings_dialog import IndicatorSettingsDialog
from desktop_app.ui.pages.indicators.table import (
    TITLE,
    baseline_text,
    change_text,
    indicator_table_model,
    latest_text,
    rolling_text,
)
from desktop_app.ui.read_only import mark_editing
from desktop_app.ui.save_folders import remember_folder, start_folder
from desktop_app.ui.pages.indicators.trend_chart import TrendChart
from desktop_app.ui.pages.page import Page, PageContext
from desktop_app.ui.widgets.empty_state import EmptyState
from desktop_app.ui.widgets.message_line import message_line, show_message
from desktop_app.ui.widgets.page_header import PageHeader, search_box
from desktop_app.ui.widgets.record_table import RecordTable

HEADER_STATE_KEY = "indicators/header"
SPLITTER_STATE_KEY = "indicators/splitter"
ALL_THEMES = "All themes"
WORKBOOK_FILTER = "Excel workbook (*.xlsx)"
FOLDER_KEY = "indicators/folder"
PICTURE_FILTER = "PNG picture (*.png)"


def _status_words(indicator: IndicatorRow) -> str:
    if indicator.direction is Direction.MONITOR:
        return "Monitor only — the trend is watched, not judged"
    return f"{indicator.status_words} — should {indicator.direction.label.lower()}"


class IndicatorsPage(Page):
    key = "indicators"
    title = "Indicators"

    def __init__(self, context: PageContext, parent=None) -> None:
        super().__init__(context, parent)
        self.active_dialog: ReadingDialog | IndicatorSettingsDialog | None = None
        self._build()
        self._connect_signals()
        self.refresh()
        if not self.table.restore_state(context.settings, HEADER_STATE_KEY):
            self._fit_columns()
        settings = context.settings
        if settings is not None and settings.value(SPLITTER_STATE_KEY) is not None:
            self.splitter.restoreState(settings.value(SPLITTER_STATE_KEY))
        else:
            self.splitter.setSizes([290, 330])  # eight indicators above the chart on a laptop
        if self.table.proxy.rowCount():
            self.table.selectRow(0)

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        layout.setSpacing(10)

        header = PageHeader(self.title, self)
        self.count_label = header.subtitle
        self.panel_pack_button = header.add_button(
            "Make Panel pack…",
            tooltip="The quarterly pack for the Police and Crime Panel: indicators, trends and the "
            "year's victims' services figures, small numbers suppressed",
        )
        self.export_button = header.add_button(
            "Export indicator pack…", tooltip="Every indicator and reading as an Excel workbook"
        )
        layout.addLayout(header)

        tools = QHBoxLayout()
        plan_label = QLabel("Plan", self)
        self.plan_combo = QComboBox(self)
        self.plan_combo.setAccessibleName("Plan")
        self.plan_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        plan_label.setBuddy(self.plan_combo)
        plans = list_plans(self.workspace.db)
        in_force = plan_in_force(plans, dt.date.today())
        for plan in reversed(plans):  # newest first: the plan in force is usually the top one
            words = " (in force)" if plan == in_force else ""
            self.plan_combo.addItem(f"{plan.name}{words}", plan.key)
        if in_force is not None:
            self.plan_combo.setCurrentIndex(self.plan_combo.findData(in_force.key))
        tools.addWidget(plan_label)
        tools.addWidget(self.plan_combo)
        tools.addSpacing(12)
        self.search_edit = search_box(self, "indicators", "code, name, status or source")
        tools.addWidget(self.search_edit, 1)
        theme_label = QLabel("Theme", self)
        self.theme_combo = QComboBox(self)
        self.theme_combo.setAccessibleName("Theme")
        self.theme_combo.setMinimumWidth(260)
        self.theme_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        theme_label.setBuddy(self.theme_combo)
        self.theme_combo.addItem(ALL_THEMES, None)  # the plan's themes come with its indicators
        tools.addSpacing(12)
        tools.addWidget(theme_label)
        tools.addWidget(self.theme_combo)
        layout.addLayout(tools)

        self.stack = QStackedWidget(self)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setChildrenCollapsible(False)
        self.table = RecordTable(indicator_table_model(self), self.title, self.splitter)
        self.table.setMinimumHeight(150)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self._build_detail())
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 6)
        self.stack.addWidget(self.splitter)
        self.empty_state = EmptyState(
            "No indicators in this database",
            "The Police and Crime Plan's indicators come with every new database. This one has "
            "none: open another database, or create a new one from the File menu.",
            self,
        )
        self.stack.addWidget(self.empty_state)
        layout.addWidget(self.stack, 1)

        self.message_label = message_line(self)
        layout.addWidget(self.message_label)

    def _build_detail(self) -> QWidget:
        """The selected indicator: its name and actions, its trend, and the facts beside it."""
        detail = QFrame(self.splitter)
        detail.setObjectName("detailPanel")
        column = QVBoxLayout(detail)
        column.setContentsMargins(0, 8, 0, 0)
        column.setSpacing(6)

        heading = QHBoxLayout()
        heading.setSpacing(8)
        self.detail_title = QLabel(detail)
        self.detail_title.setObjectName("detailTitle")
        heading_font = self.detail_title.font()
        heading_font.setPointSizeF(heading_font.pointSizeF() + 2)
        heading_font.setBold(True)
        self.detail_title.setFont(heading_font)
        self.detail_title.setWordWrap(True)
        heading.addWidget(self.detail_title, 1)
        self.add_reading_button = QPushButton("Add reading…", detail)
        mark_editing(self.add_reading_button)
        self.add_reading_button.setObjectName("primaryButton")
        self.add_reading_button.setToolTip("Add a reading for the selected indicator (Enter or Ctrl+N)")
        self.settings_button = QPushButton("Edit baseline and target…", detail)
        self.save_chart_button = QPushButton("Save chart as PNG…", detail)
        needs(Right.EDIT_REFERENCE, self.settings_button, doing="change an indicator's baseline and target")
        for button in (self.add_reading_button, self.settings_button, self.save_chart_button):
            heading.addWidget(button)
        column.addLayout(heading)

        row = QHBoxLayout()
        row.setSpacing(16)
        self.chart = TrendChart(detail)
        self.chart.small_number_threshold = small_number_threshold(self.workspace.db)
        self.chart.setMinimumHeight(220)
        row.addWidget(self.chart, 1)
        facts = QFormLayout()
        facts.setHorizontalSpacing(10)
        facts.setVerticalSpacing(5)
        facts.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        facts.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.fact_labels: dict[str, QLabel] = {}
        for name in (
            "Status", "Latest", "Baseline", "Change", "12 months", "Target", "Priority", "Plan", "Source",
        ):
            caption = QLabel(name, detail)
            caption.setObjectName("pageSubtitle")
            value = QLabel(detail)
            value.setWordWrap(True)
            value.setAccessibleName(name)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            facts.addRow(caption, value)
            self.fact_labels[name] = value
        facts_holder = QWidget(detail)
        facts_column = QVBoxLayout(facts_holder)
        facts_column.setContentsMargins(0, 4, 0, 0)
        facts_column.addLayout(facts)
        facts_column.addStretch(1)
        facts_holder.setFixedWidth(350)
        row.addWidget(facts_holder)
        column.addLayout(row, 1)
        return detail

    def _connect_signals(self) -> None:
        self.plan_combo.currentIndexChanged.connect(self._on_plan_combo_current_index_changed)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.theme_combo.currentIndexChanged.connect(self._on_theme_combo_current_index_changed)
        self.table.record_activated.connect(self._on_table_record_activated)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_row_changed)
        self.add_reading_button.clicked.connect(self._on_add_reading_clicked)
        self.settings_button.clicked.connect(self._on_settings_clicked)
        self.save_chart_button.clicked.connect(self._on_save_chart_clicked)
        self.export_button.clicked.connect(self._on_export_clicked)
        self.panel_pack_button.clicked.connect(self._on_panel_pack_clicked)

    def _fit_columns(self) -> None:
        self.table.fit_columns(maximum=240)
        # Long titles are elided (the tooltip has them whole), so status and figures fit a laptop.
        self.table.horizontalHeader().resizeSection(TITLE, 300)

    # ------------------------------------------------------------------ data

    def refresh(self) -> None:
        current = self.current_indicator()
        rows = list_indicators(self.workspace.db, plan_key=self.plan_key())
        self.table.source_model.set_rows(rows)
        self._fill_themes(rows)
        if current is not None:
            self.table.select_where(lambda r: r.id == current.id)
        self._update_count()
        self.stack.setCurrentWidget(self.splitter if rows else self.empty_state)
        self._show_detail(self.current_indicator())

    def current_indicator(self) -> IndicatorRow | None:
        return self.table.current_record()

    def plan_key(self) -> str | None:
        """The plan shown (None when the database holds no plan)."""
        return self.plan_combo.currentData()

    def _fill_themes(self, rows: list[IndicatorRow]) -> None:
        # Each plan has its own cross-cutting themes; keep the choice when the new plan has it.
        chosen = self.theme_combo.currentData()
        found = {}
        for row in rows:
            for theme in row.themes:
                found.setdefault(theme.key, theme.name)
        wanted = [(None, ALL_THEMES), *sorted(found.items(), key=lambda item: item[1])]
        combo = self.theme_combo
        if wanted == [(combo.itemData(i), combo.itemText(i)) for i in range(combo.count())]:
            return
        self.theme_combo.blockSignals(True)
        self.theme_combo.clear()
        for key, name in wanted:
            self.theme_combo.addItem(name, key)
        self.theme_combo.setCurrentIndex(max(0, self.theme_combo.findData(chosen)) if chosen in found else 0)
        self.theme_combo.blockSignals(False)
        self._on_theme_combo_current_index_changed(self.theme_combo.currentIndex())

    def _update_count(self) -> None:
        shown = self.table.visible_records()
        total = self.table.source_model.rowCount()
        priorities = len({r.priority_number for r in shown if not r.priority_spotlight})
        spotlights = len({r.priority_number for r in shown if r.priority_spotlight})
        if len(shown) == total:
            text = f"{plural(total, 'indicator')} under {plural(priorities, 'priority', 'priorities')}"
            if spotlights:
                text += " and a spotlight" if spotlights == 1 else f" and {plural(spotlights, 'spotlight')}"
        else:
            text = f"{format_count(len(shown))} of {plural(total, 'indicator')} shown"
        self.count_label.setText(text)

    def _show_detail(self, indicator: IndicatorRow | None) -> None:
        for button in (self.add_reading_button, self.settings_button):
            button.setEnabled(indicator is not None)
        if indicator is not None and indicator.read_only:
            # The history of an ended plan stays as it was reported.
            self.add_reading_button.setEnabled(False)
            self.add_reading_button.setToolTip(f"The {indicator.plan.name} has ended: its readings are read-only")
        else:
            self.add_reading_button.setToolTip("Add a reading for the selected indicator (Enter or Ctrl+N)")
        if indicator is None:
            self.detail_title.setText("Select an indicator to see its trend")
            for label in self.fact_labels.values():
                label.clear()
            self.chart.set_series(None, [])
            self.save_chart_button.setEnabled(False)
            return
        self.detail_title.setText(f"{indicator.code}  {indicator.title}")
        facts = self.fact_labels
        facts["Priority"].setText(
            indicator.priority_title if indicator.priority_spotlight
            else f"{indicator.priority_number}. {indicator.priority_title}"
        )
        plan = indicator.plan.short_name
        if indicator.continues:
            plan += f", carries on {indicator.continues_short}"
        if indicator.read_only:
            plan += ", ended: read-only"
        facts["Plan"].setText(plan)
        facts["Plan"].setToolTip(indicator.plan.name)
        # The significance test loads scipy: only once the page is on screen, not at start-up.
        facts["12 months"].setText(rolling_text(indicator) if self.isVisible() else "")
        facts["Status"].setText(_status_words(indicator))
        facts["Latest"].setText(latest_text(indicator))
        facts["Baseline"].setText(f"{baseline_text(indicator)}, tolerance {indicator.tolerance_pct:g}%")
        facts["Baseline"].setToolTip(f"Tolerance: {indicator.tolerance_pct:g}% of the baseline either side")
        facts["Change"].setText(change_text(indicator))
        target = indicator.formatted(indicator.target_value) or "None set"
        note = indicator.target_note or ""
        facts["Target"].setText(f"{target} ({note})" if note and len(note) <= 30 else target)
        facts["Target"].setToolTip(note)
        facts["Source"].setText(f"{indicator.source}, {indicator.frequency.label.lower()}")
        # Selecting, filtering and showing the page each ask for the same row: its readings are
        # read and drawn once (a refresh reads new rows, so a changed indicator is drawn again).
        if self.chart.indicator is not indicator:
            self.chart.set_series(indicator, readings(self.workspace.db, indicator.id))
        self.save_chart_button.setEnabled(self.chart.has_chart())

    def show_message(self, text: str, *, problem: bool = False) -> None:
        """A line under the page: what was written where, or (in red) what went wrong."""
        show_message(self.message_label, text, problem=problem)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self._show_detail(self.current_indicator())

    # ------------------------------------------------------------------ Page

    def new_record(self) -> bool:
        return self._open_reading_dialog(self.current_indicator()) is not None

    def focus_search(self) -> bool:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()
        return True

    def on_data_changed(self, changed: Changed) -> None:
        if changed.touches(INDICATORS):
            self.refresh()

    def save_state(self) -> None:
        self.table.save_state(self.context.settings, HEADER_STATE_KEY)
        if self.context.settings is not None:
            self.context.settings.setValue(SPLITTER_STATE_KEY, self.splitter.saveState())

    # ------------------------------------------------------------------ dialogs

    def _open_reading_dialog(self, indicator: IndicatorRow | None) -> ReadingDialog | None:
        if indicator is None:
            self.show_message("Select an indicator first, then add its reading.", problem=True)
            return None
        if indicator.read_only:
            self.show_message(
                f"{indicator.code} belongs to the {indicator.plan.name}, which has ended: its readings are "
                "read-only. Choose the plan in force to add a reading.",
                problem=True,
            )
            return None
        return self.open_dialog(ReadingDialog(self.workspace, indicator, self))

    def open_settings_dialog(self) -> IndicatorSettingsDialog | None:
        indicator = self.current_indicator()
        if indicator is None:
            return None
        return self.open_dialog(IndicatorSettingsDialog(self.workspace, indicator, self))

    # ------------------------------------------------------------------ files

    def ask_save_path(self, caption: str, suggested: str, file_filter: str) -> str:
        """Where to save (empty if the officer cancelled); a method so tests can answer it."""
        folder = start_folder(self.context.settings, FOLDER_KEY)
        path, _ = QFileDialog.getSaveFileName(self, caption, str(folder / suggested), file_filter)
        if path:
            remember_folder(self.context.settings, FOLDER_KEY, Path(path).parent)
        return path

    def save_chart(self, path: str | Path) -> Path | None:
        try:
            written = self.chart.save_png(path)
        except (OSError, ValueError) as error:
            self.show_message(f"The chart was not saved: {error}", problem=True)
            return None
        self.show_message(f"Chart saved to {written}")
        return written

    def export_pack(self, path: str | Path) -> Path | None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            written = export_indicator_pack(self.workspace.db, Path(path), self.plan_key())
        except (ServiceError, OSError, ValueError) as error:
            self.show_message(f"The indicator pack was not written: {error}", problem=True)
            return None
        finally:
            QApplication.restoreOverrideCursor()
        self.show_message(f"Indicator pack written to {written}")
        return written

    def pack_year(self) -> FinancialYear:
        """The year the Panel pack covers: the one holding the plan's latest reading."""
        starts = [row.latest_period_start for row in self.table.source_model.rows() if row.latest_period_start]
        return FinancialYear.containing(max(starts) if starts else dt.date.today())

    def make_panel_pack(self, path: str | Path) -> Path | None:
        year = self.pack_year()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            written = export_panel_pack(self.workspace.db, Path(path), year, self.plan_key())
        except (ServiceError, OSError, ValueError) as error:
            self.show_message(f"The Panel pack was not written: {error}", problem=True)
            return None
        finally:
            QApplication.restoreOverrideCursor()
        self.show_message(f"Panel pack for {year.label} written to {written}")
        return written

    # ------------------------------------------------------------------ slots

    def _on_plan_combo_current_index_changed(self, _index: int) -> None:
        self.refresh()
        if self.current_indicator() is None and self.table.proxy.rowCount():
            self.table.selectRow(0)

    def _on_search_edit_text_changed(self, text: str) -> None:
        self.table.proxy.set_search_text(text)
        self._after_filter()

    def _on_theme_combo_current_index_changed(self, _index: int) -> None:
        key = self.theme_combo.currentData()
        self.table.proxy.set_row_filter(None if key is None else (lambda r: key in r.theme_keys))
        self._after_filter()

    def _after_filter(self) -> None:
        self._update_count()
        if self.current_indicator() is None and self.table.proxy.rowCount():
            self.table.selectRow(0)
        self._show_detail(self.current_indicator())

    def _on_table_current_row_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_detail(self.current_indicator())

    def _on_table_record_activated(self, indicator: IndicatorRow) -> None:
        self._open_reading_dialog(indicator)

    def _on_add_reading_clicked(self) -> None:
        self._open_reading_dialog(self.current_indicator())

    def _on_settings_clicked(self) -> None:
        self.open_settings_dialog()

    def _on_save_chart_clicked(self) -> None:
        indicator = self.current_indicator()
        if indicator is None:
            return
        path = self.ask_save_path("Save chart as PNG", f"indicator-{indicator.code}-trend.png", PICTURE_FILTER)
        if path:
            self.save_chart(path)

    def _on_panel_pack_clicked(self) -> None:
        year = self.pack_year()
        suggested = f"panel-pack-{year.label.replace('/', '-')}.xlsx"
        path = self.ask_save_path(f"Make Panel pack for {year.label}", suggested, WORKBOOK_FILTER)
        if path:
            self.make_panel_pack(path)

    def _on_export_clicked(self) -> None:
        path = self.ask_save_path("Export indicator pack", "indicator-pack.xlsx", WORKBOOK_FILTER)
        if path:
            self.export_pack(path)
