"""A throwaway PostgreSQL server for the history's tests (session scope).

``initdb`` into a temporary folder, ``pg_ctl start`` on a free loopback port with its
socket in that folder, stopped and removed at the end. The binaries are looked for on PATH,
then in Debian's /usr/lib/postgresql/<version>/bin. initdb refuses to run as root: as root
the cluster runs as the ``postgres`` user (Debian's package creates it), through runuser.

Logins over TCP need a password (scram-sha-256), so the tests use passwords as a team's
server would. Under CI=true a missing server fails the tests; elsewhere they are skipped
with the reason.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

from auditor.historydb import PostgresURL, postgres_url

USER = "auditor_test"
#: Characters a URL must quote, so the tests see the password taken out intact.
PASSWORD = "pw-Zq9/x@y:7%"
_names = itertools.count(1)


@dataclass(frozen=True)
class PgServer:
    host: str
    port: int
    user: str
    password: str
    socket_dir: Path

    def url(self, database: str, *, password: str | None = None, with_password: bool = True,
            user: str | None = None) -> str:
        """A ``postgresql://`` URL (with the password in it unless ``with_password`` is
        False)."""
        secret = self.password if password is None else password
        userinfo = quote(user or self.user, safe="")
        if with_password:
            userinfo += ":" + quote(secret, safe="")
        return f"postgresql://{userinfo}@{self.host}:{self.port}/{database}"

    def admin(self) -> object:
        import psycopg

        return psycopg.connect(host=str(self.socket_dir), port=self.port, user=self.user,
                               dbname="postgres", autocommit=True)

    def new_database(self, prefix: str = "h") -> PostgresURL:
        """An empty database of its own; the URL (its password taken out, kept apart)."""
        name = f"{prefix}_{os.getpid()}_{next(_names)}"
        with self.admin() as conn:  # type: ignore[attr-defined]
            conn.execute(f'CREATE DATABASE "{name}"')
        return postgres_url(self.url(name))


def find_bin() -> Path | None:
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                      key=lambda p: int(Path(p).parent.parent.name)
                      if Path(p).parent.parent.name.isdigit() else 0)
    return Path(versions[-1]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is needed under CI=true: {reason}")
    pytest.skip(f"no PostgreSQL server here: {reason}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PgServer]:
    """A PostgreSQL server of its own on 127.0.0.1, for the whole session."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _missing("psycopg is not installed (pip install -e '.[test]')")
    bin_dir = find_bin()
    if bin_dir is None:
        _missing("initdb and pg_ctl not found (Debian: apt-get install postgresql)")
    assert bin_dir is not None
    as_user: list[str] = []
    root = os.geteuid() == 0
    # as root, somewhere the postgres user can reach (TMPDIR may be under /root)
    home = Path(tempfile.mkdtemp(prefix="auditor-pg-", dir="/tmp" if root else None))
    if root:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            _missing("running as root and there is no `postgres` user to run initdb as")
        os.chown(home, owner.pw_uid, owner.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data, log, pwfile = home / "data", home / "server.log", home / "pw"
    pwfile.write_text(PASSWORD + "\n", encoding="utf-8")
    if as_user:
        os.chown(pwfile, owner.pw_uid, owner.pw_gid)
    port = _free_port()

    def run(*command: str) -> None:
        done = subprocess.run([*as_user, *command], capture_output=True, text=True,
                              timeout=120, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {done.stdout}{done.stderr}")

    started = False
    try:
        run(str(bin_dir / "initdb"), "-D", str(data), "-U", USER, f"--pwfile={pwfile}",
            "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
            "--locale=C", "--no-sync")
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60",
            "-o", f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off "
                  "-c full_page_writes=off -c synchronous_commit=off", "start")
        started = True
        yield PgServer("127.0.0.1", port, USER, PASSWORD, home)
    finally:
        if started:
            with contextlib.suppress(Exception):
                run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w",
                    "stop")
        shutil.rmtree(home, ignore_errors=True)
