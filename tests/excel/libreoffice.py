"""A real LibreOffice Calc, headless, for tests: started once, driven through the UNO bridge.

`soffice --headless` runs with its own profile (a folder under the test's tmp path), in the
en-GB locale an office in England has, and listens on a private named pipe. Filling is done by
`libreoffice_uno.py` under Debian's Python, which has the bridge. Every step has a time limit,
and `stop()` ends the process group this started, and nothing else.
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ODS_FILTER", "XLSX_FILTER", "CellFill", "LibreOffice"]

XLSX_FILTER = "Calc Office Open XML"  # Save As "Excel 2007-365 (.xlsx)"
ODS_FILTER = "calc8"  # LibreOffice's own .ods
UNO_SCRIPT = Path(__file__).with_name("libreoffice_uno.py")
START_TIMEOUT_S = 120  # a first start builds the profile; slow on a busy machine
FILL_TIMEOUT_S = 240
STOP_TIMEOUT_S = 30
LOCALE = "en_GB.UTF-8"  # an office in England: `3-4` is 3 April

@dataclass(frozen=True)
class CellFill:
    """What LibreOffice held in a cell after the text was entered: `kind` is value, text, formula or empty."""

    sheet: str
    address: str
    typed: str
    kind: str
    value: float
    shown: str
    offered: tuple[str, ...] = ()  # what AutoInput could have completed the typing to

    def __post_init__(self) -> None:
        object.__setattr__(self, "offered", tuple(self.offered))


class LibreOffice:
    """One headless soffice; `fill()` any number of files, then `stop()`."""

    def __init__(self, soffice: str, uno_python: str, folder: Path) -> None:
        self._soffice, self._python, self._folder = soffice, uno_python, folder
        self._pipe = f"commissioning-desk-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._process: subprocess.Popen | None = None

    def start(self) -> None:
        profile = self._folder / "profile"
        # LibreOffice takes its locale from these even where the system has no such locale.
        env = dict(os.environ, LANG=LOCALE, LC_ALL=LOCALE)
        log = open(self._folder / "soffice.log", "wb")  # noqa: SIM115 - held for the process's life
        self._process = subprocess.Popen(
            [
                self._soffice, "--headless", "--invisible", "--norestore",
                f"-env:UserInstallation={profile.as_uri()}",
                f"--accept=pipe,name={self._pipe};urp;StarOffice.ComponentContext",
            ],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env,
            start_new_session=True,  # its own process group, so stop() ends soffice.bin too
        )
        log.close()
        atexit.register(self.stop)  # also when the run ends before the fixture's teardown

    def fill(
        self, source: Path, target: Path, cells: list[tuple[str, str, str]], filter_name: str = XLSX_FILTER
    ) -> list[CellFill]:
        """Open `source`, enter each (sheet, address, text) as typed, save as `target` with `filter_name`."""
        job = {
            "pipe": self._pipe,
            "connect_timeout": START_TIMEOUT_S,
            "files": [{"source": str(source), "target": str(target), "filter": filter_name, "cells": cells}],
        }
        done = subprocess.run(
            [self._python, str(UNO_SCRIPT)], input=json.dumps(job), capture_output=True, text=True,
            timeout=START_TIMEOUT_S + FILL_TIMEOUT_S, check=False,
        )
        if done.returncode != 0:
            log = (self._folder / "soffice.log").read_text(errors="replace")
            raise AssertionError(
                f"LibreOffice could not fill {source.name} (exit {done.returncode}):\n{done.stderr}\n"
                f"soffice said:\n{log}"
            )
        (held,) = json.loads(done.stdout)
        return [CellFill(*row) for row in held]

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        group = process.pid  # start_new_session: the group's id is the child's pid
        for sent in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(group, sent)
            except ProcessLookupError:
                break
            if _group_gone(group, process):
                break
        if process.poll() is None:
            process.wait(timeout=STOP_TIMEOUT_S)


def _group_gone(group: int, process: subprocess.Popen) -> bool:
    """Wait up to STOP_TIMEOUT_S for every process of `group` to end (soffice.bin outlives the
    script that started it)."""
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while time.monotonic() < deadline:
        process.poll()  # reap our own child, else it lingers as a zombie in the group
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False
