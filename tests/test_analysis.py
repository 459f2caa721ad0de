"""Frontiers, shadow prices in words and plan comparison: the laws a planner relies on."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import tiny

import planner
from planner.analysis.frontier import budget_levels
from planner.cli import main
from planner.scenario.synthetic import synthetic_scenario
from tests.conftest import western_lp


@pytest.fixture(scope="module")
def western():
    return western_lp()


@pytest.mark.parametrize("seed", [0, 1])
def test_frontier_benefit_never_falls_with_budget(seed):
    scenario = synthetic_scenario(10, 4, 3, seed=seed)
    levels = np.linspace(0.2, 1.2, 9) * scenario.total_budget()
    table = planner.frontier(scenario, levels)
    feasible = table[table["status"] == "optimal"]
    assert len(feasible) >= 5
    assert (np.diff(feasible["E"].to_numpy()) >= -1e-7).all()


def test_frontier_matches_rebuilt_solves(western):
    table = planner.frontier(western, [1200, 2100])
    for row in table.itertuples():
        assert pytest.approx(planner.solve(western, budget=row.budget).E, rel=1e-8) == row.E


def test_frontier_marks_first_funding(western, monkeypatch):
    """Every pair's first funded level, read from the plans the frontier itself solved: funded there
    (more than 1e-6) and at no level before; a pair never funded is not listed.

    The frontier's own plans, recorded, not plans solved afresh per level: the LP is degenerate, and a
    fresh solve at 800 finds another optimum with the same E that leaves ningxia/power unfunded."""
    import planner.analysis.frontier as frontier_module

    plans = []

    class Recording(planner.PlanModel):
        def solve(self, *args, **kwargs):
            plans.append(super().solve(*args, **kwargs))
            return plans[-1]

    monkeypatch.setattr(frontier_module, "PlanModel", Recording)
    levels = [600, 700, 800, 1000, 1500, 2000, 2500]  # 700 is the first feasible: the floors
    table = planner.frontier(western, levels)
    assert [p.status for p in plans] == list(table["status"])
    expected = {}
    for level, plan in zip(levels, plans, strict=True):
        sums = plan.allocation.groupby(["region", "sector"])["amount"].sum()
        for (r, s), amount in sums.items():
            if amount > 1e-6:
                expected.setdefault(f"{r}/{s}", level)
    assert len(expected) == 48  # every pair of western_china gets money at some level
    assert sorted(expected.values()) != [700] * 48  # and not all at the first feasible one
    assert table.attrs["first_funded"] == expected
    listed = [p for x in table["newly_funded"] if x for p in x.split(", ")]
    assert sorted(listed) == sorted(expected)
    for level, row in zip(levels, table.itertuples(), strict=True):
        assert {p for p in (row.newly_funded or "").split(", ") if p} == {
            p for p, first in expected.items() if first == level
        }


def test_budget_levels_include_stop():
    assert budget_levels("1000:2000:500") == [1000, 1500, 2000]
    with pytest.raises(ValueError):
        budget_levels("10:5:1")


def _dominates(p, q, tol=1e-6):
    ge = q.E - tol * abs(q.E) <= p.E and p.min_coverage >= q.min_coverage - tol
    gt = q.E + tol * abs(q.E) < p.E or p.min_coverage > q.min_coverage + tol
    return ge and gt


@pytest.mark.parametrize("budget", [1200, 1600])
def test_pareto_points_are_not_dominated(western, budget):
    """Up to the solver's guarantee: with candidate projects each point is a mixed-integer optimum
    within the relative gap ``mip_gap``, so a point may trail another by that much."""
    table = planner.pareto(western.with_changes(budget=budget), 6)
    points = list(table.itertuples())
    assert all(p.status == "optimal" for p in points)
    assert table["balanced"].sum() == 1
    tol = max(1e-6, western.mip_gap if western.projects else 0.0)
    for p in points:
        assert not any(_dominates(q, p, tol) for q in points), p
    assert points[0].min_coverage < points[-2].min_coverage  # the frontier has a trade-off here


def test_pareto_points_meet_their_epsilon(western):
    table = planner.pareto(western.with_changes(budget=1200), 5)
    eps = table[~table["balanced"]]
    assert (eps["min_coverage"] >= eps["epsilon"] - 1e-6).all()
    assert len(table.attrs["plans"]) == len(table)


def test_compare_deltas_sum_to_total_change(western):
    a, b = planner.solve(western), planner.solve(western, budget=1800)
    comparison = planner.compare(a, b)
    assert comparison.allocation["delta"].sum() == pytest.approx(
        b.allocated_total - a.allocated_total
    )
    kpis = comparison.kpis.set_index("kpi")
    assert kpis.loc["E", "delta"] == pytest.approx(b.E - a.E)
    changed = comparison.constraints
    assert (changed["binding_a"] != changed["binding_b"]).all()
    assert len(changed) > 0


def test_compare_reads_saved_plan_json(western, tmp_path):
    path = tmp_path / "plan.json"
    path.write_text(planner.solve(western, budget=1800).to_json())
    comparison = planner.compare(western, path)
    assert comparison.allocation["delta"].sum() == pytest.approx(-300.0)
    same = planner.compare(path, path)
    assert (same.allocation["delta"] == 0).all() and same.constraints.empty


def test_explain_budget_dual_matches_finite_difference():
    """Two regions, benefits 1 and 2, budget 120: b (100 need) is filled first, so one more unit of
    budget funds a at benefit 1, between budgets 100 and 250 (HiGHS's ranging)."""
    scenario = tiny(
        [("a", "road", 150, 1.0), ("b", "road", 100, 2.0)], [{"id": "a"}, {"id": "b"}], 120
    )
    meaning = planner.explain(planner.solve(scenario)).set_index("name").loc["budget[2026]"]
    assert meaning["dual"] == pytest.approx(1.0)
    assert (meaning["rhs_low"], meaning["rhs_high"]) == pytest.approx((100.0, 250.0))
    assert "One more CNY bn of budget in 2026 would add 1 to the benefit E" in meaning["meaning"]


def test_explain_covers_every_binding_constraint(western):
    plan = planner.solve(western)
    meanings = planner.explain(plan)
    assert set(meanings["name"]) == set(plan.binding_constraints()["name"])
    assert meanings["meaning"].str.len().min() > 20


def test_cli_json_shapes(capsys, tmp_path):
    assert main(["frontier", "western_china", "--budget", "1500:2100:300", "--json"]) == 0
    frontier = json.loads(capsys.readouterr().out)
    assert [p["budget"] for p in frontier["points"]] == [1500, 1800, 2100]
    assert main(["pareto", "western_china", "--points", "3", "--json"]) == 0
    pareto = json.loads(capsys.readouterr().out)
    assert len(pareto["points"]) == len(pareto["plans"]) == 4
    saved = tmp_path / "a.json"
    assert main(["solve", "western_china", "--json"]) == 0
    saved.write_text(capsys.readouterr().out)
    assert main(["compare", str(saved), "western_china", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert set(document) >= {"allocation", "kpis", "constraints"}


def test_cli_rejects_bad_ranges(capsys):
    assert main(["frontier", "western_china", "--budget", "5:1:1"]) == 2
    assert main(["pareto", "western_china", "--points", "1"]) == 2
    assert main(["compare", "western_china", "/nonexistent/plan.json"]) == 2
