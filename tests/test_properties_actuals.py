"""Re-plans on random scenarios (hypothesis): a random prefix of periods locked at a random record.

The record is the fresh plan's money of the locked periods, each cell scaled by a random factor
(0: nothing was spent; above 1: an overrun that may break a need, a corridor, a capacity or a budget,
which A3 must then relax just that far), sometimes with money for a pair the needs table leaves out.
For every such scenario:

- the planner and the reference LP (``tests/reference_lp.py``: the spec rebuilt from plain matrices,
  with the relaxed rules recomputed in ``tests/checker.py``, solved by interior point) agree on
  feasibility, and on the optimum within the reference's weak-duality certificate;
- an optimal re-plan meets every rule as relaxed, and its locked periods equal the record (the
  checker runs on every plan: ``tests/conftest.py``).
"""

from __future__ import annotations

import math

from hypothesis import event, given
from hypothesis import strategies as st

import planner
from planner.scenario.model import Scenario
from tests.reference_lp import solve_reference
from tests.test_properties import PROPERTY_SETTINGS, REL, scenarios

FACTORS = (0.0, 0.5, 1.0, 1.0, 1.3, 2.0, 5.0)


@st.composite
def replans(draw: st.DrawFn) -> Scenario:
    scenario = draw(scenarios())
    fresh = planner.solve(scenario)
    through = draw(st.integers(0, len(scenario.periods) - 1))
    locked = scenario.periods[: through + 1]
    rows = []
    if fresh.is_optimal:
        for row in fresh.allocation.itertuples(index=False):
            if row.period in locked and row.amount > 0:
                amount = row.amount * draw(st.sampled_from(FACTORS))
                rows.append(
                    {
                        "region": row.region,
                        "sector": row.sector,
                        "period": row.period,
                        "amount": amount,
                    }
                )
    if draw(st.booleans()):  # money for a pair whatever the needs table says of it
        region = draw(st.sampled_from([r.id for r in scenario.regions]))
        sector = draw(st.sampled_from(scenario.sectors))
        period = draw(st.sampled_from(locked))
        taken = {(r["region"], r["sector"], r["period"]) for r in rows}
        if (region, sector, period) not in taken:
            amount = draw(st.floats(0.0, 500.0))
            rows.append({"region": region, "sector": sector, "period": period, "amount": amount})
    return scenario.with_changes(actuals={"through": locked[-1], "spending": rows})


@PROPERTY_SETTINGS
@given(replans())
def test_a_replan_matches_the_reference_formulation(scenario: Scenario) -> None:
    plan = planner.solve(scenario)
    reference = solve_reference(scenario)
    event(f"replan {plan.status}, {len(plan.actuals['relaxed']) if plan.actuals else 0} relaxed")
    if reference.status == "infeasible":
        assert plan.status == "infeasible"
        return
    assert reference.status == "optimal", reference.status
    assert plan.status == "optimal", plan.message
    assert reference.optimum is not None and reference.upper_bound is not None
    scale = max(1.0, abs(reference.optimum))
    benefit = plan.E
    assert benefit is not None
    assert benefit <= reference.upper_bound + REL * scale
    assert math.isclose(benefit, reference.optimum, rel_tol=REL, abs_tol=REL * scale)
