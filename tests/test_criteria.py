"""Benefits derived from scored criteria (shared/spec/criteria.md)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import planner
from planner.errors import ScenarioError
from planner.scenario.model import validate_scenario
from tests.checker import spec_benefits
from tests.reference_lp import solve_reference


def hand(**changes: Any) -> planner.Scenario:
    """One period, budget 15, two regions, criteria people (weight 1) and ecology (weight 2).

    | pair  | need | people | ecology |
    | r1, a |  10  |  100   |    0    |
    | r1, b |  10  |   50   |    4    |
    | r2, a |  10  |    0   |    1    |
    | r2, b |   0  |  400   |    9    |   (no need: not in max_c)

    max_people = 100 and max_ecology = 4 (r2/b has no need, so its 400 and 9 do not count).
    benefit r1/a = 1·100/100 + 2·0/4 = 1.0; r1/b = 1·50/100 + 2·4/4 = 2.5; r2/a = 0 + 2·1/4 = 0.5.
    Optimum: r1/b's 10 first (25), then 5 of r1/a (5): E = 30; people's part 0.5·10 + 1·5 = 10,
    ecology's 2·10 = 20. With ecology at 0: benefits 1, 0.5, 0 → r1/a 10, r1/b 5: E = 12.5.
    """
    data: dict[str, Any] = {
        "version": 1,
        "name": "hand",
        "periods": [1],
        "budget": 15,
        "sectors": ["a", "b"],
        "regions": [{"id": "r1"}, {"id": "r2"}],
        "criteria": {"people": {"weight": 1}, "ecology": {"weight": 2, "label": "Ecology"}},
        "needs": [
            {"region": "r1", "sector": "a", "need": 10, "people": 100, "ecology": 0},
            {"region": "r1", "sector": "b", "need": 10, "people": 50, "ecology": 4},
            {"region": "r2", "sector": "a", "need": 10, "people": 0, "ecology": 1},
            {"region": "r2", "sector": "b", "need": 0, "people": 400, "ecology": 9},
        ],
    }
    data.update(changes)
    return validate_scenario(data)


def test_hand_case_benefits_and_optimum():
    s = hand()
    assert s.derived_benefits() == pytest.approx(
        {("r1", "a"): 1.0, ("r1", "b"): 2.5, ("r2", "a"): 0.5, ("r2", "b"): 4.0 + 4.5}
    )
    plan = planner.solve(s)
    assert pytest.approx(30.0) == plan.E
    parts = dict(zip(plan.criteria["criterion"], plan.criteria["E"], strict=True))
    assert parts == pytest.approx({"people": 10.0, "ecology": 20.0})
    row = plan.benefits.set_index(["region", "sector"]).loc[("r1", "b")]
    assert (row["benefit"], row["people"], row["ecology"]) == pytest.approx((2.5, 0.5, 2.0))
    assert plan.to_dict()["criteria"][1]["label"] == "Ecology"


def test_a_weight_change_re_solves_in_place_and_equals_a_fresh_build():
    live = planner.PlanModel(hand())
    model = live.model
    changed = live.solve(criteria={"ecology": 0.0})
    assert live.model is model  # re-solved, not rebuilt
    assert pytest.approx(12.5) == changed.E
    fresh = planner.solve(hand().with_changes(criteria={"ecology": 0.0}))
    assert pytest.approx(fresh.E) == changed.E
    assert changed.allocation["amount"].tolist() == pytest.approx(
        fresh.allocation["amount"].tolist()
    )


def test_set_criteria_name_equals_the_mapping_form():
    assert hand().with_changes(**{"criteria.ecology": 0.5}) == hand().with_changes(
        criteria={"ecology": 0.5}
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"criteria": {}}, "criteria"),
        ({"criteria": {"people": {"weight": -1}}}, "criteria.people.weight"),
        ({"criteria": {"people": {"weight": float("inf")}}}, "criteria.people.weight"),
        ({"criteria": {"people": {"weight": 1}, "jobs": {"weight": 1}}}, "criteria.jobs"),
    ],
)
def test_bad_criteria_are_refused_by_name(changes, field):
    with pytest.raises(ScenarioError) as err:
        hand(**changes)
    assert field in {p.field for p in err.value.problems}


def test_a_negative_score_and_a_benefit_beside_criteria_are_refused():
    needs = hand().model_dump()["needs"]
    with pytest.raises(ScenarioError) as err:
        hand(needs=[needs[0], {**needs[1], "ecology": -1}, *needs[2:]])
    assert [(p.loc[:2], p.field) for p in err.value.problems] == [(("needs", 1), "needs.ecology")]
    with pytest.raises(ScenarioError) as err:
        hand(needs=[*needs[:2], {**needs[2], "benefit": 1.0}, needs[3]])
    assert [(p.loc[:2], p.field) for p in err.value.problems] == [(("needs", 2), "benefit")]


def test_unknown_weight_change_names_the_criterion():
    with pytest.raises(ScenarioError) as err:
        hand().with_changes(**{"criteria.jobs": 1})
    assert err.value.problems[0].field == "criteria.jobs"


def test_files_round_trip_and_blank_scores_are_zero(tmp_path: Path):
    planner.save_scenario(hand(), tmp_path)
    assert planner.load_scenario(tmp_path) == hand()
    text = (tmp_path / "needs.csv").read_text().replace("r2,a,10.0,0.0,1.0", "r2,a,10.0,,1.0")
    (tmp_path / "needs.csv").write_text(text)
    assert planner.load_scenario(tmp_path) == hand()


def test_a_missing_score_column_and_a_benefit_column_are_refused_in_the_csv(tmp_path: Path):
    planner.save_scenario(hand(), tmp_path)
    lines = (tmp_path / "needs.csv").read_text().splitlines()
    lines[0] = lines[0].replace("ecology", "benefit")
    (tmp_path / "needs.csv").write_text("\n".join(lines) + "\n")
    with pytest.raises(ScenarioError) as err:
        planner.load_scenario(tmp_path)
    found = {(p.file, p.row, p.field) for p in err.value.problems}
    assert ("needs.csv", 1, "ecology") in found and ("needs.csv", 1, "benefit") in found


def test_cli_set_criterion_weight(tmp_path: Path, capsys):
    import json

    from planner.cli import main

    planner.save_scenario(hand(), tmp_path)
    assert main(["solve", str(tmp_path), "--set", "criteria.ecology=0", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["E"] == pytest.approx(12.5)
    assert main(["solve", str(tmp_path), "--set", "criteria.nope=1"]) == 2


def test_weight_frontier_re_solves_and_reports_the_criterion_part():
    table = planner.weight_frontier(hand(), "ecology", [0.0, 2.0])
    assert table["E"].tolist() == pytest.approx([12.5, 30.0])
    assert table["criterion_E"].tolist() == pytest.approx([0.0, 20.0])
    assert table.attrs["first_funded"]["r1/a"] == 0.0


scores = st.floats(0, 50, allow_nan=False)


@settings(max_examples=25, deadline=None)
@given(
    weights=st.lists(st.floats(0, 5, allow_nan=False), min_size=1, max_size=3),
    table=st.lists(st.tuples(st.floats(0, 20), scores, scores, scores), min_size=4, max_size=4),
    budget=st.floats(1, 60),
)
def test_random_criteria_match_the_spec_and_the_reference_lp(weights, table, budget):
    """The model's benefits are the spec's (the checker's own formula), and its optimum is the
    reference LP's, which derives the benefits on its own."""
    keys = ["c0", "c1", "c2"][: len(weights)]
    needs = [
        {"region": r, "sector": s, "need": row[0], **dict(zip(keys, row[1:], strict=False))}
        for (r, s), row in zip(
            [("r1", "a"), ("r1", "b"), ("r2", "a"), ("r2", "b")], table, strict=True
        )
    ]
    s = hand(
        criteria={k: {"weight": w} for k, w in zip(keys, weights, strict=True)},
        needs=needs,
        budget=budget,
    )
    spec = {pair: math.fsum(parts.values()) for pair, parts in spec_benefits(s).items()}
    assert s.derived_benefits() == pytest.approx(spec)
    plan = planner.solve(s)
    reference = solve_reference(s)
    assert plan.is_optimal and reference.status == "optimal"
    # a benefit below HiGHS's dual feasibility tolerance (1e-7) may count as zero in either solve,
    # so two optima can differ by up to that tolerance times the money placed (at most the budget)
    assert pytest.approx(reference.optimum, rel=1e-6, abs=1e-6 + 1e-7 * budget) == plan.E
    assert plan.criteria["E"].sum() == pytest.approx(plan.E, rel=1e-6, abs=1e-6)
