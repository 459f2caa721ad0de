"""Constraint 9 of projects.md, requirements: if b requires a, a is funded whenever b is, no later.

    Σ_{t0 ≤ t} u[b,t0] ≤ Σ_{t0 ≤ t} u[a,t0]    for every period t

written for the periods where b could have started by t (before that the row reads 0 ≤ …).
"""

from __future__ import annotations

from typing import Any

from pyomo.environ import ConcreteModel, Constraint

from models.base import linear_sum

KIND = "project_requirement"


def define_components(m: ConcreteModel) -> None:
    position = {t: i for i, t in enumerate(m.T)}
    starts: dict[str, list[tuple[int, Any]]] = {}
    for p, t in m.PW:
        starts.setdefault(p, []).append((position[t], m.u[p, t]))
    rows = [
        (b, a, t)
        for b, a in m.requirements
        for t in m.T
        if any(i <= position[t] for i, _u in starts[b])
    ]

    def requirement_rule(m: ConcreteModel, b: str, a: str, t: Any):  # type: ignore[no-untyped-def]
        by_t = position[t]
        own = [u for i, u in starts[b] if i <= by_t]
        required = [u for i, u in starts[a] if i <= by_t]
        return linear_sum(own, [(-1, u) for u in required]) <= 0

    m.project_requirement = Constraint(rows, rule=requirement_rule)
