"""Constraint 8 of projects.md, alternatives: at most max[G] projects of a group are funded.

Σ_{p ∈ G} Σ_{t ∈ W(p)} u[p,t] ≤ max[G]    for every group G with members
"""

from __future__ import annotations

from pyomo.environ import ConcreteModel, Constraint

from models.base import linear_sum

KIND = "project_group"


def define_components(m: ConcreteModel) -> None:
    starts: dict[str, list[object]] = {}
    for p, t in m.PW:
        starts.setdefault(p, []).append(m.u[p, t])

    def group_rule(m: ConcreteModel, g: str):  # type: ignore[no-untyped-def]
        return linear_sum([u for p in m.group_members[g] for u in starts[p]]) <= m.group_max[g]

    m.project_group = Constraint(m.G, rule=group_rule)
