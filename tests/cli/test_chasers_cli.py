"""The chasers verb: one .eml per provider with missing or overdue returns, as a subprocess."""

from __future__ import annotations

import email
from email import policy

from tests.conftest import run_cli


def test_the_chasers_verb_writes_one_email_per_provider_owing_returns_with_its_template(demo_path, tmp_path):
    out = tmp_path / "chasers"
    result = run_cli("chasers", "--db", str(demo_path), "--period", "2024/25-Q4", "--out", str(out))
    assert result.returncode == 0, result.stderr
    files = sorted(out.glob("*.eml"))
    assert files and f"{len(files)} chasers for" in result.stdout and "Traceback" not in result.stderr
    message = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert "@" in message["To"] and "2024/25" in message["Subject"]
    assert [a.get_filename().endswith(".xlsx") for a in message.iter_attachments()] == [True]


def test_the_chasers_verb_refuses_a_bad_quarter_in_one_sentence(demo_path, tmp_path):
    result = run_cli("chasers", "--db", str(demo_path), "--period", "2024/25-Q9", "--out", str(tmp_path / "c"))
    assert result.returncode in (1, 2) and "Traceback" not in result.stderr and result.stderr.strip()
    assert not (tmp_path / "c").exists()
