"""Constraint 3, corridor no-redundancy: a need shared along a corridor is funded once.

    Σ_{r ∈ g} Σ_t m[r,s,t] ≤ (1 + τ) · shared_need[g,s]    for every corridor g and sector s in its shared_need

m counts programme money and project cash (a project in a member region and a corridor sector counts
against the shared need). A row whose members have neither need nor projects in the sector would read
0 ≤ cap; it is not written.
"""

from __future__ import annotations

from pyomo.environ import ConcreteModel, Constraint

from models.base import linear_sum

KIND = "corridor"


def define_components(m: ConcreteModel) -> None:
    def corridor_rule(m: ConcreteModel, g: str, s: str):  # type: ignore[no-untyped-def]
        members = m.corridor_members[g]
        terms = [v for r in members for v in m.pair_terms.get((r, s), ())]
        projects = [term for r in members for term in m.project_pair_terms.get((r, s), ())]
        if not terms and not projects:
            return Constraint.Skip
        cap = (1 + m.tau) * m.shared_need[g, s]
        if m.with_actuals:  # actuals.md A3: raised as far as the past broke it
            cap = cap + m.corridor_raise[g, s]
        return linear_sum(terms, projects) <= cap

    m.corridor = Constraint(m.GS, rule=corridor_rule)
