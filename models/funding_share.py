"""F3 (funding.md), co-financing shares: a source pays at most its share of a pair's money.

    Σ_t g[r,s,t,f] ≤ share[f,r,s] · Σ_t m[r,s,t]    for every (r,s) ∈ P(f) with share[f,r,s] < 1

Σ_t m[r,s,t] is the pair's programme money plus the whole cost of each project started (a project
finishes inside the horizon, so its cash sums to its cost). Written as
Σ_t g − share · Σ_t x − share · Σ_p cost[p] · u ≤ 0; share is a parameter, so a rule's new share
re-solves in place.
"""

from __future__ import annotations

from pyomo.environ import ConcreteModel, Constraint

from models.base import linear_sum

KIND = "funding_share"


def define_components(m: ConcreteModel) -> None:
    def share_rule(m: ConcreteModel, f: str, r: str, s: str):  # type: ignore[no-untyped-def]
        paid = m.share_terms.get((f, r, s), [])
        if not paid:
            return Constraint.Skip
        share = -m.share[f, r, s]  # one shared node for every column of the row
        money = [(share, y) for y in m.pair_terms.get((r, s), ())]
        projects = [(share * cost, u) for cost, u in m.project_pair_terms.get((r, s), ())]
        return linear_sum(paid, money + projects) <= 0

    m.funding_share = Constraint(m.FRS, rule=share_rule)
