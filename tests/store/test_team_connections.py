"""How a team's server is reached: TLS with the certificate checked for another computer,
libpq's own means left alone, and passwords never kept by the program itself."""

from __future__ import annotations

import pytest

from desktop_app.services import credentials
from desktop_app.store.database import database_url


@pytest.mark.parametrize(
    ("given", "sslmode"),
    [
        ("postgresql+psycopg://jsmith@desk.pcc.example.org/desk", "verify-full"),
        ("postgresql+psycopg://jsmith@10.1.2.3:5433/desk", "verify-full"),
        ("postgresql+psycopg://jsmith@desk.pcc.example.org/desk?sslmode=require", "require"),
        ("postgresql+psycopg://jsmith@localhost/desk", None),
        ("postgresql+psycopg://jsmith@127.0.0.1:5432/desk", None),
        ("postgresql+psycopg:///desk?host=/var/run/postgresql", None),
        ("postgresql+psycopg:///?service=desk", None),
    ],
)
def test_a_server_on_another_computer_is_reached_over_verified_tls_unless_the_url_says(given, sslmode):
    assert database_url(given).query.get("sslmode") == sslmode


def test_the_certificate_authority_given_in_the_url_is_kept():
    url = database_url("postgresql+psycopg://jsmith@desk.pcc.example.org/desk?sslrootcert=/etc/desk/ca.crt")
    assert (url.query["sslmode"], url.query["sslrootcert"]) == ("verify-full", "/etc/desk/ca.crt")


def test_without_a_keyring_nothing_is_remembered_and_nothing_fails():
    # Headless machines and CI have no keyring backend: the program asks each time instead.
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        target = "postgresql+psycopg://jsmith@desk.pcc.example.org/desk"
        assert not credentials.keyring_available()
        assert credentials.remember_password(target, "correct horse battery") is False
        assert credentials.stored_password(target) is None
        credentials.forget_password(target)
    finally:
        keyring.set_keyring(previous)


def test_a_typed_password_goes_into_the_url_for_opening_only():
    target = "postgresql+psycopg://jsmith@desk.pcc.example.org/desk"
    opened = credentials.with_password(target, "s3cret/with:odd@chars")
    assert database_url(opened).password == "s3cret/with:odd@chars"
    assert "s3cret" not in database_url(opened).render_as_string(hide_password=True)
    assert credentials.stored_password("demo.sqlite") is None
