"""A real, throwaway PostgreSQL server for the team-mode tests (no mocks, no SQLite stand-in).

`postgres_server` (one per test session) runs `initdb` into a temporary folder and starts the
cluster with `pg_ctl`, listening only on 127.0.0.1 on a free port (and a Unix socket inside the
temporary folder), trusting local connections. PostgreSQL refuses to run as root, so when the
tests run as root (containers, CI) the cluster belongs to an unprivileged user: `postgres` or
`nobody` if present, else a system user `deskpg` created for the purpose; the commands run
through `runuser` (or `su`). At the end the server is stopped (`pg_ctl stop -m fast`, harder if
it will not go) and the folder removed. Every step has a time limit.

`pg_url` gives each test its own new database, owned by an ordinary (non-superuser) login role
as a team's server would have, as a SQLAlchemy URL for `open_database()`.

If the PostgreSQL server programs are not installed, these tests are skipped and say why;
under CI=true they fail instead (tests/real_programs.py).
"""

from __future__ import annotations

import atexit
import glob
import itertools
import os
import pwd
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.real_programs import require

# The server owner's login the program connects as: owns its database, not a superuser, but may
# create roles (the upgrade creates the four group roles, store/server_rights.py).
APP_ROLE = "desk"
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 30
COMMAND_TIMEOUT_S = 120
_UNPRIVILEGED_CANDIDATES = ("postgres", "deskpg", "nobody")
_CREATED_USER = "deskpg"


def _find_server_programs() -> tuple[Path, Path] | None:
    """`initdb` and `pg_ctl` from one installation: on PATH first, then /usr/lib/postgresql."""
    candidates: list[Path] = []
    on_path = shutil.which("initdb"), shutil.which("pg_ctl")
    if all(on_path):
        candidates.append(Path(os.path.realpath(on_path[0])).parent)
        candidates.append(Path(os.path.realpath(on_path[1])).parent)
    newest_first = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: [int(x) if x.isdigit() else 0 for x in Path(p).parent.name.split(".")],
        reverse=True,
    )
    candidates += [Path(p) for p in newest_first]
    for folder in candidates:
        initdb, pg_ctl, postgres = folder / "initdb", folder / "pg_ctl", folder / "postgres"
        if all(os.access(p, os.X_OK) for p in (initdb, pg_ctl, postgres)):
            return initdb, pg_ctl
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@dataclass
class _Runner:
    """Runs the PostgreSQL programs as `user` (None: as ourselves, already unprivileged)."""

    user: str | None

    def command(self, argv: list[str]) -> list[str]:
        if self.user is None:
            return argv
        if shutil.which("runuser"):
            return ["runuser", "-u", self.user, "--", *argv]
        # `nobody` has no login shell, hence -s.
        return ["su", "-s", "/bin/sh", self.user, "-c", shlex.join(argv)]

    def run(self, argv: list[str], *, cwd: Path, timeout: float) -> subprocess.CompletedProcess:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "LANG": "C"}
        return subprocess.run(
            self.command(argv),
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def _unprivileged_runner(folder: Path) -> _Runner:
    """Who will own the cluster; `folder` is handed over to them."""
    if os.geteuid() != 0:
        return _Runner(None)
    if not (shutil.which("runuser") or shutil.which("su")):
        pytest.fail("running as root, and neither runuser nor su is available to start PostgreSQL")
    names = [n for n in _UNPRIVILEGED_CANDIDATES if _user_exists(n)]
    if not names:
        created = subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", _CREATED_USER],
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_S,
        )
        if created.returncode != 0 and not _user_exists(_CREATED_USER):
            pytest.fail(f"running as root and could not create user {_CREATED_USER}: {created.stderr}")
        names = [_CREATED_USER]
    problems = []
    for name in names:
        account = pwd.getpwnam(name)
        os.chown(folder, account.pw_uid, account.pw_gid)
        runner = _Runner(name)
        probe = runner.run(["test", "-w", str(folder)], cwd=folder, timeout=COMMAND_TIMEOUT_S)
        if probe.returncode == 0:
            return runner
        problems.append(f"{name}: {probe.stderr.strip() or 'cannot write to ' + str(folder)}")
    pytest.fail("no unprivileged user can run PostgreSQL here: " + "; ".join(problems))


@dataclass
class PostgresServer:
    """A running throwaway cluster."""

    folder: Path
    runner: _Runner
    pg_ctl: Path
    port: int = 0
    superuser: str = ""
    _counter: itertools.count = field(default_factory=lambda: itertools.count(1))
    _running: bool = False

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def socket_dir(self) -> Path:
        return self.folder / "socket"

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def url(self, database: str, role: str = APP_ROLE) -> str:
        return f"postgresql+psycopg://{role}@127.0.0.1:{self.port}/{database}"

    def admin_connection(self, database: str = "postgres"):
        import psycopg

        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=self.superuser,
            dbname=database,
            autocommit=True,
            connect_timeout=10,
        )

    def start(self, initdb: Path) -> None:
        self.superuser = self.runner.user or pwd.getpwuid(os.geteuid()).pw_name
        self.socket_dir.mkdir()
        if self.runner.user is not None:
            account = pwd.getpwnam(self.runner.user)
            os.chown(self.socket_dir, account.pw_uid, account.pw_gid)
        made = self.runner.run(
            [
                str(initdb),
                "-D", str(self.data),
                "-U", self.superuser,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
            cwd=self.folder,
            timeout=COMMAND_TIMEOUT_S,
        )
        if made.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{made.stdout}\n{made.stderr}")
        last_error = ""
        for _attempt in range(3):  # a free port can be taken between probing and binding
            self.port = _free_port()
            options = " ".join(
                [
                    "-c listen_addresses=127.0.0.1",
                    f"-c port={self.port}",
                    f"-c unix_socket_directories={self.socket_dir}",
                    "-c fsync=off",  # a throwaway cluster: durability is not what is tested
                    "-c synchronous_commit=off",
                    "-c full_page_writes=off",
                    "-c max_connections=40",
                    "-c shared_buffers=16MB",
                ]
            )
            started = self.runner.run(
                [
                    str(self.pg_ctl), "start",
                    "-D", str(self.data),
                    "-l", str(self.log),
                    "-o", options,
                    "-w", "-t", str(START_TIMEOUT_S),
                ],
                cwd=self.folder,
                timeout=START_TIMEOUT_S + 30,
            )
            self._running = True  # whatever happened, stop() must look for a server
            if started.returncode == 0:
                self._create_app_role()
                return
            last_error = f"{started.stdout}\n{started.stderr}\n{self.log_tail()}"
            self.stop()
            if "already in use" not in last_error:
                break
        raise RuntimeError(f"pg_ctl start failed:\n{last_error}")

    def _create_app_role(self) -> None:
        with self.admin_connection() as connection:
            connection.execute(f'CREATE ROLE "{APP_ROLE}" LOGIN NOSUPERUSER NOCREATEDB CREATEROLE')
            # The race tests watch other logins' sessions wait for a lock, which only this shows.
            connection.execute(f'GRANT pg_read_all_stats TO "{APP_ROLE}"')

    def create_database(self, prefix: str = "desk") -> str:
        name = f"{prefix}_{next(self._counter)}"
        with self.admin_connection() as connection:
            connection.execute(f'CREATE DATABASE "{name}" OWNER "{APP_ROLE}"')
        return name

    def drop_database(self, name: str) -> None:
        with self.admin_connection() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def drop_team_database(self, name: str) -> None:
        """Drop the database, its four group roles and its people (roles outlive databases)."""
        from desktop_app.store.server_rights import group_names

        with self.admin_connection(name) as connection:
            has_people = connection.execute("SELECT to_regprocedure('desk_people()') IS NOT NULL").fetchone()[0]
            people = [row[0] for row in connection.execute("SELECT person FROM desk_people()")] if has_people else []
        self.drop_database(name)
        with self.admin_connection() as connection:
            for role in [*people, *group_names(name).values()]:
                connection.execute(f'DROP ROLE IF EXISTS "{role}"')

    def _postmaster_pid(self) -> int | None:
        try:
            return int((self.data / "postmaster.pid").read_text().splitlines()[0])
        except (OSError, ValueError, IndexError):
            return None

    def stop(self) -> None:
        """Stop the server; from `-m fast` up to SIGKILL, so that no process is left behind."""
        if not self._running:
            return
        for mode in ("fast", "immediate"):
            try:
                stopped = self.runner.run(
                    [str(self.pg_ctl), "stop", "-D", str(self.data), "-m", mode, "-w", "-t", str(STOP_TIMEOUT_S)],
                    cwd=self.folder,
                    timeout=STOP_TIMEOUT_S + 15,
                )
            except subprocess.TimeoutExpired:
                continue
            if stopped.returncode == 0 or self._postmaster_pid() is None:
                break
        pid = self._postmaster_pid()
        if pid is not None:
            try:
                os.killpg(pid, signal.SIGKILL)  # pg_ctl starts the postmaster in its own group
            except OSError:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.5)
        self._running = False

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server():
    programs = _find_server_programs()
    if programs is None:
        require(
            False,
            "PostgreSQL server programs (initdb, pg_ctl, postgres) not found on PATH or in "
            "/usr/lib/postgresql/*/bin: install the PostgreSQL server package to run the "
            "team-mode tests"
        )
    try:
        import psycopg  # noqa: F401
    except ImportError:
        require(False, "the PostgreSQL driver psycopg is not installed (pip install -e '.[test]')")
    initdb, pg_ctl = programs
    # Not pytest's tmp_path: its folders are private to root, and the server user must reach this.
    folder = Path(tempfile.mkdtemp(prefix="desk-pg-"))
    os.chmod(folder, 0o700)
    server: PostgresServer | None = None
    try:
        runner = _unprivileged_runner(folder)
        server = PostgresServer(folder=folder, runner=runner, pg_ctl=pg_ctl)
        atexit.register(server.remove)  # in case the session ends without teardown
        try:
            server.start(initdb)
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            pytest.fail(f"could not start a throwaway PostgreSQL server: {error}", pytrace=False)
        yield server
    finally:
        if server is not None:
            server.remove()
            atexit.unregister(server.remove)
        else:
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_url(postgres_server):
    """A new, empty database on the server for one test, as a SQLAlchemy URL string.

    Its group roles (and the people the test added, see `people`) go with it: roles belong to
    the whole server, and the next test's database must not find them."""
    name = postgres_server.create_database()
    yield postgres_server.url(name)
    postgres_server.drop_team_database(name)


@dataclass
class People:
    """Adds people to the test's database as its owner would, and gives each one's URL."""

    server: PostgresServer
    owner_url: str

    def add(self, name: str, role: str) -> str:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.owner_url)
        try:
            with engine.begin() as connection:
                connection.execute(text("SELECT desk_add_person(:name, :role)"), {"name": name, "role": role})
        finally:
            engine.dispose()
        return self.url(name)

    def url(self, name: str) -> str:
        return self.server.url(self.owner_url.rsplit("/", 1)[1], role=name)


@pytest.fixture
def people(postgres_server, pg_url):
    """`people.add(name, role)` -> that person's URL (the server trusts local logins: no password).
    The database must be at head first (open it once as its owner)."""
    return People(postgres_server, pg_url)
