"""Re-planning against actual spending (shared/spec/actuals.md): hand cases whose optima are derived in
their docstrings, each A3 relaxation binding on its own, late and out-of-window starts, a mandatory
project that missed its window, and a live model taking the next year's record in place.

Every tiny scenario has one tranche (tranches: [1]) and no discounting unless said, so E is
Σ benefit · money + Σ value of the started projects, easy to add up by hand.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest

import planner
from planner.scenario.model import validate_scenario
from tests.checker import check_plan

BASE: dict[str, Any] = {
    "version": 1,
    "name": "replan hand case",
    "periods": [2026, 2027],
    "budget": [30, 30],
    "carry_over": False,
    "sectors": ["power", "water"],
    "tranches": [1.0],
    "regions": [{"id": "north"}, {"id": "south"}],
    "needs": [
        {"region": "north", "sector": "power", "need": 20, "benefit": 2},
        {"region": "south", "sector": "power", "need": 20, "benefit": 1},
    ],
}


def scenario(actuals: dict[str, Any], **changes: Any) -> planner.Scenario:
    data = copy.deepcopy(BASE)
    data.update(copy.deepcopy(changes))
    data["actuals"] = actuals
    return validate_scenario(data)


def spent(plan: planner.Plan, region: str, sector: str, period: int) -> float:
    a = plan.allocation
    hit = a[(a.region == region) & (a.sector == sector) & (a.period == period)]
    return float(hit.amount.sum())


def relaxed(plan: planner.Plan) -> dict[str, tuple[float, float]]:
    assert plan.actuals is not None
    return {r["constraint"]: (r["from"], r["to"]) for r in plan.actuals["relaxed"]}


def row(region: str, sector: str, period: int, amount: float) -> dict[str, Any]:
    return {"region": region, "sector": sector, "period": period, "amount": amount}


def test_need_overrun_is_relaxed_to_the_past_and_no_further() -> None:
    """north power (need 20, benefit 2) really got 26 in 2026; south power nothing.

    A3 raises need[north,power] to X = 26, and only that. The tranche is then full: 2027 gives north
    power nothing more, and south power its whole need 20 (budget 30). E = 2·26 + 1·20 = 72.
    Without the relaxation the record itself would break constraint 1: infeasible.
    """
    s = scenario({"through": 2026, "spending": [row("north", "power", 2026, 26)]})
    plan = planner.solve(s)
    assert plan.status == "optimal"
    assert relaxed(plan) == {"need[north,power]": (20, 26)}
    assert spent(plan, "north", "power", 2027) == pytest.approx(0, abs=1e-7)
    assert spent(plan, "south", "power", 2027) == pytest.approx(20)
    assert pytest.approx(72) == plan.E
    check_plan(s, plan)


def test_corridor_is_relaxed_to_what_both_members_spent() -> None:
    """A corridor over north and south caps power at 10; the record shows 12 + 3 = 15 in 2026.

    A3 raises the cap to 15 and no further, so 2027 funds no more power in either member:
    E = 2·12 + 1·3 = 27, and the corridor row stays at its raised cap.
    """
    s = scenario(
        {
            "through": 2026,
            "spending": [row("north", "power", 2026, 12), row("south", "power", 2026, 3)],
        },
        corridors={"trunk": {"regions": ["north", "south"], "shared_need": {"power": 10}}},
    )
    plan = planner.solve(s)
    assert relaxed(plan) == {"corridor[trunk,power]": (10, 15)}
    assert pytest.approx(27) == plan.E
    corridor = plan.constraints.set_index("name").loc["corridor[trunk,power]"]
    assert corridor.rhs == pytest.approx(15)
    check_plan(s, plan)


def test_capacity_is_relaxed_in_the_past_period_only() -> None:
    """north can absorb 10 a period but got 13 in 2026 (need 30).

    A3 raises capacity[north,2026] to 13; 2027 keeps 10, so north power gets 10 more:
    E = 2·(13 + 10) = 46 from north, plus south power's 20 of the 2027 budget's rest (30 − 10):
    E = 46 + 20 = 66.
    """
    s = scenario(
        {"through": 2026, "spending": [row("north", "power", 2026, 13)]},
        regions=[{"id": "north", "max_per_period": 10}, {"id": "south"}],
        needs=[
            {"region": "north", "sector": "power", "need": 30, "benefit": 2},
            {"region": "south", "sector": "power", "need": 20, "benefit": 1},
        ],
    )
    plan = planner.solve(s)
    assert relaxed(plan) == {"capacity[north,2026]": (10, 13)}
    assert spent(plan, "north", "power", 2027) == pytest.approx(10)
    assert pytest.approx(66) == plan.E
    check_plan(s, plan)


def test_budget_without_carry_over_is_raised_to_the_period_spent() -> None:
    """Budget 10 a period, no carry-over; 2026 really spent 14 on north power (need 40).

    B'[2026] = max(10, 14 − 0) = 14; 2027 keeps 10: E = 2·(14 + 10) = 48.
    """
    s = scenario(
        {"through": 2026, "spending": [row("north", "power", 2026, 14)]},
        budget=[10, 10],
        needs=[{"region": "north", "sector": "power", "need": 40, "benefit": 2}],
    )
    plan = planner.solve(s)
    assert relaxed(plan) == {"budget[2026]": (10, 14)}
    assert pytest.approx(48) == plan.E
    assert plan.budget.set_index("period").loc[2026, "budget"] == pytest.approx(14)
    check_plan(s, plan)


def test_budget_with_carry_over_is_raised_only_beyond_what_was_carried() -> None:
    """Budget 10 a period over 2026–2028 with carry-over; through 2027, the record shows 4 then 18.

    C[2026] = 10 − 4 = 6; B'[2027] = max(10, 18 − 6) = 12, C[2027] = 12 + 6 − 18 = 0; 2028 keeps 10.
    North power (need 40, benefit 2) gets 4 + 18 + 10 = 32: E = 64. Had 2027 spent 15, the carry
    would have covered it and nothing would be relaxed.
    """
    case = {
        "periods": [2026, 2027, 2028],
        "budget": [10, 10, 10],
        "carry_over": True,
        "needs": [{"region": "north", "sector": "power", "need": 40, "benefit": 2}],
    }
    record = [row("north", "power", 2026, 4), row("north", "power", 2027, 18)]
    plan = planner.solve(scenario({"through": 2027, "spending": record}, **case))
    assert relaxed(plan) == {"budget[2027]": (10, 12)}
    assert pytest.approx(64) == plan.E
    record[1]["amount"] = 15
    assert relaxed(planner.solve(scenario({"through": 2027, "spending": record}, **case))) == {}


PROJECT = {"id": "dam", "region": "south", "sector": "water", "cost": 6, "value": 10}


def test_a_late_project_starts_after_through() -> None:
    """The dam (cost 6, value 10, window 2026–2027) was planned for 2026, with discount rate 0.1
    making the earlier start worth more; it did not start. The re-plan starts it in 2027:
    its value counts 10 / 1.1, and 2026 holds north power's record of 20 (its whole need).
    E = 2·20 + 10 / 1.1; south power gets 2027's remaining 24 of 30 … but its need is 20: 20 / 1.1.
    """
    s = scenario(
        {"through": 2026, "spending": [row("north", "power", 2026, 20)], "projects": []},
        discount_rate=0.1,
        projects=[PROJECT],
    )
    fresh = planner.solve(s.with_changes(actuals=None))
    assert fresh.projects.set_index("id").loc["dam", "start"] == 2026
    plan = planner.solve(s)
    assert plan.projects.set_index("id").loc["dam", "start"] == 2027
    assert pytest.approx(2 * 20 + 10 / 1.1 + 1 * 20 / 1.1) == plan.E
    check_plan(s, plan)


def test_a_project_started_outside_its_window_is_kept_where_it_started() -> None:
    """The dam's window is 2027 alone, but it really started in 2026 (6 recorded in south water).

    A2 widens its window to include 2026 and fixes the start there: funded in 2026, value 10 at
    d = 1, nothing of it in 2027. E = 10 + 2·20 (north power in 2027) + 1·4 (south power, the
    2027 budget's rest)."""
    dam = {**PROJECT, "earliest": 2027}
    s = scenario(
        {
            "through": 2026,
            "spending": [row("south", "water", 2026, 6)],
            "projects": [{"id": "dam", "start": 2026}],
        },
        projects=[dam],
        budget=[6, 24],
    )
    plan = planner.solve(s)
    assert plan.projects.set_index("id").loc["dam", "start"] == 2026
    assert spent(plan, "south", "water", 2027) == pytest.approx(0, abs=1e-7)
    assert pytest.approx(10 + 40 + 4) == plan.E
    check_plan(s, plan)


def test_a_project_not_recorded_as_started_does_not_start_in_the_past() -> None:
    """A line (north power, cost 6, value 30, window 2026–2027) would pay for itself in 2026, and
    the record's 6 of north power could be its cash; but it is not recorded as started (A2), so the
    6 is programme money (2·6) and the line starts in 2027 (30). The 2027 budget of 30 then holds
    the line's 6, north power's remaining need 20 − 6 = 14 (2·14) and 10 of south power (1·10):
    E = 12 + 30 + 28 + 10 = 80. Were the past's start free, the line would take 2026 and E be 90."""
    line = {"id": "line", "region": "north", "sector": "power", "cost": 6, "value": 30}
    s = scenario(
        {"through": 2026, "spending": [row("north", "power", 2026, 6)], "projects": []},
        projects=[line],
    )
    plan = planner.solve(s)
    assert plan.projects.set_index("id").loc["line", "start"] == 2027
    benefit = plan.E
    assert benefit == pytest.approx(80)
    check_plan(s, plan)


def test_a_mandatory_project_that_missed_its_only_window_is_diagnosed_by_name() -> None:
    """A mandatory dam that could start only in 2026 did not: no plan can start it any more."""
    dam = {**PROJECT, "name": "Southern dam", "latest": 2026, "mandatory": True}
    s = scenario({"through": 2026, "spending": []}, projects=[dam])
    plan = planner.solve(s)
    assert plan.status == "infeasible"
    assert "Southern dam" in plan.message
    assert "2026" in plan.message
    assert "Southern dam" in planner.diagnose(s).lines[0]


def test_a_requirement_the_past_broke_is_dropped_and_a_group_raised() -> None:
    """Two alternatives (group max 1) both started in 2026, and 'pump' requires 'dam', which started
    only then too: no requirement is broken (same period), but the group is: max 1 → 2."""
    projects = [
        {**PROJECT, "group": "alt"},
        {**PROJECT, "id": "pump", "group": "alt", "requires": "dam"},
    ]
    s = scenario(
        {
            "through": 2026,
            "spending": [row("south", "water", 2026, 12)],
            "projects": [{"id": "dam", "start": 2026}, {"id": "pump", "start": 2026}],
        },
        projects=projects,
        project_groups={"alt": {"max": 1}},
    )
    plan = planner.solve(s)
    assert relaxed(plan) == {"group[alt]": (1, 2)}
    late = scenario(
        {
            "through": 2026,
            "spending": [row("south", "water", 2026, 6)],
            "projects": [{"id": "pump", "start": 2026}],
        },
        projects=projects,
        project_groups={"alt": {"max": 1}},
    )
    assert relaxed(planner.solve(late)) == {"requires[pump,dam]": (1, 0)}


def test_shares_count_only_the_unlocked_periods() -> None:
    """north's profile keeps water at most half of its money. 2026 spent 10 on north power; in 2027
    north water (benefit 3, need 10) may then be at most half of 2027's north money alone (A4), not
    of the horizon's: with north power's need used up (need 10), water gets 0 in 2027, not 10.
    """
    s = scenario(
        {"through": 2026, "spending": [row("north", "power", 2026, 10)]},
        regions=[{"id": "north", "profile": "mixed"}, {"id": "south"}],
        profiles={"mixed": {"share_max": {"water": 0.5}}},
        needs=[
            {"region": "north", "sector": "power", "need": 10, "benefit": 1},
            {"region": "north", "sector": "water", "need": 10, "benefit": 3},
        ],
    )
    plan = planner.solve(s)
    assert spent(plan, "north", "water", 2027) == pytest.approx(0, abs=1e-7)
    whole_horizon = planner.solve(s.with_changes(actuals=None))
    assert spent(whole_horizon, "north", "water", 2026) + spent(
        whole_horizon, "north", "water", 2027
    ) == pytest.approx(10)


def test_locked_rows_are_reported_as_fixed_by_the_past() -> None:
    """2026 spent its whole 30 budget but its row is the past's: no shadow price, not binding;
    2027's budget (north power's last 10 and south power's 20) binds as usual."""
    s = scenario(
        {
            "through": 2026,
            "spending": [row("north", "power", 2026, 10)],
        },
        budget=[10, 30],
    )
    plan = planner.solve(s)
    rows = plan.constraints.set_index("name")
    assert "budget[2026]" in plan.actuals["fixed"]
    assert math.isnan(rows.loc["budget[2026]", "dual"])
    assert not rows.loc["budget[2026]", "binding"]
    assert rows.loc["budget[2027]", "binding"]


def test_a_live_model_takes_the_next_record_in_place() -> None:
    """Other amounts for the same year, then the next year's record (through one period later, an
    overrun that relaxes a budget), then the first record again, each re-solve the live model
    without a rebuild and equal a fresh solve of their record; taking the overrun back restores the
    budget it had relaxed."""
    periods = {"periods": [2026, 2027, 2028], "budget": [30, 30, 30]}
    first = scenario({"through": 2026, "spending": [row("north", "power", 2026, 12)]}, **periods)
    this_year = {"through": 2026, "spending": [row("north", "power", 2026, 5)]}
    next_year = {
        "through": 2027,
        "spending": [
            row("north", "power", 2026, 5),
            row("south", "power", 2027, 20),
            row("north", "power", 2027, 15),
        ],
    }
    live = planner.PlanModel(first)
    live.solve()
    model = live.model
    for record in (this_year, next_year, this_year):
        again = live.solve(actuals=record)
        assert live.model is model
        fresh = planner.solve(first.with_changes(actuals=record))
        benefit = again.E
        assert benefit == pytest.approx(fresh.E)
        assert again.actuals == fresh.actuals
        assert spent(again, "north", "power", 2026) == pytest.approx(5)
    assert relaxed(live.solve(actuals=next_year)) == {"budget[2027]": (30, 35)}
    assert relaxed(live.solve(actuals=this_year)) == {}
