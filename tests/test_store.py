"""The run store: what a recorded run keeps, the audit chain, and the CLI over both (SQLite and a
real PostgreSQL 15, see tests/pg.py)."""

from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import make, tamper
from sqlalchemy import text

import planner
import planner.store
from planner.cli import main
from planner.errors import StoreError


@pytest.fixture(scope="module")
def plan():
    return planner.solve("western_china")


@pytest.fixture(scope="module")
def tiny_plan():
    return planner.solve(make())


def test_a_recorded_run_gives_back_the_same_plan_and_scenario(store_url, plan):
    with planner.store.open(store_url) as store:
        run_id = store.record(plan, note="board draft", user="alice", changes={"budget": 2100})
        again = store.get(run_id)
        scenario = store.scenario(run_id)
        document = store.show(run_id)
    assert again.E == plan.E and again.min_coverage == plan.min_coverage
    for table in ("allocation", "budget", "coverage", "constraints"):
        left, right = getattr(again, table), getattr(plan, table).reset_index(drop=True)
        assert left.astype(object).equals(right.astype(object)), table
    assert scenario == plan.scenario
    assert document["user"] == "alice" and document["note"] == "board draft"
    assert document["changes"] == {"budget": 2100} and document["source"] == "api"
    assert set(plan.to_dict()) <= set(document)  # the `solve --json` document, and more
    assert document["allocation"] == plan.to_dict()["allocation"]


def test_the_scenario_is_stored_once_however_many_runs_use_it(store_url, tiny_plan, plan):
    with planner.store.open(store_url) as store:
        for _ in range(3):
            store.record(tiny_plan)
        store.record(plan)
        count = store.engine.connect().execute(text("SELECT count(*) FROM scenarios")).scalar()
    assert count == 2


def test_decisions_are_events_and_the_list_filters(store_url, tiny_plan, plan):
    with planner.store.open(store_url) as store:
        first = store.record(tiny_plan, user="alice")
        second = store.record(plan, user="bob", parent=first[:6])
        store.approve(first, note="agreed", user="carol")
        store.reject(second, user="carol")
        store.note(second, "budget too low?", user="bob")
        runs = store.runs()
        assert list(runs["id"]) == [second, first]  # newest first
        assert dict(zip(runs["id"], runs["decision"], strict=True)) == {
            first: "approve",
            second: "reject",
        }
        assert list(store.runs(user="alice")["id"]) == [first]
        assert list(store.runs(scenario="two regions")["id"]) == [first]
        assert store.runs(since="2999-01-01").empty
        assert [e["kind"] for e in store.events(second)] == ["reject", "note"]
        assert store.show(second)["parent_id"] == first
        assert store.verify(deep=True).ok


def test_an_unknown_or_ambiguous_run_is_a_store_error(store_url, tiny_plan):
    with planner.store.open(store_url) as store:
        store.record(tiny_plan)
        with pytest.raises(StoreError, match="no run 'ffffffffffff'"):
            store.get("ffffffffffff")
        with pytest.raises(StoreError, match="at least 4"):
            store.approve("a")


@pytest.mark.parametrize(
    ("sql", "named", "in_plan_table"),
    [
        (
            "UPDATE run_allocation SET amount = amount + 1 WHERE run_seq = 2 AND row_no = 0",
            "run {b}",
            True,
        ),
        ("DELETE FROM run_constraints WHERE run_seq = 1 AND row_no = 0", "run {a}", True),
        ("UPDATE runs SET objective = objective * 2 WHERE seq = 2", "run {b}", False),
        ("UPDATE events SET note = 'never mind' WHERE seq = 3", "event #3", False),
        ("DELETE FROM events WHERE seq = 3", "run {c}", False),
        ("UPDATE scenarios SET document = replace(document, 'r1', 'r9')", "scenario", False),
    ],
)
def test_verify_names_the_first_row_that_was_altered(
    store_url, tiny_plan, sql, named, in_plan_table
):
    with planner.store.open(store_url) as store:
        a = store.record(tiny_plan)
        b = store.record(tiny_plan)
        store.approve(a)
        c = store.record(tiny_plan)
        assert store.verify(deep=True).ok
    tamper(store_url, sql)
    with planner.store.open(store_url) as store:
        deep, links = store.verify(deep=True), store.verify()
    assert not deep.ok
    assert named.format(a=a, b=b, c=c) in str(deep.problem)
    # The default checks the links, not the plan tables: it finds every change but theirs.
    assert links.ok == in_plan_table


def test_recorded_rows_cannot_be_updated_or_deleted(store_url, tiny_plan):
    with planner.store.open(store_url) as store:
        store.record(tiny_plan)
        with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
            conn.execute(text("UPDATE runs SET note = 'x'"))
        with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
            conn.execute(text("DELETE FROM run_allocation"))


def test_the_password_of_a_url_is_never_shown(capsys):
    url = "postgresql://planner:s3cr3t-pw@127.0.0.1:1/runs"
    code = main(["runs", "list", "--db", url])
    err = capsys.readouterr().err
    assert code == 2
    assert "s3cr3t-pw" not in err and "***" in err
    assert len(err.strip().splitlines()) == 1
    with pytest.raises(StoreError) as caught:
        planner.store.open(url)
    assert "s3cr3t-pw" not in str(caught.value)


def test_cli_records_lists_shows_reports_and_gives_the_scenario_back(tmp_path, capsys):
    db = str(tmp_path / "runs.sqlite")
    scenario = planner.save_scenario(make(), tmp_path / "tiny")
    assert main(["solve", str(scenario), "--record", "--note", "first try", "--db", db]) == 0
    assert (
        main(
            [
                "report",
                str(scenario),
                "--set",
                "budget=15",
                "-o",
                str(tmp_path / "a.csv"),
                "--record",
                "--db",
                db,
                "--user",
                "dana",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["runs", "list", "--json", "--db", db]) == 0
    listed = json.loads(capsys.readouterr().out)["runs"]
    assert [r["user"] for r in listed][0] == "dana" and listed[1]["note"] == "first try"
    newer, older = listed[0]["id"], listed[1]["id"]
    assert main(["runs", "approve", older, "--note", "go", "--db", db, "--user", "erin"]) == 0
    capsys.readouterr()
    assert main(["runs", "show", older, "--json", "--db", db]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["events"][0]["kind"] == "approve" and shown["events"][0]["user"] == "erin"
    assert shown["objective"] == pytest.approx(40.4)  # the two-region optimum (tests/test_cli.py)
    assert main(["runs", "diff", older, newer, "--json", "--db", db]) == 0
    diff = json.loads(capsys.readouterr().out)
    assert diff["kpis"]
    assert main(["runs", "report", newer, "-o", str(tmp_path / "b.csv"), "--db", db]) == 0
    assert (tmp_path / "a.csv").read_bytes() != b""
    assert main(["runs", "scenario", newer, "-o", str(tmp_path / "back"), "--db", db]) == 0
    assert planner.load_scenario(tmp_path / "back") == make().with_changes(budget=15)
    assert main(["runs", "verify", "--db", db]) == 0
    assert main(["runs", "show", "deadbeef", "--db", db]) == 2
    assert main(["runs", "approve", "deadbeef", "--db", db]) == 2


def test_verify_exits_5_naming_the_run(tmp_path, tiny_plan, capsys):
    db = str(tmp_path / "runs.sqlite")
    with planner.store.open(db) as store:
        run_id = store.record(tiny_plan)
    tamper(db, "UPDATE run_constraints SET dual = 0")
    assert main(["runs", "verify", "--db", db]) == 0  # the links are intact
    assert main(["runs", "verify", "--deep", "--db", db]) == 5
    assert f"run {run_id}" in capsys.readouterr().err


def _bytes_and_siblings(path) -> tuple[bytes, list[str]]:
    return path.read_bytes(), sorted(p.name for p in path.parent.iterdir())


@pytest.mark.parametrize("verb", [["runs", "list"], ["solve", "--record"]])
def test_a_file_that_is_not_a_store_is_refused_and_left_alone(tmp_path, capsys, verb):
    garbage = tmp_path / "notes.sqlite"
    garbage.write_bytes(b"these are my notes, not a database\n" * 100)
    foreign = tmp_path / "other.sqlite"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.close()
    for path in (garbage, foreign):
        before = _bytes_and_siblings(path)
        capsys.readouterr()
        assert main([*verb, "--db", str(path)]) == 2
        err = capsys.readouterr().err
        assert "is not a planner run store" in err and len(err.strip().splitlines()) == 1
        assert _bytes_and_siblings(path) == before


def test_a_store_of_a_newer_schema_is_refused_and_left_alone(tmp_path, tiny_plan, capsys):
    db = tmp_path / "runs.sqlite"
    with planner.store.open(db) as store:
        store.record(tiny_plan)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = db.read_bytes()
    assert main(["solve", "--record", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "schema version 0099, newer than this planner knows" in err
    assert len(err.strip().splitlines()) == 1
    assert db.read_bytes() == before


def test_a_server_that_cannot_be_reached_is_one_line_and_exit_2(capsys):
    from tests.pg import _free_port

    assert main(["solve", "--record", "--db", f"postgresql://x@127.0.0.1:{_free_port()}/x"]) == 2
    err = capsys.readouterr().err
    assert "cannot reach the run store" in err and len(err.strip().splitlines()) == 1
