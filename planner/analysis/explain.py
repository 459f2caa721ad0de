"""Shadow prices in words: what binds in a plan, what it is worth, and HiGHS's ranging."""

from __future__ import annotations

import math

import pandas as pd

from planner.analysis.meaning import meaning
from planner.solve.plan import Plan
from planner.solve.plan_model import PlanModel

EXPLAIN_COLUMNS = ["name", "kind", "dual", "meaning", "rhs", "rhs_low", "rhs_high"]


def explain(plan: Plan, live: PlanModel | None = None) -> pd.DataFrame:
    """The plan's binding constraints with their shadow price in words and HiGHS's ranging.

    ``dual`` is the change of the mode's objective per extra unit of the row's right-hand side;
    ``rhs_low``/``rhs_high`` the range of that right-hand side over which the dual holds (the plan's
    basis stays optimal), NaN where HiGHS gives none. Without ``live`` (the model that solved the
    plan, still holding its basis) the plan's scenario is re-solved once to get the ranging.
    """
    binding = plan.binding_constraints()
    if binding.empty:
        return pd.DataFrame(columns=EXPLAIN_COLUMNS)
    if live is None and plan.scenario is not None:
        live = PlanModel(plan.scenario)
        live.solve()
    ranges = _ranging(live) if live is not None else {}
    scenario = plan.scenario
    rows = []
    for row in binding.itertuples():
        low, high = ranges.get(row.name, (math.nan, math.nan))
        said = meaning(row._asdict(), plan.unit, scenario, plan.mode)
        rows.append((row.name, row.kind, row.dual, said, row.rhs, low, high))
    frame = pd.DataFrame(rows, columns=EXPLAIN_COLUMNS)
    order = frame["dual"].abs().sort_values(ascending=False, kind="stable").index
    return frame.loc[order].reset_index(drop=True)


def _ranging(live: PlanModel) -> dict[str, tuple[float, float]]:
    status, ranging = live.bridge.highs.getRanging()
    if not ranging.valid:
        return {}
    low, high = ranging.row_bound_dn.value_, ranging.row_bound_up.value_
    return {
        row.constraint.name: (_finite(low[i]), _finite(high[i]))
        for i, row in enumerate(live.bridge.rows)
    }


def _finite(value: float) -> float:
    return float(value) if abs(value) < 1e30 else math.nan
