"""A throwaway PostgreSQL 15 cluster for the store's tests, run as the ``postgres`` system user.

PostgreSQL refuses to run as root, so the cluster lives in a temporary folder owned by ``postgres``
and is started with ``runuser -u postgres -- pg_ctl``: trust authentication, 127.0.0.1 only, a free
port. Each test gets its own database in it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BIN = Path(os.environ.get("PLANNER_PG_BIN", "/usr/lib/postgresql/15/bin"))


class Unavailable(Exception):
    """PostgreSQL cannot be started here; the message says why."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_postgres(*command: str) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return list(command)  # a non-root user runs its own cluster


def _why_not() -> str | None:
    if not (BIN / "initdb").exists():
        return f"PostgreSQL 15 is not installed ({BIN / 'initdb'} is missing)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "there is no 'postgres' system user to run PostgreSQL as (it refuses root)"
        if shutil.which("runuser") is None:
            return "runuser is missing, so PostgreSQL cannot be started as the postgres user"
    return None


@contextmanager
def cluster() -> Iterator[str]:
    """Start a cluster; yields the server's URL (without a database name) and stops it after."""
    reason = _why_not()
    if reason:
        raise Unavailable(reason)
    folder = Path(tempfile.mkdtemp(prefix="planner-pg-"))
    data = folder / "data"
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    port = _free_port()
    try:
        _run(str(BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8")
        options = f"-p {port} -k {folder} -h 127.0.0.1 -c fsync=off"
        _run(
            str(BIN / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(folder / "log"),
            "-w",
            "start",
        )
        try:
            yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
        finally:
            _run(str(BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _run(*command: str) -> None:
    result = subprocess.run(_as_postgres(*command), capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-1:]
        raise Unavailable(f"{Path(command[0]).name} failed: {' '.join(tail)}")


def new_database(server: str) -> str:
    """A fresh, empty database on the server; its URL."""
    import psycopg

    name = "t_" + uuid.uuid4().hex[:12]
    plain = server.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(f"{plain}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"
