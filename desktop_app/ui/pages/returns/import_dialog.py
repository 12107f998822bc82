"""The import preview: what importing the chosen workbooks would do, before anything is written.

Per file, ready or refused with its one-line reason (a file can be taken out of the batch, or
read again once fixed); per strand, what happens to its return, its new and changed figures
(old → new), errors and warnings; the received date; and "Import", which stays off, saying why,
while any file is refused: a batch is committed whole or not at all.

The dialog only shows and asks: reading and committing are the caller's (`templates_actions`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.numbers import format_count
from desktop_app.core.periods import Quarter
from desktop_app.core.return_workflow import status_words
from desktop_app.core.wording import plural
from desktop_app.services.templates import (
    WARNINGS_POLICY,
    ClaimImport,
    ImportFile,
    ImportPreview,
    StrandImport,
)
from desktop_app.ui.read_only import mark_editing
from desktop_app.ui.table_model import Column, RecordTableModel
from desktop_app.ui.widgets.date_edit import DateEdit
from desktop_app.ui.widgets.record_table import RecordTable

REFUSED_COLOUR, WARNING_COLOUR, QUIET_COLOUR = "#b00020", "#8a5a00", "#5b6b7a"
# Actions that leave the return as it is (shown grey, so the rows that change stand out).
_STILL = {"unchanged", "locked", "empty"}


@dataclass(frozen=True)
class StrandRow:
    """One strand's sheet as a row of the preview, with the file it came from."""

    file: ImportFile
    strand: StrandImport

    @property
    def claim(self) -> ClaimImport | None:
        """The strand's claim from the file's Spend sheet, if the file has one."""
        return next((c for c in self.file.claims if c.strand_id == self.strand.strand_id), None)


def _label(parent: QWidget, name: str, object_name: str = "pageSubtitle", *, bold: bool = False) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(object_name)
    label.setAccessibleName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if bold:
        font = label.font()
        font.setPointSizeF(font.pointSizeF() + 1.5)
        font.setBold(True)
        label.setFont(font)
        label.setText(name)
    return label


def _show(label: QLabel, text: str, *, problem: bool = False) -> None:
    """Amber for a notice, red for a problem (the words carry the meaning too)."""
    label.setObjectName("formProblem" if problem else "formNotice")
    label.style().unpolish(label)  # the style sheet picks its rule by object name
    label.style().polish(label)
    label.setText(text)
    label.setVisible(bool(text))


def _figure(value: int | None) -> str:
    return "blank" if value is None else format_count(value)


def figures_text(strand: StrandImport) -> str:
    """The figures the import brings, compactly: `Victims supported 118 → 120; IDVA 4`."""
    changed = [f"{c.label} {_figure(c.old)} → {c.new_shown}" for c in strand.changed_values]
    new = [f"{c.label} {_figure(c.new)}" for c in strand.new_values]
    return "; ".join(changed + new)


def _without_file_name(line: str, item: ImportFile) -> str:
    # Each refusal line starts with the file's name, which the row already shows.
    for lead in (f"{item.name}: ", f"{item.name}, "):
        if line.startswith(lead):
            return line[len(lead):]
    return line


def file_reason(item: ImportFile) -> str:
    if item.refused:
        return _without_file_name(item.refusal_line(), item)
    writes = sum(s.writes for s in item.strands)
    return f"{plural(writes, 'return')} to save" if writes else "nothing to change"


def _where_in_file(line: str, item: ImportFile, strand: StrandImport) -> str:
    """A problem line without the file and sheet, which the row or the details already name."""
    line = _without_file_name(line, item)
    lead = f"sheet {strand.sheet}, "
    return line.removeprefix(lead)


def problems_text(row: StrandRow) -> str:
    """`1 error, 2 warnings`: the column is narrow; the tooltip and the details say what."""
    parts = []
    if row.strand.errors:
        parts.append(plural(len(row.strand.errors), "error"))
    if row.strand.warnings:
        parts.append(plural(len(row.strand.warnings), "warning"))
    return ", ".join(parts)


def _problems_tooltip(row: StrandRow) -> str:
    lines = [f"Error: {line}" for line in row.strand.errors] + [f"Warning: {line}" for line in row.strand.warnings]
    return "\n".join(_where_in_file(line, row.file, row.strand) for line in lines)


def _strand_colour(row: StrandRow) -> str | None:
    if row.strand.errors:
        return REFUSED_COLOUR
    if row.strand.warnings:
        return WARNING_COLOUR
    return QUIET_COLOUR if row.strand.action in _STILL else None


FILE_COLUMNS: list[Column[ImportFile]] = [
    Column("File", lambda f: f.name, tooltip=lambda f: str(f.path)),
    Column("Provider", lambda f: f.provider_name),
    Column("State", lambda f: "Refused" if f.refused else "Ready",
           foreground=lambda f: REFUSED_COLOUR if f.refused else None),
    Column("Reason", file_reason, tooltip=lambda f: "\n".join(f.refusals) or file_reason(f),
           foreground=lambda f: REFUSED_COLOUR if f.refused else None),
]

# What changes first, so the columns an officer checks stay in view; the provider is in the details.
STRAND_COLUMNS: list[Column[StrandRow]] = [
    Column("Strand", lambda r: f"{r.strand.reference} {r.strand.name}",
           tooltip=lambda r: f"{r.strand.reference} {r.strand.name} ({r.file.provider_name})"),
    Column("Return now", lambda r: status_words(r.strand.status_before)),
    Column("The import", lambda r: r.strand.summary(), foreground=_strand_colour),
    Column("Figures (held → in the file)", lambda r: figures_text(r.strand), tooltip=lambda r: figures_text(r.strand)),
    # Beside the return: what the Spend sheet does to the strand's claim for the quarter.
    Column("Claim", lambda r: r.claim.summary() if r.claim else "",
           foreground=lambda r: REFUSED_COLOUR if r.claim and r.claim.errors else None),
    Column("Problems", problems_text, tooltip=_problems_tooltip, foreground=_strand_colour),
]


def strand_details(row: StrandRow) -> str:
    """Everything about one strand's sheet, as the details pane shows it."""
    strand = row.strand
    lines = [
        f"{strand.reference} {strand.name}",
        f"{row.file.provider_name}: {row.file.name}, sheet {strand.sheet}",
        f"Return now: {status_words(strand.status_before)}. The import: {strand.summary()}.",
    ]

    def block(title: str, items) -> None:
        if items:
            lines.extend(["", title, *(f"  {item}" for item in items)])

    if strand.action == "locked":
        lines += ["", "This return was sent to the MoJ, so an import never changes it; reopen it first if it must change."]
        block("The file differs from what was sent:", [c.describe() for c in strand.changed_values])
    else:
        block("Changed figures (held → in the file):", [c.describe() for c in strand.changed_values])
        block("New figures:", [c.describe() for c in strand.new_values])
    block("Errors (these stop the import):", [_where_in_file(line, row.file, strand) for line in strand.errors])
    block("Warnings (saved anyway; explain each in a note before verifying):",
          [_where_in_file(line, row.file, strand) for line in strand.warnings])
    claim = row.claim
    if claim is not None:
        lines += ["", f"Claim for {claim.quarter.label} (Spend sheet): {claim.summary()}."]
        block("Amounts (held → in the file):", [c.describe() for c in claim.changes])
        block("Claim errors (these stop the import):", [_without_file_name(line, row.file) for line in claim.errors])
    return "\n".join(lines)


def blocked_reason(preview: ImportPreview) -> str | None:
    """Why "Import" is off, in words (None when it is on)."""
    if not preview.files:
        return "Nothing to import: every file was taken out of the batch."
    refused = preview.refused_files
    if refused:
        errors = sum(len(s.errors) for f in refused for s in f.strands)
        also = f", {plural(errors, 'error')} in the figures" if errors else ""
        it = "it" if len(refused) == 1 else "them"
        return (
            f"Import is off: {len(refused)} of {plural(len(preview.files), 'file')} refused{also}. "
            f"Nothing is imported until every file is ready: remove {it} from the batch, "
            f"or fix {it} and read the files again."
        )
    if not preview.to_write and not preview.claims_to_write:
        return "Nothing to import: every return in these files is unchanged or locked."
    return None


class ImportDialog(QDialog):
    """Shows an `ImportPreview`; asks for a file's removal, a fresh read, or the import."""

    remove_requested = Signal(object)  # the paths left in the batch
    reread_requested = Signal(object)  # the paths of the batch, to be read again
    import_requested = Signal(object)  # the received date

    def __init__(self, preview: ImportPreview, quarter: Quarter, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.quarter = quarter
        self.preview = preview
        self._busy = False
        self._problem = ""  # the import's own refusal, kept until the files are read again
        self.setWindowTitle(f"Import returns for {quarter.label}")
        self._build(today)
        self._connect_signals()
        self.set_preview(preview)

    # ------------------------------------------------------------------ building

    def _build(self, today: dt.date) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(8)
        heading = QLabel(f"Import preview — {self.quarter.label}", self)
        heading.setObjectName("dialogHeading")
        layout.addWidget(heading)
        self.summary_label = _label(self, "Summary")
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)

        files_row = QHBoxLayout()
        files_row.addWidget(_label(self, "Files", bold=True))
        files_row.addStretch(1)
        self.reread_button = QPushButton("Read the files again", self)
        self.reread_button.setToolTip("Read every file of the batch again, e.g. after fixing one in Excel")
        self.remove_button = QPushButton("Remove from batch", self)
        self.remove_button.setToolTip("Take the selected file out of this import; the rest are checked again")
        for button in (self.reread_button, self.remove_button):
            button.setAutoDefault(False)
            files_row.addWidget(button)
        layout.addLayout(files_row)
        self.files_model = RecordTableModel(FILE_COLUMNS, self)
        self.files_table = RecordTable(self.files_model, "Files", self)
        self.files_table.setSortingEnabled(False)
        self._unsorted(self.files_table)  # the order the files were chosen in
        layout.addWidget(self.files_table)

        layout.addWidget(_label(self, "Returns", bold=True))
        self.strands_model = RecordTableModel(STRAND_COLUMNS, self)
        self.strands_table = RecordTable(self.strands_model, "Returns in the files", self)
        self._unsorted(self.strands_table)
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setAccessibleName("Details of the selected return")
        self.details.setPlaceholderText("Select a return to see each figure, error and warning.")
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.strands_table)
        splitter.addWidget(self.details)
        self.details.setMinimumWidth(260)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([960, 300])
        layout.addWidget(splitter, 1)

        self.policy_label = _label(self, "Warnings policy")
        self.policy_label.setText(WARNINGS_POLICY)
        self.policy_label.setWordWrap(True)
        layout.addWidget(self.policy_label)
        self.reason_label = _label(self, "Import", "formNotice")
        layout.addWidget(self.reason_label)

        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        received_caption = QLabel("Received on", self)
        self.received_edit = DateEdit(self)
        self.received_edit.setAccessibleName("Received on")
        self.received_edit.setToolTip("The date the provider sent these returns; saved on each return imported")
        self.received_edit.set_date_value(today)
        self.received_edit.setMaximumDate(QDate(today.year, today.month, today.day))  # not yet received
        received_caption.setBuddy(self.received_edit)
        buttons.addWidget(received_caption)
        buttons.addWidget(self.received_edit)
        buttons.addStretch(1)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setAutoDefault(False)
        self.import_button = QPushButton("Import", self)
        mark_editing(self.import_button)
        self.import_button.setObjectName("primaryButton")
        self.import_button.setAutoDefault(False)  # Enter in the date must not import
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.import_button)
        layout.addLayout(buttons)
        self._fit_to_screen()

    @staticmethod
    def _unsorted(table: RecordTable) -> None:
        # The service's order (file by file, strand by strand) until the officer sorts a column.
        table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        table.proxy.sort(-1)

    def _fit_to_screen(self) -> None:
        # Wide enough for the figures column; never taller than a 768-pixel laptop screen allows.
        screen = self.screen().availableGeometry() if self.screen() else None
        width, height = 1300, 720
        if screen is not None:
            width, height = min(width, int(screen.width() * 0.95)), min(height, int(screen.height() * 0.92))
        self.resize(width, height)

    def _connect_signals(self) -> None:
        self.cancel_button.clicked.connect(self.reject)
        self.import_button.clicked.connect(self._on_import_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.reread_button.clicked.connect(self._on_reread_button_clicked)
        self.files_table.selectionModel().currentChanged.connect(self._on_files_table_current_changed)
        self.strands_table.selectionModel().currentChanged.connect(self._on_strands_table_current_changed)

    # ------------------------------------------------------------------ showing

    def set_preview(self, preview: ImportPreview) -> None:
        """Show a (fresh) preview; selects the first refused file and the first return with a problem."""
        self.preview = preview
        self._busy = False
        self._problem = ""
        self.summary_label.setText(preview.summary() if preview.files else "No files left in the batch.")
        self.files_model.set_rows(preview.files)
        self.files_table.fit_columns(maximum=280, stretch=3)
        self.files_table.setFixedHeight(self._files_height(len(preview.files)))
        rows = [StrandRow(item, strand) for item in preview.files for strand in item.strands]
        self.strands_model.set_rows(rows)
        self.strands_table.fit_columns(maximum=250, stretch=4)
        header = self.strands_table.horizontalHeader()
        header.resizeSection(0, min(header.sectionSize(0), 210))  # the full name is in the tooltip
        self.details.clear()
        if not self.files_table.select_where(lambda f: f.refused):
            self.files_table.select_where(lambda f: True)
        if not self.strands_table.select_where(lambda r: bool(r.strand.errors or r.strand.warnings)):
            self.strands_table.select_where(lambda r: r.strand.writes)
        self._update_buttons()

    def _files_height(self, rows: int) -> int:
        # Up to four rows in view (a long batch scrolls), so the returns keep most of the room.
        header = self.files_table.horizontalHeader().sizeHint().height()
        shown = max(1, min(rows, 4))
        return header + shown * self.files_table.verticalHeader().defaultSectionSize() + 2 * self.files_table.frameWidth() + 2

    def set_busy(self, text: str) -> None:
        """While the files are read again or the import runs: nothing can be pressed twice."""
        self._busy = True
        _show(self.reason_label, text)
        self._update_buttons()

    def show_problem(self, text: str) -> None:
        """A refusal from the import itself (e.g. a return changed since the preview)."""
        self._busy = False
        self._problem = text
        self._update_buttons()

    def _update_buttons(self) -> None:
        reason = blocked_reason(self.preview)
        ready = reason is None and not self._busy
        self.import_button.setEnabled(ready)
        self.import_button.setToolTip(reason or "Save every return listed, in one go")
        self.remove_button.setEnabled(not self._busy and self.files_table.current_record() is not None)
        self.reread_button.setEnabled(not self._busy and bool(self.preview.files))
        self.received_edit.setEnabled(not self._busy)
        if self._busy:
            return
        if self._problem:
            _show(self.reason_label, self._problem, problem=True)
        elif reason is not None:
            _show(self.reason_label, reason, problem=bool(self.preview.refused_files))
        else:
            count = len(self.preview.to_write)
            claims = len(self.preview.claims_to_write)
            also = f", with {plural(claims, 'claim')}" if claims else ""
            _show(
                self.reason_label,
                f"Ready: {plural(count, 'return')}{also} will be saved as submitted, received on the date below.",
            )

    # ------------------------------------------------------------------ reading back

    def paths(self) -> list[Path]:
        return [item.path for item in self.preview.files]

    def received_date(self) -> dt.date:
        return self.received_edit.date_value()

    def strand_rows(self) -> list[StrandRow]:
        return self.strands_table.visible_records()

    def file_states(self) -> dict[str, str]:
        """{file name: "Ready" or the refusal line}: what an officer reads in the files table."""
        return {f.name: f.refusal_line() if f.refused else "Ready" for f in self.preview.files}

    # ------------------------------------------------------------------ slots

    def _on_import_button_clicked(self) -> None:
        if blocked_reason(self.preview) is None and not self._busy:
            self.import_requested.emit(self.received_date())

    def _on_remove_button_clicked(self) -> None:
        chosen = self.files_table.current_record()
        if chosen is not None and not self._busy:
            self.remove_requested.emit([p for p in self.paths() if p != chosen.path])

    def _on_reread_button_clicked(self) -> None:
        if not self._busy:
            self.reread_requested.emit(self.paths())

    def _on_files_table_current_changed(self, *_args) -> None:
        self._update_buttons()

    def _on_strands_table_current_changed(self, *_args) -> None:
        row = self.strands_table.current_record()
        self.details.setPlainText(strand_details(row) if row is not None else "")
