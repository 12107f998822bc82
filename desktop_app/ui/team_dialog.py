"""The Team menu (team mode only): the administrator's list of people, and anyone's own password.

Adding, changing and removing people is the server's work (services/team.py): a refusal (the
last administrator, a name that exists) is shown as the server's sentence, and nothing changed.
The administrator never types or sees anyone's password; each person sets their own here.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.access import ROLES, Right
from desktop_app.core.wording import plural
from desktop_app.services import team
from desktop_app.services.errors import REFUSALS


def build_team_menu(window) -> None:
    """Add the Team menu to `window` (a MainWindow) when it works on a team's server."""
    person = window.workspace.person
    if not person.on_server:
        window.team_menu = None
        return
    menu = window.menuBar().addMenu("&Team")
    menu.setToolTipsVisible(True)
    window.team_menu = menu
    people = menu.addAction("&People…")
    people.setEnabled(person.may(Right.PEOPLE))
    people.setToolTip(person.refusal(Right.PEOPLE) or "Who may connect to this database, and in which role")
    people.triggered.connect(lambda: PeopleDialog(window.workspace.db, window).exec())
    window.people_action = people
    password = menu.addAction("Change my &password…")
    password.triggered.connect(lambda: PasswordDialog(window.workspace.db, window).exec())


class PeopleDialog(QDialog):
    def __init__(self, db, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("People")
        self.resize(520, 420)
        layout = QVBoxLayout(self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, 2, self)
        self.table.setHorizontalHeaderLabels(["Login", "Role"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAccessibleName("People")
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton("Add person…", self)
        self.role_button = QPushButton("Change role…", self)
        self.remove_button = QPushButton("Remove…", self)
        for button in (self.add_button, self.role_button, self.remove_button):
            row.addWidget(button)
        row.addStretch(1)
        close = QPushButton("Close", self)
        close.clicked.connect(self.accept)
        row.addWidget(close)
        layout.addLayout(row)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setObjectName("problemLabel")
        layout.addWidget(self.message)
        self.add_button.clicked.connect(self._on_add_clicked)
        self.role_button.clicked.connect(self._on_role_clicked)
        self.remove_button.clicked.connect(self._on_remove_clicked)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.reload()

    def reload(self) -> None:
        try:
            people = team.list_people(self.db)
        except REFUSALS as error:
            self.message.setText(str(error))
            people = []
        self.table.setRowCount(len(people))
        for index, person in enumerate(people):
            self.table.setItem(index, 0, QTableWidgetItem(person.name))
            self.table.setItem(index, 1, QTableWidgetItem(person.role.value))
        self.summary.setText(
            f"{plural(len(people), 'person', 'people')} may connect to this database. Each sets their "
            "own password (Team › Change my password…); you never see it."
        )
        self._update_buttons()

    def _selected(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.table.item(rows[0].row(), 0).text() if rows else None

    def _update_buttons(self) -> None:
        chosen = self._selected() is not None
        self.role_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)

    def _run(self, action, done: str) -> None:
        try:
            action()
        except REFUSALS as error:
            self.message.setText(str(error))
            return
        self.message.setText(done)
        self.reload()

    def _ask_role(self, title: str, current: str | None = None) -> str | None:
        names = [role.value for role in ROLES]
        role, ok = QInputDialog.getItem(self, title, "Role:", names, names.index(current) if current in names else 1, False)
        return role if ok else None

    def _on_add_clicked(self) -> None:
        name, ok = QInputDialog.getText(self, "Add person", "Login name (e.g. jsmith):")
        if not ok or not name.strip():
            return
        role = self._ask_role("Add person")
        if role is None:
            return
        self._run(lambda: team.add_person(self.db, name, role),
                  f"Added {name.strip()} as {role}. They set their own password when they first connect.")

    def _on_role_clicked(self) -> None:
        name = self._selected()
        row = self.table.currentRow()
        role = self._ask_role(f"Change {name}'s role", self.table.item(row, 1).text() if row >= 0 else None)
        if name and role:
            self._run(lambda: team.set_role(self.db, name, role), f"{name} is now {role}.")

    def _on_remove_clicked(self) -> None:
        name = self._selected()
        if not name:
            return
        answer = QMessageBox.question(self, "Remove person", f"Remove {name}? They will no longer be able to connect.")
        if answer == QMessageBox.StandardButton.Yes:
            self._run(lambda: team.remove_person(self.db, name), f"Removed {name}.")


class PasswordDialog(QDialog):
    def __init__(self, db, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("Change my password")
        layout = QFormLayout(self)
        self.new_edit = QLineEdit(self)
        self.again_edit = QLineEdit(self)
        for edit in (self.new_edit, self.again_edit):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        layout.addRow("New password", self.new_edit)
        layout.addRow("Again", self.again_edit)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        layout.addRow(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self._on_accepted)
        buttons.rejected.connect(self.reject)
        layout.addRow(buttons)

    def _on_accepted(self) -> None:
        if self.new_edit.text() != self.again_edit.text():
            self.message.setText("The two passwords differ; type the same one twice.")
            return
        try:
            team.change_my_password(self.db, self.new_edit.text())
        except REFUSALS as error:
            self.message.setText(str(error))
            return
        self.accept()


__all__ = ["PasswordDialog", "PeopleDialog", "build_team_menu"]
