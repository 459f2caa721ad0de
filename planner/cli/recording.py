"""``--db``, ``--user``, ``--record`` and ``--note``: the options that put a plan into the run store."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from planner.errors import StoreError
from planner.i18n.catalog import t


def add_store_arguments(parser: argparse.ArgumentParser) -> None:
    """Where the store is and who is acting (every ``runs`` command and every recording verb)."""
    parser.add_argument(
        "--db",
        metavar="URL",
        default=None,
        help="run store: an SQLite file or an SQLAlchemy URL (postgresql://…); default $PLANNER_DB_URL, "
        "else runs.sqlite in your user data folder",
    )
    parser.add_argument(
        "--user", default=None, help="who is recording or deciding (default: your OS login)"
    )


def add_record_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--record", action="store_true", help="keep this plan in the run store (see `planner runs`)"
    )
    parser.add_argument(
        "--note", default="", metavar="TEXT", help="with --record: why this run was made"
    )
    add_store_arguments(parser)


def open_store(args: argparse.Namespace) -> Any:
    from planner.store.api import open as open_store_at

    try:
        return open_store_at(args.db)
    except ModuleNotFoundError as err:
        # a postgresql:// URL without the optional driver: the user's setup, not a bug in planner
        if (err.name or "").split(".")[0] != "psycopg":
            raise
        raise StoreError(t("store.needs_postgres_extra")) from None


def check_store(args: argparse.Namespace) -> Any:
    """The store a ``--record`` run will write to, opened before the solve so a wrong ``--db``
    costs a second, not a solve; None without ``--record``."""
    if args.note and not args.record:
        raise StoreError("--note is kept only with --record")
    return open_store(args) if args.record else None


def record_plan(store: Any, plan: Any, args: argparse.Namespace) -> str | None:
    """Record ``plan`` in ``store`` (none: nothing) and return its run id."""
    from planner.cli.common import parse_changes

    if store is None:
        return None
    with store:
        run_id = store.record(
            plan,
            note=args.note,
            user=args.user,
            source="cli",
            changes=parse_changes(getattr(args, "changes", []) or []),
        )
    print(f"recorded run {run_id} in {store.location}", file=sys.stderr)
    return str(run_id)
