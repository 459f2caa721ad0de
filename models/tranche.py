"""Constraint 1, tranche size (the no-redundancy rule inside a region).

    Σ_t y[r,s,t,k] ≤ q[r,s]    for every r, s, k,   q[r,s] = need[r,s] / |K|

Equal slices of a need carry falling benefit (``tranches``), so the LP funds the first slice of every
pair before the second: diminishing returns without integer variables. Summed over k, no pair is
funded beyond its need.
"""

from __future__ import annotations

from pyomo.environ import ConcreteModel, Constraint

from models.base import linear_sum

KIND = "tranche"


def define_components(m: ConcreteModel) -> None:
    n_tranches = len(m.K)

    def tranche_rule(m: ConcreteModel, r: str, s: str, k: int):  # type: ignore[no-untyped-def]
        q = m.need[r, s] / n_tranches
        return linear_sum(m.tranche_terms[r, s, k]) <= q

    m.tranche = Constraint(m.RS, m.K, rule=tranche_rule)
