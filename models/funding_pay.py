"""F1 (funding.md), every yuan has a source.

    Σ_{f : (r,s) ∈ P(f)} g[r,s,t,f] = m[r,s,t]    for every r, s, t

with m[r,s,t] = x[r,s,t] + Σ_{p in (r,s)} cash[p,t] (projects.md). Written as
Σ_f g − Σ_k y − Σ_p cash[p] · u = 0, for every (r,s,t) of a pair that can have money; a pair that no
source may fund has no g, so its row reads −m = 0 and it gets no money. Not written without funding.
"""

from __future__ import annotations

from pyomo.environ import ConcreteModel, Constraint

from models.base import linear_sum

KIND = "funding_pay"


def define_components(m: ConcreteModel) -> None:
    def pay_rule(m: ConcreteModel, r: str, s: str, t):  # type: ignore[no-untyped-def]
        paid = m.pay_terms.get((r, s, t), [])
        money = m.x_terms.get((r, s, t), [])
        projects = m.project_period_terms.get((r, s, t), [])
        spent = [(-1, y) for y in money] + [(-cash, u) for cash, u in projects]
        return linear_sum(paid, spent) == 0

    m.funding_pay = Constraint(m.money_cells, rule=pay_rule)
