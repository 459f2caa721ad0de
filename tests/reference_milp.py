"""The mixed-integer program of projects.md built a second time, from plain matrices, solved by scipy.

It starts from :func:`tests.reference_lp.build_reference_lp` (model.md's LP over y and carry, written
from the spec, no ``models`` import) and adds, again from the spec's text:

- one binary column u[p,t] per project p and start t of its window W(p): earliest ≤ t ≤ latest and
  i(t) + duration − 1 ≤ |T| − 1;
- its cash (cost / duration in each period t0 ≤ t ≤ t0 + duration − 1) in every row that reads the money
  m[r,s,t]: budget[t], corridor[g,s] (member region, corridor sector), share_min / share_max[r,·] (the
  pair's sector against the region's total), floor[r], capacity[r,t] and, when z is in the
  objective, coverage[r];
- the rows 7 (one start; = 1 when mandatory), 8 (Σ of a group's starts ≤ max) and 9 (for b requiring a
  and every t: Σ_{t0 ≤ t} u[b,t0] − Σ_{t0 ≤ t} u[a,t0] ≤ 0);
- the objective term d[t] · w[p(r),s] · value[p] · u[p,t].

The objective is E, z or the balanced mode's weighted sum of the two
(:func:`solve_reference_milp_balanced`: E* and z* first, each a mixed-integer optimum). Then
``scipy.optimize.milp`` solves it (HiGHS's branch and bound behind scipy's own matrix hand-over,
not the planner's bridge, model build or compile).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from planner.scenario.model import Scenario
from tests.reference_lp import (
    Objective,
    ReferenceLP,
    balanced_optimum,
    build_reference_lp,
    objective_weights,
)

REFERENCE_GAP = 1e-7  # the reference's own relative gap, far below any scenario's mip_gap


@dataclass
class ReferenceMILP:
    status: str  # "optimal" | "infeasible" | "other: <message>"
    optimum: float | None
    starts: dict[str, object] | None  # funded project → start period


def _window(scenario: Scenario, p) -> list[int]:  # type: ignore[no-untyped-def]
    periods = [str(t) for t in scenario.periods]
    first = periods.index(str(p.earliest)) if p.earliest is not None else 0
    last = periods.index(str(p.latest)) if p.latest is not None else len(periods) - 1
    return [i for i in range(first, last + 1) if i + p.duration - 1 <= len(periods) - 1]


def build_reference_milp(
    scenario: Scenario, objective: Objective = "E"
) -> tuple[ReferenceLP, np.ndarray, np.ndarray, list[tuple[str, int]], dict[str, int]]:
    """(LP part, A with u columns, cost with u columns, u keys (project, period index), row by name)."""
    lp = build_reference_lp(scenario, objective=objective)
    benefit_weight = objective_weights(objective).get("E", 0.0)
    periods = list(scenario.periods)
    u_keys = [(p.id, i) for p in scenario.projects for i in _window(scenario, p)]
    n_lp, n_u = len(lp.upper), len(u_keys)
    row = {name: i for i, name in enumerate(lp.row_names)}
    A = np.hstack([lp.A, np.zeros((len(lp.b), n_u))])
    cost = np.concatenate([lp.cost, np.zeros(n_u)])
    project = {p.id: p for p in scenario.projects}
    region = {r.id: r for r in scenario.regions}
    for j, (pid, t0) in enumerate(u_keys):
        col = n_lp + j
        p = project[pid]
        profile = region[p.region].profile
        weight = dict(scenario.profiles[profile].weight) if profile else {}
        d = (1.0 + scenario.discount_rate) ** -t0
        cost[col] = benefit_weight * d * weight.get(p.sector, 1.0) * p.value
        rate = p.cost / p.duration
        for i in range(t0, t0 + p.duration):
            _add_cash(A, row, scenario, p, periods[i], rate, col)
    return lp, A, cost, u_keys, row


def _add_cash(A, row, scenario, p, t, rate, col) -> None:  # type: ignore[no-untyped-def]
    """cash[p,t] = rate in period t: add it wherever the spec's rows read m[r,s,t]."""

    def add(name: str, coefficient: float) -> None:
        if name in row:
            A[row[name], col] += coefficient

    add(f"budget[{t}]", rate)
    for g, corridor in scenario.corridors.items():
        if p.region in corridor.regions and p.sector in corridor.shared_need:
            add(f"corridor[{g},{p.sector}]", rate)
    region = next(r for r in scenario.regions if r.id == p.region)
    if region.profile:
        prof = scenario.profiles[region.profile]
        for s, low in prof.share_min.items():  # low · Σ m[r] − Σ m[r,s] ≤ 0
            add(f"share_min[{p.region},{s}]", rate * (low - (1.0 if s == p.sector else 0.0)))
        for s, high in prof.share_max.items():  # Σ m[r,s] − high · Σ m[r] ≤ 0
            add(f"share_max[{p.region},{s}]", rate * ((1.0 if s == p.sector else 0.0) - high))
    add(f"floor[{p.region}]", -rate)
    add(f"coverage[{p.region}]", -rate)  # cov[r] counts all money m[r,s,t] (projects.md)
    add(f"capacity[{p.region},{t}]", rate)


def solve_reference_milp_balanced(scenario: Scenario, equity_weight: float) -> ReferenceMILP:
    """The balanced optimum (model.md) with each single optimum a mixed-integer one (projects.md)."""
    return balanced_optimum(solve_reference_milp, scenario, equity_weight)


def solve_reference_milp(scenario: Scenario, objective: Objective = "E") -> ReferenceMILP:
    lp, A, cost, u_keys, _row = build_reference_milp(scenario, objective)
    n_lp, n = len(lp.upper), len(cost)
    extra_rows, extra_rhs = _project_rows(scenario, u_keys, n_lp, n)
    A_all = np.vstack([A, *extra_rows]) if extra_rows else A
    b_all = np.concatenate([lp.b, extra_rhs])
    upper = np.concatenate([lp.upper, np.ones(len(u_keys))])
    integrality = np.concatenate([np.zeros(n_lp), np.ones(len(u_keys))])
    constraints = [LinearConstraint(A_all, -np.inf, b_all)] if len(b_all) else []
    result = milp(
        -cost,
        constraints=constraints,
        integrality=integrality,
        bounds=Bounds(np.zeros(n), upper),
        options={"mip_rel_gap": REFERENCE_GAP},
    )
    if result.status == 2:
        return ReferenceMILP("infeasible", None, None)
    if result.status != 0 or result.x is None:
        return ReferenceMILP(f"other: {result.message}", None, None)
    v = np.asarray(result.x)
    periods = list(scenario.periods)
    starts = {
        pid: periods[t] for (pid, t), value in zip(u_keys, v[n_lp:], strict=True) if value > 0.5
    }
    return ReferenceMILP("optimal", float(cost @ v), starts)


def _project_rows(
    scenario: Scenario, u_keys: list[tuple[str, int]], n_lp: int, n: int
) -> tuple[list[np.ndarray], np.ndarray]:
    """Rows 7–9 of projects.md as ``a · v ≤ b``."""
    rows: list[np.ndarray] = []
    rhs: list[float] = []
    column = {key: n_lp + j for j, key in enumerate(u_keys)}

    def starts_of(pid: str, up_to: int | None = None) -> list[int]:
        return [c for (p, t), c in column.items() if p == pid and (up_to is None or t <= up_to)]

    def add(coefs: dict[int, float], bound: float) -> None:
        row = np.zeros(n)
        for j, a in coefs.items():
            row[j] += a
        rows.append(row)
        rhs.append(bound)

    for p in scenario.projects:  # 7. one start, exactly one when mandatory
        add(dict.fromkeys(starts_of(p.id), 1.0), 1.0)
        if p.mandatory:
            add(dict.fromkeys(starts_of(p.id), -1.0), -1.0)
    for g, group in scenario.project_groups.items():  # 8. alternatives
        members = [c for p in scenario.projects if p.group == g for c in starts_of(p.id)]
        add(dict.fromkeys(members, 1.0), float(group.max))
    for p in scenario.projects:  # 9. requirements, for every period t
        for a in p.requires:
            for t in range(len(scenario.periods)):
                coefs = dict.fromkeys(starts_of(p.id, t), 1.0)
                for c in starts_of(a, t):
                    coefs[c] = coefs.get(c, 0.0) - 1.0
                add(coefs, 0.0)
    return rows, np.array(rhs)
