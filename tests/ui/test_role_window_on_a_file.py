"""On a local file there are no roles: no Team menu, every action open, the OS user named."""

from __future__ import annotations

import getpass

from desktop_app.ui.password_prompt import NO_KEYRING_TIP, PasswordDialog


def test_a_local_file_has_no_team_menu_and_names_this_computers_user(demo_window):
    assert demo_window.team_menu is None
    assert "Team" not in [action.text().replace("&", "") for action in demo_window.menuBar().actions()]
    assert demo_window.person_label.text() == f"Working as {getpass.getuser()} (this computer's user)"
    strands = demo_window.show_page("strands")
    assert strands.new_stream_button.isEnabled() and not strands.new_stream_button.toolTip().startswith("Only ")


def test_the_password_prompt_offers_the_keyring_only_where_there_is_one(qtbot):
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        dialog = PasswordDialog("postgresql+psycopg://jsmith@desk.pcc.example.org/desk", "The server needs your password.")
        qtbot.addWidget(dialog)
        assert not dialog.remember_check.isEnabled()
        assert dialog.remember_check.toolTip() == NO_KEYRING_TIP
        assert dialog.password_edit.echoMode() == dialog.password_edit.EchoMode.Password
    finally:
        keyring.set_keyring(previous)
