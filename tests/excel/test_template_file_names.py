"""Template file names never carry the characters a name may not hold (U+202E once reversed one)."""

from __future__ import annotations

from desktop_app.core.periods import Quarter
from desktop_app.excel.template_writer import template_file_name


def test_a_bidirectional_override_never_reaches_a_template_file_name():
    name = template_file_name(Quarter.parse("2024/25-Q4"), "Leeds Aid\u202eslx.exe\u200b\x07")
    assert name == "2024-25 Q4 - Leeds Aidslx.exe.xlsx"
    assert all(0x20 <= ord(char) < 0x7F for char in name)
