"""A1 and A2 of actuals.md: the locked periods' money and starts are what really happened.

    A1.  m[r,s,t] = x[r,s,t] + Σ_{p in (r,s)} cash[p,t] = a[r,s,t]     for every r, s and t ∈ L
    A2.  u[p,t]   = started[p,t]                                        for every t ∈ W(p) ∩ L

L is the locked periods (index ≤ i(through)); a[r,s,t] the recorded amount, 0 where no row is given;
started[p,t] is 1 in the period a project is recorded as started (its window W(p) is widened to
include it, see ``Scenario.start_window``) and 0 otherwise: a project cannot start in the past. A
mandatory project not started in L must then start after ``through`` (its one-start row = 1).

Both right-hand sides are parameters (``actual[r,s,t]``, ``started[p,t]``), so a new actuals table
with the same locked periods, started projects and programme pairs re-solves in place. An A1 row is
written where the cell has columns; a cell without any can only have been recorded 0 (a positive
programme amount gives the pair a need, A3, hence columns).
"""

from __future__ import annotations

from pyomo.environ import ConcreteModel, Constraint, Param, Set

from models.base import linear_sum
from planner.scenario.actuals import recorded_amounts, recorded_starts
from planner.scenario.model import Scenario

KIND = "actual_money"
KIND_START = "actual_start"


def define_components(m: ConcreteModel) -> None:
    locked = set(m.locked_periods)
    cells = [
        (r, s, t)
        for r in m.R
        for s in m.S
        for t in m.T
        if t in locked and (m.x_terms.get((r, s, t)) or m.project_period_terms.get((r, s, t)))
    ]
    m.LOCKED_CELLS = Set(dimen=3, initialize=cells, ordered=True)
    m.actual = Param(m.LOCKED_CELLS, mutable=True, initialize=0.0)  # a[r,s,t] (unit)
    m.LOCKED_STARTS = Set(dimen=2, initialize=[(p, t) for p, t in m.PW if t in locked])
    m.started = Param(m.LOCKED_STARTS, mutable=True, initialize=0.0)  # 1: recorded start

    def money_rule(m: ConcreteModel, r: str, s: str, t):  # type: ignore[no-untyped-def]
        terms = m.x_terms.get((r, s, t), [])
        projects = m.project_period_terms.get((r, s, t), [])
        return linear_sum(terms, projects) == m.actual[r, s, t]

    def start_rule(m: ConcreteModel, p: str, t):  # type: ignore[no-untyped-def]
        return linear_sum([m.u[p, t]]) == m.started[p, t]

    m.actual_money = Constraint(m.LOCKED_CELLS, rule=money_rule)
    m.actual_start = Constraint(m.LOCKED_STARTS, rule=start_rule)


def set_values(m: ConcreteModel, s: Scenario) -> None:
    """a[r,s,t] and started[p,t] from the scenario's actuals (every cell written)."""
    amounts = recorded_amounts(s)
    for cell in m.LOCKED_CELLS:
        m.actual[cell] = amounts.get(cell, 0.0)
    starts = recorded_starts(s)
    for p, t in m.LOCKED_STARTS:
        m.started[p, t] = 1.0 if starts.get(p) == t else 0.0
