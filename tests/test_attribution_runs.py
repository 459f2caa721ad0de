"""Attribution between stored runs: ``run:ID`` (or a plain id naming nothing else) is the exact
scenario the run solved (planner/store/readers.py, registered in SCENARIO_READERS)."""

from __future__ import annotations

import json

import pytest
from conftest import tiny

import planner
import planner.store
from planner.cli import main
from planner.errors import StoreError
from planner.store.readers import stored_run_scenario

ONE = [("r1", "a", 100.0, 1.0)]


@pytest.fixture
def two_runs(tmp_path, monkeypatch):
    """The hand case of tests/test_attribution.py recorded as runs A and B in the default store.

    A: budget 50, need 100 → E 50.  B: budget 80, need 60 → E 60.  Shapley on E: budget +20,
    needs −10 (derived in test_hand_case_two_groups)."""
    db = tmp_path / "runs.sqlite"
    monkeypatch.setenv("PLANNER_DB_URL", str(db))
    a = planner.solve(tiny(ONE, [{"id": "r1"}], budget=50))
    b = planner.solve(tiny([("r1", "a", 60.0, 1.0)], [{"id": "r1"}], budget=80))
    with planner.store.open() as store:
        return str(db), store.record(a), store.record(b)


def test_stored_runs_attribute_like_their_scenarios(two_runs):
    _, a, b = two_runs
    for left, right in ((f"run:{a}", f"run:{b}"), (a[:6], b[:6])):
        result = planner.attribute(left, right, metrics=("E",))
        assert result.groups == ["budget", "needs"]
        assert result.values.loc["budget", "E"] == pytest.approx(20)
        assert result.values.loc["needs", "E"] == pytest.approx(-10)


def test_a_run_prefix_must_name_a_run_and_a_plain_id_names_only_runs(two_runs, tmp_path):
    db, a, _ = two_runs
    with pytest.raises(StoreError, match="no run 'ffffffff'"):
        stored_run_scenario("run:ffffffff")
    assert stored_run_scenario("ffffffff") is None  # not a run: left to the scenario readers
    assert stored_run_scenario("western_china") is None
    folder = tmp_path / a[:6]
    folder.mkdir()
    assert stored_run_scenario(str(folder)) is None  # an existing path is never a run
    assert stored_run_scenario(a, url=db).name == "hand case"


def test_a_plain_id_without_a_store_creates_none(tmp_path):
    missing = tmp_path / "nowhere.sqlite"
    assert stored_run_scenario("abcdef12", url=str(missing)) is None
    assert not missing.exists()


def test_cli_compare_runs_with_attribute(two_runs, capsys, monkeypatch):
    db, a, b = two_runs
    monkeypatch.delenv("PLANNER_DB_URL")
    args = ["compare", f"run:{a}", f"run:{b}", "--attribute", "--json", "--db", db]
    assert main(args) == 0
    document = json.loads(capsys.readouterr().out)
    by_group = {row["group"]: row["E"] for row in document["attribution"]}
    assert by_group == pytest.approx({"budget": 20.0, "needs": -10.0})
    assert main(["compare", "run:ffffffff", f"run:{b}", "--attribute", "--db", db]) == 2
    assert "no run 'ffffffff'" in capsys.readouterr().err
