"""Constraint 4, specialization shares: a region keeps its profile's sector mix.

    Σ_t m[r,s,t] ≥ smin[p(r),s] · Σ_{s',t} m[r,s',t]
    Σ_t m[r,s,t] ≤ smax[p(r),s] · Σ_{s',t} m[r,s',t]

written only where the bound is not the default (smin > 0, smax < 1); m counts project cash too (over
the horizon a funded project spends its whole cost). A region with neither need nor projects has no
allocation and no rows.
"""

from __future__ import annotations

from pyomo.environ import ConcreteModel, Constraint

from models.base import linear_terms

KIND_MIN = "share_min"
KIND_MAX = "share_max"


def define_components(m: ConcreteModel) -> None:
    # actuals.md A4: with a record, the rows hold for the unlocked periods' money alone, which moves
    # their right-hand side by the locked periods' part (models.actuals_shares)
    with_actuals = m.with_actuals

    def share_min_rule(m: ConcreteModel, r: str, s: str):  # type: ignore[no-untyped-def]
        row = _own_minus_share_of_total(m, r, s, m.smin[r, s])
        if row is None:
            return Constraint.Skip
        return row >= m.shift_min[r, s] if with_actuals else row >= 0

    def share_max_rule(m: ConcreteModel, r: str, s: str):  # type: ignore[no-untyped-def]
        row = _own_minus_share_of_total(m, r, s, m.smax[r, s])
        if row is None:
            return Constraint.Skip
        return row <= m.shift_max[r, s] if with_actuals else row <= 0

    m.share_min = Constraint(m.SMIN, rule=share_min_rule)
    m.share_max = Constraint(m.SMAX, rule=share_max_rule)


def _own_minus_share_of_total(m: ConcreteModel, r: str, s: str, share):  # type: ignore[no-untyped-def]
    """Σ_t m[r,s,t] − share · Σ_{s',t} m[r,s',t], one coefficient per column: 1 − share on the
    sector's own columns, −share on the rest of the region's (None for a region with no columns).
    A project's start u[p,t0] carries its cost times the same factor."""
    region = m.region_terms.get(r, [])
    projects = m.project_region_terms.get(r, [])
    if not region and not projects:
        return None
    own = {id(v) for v in m.pair_terms.get((r, s), ())}
    own_projects = {id(u) for _cost, u in m.project_pair_terms.get((r, s), ())}
    on_own, off_own = 1 - share, -share  # two shared expression nodes, not one per column
    coefficients = [on_own if id(v) in own else off_own for v in region]
    coefficients += [(on_own if id(u) in own_projects else off_own) * cost for cost, u in projects]
    return linear_terms(coefficients, [*region, *(u for _cost, u in projects)])
