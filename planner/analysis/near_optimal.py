"""The near-optimal set of a scenario, held on one live model: every plan that keeps all the rules and
reaches at least (1 − slack) × the optimum of the scenario's objective mode.

One extra row, ``objective ≥ (1 − slack) × optimum``, is added to the live HiGHS model (not to Pyomo:
it lives for one analysis, as :func:`planner.analysis.frontier._hold_benefit`'s row does). The
objective of each mode is a weighted sum of the model's two named objectives (:mod:`models.objectives`):

- efficiency: E, the optimum E*;
- equity: z, the optimum z* (z ≤ cov[r] for every region, so z ≥ (1 − slack) · z* keeps every
  region's coverage above it);
- balanced (weight λ): (1 − λ) · E / E* + λ · z / z*, the optimum the reported weighted value.

Over that set, :meth:`NearOptimalSet.extreme` maximizes or minimizes any linear expression of the
money x by setting HiGHS's costs and re-solving from the last basis: nothing is rebuilt. Closing the
set deletes the row and puts back the weights and the bound on z, so the model solves its scenario
exactly as before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from models import objectives
from planner.solve.plan import Plan
from planner.solve.plan_model import PlanModel

PRIMAL_SIMPLEX = 4
"""HiGHS's ``simplex_strategy`` while the set is held. Every solve in it changes only the costs (or
adds a row the current plan satisfies), so the last basis stays primal feasible and the primal
simplex continues from it; the default (dual) restarts further away. Measured on western_china's 24
range solves: 0.025 s against 0.087 s."""

HOLD_GIVE = 1e-9
"""Relative give on the objective row, so the optimal plan itself stays inside the set despite the
solver's feasibility tolerance (slack 0 would otherwise be at the mercy of the last digit)."""


def objective_weights(plan: Plan, equity_weight: float) -> dict[str, float]:
    """The weights on the named objectives whose sum is the mode's objective (see module docstring)."""
    if plan.mode == "efficiency":
        return {objectives.BENEFIT: 1.0}
    if plan.mode == "equity":
        return {objectives.EQUITY: 1.0}
    return objectives.balanced_weights(plan.E_star or 0.0, plan.z_star or 0.0, equity_weight)


def objective_of(plan: Plan, weights: dict[str, float]) -> float | None:
    """The mode's objective of any plan, from its E and its least coverage (z at its best)."""
    if plan.E is None or plan.min_coverage is None:
        return None
    values = {objectives.BENEFIT: plan.E, objectives.EQUITY: plan.min_coverage}
    return float(sum(w * values[name] for name, w in weights.items()))


class NearOptimalSet:
    """A live model restricted to the plans within ``slack`` of ``optimal``'s objective.

    Use as a context manager (or call :meth:`close`): on leaving, the model is as it was.
    """

    def __init__(self, live: PlanModel, optimal: Plan, slack: float) -> None:
        self.live = live
        self.bridge = live.bridge
        self.weights = objective_weights(optimal, live.scenario.objective.equity_weight)
        self.optimum = float(optimal.objective or 0.0)
        give = HOLD_GIVE * max(1.0, abs(self.optimum))
        self.threshold = min((1.0 - slack) * self.optimum, self.optimum - give)
        z = live.model.z
        self._z_bounds = (z.lb, z.ub)
        self._saved_weights = dict(self.bridge.weights)
        # the equity solves pin z at its optimum; the set lets z fall to the threshold
        self.bridge.set_column_bounds(z, 0.0, 1.0)
        self._row: int | None = self._add_objective_row()
        highs = self.bridge.highs
        _ok, self._strategy = highs.getOptionValue("simplex_strategy")
        highs.setOptionValue("simplex_strategy", PRIMAL_SIMPLEX)
        self._y_columns = self.bridge.column_index.positions(live.y_vars)
        self._key_of_y = [live.x_keys[g] for g in live.y_group]
        self._projects = self._project_money(live)

    @staticmethod
    def _project_money(live: PlanModel) -> list[tuple[int, tuple[Any, Any, Any], float]]:
        """(HiGHS column of u[p,t0], (region, sector, t0), the project's cost): a start puts its
        whole cost into its pair over the horizon (projects.md)."""
        m = live.model
        starts = list(m.PW)
        columns = live.bridge.column_index.positions([m.u[key] for key in starts])
        costs = {p.id: p.cost for p in live.scenario.projects}
        return [
            (int(j), (*m.project_pair[p], t0), costs[p])
            for j, (p, t0) in zip(columns, starts, strict=True)
            if j >= 0
        ]

    def _add_objective_row(self) -> int:
        cost = np.zeros(len(self.bridge.columns))
        for name, weight in self.weights.items():
            cost += weight * self.bridge.costs[name]
        return self._add_row(cost, self.threshold)

    def _add_row(self, cost: np.ndarray, at_least: float) -> int:
        """Add ``cost · x ≥ at_least`` to HiGHS only; its row number."""
        idx = np.flatnonzero(cost).astype(np.int32)
        highs = self.bridge.highs
        highs.addRow(at_least, np.inf, len(idx), idx, cost[idx])
        return int(highs.getNumRow()) - 1

    def _delete_row(self, row: int) -> None:
        self.bridge.highs.deleteRows(1, np.array([row], dtype=np.int32))

    def close(self) -> None:
        if self._row is not None:
            self._delete_row(self._row)
            self._row = None
        self.bridge.highs.setOptionValue("simplex_strategy", self._strategy)
        self.bridge.set_column_bounds(self.live.model.z, *self._z_bounds)
        self.bridge.set_weights(self._saved_weights)

    def __enter__(self) -> NearOptimalSet:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ---- linear expressions of the money ----

    def money_costs(self, weight_of: Mapping[Any, float], key: Any) -> np.ndarray:
        """A cost vector over HiGHS's columns: each y[r,s,t,k] gets ``weight_of[key(r, s, t)]``
        (0 for keys not in the dict), so ``cost · x`` is a weighted sum of the money x[r,s,t]."""
        cost = np.zeros(len(self.bridge.columns))
        for column, rst in zip(self._y_columns, self._key_of_y, strict=True):
            if column >= 0:
                cost[column] = weight_of.get(key(*rst), 0.0)
        for column, rst, project_cost in self._projects:
            cost[column] += weight_of.get(key(*rst), 0.0) * project_cost
        return cost

    def group_columns(self, key: Any) -> dict[Any, tuple[np.ndarray, np.ndarray]]:
        """The HiGHS columns of each group of money m[r,s,t] (``key(r, s, t)`` names the group) and
        their coefficients (1 for programme money, a project's cost for its start), in order of
        first appearance; :meth:`indicator` turns them into the group's total money."""
        groups: dict[Any, tuple[list[int], list[float]]] = {}
        for column, rst in zip(self._y_columns, self._key_of_y, strict=True):
            if column >= 0:
                columns, coefficients = groups.setdefault(key(*rst), ([], []))
                columns.append(int(column))
                coefficients.append(1.0)
        for column, rst, project_cost in self._projects:
            columns, coefficients = groups.setdefault(key(*rst), ([], []))
            columns.append(column)
            coefficients.append(project_cost)
        return {
            name: (np.array(columns, dtype=np.int64), np.array(coefficients, dtype=float))
            for name, (columns, coefficients) in groups.items()
        }

    def indicator(self, group: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        """The cost vector whose ``cost · x`` is the group's money (dense only while used: one per
        pair would not fit in memory at the larger sizes)."""
        columns, coefficients = group
        cost = np.zeros(len(self.bridge.columns))
        np.add.at(cost, columns, coefficients)
        return cost

    def extreme(
        self, cost: np.ndarray, maximize: bool, time_limit_s: float | None = None
    ) -> tuple[str, float | None]:
        """Maximize (or minimize) ``cost · x`` over the set: (status, the value reached)."""
        self.bridge.set_costs(cost if maximize else -cost)
        status = self.bridge.solve(time_limit_s)
        if status != "optimal":
            return status, None
        return status, float(cost @ self.bridge.primal())

    def plan_with_most_benefit(self, cost: np.ndarray, time_limit_s: float | None = None) -> Plan:
        """Keep ``cost · x`` at the value just reached, maximize E among those plans, and read
        the plan (with the mode's objective computed from its E and coverage).

        Without the second solve, an objective blind to E (the search, equity's z) leaves the split
        of a pair's money into tranches arbitrary, and E read from the tranches would undersell the
        plan; with it the tranches fill in order of value, as the spec's plans do.
        """
        reached = float(cost @ self.bridge.primal())
        row = self._add_row(cost, reached - HOLD_GIVE * max(1.0, abs(reached)))
        try:
            self.bridge.set_weights({objectives.BENEFIT: 1.0})
            status = self.bridge.solve(time_limit_s)
            # read before the row goes: changing the model discards HiGHS's solution
            plan = self.live._plan(objectives.Outcome(status, None))
        finally:
            self._delete_row(row)
        plan.objective = objective_of(plan, self.weights) if plan.is_optimal else None
        return plan


def pair_money(plan: Plan, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
    """Money per region × sector (all periods), in the order of ``pairs`` (0 where unfunded)."""
    if not len(plan.allocation):
        return np.zeros(len(pairs))
    sums = plan.allocation.groupby(["region", "sector"], sort=False)["amount"].sum()
    lookup = sums.to_dict()
    return np.array([float(lookup.get(p, 0.0)) for p in pairs])
