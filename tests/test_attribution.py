"""Attribution of B − A to groups of input changes (planner.attribute, issue 17)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import tiny

import planner
from planner.analysis.attribution_groups import GROUP_NAMES, compose, model_inputs
from planner.cli import main

ONE = [("r1", "a", 100.0, 1.0)]  # one region, one sector, need 100, benefit 1 per unit of money


@pytest.fixture(scope="module")
def western():
    return planner.load_scenario("western_china")


def edited(scenario, change):
    """The scenario with ``change(data)`` applied to its plain dump, validated again."""
    data = scenario.model_dump()
    change(data)
    return planner.validate_scenario(data)


def _row(table, key, value):
    return next(row for row in table if row[key] == value)


def _sums_to_change(result, tol=1e-6):
    for metric in result.metrics:
        assert result.values[metric].sum() == pytest.approx(result.change[metric], abs=tol)


def test_hand_case_two_groups():
    """One region, one sector, need 100, benefit 1, one period: E is the money allocated,
    min(budget, need), and coverage is E / need.

    A: budget 50, need 100 → E 50, coverage 0.5.  B: budget 80, need 60 → E 60, coverage 1.
    {budget}: budget 80, need 100 → E 80, coverage 0.8.  {needs}: budget 50, need 60 → E 50, 5/6.

    Shapley, E:  budget = ½[(80 − 50) + (60 − 50)] = 20;  needs = ½[(50 − 50) + (60 − 80)] = −10.
    Sum 10 = 60 − 50. Alone: budget +30, needs 0; the pair adds 60 − 80 − 50 + 50 = −20.
    Coverage: budget = ½[(0.8 − 0.5) + (1 − 5/6)] = 7/30;  needs = ½[(5/6 − 0.5) + (1 − 0.8)] = 4/15.
    """
    a = tiny(ONE, [{"id": "r1"}], budget=50)
    b = tiny([("r1", "a", 60.0, 1.0)], [{"id": "r1"}], budget=80)
    result = planner.attribute(a, b, metrics=("E", "min_coverage"))
    assert result.groups == ["budget", "needs"]
    assert result.method == "exact"
    assert result.values.loc["budget", "E"] == pytest.approx(20)
    assert result.values.loc["needs", "E"] == pytest.approx(-10)
    assert result.values.loc["budget", "min_coverage"] == pytest.approx(7 / 30)
    assert result.values.loc["needs", "min_coverage"] == pytest.approx(4 / 15)
    assert result.alone.loc["budget", "E"] == pytest.approx(30)
    assert result.alone.loc["needs", "E"] == pytest.approx(0, abs=1e-9)
    assert result.pairs.loc[0, "E"] == pytest.approx(-20)
    assert result.regions.loc["budget", "r1"] == pytest.approx(20)
    assert result.solves == 4
    assert (
        "Of the +10.0 rise in benefit E, the higher budget accounts for +20.0" in result.summary()
    )


def test_symmetric_groups_get_equal_values():
    """Budget and capacity both hold the allocation at 50 in A; B raises both to 80. Either alone
    changes nothing (the other still binds at 50), both together give 80: each gets 15."""
    a = tiny(ONE, [{"id": "r1", "max_per_period": 50}], budget=50)
    b = tiny(ONE, [{"id": "r1", "max_per_period": 80}], budget=80)
    result = planner.attribute(a, b)
    assert result.groups == ["budget", "capacities"]
    assert result.values.loc["budget", "E"] == pytest.approx(15)
    assert result.values.loc["capacities", "E"] == pytest.approx(15)
    assert result.alone["E"].abs().max() == pytest.approx(0, abs=1e-9)
    assert "together add 30.0 more than each alone" in result.summary()


def test_a_group_that_changes_nothing_gets_zero():
    """With one period, nothing can be carried into a later one: ending carry-over moves no plan."""
    a = tiny(ONE, [{"id": "r1"}], budget=50, carry_over=True)
    b = tiny(ONE, [{"id": "r1"}], budget=80, carry_over=False)
    result = planner.attribute(a, b)
    assert result.groups == ["budget", "carry_over"]
    assert result.values.loc["carry_over"].abs().max() == pytest.approx(0, abs=1e-9)
    assert result.regions.loc["carry_over"].abs().max() == pytest.approx(0, abs=1e-9)
    assert result.values.loc["budget", "E"] == pytest.approx(30)


def test_infeasible_subset_keeps_the_last_feasible_value():
    """A: budget 50, floor 30% of need 100. B: budget 80, floor 70%. The floor alone (70 > 50) is
    infeasible. Order budget→floors: +30 then 0. Order floors→budget: the floor step keeps 50 (0),
    the budget step goes to 80 (+30). So budget 30, floors 0, and the subset is reported."""
    a = tiny(ONE, [{"id": "r1", "min_share_of_need": 0.3}], budget=50)
    b = tiny(ONE, [{"id": "r1", "min_share_of_need": 0.7}], budget=80)
    result = planner.attribute(a, b)
    assert result.values.loc["budget", "E"] == pytest.approx(30)
    assert result.values.loc["floors", "E"] == pytest.approx(0, abs=1e-9)
    assert np.isnan(result.alone.loc["floors", "E"])
    assert result.infeasible == [{"groups": ["floors"], "status": "infeasible"}]
    assert "have no optimal plan (e.g. floors)" in result.summary()


MENU = {
    "budget": lambda d: d.update(budget=2300),
    "redundancy_tolerance": lambda d: d.update(redundancy_tolerance=0.1),
    "discount_rate": lambda d: d.update(discount_rate=0.05),
    "needs": lambda d: [
        n.update(need=n["need"] * 1.2) for n in d["needs"] if n["region"] == "sichuan"
    ],
    # the bundled data scores its pairs on criteria: raise the water pairs' gap-relief scores
    "benefits": lambda d: [
        n.update(relief=n["relief"] * 1.3) for n in d["needs"] if n["sector"] == "water"
    ],
    "floors": lambda d: [
        r.update(min_share_of_need=0.45) for r in d["regions"] if r["id"] == "shaanxi"
    ],
    "capacities": lambda d: [
        r.update(max_per_period=30.0) for r in d["regions"] if r["id"] == "xizang"
    ],
    "corridors": lambda d: d["corridors"]["northwest"]["shared_need"].update(transport=320),
    "objective": lambda d: d.update(objective={"mode": "balanced", "equity_weight": 0.3}),
}


def _changed(western, names):
    def change(data):
        for name in names:
            MENU[name](data)

    return edited(western, change)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_values_add_up_to_the_change_on_random_pairs(western, seed):
    rng = np.random.default_rng(seed)
    names = sorted(rng.choice(list(MENU), size=3, replace=False))
    b = _changed(western, names)
    result = planner.attribute(western, b, metrics=("E", "min_coverage", "objective", "allocated"))
    assert result.groups == [g for g in GROUP_NAMES if g in names]
    _sums_to_change(result)
    money_a = planner.solve(western).coverage.set_index("region")["allocated"]
    money_b = planner.solve(b).coverage.set_index("region")["allocated"]
    assert result.regions.sum().to_dict() == pytest.approx((money_b - money_a).to_dict(), abs=1e-6)


def test_sampled_values_converge_to_the_exact_ones(western):
    """Four groups (16 subsets, each solved once per attribution) make the same argument as more:
    400 sampled orders land within 4 standard errors of the exact values, 20 land wider, and one
    seed gives one result."""
    names = ["budget", "redundancy_tolerance", "needs", "corridors"]
    b = _changed(western, names)
    exact = planner.attribute(western, b)
    assert exact.method == "exact" and len(exact.groups) == 4 and exact.solves == 16
    sampled = planner.attribute(western, b, exact_up_to=3, samples=400, seed=3)
    assert sampled.method == "sampled"
    _sums_to_change(sampled)
    for metric in ("E", "objective"):
        gap = (sampled.values[metric] - exact.values[metric]).abs()
        assert (gap <= 4 * sampled.standard_error[metric] + 1e-6).all(), (
            gap,
            sampled.standard_error,
        )
    few = planner.attribute(western, b, exact_up_to=3, samples=20, seed=3)
    assert sampled.standard_error["E"].max() < few.standard_error["E"].max()
    again = planner.attribute(western, b, exact_up_to=3, samples=20, seed=3)
    assert again.values.equals(few.values)


def test_identical_scenarios_give_an_empty_attribution(western):
    result = planner.attribute(western, western.with_changes(name="renamed"))
    assert result.groups == [] and result.table().empty
    assert result.change["E"] == pytest.approx(0)
    assert "nothing to attribute" in result.summary()


def _without_xizang(data):
    data["regions"] = [r for r in data["regions"] if r["id"] != "xizang"]
    data["needs"] = [n for n in data["needs"] if n["region"] != "xizang"]
    data["corridors"].pop("sichuan_xizang")
    # its projects go too, and those elsewhere that require one of them (a structure change)
    ids = {r["id"] for r in data["regions"]}
    kept = [p for p in data.get("projects", []) if p["region"] in ids]
    while any(a not in {k["id"] for k in kept} for p in kept for a in p["requires"]):
        kept = [p for p in kept if all(a in {k["id"] for k in kept} for a in p["requires"])]
    data["projects"] = kept


def test_structure_is_one_player_and_composing_every_group_gives_b(western):
    """Removing Xizang (its needs and its corridor go with it) and raising the budget: two players;
    A with every group taken from B is B as far as the model can tell."""

    def change(data):
        _without_xizang(data)
        data["budget"] = 2000

    b = edited(western, change)
    assert model_inputs(compose(western, b, GROUP_NAMES)) == model_inputs(b)
    result = planner.attribute(western, b)
    assert result.groups == ["structure", "budget"]
    _sums_to_change(result)
    assert result.regions.loc[:, "xizang"].sum() == pytest.approx(
        -planner.solve(western).coverage.set_index("region").loc["xizang", "allocated"]
    )
    assert "removing xizang" in result.summary()


def test_cli_attribute_json(capsys, tmp_path):
    b = _changed(planner.load_scenario("western_china"), ["budget", "redundancy_tolerance"])
    planner.save_scenario(b, tmp_path / "b")
    assert main(["compare", "western_china", str(tmp_path / "b"), "--attribute", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert set(document) >= {"a", "b", "change", "attribution", "method", "solves"}
    assert document["method"] == "exact" and document["solves"] == 4
    row = _row(document["attribution"], "group", "budget")
    assert set(row) >= {"E", "min_coverage", "objective", "alone", "regions"}
    total = sum(r["E"] for r in document["attribution"])
    assert total == pytest.approx(document["change"]["E"], abs=1e-6)


def test_cli_attribute_prints_the_summary(capsys):
    assert main(["compare", "western_china", "western_china", "--attribute"]) == 0
    assert "nothing to attribute" in capsys.readouterr().out


def test_cli_refuses_different_units_and_unrelated_regions(capsys, tmp_path):
    a = tiny(ONE, [{"id": "r1"}], budget=50)
    planner.save_scenario(a, tmp_path / "a")
    planner.save_scenario(edited(a, lambda d: d.update(unit="USD bn")), tmp_path / "usd")
    unrelated = tiny([("r9", "a", 100.0, 1.0)], [{"id": "r9"}], budget=50)
    planner.save_scenario(unrelated, tmp_path / "other")
    for other, words in (
        ("usd", "A is in CNY bn and B in USD bn"),
        ("other", "no region in common"),
    ):
        assert main(["compare", str(tmp_path / "a"), str(tmp_path / other), "--attribute"]) == 2
        err = capsys.readouterr().err
        assert words in err and "Traceback" not in err


def test_cli_refuses_saved_plans_and_infeasible_sides(capsys, tmp_path):
    saved = tmp_path / "plan.json"
    saved.write_text(planner.solve("western_china").to_json(), encoding="utf-8")
    assert main(["compare", str(saved), "western_china", "--attribute"]) == 2
    assert "is a saved plan, not a scenario" in capsys.readouterr().err
    broken = tiny(ONE, [{"id": "r1", "min_share_of_need": 0.9}], budget=50)
    planner.save_scenario(broken, tmp_path / "broken")
    planner.save_scenario(tiny(ONE, [{"id": "r1"}], budget=50), tmp_path / "ok")
    assert main(["compare", str(tmp_path / "ok"), str(tmp_path / "broken"), "--attribute"]) == 3
    assert "B (hand case) is infeasible" in capsys.readouterr().err


def test_reports_against_a_baseline_carry_the_attribution(tmp_path, capsys):
    import openpyxl

    outs = [str(tmp_path / f"plan.{fmt}") for fmt in ("html", "xlsx", "json")]
    args = ["report", "western_china", "--set", "budget=1800", "--baseline", "western_china"]
    assert main([*args, *[x for out in outs for x in ("--out", out)]]) == 0
    html = (tmp_path / "plan.html").read_text(encoding="utf-8")
    assert "Why the plan differs from the baseline" in html and "the lower budget" in html
    assert "Attribution" in openpyxl.load_workbook(tmp_path / "plan.xlsx").sheetnames
    document = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    assert [r["group"] for r in document["attribution"]["attribution"]] == ["budget"]
    plain = tmp_path / "plain.html"
    planner.export(planner.solve("western_china"), plain)
    assert "Why the plan differs" not in plain.read_text(encoding="utf-8")
