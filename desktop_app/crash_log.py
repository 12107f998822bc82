"""The last resort for an error nobody foresaw: the details go to a log file, the officer gets one sentence.

A traceback means nothing to an officer and is lost when the window closes; a log file in the
user's log folder (platformdirs) is something they can send to whoever supports the program.
Used by the command line and by the window, so it imports neither Qt nor the database.
"""

from __future__ import annotations

import datetime as dt
import traceback
from pathlib import Path

from desktop_app import APP_NAME, ORG_NAME, __version__

LOG_NAME = "errors.log"


def log_folder() -> Path:
    from platformdirs import user_log_path

    return user_log_path(APP_NAME, ORG_NAME, ensure_exists=True)


def record_crash(error: BaseException, where: str) -> Path | None:
    """Append the full details of `error` to the log; its path, or None if even that failed."""
    try:
        log = log_folder() / LOG_NAME
        details = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        with open(log, "a", encoding="utf-8", errors="backslashreplace") as handle:
            handle.write(f"--- {dt.datetime.now().isoformat(timespec='seconds')} {APP_NAME} {__version__} {where}\n")
            handle.write(details)
        return log
    except Exception:  # noqa: BLE001 - a log that cannot be written must not hide the first error
        return None


def crash_sentence(error: BaseException, log: Path | None) -> str:
    """One plain sentence about an unexpected error, naming where its details were kept."""
    words = str(error).strip().splitlines()
    what = f"{type(error).__name__}: {words[0][:200]}" if words else type(error).__name__
    where = f" The details were written to {log}." if log else " The details could not be written to a log file."
    return f"{APP_NAME} met a problem it did not expect ({what}) and stopped what it was doing.{where}"
