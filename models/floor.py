"""Constraint 5, equity floor: no region is left below a share of its own need.

    Σ_{s,t} m[r,s,t] ≥ min_share_of_need[r] · Σ_s need[r,s]

written for regions with a positive floor and a positive need; m counts project cash too.
"""

from __future__ import annotations

from pyomo.environ import ConcreteModel, Constraint

from models.base import linear_sum

KIND = "floor"


def define_components(m: ConcreteModel) -> None:
    def floor_rule(m: ConcreteModel, r: str):  # type: ignore[no-untyped-def]
        terms = m.region_terms.get(r)
        if not terms or r not in m.floor_regions:
            return Constraint.Skip
        projects = m.project_region_terms.get(r, [])
        return linear_sum(terms, projects) >= m.min_share_of_need[r] * m.total_need[r]

    m.floor = Constraint(m.R, rule=floor_rule)
