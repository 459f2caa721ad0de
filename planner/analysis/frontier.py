"""What if: the budget frontier and the equity–efficiency Pareto frontier.

Every point re-solves one live :class:`~planner.solve.plan_model.PlanModel` (HiGHS warm-starts from its
last basis) instead of rebuilding a model per point.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from models import objectives
from planner.scenario.files import ScenarioLike, as_scenario
from planner.scenario.model import Scenario
from planner.solve.plan import Plan
from planner.solve.plan_model import PlanModel

FRONTIER_COLUMNS = [
    "budget",
    "status",
    "E",
    "min_coverage",
    "objective",
    "allocated",
    "newly_funded",
]
PROJECT_FRONTIER_COLUMNS = ["funded_projects", "new_projects", "dropped_projects"]
"""Added with candidate projects: how many are funded, which enter and which leave at each level."""
PARETO_COLUMNS = ["point", "epsilon", "E", "min_coverage", "status", "balanced"]
FUNDED = 1e-6  # money (unit) above which a region × sector counts as funded
E_HOLD = 1e-9  # relative give on E when the second Pareto solve lifts the least coverage


def frontier(
    scenario: ScenarioLike,
    budgets: Iterable[float],
    *,
    time_limit_s: float | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Benefit E and least coverage at each total budget (unit), re-solving one live model.

    A budget given per period keeps its shape: each level scales the periods' budgets to the total.
    ``newly_funded`` lists the ``region/sector`` pairs that get money for the first time at that
    level; ``frame.attrs["first_funded"]`` maps each funded pair to that budget. In efficiency mode
    E is non-decreasing in the budget (a larger budget keeps every plan of a smaller one feasible;
    with projects, up to the MIP gap).

    With candidate projects the frame also has ``funded_projects`` (how many), ``new_projects`` (ids
    funded at this level and not at the one before) and ``dropped_projects`` (the reverse: a dearer
    alternative can replace a cheaper one as money grows); ``frame.attrs["first_funded_projects"]``
    maps each funded project to the first budget that funds it.

    ``progress(done, total)`` is called after each level (an exception it raises stops the run).
    """
    base = as_scenario(scenario)
    shares = period_shares(base.budget_per_period())
    levels = {float(total): {"budget": [float(total) * s for s in shares]} for total in budgets}
    return _levels_frame(base, levels, "budget", time_limit_s, progress=progress)


def period_shares(per_period: Iterable[float]) -> np.ndarray:
    """Each period's share of a total given per period (even shares when the total is 0), so a level
    of the total keeps the shape its budget or source had."""
    shape = np.asarray(list(per_period), dtype=float)
    return shape / shape.sum() if shape.sum() > 0 else np.full(len(shape), 1 / len(shape))


def source_frontier(
    scenario: ScenarioLike,
    source: str,
    amounts: Iterable[float],
    *,
    time_limit_s: float | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Benefit E and least coverage at each amount of one funding source over the horizon (unit;
    funding.md), re-solving one live model (an amount is a parameter of F2). A source given per
    period keeps its shape: each level scales its periods to the total.

    Raises :class:`~planner.errors.ScenarioError` when the scenario has no such source.
    """
    base = as_scenario(scenario)
    base.with_changes(funding={source: 0.0})  # an unknown source fails here, in words
    shares = period_shares(base.source_amounts()[source])
    levels = {float(a): {"funding": {source: [float(a) * s for s in shares]}} for a in amounts}
    frame = _levels_frame(base, levels, "amount", time_limit_s, progress=progress)
    frame.attrs["source"] = source
    return frame


WEIGHT_FRONTIER_COLUMNS = ["weight", *FRONTIER_COLUMNS[1:-1], "criterion_E", "newly_funded"]


def weight_frontier(
    scenario: ScenarioLike,
    criterion: str,
    weights: Iterable[float],
    *,
    time_limit_s: float | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Benefit E, least coverage and the criterion's part of E at each weight of one criterion
    (criteria.md), re-solving one live model (a weight moves only objective coefficients).

    ``newly_funded`` and ``frame.attrs["first_funded"]`` say at which weight each ``region/sector``
    pair first gets money: "at which weight of ecology does Qinghai's water get funded?";
    ``frame.attrs["funding"]`` holds each pair's money over the horizon at each weight (unit; see
    :func:`_levels_frame`), so a pair's funding can be drawn against the weight.

    Raises :class:`~planner.errors.ScenarioError` when the scenario has no such criterion.
    """
    base = as_scenario(scenario)
    base.with_changes(criteria={criterion: 0.0})  # an unknown criterion fails here, in words
    levels = {float(w): {"criteria": {criterion: float(w)}} for w in weights}
    frame = _levels_frame(base, levels, "weight", time_limit_s, criterion, progress)
    return frame[WEIGHT_FRONTIER_COLUMNS]


def _levels_frame(
    base: Scenario,
    levels: dict[float, dict[str, Any]],
    column: str,
    time_limit_s: float | None,
    criterion: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """One row per level (its changes to ``base``), re-solving one live model; ``progress(done,
    total)`` after each level. ``frame.attrs["funding"]`` is tidy: ``<column>, region, sector,
    amount``, each pair's money over the horizon (unit) at each level with a plan."""
    live = PlanModel(base)
    first: dict[str, float] = {}
    rows, project_rows = [], _ProjectsEntering()
    funding: list[pd.DataFrame] = []
    for done, (level, changes) in enumerate(levels.items(), start=1):
        plan = live.solve(time_limit_s=time_limit_s, **changes)
        if base.projects:
            project_rows.add(level, plan)
        per_pair = _pair_amounts(plan)
        funding.append(per_pair.reset_index().assign(**{column: level}))
        funded = [f"{r}/{s}" for (r, s), amount in per_pair.items() if amount > FUNDED]
        new = [p for p in funded if p not in first]
        for pair in new:
            first[pair] = level
        part = None
        if criterion is not None and plan.is_optimal:
            part = float(plan.criteria.set_index("criterion").loc[criterion, "E"])
        rows.append(
            (
                level,
                plan.status,
                plan.E,
                plan.min_coverage,
                plan.objective,
                plan.allocated_total if plan.is_optimal else None,
                ", ".join(new),
                part,
            )
        )
        if progress is not None:
            progress(done, len(levels))
    frame = pd.DataFrame(rows, columns=[column, *FRONTIER_COLUMNS[1:], "criterion_E"])
    if criterion is None:
        frame = frame.drop(columns="criterion_E")
    frame.attrs["first_funded"] = first
    frame.attrs["funding"] = pd.concat(funding, ignore_index=True)[
        [column, "region", "sector", "amount"]
    ]
    if base.projects:
        frame[PROJECT_FRONTIER_COLUMNS] = pd.DataFrame(project_rows.rows, index=frame.index)
        frame.attrs["first_funded_projects"] = project_rows.first
    return frame


class _ProjectsEntering:
    """Per frontier level: the number of funded projects, those entering and those leaving."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, str, str]] = []
        self.first: dict[str, float] = {}
        self._before: list[str] = []

    def add(self, total: float, plan: Plan) -> None:
        funded = list(plan.funded_projects["id"]) if plan.is_optimal else []
        new = [p for p in funded if p not in self._before]
        dropped = [p for p in self._before if p not in funded]
        for project in funded:
            self.first.setdefault(project, total)
        self.rows.append((len(funded), ", ".join(new), ", ".join(dropped)))
        self._before = funded


def _pair_amounts(plan: Plan) -> pd.Series:
    """Each pair's money over the horizon (unit), indexed by ``region, sector``; none without a plan."""
    if not plan.is_optimal:
        empty = pd.MultiIndex.from_tuples([], names=["region", "sector"])
        return pd.Series([], index=empty, dtype=float, name="amount")
    return plan.allocation.groupby(["region", "sector"], sort=False)["amount"].sum()


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
    scenario: ScenarioLike,
    points: int = 11,
    *,
    time_limit_s: float | None = None,
    progress: Callable[[int, int], None] | None = None,
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
        if progress is not None:
            progress(point + 1, points)
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
