"""The fast path gives the plan the straightforward path gives.

- A live ``PlanModel`` re-solved after each kind of change (budget, need, benefit, tolerance, floors,
  capacity, share bounds, weights, tranches, discount rate, carry-over, equity weight) equals a
  model built from scratch for the changed scenario: objective, allocation and duals. A switch to
  or from efficiency mode rebuilds (the rows z ≤ cov[r] come or go) and equals a fresh build too.
- The model's optimum equals what Pyomo's own ``appsi_highs`` interface finds for the same model
  (a second route from the Pyomo formulation to HiGHS, without the bridge).
- The benchmark's independent raw-highspy reading of the spec reaches the same optimum.

Nothing here is timed: speed lives in ``bench/run.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from pyomo.environ import SolverFactory

import models
import planner
from planner.scenario.model import Scenario, validate_scenario
from planner.scenario.synthetic import synthetic_scenario
from planner.solve.plan import Plan
from planner.solve.plan_model import PlanModel
from tests.conftest import western_lp

REL = 1e-7


@pytest.fixture(scope="module")
def base() -> Scenario:
    return synthetic_scenario(12, 4, 5, seed=3)


def with_tables(scenario: Scenario, **tables: Any) -> Scenario:
    return validate_scenario({**scenario.model_dump(), **tables})


def scaled_needs(scenario: Scenario, need: float, benefit: float) -> Scenario:
    rows = [dict(n) for n in scenario.model_dump()["needs"]]
    for row in rows[::3]:
        row["need"] *= need
        row["benefit"] *= benefit
    return with_tables(scenario, needs=rows)


def tighter_regions(scenario: Scenario) -> Scenario:
    rows = scenario.model_dump()["regions"]
    for row in rows[:5]:
        row["min_share_of_need"] = 0.3
        row["max_per_period"] = row["max_per_period"] * 0.7
    return with_tables(scenario, regions=rows)


def other_profiles(scenario: Scenario) -> Scenario:
    profiles = scenario.model_dump()["profiles"]
    profiles["hub"]["share_max"]["s3"] = 0.35
    profiles["hub"]["weight"]["s0"] = 2.5
    profiles["green"]["share_min"]["s3"] = 0.3
    return with_tables(scenario, profiles=profiles)


def other_corridors(scenario: Scenario) -> Scenario:
    corridors = scenario.model_dump()["corridors"]
    for corridor in corridors.values():
        corridor["shared_need"] = {s: v * 0.5 for s, v in corridor["shared_need"].items()}
    return with_tables(scenario, corridors=corridors)


CHANGES = {
    "budget": lambda s: s.with_changes(budget=s.total_budget() * 0.7),
    "budget per period": lambda s: s.with_changes(budget=[300.0, 100.0, 50.0, 250.0, 200.0]),
    "need and benefit": lambda s: scaled_needs(s, need=1.8, benefit=0.6),
    "floors and capacity": tighter_regions,
    "shares and weights": other_profiles,
    "corridor caps": other_corridors,
    "tolerance": lambda s: other_corridors(s).with_changes(redundancy_tolerance=0.3),
    "discount rate": lambda s: s.with_changes(discount_rate=0.15),
    "tranches": lambda s: s.with_changes(tranches=[1.0, 0.95, 0.3, 0.1]),
    "carry-over off": lambda s: s.with_changes(
        budget=[50.0, 400.0, 50.0, 400.0, 100.0]
    ).with_changes(carry_over=False),
}
"""Changes that keep the model's shape, from the efficiency-mode base."""

EQUITY_CHANGES = {
    "balanced mode": lambda s: s.with_changes(mode="balanced", equity_weight=0.3),
    "equity weight": lambda s: s.with_changes(mode="balanced", equity_weight=0.8),
    "budget in equity mode": lambda s: s.with_changes(budget=s.total_budget() * 0.6),
    "floors in equity mode": tighter_regions,
}
"""Changes that keep the shape of an equity-mode model (its rows z ≤ cov[r] stay)."""

MODE_SWITCH = {"equity mode": lambda s: s.with_changes(mode="equity")}
"""A change of shape: the live model rebuilds itself."""


def assert_same_plan(got: Plan, want: Plan) -> None:
    assert got.status == want.status == "optimal"
    assert got.objective == pytest.approx(want.objective, rel=REL, abs=1e-9)
    benefit_got, benefit_want = got.E, want.E
    assert benefit_got == pytest.approx(benefit_want, rel=REL, abs=1e-9)
    assert np.allclose(got.allocation["amount"], want.allocation["amount"], rtol=1e-6, atol=1e-6)
    assert list(got.constraints["name"]) == list(want.constraints["name"])
    assert np.allclose(got.constraints["rhs"], want.constraints["rhs"], rtol=1e-9, atol=1e-9)
    assert np.allclose(got.constraints["dual"], want.constraints["dual"], rtol=1e-6, atol=1e-7)
    assert list(got.constraints["binding"]) == list(want.constraints["binding"])
    assert np.allclose(
        got.budget.drop(columns="period"), want.budget.drop(columns="period"), atol=1e-6
    )
    assert np.allclose(got.coverage["allocated"], want.coverage["allocated"], atol=1e-6)


@pytest.mark.parametrize("change", list(CHANGES))
def test_resolve_after_change_equals_fresh_build(base: Scenario, change: str) -> None:
    changed = CHANGES[change](base)
    assert models.structure_key(changed) == models.structure_key(base)  # a true re-solve
    live = PlanModel(base)
    first = live.solve()
    live.update(changed)
    assert_same_plan(live.solve(), PlanModel(changed).solve())
    live.update(base)  # and back: the live model forgets nothing
    assert_same_plan(live.solve(), first)


@pytest.mark.parametrize("change", list(EQUITY_CHANGES))
def test_resolve_in_equity_modes_equals_fresh_build(base: Scenario, change: str) -> None:
    equity = base.with_changes(mode="equity")
    changed = EQUITY_CHANGES[change](equity)
    assert models.structure_key(changed) == models.structure_key(equity)
    live = PlanModel(equity)
    first = live.solve()
    live.update(changed)
    assert_same_plan(live.solve(), PlanModel(changed).solve())
    live.update(equity)
    assert_same_plan(live.solve(), first)


@pytest.mark.parametrize("mode", ["equity", "balanced"])
def test_switching_from_efficiency_rebuilds_with_equity_rows(base: Scenario, mode: str) -> None:
    """Efficiency mode has no rows z ≤ cov[r]; a switch to a mode that reads z adds them (a
    rebuild), and switching back drops them again."""
    live = PlanModel(base)
    assert not live.bridge.rows_of(live.model.coverage)
    live.solve()
    changed = base.with_changes(mode=mode)
    assert models.structure_key(changed) != models.structure_key(base)
    live.update(changed)
    assert len(live.bridge.rows_of(live.model.coverage)) == len(base.regions)
    assert_same_plan(live.solve(), PlanModel(changed).solve())
    live.update(base)
    assert not live.bridge.rows_of(live.model.coverage)
    assert_same_plan(live.solve(), PlanModel(base).solve())


def test_changes_in_sequence_equal_fresh_builds(base: Scenario) -> None:
    """A slider session: many changes on one live model, each equal to its own fresh build."""
    live = PlanModel(base)
    scenario = base
    for change in (
        "budget",
        "need and benefit",
        "shares and weights",
        "discount rate",
        "equity mode",
    ):
        scenario = {**CHANGES, **MODE_SWITCH}[change](scenario)
        live.update(scenario)
        assert_same_plan(live.solve(), PlanModel(scenario).solve())


def test_keyword_changes_equal_fresh_solve(base: Scenario) -> None:
    live = PlanModel(base)
    for budget in (400.0, 700.0, 550.0):
        assert_same_plan(live.solve(budget=budget), planner.solve(base, budget=budget))


def test_optimum_equals_pyomo_appsi_highs() -> None:
    """The bridge's hand-over of the Pyomo model loses nothing: appsi_highs finds the same E*."""
    for scenario in (planner.load_scenario("western_china"), synthetic_scenario(9, 3, 4, seed=5)):
        plan = planner.solve(scenario)
        m = models.build_model(scenario)
        m.objective_z.deactivate()
        result = SolverFactory("appsi_highs").solve(m)
        assert str(result.solver.termination_condition) == "optimal"
        from pyomo.environ import value

        assert plan.objective == pytest.approx(value(m.objective_E), rel=REL)


def test_optimum_equals_independent_numpy_lp() -> None:
    """The benchmark's raw highspy LP, written separately from the spec, agrees with the model."""
    import highspy

    from bench.reference_highspy import build_lp

    for scenario in (synthetic_scenario(20, 5, 3, seed=7), western_lp()):
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.passModel(build_lp(scenario))
        h.run()
        want = h.getInfo().objective_function_value
        assert planner.solve(scenario).objective == pytest.approx(want, rel=REL)


def test_first_solve_of_large_model_uses_interior_point_and_keeps_duals(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Forcing the interior-point start on a small case gives the simplex's plan, duals included."""
    from planner.solve import bridge as highs_bridge

    scenario = synthetic_scenario(10, 4, 3, seed=2)
    want = PlanModel(scenario).solve()
    monkeypatch.setattr(highs_bridge, "INTERIOR_POINT_FROM_COLUMNS", 1)
    live = PlanModel(scenario)
    assert live.bridge.highs.getOptionValue("solver")[1] == "ipm"
    assert_same_plan(live.solve(), want)
    assert live.bridge.highs.getOptionValue("solver")[1] == "choose"  # re-solves warm-start
    assert_same_plan(
        live.solve(budget=300.0), PlanModel(scenario.with_changes(budget=300.0)).solve()
    )


def test_frozen_large_model_is_freed_on_rebuild_and_drop(monkeypatch, base: Scenario) -> None:  # type: ignore[no-untyped-def]
    """A model frozen out of the collector's walks is released when it is rebuilt or dropped:
    the old Pyomo model (cyclic garbage) is really freed, and nothing stays frozen."""
    import gc
    import importlib
    import weakref

    monkeypatch.setattr(
        importlib.import_module("planner.solve.plan_model"), "FREEZE_FROM_COLUMNS", 1
    )
    live = PlanModel(base)
    assert gc.get_freeze_count() > 0
    first = weakref.ref(live.model)
    live.update(base.with_changes(mode="equity"))  # a new shape: rebuilt, frozen again
    assert first() is None
    assert_same_plan(live.solve(), PlanModel(base.with_changes(mode="equity")).solve())
    second = weakref.ref(live.model)
    del live
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert second() is None


def test_plan_tables_read_later_are_those_of_their_own_solve(base: Scenario) -> None:
    """A plan's tables are built on first read, from numbers taken when it was solved: reading
    them after the live model has re-solved at another budget gives the first plan's tables."""
    live = PlanModel(base)
    first = live.solve(budget=400.0)
    second = live.solve(budget=650.0)
    assert_same_plan(first, planner.solve(base, budget=400.0))
    assert_same_plan(second, planner.solve(base, budget=650.0))
    assert first.scenario_digest == base.with_changes(budget=400.0).digest()
