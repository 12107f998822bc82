"""A short text the officer must give: why a locked return is reopened, or a note on a warning.

The dialog runs the action it is given with the text; a refusal (a blank reason, say) is
shown in the dialog, which stays open, so the service's own message is what the officer reads.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QPlainTextEdit, QWidget

from desktop_app.core.return_checks import RETURN_NOTE
from desktop_app.services.changes import Changed
from desktop_app.services.errors import ServiceError
from desktop_app.ui.widgets.record_dialog import RecordDialog


class TextDialog(RecordDialog):
    """`action(text)` runs on "Save" (or the button text given); its `Changed`, if it returns
    one, is kept in `changed` for the page to publish."""

    def __init__(
        self,
        heading: str,
        explanation: str,
        label: str,
        action: Callable[[str], Changed | None],
        *,
        text: str = "",
        button: str = "Save",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(heading, parent)
        self.setMinimumWidth(520)
        self.action = action
        self.changed: Changed | None = None
        self.intro = intro = QLabel(explanation, self)
        intro.setObjectName("pageSubtitle")
        intro.setWordWrap(True)
        self.outer.insertWidget(1, intro)
        self.text_edit = self.rows.add("text", label, QPlainTextEdit(self))
        self.text_edit.setPlainText(text)
        self.text_edit.setFixedHeight(84)
        self.text_edit.setTabChangesFocus(True)
        self.save_button.setText(button)
        self.save_button.setToolTip(f"{button} (Ctrl+S)")
        self.text_edit.setFocus()
        self.resize(self.sizeHint())

    def text(self) -> str:
        return self.text_edit.toPlainText()

    def save(self) -> None:
        try:
            self.changed = self.action(self.text())
        except (ServiceError, ValueError) as refused:
            self.show_problem(str(refused))
            self.text_edit.setFocus()
            return
        self.accept()


def note_dialog(model, strand_id: int, problems, measure=None, parent: QWidget | None = None) -> TextDialog:
    """The note for a grid cell's warning (`problems`: its warnings, which say where the note
    belongs), or on `measure`'s figure when it has none; kept in the grid until it is saved."""
    note_key = problems[0].note_key if problems else (measure.key if measure else RETURN_NOTE)
    about = "the return's notes" if note_key == RETURN_NOTE else model.grid.checker.label(note_key)
    reference = next(r.reference for r in model.rows() if r.strand_id == strand_id)
    return TextDialog(
        f"Note — {reference} · {about}",
        "\n".join(p.message for p in problems) or "A note kept with this figure.",
        "Note",
        lambda text: model.set_note(strand_id, note_key, text),
        text=model.note(strand_id, note_key),
        button="Keep note",
        parent=parent,
    )
