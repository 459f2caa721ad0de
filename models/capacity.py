"""Constraint 6, absorptive capacity: a region cannot use more than it can build in one period.

Σ_s m[r,s,t] ≤ max_per_period[r]    for every t (where given); m counts project cash too.
"""

from __future__ import annotations

from pyomo.environ import ConcreteModel, Constraint

from models.base import linear_sum

KIND = "capacity"


def define_components(m: ConcreteModel) -> None:
    def capacity_rule(m: ConcreteModel, r: str, t):  # type: ignore[no-untyped-def]
        terms = m.region_period_terms.get((r, t), [])
        projects = m.project_region_period_terms.get((r, t), [])
        if not (terms or projects) or r not in m.capped_regions:
            return Constraint.Skip
        if m.with_actuals:  # actuals.md A3: raised as far as the past broke it
            return linear_sum(terms, projects) <= m.max_per_period[r] + m.capacity_raise[r, t]
        return linear_sum(terms, projects) <= m.max_per_period[r]

    m.capacity = Constraint(m.R, m.T, rule=capacity_rule)
