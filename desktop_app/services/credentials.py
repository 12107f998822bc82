"""A team server's password, kept by the operating system's keyring if the person asks.

libpq's own means come first and need nothing from here: a service file (`?service=desk`), a
PGPASSFILE, a client certificate. When the server still wants a password the window asks for
it; the answer lives in memory, or in the OS keyring (through the `keyring` library) when the
person ticks "Remember". Never in the program's settings or any file of its own: the URL the
window remembers has no password in it. Without a usable keyring backend (headless machines,
CI) nothing is remembered and nothing fails.
"""

from __future__ import annotations

SERVICE = "Commissioning Desk"


def make_url(target: str):
    # SQLAlchemy's URL parser, loaded only for a server's URL: a local file's window paints first.
    from sqlalchemy.engine import make_url as parse

    return parse(target)


def _keyring():
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:  # noqa: BLE001 - a broken backend configuration is no keyring
        return None
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) <= 0:
        return None
    return keyring


def keyring_available() -> bool:
    return _keyring() is not None


def _account(target: str) -> str | None:
    if "://" not in str(target):
        return None
    url = make_url(str(target))
    return f"{url.username or ''}@{url.host or ''}:{url.port or ''}/{url.database or ''}"


def stored_password(target: str) -> str | None:
    """The password the keyring keeps for this server login, if any."""
    account, keyring = _account(target), _keyring()
    if account is None or keyring is None:
        return None
    try:
        return keyring.get_password(SERVICE, account)
    except Exception:  # noqa: BLE001 - a locked or failing keyring: ask instead
        return None


def remember_password(target: str, password: str) -> bool:
    """Keep the password in the OS keyring; False (and nothing kept) when there is none."""
    account, keyring = _account(target), _keyring()
    if account is None or keyring is None:
        return False
    try:
        keyring.set_password(SERVICE, account, password)
    except Exception:  # noqa: BLE001
        return False
    return True


def forget_password(target: str) -> None:
    account, keyring = _account(target), _keyring()
    if account is None or keyring is None:
        return
    try:
        keyring.delete_password(SERVICE, account)
    except Exception:  # noqa: BLE001 - nothing kept, or the keyring refused: nothing to undo
        pass


def with_password(target: str, password: str) -> str:
    """The URL with the password in it, for opening only (never stored or shown)."""
    return make_url(str(target)).set(password=password).render_as_string(hide_password=False)


def is_server(target: str) -> bool:
    return "://" in str(target) and make_url(str(target)).get_backend_name() == "postgresql"
