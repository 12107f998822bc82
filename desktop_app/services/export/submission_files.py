"""Making a submission's file agree with its record after a crash, and tidying export folders.

A final export commits the Submission (with the workbook's SHA-256) before it renames the
staged workbook into place, so the only way the two can disagree is a process killed between
the commit and the rename: the record is there and the staged file, with exactly the recorded
hash, is still beside the target under its hidden name. Finishing the rename is then all that
is left to do, and it is done the next time the database is opened in the window or exported from.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from sqlalchemy import select

from desktop_app.services.file_digest import sha256_of
from desktop_app.services.temporary_files import remove_stale_temporaries
from desktop_app.store.database import Database
from desktop_app.store.models import Submission

__all__ = ["finish_interrupted_exports", "staging_name_pattern", "tidy_export_folder"]


def staging_name_pattern(target: Path) -> re.Pattern[str]:
    """The hidden names a final export stages `target` under (see submissions._staging_path)."""
    return re.compile(rf"^\.~{re.escape(target.stem)}\.final-[0-9a-f]{{8}}{re.escape(target.suffix)}$")


def _newest_per_file(db: Database) -> dict[Path, str]:
    with db.reading() as session:
        rows = session.execute(select(Submission.file_name, Submission.sha256).order_by(Submission.id)).all()
    # A later submission to the same file replaced the earlier one's workbook on purpose.
    return {Path(name): digest for name, digest in rows if Path(name).is_absolute()}


def finish_interrupted_exports(db: Database) -> list[Path]:
    """Move into place every recorded final export whose workbook is still staged beside its
    target (the process died between the commit and the rename). Returns the files finished.

    Only a staged file whose SHA-256 equals the submission's is moved; one that cannot be moved
    now is left for next time."""
    finished: list[Path] = []
    for target, digest in _newest_per_file(db).items():
        pattern = staging_name_pattern(target)
        try:
            staged = sorted(p for p in target.parent.iterdir() if pattern.match(p.name))
        except OSError:
            continue
        for path in staged:
            try:
                if sha256_of(path) != digest:
                    continue
                os.replace(path, target)
            except OSError:
                continue
            finished.append(target)
            break
    return finished


def tidy_export_folder(db: Database, folder: Path) -> None:
    """Before exporting into `folder`: finish interrupted final exports, then remove the hidden
    temporary files crashes left there (only after finishing, which may still need one)."""
    finish_interrupted_exports(db)
    remove_stale_temporaries(folder)
