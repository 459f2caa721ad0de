"""funding.md's LP built a second time from plain matrices, on top of ``reference_lp``'s model.md LP.

Imports nothing from ``models`` or the HiGHS bridge. It takes the model.md LP of the same scenario with
the sources' total as its budget (``reference_lp.build_reference_lp``), drops its budget rows and
carry columns (F2 replaces them), and adds, from the spec's text:

    g[r,s,t,f] ≥ 0 for (r,s) ∈ P(f), e[f,t] ≥ 0 with carry-over
    F1  Σ_f g[r,s,t,f] = Σ_k y[r,s,t,k]              (two rows: ≤ and ≥)
    F2  Σ_{r,s} g[r,s,t,f] + e[f,t] − e[f,t−1] ≤ A[f,t]
    F3  Σ_t g[r,s,t,f] − share[f,r,s] · Σ_{t,k} y[r,s,t,k] ≤ 0      where share < 1
    F4  Σ_{f ∈ D} Σ_{s,t} g[r,s,t,f] ≤ debt_room[r]

solved by interior point (``linprog(method="highs-ipm")``), then the least debt among the plans within
1e-7 relative of the optimum, the same way. No projects (the MIP has its own reference).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from planner.scenario.model import Scenario
from tests.reference_lp import build_reference_lp

HOLD = 1e-7  # funding.md: the least-debt solve holds E ≥ E* − 1e-7 · max(1, |E*|)


@dataclass
class FundedReference:
    status: str
    optimum: float | None
    least_debt: float | None


def _amounts(scenario: Scenario) -> dict[str, list[float]]:
    assert scenario.funding is not None
    n = len(scenario.periods)
    return {
        f.id: [float(a) for a in f.amount] if isinstance(f.amount, list) else [f.amount / n] * n
        for f in scenario.funding.sources
    }


def _share(scenario: Scenario, f: str, r: str, s: str) -> float:
    assert scenario.funding is not None
    rules = {(x.region, x.sector): x.max_share for x in scenario.funding.rules if x.source == f}
    for key in ((r, s), (r, None), (None, s), (None, None)):
        if key in rules:
            return rules[key]
    return 1.0


def solve_funded_reference(scenario: Scenario) -> FundedReference:
    assert scenario.funding is not None
    amounts = _amounts(scenario)
    totals = [float(sum(c)) for c in zip(*amounts.values(), strict=True)]
    plain = scenario.model_copy(update={"budget": totals, "funding": None})
    base = build_reference_lp(plain)
    periods = list(scenario.periods)
    keep = [i for i, name in enumerate(base.row_names) if not name.startswith("budget[")]
    n0 = len(base.cost)
    upper = list(base.upper)
    for j in base.carry_index.values():
        upper[j] = 0.0  # F2's e replace model.md's carry
    sources = {f.id: f for f in scenario.funding.sources}
    g: dict[tuple[str, str, object, str], int] = {}
    for r, s in dict.fromkeys((r, s) for r, s, _t, _k in base.y_index):
        for f, source in sources.items():
            if source.region in (None, r) and _share(scenario, f, r, s) > 0:
                for t in periods:
                    g[(r, s, t, f)] = len(upper)
                    upper.append(sum(amounts[f]))
    e: dict[tuple[str, object], int] = {}
    for f in sources:
        for i, t in enumerate(periods):
            e[(f, t)] = len(upper)
            upper.append(sum(amounts[f][: i + 1]) if scenario.carry_over else 0.0)
    n = len(upper)
    rows: list[np.ndarray] = [np.concatenate([base.A[i], np.zeros(n - n0)]) for i in keep]
    rhs: list[float] = [float(base.b[i]) for i in keep]

    def add(coefs: dict[int, float], bound: float) -> None:
        row = np.zeros(n)
        for j, a in coefs.items():
            row[j] += a
        rows.append(row)
        rhs.append(bound)

    y_of: dict[tuple[str, str, object], list[int]] = {}
    for (r, s, t, _k), j in base.y_index.items():
        y_of.setdefault((r, s, t), []).append(j)
    for (r, s, t), ys in y_of.items():  # F1, as two inequalities
        coefs = {j: 1.0 for key, j in g.items() if key[:3] == (r, s, t)}
        coefs.update({j: -1.0 for j in ys})
        add(coefs, 0.0)
        add({j: -a for j, a in coefs.items()}, 0.0)
    for f in sources:  # F2
        for i, t in enumerate(periods):
            coefs = {j: 1.0 for key, j in g.items() if key[3] == f and key[2] == t}
            coefs[e[(f, t)]] = 1.0
            if i:
                coefs[e[(f, periods[i - 1])]] = -1.0
            add(coefs, amounts[f][i])
    for r, s in dict.fromkeys((r, s) for r, s, _t in y_of):  # F3
        for f in sources:
            share = _share(scenario, f, r, s)
            columns = [j for key, j in g.items() if key[:2] == (r, s) and key[3] == f]
            if columns and share < 1:
                coefs = {j: 1.0 for j in columns}
                coefs.update({j: -share for t in periods for j in y_of[(r, s, t)]})
                add(coefs, 0.0)
    debt = np.zeros(n)
    for key, j in g.items():
        debt[j] = 1.0 if sources[key[3]].debt else 0.0
    for region in scenario.regions:  # F4
        if region.debt_room is not None:
            add(
                {j: 1.0 for key, j in g.items() if key[0] == region.id and debt[j]},
                region.debt_room,
            )
    cost = np.concatenate([base.cost, np.zeros(n - n0)])
    A, b = np.vstack(rows), np.array(rhs)
    bounds = [(0.0, float(u)) for u in upper]
    first = linprog(-cost, A_ub=A, b_ub=b, bounds=bounds, method="highs-ipm")
    if first.status == 2:
        return FundedReference("infeasible", None, None)
    assert first.status == 0, first.message
    optimum = float(cost @ first.x)
    held = optimum - HOLD * max(1.0, abs(optimum))
    second = linprog(
        debt,
        A_ub=np.vstack([A, -cost]),
        b_ub=np.append(b, -held),
        bounds=bounds,
        method="highs-ipm",
    )
    assert second.status == 0, second.message
    return FundedReference("optimal", optimum, float(debt @ second.x))
