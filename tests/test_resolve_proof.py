"""Re-solves of a MIP that prove the last plan's project starts within the gap (planner/solve/reuse.py).

Whatever path a re-solve takes (the proof, or branch and bound when the proof cannot close the gap),
its plan must be one a fresh solve of the edited scenario could return: E within the scenario's
``mip_gap`` of the fresh optimum, status optimal, and a reported gap that is HiGHS's definition.
"""

from __future__ import annotations

import copy

import pytest

import planner
from planner.scenario.synthetic import synthetic_projects, synthetic_scenario
from planner.solve import reuse
from planner.solve.reuse import relative_gap
from tests.test_projects import PORTS, ports


def with_criteria(scenario: planner.Scenario) -> planner.Scenario:
    """The scenario scored on ``people`` (its own benefit, weight 1) and ``ecology`` (1 for every
    third pair, else 0.2; weight 0.5), so a weight change moves the benefits of some pairs only."""
    data = scenario.model_dump()
    data["criteria"] = {"people": {"weight": 1.0}, "ecology": {"weight": 0.5}}
    for i, row in enumerate(data["needs"]):
        row["scores"] = {"people": row.pop("benefit"), "ecology": 1.0 if i % 3 == 0 else 0.2}
    return planner.validate_scenario(data)


def assert_same_as_fresh(plan: planner.Plan, scenario: planner.Scenario) -> None:
    fresh = planner.solve(scenario)
    assert plan.status == fresh.status == "optimal"
    assert plan.gap is not None and plan.gap <= scenario.mip_gap
    assert pytest.approx(fresh.E, rel=scenario.mip_gap, abs=1e-9) == plan.E
    assert plan.allocated_total <= scenario.total_budget() * (1 + 1e-9) + 1e-9


def paths(plan: planner.Plan) -> tuple[float, float]:
    return plan.timings["proven_solves"], plan.timings["branch_and_bound_solves"]


def test_gap_is_highs_definition():
    """(bound − incumbent) / |incumbent|; 0 when both are 0, infinite when only the incumbent is."""
    assert relative_gap(100.0, 100.01) == pytest.approx(1e-4)
    assert relative_gap(-50.0, -49.0) == pytest.approx(0.02)
    assert relative_gap(0.0, 0.0) == 0.0
    assert relative_gap(0.0, 1.0) == float("inf")


def test_hand_case_budget_change_is_proven_and_matches_a_fresh_solve():
    """PORTS (tests/test_projects.py): E* = 29 with port_b + rail_b at budget 10 + 10. At 12 + 12
    the same starts stay optimal: they take 10, and a's need of 10 plus 4 of b's at 0.5 use the
    other 14: E = 19 + 10 + 2 = 31. The re-solve proves it without branch and bound."""
    live = planner.PlanModel(ports())
    first = live.solve()
    assert paths(first) == (0.0, 1.0)  # nothing to start from: branch and bound
    plan = live.solve(budget=[12, 12])
    assert paths(plan) == (1.0, 0.0)
    assert pytest.approx(31.0) == plan.E
    assert_same_as_fresh(plan, live.scenario)
    funded = set(plan.projects.loc[plan.projects["funded"], "id"])
    assert funded == {"port_b", "rail_b"}
    # the duals are the fixed-starts LP's, as after branch and bound
    assert plan.constraints["dual"].notna().all()


def test_hand_case_a_change_that_flips_the_choice_still_matches():
    """At 6 + 6 port_b + rail_b no longer fit (2026: 3, 2027: 3 + 4 > 6, or 7 in 2026): the
    incumbent's fixed LP is infeasible, branch and bound runs and funds port_a, with 6 of programme
    money in a the other period: E = 12 + 6 = 18. At 6 + 4 the same, E = 12 + 4 = 16. Back at
    10 + 10 the port_a plan (E = 24) is far from the relaxation's bound, but one branching finds
    port_b + rail_b whole (E = 29) and closes the gap: proven from the better plan it found."""
    live = planner.PlanModel(ports())
    live.solve()
    for budget, want, path in (
        ([6, 6], 18.0, (0.0, 1.0)),
        ([6, 4], 16.0, None),
        ([10, 10], 29.0, (1.0, 0.0)),
    ):
        plan = live.solve(budget=budget)
        assert pytest.approx(want) == plan.E
        if path is not None:
            assert paths(plan) == path
        assert_same_as_fresh(plan, live.scenario)


def test_hand_case_weight_change_matches_a_fresh_solve():
    data = copy.deepcopy(PORTS)
    data["criteria"] = {"people": {"weight": 1.0}, "ecology": {"weight": 0.0}}
    for row, ecology in zip(data["needs"], (0.0, 1.0), strict=True):
        row["people"], row["ecology"] = row.pop("benefit"), ecology
    live = planner.PlanModel(planner.validate_scenario(data))
    live.solve()
    for weight in (0.0, 0.25, 1.0, 4.0):
        plan = live.solve(criteria={"ecology": weight})
        assert_same_as_fresh(plan, live.scenario)


@pytest.fixture(scope="module")
def western() -> planner.Scenario:
    scenario = planner.load_scenario("western_china")
    assert scenario.projects, "the default carries real candidate projects"
    return scenario if scenario.criteria else with_criteria(scenario)


def test_western_china_weight_changes_are_proven_and_match(western):
    live = planner.PlanModel(western)
    live.solve()
    criterion = next(iter(western.criteria or {}))
    proven = 0.0
    for weight in (0.0, 0.5, 2.0):
        plan = live.solve(criteria={criterion: weight})
        assert_same_as_fresh(plan, live.scenario)
        proven += paths(plan)[0]
    assert proven >= 1  # the point of the change: most re-solves need no branch and bound


def test_western_china_budget_changes_match(western):
    live = planner.PlanModel(western)
    live.solve()
    base = western.total_budget()
    for factor in (0.9, 1.05):
        plan = live.solve(budget=base * factor)
        assert_same_as_fresh(plan, live.scenario)


def test_too_wide_a_relaxation_gap_falls_back_to_branch_and_bound(western, monkeypatch):
    """With one LP allowed the proof has only the relaxation, whose gap on western_china is wider
    than 1e-4 (its optimum splits projects across periods): the re-solve runs branch and bound,
    started from the neighbourhood's plan, and still equals a fresh solve."""
    monkeypatch.setattr(reuse, "PROOF_LPS", 1)
    live = planner.PlanModel(western)
    live.solve()
    plan = live.solve(budget=western.total_budget() * 0.95)
    assert paths(plan) == (0.0, 1.0)
    assert plan.timings["neighbourhood_starts"] == 1.0
    assert live.bridge.proof_lps == 1
    assert_same_as_fresh(plan, live.scenario)


HIGHS_DEFAULTS = {
    "presolve": "choose",
    "mip_allow_restart": True,
    "mip_heuristic_effort": 0.05,
    "mip_heuristic_run_rins": True,
    "mip_heuristic_run_rens": True,
    "mip_heuristic_run_root_reduced_cost": True,
}


@pytest.fixture(scope="module")
def portfolio() -> planner.Scenario:
    """20 regions with 100 seeded projects: a budget cut leaves the relaxation more split starts
    than the proof may branch on, so the re-solve needs branch and bound."""
    return synthetic_projects(synthetic_scenario(20, 6, 5, seed=0), 100, seed=0)


@pytest.mark.parametrize("factor", [0.95, 1.05])
def test_branch_and_bound_from_a_neighbourhood_plan_matches_a_fresh_solve(portfolio, factor):
    """Budget −5 % and +5 % on the portfolio: the proof cannot close the gap, the neighbourhood's
    plan starts branch and bound, and the plan is one a fresh solve could return. HiGHS's options
    are its defaults again afterwards, so the next solve of the live model is not run without
    presolve or heuristics, and the gap is the scenario's."""
    live = planner.PlanModel(portfolio)
    live.solve()
    plan = live.solve(budget=portfolio.total_budget() * factor)
    assert paths(plan) == (0.0, 1.0)
    assert plan.timings["neighbourhood_starts"] == 1.0
    assert_same_as_fresh(plan, live.scenario)
    highs = live.bridge.highs
    for name, default in HIGHS_DEFAULTS.items():
        assert highs.getOptionValue(name)[1] == default, name
    assert highs.getOptionValue("mip_rel_gap")[1] == portfolio.mip_gap


def test_a_project_forced_in_is_funded_by_a_search_from_scratch():
    """A project the last plan left out (one with no group or requirement, so forcing it in is
    feasible), forced in before a budget cut: the last plan's starts break its one-start row, so
    there is neither a proof nor a neighbourhood from them, and branch and bound from scratch
    funds it. The path is decided by the structure, not the size: 10 regions with 40 projects show
    it in a second, where the 100-project portfolio's search from scratch took a minute."""
    portfolio = synthetic_projects(synthetic_scenario(10, 6, 5, seed=0), 40, seed=0)
    live = planner.PlanModel(portfolio)
    first = live.solve()
    plain = {p.id for p in portfolio.projects if not p.group and not p.requires}
    left_out = next(i for i in first.projects.loc[~first.projects["funded"], "id"] if i in plain)
    data = live.scenario.model_dump()
    for row in data["projects"]:
        row["mandatory"] = row["mandatory"] or row["id"] == left_out
    live.update(planner.validate_scenario(data))
    plan = live.solve(budget=portfolio.total_budget() * 0.95)
    assert plan.projects.set_index("id").loc[left_out, "funded"]
    assert paths(plan) == (0.0, 1.0)
    assert plan.timings["neighbourhood_starts"] == 0.0
    assert_same_as_fresh(plan, live.scenario)


def test_a_time_limit_counts_from_the_re_solve_not_from_the_first_solve(portfolio):
    """HiGHS reads an LP's time limit against a clock that runs on over all the runs of its object.
    After 1 s of solves on a live model, a re-solve limited to 0.5 s (a warm re-solve takes a few
    ms) must still be allowed its 0.5 s and end optimal, not stop at once with no plan."""
    live = planner.PlanModel(synthetic_scenario(20, 6, 5, seed=0))
    live.solve()
    highs = live.bridge.highs
    while highs.getRunTime() < 1.0:  # cold LPs until the object's clock has run 1 s
        highs.clearSolver()
        highs.run()
    for factor in (0.95, 1.05):
        plan = live.solve(budget=live.scenario.total_budget() * factor, time_limit_s=0.5)
        assert plan.status == "optimal"
        assert plan.allocated_total <= live.scenario.total_budget() * (1 + 1e-9)


def test_a_project_forced_out_against_the_incumbent_is_searched_again():
    """Excluding port_b (the incumbent funds it; its one start option is 2026) puts the incumbent's
    starts outside the column bounds: no proof from them, branch and bound funds port_a: E = 24
    (tests/test_projects.py)."""
    live = planner.PlanModel(ports())
    live.solve()
    live.bridge.set_column_bounds(live.model.u["port_b", 2026], 0, 0)
    plan = live.solve()
    assert paths(plan) == (0.0, 1.0)
    assert pytest.approx(24.0) == plan.E
    assert plan.gap is not None and plan.gap <= 1e-4
