"""Constraint 2, budget with carry-over.

    Σ_{r,s} m[r,s,t] + c[t] ≤ B[t] + c[t−1]    for every t, with c before the first period = 0

where m[r,s,t] = x[r,s,t] + Σ_{p in (r,s)} cash[p,t] (projects.md: every family reads all money).

Written with c[t−1] moved to the left, so the right-hand side is B[t] alone and the row's dual is the
benefit of one more unit of budget in period t. c ≡ 0 when carry-over is off (a column bound, see
``base.set_carry_over``).
"""

from __future__ import annotations

from pyomo.environ import ConcreteModel, Constraint

from models.base import linear_sum

KIND = "budget"


def define_components(m: ConcreteModel) -> None:
    def budget_rule(m: ConcreteModel, t):  # type: ignore[no-untyped-def]
        if m.with_funding:
            return Constraint.Skip
        spent = m.period_terms.get(t, [])
        projects = m.project_budget_terms.get(t, [])
        if t == m.T.first():
            return linear_sum([*spent, m.carry[t]], projects) <= m.B[t]
        carried_in = m.carry[m.T.prev(t)]
        return linear_sum([*spent, m.carry[t]], [(-1, carried_in), *projects]) <= m.B[t]

    m.budget = Constraint(m.T, rule=budget_rule)
