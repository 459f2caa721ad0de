"""The store under stress: many recorders at once, a recorder killed mid-run, an old schema."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from typing import Any

import pandas as pd
import pytest
from conftest import make, store_at
from sqlalchemy import text

import planner
import planner.store

PROCESSES = 4  # enough to race for the store and its chain; each more one only costs CPU
RUNS_EACH = 15
_PLAN = None  # the plan each forked recorder stores (set before forking)


def _recorder(url: str) -> list[str]:
    """One process: open the store (possibly while others migrate it) and record its runs."""
    with planner.store.open(url) as store:
        return [store.record(_PLAN, note=f"pid {os.getpid()}") for _ in range(RUNS_EACH)]


@pytest.mark.slow
def test_processes_recording_at_once_lose_nothing(store_url):
    """4 processes × 15 runs into one fresh store: 60 runs, 60 distinct ids, an intact chain."""
    global _PLAN
    _PLAN = planner.solve(make())
    with multiprocessing.get_context("fork").Pool(PROCESSES) as pool:
        recorded = pool.map(_recorder, [store_url] * PROCESSES)
    ids = [run_id for batch in recorded for run_id in batch]
    assert len(set(ids)) == PROCESSES * RUNS_EACH
    with planner.store.open(store_url) as store:
        listed = store.runs()
        result = store.verify(deep=True)
    assert set(listed["id"]) == set(ids) and len(listed) == len(ids)
    assert result.ok and result.runs == len(ids), result


def _record_then_hang(url: str, inside: Any) -> None:
    """A forked recorder: one whole run, then a second that hangs after its run row and allocation
    are written, inside the transaction, until the test kills the process."""
    from planner.store import record

    plan = planner.solve(make())
    store = planner.store.open(url)
    store.record(plan, note="kept")
    original = record.insert

    def insert_then_hang(table):
        if table.name == "run_constraints":  # the run row and its allocation are already written
            inside.set()
            time.sleep(600)
        return original(table)

    record.insert = insert_then_hang
    store.record(plan, note="never finished")


def test_a_recorder_killed_mid_run_leaves_no_partial_run(store_url):
    """The recorder is forked from this process (a real SIGKILL mid-transaction, without paying a
    new interpreter's imports); its patched insert is its own."""
    context = multiprocessing.get_context("fork")
    inside = context.Event()
    child = context.Process(target=_record_then_hang, args=(store_url, inside))
    child.start()
    try:
        assert inside.wait(timeout=300)  # a hang is a failure; the limit is no speed goal
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.join(timeout=60)
    assert child.exitcode == -signal.SIGKILL
    with planner.store.open(store_url) as store:
        listed = store.runs()
        assert list(listed["note"]) == ["kept"]
        with store.engine.connect() as conn:
            orphans = conn.execute(
                text(
                    "SELECT count(*) FROM run_allocation WHERE run_seq NOT IN (SELECT seq FROM runs)"
                )
            ).scalar()
        assert orphans == 0
        assert store.verify(deep=True).ok
        store.record(planner.solve(make()), note="after")  # the lock died with the process
        assert store.verify(deep=True).runs == 2


def test_a_store_of_the_first_schema_is_migrated_on_open(store_url):
    """Build the store at revision 0001, record into it, then open it with this planner."""
    from planner.store import engine

    old = store_at(store_url, "0001")
    run_id = old.record(planner.solve(make()), note="made under 0001")
    old.approve(run_id)
    old.close()
    with planner.store.open(store_url) as store:
        with store.engine.connect() as conn:
            assert (
                conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                == engine._head()
            )
        assert store.runs()["note"].tolist() == ["made under 0001"]
        assert store.verify(deep=True).ok
        with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
            conn.execute(text("DELETE FROM events"))  # 0002's triggers now guard the old rows


def test_a_store_of_the_first_schema_takes_signed_in_identities_after_migration(store_url):
    """Runs and an approval made under 0001 verify unchanged after 0003 adds the identity columns;
    new rows carry subject and e-mail, and `--user` finds a run by any of the three."""
    old = store_at(store_url, "0001")
    old_id = old.record(planner.solve(make()), note="made under 0001", user="olga")
    old.approve(old_id, user="olga")
    old.close()
    with planner.store.open(store_url) as store:
        new_id = store.record(
            planner.solve(make()),
            note="signed in",
            user="sam@office.example",
            subject="idp|sam-9",
            email="sam@office.example",
            source="ui",
        )
        store.approve(
            new_id, user="dee@office.example", subject="idp|dee-1", email="dee@office.example"
        )
        assert store.verify().ok
        assert store.runs(user="idp|sam-9")["id"].tolist() == [new_id]
        assert store.runs(user="sam@office.example")["id"].tolist() == [new_id]
        assert store.runs(user="olga")["id"].tolist() == [old_id]
        listed = store.runs().set_index("id")
        assert pd.isna(listed.loc[old_id, "user_subject"])
        assert store.events(new_id)[0]["user_subject"] == "idp|dee-1"
        with store.engine.connect() as conn:
            # the subject is under the hash: changing it (triggers aside) breaks the chain
            on_runs = "" if store.engine.url.get_backend_name() == "sqlite" else " ON runs"
            conn.execute(text(f"DROP TRIGGER runs_no_update{on_runs}"))
            conn.execute(
                text("UPDATE runs SET user_subject = 'idp|mallory' WHERE id = :i"), {"i": new_id}
            )
            conn.commit()
        assert not store.verify().ok
