"""The database file, its journal, its lock and its backups are readable by their owner only."""

from __future__ import annotations

import os
import stat

import pytest

from desktop_app.store.backup import backups_dir_for, rotating_backup
from desktop_app.store.database import open_database
from desktop_app.store.lock import lock_path_for
from desktop_app.store.models import Provider
from desktop_app.core.vocabulary import OrganisationType, Scope

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX's")


def _others_may_read(path) -> bool:
    return bool(stat.S_IMODE(path.stat().st_mode) & 0o077)


def test_a_new_database_its_journal_lock_and_backups_are_private(tmp_path):
    old_umask = os.umask(0o022)  # the usual default: files readable by everyone
    try:
        path = tmp_path / "team.sqlite"
        with open_database(path) as db:
            with db.transaction() as session:
                session.add(Provider(name="Aire Valley", organisation_type=OrganisationType.CVSE, scope=Scope.LOCAL))
            made = [path, path.with_name(path.name + "-wal"), lock_path_for(path)]
            made = [p for p in made if p.exists()]
            assert path in made and lock_path_for(path) in made
            copy = rotating_backup(path, "test")
            assert [p.name for p in made + [copy] if _others_may_read(p)] == []
            assert not _others_may_read(backups_dir_for(path))
    finally:
        os.umask(old_umask)


def test_an_existing_file_keeps_the_permissions_chosen_for_it(tmp_path):
    path = tmp_path / "shared.sqlite"
    with open_database(path):
        pass
    path.chmod(0o640)  # someone shared it with their group on purpose
    with open_database(path):
        pass
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
