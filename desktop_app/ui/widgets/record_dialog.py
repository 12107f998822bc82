"""The frame of every record form: heading, form rows, a problem line, and the buttons.

Ctrl+S saves, Esc cancels, and the form stays open with its errors shown if saving is refused.
Every form speaks one protocol: `set_value(dto)` fills it, `value()` reads it back as the draft
the service takes (raising `ValidationFailed` for text that cannot be one), `show_errors(errors)`
puts each error beside its field; `save()` hands the service call to `save_with`.
Esc, Cancel or closing the window with typed changes asks first (save, discard, or keep
editing), as leaving the returns grid does: nothing typed is thrown away without a word.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.field_errors import FieldError
from desktop_app.services.changes import Changed
from desktop_app.services.errors import REFUSALS, ServiceError, StaleRecordError
from desktop_app.services.validation import ValidationFailed
from desktop_app.ui.read_only import mark_editing
from desktop_app.ui.widgets.form import FormRows
from desktop_app.ui.widgets.message_line import show_message


class RecordDialog(QDialog):
    def __init__(self, heading: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(heading)
        self.setMinimumWidth(560)
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(24, 20, 24, 18)
        self.outer.setSpacing(12)
        self.heading = QLabel(heading, self)
        self.heading.setObjectName("dialogHeading")
        self.outer.addWidget(self.heading)
        # The form scrolls inside the dialog, so a long form (or one showing several errors)
        # still fits a 768-pixel laptop screen with its buttons in view.
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        form_holder = QWidget(self.scroll)
        self.rows = FormRows(form_holder)
        form_holder.setLayout(self.rows.layout)
        self.rows.layout.setContentsMargins(0, 0, 8, 0)
        self.scroll.setWidget(form_holder)
        self.outer.addWidget(self.scroll, 1)

        self.problem = QLabel(self)
        self.problem.setObjectName("formProblem")
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Problem")
        self.problem.setVisible(False)
        self.outer.addWidget(self.problem)

        self.buttons = QHBoxLayout()
        self.buttons.setSpacing(8)
        self.left_buttons = QHBoxLayout()
        self.buttons.addLayout(self.left_buttons)
        self.buttons.addStretch(1)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.clicked.connect(self.reject)
        self.save_button = QPushButton("Save", self)
        self.save_button.setObjectName("primaryButton")
        self.save_button.setToolTip("Save (Ctrl+S)")
        self.save_button.clicked.connect(self._on_save_requested)
        mark_editing(self.save_button)
        self.buttons.addWidget(self.cancel_button)
        self.buttons.addWidget(self.save_button)
        # Enter in a one-line input saves; no other button may quietly become the default.
        self.cancel_button.setAutoDefault(False)
        self.save_button.setDefault(True)
        self.outer.addLayout(self.buttons)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self._on_save_requested)
        # Shown only after a save was refused because someone else saved the record meanwhile.
        self.reload_button = self.add_left_button("Reload", self._on_reload_button_clicked)
        self.reload_button.setToolTip("Show the record as saved now, by the other officer (replaces what you typed)")
        self.reload_button.setVisible(False)
        self.discard_box: QMessageBox | None = None
        self._loaded_state: list | None = None
        # What the save changed, for the page to publish once the dialog is accepted.
        self.changed: Changed | None = None

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._loaded_state is None:
            self.mark_unchanged()  # what the form opened with is what "changed" is measured from

    def _inputs_state(self) -> list:
        """What every input of the form holds now (to tell whether anything was typed)."""
        holder = self.scroll.widget()
        state: list = []
        for widget in holder.findChildren(QWidget):
            if widget.property("ownFormState"):
                continue  # a part built later, which its dialog adds to the state itself
            if isinstance(widget, QLineEdit):
                state.append(widget.text())
            elif isinstance(widget, QPlainTextEdit):
                state.append(widget.toPlainText())
            elif isinstance(widget, QComboBox):
                state.append(widget.currentIndex())
            elif isinstance(widget, QAbstractSpinBox):
                state.append(widget.text())
            elif isinstance(widget, QAbstractButton) and widget.isCheckable():
                state.append(widget.isChecked())
        return state

    def mark_unchanged(self) -> None:
        """Take what the inputs hold now as the loaded record (after a load or a reload)."""
        self._loaded_state = self._inputs_state()

    def has_typed_changes(self) -> bool:
        return self._loaded_state is not None and self._inputs_state() != self._loaded_state

    def reject(self) -> None:
        """Esc, Cancel and closing the window: ask first when something was typed."""
        if not self.has_typed_changes() or not self.save_button.isEnabled():
            super().reject()
            return
        if self.discard_box is not None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question, "Unsaved changes", "This form has changes that are not saved yet.",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setInformativeText("Save them, discard them, or go back to the form (Cancel)?")
        box.button(QMessageBox.StandardButton.Cancel).setText("Keep editing")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda _r: self._on_discard_box_finished(box))
        self.discard_box = box
        box.open()

    def discard(self) -> None:
        """Close without saving and without asking (what the officer chose in the question)."""
        super().reject()

    def _on_discard_box_finished(self, box: QMessageBox) -> None:
        self.discard_box = None
        answer = box.standardButton(box.clickedButton()) if box.clickedButton() else QMessageBox.StandardButton.Cancel
        if answer == QMessageBox.StandardButton.Save:
            self._on_save_requested()  # accepts on success; stays open with the problem if refused
        elif answer == QMessageBox.StandardButton.Discard:
            self.discard()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        # As tall as the whole form where the screen allows; the scroll area takes the rest.
        form = self.scroll.widget().sizeHint()
        chrome = super().sizeHint().height() - self.scroll.sizeHint().height()
        screen = self.screen().availableGeometry().height() if self.screen() else 800
        height = min(form.height() + chrome + 8, int(screen * 0.9))
        return QSize(max(super().sizeHint().width(), form.width() + 60), height)

    def add_intro(self, text: str) -> QLabel:
        """A line under the heading saying what the form is about (rich text allowed)."""
        intro = QLabel(text, self)
        intro.setObjectName("pageSubtitle")
        intro.setWordWrap(True)
        self.outer.insertWidget(1, intro)
        return intro

    def add_left_button(self, text: str, slot) -> QPushButton:
        button = QPushButton(text, self)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        self.left_buttons.addWidget(button)
        return button

    def show_problem(self, text: str, *, notice: bool = False) -> None:
        """A message under the form: a refusal (red), or with `notice` a caution (amber)."""
        show_message(self.problem, text, problem=not notice)

    def show_errors(self, errors: Iterable[FieldError]) -> None:
        unplaced = self.rows.show_errors(errors)
        self.show_problem("\n".join(e.message for e in unplaced))

    def save(self) -> None:
        """Subclasses save through `save_with`, which accepts the dialog on success."""
        raise NotImplementedError

    def save_with(self, action: Callable[[], Changed]) -> bool:
        """Run `action` (read the form, call the service, return what changed) and close; a
        refusal keeps the form open with what was typed: field errors beside their fields, a
        save refused as stale with Reload offered, anything else under the form."""
        try:
            changed = action()
        except ValidationFailed as refused:
            self.show_errors(refused.errors)
            return False
        except StaleRecordError as stale:
            self.offer_reload(str(stale))
            return False
        except REFUSALS as refused:
            self.show_refusal(refused)
            return False
        self.changed = changed
        self.accept()
        return True

    def show_refusal(self, refused: BaseException) -> None:
        """A refused save that names no field, under the form (a dialog may add what to do)."""
        self.show_problem(str(refused))

    def offer_reload(self, message: str) -> None:
        """A stale save was refused: say who changed the record and when, keep every typed value
        where it is, and offer Reload."""
        self.show_problem(message)
        self.reload_button.setVisible(True)

    def reload(self) -> None:
        """Subclasses load the record as stored now into the form (forms that can be refused as stale)."""
        raise NotImplementedError

    def _on_reload_button_clicked(self) -> None:
        try:
            self.reload()
        except ServiceError as gone:  # deleted meanwhile, say
            self.show_problem(str(gone))
            return
        self.reload_button.setVisible(False)
        self.show_problem("Reloaded: this is what is saved now. Make your changes again and save.", notice=True)

    def _on_save_requested(self) -> None:
        try:
            self.save()
        except REFUSALS as refused:
            # A full disk, a read-only file...: said under the form, which keeps what was typed.
            self.show_problem(str(refused))
