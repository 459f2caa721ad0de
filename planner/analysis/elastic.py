"""The elastic variant of the model: the smallest relaxation that makes an infeasible scenario feasible.

Every relaxable row gets a slack s ≥ 0 that moves its bound the way that loosens it, and the LP
minimizes the weighted total of the slacks over the original rows:

    minimize   Σ_j weight[f(j)] · n_j · s_j
    subject to a_i · x − s_{g(i)} ≤ upper_i     (rows of sense ≤: budget, corridor, capacity, share_max)
               a_i · x + s_{g(i)} ≥ lower_i     (rows of sense ≥: floor, share_min)
               every other row and column bound of the model unchanged, s ≥ 0

A slack is one per *scenario number*: one per budget period, corridor sector, floor and share row, and
one per capped region shared by its ``capacity[r,t]`` rows (``max_per_period`` is one number per region).
``n_j`` is the number of rows slack j loosens, so every unit of money a relaxation frees over the horizon
counts once: raising a capacity by 10 for 5 periods weighs 50, like lowering a floor by 50.

Tranche rows (a pair's need) are never relaxed: a need is a fact, not a rule; with y = 0 and every
slack large enough, the elastic LP is always feasible, and it is bounded below by 0.

Weights are per unit of money (the scenario's unit). They are equal up to a tie-break of a few parts in
a thousand, which decides among relaxations of the same size: the planner's own policy targets (floors,
sector shares) are offered first, then the estimates of physical limits (corridor caps, absorptive
capacities), and the budget last, since it is a fiscal envelope set from outside the plan. Raising the
budget alone is reported as an alternative where it suffices (see ``planner.analysis.diagnosis``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np
import scipy.sparse as sp
from pyomo.environ import value

from planner.analysis.diagnosis_funding import WEIGHTS as FUNDING_WEIGHTS
from planner.analysis.diagnosis_funding import funding_slacks
from planner.solve.highs_setup import highs_lp

INF = highspy.kHighsInf

WEIGHTS = {
    "floor": 1.0,
    "share_min": 1.0,
    "share_max": 1.0,
    "corridor": 1.001,
    "capacity": 1.001,
    "budget": 1.002,
    "project_group": 1.0,
    "mandatory": 1.003,
    **FUNDING_WEIGHTS,
}
"""Cost of one unit of money of relaxation per family (see the module docstring for the tie-break).

With candidate projects, a slack of a project row is counted in projects, not money: it is weighed
by the money it frees (:attr:`Slack.scale`): allowing one more project of a group costs its members'
mean cost (a policy rule, offered with the floors and shares); releasing a committed project costs its
cost, and comes last, after the budget: a project under construction is the hardest commitment."""


@dataclass(frozen=True)
class Slack:
    """One relaxable scenario number: its family, its key, and the HiGHS rows it loosens."""

    family: str
    key: Any  # t, (g, s), r, r (capacity: one per region), (r, s)
    rows: tuple[int, ...]
    sense: int  # +1: the rows are upper limits (slack raises them), −1: lower limits (slack lowers them)
    scale: float = (
        1.0  # money per unit of slack: 1 for money rows, a project's cost for project rows
    )
    premium: float = 0.0  # added to the family's weight: a tie-break within a family


def slacks(m: Any, rows_of: Any) -> Iterator[Slack]:
    """The slacks of a built model; ``rows_of(component)`` gives (index, HiGHS row) pairs."""
    for family in ("budget", "corridor", "floor", "share_min", "share_max"):
        sense = -1 if family in ("floor", "share_min") else 1
        for index, i in rows_of(getattr(m, family)):
            yield Slack(family, index, (i,), sense)
    by_region: dict[Any, list[int]] = {}
    for (r, _t), i in rows_of(m.capacity):
        by_region.setdefault(r, []).append(i)
    for r, rows in by_region.items():
        yield Slack("capacity", r, tuple(rows), 1)
    yield from project_slacks(m, rows_of)
    yield from funding_slacks(m, rows_of, Slack)


def project_slacks(m: Any, rows_of: Any) -> Iterator[Slack]:
    """A committed project may be released (its ``project_mandatory`` row), a group's ``max``
    raised (its ``project_group`` row); requirements and one-start rows stay hard: a requirement
    that cannot be met is released through the committed project that asks for it."""
    if not len(m.PW):
        return
    for p, i in rows_of(m.project_mandatory):
        if value(m.start_min[p]) > 0:
            yield Slack("mandatory", p, (i,), -1, float(value(m.cost[p])))
    for g, i in rows_of(m.project_group):
        costs = [float(value(m.cost[p])) for p in m.group_members[g]]
        yield Slack("project_group", g, (i,), 1, sum(costs) / len(costs))


def elastic_lp(
    matrix: sp.csc_matrix,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    col_lower: np.ndarray,
    col_upper: np.ndarray,
    relaxable: list[Slack],
    weights: dict[str, float] | None = None,
) -> highspy.HighsLp:
    """The elastic LP: the model's columns (cost 0) followed by one slack column per ``relaxable``.

    A family missing from ``weights`` gets no slack columns (its rows stay hard).
    """
    weights = WEIGHTS if weights is None else weights
    used = [s for s in relaxable if s.family in weights]
    n_rows, n_cols = matrix.shape
    entries = [(i, j, -float(s.sense)) for j, s in enumerate(used) for i in s.rows]
    rows_idx = np.array([e[0] for e in entries], dtype=np.int64)
    cols_idx = np.array([e[1] for e in entries], dtype=np.int64)
    values = np.array([e[2] for e in entries], dtype=float)
    slack_block = sp.csc_matrix((values, (rows_idx, cols_idx)), shape=(n_rows, len(used)))
    a = sp.hstack([matrix, slack_block], format="csc")
    cost = np.concatenate(
        [np.zeros(n_cols), [(weights[s.family] + s.premium) * len(s.rows) * s.scale for s in used]]
    )
    return highs_lp(
        highspy.ObjSense.kMinimize,
        cost,
        (
            np.concatenate([col_lower, np.zeros(len(used))]),
            np.concatenate([col_upper, np.full(len(used), INF)]),
        ),
        (row_lower, row_upper),
        (a.indptr, a.indices, a.data),
        highspy.MatrixFormat.kColwise,
    )


def used_slacks(relaxable: list[Slack], weights: dict[str, float] | None = None) -> list[Slack]:
    """The slacks :func:`elastic_lp` gives columns to, in column order after the model's."""
    weights = WEIGHTS if weights is None else weights
    return [s for s in relaxable if s.family in weights]
