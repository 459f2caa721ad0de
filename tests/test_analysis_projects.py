"""Frontier and compare with candidate projects, on the PORTS case of tests/test_projects.py.

Budget split evenly over 2026 and 2027, no carry-over; port_a (6 in one period, value 12) and port_b
(3 + 3, value 10) are alternatives, rail_b (4, value 9) requires port_b; programme money is worth 1.0
in a and 0.5 in b (need 10 each).
"""

from __future__ import annotations

import json

import pytest

import planner
from planner.cli import main
from planner.scenario.synthetic import synthetic_scenario
from tests.test_projects import PORTS, ports


def test_the_frontier_shows_projects_entering_and_leaving():
    """- 4 (2 a period): no project fits a period; 4 of programme money to a: E = 4.
    - 12 (6 a period): port_a (6 in one period) + 6 to a: E = 18, over port_b + 6 to a (16); rail_b
      with port_b needs 3 + 4 = 7 in one period.
    - 20 (10 a period): port_b + rail_b + 10 to a: E = 29 (the hand case), port_a leaves."""
    table = planner.frontier(ports(), [4, 12, 20])
    assert table["E"].to_numpy() == pytest.approx([4.0, 18.0, 29.0])
    assert list(table["funded_projects"]) == [0, 1, 2]
    assert list(table["new_projects"]) == ["", "port_a", "port_b, rail_b"]
    assert list(table["dropped_projects"]) == ["", "", "port_a"]
    assert table.attrs["first_funded_projects"] == {"port_a": 12.0, "port_b": 20.0, "rail_b": 20.0}


def test_a_frontier_without_projects_has_no_project_columns():
    scenario = synthetic_scenario(4, 2, 2, seed=1)  # western_china gets projects (issue 14)
    table = planner.frontier(scenario, [0.5 * scenario.total_budget(), scenario.total_budget()])
    assert "new_projects" not in table and "first_funded_projects" not in table.attrs


def test_cli_frontier_json_carries_the_first_budget_of_each_project(tmp_path, capsys):
    path = tmp_path / "ports.yaml"
    path.write_text(json.dumps(PORTS), encoding="utf-8")  # JSON is YAML
    assert main(["frontier", str(path), "--budget", "4:20:8", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["first_funded_projects"] == {"port_a": 12.0, "port_b": 20.0, "rail_b": 20.0}


def test_compare_names_the_projects_that_changed():
    """A: budget 10 a period funds port_b + rail_b; B: 6 a period funds port_a alone (see above)."""
    comparison = planner.compare(ports(), ports(budget=[6, 6]))
    changes = comparison.projects.set_index("id")["change"].to_dict()
    assert set(changes) == {"port_a", "port_b", "rail_b"}
    assert changes["port_a"].startswith("funded in B")
    assert changes["port_b"] == "dropped in B (started 2026 in A)"
    assert changes["rail_b"].startswith("dropped in B")
    assert comparison.to_dict()["projects"][0]["id"] in changes


def test_compare_of_equal_plans_lists_no_project(tmp_path):
    plan = planner.solve(ports())
    saved = tmp_path / "plan.json"
    saved.write_text(json.dumps(plan.to_dict()), encoding="utf-8")
    assert planner.compare(plan, saved).projects.empty


def test_pareto_points_are_mixed_integer_plans_that_obey_the_project_rules():
    """Every ε point and the balanced plan fund at most one port, and rail_b only with port_b."""
    frame = planner.pareto(ports(), points=3)
    for plan in frame.attrs["plans"]:
        assert plan.status == "optimal"
        funded = set(plan.funded_projects["id"])
        assert len(funded & {"port_a", "port_b"}) <= 1
        assert "rail_b" not in funded or "port_b" in funded
