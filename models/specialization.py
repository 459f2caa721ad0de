"""Constraint 4, specialization shares: a region keeps its profile's sector mix.

    Σ_t x[r,s,t] ≥ smin[p(r),s] · Σ_{s',t} x[r,s',t]
    Σ_t x[r,s,t] ≤ smax[p(r),s] · Σ_{s',t} x[r,s',t]

written only where the bound is not the default (smin > 0, smax < 1). A region with no need at all has
no allocation and no rows.
"""

from __future__ import annotations

from pyomo.environ import ConcreteModel, Constraint, quicksum

KIND_MIN = "share_min"
KIND_MAX = "share_max"


def define_components(m: ConcreteModel) -> None:
    def share_min_rule(m: ConcreteModel, r: str, s: str):  # type: ignore[no-untyped-def]
        own, total = _own_and_total(m, r, s)
        if total is None:
            return Constraint.Skip
        return own - m.smin[r, s] * total >= 0

    def share_max_rule(m: ConcreteModel, r: str, s: str):  # type: ignore[no-untyped-def]
        own, total = _own_and_total(m, r, s)
        if total is None:
            return Constraint.Skip
        return own - m.smax[r, s] * total <= 0

    m.share_min = Constraint(m.SMIN, rule=share_min_rule)
    m.share_max = Constraint(m.SMAX, rule=share_max_rule)


def _own_and_total(m: ConcreteModel, r: str, s: str):  # type: ignore[no-untyped-def]
    region = m.region_terms.get(r)
    if not region:
        return None, None
    own = quicksum(m.pair_terms.get((r, s), ()))
    return own, quicksum(region)
