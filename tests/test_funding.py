"""Funding sources (shared/spec/funding.md): hand-derived optima, each family binding, the least-debt
choice, carry-over per source, projects paid by sources, and a live re-solve after an amount change."""

from __future__ import annotations

import copy
from typing import Any

import pandas as pd
import pytest

import planner
from planner.solve.plan import plan_from_dict
from tests.checker import check_plan

ONE_PERIOD: dict[str, Any] = {
    "version": 1,
    "name": "funding hand case",
    "periods": [2026],
    "carry_over": False,
    "sectors": ["transport"],
    "tranches": [1.0],
    "regions": [{"id": "a"}],
    "needs": [{"region": "a", "sector": "transport", "need": 100, "benefit": 1.0}],
}


def scenario(**changes: Any) -> planner.Scenario:
    data = copy.deepcopy(ONE_PERIOD)
    data.update(copy.deepcopy(changes))
    return planner.validate_scenario(data)


def solved(s: planner.Scenario, **options: Any) -> planner.Plan:
    plan = planner.solve(s, **options)
    check_plan(s, plan)
    return plan


def paid(plan: planner.Plan, source: str, region: str | None = None, sector: str | None = None):
    rows = plan.funding[plan.funding["source"] == source]
    if region is not None:
        rows = rows[rows["region"] == region]
    if sector is not None:
        rows = rows[rows["sector"] == sector]
    return float(rows["amount"].sum())


def row(plan: planner.Plan, name: str) -> dict[str, Any]:
    found = plan.constraints[plan.constraints["name"] == name]
    assert len(found) == 1, (name, list(plan.constraints["name"]))
    return found.iloc[0].to_dict()


def test_a_co_financing_cap_binds():
    """Need 100 at benefit 1; central 60 may pay at most half of the pair, own money 20.

    F1: g_c + g_o = m; F3: g_c ≤ 0.5 m; F2: g_o ≤ 20. So m = g_c + g_o ≤ 0.5 m + 20, m ≤ 40:
    E* = 40 with g_c = g_o = 20, and central leaves 40 unused. One more unit of own money adds 2
    (it unlocks as much central money), so its shadow price is 2 and central's 0; relaxing the cap's
    right-hand side by δ gives m = 40 + 2δ, so F3's shadow price is 2 too.
    """
    s = scenario(
        funding={
            "sources": [
                {"id": "central", "amount": 60},
                {"id": "own", "amount": 20, "region": "a"},
            ],
            "rules": [{"source": "central", "max_share": 0.5}],
        }
    )
    plan = solved(s)
    assert pytest.approx(40) == plan.E
    assert paid(plan, "central") == pytest.approx(20) and paid(plan, "own") == pytest.approx(20)
    sources = plan.sources.set_index("source")
    assert sources.loc["central", "unused"] == pytest.approx(40)
    assert sources.loc["own", "dual"] == pytest.approx(2) and sources.loc["own", "binding"]
    assert (
        sources.loc["central", "dual"] == pytest.approx(0) and not sources.loc["central", "binding"]
    )
    share = row(plan, "funding_share[central,a,transport]")
    assert share["binding"] and share["dual"] == pytest.approx(2)


def test_a_debt_room_binds():
    """Regions a (need 50, benefit 1) and b (need 50, benefit 0.5); bonds 80 (debt) for both, own
    money 10 for a alone; a's debt room is 20.

    a gets at most 20 of bonds + 10 of its own = 30; b gets bonds up to its need, 50. E* = 30 + 25
    = 55, and 10 of bonds are left. One more unit of a's debt room moves one unit of idle bonds to a:
    its shadow price is 1.
    """
    s = scenario(
        regions=[{"id": "a", "debt_room": 20}, {"id": "b"}],
        needs=[
            {"region": "a", "sector": "transport", "need": 50, "benefit": 1.0},
            {"region": "b", "sector": "transport", "need": 50, "benefit": 0.5},
        ],
        funding={
            "sources": [
                {"id": "bonds", "amount": 80, "debt": True},
                {"id": "own_a", "amount": 10, "region": "a"},
            ]
        },
    )
    plan = solved(s)
    assert pytest.approx(55) == plan.E
    debt = plan.debt.set_index("region")
    assert debt.loc["a", "drawn"] == pytest.approx(20) and debt.loc["a", "room"] == 20
    assert debt.loc["a", "dual"] == pytest.approx(1)
    assert debt.loc["b", "drawn"] == pytest.approx(50) and pd.isna(debt.loc["b", "room"])
    assert row(plan, "funding_debt[a]")["binding"]
    assert [r["room"] for r in plan.to_dict()["debt"]] == [20, None]


def test_a_region_only_source_funds_its_region_alone():
    """a (need 10, benefit 1) has 30 of its own; b (need 100, benefit 2) only the national 5.

    Own money cannot reach b, so b gets the national 5 (worth 10) and a its need 10 from its own
    (worth 10): E* = 20, 20 of a's money unused (shadow price 0), the national source's price 2.
    """
    s = scenario(
        regions=[{"id": "a"}, {"id": "b"}],
        needs=[
            {"region": "a", "sector": "transport", "need": 10, "benefit": 1.0},
            {"region": "b", "sector": "transport", "need": 100, "benefit": 2.0},
        ],
        funding={
            "sources": [
                {"id": "own_a", "amount": 30, "region": "a"},
                {"id": "central", "amount": 5},
            ]
        },
    )
    plan = solved(s)
    assert pytest.approx(20) == plan.E
    assert paid(plan, "own_a", "b") == 0 and paid(plan, "central", "b") == pytest.approx(5)
    sources = plan.sources.set_index("source")
    assert sources.loc["own_a", "unused"] == pytest.approx(20)
    assert sources.loc["central", "dual"] == pytest.approx(2)


TWO_SECTORS = {
    "sectors": ["transport", "water"],
    "needs": [
        {"region": "a", "sector": "transport", "need": 10, "benefit": 1.0},
        {"region": "a", "sector": "water", "need": 10, "benefit": 3.0},
    ],
}


def test_an_ineligible_pair_gets_no_money_from_that_source():
    """Bonds (20, debt) may not fund water (share 0); own money is 5.

    Water, worth 3 a unit, gets only the own 5; transport gets bonds up to its need 10.
    E* = 15 + 10 = 25, and 10 of bonds are left.
    """
    s = scenario(
        **TWO_SECTORS,
        funding={
            "sources": [{"id": "bonds", "amount": 20, "debt": True}, {"id": "own", "amount": 5}],
            "rules": [{"source": "bonds", "sector": "water", "max_share": 0}],
        },
    )
    plan = solved(s)
    assert pytest.approx(25) == plan.E
    assert paid(plan, "bonds", sector="water") == 0
    assert paid(plan, "own", sector="water") == pytest.approx(5)


def test_a_pair_no_source_may_fund_gets_nothing():
    """With own money barred from water too, water gets nothing however much it is worth: F1 with no
    g reads m = 0. Transport takes bonds up to its need: E* = 10."""
    s = scenario(
        **TWO_SECTORS,
        funding={
            "sources": [{"id": "bonds", "amount": 20, "debt": True}, {"id": "own", "amount": 5}],
            "rules": [{"sector": None, "source": "bonds", "max_share": 1}]
            + [{"source": f, "sector": "water", "max_share": 0} for f in ("bonds", "own")],
        },
    )
    plan = solved(s)
    assert pytest.approx(10) == plan.E
    water = plan.allocation[plan.allocation["sector"] == "water"]["amount"].sum()
    assert water == 0


@pytest.mark.parametrize("mode", ["efficiency", "equity", "balanced"])
def test_the_least_debt_plan_among_equal_benefit_plans(mode):
    """Need 10 at benefit 1; bonds 10 (debt) and own money 10 could each pay it all: every split
    reaches E* = 10 (and coverage 1). The reported plan draws no debt: own money pays the 10."""
    s = scenario(
        regions=[{"id": "a", "debt_room": 50}],
        needs=[{"region": "a", "sector": "transport", "need": 10, "benefit": 1.0}],
        objective={"mode": mode},
        funding={
            "sources": [{"id": "bonds", "amount": 10, "debt": True}, {"id": "own", "amount": 10}]
        },
    )
    plan = solved(s)
    assert pytest.approx(10, abs=1e-5) == plan.E
    assert paid(plan, "own") == pytest.approx(10, abs=1e-5)
    assert paid(plan, "bonds") == pytest.approx(0, abs=1e-5)
    assert plan.debt.set_index("region").loc["a", "drawn"] == pytest.approx(0, abs=1e-5)


def test_the_least_debt_solve_gives_up_no_benefit():
    """Bonds are needed for the optimum: a (need 30, benefit 1) with own money 10 and bonds 30. The
    least-debt plan still reaches E* = 30 (within the spec's 1e-7 relative), drawing 20 of debt."""
    s = scenario(
        needs=[{"region": "a", "sector": "transport", "need": 30, "benefit": 1.0}],
        funding={
            "sources": [{"id": "bonds", "amount": 30, "debt": True}, {"id": "own", "amount": 10}]
        },
    )
    plan = solved(s)
    assert plan.E >= 30 - 1e-7 * 30 - 1e-9
    assert paid(plan, "bonds") == pytest.approx(20, rel=1e-6)


def test_carry_over_is_per_source():
    """Need 20 at benefit 1 over two periods, capacity 10 a period; own money is 20 in 2026 and 0 in
    2027. With carry-over, 10 is spent in 2026 and 10 carried into 2027: E* = 20. Without it, the
    2026 money not spent lapses: E* = 10."""
    base = {
        "periods": [2026, 2027],
        "regions": [{"id": "a", "max_per_period": 10}],
        "needs": [{"region": "a", "sector": "transport", "need": 20, "benefit": 1.0}],
        "funding": {"sources": [{"id": "own", "amount": [20, 0]}]},
    }
    carried = solved(scenario(**base, carry_over=True))
    assert pytest.approx(20) == carried.E
    sources = carried.sources.set_index("period")
    assert sources.loc[2026, "carried_out"] == pytest.approx(10)
    assert sources.loc[2027, "available"] == pytest.approx(10)
    assert carried.budget.set_index("period").loc[2026, "carried_out"] == pytest.approx(10)
    lapsed = solved(scenario(**base, carry_over=False))
    assert pytest.approx(10) == lapsed.E


def test_sources_pay_for_project_cash():
    """A project (cost 30, value 50) in a's transport, beside programme need 10 at benefit 0.1;
    central 20 may pay half of the pair's money, own money 20.

    With the project and the programme, m = 40: central pays 20 (its half), own 20: E* = 50 + 1.
    Without the programme money, central could pay only 15 of the 30: the project needs it.
    """
    s = scenario(
        needs=[{"region": "a", "sector": "transport", "need": 10, "benefit": 0.1}],
        projects=[{"id": "rail", "region": "a", "sector": "transport", "cost": 30, "value": 50}],
        funding={
            "sources": [
                {"id": "central", "amount": 20},
                {"id": "own", "amount": 20, "region": "a"},
            ],
            "rules": [{"source": "central", "max_share": 0.5}],
        },
    )
    plan = solved(s)
    assert bool(plan.projects.set_index("id").loc["rail", "funded"])
    assert pytest.approx(51) == plan.E
    assert paid(plan, "central") == pytest.approx(20) and paid(plan, "own") == pytest.approx(20)


def test_a_live_model_re_solves_an_amount_change_in_place():
    live = planner.PlanModel(planner.load_scenario("tests/scenarios/funding_two_provinces"))
    first = live.solve()
    check_plan(live.scenario, first)
    model = live.model
    changed = live.solve(**{"funding.central": 60})
    assert live.model is model  # no rebuild
    fresh = planner.solve(live.scenario)
    assert pytest.approx(fresh.E, rel=1e-7) == changed.E and changed.E > first.E
    check_plan(live.scenario, changed)
    back = live.solve(**{"funding.central": 40})
    assert pytest.approx(first.E, rel=1e-7) == back.E


def test_a_rule_share_change_re_solves_in_place():
    """A rule's share between 0 and 1 is a parameter: editing it keeps the model."""
    s = planner.load_scenario("tests/scenarios/funding_two_provinces")
    live = planner.PlanModel(s)
    live.solve()
    model = live.model
    rules = [r.model_dump() for r in s.funding.rules]
    rules[0]["max_share"] = 0.7
    data = {**dict(s), "funding": {"sources": s.funding.sources, "rules": rules}}
    edited = planner.validate_scenario(data)
    live.update(edited)
    plan = live.solve()
    assert live.model is model
    assert pytest.approx(planner.solve(edited).E, rel=1e-7) == plan.E
    check_plan(edited, plan)


def test_a_source_dual_is_the_finite_difference_of_the_optimum():
    """The shadow price of F2 for central in 2027 is E's change per unit added to that amount."""
    s = planner.load_scenario("tests/scenarios/funding_two_provinces")
    live = planner.PlanModel(s)
    plan = live.solve(funding={"central": [20, 20]})
    dual = plan.sources.set_index(["source", "period"]).loc[("central", 2027), "dual"]
    step = 0.01
    up = live.solve(funding={"central": [20, 20 + step]}).E
    down = live.solve(funding={"central": [20, 20 - step]}).E
    assert dual > 0
    # both one-sided slopes bracket the dual (the optimum is concave in the amount)
    tol = 1e-4  # the least-debt solve may give up 1e-7 relative of E
    assert (up - plan.E) / step <= dual + tol and (plan.E - down) / step >= dual - tol


def test_json_carries_the_funding_records():
    plan = planner.solve("tests/scenarios/funding_two_provinces")
    document = plan.to_dict()
    assert set(document["funding"][0]) == {"region", "sector", "period", "source", "amount"}
    assert set(document["sources"][0]) == {
        "source",
        "period",
        "available",
        "used",
        "carried_out",
        "unused",
        "dual",
        "binding",
    }
    assert set(document["debt"][0]) == {"region", "drawn", "room", "dual"}
    again = plan_from_dict(document)
    assert len(again.funding) == len(plan.funding) and len(again.sources) == len(plan.sources)


def test_funding_works_with_criteria():
    """Benefits derived from scores (criteria.md): a's transport scores 2 on people, 0 on ecology,
    b's 1 and 1; weights 1 and 1 give benefits 2/2 = 1 (a) and 1/2 + 1/1 = 1.5 (b) per unit. b has
    10 of its own money and central (30) may pay at most half of b's money: b gets 20 (10 own + 10
    central), a the other 20 of central. E* = 1.5 · 20 + 1 · 20 = 50."""
    s = scenario(
        regions=[{"id": "a"}, {"id": "b"}],
        criteria={"people": {"weight": 1.0}, "ecology": {"weight": 1.0}},
        needs=[
            {"region": "a", "sector": "transport", "need": 100, "people": 2, "ecology": 0},
            {"region": "b", "sector": "transport", "need": 100, "people": 1, "ecology": 1},
        ],
        funding={
            "sources": [
                {"id": "central", "amount": 30},
                {"id": "own_b", "amount": 10, "region": "b"},
            ],
            "rules": [{"source": "central", "region": "b", "max_share": 0.5}],
        },
    )
    plan = solved(s)
    assert pytest.approx(50) == plan.E
    assert paid(plan, "central", "b") == pytest.approx(10)
