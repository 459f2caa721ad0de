"""Laws every plan obeys, on random valid scenarios (hypothesis).

Scenarios up to 20 regions × 6 sectors × 5 periods × 4 tranches with random needs (some zero or
missing), benefits, profiles (weights and share bounds), corridors, floors, capacities, budgets
(scalar or per period), carry-over, discount rate and tolerance. Some are infeasible on purpose (high
floors against low budgets): those must be reported infeasible by the planner *and* the reference LP.

For every optimal plan:
- every constraint of the spec holds (``checker.check_plan``, written from the spec);
- the objective equals the optimum of the LP rebuilt in ``reference_lp`` from plain matrices and solved
  by interior point, and lies inside that optimum's weak-duality certificate;
- more budget never lowers E*, and a higher redundancy tolerance never lowers E*;
- in balanced mode, at equity weights drawn with real mass on 0, 1 and within 1e-9 of either end, the
  reported objective is the weighted value (1 − λ) · E / E* + λ · z / z* of the reported plan, and
  equals the reference's balanced optimum.

Examples are derandomized (the same on every run) so a failure reproduces; hypothesis prints the
shrunk scenario.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import planner
from planner.scenario.model import Scenario, validate_scenario
from tests.checker import check_plan
from tests.reference_lp import solve_reference, solve_reference_balanced

PROPERTY_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
REL = 1e-6  # objectives agree to this relative tolerance (the solvers' own are 1e-7…1e-9)

money = st.floats(min_value=0.01, max_value=1000.0, allow_nan=False, allow_infinity=False)
share = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


BUDGET_FACTORS = (0.0, 0.3, 0.7, 1.0, 1.5)  # total budget as a share of the total need
FLOORS = (0.0, 0.05, 0.2, 0.6)  # the one floor level a scenario's regions may have
CORRIDOR_FACTORS = (0.0, 0.3, 0.7, 1.0, 1.5)  # a corridor's shared need as a share of its members'


@st.composite
def scenarios(
    draw: st.DrawFn,
    budget_factors: tuple[float, ...] = BUDGET_FACTORS,
    floors: tuple[float, ...] = FLOORS,
    corridor_factors: tuple[float, ...] = CORRIDOR_FACTORS,
) -> Scenario:
    n_regions = draw(st.integers(1, 20))
    n_sectors = draw(st.integers(1, 6))
    n_periods = draw(st.integers(1, 5))
    sectors = [f"s{j}" for j in range(n_sectors)]
    regions = [f"r{i}" for i in range(n_regions)]
    tranches = sorted(draw(st.lists(st.floats(0.05, 2.0), min_size=1, max_size=4)), reverse=True)
    needs = _needs(draw, regions, sectors)
    total_need = sum(n["need"] for n in needs)
    profiles = _profiles(draw, sectors)
    # one floor level per scenario (a region has it or none), so that infeasible scenarios stay a
    # minority instead of nearly every large scenario having one region whose floor cannot be met
    floor = draw(st.sampled_from(floors))
    region_need = {r: sum(n["need"] for n in needs if n["region"] == r) for r in regions}
    region_rows = [
        _region(draw, r, list(profiles), region_need[r], n_periods, floor) for r in regions
    ]
    budget_total = draw(st.sampled_from(budget_factors)) * max(total_need, 1.0)
    budget: float | list[float]
    if draw(st.booleans()):
        weights = draw(st.lists(st.floats(0.0, 1.0), min_size=n_periods, max_size=n_periods))
        budget = [budget_total * w / max(sum(weights), 1e-9) for w in weights]
    else:
        budget = budget_total
    return validate_scenario(
        {
            "version": 1,
            "name": "random",
            "periods": list(range(2026, 2026 + n_periods)),
            "budget": budget,
            "carry_over": draw(st.booleans()),
            "discount_rate": draw(st.sampled_from([0.0, 0.03, 0.1])),
            "sectors": sectors,
            "tranches": tranches,
            "redundancy_tolerance": draw(st.sampled_from([0.0, 0.1, 0.5])),
            "regions": region_rows,
            "needs": needs,
            "profiles": profiles,
            "corridors": _corridors(draw, regions, sectors, needs, corridor_factors),
        }
    )


def _needs(draw: st.DrawFn, regions: list[str], sectors: list[str]) -> list[dict[str, Any]]:
    rows = []
    for r in regions:
        for s in sectors:
            kind = draw(st.sampled_from(["need", "need", "need", "zero", "missing"]))
            if kind == "missing":
                continue
            need = 0.0 if kind == "zero" else draw(money)
            rows.append(
                {"region": r, "sector": s, "need": need, "benefit": draw(st.floats(0.0, 3.0))}
            )
    return rows


def _profiles(draw: st.DrawFn, sectors: list[str]) -> dict[str, Any]:
    profiles = {}
    for name in draw(st.lists(st.sampled_from(["hub", "green", "core"]), unique=True, max_size=3)):
        chosen = draw(st.lists(st.sampled_from(sectors), unique=True, max_size=len(sectors)))
        share_min, share_max, weight = {}, {}, {}
        for s in chosen:
            role = draw(st.sampled_from(["min", "max", "both", "weight"]))
            low = draw(st.floats(0.0, 0.5 / len(sectors)))
            if role in ("min", "both"):
                share_min[s] = low
            if role in ("max", "both"):
                share_max[s] = draw(st.floats(low, 1.0))
            if role == "weight":
                weight[s] = draw(st.floats(0.0, 2.0))
        profiles[name] = {"weight": weight, "share_min": share_min, "share_max": share_max}
    return profiles


def _region(
    draw: st.DrawFn, rid: str, profiles: list[str], region_need: float, n_periods: int, floor: float
) -> dict[str, Any]:
    capacity = None
    if draw(st.booleans()):
        # per period, a multiple of an even spread of the region's need
        capacity = draw(st.sampled_from([0.3, 0.8, 1.5, 3.0])) * region_need / n_periods
    return {
        "id": rid,
        "profile": draw(st.sampled_from([None, *profiles])),
        "min_share_of_need": draw(st.sampled_from([0.0, floor])),
        "max_per_period": capacity,
    }


def _corridors(
    draw: st.DrawFn,
    regions: list[str],
    sectors: list[str],
    needs: list[dict[str, Any]],
    factors: tuple[float, ...],
) -> dict[str, Any]:
    corridors = {}
    for c in range(draw(st.integers(0, 3))):
        members = draw(st.lists(st.sampled_from(regions), min_size=1, max_size=5, unique=True))
        shared = {}
        for s in draw(st.lists(st.sampled_from(sectors), min_size=1, max_size=2, unique=True)):
            member_need = sum(
                n["need"] for n in needs if n["region"] in members and n["sector"] == s
            )
            shared[s] = draw(st.sampled_from(factors)) * member_need
        corridors[f"g{c}"] = {"regions": members, "shared_need": shared}
    return corridors


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=REL, abs_tol=REL)


@PROPERTY_SETTINGS
@given(scenarios())
def test_optimal_plans_meet_the_spec_and_match_the_reference_lp(scenario: Scenario) -> None:
    plan = planner.solve(scenario)
    reference = solve_reference(scenario)
    event(f"status {plan.status}")
    event(f"size {'large' if len(scenario.regions) * len(scenario.sectors) >= 40 else 'small'}")
    assert plan.status == reference.status, (plan.status, reference.status, plan.message)
    if plan.status != "optimal":
        return
    check_plan(scenario, plan)
    assert _close(plan.objective, reference.optimum), (plan.objective, reference.optimum)
    assert plan.objective <= reference.upper_bound + REL * max(1.0, abs(reference.upper_bound))


@PROPERTY_SETTINGS
@given(scenarios(), st.floats(1.0, 3.0))
def test_more_budget_never_lowers_the_optimum(scenario: Scenario, factor: float) -> None:
    live = planner.PlanModel(scenario)
    before = live.solve()
    budget = scenario.budget
    more = [b * factor for b in budget] if isinstance(budget, list) else budget * factor
    after = live.solve(budget=more)
    if before.status == "optimal":
        assert after.status == "optimal"
        check_plan(live.scenario, after)
        assert after.objective >= before.objective - REL * max(1.0, abs(before.objective))


@PROPERTY_SETTINGS
@given(scenarios(), st.floats(0.0, 1.0))
def test_higher_tolerance_never_lowers_the_optimum(scenario: Scenario, extra: float) -> None:
    live = planner.PlanModel(scenario)
    before = live.solve()
    after = live.solve(redundancy_tolerance=scenario.redundancy_tolerance + extra)
    if before.status == "optimal":
        assert after.status == "optimal"
        check_plan(live.scenario, after)
        assert after.objective >= before.objective - REL * max(1.0, abs(before.objective))


# For equity z* > 0 needs money for every region with a need: no zero budget, no corridor capped at
# zero, and floors low enough to leave most scenarios feasible. Drawn from the full strategy, about half
# the examples had z* = 0 and a third were infeasible, so only ~3 of 25 tested the property.
EQUITY_SCENARIOS = scenarios(
    budget_factors=(0.3, 0.7, 1.0, 1.5), floors=(0.0, 0.05, 0.2), corridor_factors=(0.3, 0.7, 1.5)
)


@settings(
    max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(EQUITY_SCENARIOS)
def test_equity_plans_meet_the_spec_and_match_the_reference_lp(scenario: Scenario) -> None:
    plan = planner.solve(scenario, mode="equity")
    reference = solve_reference(scenario, objective="z")
    event(f"status {plan.status}")
    assert plan.status == reference.status, (plan.status, reference.status)
    if plan.status != "optimal":
        return
    event("z* > 0" if plan.objective > REL else "z* = 0")
    check_plan(scenario, plan)
    assert _close(plan.objective, reference.optimum), (plan.objective, reference.optimum)
    assert plan.objective <= reference.upper_bound + REL * max(1.0, abs(reference.upper_bound))


# λ with real mass on the ends, where a term of the weighted objective vanishes or nearly does (issue 32:
# λ = 1 with projects reported E): exactly 0 or 1, within 1e-9 of either, or anywhere in between
EQUITY_WEIGHT_KINDS = (  # sampled_from leans to its first items: λ = 1, the case of issue 32, first
    st.just(1.0),
    st.floats(1.0 - 1e-9, 1.0, exclude_max=True),
    st.floats(1e-6, 1.0 - 1e-6),
    st.just(0.0),
    st.floats(0.0, 1e-9, exclude_min=True),
)
EQUITY_WEIGHTS = st.sampled_from(EQUITY_WEIGHT_KINDS).flatmap(lambda kind: kind)


def weighted_value(plan: planner.Plan, equity_weight: float) -> float:
    """model.md: (1 − λ) · E / E* + λ · z / z* of the plan, a term dropped when its optimum is 0.

    z is the least coverage up to 1, z's bound in the model and the reference: with projects a
    region's coverage may pass 1, and z* is then 1."""
    assert plan.E_star is not None and plan.z_star is not None
    value = 0.0
    if plan.E_star > 0:
        value += (1 - equity_weight) * plan.E / plan.E_star
    if plan.z_star > 0:
        value += equity_weight * min(plan.min_coverage, 1.0) / plan.z_star
    return value


def balanced_against(
    reference: Callable[[Scenario, float], Any], scenario: Scenario, equity_weight: float
) -> tuple[planner.Plan | None, float | None]:
    """The balanced plan, checked against the spec, and the reference's optimum; both statuses
    agree, and the plan is None unless optimal."""
    plan = planner.solve(scenario, mode="balanced", equity_weight=equity_weight)
    expected = reference(scenario, equity_weight)
    event(f"status {plan.status}")
    event(ends(equity_weight))
    assert plan.status == expected.status, (plan.status, expected.status, plan.message)
    if plan.status != "optimal":
        return None, None
    check_plan(scenario, plan)
    return plan, expected.optimum


def assert_weighted_value(
    plan: planner.Plan, equity_weight: float, optimum: float | None, rel: float, give: float
) -> None:
    """The reported objective is the plan's weighted value and the reference's ``optimum``, within
    ``rel`` of the larger and ``give``, plus the slack of the z term: the tie-break for E may leave
    the plan's least coverage 1e-7 below the weighted plan's."""
    assert optimum is not None and plan.objective is not None
    slack = give + equity_weight * 1e-7 / max(plan.z_star or 0.0, give)
    for expected in (weighted_value(plan, equity_weight), optimum):
        allowed = rel * max(abs(expected), abs(plan.objective)) + slack
        assert abs(plan.objective - expected) <= allowed, (plan.objective, expected, plan.E)


def ends(equity_weight: float) -> str:
    if equity_weight in (0.0, 1.0):
        return f"λ = {equity_weight:g}"
    if min(equity_weight, 1 - equity_weight) <= 1e-9:
        return f"λ within 1e-9 of {round(equity_weight):d}"
    return "λ inside"


@settings(
    max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(EQUITY_SCENARIOS, EQUITY_WEIGHTS)
def test_balanced_plans_report_the_weighted_value_of_the_reference_lp(
    scenario: Scenario, equity_weight: float
) -> None:
    plan, optimum = balanced_against(solve_reference_balanced, scenario, equity_weight)
    if plan is not None:
        assert_weighted_value(plan, equity_weight, optimum, rel=REL, give=REL)
