"""Tests against real programs (LibreOffice, a PostgreSQL server): one rule for a missing one.

Outside CI such a test skips and says what is missing. Under `CI=true` it fails instead: CI
installs these programs, and a skip there would hide that the real program was never tried.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

__all__ = ["UNO_PYTHON", "in_ci", "libreoffice", "require", "uno_python"]

# Debian's python3-uno installs the bridge for the system interpreter, not for the venv's.
UNO_PYTHON = "/usr/bin/python3"
_PROBE_TIMEOUT_S = 60


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def require(available: bool, missing: str) -> None:
    """Go on when `available`; else skip saying `missing` (why), or fail under `CI=true`."""
    if available:
        return
    if in_ci():
        pytest.fail(f"{missing}; under CI=true this test must run against the real program", pytrace=False)
    pytest.skip(missing)


def libreoffice() -> str:
    """The path of `soffice` (LibreOffice), or skip/fail by `require`."""
    soffice = shutil.which("soffice")
    require(soffice is not None, "LibreOffice (soffice) is not installed here")
    return str(soffice)


def uno_python() -> str:
    """An interpreter that can `import uno` (LibreOffice's UNO bridge), or skip/fail by `require`."""
    found = Path(UNO_PYTHON).is_file()
    if found:
        try:
            probe = subprocess.run(
                [UNO_PYTHON, "-c", "import uno"], capture_output=True, timeout=_PROBE_TIMEOUT_S, check=False
            )
            found = probe.returncode == 0
        except subprocess.TimeoutExpired:
            found = False
    require(found, f"LibreOffice's UNO bridge (Debian's python3-uno, for {UNO_PYTHON}) is not installed here")
    return UNO_PYTHON
