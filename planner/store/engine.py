"""Where the store is, how to connect to it, and bringing its schema up to date on open.

The URL comes from the caller, else ``PLANNER_DB_URL``, else an SQLite file in the user's data
folder (platformdirs). A URL is only ever shown through :func:`shown`, which hides the password.

Opening checks before it writes: a file that is not a planner store, a store of a newer schema, or a
server that cannot be reached is refused with one line (:class:`~planner.errors.StoreError`) and
nothing written. Migrations run in one transaction holding the store's write lock (SQLite
``BEGIN IMMEDIATE``, a PostgreSQL advisory lock), so several processes opening an old or empty
store at once migrate it exactly once.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

from planner.errors import StoreError
from planner.store.schema import STORE_FORMAT

ENV_URL = "PLANNER_DB_URL"
SQLITE_BUSY_TIMEOUT_S = 30.0  # a recorder waits this long for another one's transaction
MIGRATION_LOCK = 716_001  # PostgreSQL advisory lock key of planner's migrations
LOCKED_RETRIES = 5


def default_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("planner", appauthor=False) / "runs.sqlite"


def resolve(url: str | os.PathLike[str] | None = None) -> URL:
    """The store's URL: given, from ``PLANNER_DB_URL``, or the default SQLite file.

    A plain path means an SQLite file; ``postgresql://`` uses psycopg 3.
    """
    chosen = url if url is not None else os.environ.get(ENV_URL) or None
    if chosen is None:
        path = default_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        return make_url(f"sqlite:///{path}")
    text_url = os.fspath(chosen)
    if "://" not in text_url:
        return make_url(f"sqlite:///{Path(text_url).expanduser().absolute()}")
    try:
        parsed = make_url(text_url)
    except ArgumentError:
        raise StoreError(f"cannot read the store URL {scrub(text_url)}") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreError(f"{shown(parsed)}: the run store lives in SQLite or PostgreSQL")
    return parsed


def shown(url: URL) -> str:
    """The URL as it may be printed or logged: the password replaced by ``***``."""
    if url.get_backend_name() == "sqlite":
        return url.database or ":memory:"
    return url.render_as_string(hide_password=True)


def scrub(message: str, url: URL | None = None) -> str:
    """A driver's message with the URL's password taken out, on one line."""
    line = " ".join(message.strip().splitlines()[:1]) or "unknown error"
    if url is not None and url.password:
        line = line.replace(str(url.password), "***")
    return line


def connect(url: URL) -> Engine:
    """An engine for the store; SQLite gets WAL-friendly settings and explicit transactions."""
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
        event.listen(engine, "connect", _sqlite_connected)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})


def _sqlite_connected(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own would be deferred and late),
    # the documented recipe for SQLite transactions under SQLAlchemy.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    # A writer takes the write lock when it begins, so its read of the chain head cannot go stale.
    writing = conn.get_execution_options().get("planner_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """One write transaction: committed whole at the end, rolled back whole on any error (or by
    the database when the process dies in between). On PostgreSQL the caller locks the chain head."""
    conn = engine.connect().execution_options(planner_write=True)
    try:
        transaction = _begin(conn)
        try:
            yield conn
        except BaseException:
            transaction.rollback()
            raise
        transaction.commit()
    finally:
        conn.close()


def _begin(conn: Connection) -> Any:
    """BEGIN, retried while another process holds SQLite's lock beyond the busy timeout."""
    for attempt in range(LOCKED_RETRIES):
        try:
            return conn.begin()
        except DBAPIError as err:
            if not _is_locked(err) or attempt == LOCKED_RETRIES - 1:
                raise
            conn.rollback()
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def _is_locked(err: DBAPIError) -> bool:
    return "locked" in str(err.orig).lower() or "busy" in str(err.orig).lower()


def open_engine(url: URL) -> Engine:
    """Connect, check what is there, and migrate it to the current schema; StoreError if refused."""
    engine = connect(url)
    try:
        found = _inspect(engine, url)
        if url.get_backend_name() == "sqlite":
            _use_wal(engine)
        if found != _head():
            _migrate(engine, url)
    except StoreError:
        engine.dispose()
        raise
    except SQLAlchemyError as err:
        engine.dispose()
        raise StoreError(f"cannot use the run store at {shown(url)}: {_reason(err, url)}") from None
    return engine


def _reason(err: SQLAlchemyError, url: URL) -> str:
    orig = getattr(err, "orig", None)
    return scrub(str(orig if orig is not None else err), url)


def _inspect(engine: Engine, url: URL) -> str | None:
    """The store's schema revision, or None for an empty database; refuses anything else."""
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            if not tables:
                return None
            if not {"store_info", "alembic_version"} <= tables or _format(conn) != STORE_FORMAT:
                raise StoreError(
                    f"{shown(url)} is not a planner run store (it holds other tables); "
                    "give another --db or PLANNER_DB_URL"
                )
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError as err:
        reason = _reason(err, url)
        if "not a database" in reason:
            raise StoreError(f"{shown(url)} is not a planner run store ({reason})") from None
        raise StoreError(f"cannot reach the run store at {shown(url)}: {reason}") from None
    if revision not in _revisions():
        raise StoreError(
            f"the run store at {shown(url)} has schema version {revision}, newer than this "
            f"planner knows ({_head()}); upgrade planner to use it"
        )
    return str(revision)


def _format(conn: Connection) -> str | None:
    found = conn.execute(text("SELECT value FROM store_info WHERE key = 'format'")).scalar()
    return None if found is None else str(found)


def _alembic_config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "planner.store:migrations")
    return config


def _script() -> Any:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config())


def _revisions() -> set[str]:
    return {s.revision for s in _script().walk_revisions()}


def _head() -> str:
    return str(_script().get_current_head())


def _migrate(engine: Engine, url: URL) -> None:
    """Upgrade to the head under the store's write lock; a process that waited finds it done."""
    from alembic import command

    with writing(engine) as conn:
        if url.get_backend_name() == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config = _alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def _use_wal(engine: Engine) -> None:
    """WAL lets readers read while one process records; set once, it stays with the file (outside
    any transaction, so on the driver's own connection)."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        if str(mode).lower() != "wal":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
    finally:
        raw.close()
