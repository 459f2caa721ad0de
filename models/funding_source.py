"""F2 (funding.md), each source's availability; replaces model.md's budget constraint 2.

    Σ_{(r,s) ∈ P(f)} g[r,s,t,f] + e[f,t] ≤ A[f,t] + e[f,t−1]    for every f and t, e before the first = 0

Written with e[f,t−1] moved to the left, so the right-hand side is A[f,t] alone and the row's dual is
what one more unit of source f in period t adds to the objective. e ≡ 0 when carry-over is off (a
column bound, see ``models.funding.set_carry_over``).
"""

from __future__ import annotations

from pyomo.environ import ConcreteModel, Constraint

from models.base import linear_sum

KIND = "funding_source"


def define_components(m: ConcreteModel) -> None:
    def source_rule(m: ConcreteModel, f: str, t):  # type: ignore[no-untyped-def]
        paid = m.source_terms.get((f, t), [])
        if t == m.T.first():
            return linear_sum([*paid, m.e[f, t]]) <= m.A[f, t]
        return linear_sum([*paid, m.e[f, t]], [(-1, m.e[f, m.T.prev(t)])]) <= m.A[f, t]

    m.funding_source = Constraint(m.F, m.T, rule=source_rule)
