"""Solving one sweep sample, evaluating a committed plan under it, and choosing a robust plan.

The sweep's model is the core formulation (:mod:`models`) plus the plan ceiling of
:mod:`models.ceiling`, kept live in HiGHS like :class:`~planner.solve.PlanModel`. Every sample starts
from a cleared solver state, so what a sample yields depends on its own numbers only, never on which
worker solved it or which samples that worker solved before (HiGHS may pick a different optimal vertex
when started from a different basis).

Robust plan (written down in docs/sweeps.md): the candidates are the deterministic plan and the optimal
plans of a few extra draws made with the scenario's own budget; each candidate is evaluated under every sample (its money per region,
sector and period capped at the candidate's, the sample's own constraints applied, E maximized); the
recommendation is, among the candidates that break the fewest samples (a sample breaks a candidate when
even the trimmed plan cannot meet the sample's floors or share bounds), the one with the highest mean E
(``expected``) or the smallest worst regret (``minimax``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models import ceiling, objectives
from planner.solve.plan_model import ZERO_AMOUNT, PlanModel

CEILING_SLACK = 1e-9  # relative room above a candidate's amount, so rounding never breaks it

CRITERIA = {
    "expected": "highest mean benefit E over the feasible samples",
    "minimax": "smallest worst regret over the feasible samples",
}


@dataclass(frozen=True)
class SampleOutcome:
    """What one solve of a sample found: status, benefit E and the allocation x[r,s,t] (unit)."""

    status: str
    E: float | None
    objective: float | None
    x: np.ndarray | None  # aligned with SweepModel.x_keys; None without a plan
    starts: np.ndarray | None = None  # u[p,t] (0 or 1) aligned with SweepModel.u_keys; None without
    money: np.ndarray | None = None  # m = x + project cash, aligned with SweepModel.money_keys


class SweepModel(PlanModel):
    """A :class:`PlanModel` whose model also carries the plan-ceiling rows of :mod:`models.ceiling`.

    With candidate projects a plan is its programme money x and its project starts u: ``u_keys`` are
    the (project, period) start options in the order of the bridge's integer columns.
    """

    extra_families = (ceiling,)

    def _after_build(self) -> None:
        rows = dict(self.bridge.rows_of(self.model.ceiling))
        self.ceiling_rows = np.array([rows[key] for key in self.x_keys], dtype=np.int32)
        self.u_keys = list(self.model.PW)
        if len(self.u_keys) != self.bridge.integer_columns.size:
            raise RuntimeError("a project start option is missing from the solver's columns")

    def solve_sample(self, time_limit_s: float | None = None) -> SampleOutcome:
        """Solve the current scenario in its own mode, from a cleared solver state (with projects:
        branch and bound to the scenario's ``mip_gap``, without the last sample's incumbent)."""
        self.bridge.highs.clearSolver()
        if self.u_keys:
            self.bridge.set_mip_gap(self.scenario.mip_gap)
            self.bridge.forget_incumbent()
        objective = self.scenario.objective
        outcome = objectives.optimize(
            self.model, self.bridge, objective.mode, objective.equity_weight, time_limit_s
        )
        return self._outcome(outcome.status, outcome.objective)

    def evaluate(
        self,
        x_plan: np.ndarray,
        time_limit_s: float | None = None,
        starts: np.ndarray | None = None,
    ) -> SampleOutcome:
        """Benefit of a committed plan under the current scenario: max E with x ≤ x_plan per cell
        and, with projects, every start u[p,t] fixed at the plan's ``starts`` (an LP).

        Warm-starts from whatever the solver holds (call right after :meth:`solve_sample`, in a fixed
        order, to keep results independent of batching).
        """
        idx = self.ceiling_rows
        lower, upper = self.bridge.row_lower[idx], self.bridge.row_upper[idx]
        cap = np.minimum(upper, x_plan * (1 + CEILING_SLACK) + CEILING_SLACK)
        self.bridge.set_row_bounds(idx, lower, cap)
        if self.u_keys:
            self.bridge.fix_integers(starts if starts is not None else np.zeros(len(self.u_keys)))
        try:
            outcome = objectives.optimize(self.model, self.bridge, "efficiency", 0.0, time_limit_s)
            return self._outcome(outcome.status, outcome.objective)
        finally:
            self.bridge.set_row_bounds(idx, lower, upper)
            self.bridge.release_integers()

    def _outcome(self, status: str, objective: float | None) -> SampleOutcome:
        if status != "optimal" or not self.bridge.has_solution():
            return SampleOutcome(status, None, None, None)
        primal = self.bridge.primal()
        y = self.bridge.column_values(self.y_vars, primal)
        x = np.bincount(self.y_group, weights=y, minlength=len(self.x_keys))
        x[np.abs(x) < ZERO_AMOUNT] = 0.0
        starts = np.round(primal[self.bridge.integer_columns]) if self.u_keys else None
        return SampleOutcome(
            status,
            self.bridge.objective(objectives.BENEFIT, primal),
            objective,
            x,
            starts,
            self._amounts(primal),
        )


def score_candidates(
    names: list[str], sample_E: np.ndarray, candidate_E: np.ndarray, criterion: str
) -> pd.DataFrame:
    """One row per candidate: mean E, mean and worst regret, samples it breaks, and the choice.

    Parameters
    ----------
    names:
        Candidate labels, the deterministic plan first (it wins ties).
    sample_E:
        Benefit E of each sample's own optimum (NaN for a sample without one), shape (n,).
    candidate_E:
        Benefit E of each candidate evaluated under each sample (NaN where it breaks), shape (n, C).
    criterion:
        ``expected`` or ``minimax`` (see :data:`CRITERIA`).
    """
    if criterion not in CRITERIA:
        raise ValueError(f"unknown robust criterion '{criterion}'; known: {', '.join(CRITERIA)}")
    feasible = ~np.isnan(sample_E)
    values = candidate_E[feasible]
    regret = sample_E[feasible, None] - values
    n = int(feasible.sum())
    broken = np.isnan(values).sum(axis=0) if n else np.zeros(len(names), dtype=int)
    frame = pd.DataFrame(
        {
            "candidate": names,
            "expected_E": _nan_stat(np.nanmean, values),
            "mean_regret": _nan_stat(np.nanmean, regret),
            "worst_regret": _nan_stat(np.nanmax, regret),
            "broken_samples": broken.astype(int),
            "evaluated_samples": n,
        }
    )
    frame["chosen"] = False
    usable = frame[frame["expected_E"].notna()]
    if len(usable):
        fewest = usable[usable["broken_samples"] == usable["broken_samples"].min()]
        column, ascending = (
            ("expected_E", False) if criterion == "expected" else ("worst_regret", True)
        )
        best = fewest.sort_values(column, ascending=ascending, kind="stable").index[0]
        frame.loc[best, "chosen"] = True
    return frame


def _nan_stat(stat, values: np.ndarray) -> np.ndarray:  # type: ignore[no-untyped-def]
    """A column statistic that is NaN (without a warning) where a column has no value."""
    out = np.full(values.shape[1], np.nan)
    has = ~np.isnan(values).all(axis=0) if len(values) else np.zeros(values.shape[1], dtype=bool)
    if has.any():
        out[has] = stat(values[:, has], axis=0)
    return out
