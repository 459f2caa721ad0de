"""A plan's candidate projects in the run store (schema 0004): kept, shown, reported and hashed."""

from __future__ import annotations

import json

import pytest
from conftest import tamper
from openpyxl import load_workbook

import planner
import planner.store
from planner.cli import main
from tests.test_projects import ports


@pytest.fixture(scope="module")
def ports_plan():
    """port_b and rail_b funded (E = 29, tests/test_projects.py), port_a not."""
    return planner.solve(ports())


def test_a_recorded_run_keeps_its_projects_cash_and_gap(store_url, ports_plan):
    with planner.store.open(store_url) as store:
        run_id = store.record(ports_plan)
        again = store.get(run_id)
        shown = store.show(run_id)
        assert store.verify(deep=True).ok
    assert again.projects.astype(object).equals(ports_plan.projects.astype(object))
    assert again.project_cash.astype(object).equals(ports_plan.project_cash.astype(object))
    assert again.gap == ports_plan.gap
    solved = json.loads(json.dumps(ports_plan.to_dict()))
    assert shown["projects"] == solved["projects"]  # `solve --json`'s records, cash per period
    assert shown["gap"] == solved["gap"]
    assert {p["id"]: p["cash"] for p in shown["projects"]}["port_b"] == {"2026": 3.0, "2027": 3.0}


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE run_project_cash SET amount = 2.5 WHERE row_no = 0",
        "UPDATE run_projects SET funded = 1 WHERE id = 'port_a'",
        "DELETE FROM run_project_cash WHERE row_no = 2",
    ],
)
def test_an_altered_project_figure_breaks_the_chain(store_url, ports_plan, sql):
    with planner.store.open(store_url) as store:
        run_id = store.record(ports_plan)
    tamper(store_url, sql)
    with planner.store.open(store_url) as store:
        result = store.verify(deep=True)
    assert not result.ok and f"run {run_id}" in str(result.problem)


def test_project_rows_added_to_a_run_without_projects_break_the_chain(store_url):
    """A pure-LP run hashes no project table; rows slipped in afterwards must still show."""
    from conftest import make

    with planner.store.open(store_url) as store:
        run_id = store.record(planner.solve(make()))
    tamper(
        store_url,
        "INSERT INTO run_projects (run_seq, row_no, id, funded) VALUES (1, 0, 'ghost', 1)",
    )
    with planner.store.open(store_url) as store:
        result = store.verify(deep=True)
    assert not result.ok and f"run {run_id}" in str(result.problem)


def test_runs_report_of_a_stored_run_has_its_projects_sheet(tmp_path, ports_plan, capsys):
    db = str(tmp_path / "runs.sqlite")
    with planner.store.open(db) as store:
        run_id = store.record(ports_plan)
    out = tmp_path / "board.xlsx"
    assert main(["runs", "report", run_id, "-o", str(out), "--db", db]) == 0
    book = load_workbook(out)
    assert "Projects" in book.sheetnames
    cells = {c.value for row in book["Projects"].iter_rows() for c in row}
    assert {"port_a", "port_b", "rail_b"} <= cells
    assert main(["runs", "show", run_id, "--json", "--db", db]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert sorted(p["id"] for p in shown["projects"] if p["funded"]) == ["port_b", "rail_b"]
