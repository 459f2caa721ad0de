"""F4 (funding.md), debt room: a region draws at most its room of new debt over the horizon.

    Σ_{f ∈ D} Σ_{s,t} g[r,s,t,f] ≤ debt_room[r]    for every region with a debt_room

Not written for a region no debt source can pay (the row would read 0 ≤ room).
"""

from __future__ import annotations

from pyomo.environ import ConcreteModel, Constraint

from models.base import linear_sum

KIND = "funding_debt"


def define_components(m: ConcreteModel) -> None:
    def debt_rule(m: ConcreteModel, r: str):  # type: ignore[no-untyped-def]
        drawn = m.debt_terms.get(r, [])
        if not drawn or r not in m.debt_room_regions:
            return Constraint.Skip
        return linear_sum(drawn) <= m.debt_room[r]

    m.funding_debt = Constraint(m.R, rule=debt_rule)
