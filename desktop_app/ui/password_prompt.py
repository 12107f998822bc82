"""Opening a team's server that wants a password: ask for it, and keep it in the OS keyring
only if the person ticks the box (services/credentials.py)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from desktop_app.services import credentials
from desktop_app.services.workspace import PasswordNeededError, Workspace, open_workspace

NO_KEYRING_TIP = "This computer has no keyring the program can use, so the password is asked for each time."


class PasswordDialog(QDialog):
    def __init__(self, target: str, reason: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Password")
        layout = QFormLayout(self)
        self.reason_label = QLabel(reason, self)
        self.reason_label.setWordWrap(True)
        layout.addRow(self.reason_label)
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setAccessibleName("Password")
        layout.addRow("Password", self.password_edit)
        self.remember_check = QCheckBox("Remember it in this computer's keyring", self)
        if not credentials.keyring_available():
            self.remember_check.setEnabled(False)
            self.remember_check.setToolTip(NO_KEYRING_TIP)
        layout.addRow(self.remember_check)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addRow(buttons)


def open_workspace_asking(target: str, *, create: bool = False, parent: QWidget | None = None) -> Workspace:
    """`open_workspace`, asking for the server's password when it wants one (until the person
    cancels, which raises the server's refusal as the message to show)."""
    password = credentials.stored_password(target) if credentials.is_server(target) else None
    try:
        return open_workspace(credentials.with_password(target, password) if password else target, create=create)
    except PasswordNeededError as error:
        if password:
            credentials.forget_password(target)  # the kept one is no longer accepted
        refusal = error
    while True:
        dialog = PasswordDialog(target, str(refusal), parent)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.password_edit.text():
            raise refusal
        typed = dialog.password_edit.text()
        try:
            workspace = open_workspace(credentials.with_password(target, typed), create=create)
        except PasswordNeededError as error:
            refusal = error
            continue
        if dialog.remember_check.isChecked():
            credentials.remember_password(target, typed)
        return workspace
