"""Constraint 7 of projects.md, one start: a project starts at most once, and once if it is mandatory.

    start_min[p] ≤ Σ_{t ∈ W(p)} u[p,t] ≤ start_max[p]

start_min[p] is 1 for a mandatory project and 0 otherwise; start_max[p] is 1, and 0 only while an
analysis forces the project out. Both are parameters, so forcing a project in or out re-solves.
"""

from __future__ import annotations

from pyomo.environ import ConcreteModel, Constraint

from models.base import linear_sum

KIND = "project_start"


def define_components(m: ConcreteModel) -> None:
    starts: dict[str, list[object]] = {}
    for p, t in m.PW:
        starts.setdefault(p, []).append(m.u[p, t])

    def start_rule(m: ConcreteModel, p: str):  # type: ignore[no-untyped-def]
        return linear_sum(starts[p]) <= m.start_max[p]

    def mandatory_rule(m: ConcreteModel, p: str):  # type: ignore[no-untyped-def]
        return linear_sum(starts[p]) >= m.start_min[p]

    m.project_start = Constraint(m.P, rule=start_rule)
    m.project_mandatory = Constraint(m.P, rule=mandatory_rule)
