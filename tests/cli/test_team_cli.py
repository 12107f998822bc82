"""`team` on a local file: there are no people to manage, said in one sentence."""

from __future__ import annotations

from tests.conftest import run_cli


def test_team_verbs_on_a_local_file_say_it_has_one_person_with_every_right(db_path):
    done = run_cli("--db", str(db_path), "team", "add-person", "jsmith", "--role", "officer")
    assert done.returncode == 1
    assert done.stderr == (
        "commissioning-desk: People and roles belong to a team's server database; a database file on "
        "this computer has one person, with every right.\n"
    )


def test_team_needs_an_action(db_path):
    done = run_cli("--db", str(db_path), "team")
    assert done.returncode == 2 and "Traceback" not in done.stderr
