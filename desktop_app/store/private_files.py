"""Files the program creates for a database (the file itself, its backups, its lock) are
readable by their owner only (0600 on POSIX): victims' services data on a shared computer is
nobody else's to read. On a laptop that is lost this is no protection (the disk can be read
elsewhere); full-disk encryption is, which the README says. Files that already exist keep
the permissions someone chose for them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

PRIVATE = 0o600
PRIVATE_FOLDER = 0o700


def create_private(path: Path) -> None:
    """Create `path` empty and private if it does not exist (a later open fills it)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE)
    except FileExistsError:
        return
    os.close(descriptor)


def open_private_text(path: Path) -> IO[str]:
    """`open(path, "a+")`, but a file this creates is private."""
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, PRIVATE)
    return os.fdopen(descriptor, "a+", encoding="utf-8")
