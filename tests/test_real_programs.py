"""The rule for tests of real programs: skip outside CI saying what is missing, fail under CI=true."""

from __future__ import annotations

import pytest

from tests.real_programs import require


def test_a_missing_program_skips_outside_ci_and_says_what_is_missing(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="LibreOffice is not installed"):
        require(False, "LibreOffice is not installed")


def test_a_missing_program_fails_the_test_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="LibreOffice is not installed; under CI=true"):
        require(False, "LibreOffice is not installed")


def test_a_program_that_is_there_is_used(monkeypatch):
    monkeypatch.setenv("CI", "true")
    assert require(True, "never said") is None
