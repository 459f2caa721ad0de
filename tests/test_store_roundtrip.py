"""A stored run reads back whole: ``store.get`` returns a Plan equal to the live one in every field a
view or report reads (issue 31, "Reopening a stored run"; issue 33 items 1 and 6).

Each kind of plan a planner records is checked field by field: a pure LP, the default western_china
plan (a MIP with candidate projects and scored criteria), and an infeasible plan with its diagnosis.
"""

from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest

import planner
import planner.store
from planner.analysis.diagnosis import Diagnosis
from planner.cli import main
from tests.conftest import make

TABLES = (
    "allocation",
    "budget",
    "coverage",
    "constraints",
    "projects",
    "project_cash",
    "benefits",
    "criteria",
    "funding",  # empty on these kinds: the store does not keep a funded plan's tables yet
    "sources",
    "debt",
)


def kinds() -> dict[str, planner.Plan]:
    western = planner.load_scenario("western_china")
    return {
        "lp": planner.solve(make()),
        "mip_projects_criteria": planner.solve(western),
        "infeasible": planner.solve(western, budget=300),
    }


@pytest.fixture(scope="module")
def plans() -> dict[str, planner.Plan]:
    return kinds()


@pytest.fixture(scope="module")
def read_back(plans, tmp_path_factory) -> dict[str, planner.Plan]:
    path = tmp_path_factory.mktemp("roundtrip") / "runs.sqlite"
    with planner.store.open(str(path)) as store:
        ids = {kind: store.record(plan) for kind, plan in plans.items()}
        return {kind: store.get(run_id) for kind, run_id in ids.items()}


@pytest.mark.parametrize("kind", ["lp", "mip_projects_criteria", "infeasible"])
def test_a_stored_plan_equals_the_live_one_field_by_field(plans, read_back, kind) -> None:
    live, stored = plans[kind], read_back[kind]
    for field in dataclasses.fields(planner.Plan):
        name = field.name
        if name in TABLES:
            pd.testing.assert_frame_equal(
                getattr(stored, name), getattr(live, name), obj=f"{kind}: {name}"
            )
        elif name == "timings":  # stored to the microsecond
            assert stored.timings == pytest.approx(live.timings, abs=1e-6), kind
        elif name == "diagnosis":
            assert_same_diagnosis(live.diagnosis, stored.diagnosis, live.scenario)
        elif name == "scenario":
            assert stored.scenario == live.scenario, kind
        else:
            assert getattr(stored, name) == getattr(live, name), f"{kind}: {name}"


def test_the_kinds_are_what_they_say(plans) -> None:
    """The comparison above covers projects, criteria and a diagnosis, not empty tables."""
    assert plans["lp"].projects.empty and plans["lp"].is_optimal
    mip = plans["mip_projects_criteria"]
    assert mip.projects["funded"].any() and len(mip.project_cash) and len(mip.criteria)
    assert not mip.projects["funded"].all()  # an unfunded project's start is None
    assert plans["infeasible"].status == "infeasible"
    assert not plans["infeasible"].diagnosis.relaxations.empty


def assert_same_diagnosis(
    live: Diagnosis | None, stored: Diagnosis | None, scenario: planner.Scenario
) -> None:
    if live is None:
        assert stored is None
        return
    assert isinstance(stored, Diagnosis)
    assert stored.to_dict() == json.loads(json.dumps(live.to_dict()))
    assert stored.lines_in("zh") == live.lines_in("zh")  # every language, not the solve's only
    assert stored.budget_alone_by_period == live.budget_alone_by_period
    if not live.feasible:  # the reopened run's proposal still applies: the same fixed scenario
        assert stored.apply(scenario) == live.apply(scenario)


def test_one_scenario_has_one_fingerprint(plans, read_back, tmp_path) -> None:
    """Issue 33 item 6: solve printed [52b8e6366a69], runs show [a0dbcaf9b78d]."""
    live = plans["mip_projects_criteria"]
    assert read_back["mip_projects_criteria"].scenario_digest == live.scenario_digest
    assert live.scenario_digest == planner.load_scenario("western_china").digest()
    path = tmp_path / "w.yaml"
    planner.save_scenario(live.scenario, path)
    assert planner.load_scenario(path).digest() == live.scenario_digest  # wherever it was read


def test_a_recorded_run_reports_as_html(tmp_path, capsys) -> None:
    """Issue 33 item 1: `solve --record` then `runs report ID --out r.html` stopped on
    "'2026.0' is not in list" (an unfunded project's start came back as a float)."""
    db = str(tmp_path / "runs.sqlite")
    assert main(["solve", "western_china", "--record", "--db", db]) == 0
    solved = capsys.readouterr().out
    with planner.store.open(db) as store:
        (run_id,) = store.runs()["id"]
    out = tmp_path / "r.html"
    assert main(["runs", "report", run_id, "--out", str(out), "--db", db]) == 0
    page = out.read_text(encoding="utf-8")
    assert "2026.0" not in page and "2026" in page
    assert main(["runs", "show", run_id, "--db", db]) == 0
    shown = capsys.readouterr().out
    digest = planner.load_scenario("western_china").digest()
    assert f"[{digest}]" in solved and f"[{digest}]" in shown
