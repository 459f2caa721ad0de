"""Laws every funded plan obeys, on random sources and rules (hypothesis; shared/spec/funding.md).

Scenarios up to 4 regions × 3 sectors × 3 periods with 1–4 sources (debt or not, national or one
region's, a total or one amount per period), up to 5 rules with shares 0, 0.3, 0.5 or 1 on random
(source, region, sector) keys, debt rooms, capacities and carry-over on or off. For every plan:

- every constraint of the spec holds, F1–F4 included (``checker.check_plan``);
- E equals the optimum of the LP rebuilt from plain matrices in ``reference_funding`` (within the
  least-debt solve's 1e-7 relative hold), and the debt drawn equals that LP's least debt;
- an infeasible scenario is infeasible for both.

And re-plans of such scenarios (actuals.md A3 with funding): a random prefix locked at the fresh plan's
money scaled up or down, the sources never relaxed; the same agreement, and every infeasible one
diagnosed, its proposal feasible.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import planner
from planner.scenario.model import Scenario, validate_scenario
from tests.checker import check_plan
from tests.reference_funding import solve_funded_reference

SHARES = (0.0, 0.3, 0.5, 1.0)


@st.composite
def funded_scenarios(draw: st.DrawFn) -> Scenario:
    regions = [f"r{i}" for i in range(draw(st.integers(1, 4)))]
    sectors = [f"s{j}" for j in range(draw(st.integers(1, 3)))]
    n_periods = draw(st.integers(1, 3))
    needs = [
        {
            "region": r,
            "sector": s,
            "need": draw(st.sampled_from((0.0, 5.0, 20.0, 60.0))),
            "benefit": draw(st.floats(0.1, 3.0)),
        }
        for r in regions
        for s in sectors
        if draw(st.booleans()) or (r, s) == (regions[0], sectors[0])
    ]
    sources = []
    for i in range(draw(st.integers(1, 4))):
        amount: Any = draw(st.sampled_from((0.0, 10.0, 30.0, 80.0)))
        if draw(st.booleans()):
            amount = [draw(st.sampled_from((0.0, 5.0, 25.0))) for _ in range(n_periods)]
        sources.append(
            {
                "id": f"f{i}",
                "amount": amount,
                "debt": draw(st.booleans()),
                "region": draw(st.sampled_from([None, *regions])),
            }
        )
    keys = draw(
        st.lists(
            st.tuples(
                st.sampled_from([s["id"] for s in sources]),
                st.sampled_from([None, *regions]),
                st.sampled_from([None, *sectors]),
            ),
            max_size=5,
            unique=True,
        )
    )
    rules = [
        {"source": f, "region": r, "sector": s, "max_share": draw(st.sampled_from(SHARES))}
        for f, r, s in keys
    ]
    region_rows = [
        {
            "id": r,
            "debt_room": draw(st.sampled_from((None, 0.0, 10.0, 40.0))),
            "max_per_period": draw(st.sampled_from((None, 15.0))),
            "min_share_of_need": draw(st.sampled_from((0.0, 0.0, 0.2))),
        }
        for r in regions
    ]
    return validate_scenario(
        {
            "version": 1,
            "name": "random funded",
            "periods": list(range(2026, 2026 + n_periods)),
            "carry_over": draw(st.booleans()),
            "discount_rate": draw(st.sampled_from((0.0, 0.05))),
            "sectors": sectors,
            "tranches": sorted(
                draw(st.lists(st.floats(0.2, 1.0), min_size=1, max_size=2)), reverse=True
            ),
            "regions": region_rows,
            "needs": needs,
            "funding": {"sources": sources, "rules": rules},
        }
    )


FUNDED_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUNDED_SETTINGS
@given(funded_scenarios())
def test_funded_plans_meet_the_spec_and_match_the_reference(scenario: Scenario) -> None:
    plan = planner.PlanModel(scenario).solve(diagnose=False)
    reference = solve_funded_reference(scenario)
    assert plan.status == reference.status, (plan.status, reference.status)
    if reference.status != "optimal":
        return
    check_plan(scenario, plan)
    scale = max(1.0, abs(reference.optimum))
    assert abs(plan.E - reference.optimum) <= 2e-6 * scale, (plan.E, reference.optimum)
    drawn = float(plan.debt["drawn"].sum())
    money = max(1.0, float(plan.sources["available"].sum()))
    # both least-debt solves hold E within 1e-7 relative, which may buy a little less debt
    assert abs(drawn - reference.least_debt) <= 1e-4 * money, (drawn, reference.least_debt)


RECORD_FACTORS = (0.0, 0.5, 1.0, 1.0, 1.5, 3.0)


@st.composite
def funded_replans(draw: st.DrawFn) -> Scenario:
    """A funded scenario whose random prefix of periods is locked at its fresh plan's money, each
    cell scaled by a random factor (above 1: more than the sources may be able to pay), sometimes
    with money for a pair whatever the needs table and the rules say of it (actuals.md A3)."""
    scenario = draw(funded_scenarios())
    fresh = planner.PlanModel(scenario).solve(diagnose=False)
    locked = scenario.periods[: draw(st.integers(0, len(scenario.periods) - 1)) + 1]
    rows = []
    if fresh.is_optimal:
        for row in fresh.allocation.itertuples(index=False):
            if row.period in locked and row.amount > 0:
                factor = draw(st.sampled_from(RECORD_FACTORS))
                rows.append((row.region, row.sector, row.period, row.amount * factor))
    if draw(st.booleans()):
        cell = (
            draw(st.sampled_from([r.id for r in scenario.regions])),
            draw(st.sampled_from(scenario.sectors)),
            draw(st.sampled_from(locked)),
        )
        if cell not in {r[:3] for r in rows}:
            rows.append((*cell, draw(st.sampled_from((1.0, 10.0, 50.0)))))
    spending = [{"region": r, "sector": s, "period": t, "amount": a} for r, s, t, a in rows]
    return scenario.with_changes(actuals={"through": locked[-1], "spending": spending})


@settings(FUNDED_SETTINGS, max_examples=30)
@given(funded_replans())
def test_funded_replans_match_the_reference_and_are_diagnosed(scenario: Scenario) -> None:
    """actuals.md A3 with funding: the sources' amounts are never relaxed, so the re-plan agrees
    with the reference LP (its locked cells fixed, F1–F4 unrelaxed) on feasibility, E and least
    debt; an infeasible one gets a diagnosis (never an exception), whose proposal, when it has one,
    makes the re-plan feasible."""
    plan = planner.PlanModel(scenario).solve()
    reference = solve_funded_reference(scenario)
    fixes = plan.diagnosis.relaxations if plan.diagnosis is not None else None
    event(
        f"re-plan {plan.status}"
        + (f", fixes {sorted(set(fixes.family))}" if fixes is not None else "")
    )
    assert plan.status == reference.status, (plan.status, reference.status, plan.message)
    if reference.status != "optimal":
        assert plan.diagnosis is not None and plan.diagnosis.lines
        if not plan.diagnosis.relaxations.empty:
            assert planner.solve(plan.diagnosis.apply(scenario)).status == "optimal"
        return
    check_plan(scenario, plan)
    assert plan.actuals is not None
    assert not any(r["constraint"].startswith("budget[") for r in plan.actuals["relaxed"])
    scale = max(1.0, abs(reference.optimum))
    assert abs(plan.E - reference.optimum) <= 2e-6 * scale, (plan.E, reference.optimum)
    drawn = float(plan.debt["drawn"].sum())
    money = max(1.0, float(plan.sources["available"].sum()))
    assert abs(drawn - reference.least_debt) <= 1e-4 * money, (drawn, reference.least_debt)


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    funded_scenarios(),
    st.lists(st.sampled_from((0.0, 15.0, 40.0, 90.0)), min_size=3, max_size=3),
)
def test_live_re_solves_of_amounts_match_the_reference(
    scenario: Scenario, amounts: list[float]
) -> None:
    """A live model re-solved after each of three amount changes of its first source (starting each
    solve from the bases the last solves left, planner.solve.funding) reaches the optimum and the
    least debt of the reference LP of the changed scenario, as a fresh build does."""
    live = planner.PlanModel(scenario)
    live.solve(diagnose=False)
    source = scenario.funding.sources[0].id  # type: ignore[union-attr]
    for amount in amounts:
        plan = live.solve(diagnose=False, funding={source: amount})
        reference = solve_funded_reference(live.scenario)
        assert plan.status == reference.status, (amount, plan.status, reference.status)
        if reference.status != "optimal":
            continue
        check_plan(live.scenario, plan)
        assert abs(plan.E - reference.optimum) <= 2e-6 * max(1.0, abs(reference.optimum))
        drawn = float(plan.debt["drawn"].sum())
        money = max(1.0, float(plan.sources["available"].sum()))
        assert abs(drawn - reference.least_debt) <= 1e-4 * money, (drawn, reference.least_debt)
