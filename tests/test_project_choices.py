"""Groups of alternatives in words (planner.group_choices) and projects in `planner solve`'s summary."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import pytest
import yaml

import planner
from planner.analysis.projects import funded_share
from planner.cli import main
from tests.test_projects import PORTS, ports

PORT_C = {"id": "port_c", "region": "a", "sector": "transport", "cost": 10, "value": 11}


def three_ports() -> planner.Scenario:
    projects = copy.deepcopy(PORTS["projects"])
    projects.append({**PORT_C, "group": "port", "name": "Port C"})
    return ports(projects=projects)


def test_each_left_out_alternative_is_priced_by_forcing_it_in():
    """PORTS (tests/test_projects.py) plus port_c (a, cost 10 in one period, value 11) in the group.

    The plan funds port_b + rail_b: E = 29. Forcing port_a in drops port_b and rail_b with it:
    E = 24 (test_projects' hand case), so 5 of E. Forcing port_c in takes all of 2026's 10; 2027's
    10 go to a at 1.0: E = 11 + 10 = 21, so 8 of E. The best swap is port_a's.
    """
    plan = planner.solve(three_ports())
    assert pytest.approx(29.0) == plan.E
    choices = planner.group_choices(plan).set_index("alternative")
    assert sorted(choices.index) == ["port_a", "port_c"]
    assert set(choices["chosen"]) == {"port_b"} and set(choices["max"]) == {1}
    assert choices.loc["port_a", "E_if_swapped"] == pytest.approx(24.0)
    assert choices.loc["port_a", "cost_in_E"] == pytest.approx(5.0)
    assert choices.loc["port_c", "cost_in_E"] == pytest.approx(8.0)
    assert choices["best"].to_dict() == {"port_a": True, "port_c": False}
    words = choices.loc["port_a", "words"]
    assert "funds port_b over port_a" in words and "also drops rail_b" in words
    assert "5.00 of E" in words
    assert "Port C (port_c)" in choices.loc["port_c", "words"]


def test_the_live_model_holds_the_plan_again_after_the_swaps():
    live = planner.PlanModel(three_ports())
    plan = live.solve()
    planner.group_choices(plan, live)
    assert live.scenario == plan.scenario
    again = live.solve()
    assert pytest.approx(plan.E) == again.E
    assert set(again.funded_projects["id"]) == {"port_b", "rail_b"}


def test_a_group_below_its_limit_or_a_plan_without_projects_has_no_choices():
    loose = ports(project_groups={"port": {"max": 2}})
    assert planner.group_choices(planner.solve(loose)).empty
    assert planner.group_choices(planner.solve(ports(projects=[], project_groups={}))).empty


def test_an_alternative_no_plan_can_fund_is_said_so():
    """port_c costs 30 in one period against a budget of 10: forced in, nothing is feasible."""
    projects = copy.deepcopy(PORTS["projects"])
    projects.append({**PORT_C, "cost": 30, "group": "port"})
    row = planner.group_choices(planner.solve(ports(projects=projects))).set_index("alternative")
    assert math.isnan(row.loc["port_c", "cost_in_E"])
    assert "No feasible plan funds port_c" in row.loc["port_c", "words"]
    assert bool(row.loc["port_a", "best"])


def test_funded_share_counts_projects_against_the_budget():
    """port_b (6) + rail_b (4) of a budget of 20: 2 of 3 funded, half the budget."""
    share = funded_share(planner.solve(ports()))
    assert (share.funded, share.candidates) == (2, 3)
    assert share.cost == pytest.approx(10.0) and share.share == pytest.approx(0.5)


def test_solve_prints_funded_projects_gap_groups_and_labelled_duals(tmp_path: Path, capsys):
    path = tmp_path / "ports.yaml"
    path.write_text(yaml.safe_dump(copy.deepcopy(PORTS)), encoding="utf-8")
    assert main(["solve", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Projects: 2 of 3 candidates funded, cost 10.0 CNY bn (50.0% of the budget)" in out
    assert "gap: 0%" in out
    funded_lines = [
        line.split() for line in out.splitlines() if line.startswith(("port_", "rail_"))
    ]
    assert [line[0] for line in funded_lines] == ["port_b", "rail_b"]
    assert funded_lines[0][2:] == ["b", "2026", "6.0"]  # region, start, cost
    assert "funds port_b over port_a" in out and "would cost 5.00 of E" in out
    assert "from the LP with the projects' starts fixed" in out


def test_solve_without_projects_prints_no_projects_section(tmp_path: Path, capsys):
    path = tmp_path / "plain.yaml"
    path.write_text(yaml.safe_dump({**copy.deepcopy(PORTS), "projects": [], "project_groups": {}}))
    assert main(["solve", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Binding constraints" in out
    assert "Projects:" not in out and "starts fixed" not in out
