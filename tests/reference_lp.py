"""The spec's LP built a second time, from plain numpy matrices, and solved another way.

This module does not import ``models`` or the HiGHS bridge: it reads the spec (``Constraints``,
``Objectives``) and a validated :class:`~planner.scenario.Scenario`, writes

    maximize  c · v   subject to  A v ≤ b,  0 ≤ v ≤ u

over v = (y[r,s,t,k] for every (r,s) in the needs table, c[t]), and solves it with
``scipy.optimize.linprog(method="highs-ipm")``: an interior-point method, where the planner's bridge
runs HiGHS's dual simplex on a model compiled by Pyomo. The two share the HiGHS library but not the
algorithm, the model build or the matrix.

With the scenario's ``actuals`` (shared/spec/actuals.md, programme money only: no projects), the rules
are the ones :func:`tests.checker.spec_rules` relaxes from the spec, each locked cell x[r,s,t] = a is
two rows (≤ a and ≥ a), and the share rows sum the unlocked periods alone.

So that the comparison does not rest on trusting either solver, :func:`solve_reference` also returns a
*certified bracket* of the optimum, checked in numpy:

- lower end: ``c · v`` of the interior-point solution, after checking that v is feasible (to a tolerance);
- upper end: a weak-duality bound built from the solver's row multipliers λ ≤ 0: for any feasible v,
  ``c · v ≤ −(λ · b + Σ_j min(r_j, 0) · u_j)`` with reduced costs ``r = −c − Aᵀλ``; this holds for *any*
  λ ≤ 0, so a wrong multiplier can only loosen the bracket, never make it lie.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from scipy.optimize import linprog

from planner.scenario.model import Scenario
from tests.checker import spec_rules

R = TypeVar("R", bound=Any)  # a reference result: status, optimum
FEASIBILITY_TOL = 1e-6  # relative, per row, for the interior-point point


@dataclass
class ReferenceLP:
    """``maximize cost · v s.t. A v ≤ b, 0 ≤ v ≤ upper`` with named rows."""

    cost: np.ndarray
    A: np.ndarray
    b: np.ndarray
    upper: np.ndarray
    row_names: list[str]
    y_index: dict[tuple[str, str, object, int], int]
    carry_index: dict[object, int]


@dataclass
class ReferenceResult:
    status: str  # "optimal" | "infeasible" | "other: <message>"
    optimum: float | None  # c · v of the reference solution
    upper_bound: float | None  # certified: no feasible plan does better
    x: dict[tuple[str, str, object], float] | None  # allocation x[r,s,t]


def _profile_table(scenario: Scenario, region_profile: str | None, table: str) -> dict:
    if not region_profile:
        return {}
    return dict(getattr(scenario.profiles[region_profile], table))


def _benefits(scenario: Scenario) -> dict[tuple[str, str], float]:
    """benefit[r,s], given or from the scores (criteria.md): the score matrix (pairs × criteria)
    divided column-wise by its largest entry over the pairs with a need, times the weights."""
    pairs = [(n.region, n.sector) for n in scenario.needs]
    if scenario.criteria is None:
        return {(n.region, n.sector): float(n.benefit or 0.0) for n in scenario.needs}
    keys = list(scenario.criteria)
    scores = np.array([[n.scores.get(c, 0.0) for c in keys] for n in scenario.needs]).reshape(
        len(pairs), len(keys)
    )
    with_need = np.array([n.need > 0 for n in scenario.needs], dtype=bool)
    top = scores[with_need].max(axis=0) if with_need.any() else np.zeros(len(keys))
    normal = np.divide(scores, top, out=np.zeros_like(scores), where=top > 0)
    weights = np.array([scenario.criteria[c].weight for c in keys])
    return dict(zip(pairs, (normal @ weights).tolist(), strict=True))


Objective = str | dict[str, float]
"""``"E"`` (benefit), ``"z"`` (least coverage) or weights of both: ``{"E": a, "z": b}`` is a·E + b·z."""


def objective_weights(objective: Objective) -> dict[str, float]:
    return {objective: 1.0} if isinstance(objective, str) else dict(objective)


def build_reference_lp(scenario: Scenario, *, objective: Objective = "E") -> ReferenceLP:
    """The LP of the spec. ``objective="E"`` maximizes benefit; ``"z"`` maximizes least coverage
    (one extra column z ∈ [0, 1] with a row ``z · need_total[r] − Σ x[r] ≤ 0`` per region with need);
    a dict weighs the two (balanced mode)."""
    weights = objective_weights(objective)
    periods = list(scenario.periods)
    n_k = len(scenario.tranches)
    rules = spec_rules(scenario)  # the scenario's own numbers, or A3's relaxed ones with actuals
    budgets = list(rules.budgets)
    # a pair outside the needs table has columns only when the record gave it programme money
    need = {pair: value for pair, value in rules.need.items() if value > 0}
    given_need = {(n.region, n.sector): n.need for n in scenario.needs}
    profile_of = {r.id: r.profile for r in scenario.regions}

    y_index: dict[tuple[str, str, object, int], int] = {}
    upper: list[float] = []
    for (r, s), pair_need in need.items():
        for t in periods:
            for k in range(n_k):
                y_index[(r, s, t, k)] = len(upper)
                upper.append(
                    pair_need / n_k
                )  # y ≤ q is implied by the tranche row; a finite box helps
    carry_index = {}
    for i, t in enumerate(periods):
        carry_index[t] = len(upper)
        # c[t] ≤ B[1] + … + B[t] follows from the budget rows; the explicit box keeps every column
        # bounded, which the weak-duality certificate needs
        upper.append(sum(budgets[: i + 1]) if scenario.carry_over else 0.0)
    z_col = None
    if "z" in weights:
        z_col = len(upper)
        upper.append(1.0)
    n = len(upper)

    cost = np.zeros(n)
    benefit = _benefits(scenario)
    for (r, s, t, k), j in y_index.items():
        d = (1.0 + scenario.discount_rate) ** -periods.index(t)
        w = _profile_table(scenario, profile_of[r], "weight").get(s, 1.0)
        cost[j] = weights.get("E", 0.0) * d * w * benefit.get((r, s), 0.0) * scenario.tranches[k]
    if z_col is not None:
        cost[z_col] = weights["z"]

    rows: list[np.ndarray] = []
    rhs: list[float] = []
    names: list[str] = []

    def add(coefs: dict[int, float], bound: float, name: str) -> None:
        row = np.zeros(n)
        for j, a in coefs.items():
            row[j] += a
        rows.append(row)
        rhs.append(bound)
        names.append(name)

    def x_cols(
        r: str, s: str | None = None, t: object | None = None, within: object = None
    ) -> list[int]:
        return [
            j
            for (rr, ss, tt, _k), j in y_index.items()
            if rr == r
            and (s is None or ss == s)
            and (t is None or tt == t)
            and (within is None or tt in within)  # type: ignore[operator]
        ]

    # 1. tranche size
    for (r, s), pair_need in need.items():
        for k in range(n_k):
            add(
                {y_index[(r, s, t, k)]: 1.0 for t in periods},
                pair_need / n_k,
                f"tranche[{r},{s},{k}]",
            )
    # actuals.md A1: a locked cell holds its record, as two rows
    for t in rules.locked:
        for region in scenario.regions:
            for s in scenario.sectors:
                amount = rules.amounts.get((region.id, s, t), 0.0)
                cols = x_cols(region.id, s, t)
                add({j: 1.0 for j in cols}, amount, f"actual[{region.id},{s},{t}]")
                add({j: -1.0 for j in cols}, -amount, f"actual_min[{region.id},{s},{t}]")
    # 2. budget with carry-over
    for i, t in enumerate(periods):
        coefs = {j: 1.0 for (_r, _s, tt, _k), j in y_index.items() if tt == t}
        coefs[carry_index[t]] = 1.0
        if i > 0:
            coefs[carry_index[periods[i - 1]]] = -1.0
        add(coefs, budgets[i], f"budget[{t}]")
    # 3. corridors
    for g, corridor in scenario.corridors.items():
        for s in corridor.shared_need:
            coefs = {j: 1.0 for r in corridor.regions for j in x_cols(r, s)}
            add(coefs, rules.corridor_cap[(g, s)], f"corridor[{g},{s}]")
    for region in scenario.regions:
        r = region.id
        total = x_cols(r)
        ahead = x_cols(r, within=rules.share_periods)  # every period without actuals
        # 4. shares: smin·Σ x[r] − Σ_t x[r,s] ≤ 0 and Σ_t x[r,s] − smax·Σ x[r] ≤ 0
        for s, low in _profile_table(scenario, region.profile, "share_min").items():
            if low > 0:
                coefs = {j: low for j in ahead}
                for j in x_cols(r, s, within=rules.share_periods):
                    coefs[j] -= 1.0
                add(coefs, 0.0, f"share_min[{r},{s}]")
        for s, high in _profile_table(scenario, region.profile, "share_max").items():
            if high < 1:
                coefs = {j: -high for j in ahead}
                for j in x_cols(r, s, within=rules.share_periods):
                    coefs[j] += 1.0
                add(coefs, 0.0, f"share_max[{r},{s}]")
        need_total = sum(v for (rr, _s), v in given_need.items() if rr == r)
        # 5. floor: −Σ x[r] ≤ −floor · need_total
        if region.min_share_of_need > 0 and need_total > 0:
            add({j: -1.0 for j in total}, -region.min_share_of_need * need_total, f"floor[{r}]")
        # 6. capacity
        if region.max_per_period is not None:
            for t in periods:
                add({j: 1.0 for j in x_cols(r, t=t)}, rules.capacity[(r, t)], f"capacity[{r},{t}]")
        if z_col is not None and need_total > 0:
            coefs = {j: -1.0 for j in total}
            coefs[z_col] = need_total
            add(coefs, 0.0, f"coverage[{r}]")

    A = np.vstack(rows) if rows else np.zeros((0, n))
    return ReferenceLP(cost, A, np.array(rhs), np.array(upper), names, y_index, carry_index)


def balanced_objective(e_star: float, z_star: float, equity_weight: float) -> dict[str, float]:
    """model.md, balanced with weight λ: (1 − λ) · E / E* + λ · z / z*, a term dropped when its
    optimum is 0."""
    weights = {}
    if e_star > 0:
        weights["E"] = (1.0 - equity_weight) / e_star
    if z_star > 0:
        weights["z"] = equity_weight / z_star
    return weights


def balanced_optimum(solve: Callable[..., R], scenario: Scenario, equity_weight: float) -> R:
    """The balanced optimum by ``solve`` (this LP, or the mixed-integer program): E* and z* first,
    then their weighted sum, whose optimum is the reported objective."""
    e_star = solve(scenario)
    if e_star.status != "optimal":
        return e_star
    z_star = solve(scenario, objective="z")
    weights = balanced_objective(e_star.optimum, z_star.optimum, equity_weight)
    # with E* = z* = 0 every feasible plan scores 0, E*'s among them
    return solve(scenario, objective=weights) if weights else e_star


def solve_reference_balanced(scenario: Scenario, equity_weight: float) -> ReferenceResult:
    return balanced_optimum(solve_reference, scenario, equity_weight)


def solve_reference(scenario: Scenario, *, objective: Objective = "E") -> ReferenceResult:
    """Solve the reference LP by interior point and certify the optimum with a weak-duality bound."""
    lp = build_reference_lp(scenario, objective=objective)
    bounds = [(0.0, float(u)) for u in lp.upper]
    arguments = {
        "A_ub": lp.A if len(lp.b) else None,
        "b_ub": lp.b if len(lp.b) else None,
        "bounds": bounds,
    }
    result = linprog(-lp.cost, method="highs-ipm", **arguments)
    if result.status == 4:
        # the interior point method can stop undecided on a barely infeasible LP ("Solve error",
        # seen once in a run where other tests had loaded more of the process first); dual simplex
        # then decides it
        result = linprog(-lp.cost, method="highs-ds", **arguments)
    if result.status == 2:
        return ReferenceResult("infeasible", None, None, None)
    if result.status != 0:
        return ReferenceResult(f"other: {result.message}", None, None, None)
    v = np.asarray(result.x)
    _assert_feasible(lp, v)
    multipliers = np.minimum(np.asarray(result.ineqlin.marginals), 0.0) if len(lp.b) else None
    x: dict[tuple[str, str, object], float] = {}
    for (r, s, t, _k), j in lp.y_index.items():
        x[(r, s, t)] = x.get((r, s, t), 0.0) + float(v[j])
    return ReferenceResult("optimal", float(lp.cost @ v), _dual_bound(lp, multipliers), x)


def _assert_feasible(lp: ReferenceLP, v: np.ndarray) -> None:
    scale = np.maximum(1.0, np.abs(lp.b))
    excess = (lp.A @ v - lp.b) / scale if len(lp.b) else np.zeros(0)
    assert (excess <= FEASIBILITY_TOL).all(), (
        f"reference point violates {lp.row_names[int(np.argmax(excess))]}"
    )
    assert (v >= -FEASIBILITY_TOL).all() and (v <= lp.upper + FEASIBILITY_TOL).all()


def _dual_bound(lp: ReferenceLP, multipliers: np.ndarray | None) -> float:
    """Upper bound on max c·v from weak duality (valid for any λ ≤ 0; see the module docstring)."""
    lam = multipliers if multipliers is not None else np.zeros(0)
    reduced = -lp.cost - (lp.A.T @ lam if len(lam) else 0.0)
    # every column is boxed (0 ≤ v ≤ upper), so r_j · v_j ≥ min(r_j, 0) · upper_j always holds
    lower_on_min = float(lam @ lp.b) + float(np.minimum(reduced, 0.0) @ lp.upper)
    return -lower_on_min


RELAXABLE = ("budget", "corridor", "floor", "share_min", "share_max", "capacity")


def elastic_optimum(scenario: Scenario, weights: dict[str, float]) -> float:
    """The least weighted relaxation that makes ``scenario`` feasible, from the reference LP's rows.

    Written from the elastic LP's definition (planner/analysis/elastic.py's docstring), not its code:
    every row of a relaxable family gets a slack s ≥ 0 with ``a·v − s ≤ b`` (every reference row is
    written ≤, so the slack always loosens it), one slack per scenario number: a region's
    ``capacity[r,t]`` rows share one, weighted by how many rows it loosens; tranche rows stay hard.
    Minimizes Σ weight[family] · rows · s by interior point. Carry-over columns lose their box (with
    more budget, more can be carried).
    """
    lp = build_reference_lp(scenario)
    groups: dict[tuple[str, str], list[int]] = {}
    for i, name in enumerate(lp.row_names):
        family, _, index = name.partition("[")
        if family not in RELAXABLE:
            continue
        key = index.split(",")[0] if family == "capacity" else index
        groups.setdefault((family, key), []).append(i)
    n_v, n_s = len(lp.upper), len(groups)
    slack = np.zeros((len(lp.b), n_s))
    cost = np.zeros(n_v + n_s)
    for j, ((family, _key), rows) in enumerate(groups.items()):
        slack[rows, j] = -1.0
        cost[n_v + j] = weights[family] * len(rows)
    upper = lp.upper.astype(float).copy()
    for j in lp.carry_index.values():
        upper[j] = np.inf if scenario.carry_over else 0.0
    result = linprog(
        cost,
        A_ub=np.hstack([lp.A, slack]),
        b_ub=lp.b,
        bounds=[(0.0, float(u)) for u in upper] + [(0.0, None)] * n_s,
        method="highs-ipm",
    )
    assert result.status == 0, result.message
    return float(result.fun)
