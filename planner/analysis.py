"""What a plan means and what if: shadow prices in words, budget and equity frontiers, plan comparison.

Every function re-solves one live :class:`~planner.solve.PlanModel` (HiGHS warm-starts from its last
basis) instead of rebuilding a model per point.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from models import objectives
from planner.meaning import meaning
from planner.plan import Plan, _records
from planner.solve import PlanModel, ScenarioLike, as_scenario

EXPLAIN_COLUMNS = ["name", "kind", "dual", "meaning", "rhs", "rhs_low", "rhs_high"]
FRONTIER_COLUMNS = [
    "budget",
    "status",
    "E",
    "min_coverage",
    "objective",
    "allocated",
    "newly_funded",
]
PARETO_COLUMNS = ["point", "epsilon", "E", "min_coverage", "status", "balanced"]
FUNDED = 1e-6  # money (unit) above which a region × sector counts as funded
E_HOLD = 1e-9  # relative give on E when the second Pareto solve lifts the least coverage


# ---- shadow prices in words ----


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


# ---- budget frontier ----


def frontier(
    scenario: ScenarioLike, budgets: Iterable[float], *, time_limit_s: float | None = None
) -> pd.DataFrame:
    """Benefit E and least coverage at each total budget (unit), re-solving one live model.

    A budget given per period keeps its shape: each level scales the periods' budgets to the total.
    ``newly_funded`` lists the ``region/sector`` pairs that get money for the first time at that
    level; ``frame.attrs["first_funded"]`` maps each funded pair to that budget. In efficiency mode
    E is non-decreasing in the budget (a larger budget keeps every plan of a smaller one feasible).
    """
    base = as_scenario(scenario)
    shape = np.asarray(base.budget_per_period(), dtype=float)
    shares = shape / shape.sum() if shape.sum() > 0 else np.full(len(shape), 1 / len(shape))
    live = PlanModel(base)
    first: dict[str, float] = {}
    rows = []
    for total in budgets:
        plan = live.solve(time_limit_s=time_limit_s, budget=[float(total) * s for s in shares])
        funded = _funded_pairs(plan)
        new = [p for p in funded if p not in first]
        for pair in new:
            first[pair] = float(total)
        rows.append(
            (
                float(total),
                plan.status,
                plan.E,
                plan.min_coverage,
                plan.objective,
                plan.allocated_total if plan.is_optimal else None,
                ", ".join(new),
            )
        )
    frame = pd.DataFrame(rows, columns=FRONTIER_COLUMNS)
    frame.attrs["first_funded"] = first
    return frame


def _funded_pairs(plan: Plan) -> list[str]:
    if not plan.is_optimal:
        return []
    sums = plan.allocation.groupby(["region", "sector"], sort=False)["amount"].sum()
    return [f"{r}/{s}" for (r, s), amount in sums.items() if amount > FUNDED]


def budget_levels(text: str) -> list[float]:
    """``START:STOP:STEP`` (STOP included when the steps land on it) to a list of budgets."""
    parts = text.split(":")
    if len(parts) != 3:
        raise ValueError(f"expected START:STOP:STEP, got '{text}'")
    start, stop, step = (float(p) for p in parts)
    if step <= 0 or stop < start or start < 0:
        raise ValueError("need 0 ≤ START ≤ STOP and STEP > 0")
    count = int(math.floor((stop - start) / step + 1e-9)) + 1
    return [start + i * step for i in range(count)]


# ---- equity–efficiency Pareto frontier ----


def pareto(
    scenario: ScenarioLike, points: int = 11, *, time_limit_s: float | None = None
) -> pd.DataFrame:
    """ε-constraint frontier of (E, least coverage), ``points`` values of ε from 0 to max coverage.

    Each point maximizes E with z ≥ ε, then lifts z as far as that E allows (so no point is
    dominated by another); the balanced objective's plan (the scenario's ``equity_weight``) is added
    with ``balanced`` True. ``frame.attrs["plans"]`` holds the Plan of each row.
    """
    if points < 2:
        raise ValueError("a frontier needs at least 2 points")
    live = PlanModel(as_scenario(scenario))
    balanced = live.solve(time_limit_s=time_limit_s, mode="balanced")
    if not balanced.is_optimal:
        return _failed_pareto(balanced)
    bridge, z = live.bridge, live.model.z
    z_max = balanced.z_star or 0.0
    plans, rows = [], []
    for point, epsilon in enumerate(np.linspace(0.0, z_max, points)):
        plan = _epsilon_plan(live, min(float(epsilon), z_max), time_limit_s)
        plans.append(plan)
        rows.append((point, float(epsilon), plan.E, plan.min_coverage, plan.status, False))
    bridge.set_column_bounds(z, 0.0, 1.0)
    plans.append(balanced)
    rows.append((points, math.nan, balanced.E, balanced.min_coverage, balanced.status, True))
    frame = pd.DataFrame(rows, columns=PARETO_COLUMNS)
    frame.attrs["plans"] = plans
    return frame


def _failed_pareto(plan: Plan) -> pd.DataFrame:
    frame = pd.DataFrame([(0, math.nan, None, None, plan.status, True)], columns=PARETO_COLUMNS)
    frame.attrs["plans"] = [plan]
    return frame


def _epsilon_plan(live: PlanModel, epsilon: float, time_limit_s: float | None) -> Plan:
    """Max E s.t. z ≥ ε, then max z s.t. E ≥ that optimum (lexicographic, on the live model)."""
    bridge = live.bridge
    bridge.set_column_bounds(live.model.z, max(0.0, epsilon - objectives.EQUITY_TIE_TOLERANCE), 1.0)
    bridge.set_weights({objectives.BENEFIT: 1.0})
    status = bridge.solve(time_limit_s)
    if status != "optimal":
        return live._plan(objectives.Outcome(status, None))
    e_best = bridge.objective(objectives.BENEFIT)
    row = _hold_benefit(live, e_best - E_HOLD * max(1.0, abs(e_best)))
    try:
        bridge.set_weights({objectives.EQUITY: 1.0})
        status = bridge.solve(time_limit_s)
        plan = live._plan(objectives.Outcome(status, e_best if status == "optimal" else None))
    finally:
        bridge.highs.deleteRows(1, np.array([row], dtype=np.int32))
    plan.mode = "pareto"
    return plan


def _hold_benefit(live: PlanModel, at_least: float) -> int:
    """Add the row E ≥ ``at_least`` to HiGHS (not to Pyomo: it lives for one solve); its index."""
    cost = live.bridge.costs[objectives.BENEFIT]
    idx = np.flatnonzero(cost).astype(np.int32)
    highs = live.bridge.highs
    highs.addRow(at_least, np.inf, len(idx), idx, cost[idx])
    return int(highs.getNumRow()) - 1


# ---- comparing two plans ----


@dataclass
class Comparison:
    """B minus A: ``allocation`` by region and sector, ``coverage`` by region, ``kpis``, and the
    ``constraints`` whose binding status differs."""

    a: str
    b: str
    unit: str
    allocation: pd.DataFrame
    coverage: pd.DataFrame
    kpis: pd.DataFrame
    constraints: pd.DataFrame

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "unit": self.unit,
            "allocation": _records(self.allocation),
            "coverage": _records(self.coverage),
            "kpis": _records(self.kpis),
            "constraints": _records(self.constraints),
        }


KPIS = ("objective", "E", "min_coverage", "allocated", "unspent", "E_star", "z_star")


def compare(a: Plan | ScenarioLike, b: Plan | ScenarioLike) -> Comparison:
    """Compare two plans; each is a Plan, a saved plan JSON file (``planner solve --json``), or a
    scenario (object, file, folder or bundled name) that is solved first."""
    plan_a, plan_b = as_plan(a), as_plan(b)
    return Comparison(
        a=plan_a.scenario_name,
        b=plan_b.scenario_name,
        unit=plan_b.unit,
        allocation=_delta(_by_pair(plan_a), _by_pair(plan_b), ["region", "sector"]),
        coverage=_delta(
            plan_a.coverage[["region", "allocated"]].rename(columns={"allocated": "amount"}),
            plan_b.coverage[["region", "allocated"]].rename(columns={"allocated": "amount"}),
            ["region"],
        ),
        kpis=_kpis(plan_a, plan_b),
        constraints=_binding_changes(plan_a, plan_b),
    )


def as_plan(source: Plan | ScenarioLike) -> Plan:
    if isinstance(source, Plan):
        return source
    if not isinstance(source, str | Path) or Path(source).suffix.lower() != ".json":
        from planner.solve import solve

        return solve(source)
    return plan_from_dict(_read_plan_json(Path(source)))


def _read_plan_json(path: Path) -> dict[str, Any]:
    from planner.errors import Problem, ScenarioError

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ScenarioError([Problem(f"cannot read a plan: {err}", file=str(path))]) from None
    missing = [k for k in ("scenario", "status", "allocation", "constraints") if k not in data]
    if missing:
        raise ScenarioError(
            [Problem(f"not a saved plan: missing {', '.join(missing)}", file=str(path))]
        )
    return data


def plan_from_dict(data: dict[str, Any]) -> Plan:
    """A Plan from the document ``Plan.to_dict()`` wrote (without the scenario object)."""
    from planner.plan import (
        ALLOCATION_COLUMNS,
        BUDGET_COLUMNS,
        CONSTRAINT_COLUMNS,
        COVERAGE_COLUMNS,
    )

    def table(key: str, columns: list[str]) -> pd.DataFrame:
        return pd.DataFrame(data.get(key) or [], columns=columns)

    return Plan(
        scenario_name=data["scenario"],
        scenario_digest=data.get("scenario_digest", ""),
        unit=data.get("unit", ""),
        mode=data.get("mode", ""),
        status=data["status"],
        objective=data.get("objective"),
        E=data.get("E"),
        min_coverage=data.get("min_coverage"),
        allocation=table("allocation", ALLOCATION_COLUMNS),
        budget=table("budget", BUDGET_COLUMNS),
        coverage=table("coverage", COVERAGE_COLUMNS),
        constraints=table("constraints", CONSTRAINT_COLUMNS),
        E_star=data.get("E_star"),
        z_star=data.get("z_star"),
        message=data.get("message", ""),
    )


def _by_pair(plan: Plan) -> pd.DataFrame:
    return plan.allocation.groupby(["region", "sector"], sort=False, as_index=False)["amount"].sum()


def _delta(a: pd.DataFrame, b: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    merged = a.merge(b, on=keys, how="outer", suffixes=("_a", "_b"), sort=False)
    merged = merged.rename(columns={"amount_a": "a", "amount_b": "b"})
    merged[["a", "b"]] = merged[["a", "b"]].fillna(0.0)
    merged["delta"] = merged["b"] - merged["a"]
    return merged[[*keys, "a", "b", "delta"]]


def _kpis(a: Plan, b: Plan) -> pd.DataFrame:
    def value(plan: Plan, kpi: str) -> float:
        if kpi == "allocated":
            return plan.allocated_total
        if kpi == "unspent":
            return plan.unspent_total if len(plan.budget) else math.nan
        number = getattr(plan, kpi)
        return math.nan if number is None else float(number)

    rows = [(k, value(a, k), value(b, k)) for k in KPIS]
    frame = pd.DataFrame(rows, columns=["kpi", "a", "b"])
    frame["delta"] = frame["b"] - frame["a"]
    return frame


def _binding_changes(a: Plan, b: Plan) -> pd.DataFrame:
    columns = ["name", "kind", "binding", "dual"]
    merged = a.constraints[columns].merge(
        b.constraints[columns], on=["name", "kind"], how="outer", suffixes=("_a", "_b")
    )
    binding_a = merged["binding_a"].astype("boolean").fillna(False)
    binding_b = merged["binding_b"].astype("boolean").fillna(False)
    changed = merged[(binding_a != binding_b).to_numpy(dtype=bool)].copy()
    changed["binding_a"] = binding_a[changed.index].astype(bool)
    changed["binding_b"] = binding_b[changed.index].astype(bool)
    return changed[["name", "kind", "binding_a", "binding_b", "dual_a", "dual_b"]].reset_index(
        drop=True
    )
