"""The run store's tables as this planner writes them (the current schema; migrations build it).

One row per run in ``runs``, the plan's tables beside it keyed by the run's chain position
(``run_seq``), the scenario once per content digest in ``scenarios``, and decisions as rows of
``events``. Runs and events share one sequence (``seq``): together they form the hash chain, and
``chain_head`` holds its last position and hash (the row every writer locks, so appends are
serialized).

A plan table is described once in :data:`PLAN_TABLES` (columns and their Python types); recording,
hashing and reading back all follow that list, so a later table (a plan's candidate projects) is one
more entry here and one more migration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

STORE_FORMAT = "planner run store"
"""The value of ``store_info.format``: how a planner store is told apart from any other database."""

GENESIS_HASH = "0" * 64
"""The "previous hash" of the first row of the chain."""

metadata = MetaData()

store_info = Table(
    "store_info",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

chain_head = Table(
    "chain_head",
    metadata,
    Column("id", Integer, primary_key=True),  # always 1: the one row writers lock
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)

scenarios = Table(
    "scenarios",
    metadata,
    Column("digest", String(64), primary_key=True),  # SHA-256 of `document`
    Column("name", Text, nullable=False),
    Column("document", Text, nullable=False),  # canonical JSON of the validated scenario
    Column("created_at", String(32), nullable=False),
)

RUN_HASHED = (
    "seq",
    "id",
    "created_at",
    "user",
    "host",
    "source",
    "planner_version",
    "pyomo_version",
    "highs_version",
    "scenario_digest",
    "scenario_name",
    "changes",
    "mode",
    "status",
    "unit",
    "objective",
    "E",
    "min_coverage",
    "gap",
    "E_star",
    "z_star",
    "message",
    "timings",
    "note",
    "parent_id",
    "content_sha256",
)
"""The columns of a run its hash covers (with the previous row's hash); the tables are covered
through ``content_sha256``."""

runs = Table(
    "runs",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("id", String(32), nullable=False, unique=True),
    Column("created_at", String(32), nullable=False),  # UTC ISO 8601, sorts as text
    Column("user", Text, nullable=False),
    Column("host", Text, nullable=False),
    Column("source", String(16), nullable=False),  # cli, api or ui
    Column("planner_version", String(32), nullable=False),
    Column("pyomo_version", String(32), nullable=False),
    Column("highs_version", String(32), nullable=False),
    Column("scenario_digest", String(64), ForeignKey("scenarios.digest"), nullable=False),
    Column("scenario_name", Text, nullable=False),
    Column("changes", Text, nullable=False),  # canonical JSON of the --set changes
    Column("mode", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("unit", Text, nullable=False),
    Column("objective", Float),
    Column("E", Float),
    Column("min_coverage", Float),
    Column("gap", Float),
    Column("E_star", Float),
    Column("z_star", Float),
    Column("message", Text, nullable=False),
    Column("timings", Text, nullable=False),  # canonical JSON, seconds
    Column("note", Text, nullable=False),
    Column("parent_id", String(32)),
    Column("content_sha256", String(64), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("user_subject", Text),  # the IdP's stable subject of a signed-in user (0003)
    Column("user_email", Text),  # and their e-mail; both empty for the CLI's OS user
    Column("user_issuer", Text),  # the IdP that vouches for the subject (0005)
    Column("solved_at", String(40)),  # when the plan was solved, UTC ISO 8601 (0006)
)

HASHED_WHEN_SET = ("user_subject", "user_email", "user_issuer", "solved_at")
"""Columns of runs and events the hash covers only when they hold a value (the signed-in identity,
the moment of the solve): rows recorded before they existed (or by the OS user) hash exactly as
they did."""

EVENT_KINDS = ("note", "approve", "reject", "supersede")

EVENT_HASHED = ("seq", "run_id", "kind", "user", "created_at", "note", "other_run_id")

events = Table(
    "events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("run_id", String(32), ForeignKey("runs.id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("user", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("note", Text, nullable=False),
    Column("other_run_id", String(32)),  # supersede: the run that replaces run_id
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("user_subject", Text),
    Column("user_email", Text),
    Column("user_issuer", Text),
)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


COERCE: dict[type, Callable[[Any], Any]] = {
    Float: _float,
    Integer: _int,
    Text: _str,
}


@dataclass(frozen=True)
class PlanTable:
    """A table of a Plan stored one row per record, in order (``row_no``)."""

    attribute: str  # the Plan's attribute holding the DataFrame
    table: Table
    hashed_when_empty: bool = True
    """False for a table added after runs were recorded without it: an empty one stays out of the
    content hash, so those runs still verify, while rows added to them later still break it."""

    @property
    def columns(self) -> list[str]:
        return [c.name for c in self.table.columns if c.name not in ("run_seq", "row_no")]

    def coercers(self) -> list[Callable[[Any], Any]]:
        """One function per column that gives the value as the database gives it back, so a hash
        computed while recording matches the one recomputed from the stored rows."""
        return [COERCE[type(self.table.c[name].type)] for name in self.columns]


def _plan_table(name: str, *columns: Column[Any]) -> Table:
    return Table(
        f"run_{name}",
        metadata,
        Column("run_seq", Integer, ForeignKey("runs.seq"), primary_key=True),
        Column("row_no", Integer, primary_key=True, autoincrement=False),
        *columns,
    )


def _added_later(name: str, *columns: Column[Any]) -> PlanTable:
    """A plan table added after runs were recorded without it: not hashed when empty."""
    return PlanTable(name, _plan_table(name, *columns), hashed_when_empty=False)


PLAN_TABLES = (
    PlanTable(
        "allocation",
        _plan_table(
            "allocation",
            Column("region", Text, nullable=False),
            Column("sector", Text, nullable=False),
            Column("period", Integer, nullable=False),
            Column("amount", Float),
        ),
    ),
    PlanTable(
        "budget",
        _plan_table(
            "budget",
            Column("period", Integer, nullable=False),
            Column("budget", Float),
            Column("carried_in", Float),
            Column("spent", Float),
            Column("carried_out", Float),
            Column("lapsed", Float),
        ),
    ),
    PlanTable(
        "coverage",
        _plan_table(
            "coverage",
            Column("region", Text, nullable=False),
            Column("need", Float),
            Column("allocated", Float),
            Column("coverage", Float),
            Column("floor", Float),
        ),
    ),
    PlanTable(
        "constraints",
        _plan_table(
            "constraints",
            Column("name", Text, nullable=False),
            Column("kind", Text, nullable=False),
            Column("lhs", Float),
            Column("rhs", Float),
            Column("dual", Float),
            Column("binding", Integer),  # 0 or 1: the same value from every database
        ),
    ),
    _added_later(
        "projects",
        Column("id", Text, nullable=False),
        Column("name", Text),
        Column("region", Text),
        Column("sector", Text),
        Column("group", Text),
        Column("mandatory", Integer),  # 0 or 1
        Column("funded", Integer),  # 0 or 1
        Column("start", Integer),  # the first period of its cash; null when not funded
        Column("cost", Float),
        Column("value", Float),
    ),
    _added_later(
        "project_cash",
        Column("id", Text, nullable=False),
        Column("period", Integer, nullable=False),
        Column("amount", Float),
    ),
    _added_later(
        "criteria",
        Column("criterion", Text, nullable=False),
        Column("label", Text),
        Column("weight", Float),
        Column("E", Float),
    ),
    _added_later(
        "funding",
        Column("region", Text, nullable=False),
        Column("sector", Text, nullable=False),
        Column("period", Integer, nullable=False),
        Column("source", Text, nullable=False),
        Column("amount", Float),
    ),
    _added_later(
        "sources",
        Column("source", Text, nullable=False),
        Column("period", Integer, nullable=False),
        Column("available", Float),
        Column("used", Float),
        Column("carried_out", Float),
        Column("unused", Float),
        Column("dual", Float),
        Column("binding", Integer),  # 0 or 1
    ),
    _added_later(
        "debt",
        Column("region", Text, nullable=False),
        Column("drawn", Float),
        Column("room", Float),  # null: no debt limit
        Column("dual", Float),
    ),
)
"""The plan's tables, in the order the content hash reads them. The candidate projects and their
cash per period came with schema 0004, the criteria with 0006, who pays (funding.md "Results":
``funding``, ``sources``, ``debt``) with 0007; runs recorded before have no rows there."""

BOOLEAN_COLUMNS = {
    "constraints": ("binding",),
    "projects": ("mandatory", "funded"),
    "sources": ("binding",),
}
"""Columns stored as 0/1 and read back as booleans."""

run_diagnosis = Table(
    "run_diagnosis",
    metadata,
    Column("run_seq", Integer, ForeignKey("runs.seq"), primary_key=True),
    Column("document", Text, nullable=False),  # canonical JSON of Diagnosis.to_dict()
)

run_actuals = Table(
    "run_actuals",
    metadata,
    Column("run_seq", Integer, ForeignKey("runs.seq"), primary_key=True),
    Column("document", Text, nullable=False),  # canonical JSON of Plan.actuals (0007)
)


@dataclass(frozen=True)
class PlanDocument:
    """A part of a Plan stored as one canonical JSON document per run (none when the plan has
    none), hashed after the plan's tables."""

    attribute: str  # the Plan's attribute: an object with ``to_dict()``, or a dict
    table: Table
    hashed_when_empty: bool = True
    """False for a document added after runs were recorded without it (see :class:`PlanTable`)."""


PLAN_DOCUMENTS = (
    PlanDocument("diagnosis", run_diagnosis),
    PlanDocument("actuals", run_actuals, hashed_when_empty=False),
)
"""The infeasibility diagnosis, and a re-plan's record of the past (actuals.md "Results":
``through``, ``locked``, ``relaxed``, ``fixed``; schema 0007), in the order the content hash reads
them."""
