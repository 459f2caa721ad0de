"""Appending to the chain: a run (its scenario, row, plan tables, diagnosis, actuals record) or an
event, each in the one transaction the caller holds, after the chain head it has locked."""

from __future__ import annotations

import getpass
import importlib.metadata
import socket
import uuid
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, insert, select, update

from planner.errors import StoreError
from planner.store.chain import canonical, content_sha256, link_hash, sha256
from planner.store.schema import (
    EVENT_HASHED,
    PLAN_DOCUMENTS,
    PLAN_TABLES,
    RUN_HASHED,
    chain_head,
    events,
    runs,
    scenarios,
)

SOURCES = ("cli", "api", "ui")


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def os_user() -> str:
    """The user a run is recorded for when none is given: the operating system's login name."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return "unknown"


def identity_columns(
    subject: str | None, email: str | None, issuer: str | None = None
) -> dict[str, str]:
    """The signed-in identity's columns of a run or event row; none at all for the OS user, so a
    row written to a store still at an older schema (a migration test) has only its columns."""
    found = {"user_subject": subject, "user_email": email, "user_issuer": issuer}
    return {k: v for k, v in found.items() if v}


def versions() -> dict[str, str]:
    from planner import __version__

    found = {"planner_version": __version__}
    for column, package in (("pyomo_version", "pyomo"), ("highs_version", "highspy")):
        try:
            found[column] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            found[column] = "unknown"
    return found


def scenario_document(scenario: Any) -> tuple[str, str]:
    """The scenario's canonical JSON and its SHA-256 (its address in the store)."""
    document = canonical(scenario.model_dump(mode="json"))
    return document, sha256(document)


def plan_rows(plan: Any) -> dict[str, list[list[Any]]]:
    """Each stored table of the plan as rows of values coerced the way the database returns them;
    a table the plan does not carry (an older Plan) is stored empty."""
    found: dict[str, list[list[Any]]] = {}
    for spec in PLAN_TABLES:
        frame = getattr(plan, spec.attribute, None)
        if not isinstance(frame, pd.DataFrame):
            continue
        coercers = spec.coercers()
        frame = frame.reindex(columns=spec.columns)
        records = frame.astype(object).where(frame.notna(), None).itertuples(index=False)
        found[spec.attribute] = [
            [f(v) for f, v in zip(coercers, row, strict=True)] for row in records
        ]
    return found


def plan_documents(plan: Any) -> dict[str, str | None]:
    """Each stored document of the plan (its diagnosis, a re-plan's actuals record) as canonical
    JSON; None where the plan has none (an older Plan without the attribute too)."""
    found: dict[str, str | None] = {}
    for part in PLAN_DOCUMENTS:
        value = getattr(plan, part.attribute, None)
        if value is not None and hasattr(value, "to_dict"):
            value = value.to_dict()
        found[part.attribute] = None if value is None else canonical(value)
    return found


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if number == number and abs(number) != float("inf") else None


def run_row(
    plan: Any,
    *,
    user: str,
    subject: str | None = None,
    email: str | None = None,
    issuer: str | None = None,
    source: str,
    note: str,
    changes: dict[str, Any] | None,
    parent_id: str | None,
    content: str,
    scenario_digest: str,
    solved_at: str | None = None,
) -> dict[str, Any]:
    """The ``runs`` row of a plan, without its chain position and hashes."""
    if source not in SOURCES:
        raise StoreError(f"unknown run source '{source}': use one of {', '.join(SOURCES)}")
    return {
        "id": uuid.uuid4().hex[:12],
        "created_at": now_utc(),
        "user": user,
        "host": socket.gethostname(),
        "source": source,
        **versions(),
        "scenario_digest": scenario_digest,
        "scenario_name": plan.scenario_name,
        "changes": canonical(changes or {}),
        "mode": plan.mode,
        "status": plan.status,
        "unit": plan.unit,
        "objective": _number(plan.objective),
        "E": _number(plan.E),
        "min_coverage": _number(plan.min_coverage),
        "gap": _number(getattr(plan, "gap", None)),
        "E_star": _number(plan.E_star),
        "z_star": _number(plan.z_star),
        "message": plan.message or "",
        "timings": canonical({k: round(float(v), 6) for k, v in plan.timings.items()}),
        "note": note,
        "parent_id": parent_id,
        "content_sha256": content,
        **identity_columns(subject, email, issuer),
        **({"solved_at": solved_at} if solved_at else {}),
    }


def lock_head(conn: Connection) -> tuple[int, str]:
    """The chain's last position and hash, locked until the transaction ends (PostgreSQL row lock;
    SQLite's writer already holds the database's write lock)."""
    head = conn.execute(select(chain_head.c.seq, chain_head.c.hash).with_for_update()).one()
    return int(head.seq), str(head.hash)


def _advance(conn: Connection, row: dict[str, Any], columns: tuple[str, ...]) -> dict[str, Any]:
    seq, previous = lock_head(conn)
    row = {**row, "seq": seq + 1, "prev_hash": previous}
    row["hash"] = link_hash(previous, row, columns)
    conn.execute(update(chain_head).values(seq=row["seq"], hash=row["hash"]))
    return row


def append_run(conn: Connection, plan: Any, **details: Any) -> dict[str, Any]:
    """Store the plan as the next run; returns its ``runs`` row."""
    if plan.scenario is None:
        raise StoreError(
            "this plan does not carry its scenario; record plans made by planner.solve()"
        )
    document, digest = scenario_document(plan.scenario)
    tables = plan_rows(plan)
    documents = plan_documents(plan)
    row = run_row(
        plan, content=content_sha256(tables, documents), scenario_digest=digest, **details
    )
    _store_scenario(conn, digest, plan.scenario.name, document)
    row = _advance(conn, row, RUN_HASHED)
    conn.execute(insert(runs), [row])
    for spec in PLAN_TABLES:
        rows = tables.get(spec.attribute, [])
        if rows:
            names = spec.columns
            conn.execute(
                insert(spec.table),
                [
                    {"run_seq": row["seq"], "row_no": i, **dict(zip(names, values, strict=True))}
                    for i, values in enumerate(rows)
                ],
            )
    for part in PLAN_DOCUMENTS:
        found = documents[part.attribute]
        if found is not None:
            conn.execute(insert(part.table), [{"run_seq": row["seq"], "document": found}])
    return row


def _store_scenario(conn: Connection, digest: str, name: str, document: str) -> None:
    """The scenario once per content: a second run of the same inputs adds no row. Writers are
    serialized by the chain lock taken first, so checking then inserting cannot race."""
    lock_head(conn)
    found = conn.execute(select(scenarios.c.digest).where(scenarios.c.digest == digest)).first()
    if found is None:
        conn.execute(
            insert(scenarios),
            [{"digest": digest, "name": name, "document": document, "created_at": now_utc()}],
        )


def append_event(
    conn: Connection,
    run_id: str,
    kind: str,
    user: str,
    note: str,
    other_run_id: str | None = None,
    *,
    subject: str | None = None,
    email: str | None = None,
    issuer: str | None = None,
) -> dict[str, Any]:
    row = {
        "run_id": run_id,
        "kind": kind,
        "user": user,
        "created_at": now_utc(),
        "note": note,
        "other_run_id": other_run_id,
        **identity_columns(subject, email, issuer),
    }
    row = _advance(conn, row, EVENT_HASHED)
    conn.execute(insert(events), [row])
    return row
