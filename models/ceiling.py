"""Plan ceiling, used by sweeps to evaluate a committed plan under another scenario (not a spec family).

x[r,s,t] ≤ ceiling[r,s,t]       for every funded (r, s) and every t

A sweep asks "what is the deterministic plan worth if the sample's needs, benefits and budget are the
true ones?". The plan's money per (region, sector, period) is the decision; how that money fills the
tranches of a need is accounting. So the plan is evaluated by maximizing E under the sample's own
constraints with every x[r,s,t] capped at the plan's amount: money beyond the sample's need, budget or
capacity is trimmed, money is never moved to a cell the plan did not fund.

Outside an evaluation the row's bound is need[r,s], which every feasible x already respects (constraint 1
caps Σ_t Σ_k y[r,s,t,k] at need[r,s]), so the rows never change the model's optimum. An evaluation moves
the bounds in the live solver only and puts them back afterwards.
"""

from __future__ import annotations

from typing import Any

from pyomo.environ import ConcreteModel, Constraint, quicksum


def define_components(m: ConcreteModel) -> None:
    def ceiling_rule(m: ConcreteModel, r: str, s: str, t: Any):  # type: ignore[no-untyped-def]
        terms = m.x_terms.get((r, s, t))
        if not terms:
            return Constraint.Skip
        return quicksum(terms) <= m.need[r, s]

    m.ceiling = Constraint(m.RS, m.T, rule=ceiling_rule)
