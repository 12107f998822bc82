"""Our own hidden temporary files (`.~…`) that a crash left behind, and clearing them away.

Every workbook is written to a hidden name beside its target and renamed into place; a process
killed before the rename leaves that hidden file. The next export or template run into the same
folder removes the ones that are certainly dead: named as only this program names them, and
older than the running process (so never a file this process is still writing).
"""

from __future__ import annotations

import re
import stat
import time
from pathlib import Path

__all__ = ["is_ours", "remove_stale_temporaries"]

# Set when this module is first imported: every service that writes a workbook imports it first.
_STARTED = time.time()

# The names this program gives its temporary files, and no others:
# `.~<stem>.<8 hex>.tmp` (excel.writer.save_atomically), `.~<stem>.final-<8 hex>.xlsx` (a final
# export staged beside its target), `.~<stem>.previous-<8 hex>.xlsx` (older versions kept the
# old file aside under this name), `.~<stem>.partial-<8 hex>.xlsx` (a template being written).
_OUR_NAMES = re.compile(r"^\.~.+\.(?:[0-9a-f]{8}\.tmp|(?:final|previous|partial)-[0-9a-f]{8}\.xlsx)$")


def is_ours(path: Path) -> bool:
    """Whether `path` is named like one of this program's temporary files."""
    return _OUR_NAMES.match(path.name) is not None


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Delete this program's temporary files in `folder` that are older than this process.

    Anything else (other programs' files, folders, links, our own files still being written)
    is left alone. Returns what was removed; a file that cannot be removed is skipped."""
    removed: list[Path] = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for path in entries:
        if not is_ours(path):
            continue
        try:
            info = path.lstat()
            if not stat.S_ISREG(info.st_mode) or info.st_mtime >= _STARTED:
                continue
            path.unlink()
        except OSError:
            continue
        removed.append(path)
    return removed
