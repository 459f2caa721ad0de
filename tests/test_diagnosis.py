"""The infeasibility diagnosis: the proposed relaxation, applied, makes the scenario feasible, and it is
no larger than needed (checked against numbers derived by hand)."""

from __future__ import annotations

import json

import pytest
from conftest import tiny

import planner
from planner.cli import main
from planner.solve.plan_model import diagnose
from tests.conftest import western_lp
from tests.reference_lp import elastic_optimum


def floors_over_budget():
    """Floors 0.6 × 150 + 0.6 × 100 = 150 against a budget of 100: 50 short.

    The weights prefer lowering a floor to raising the budget (planner/analysis/elastic.py), so the fix lowers
    floors by 50 in total; raising the budget by 50 alone also works.
    """
    return tiny(
        [("a", "road", 150, 1.0), ("b", "road", 100, 1.0)],
        [{"id": "a", "min_share_of_need": 0.6}, {"id": "b", "min_share_of_need": 0.6}],
        100,
    )


def floor_over_corridor():
    """Region a's floor asks 0.5 × 100 = 50 of road money, the corridor it shares caps road at 40:
    the floor must drop by 10 (to 40%), which is cheaper by the tie-break than raising the cap."""
    return tiny(
        [("a", "road", 100, 1.0), ("b", "road", 50, 1.0)],
        [{"id": "a", "min_share_of_need": 0.5}, {"id": "b"}],
        200,
        corridors={"c": {"regions": ["a", "b"], "shared_need": {"road": 40}}},
    )


def floor_over_capacity():
    """A floor of 0.5 × 100 = 50 over two periods with a capacity of 10 per period (20 in all):
    30 short; no budget helps."""
    return tiny(
        [("a", "road", 100, 1.0)],
        [{"id": "a", "min_share_of_need": 0.5, "max_per_period": 10}],
        200,
        periods=(1, 2),
    )


def share_over_need():
    """At least half of a's money must go to road, whose need is 10, while its floor forces
    0.5 × 110 = 55 in all: road 10 against 27.5 asked, 17.5 short; the share drops to 10/55."""
    return tiny(
        [("a", "road", 10, 1.0), ("a", "water", 100, 1.0)],
        [{"id": "a", "min_share_of_need": 0.5, "profile": "p"}],
        200,
        profiles={"p": {"share_min": {"road": 0.5}}},
    )


CASES = {
    "floors_over_budget": (floors_over_budget, 50.0, "floor", 50.0),
    "floor_over_corridor": (floor_over_corridor, 10.0, "floor", None),
    "floor_over_capacity": (floor_over_capacity, 30.0, "floor", None),
    "share_over_need": (share_over_need, 17.5, "share_min", None),
}


@pytest.mark.parametrize("case", CASES)
def test_proposal_is_the_hand_derived_minimum(case):
    make, money, family, budget_alone = CASES[case]
    d = diagnose(make())
    assert not d.feasible
    assert d.relaxations["money"].sum() == pytest.approx(money, abs=1e-6)
    assert set(d.relaxations["family"]) == {family}
    assert d.budget_alone == (None if budget_alone is None else pytest.approx(budget_alone))


@pytest.mark.parametrize("case", CASES)
def test_applied_proposal_is_feasible(case):
    scenario = CASES[case][0]()
    assert planner.solve(scenario).status == "infeasible"
    assert planner.solve(diagnose(scenario).apply(scenario)).status == "optimal"


@pytest.mark.parametrize("case", [*CASES, "western_china_at_100"])
def test_relaxation_total_is_the_elastic_optimum(case):
    """The diagnosis's total is the least weighted relaxation, recomputed independently: the elastic
    LP rebuilt from the reference LP's rows (tests/reference_lp.py, no code shared with the
    planner's elastic LP) and solved by interior point. For the hand cases it is also the weight of
    the family times the hand-derived money."""
    from planner.analysis.elastic import WEIGHTS

    if case == "western_china_at_100":
        scenario = western_lp().with_changes(budget=100)  # the independent LP knows no projects
    else:
        scenario = CASES[case][0]()
    d = diagnose(scenario)
    assert d.total == pytest.approx(elastic_optimum(scenario, WEIGHTS), rel=1e-6)
    if case in CASES:
        _make, money, family, _budget = CASES[case]
        assert d.total == pytest.approx(WEIGHTS[family] * money, rel=1e-9)


def test_a_smaller_floor_change_stays_infeasible():
    """No larger than needed: 95% of the proposed floor change leaves the conflict (40% works,
    42% does not)."""
    scenario = floor_over_corridor()
    d = diagnose(scenario)
    (row,) = d.relaxations.itertuples()
    assert row.proposed == pytest.approx(0.4)
    short = scenario.model_dump()
    short["regions"][0]["min_share_of_need"] = row.current + 0.95 * row.change
    assert planner.solve(planner.validate_scenario(short)).status == "infeasible"


def test_budget_alone_is_minimal_and_works():
    scenario = floors_over_budget()
    d = diagnose(scenario)
    assert planner.solve(d.apply_budget_alone(scenario)).status == "optimal"
    assert planner.solve(scenario, budget=100 + 0.99 * d.budget_alone).status == "infeasible"
    assert any("needs at least 150.0" in line for line in d.lines)


def test_iis_names_the_conflicting_rows():
    assert set(diagnose(floor_over_capacity()).iis) == {
        "floor[a]",
        "capacity[a,1]",
        "capacity[a,2]",
    }


def test_feasible_scenario_needs_nothing():
    d = diagnose(planner.load_scenario("western_china"))
    assert d.feasible and d.relaxations.empty


def test_infeasible_plan_carries_diagnosis():
    plan = planner.solve(floors_over_budget())
    assert plan.status == "infeasible"
    assert plan.message == plan.diagnosis.lines[0]
    assert plan.to_dict()["diagnosis"]["relaxations"]


def test_cli_solve_exits_3_with_diagnosis_on_stderr(capsys):
    code = main(["solve", "western_china", "--set", "budget=300"])
    err = capsys.readouterr().err
    assert code == 3
    assert err.startswith("infeasible:") and "raise the budget by" in err


def test_cli_solve_json_includes_diagnosis(capsys):
    code = main(["solve", "western_china", "--set", "budget=300", "--json"])
    document = json.loads(capsys.readouterr().out)
    assert code == 3
    assert document["diagnosis"]["lines"][0] == document["message"]


def test_cli_diagnose_exit_codes(capsys):
    assert main(["diagnose", "western_china"]) == 0
    assert main(["diagnose", "western_china", "--set", "budget=300", "--json"]) == 3
    document = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert document["feasible"] is False and document["budget_alone"] > 0
