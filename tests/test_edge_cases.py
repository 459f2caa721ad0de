"""Solver edge cases: time limits, badly scaled needs, and degenerate scenarios that must solve.

Each degenerate scenario (zero budget, every need zero, one region × one sector × one period, a
one-member corridor, a region with no needs) gives status ``optimal`` with a plan the independent
checker accepts and the optimum the reference LP finds, never an error.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd
import pytest

import planner
from planner.cli import main
from planner.errors import ExitCode
from planner.scenario.model import Scenario, validate_scenario
from planner.scenario.synthetic import synthetic_scenario
from tests.checker import check_plan, violations
from tests.reference_lp import solve_reference


def small(**overrides: Any) -> Scenario:
    """Two regions × two sectors × two periods, every family present; ``overrides`` replace fields."""
    data: dict[str, Any] = {
        "version": 1,
        "name": "edge",
        "periods": [2026, 2027],
        "budget": 100.0,
        "carry_over": True,
        "discount_rate": 0.05,
        "sectors": ["power", "water"],
        "tranches": [1.0, 0.5],
        "regions": [
            {"id": "north", "profile": "hub", "min_share_of_need": 0.1, "max_per_period": 60},
            {"id": "south", "min_share_of_need": 0.2},
        ],
        "needs": [
            {"region": "north", "sector": "power", "need": 40, "benefit": 1.2},
            {"region": "north", "sector": "water", "need": 30, "benefit": 0.9},
            {"region": "south", "sector": "power", "need": 35, "benefit": 1.1},
            {"region": "south", "sector": "water", "need": 20, "benefit": 1.0},
        ],
        "profiles": {"hub": {"share_min": {"power": 0.2}, "share_max": {"water": 0.7}}},
        "corridors": {"trunk": {"regions": ["north", "south"], "shared_need": {"power": 50}}},
    }
    data.update(overrides)
    return validate_scenario(data)


def solve_and_check(scenario: Scenario) -> planner.Plan:
    plan = planner.solve(scenario)
    check_plan(scenario, plan)
    reference = solve_reference(scenario)
    assert reference.status == "optimal"
    assert math.isclose(plan.objective, reference.optimum, rel_tol=1e-7, abs_tol=1e-9)
    return plan


# ---- time limit ----


@pytest.fixture(scope="module")
def medium() -> Scenario:
    return synthetic_scenario(60, 6, 5, seed=1)


@pytest.mark.parametrize("mode", ["efficiency", "equity", "balanced"])
def test_time_limit_stops_with_status_and_says_what_is_left(medium: Scenario, mode: str) -> None:
    # a limit of a nanosecond is always reached before HiGHS can finish a 7,200-column LP: the test
    # asserts the status it must report, not how long anything took
    plan = planner.solve(medium, time_limit_s=1e-9, mode=mode)
    assert plan.status == "time limit"
    assert plan.objective is None
    assert plan.message.startswith("time limit:")
    if plan.E is None:  # no feasible point found: the allocation is empty, and says so
        assert plan.allocated_total == 0.0 and "not a plan" in plan.message
    else:  # whatever was found must be feasible
        assert not violations(medium, plan)


def test_time_limit_exit_code_is_4(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["solve", "western_china", "--time-limit", "1e-9", "--json"])
    out, err = capsys.readouterr()
    assert code == ExitCode.SOLVER == 4
    document = json.loads(out)
    assert document["status"] == "time limit" and document["objective"] is None
    assert document["message"].startswith("time limit:")


def test_a_generous_time_limit_changes_nothing(medium: Scenario) -> None:
    assert planner.solve(medium, time_limit_s=3600).objective == pytest.approx(
        planner.solve(medium).objective, rel=1e-9
    )


@pytest.mark.parametrize("limit", [0, -1.0, math.inf, math.nan])
def test_a_time_limit_that_is_not_positive_seconds_is_refused(limit: float) -> None:
    with pytest.raises(planner.ScenarioError, match="time limit"):
        planner.solve(small(), time_limit_s=limit)


@pytest.mark.parametrize("text", ["0", "-5", "soon", "inf"])
def test_the_command_refuses_a_bad_time_limit(text: str) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["solve", "western_china", "--time-limit", text])
    assert exit_info.value.code == ExitCode.INVALID_INPUT


# ---- scaling ----


def spread_needs(factor: float) -> Scenario:
    """Needs from 1e-3 to 1e6 (× factor), with a budget that funds about half of them."""
    sizes = [1e-3, 1e-1, 10.0, 1e3, 1e5, 1e6]
    needs = [
        {
            "region": f"r{i}",
            "sector": s,
            "need": size * factor * (1 + 0.1 * j),
            "benefit": 1 + 0.1 * i,
        }
        for i, size in enumerate(sizes)
        for j, s in enumerate(["a", "b"])
    ]
    total = sum(n["need"] for n in needs)
    regions = [
        {"id": f"r{i}", "min_share_of_need": 0.3, "max_per_period": 0.5 * sizes[i] * factor * 2.1}
        for i in range(len(sizes))
    ]
    return validate_scenario(
        {
            "version": 1,
            "name": f"spread x{factor:g}",
            "periods": [1, 2, 3],
            "budget": 0.5 * total,
            "discount_rate": 0.03,
            "sectors": ["a", "b"],
            "tranches": [1.0, 0.7, 0.4],
            "regions": regions,
            "needs": needs,
            "corridors": {"pair": {"regions": ["r4", "r5"], "shared_need": {"a": 0.8e6 * factor}}},
        }
    )


def test_needs_spanning_nine_orders_of_magnitude_solve_like_a_rescaled_copy() -> None:
    base, scaled = spread_needs(1.0), spread_needs(1000.0)
    plan = solve_and_check(base)
    big = solve_and_check(scaled)
    assert big.objective == pytest.approx(1000 * plan.objective, rel=1e-8)
    # the allocation scales too; the smallest needs (1e-3) are kept, not rounded away as noise
    x = plan.allocation.set_index(["region", "sector", "period"])["amount"]
    x_big = big.allocation.set_index(["region", "sector", "period"])["amount"]
    coverage = plan.coverage.set_index("region")["coverage"]
    assert coverage["r0"] >= 0.3 - 1e-9  # the 1e-3 region's floor is met, not lost in tolerances
    # per entry, relative to that entry (1e-6) plus solver noise relative to its own pair's need
    # (1e-9): a tolerance scaled by the largest amount (~1e9 here) would hide an error bigger than
    # the smallest needs themselves
    assert sorted(x_big.index) == sorted(x.index)
    need = {(n.region, n.sector): n.need for n in scaled.needs}
    pair_need = pd.Series([need[r, s] for r, s, _t in x_big.index], index=x_big.index)
    error = (x_big - 1000 * x.reindex(x_big.index)).abs()
    allowed = 1e-6 * x_big.abs() + 1e-9 * pair_need
    assert (error <= allowed).all(), error[error > allowed]
    small_needs = x_big.index.get_level_values("region") == "r0"
    assert (x_big[small_needs] > 0).any()  # the 1e-3 (× 1000) needs are funded, so compared


# ---- degenerate scenarios ----


def test_zero_budget_gives_an_empty_optimal_plan() -> None:
    scenario = small(budget=0.0, regions=[{"id": "north"}, {"id": "south"}], profiles={})
    plan = solve_and_check(scenario)
    assert plan.objective == 0.0 and plan.allocated_total == 0.0


def test_zero_budget_with_floors_is_infeasible_not_an_error() -> None:
    plan = planner.solve(small(budget=0.0))
    assert plan.status == "infeasible"
    assert solve_reference(small(budget=0.0)).status == "infeasible"


def test_every_need_zero() -> None:
    needs = [
        {"region": r, "sector": s, "need": 0.0, "benefit": 1.0}
        for r in ("north", "south")
        for s in ("power", "water")
    ]
    plan = solve_and_check(small(needs=needs))
    assert plan.objective == 0.0 and plan.allocated_total == 0.0
    assert plan.min_coverage is None  # no region has a need, so no coverage to report


def test_one_region_one_sector_one_period() -> None:
    scenario = validate_scenario(
        {
            "version": 1,
            "name": "tiny",
            "periods": [2026],
            "budget": 30.0,
            "sectors": ["power"],
            "tranches": [1.0, 0.5],
            "regions": [{"id": "only"}],
            "needs": [{"region": "only", "sector": "power", "need": 40, "benefit": 2.0}],
        }
    )
    plan = solve_and_check(scenario)
    # first tranche (20) at 2.0, then 10 of the second at 1.0
    assert plan.objective == pytest.approx(20 * 2.0 + 10 * 1.0)


def test_a_corridor_with_one_member_caps_that_member() -> None:
    scenario = small(
        corridors={"spur": {"regions": ["south"], "shared_need": {"power": 5.0}}},
    )
    plan = solve_and_check(scenario)
    south_power = plan.allocation.query("region == 'south' and sector == 'power'")["amount"].sum()
    assert south_power == pytest.approx(5.0)


def test_a_region_with_no_needs_gets_nothing_and_breaks_nothing() -> None:
    regions = [*small().model_dump()["regions"], {"id": "empty", "min_share_of_need": 0.5}]
    scenario = small(regions=regions)
    plan = solve_and_check(scenario)
    assert plan.allocation.query("region == 'empty'")["amount"].sum() == 0.0
    coverage = plan.coverage.set_index("region")
    assert math.isnan(coverage.loc["empty", "coverage"])
    assert plan.min_coverage == pytest.approx(coverage["coverage"].dropna().min())


def test_a_region_with_no_needs_under_a_share_profile() -> None:
    regions = [*small().model_dump()["regions"], {"id": "empty", "profile": "hub"}]
    solve_and_check(small(regions=regions))
