"""The record a templates run keeps in its folder while it works, so a killed run can be finished.

A folder of templates may hold returns the providers have filled in, so a run never writes over
a file that is there. But a run killed half way left the folder half full, and the rerun then
refused the files the first run had written itself. While it works, a run keeps a hidden record
(`.~<year> Q<n> templates run.json`) of each template it has written and the file's SHA-256;
the record is removed when the run ends. A rerun for the same quarter may write over exactly
those files, and only while their bytes are still what the run wrote: a file a provider has
since filled in, or any other file, is still refused.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from desktop_app.core.periods import Quarter
from desktop_app.services.file_digest import sha256_of

__all__ = ["TemplateRunRecord"]


class TemplateRunRecord:
    """The hidden record of one quarter's templates run in one folder."""

    def __init__(self, folder: Path, quarter: Quarter) -> None:
        year = quarter.year.label.replace("/", "-")
        self.path = folder / f".~{year} Q{quarter.number} templates run.json"
        self.quarter = quarter
        self.written: dict[str, str] = self._read()

    def _read(self) -> dict[str, str]:
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # none, or half written by a killed run: trust nothing from it
        if not isinstance(stored, dict) or stored.get("quarter") != self.quarter.label:
            return {}
        files = stored.get("files")
        if not isinstance(files, dict):
            return {}
        return {str(name): str(digest) for name, digest in files.items()}

    def is_ours(self, target: Path) -> bool:
        """Whether `target` is a template an interrupted run wrote, unchanged since."""
        digest = self.written.get(target.name)
        try:
            return digest is not None and target.is_file() and sha256_of(target) == digest
        except OSError:
            return False

    def note(self, target: Path, digest: str) -> None:
        """Record `target` (about to be renamed into place with these bytes) before the rename."""
        self.written[target.name] = digest
        self._save()

    def forget(self, targets: list[Path]) -> None:
        """Drop files a failed or cancelled run removed again (never raises: it runs while
        another error is on its way to the officer)."""
        for target in targets:
            self.written.pop(target.name, None)
        if not self.written:
            self.finish()
            return
        try:
            self._save()
        except OSError:
            pass  # the record still lists them; is_ours() finds no file under those names

    def finish(self) -> None:
        """The run is over: its files are ordinary templates now, never written over again."""
        self.written = {}
        try:
            self.path.unlink(missing_ok=True)
        except OSError:
            pass

    def _save(self) -> None:
        # Written beside, then renamed: a kill leaves the old record or the new one, never half.
        temporary = self.path.with_name(f"{self.path.name}.{secrets.token_hex(4)}.tmp")
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump({"quarter": self.quarter.label, "files": self.written}, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.path)
