"""Tests that need a real outside program (a PostgreSQL server, LibreOffice) and lack it.

On a developer's machine such a test skips and says what to install. In CI (`CI=true`, set by
the CI runner) `.ci/run` installs every program, so a missing one is a broken install step: the
test fails instead, so a green run never hides team-mode or LibreOffice checks that did not run.
"""

from __future__ import annotations

import os

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def missing_program(message: str):
    """Skip (on a developer's machine) or fail (in CI) the test, saying what is missing."""
    if in_ci():
        pytest.fail(f"{message} (CI=true: .ci/run must install it)", pytrace=False)
    pytest.skip(message)
