"""The core model against optima derived by hand, one case per constraint family.

The base scenario (tests/conftest.py): one period, budget 20, no carry-over, tranches [1, 0.5].
Its tranches, as (pair, tranche) → size @ marginal benefit:

    r1a: 4 @ 3,   4 @ 1.5        (need 8,  benefit 3)
    r1b: 5 @ 1.2, 5 @ 0.6        (need 10, benefit 1.2)
    r2a: 10 @ 2,  10 @ 1         (need 20, benefit 2)

Without other limits the LP buys the best slices first: 4@3, 10@2, 4@1.5, then 2 of 5@1.2:
E* = 12 + 20 + 6 + 2.4 = 40.4, with r1a = 8, r1b = 2, r2a = 10 and a budget shadow price of 1.2.
"""

from __future__ import annotations

import math

import pytest
from conftest import make

import planner
from tests.checker import violations


def amounts(plan) -> dict[tuple[str, str], float]:
    return plan.allocation.groupby(["region", "sector"])["amount"].sum().to_dict()


def dual(plan, name: str) -> float:
    row = plan.constraints.set_index("name").loc[name]
    assert row["binding"], f"{name} should bind"
    return float(row["dual"])


def solved(scenario, **changes):
    plan = planner.solve(scenario, **changes)
    assert plan.status == "optimal", plan.message
    assert violations(plan.scenario, plan) == []
    return plan


def test_base_optimum_matches_hand_computation(base):
    plan = solved(base)
    assert plan.objective == pytest.approx(40.4)
    assert pytest.approx(40.4) == plan.E
    got = amounts(plan)
    assert got[("r1", "a")] == pytest.approx(8)
    assert got[("r1", "b")] == pytest.approx(2)
    assert got[("r2", "a")] == pytest.approx(10)
    assert dual(plan, "budget[2026]") == pytest.approx(1.2)
    assert plan.min_coverage == pytest.approx(min(10 / 18, 10 / 20))


def test_budget_binds_and_more_budget_buys_the_next_slices(base):
    """Budget 25: 3 more of r1b@1.2 then 2 of r2a@1 → E = 40.4 + 3.6 + 2 = 46."""
    plan = solved(base, budget=25)
    assert plan.objective == pytest.approx(46.0)
    assert plan.allocated_total == pytest.approx(25)


def test_budget_is_never_exceeded_and_unneeded_money_lapses():
    """Budget 100 against a total need of 38: everything is funded once, 62 lapse."""
    plan = solved(make(budget=100))
    assert plan.allocated_total == pytest.approx(38)
    assert plan.unspent_total == pytest.approx(62)
    assert plan.objective == pytest.approx(12 + 6 + 6 + 3 + 20 + 10)


def test_corridor_funds_a_shared_need_once():
    """Corridor {r1, r2} caps sector a at 12: 4@3 and 8@2 fill it; the 8 left go to r1b
    (5@1.2, 3@0.6): E = 12 + 16 + 6 + 1.8 = 35.8. One more unit of cap buys 2 and gives up 0.6."""
    plan = solved(make(corridors={"g": {"regions": ["r1", "r2"], "shared_need": {"a": 12}}}))
    assert plan.objective == pytest.approx(35.8)
    assert sum(v for (r, s), v in amounts(plan).items() if s == "a") == pytest.approx(12)
    assert dual(plan, "corridor[g,a]") == pytest.approx(1.4)
    assert dual(plan, "budget[2026]") == pytest.approx(0.6)


def test_redundancy_tolerance_loosens_the_corridor_cap():
    """τ = 0.25 lifts the cap to 15: 4@3, 10@2, 1@1.5 in the corridor, then 5@1.2: E = 39.5."""
    scenario = make(corridors={"g": {"regions": ["r1", "r2"], "shared_need": {"a": 12}}})
    plan = solved(scenario, redundancy_tolerance=0.25)
    assert plan.objective == pytest.approx(39.5)


def test_floor_forces_money_to_a_region():
    """r1's floor 0.7 × 18 = 12.6: r1a 8 and r1b 4.6 (@1.2), r2a the remaining 7.4 (@2):
    E = 12 + 6 + 5.52 + 14.8 = 38.32; raising the floor by 1 moves a unit from 2 to 1.2."""
    plan = solved(make(regions=[{"id": "r1", "min_share_of_need": 0.7}, {"id": "r2"}]))
    assert plan.objective == pytest.approx(38.32)
    assert dual(plan, "floor[r1]") == pytest.approx(-0.8)


def test_capacity_limits_what_a_region_absorbs():
    """r2 absorbs at most 6 per period: 6@2 to r2a, r1a 8, r1b 5@1.2 + 1@0.6: E = 36.6."""
    plan = solved(make(regions=[{"id": "r1"}, {"id": "r2", "max_per_period": 6}]))
    assert plan.objective == pytest.approx(36.6)
    assert dual(plan, "capacity[r2,2026]") == pytest.approx(1.4)


@pytest.mark.parametrize(
    "profile",
    [{"share_max": {"a": 0.5}}, {"share_min": {"b": 0.5}}],
    ids=["share_max", "share_min"],
)
def test_specialization_share_keeps_the_sector_mix(profile):
    """r1 must keep r1a ≤ r1b. Paired units (one of each) are worth (3 + 1.2)/2 = 2.1 per unit of money
    up to 4 each, beating r2a's 2; then r2a 10@2; the last 2 buy one more pair at (1.5 + 1.2)/2:
    E = 16.8 + 20 + 2.7 = 39.5 with r1a = r1b = 5."""
    scenario = make(regions=[{"id": "r1", "profile": "p"}, {"id": "r2"}], profiles={"p": profile})
    plan = solved(scenario)
    assert plan.objective == pytest.approx(39.5)
    got = amounts(plan)
    assert got[("r1", "a")] == pytest.approx(5)
    assert got[("r1", "b")] == pytest.approx(5)


def test_profile_weight_multiplies_benefit():
    """Weight 2 on sector b makes r1b's slices 2.4 and 1.2: 4@3, 5@2.4, 10@2, 1@1.5 → E = 44.5."""
    scenario = make(
        regions=[{"id": "r1", "profile": "p"}, {"id": "r2"}], profiles={"p": {"weight": {"b": 2}}}
    )
    assert solved(scenario).objective == pytest.approx(12 + 12 + 20 + 1.5)


def test_carry_over_moves_money_to_a_later_period():
    """One region needs 10 (benefit 1) and absorbs 5 a period; budget [10, 0].
    Without carry-over only 5 can be used; with it, 5 is carried into 2027: E = 10."""
    one = {
        "periods": [2026, 2027],
        "budget": [10, 0],
        "tranches": [1.0],
        "sectors": ["a"],
        "regions": [{"id": "r", "max_per_period": 5}],
        "needs": [{"region": "r", "sector": "a", "need": 10, "benefit": 1}],
    }
    assert solved(make(**one)).objective == pytest.approx(5)
    plan = solved(make(**one), carry_over=True)
    assert plan.objective == pytest.approx(10)
    assert plan.budget["carried_out"].tolist() == pytest.approx([5, 0])


def test_discount_rate_weights_later_periods_less():
    """Need 30, budget 10 a period, rate 0.1: E = 10 + 10 / 1.1."""
    scenario = make(
        periods=[2026, 2027],
        budget=20,
        sectors=["a"],
        tranches=[1.0],
        regions=[{"id": "r"}],
        needs=[{"region": "r", "sector": "a", "need": 30, "benefit": 1}],
        discount_rate=0.1,
    )
    assert solved(scenario).objective == pytest.approx(10 + 10 / 1.1)


def test_equity_maximizes_least_coverage_then_benefit(base):
    """Needs 18 and 20 share a budget of 20: the best least coverage is 20/38, both regions at it
    (r1 = 180/19, r2 = 200/19). Among those plans the tie-break buys r1a 8, r1b the rest (@1.2)
    and r2a 10@2 plus the rest @1: E = 18 + 1.2·(180/19 − 8) + 20 + (200/19 − 10)."""
    plan = solved(base, mode="equity")
    z_star = 20 / 38
    assert plan.objective == pytest.approx(z_star)
    assert plan.min_coverage == pytest.approx(z_star, abs=1e-6)
    expected_e = 18 + 1.2 * (180 / 19 - 8) + 20 + (200 / 19 - 10)
    assert pytest.approx(expected_e, rel=1e-6) == plan.E


def test_balanced_sits_between_the_two_single_objectives(base):
    efficiency = solved(base)
    equity = solved(base, mode="equity")
    balanced = solved(base, mode="balanced", equity_weight=0.5)
    # equity's tie-break may use the spec's 1e-7 slack on z*, worth up to ~1e-6 of E here
    assert equity.E <= balanced.E + 1e-5
    assert balanced.E <= efficiency.E + 1e-9
    assert efficiency.min_coverage <= balanced.min_coverage + 1e-9 <= equity.min_coverage + 1e-6
    e_star, z_star = efficiency.E, equity.objective
    assert balanced.objective == pytest.approx(
        0.5 * balanced.E / e_star + 0.5 * balanced.min_coverage / z_star, rel=1e-6
    )
    # the weighted optimum is at least as good as either end point under the same weights
    for other in (efficiency, equity):
        assert (
            balanced.objective >= 0.5 * other.E / e_star + 0.5 * other.min_coverage / z_star - 1e-9
        )


def test_balanced_weight_zero_and_one_are_the_single_objectives(base):
    assert pytest.approx(40.4) == solved(base, mode="balanced", equity_weight=0).E
    assert solved(base, mode="balanced", equity_weight=1).min_coverage == pytest.approx(
        20 / 38, abs=1e-6
    )


def test_shadow_prices_match_finite_differences(base):
    """The budget dual is the change of E* per extra unit of budget."""
    scenario = make(corridors={"g": {"regions": ["r1", "r2"], "shared_need": {"a": 12}}})
    plan = solved(scenario)
    nudged = solved(scenario, budget=20.01)
    assert (nudged.objective - plan.objective) / 0.01 == pytest.approx(
        dual(plan, "budget[2026]"), rel=1e-6
    )


def test_infeasible_floors_name_the_conflicting_families():
    """Floors of 0.9 need 0.9 × 38 = 34.2 against a budget of 20."""
    scenario = make(
        regions=[{"id": "r1", "min_share_of_need": 0.9}, {"id": "r2", "min_share_of_need": 0.9}]
    )
    plan = planner.solve(scenario)
    assert plan.status == "infeasible"
    assert plan.objective is None
    text = "\n".join(plan.diagnosis.lines)
    assert plan.message == plan.diagnosis.lines[0]
    assert "floor" in text and "raise the budget by 14.2" in text


def test_a_live_model_resolves_like_a_fresh_one(base):
    live = planner.PlanModel(base)
    for budget in (10, 25, 40, 20):
        again = live.solve(budget=budget)
        fresh = planner.solve(base, budget=budget)
        assert again.objective == pytest.approx(fresh.objective)
        assert again.allocation["amount"].tolist() == pytest.approx(
            fresh.allocation["amount"].tolist()
        )


def test_plan_tables_have_the_promised_shape(base):
    plan = solved(base)
    assert list(plan.allocation.columns) == ["region", "sector", "period", "amount"]
    assert set(plan.constraints["kind"]) <= {
        "budget",
        "corridor",
        "floor",
        "capacity",
        "share_min",
        "share_max",
    }
    document = plan.to_dict()
    for key in ("status", "objective", "E", "min_coverage", "allocation", "constraints"):
        assert key in document
    assert document["allocation"][0]["period"] == 2026
    assert not math.isnan(plan.timings["total_s"])
