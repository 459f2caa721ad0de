"""The run store as planner's API sees it: :func:`open` gives a :class:`RunStore`.

>>> import planner, planner.store
>>> store = planner.store.open("runs.sqlite")                      # doctest: +SKIP
>>> run_id = store.record(planner.solve("western_china"), note="baseline for the board")  # doctest: +SKIP
>>> store.approve(run_id, note="agreed 3 March")                  # doctest: +SKIP
>>> store.runs(scenario="western_china")                          # doctest: +SKIP
>>> store.verify().ok                                              # doctest: +SKIP
True
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, or_, select
from sqlalchemy.engine import URL

from planner.errors import StoreError
from planner.store import chain, engine, record
from planner.store.schema import (
    BOOLEAN_COLUMNS,
    PLAN_DOCUMENTS,
    PLAN_TABLES,
    events,
    runs,
    scenarios,
)

MIN_PREFIX = 4
"""A run may be named by the first characters of its id, as long as they are this many and unique."""

LIST_COLUMNS = [
    "id",
    "created_at",
    "user",
    "scenario",
    "mode",
    "status",
    "objective",
    "E",
    "min_coverage",
    "decision",
    "note",
    "source",
    "host",
    "parent_id",
    "revises",
    "user_email",
    "user_subject",
    "user_issuer",
    "identity",
]
SHOWN_COLUMNS = [
    "id",
    "created_at",
    "user",
    "scenario",
    "mode",
    "status",
    "E",
    "min_coverage",
    "decision",
    "note",
]
"""The columns of :data:`LIST_COLUMNS` that a listing shows a person (``planner runs list``, the
History tab)."""
DECISIONS = ("approve", "reject", "supersede")


def open(url: str | os.PathLike[str] | None = None) -> RunStore:  # noqa: A001 (the API's name)
    """The run store at ``url`` (an SQLAlchemy URL or an SQLite file path), else at
    ``PLANNER_DB_URL``, else in the user's data folder; created and migrated as needed.

    Raises :class:`~planner.errors.StoreError` (one line, nothing written) for a file that is not a
    planner store, a store of a newer schema, or a server that cannot be reached.
    """
    resolved = engine.resolve(url)
    return RunStore(resolved, engine.open_engine(resolved))


class RunStore:
    """Runs, their scenarios and decisions, in one database; every method is one transaction."""

    def __init__(self, url: URL, db: Engine) -> None:
        self.url = url
        self.engine = db

    @property
    def location(self) -> str:
        """Where the store is, safe to print (no password)."""
        return engine.shown(self.url)

    def __repr__(self) -> str:
        return f"RunStore({self.location})"

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    # -- writing ---------------------------------------------------------------------------------

    def record(
        self,
        plan: Any,
        note: str = "",
        *,
        user: str | None = None,
        source: str = "api",
        changes: dict[str, Any] | None = None,
        parent: str | None = None,
        subject: str | None = None,
        email: str | None = None,
        issuer: str | None = None,
    ) -> str:
        """Store a solved plan (with its scenario, tables and diagnosis) as a new run; its id.

        ``changes`` are the ``--set`` changes the plan was made with, ``parent`` the run it was
        derived from; ``subject``, ``email`` and ``issuer`` the signed-in user's identity (the IdP's
        stable subject, the e-mail, and the IdP's ``iss``, which makes the subject unique) when the
        run comes from the app behind sign-in. The run is written in one transaction: all of it, or (on any failure or a
        killed process) nothing.
        """
        with engine.writing(self.engine) as conn:
            parent_id = self._resolve(conn, parent) if parent else None
            row = record.append_run(
                conn,
                plan,
                user=user or record.os_user(),
                source=source,
                note=note,
                changes=changes,
                parent_id=parent_id,
                subject=subject,
                email=email,
                issuer=issuer,
                solved_at=plan.solved_at if self._runs_have("solved_at") else None,
            )
        return str(row["id"])

    def _runs_have(self, column: str) -> bool:
        """Whether the store's ``runs`` table has ``column``: a store opened by :func:`open` is at
        the newest schema, one built at an older revision (a migration test) may lack it."""
        if not hasattr(self, "_run_columns"):
            from sqlalchemy import inspect

            self._run_columns = {c["name"] for c in inspect(self.engine).get_columns("runs")}
        return column in self._run_columns

    def note(self, run_id: str, text: str, *, user: str | None = None, **identity: str) -> None:
        """Add a note to a run (the run itself never changes; the note is an event).

        Every decision takes ``user`` and, from the app behind sign-in, ``subject``, ``email`` and
        ``issuer``."""
        self._event(run_id, "note", text, user, **identity)

    def approve(
        self, run_id: str, note: str = "", *, user: str | None = None, **identity: str
    ) -> None:
        self._event(run_id, "approve", note, user, **identity)

    def reject(
        self, run_id: str, note: str = "", *, user: str | None = None, **identity: str
    ) -> None:
        self._event(run_id, "reject", note, user, **identity)

    def supersede(
        self, run_id: str, by: str, note: str = "", *, user: str | None = None, **identity: str
    ) -> None:
        """Mark ``run_id`` as replaced by the run ``by``."""
        self._event(run_id, "supersede", note, user, other=by, **identity)

    def _event(
        self,
        run_id: str,
        kind: str,
        note: str,
        user: str | None,
        other: str | None = None,
        subject: str | None = None,
        email: str | None = None,
        issuer: str | None = None,
    ) -> None:
        with engine.writing(self.engine) as conn:
            found = self._resolve(conn, run_id)
            replacement = self._resolve(conn, other) if other else None
            record.append_event(
                conn,
                found,
                kind,
                user or record.os_user(),
                note,
                replacement,
                subject=subject,
                email=email,
                issuer=issuer,
            )

    # -- reading ---------------------------------------------------------------------------------

    def runs(
        self,
        scenario: str | None = None,
        since: str | None = None,
        user: str | None = None,
        status: str | None = None,
    ) -> pd.DataFrame:
        """One row per run, newest first (:data:`LIST_COLUMNS`); ``decision`` is the latest
        approve, reject or supersede; ``revises`` the run a re-plan revises (else None).
        ``since`` is a date or UTC time (``2026-03-01``); ``user`` matches the recorded user name,
        the signed-in e-mail, the IdP subject (any provider's) or ``identity``, the issuer and
        subject as ``issuer|subject`` (one person, whatever the number of providers)."""
        query = select(runs).order_by(runs.c.seq.desc())
        if scenario:
            query = query.where(runs.c.scenario_name == scenario)
        if since:
            query = query.where(runs.c.created_at >= _utc_text(since))
        if user:
            query = query.where(
                or_(
                    runs.c.user == user,
                    runs.c.user_email == user,
                    runs.c.user_subject == user,
                    runs.c.user_issuer.concat(IDENTITY_SEPARATOR).concat(runs.c.user_subject)
                    == user,
                )
            )
        if status:
            query = query.where(runs.c.status == status)
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
            decided = conn.execute(
                select(events.c.run_id, events.c.kind)
                .where(events.c.kind.in_(DECISIONS))
                .order_by(events.c.seq)
            ).all()
        decision = {run_id: kind for run_id, kind in decided}
        frame = pd.DataFrame(
            [
                {
                    **row,
                    "scenario": row["scenario_name"],
                    "decision": decision.get(row["id"], ""),
                    "revises": revises(row),
                    "identity": identity(row),
                }
                for row in rows
            ],
            columns=[*LIST_COLUMNS, "scenario_name"],
        )
        return frame[LIST_COLUMNS]

    def get(self, run_id: str) -> Any:
        """The run's Plan as it was recorded, with its scenario (reports need no re-solve): every
        field a view or report reads comes back as the live plan had it (its periods with the
        scenario's labels, booleans as booleans, the diagnosis as a Diagnosis, the benefit table
        rebuilt from the scenario; a funded plan's who-pays tables and a re-plan's ``actuals``
        record too, from schema 0007 on); the fingerprint is the scenario's own
        (:meth:`~planner.Scenario.digest`), wherever the scenario was read from."""
        from planner.analysis.diagnosis import Diagnosis
        from planner.solve.criteria import benefit_table
        from planner.solve.plan import CRITERIA_COLUMNS, PROJECT_CASH_COLUMNS, plan_from_dict

        with self.engine.connect() as conn:
            row = self._row(conn, run_id)
            document = self._plan_document(conn, row)
            scenario = self._scenario(conn, row["scenario_digest"])
        plan = plan_from_dict(document)
        plan.project_cash = pd.DataFrame(document["project_cash"], columns=PROJECT_CASH_COLUMNS)
        plan.criteria = pd.DataFrame(document["criteria"], columns=CRITERIA_COLUMNS)
        for attribute, columns in BOOLEAN_COLUMNS.items():
            frame = getattr(plan, attribute)
            for column in columns if len(frame) else ():  # an empty table stays as a live one
                frame[column] = frame[column].astype(bool)
        _with_period_labels(plan, list(scenario.periods))
        scenario = _criteria_in_order(scenario, list(plan.criteria["criterion"]))
        plan.scenario = scenario
        plan.scenario_digest = scenario.digest()
        plan.benefits = benefit_table(scenario)
        plan.timings = document["timings"]
        plan.solved_at = row.get("solved_at") or ""
        found = document["diagnosis"]
        plan.diagnosis = None if found is None else Diagnosis.from_dict(found)
        return plan

    def show(self, run_id: str) -> dict[str, Any]:
        """The run as ``planner runs show --json`` prints it: the plan's document (as
        ``planner solve --json``) plus who, when, from what, and every event."""
        plan = self.get(run_id)
        with self.engine.connect() as conn:
            row = self._row(conn, run_id)
            history = self._events(conn, row["id"])
        document = plan.to_dict()
        document.update(
            id=row["id"],
            user=row["user"],
            user_email=row["user_email"],
            user_subject=row["user_subject"],
            user_issuer=row["user_issuer"],
            identity=identity(row),
            created_at=row["created_at"],
            note=row["note"],
            events=history,
            source=row["source"],
            host=row["host"],
            changes=json.loads(row["changes"]),
            parent_id=row["parent_id"],
            revises=revises(row),
            versions={k: row[f"{k}_version"] for k in ("planner", "pyomo", "highs")},
            hash=row["hash"],
        )
        return document

    def events(self, run_id: str) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return self._events(conn, self._resolve(conn, run_id))

    def scenario(self, run_id: str) -> Any:
        """The exact scenario the run solved (a validated :class:`~planner.Scenario`)."""
        with self.engine.connect() as conn:
            return self._scenario(conn, self._row(conn, run_id)["scenario_digest"])

    def has_run(self, run_id: str) -> bool:
        """Whether ``run_id`` (4+ characters) begins the id of any run (one or several)."""
        wanted = run_id.strip().lower()
        if len(wanted) < MIN_PREFIX:
            return False
        with self.engine.connect() as conn:
            return bool(self._matching(conn, wanted))

    def resolve(self, run_id: str) -> str:
        """The full id of the run ``run_id`` names (the id or a unique prefix of it)."""
        with self.engine.connect() as conn:
            return self._resolve(conn, run_id)

    def verify(self, deep: bool = False) -> chain.Verification:
        """Recompute the hash chain; ``.ok`` and ``.problem`` (the first run or event that fails).

        By default the links: every run and event row, every scenario and the head. ``deep=True``
        also re-reads every plan table against its run's content hash (see docs/store.md, "Speed").
        """
        with self.engine.connect() as conn:
            return chain.verify(conn, deep=deep)

    # -- helpers ---------------------------------------------------------------------------------

    def _resolve(self, conn: Connection, run_id: str) -> str:
        wanted = run_id.strip().lower()
        if len(wanted) < MIN_PREFIX:
            raise StoreError(
                f"no run '{run_id}' in the store (give at least {MIN_PREFIX} characters)"
            )
        found = self._matching(conn, wanted)
        if not found:
            raise StoreError(f"no run '{run_id}' in the store at {self.location}")
        if len(found) > 1 and wanted not in found:
            raise StoreError(f"'{run_id}' names more than one run; give more characters")
        return wanted if wanted in found else str(found[0])

    def _matching(self, conn: Connection, wanted: str) -> list[str]:
        """Up to two ids starting with ``wanted``: none, the one, or proof of ambiguity."""
        query = select(runs.c.id).where(runs.c.id.startswith(wanted, autoescape=True)).limit(2)
        return [str(found) for found in conn.execute(query).scalars()]

    def _row(self, conn: Connection, run_id: str) -> dict[str, Any]:
        full = self._resolve(conn, run_id)
        return dict(conn.execute(select(runs).where(runs.c.id == full)).mappings().one())

    def _plan_document(self, conn: Connection, row: dict[str, Any]) -> dict[str, Any]:
        document: dict[str, Any] = {
            "scenario": row["scenario_name"],
            "scenario_digest": row["scenario_digest"][:12],
            **{k: row[k] for k in ("unit", "mode", "status", "objective", "E", "min_coverage")},
            **{k: row[k] for k in ("E_star", "z_star", "gap", "message")},
            "timings": json.loads(row["timings"]),
        }
        for spec in PLAN_TABLES:
            table = spec.table
            query = select(*[table.c[c] for c in spec.columns]).where(table.c.run_seq == row["seq"])
            document[spec.attribute] = [
                dict(r._mapping) for r in conn.execute(query.order_by(table.c.row_no))
            ]
        for part in PLAN_DOCUMENTS:
            found = conn.execute(
                select(part.table.c.document).where(part.table.c.run_seq == row["seq"])
            ).scalar()
            document[part.attribute] = None if found is None else json.loads(found)
        return document

    def _scenario(self, conn: Connection, digest: str) -> Any:
        from planner.scenario.model import validate_scenario

        document = conn.execute(
            select(scenarios.c.document).where(scenarios.c.digest == digest)
        ).scalar_one()
        return validate_scenario(json.loads(document))

    def _events(self, conn: Connection, run_id: str) -> list[dict[str, Any]]:
        query = select(
            events.c.kind,
            events.c.user,
            events.c.created_at,
            events.c.note,
            events.c.other_run_id,
            events.c.user_email,
            events.c.user_subject,
            events.c.user_issuer,
        ).where(events.c.run_id == run_id)
        return [dict(r._mapping) for r in conn.execute(query.order_by(events.c.seq))]


IDENTITY_SEPARATOR = "|"
PERIOD_COLUMNS = {
    "allocation": "period",
    "budget": "period",
    "project_cash": "period",
    "funding": "period",
    "sources": "period",
}
"""The columns of a plan's tables that hold a period label (and ``projects.start``, below)."""


def _criteria_in_order(scenario: Any, order: list[str]) -> Any:
    """The scenario with its criteria in the order they were given (the stored document is
    canonical JSON, keys sorted; the recorded criteria table keeps the order)."""
    if (
        not scenario.criteria
        or list(scenario.criteria) == order
        or set(order) != set(scenario.criteria)
    ):
        return scenario
    from planner.scenario.model import validate_scenario

    data = scenario.model_dump()
    data["criteria"] = {key: data["criteria"][key] for key in order}
    return validate_scenario(data)


def _with_period_labels(plan: Any, periods: list[Any]) -> None:
    """Every period of the plan's tables as the scenario labels it (``2026``, never ``2026.0``):
    the store keeps them as numbers, and a project's start, null when unfunded, comes back as a
    float."""
    label = {str(p): p for p in periods} | {str(float(p)): p for p in periods if isinstance(p, int)}

    def labelled(frame: Any, column: str) -> None:
        values = [None if v is None or v != v else label.get(str(v), v) for v in frame[column]]
        dtype = object if None in values or not values else None  # ints stay int64, as live
        frame[column] = pd.Series(values, index=frame.index, dtype=dtype)

    for attribute, column in PERIOD_COLUMNS.items():
        labelled(getattr(plan, attribute), column)
    labelled(plan.projects, "start")


def revises(row: Any) -> str | None:
    """The id of the run a re-plan revises (actuals.md: ``planner replan --against run:ID
    --record``, the app's Re-plan tab), kept in its changes; None for any other run."""
    found = json.loads(row["changes"] or "{}").get("revises")
    return None if found is None else str(found)


def identity(row: Any) -> str:
    """Who signed in, unique across identity providers: ``issuer|subject``; the bare subject for
    rows recorded before the issuer was (migration 0005); empty for the OS user."""
    subject, issuer = row.get("user_subject"), row.get("user_issuer")
    if not subject:
        return ""
    return f"{issuer}{IDENTITY_SEPARATOR}{subject}" if issuer else str(subject)


def _utc_text(since: str) -> str:
    """A date or time as the text ``created_at`` sorts against (UTC ISO 8601)."""
    try:
        moment = datetime.fromisoformat(since.strip())
    except ValueError:
        raise StoreError(
            f"cannot read the date '{since}': use YYYY-MM-DD or an ISO 8601 time"
        ) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat()
