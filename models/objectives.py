"""The objectives (spec: "Objectives") and the solve sequence each mode needs.

    E      = Σ_{r,s,t,k} d[t] · w[p(r),s] · benefit[r,s] · tranches[k] · y[r,s,t,k],   d[t] = (1 + ρ) ** −i(t)
             + Σ_p Σ_{t ∈ W(p)} d[t] · w[p(r),s] · value[p] · u[p,t]        (projects.md)
    cov[r] = Σ_{s,t} m[r,s,t] / Σ_s need[r,s]                 (regions with a positive need)

- efficiency: maximize E; reported objective E*.
- equity: maximize z subject to z ≤ cov[r]; reported objective z*. A second solve with z ≥ z* − 1e-7
  maximizes E among the plans that reach z*.
- balanced (weight λ): maximize (1 − λ) · E / E* + λ · z / z*, a term dropped when its optimum is 0;
  reported objective is that weighted value. A last solve with z ≥ z_λ − 1e-7 (z_λ the weighted
  plan's z) maximizes E among the plans that reach it, as equity's second solve does: where E's
  weight is 0 (λ = 1) or too small for the solver's tolerances (λ within about 1e-3 of 1 on the
  bundled scales), the weighted solve leaves the split of money into tranches, and so the reported
  E, arbitrary. The reported plan and its duals are that last solve's; the value stands.

The rows z ≤ cov[r] are written only for the equity and balanced modes (efficiency never reads
z), so switching to or from efficiency changes the model's shape and rebuilds it.

The model declares E and z as two named objectives; :func:`optimize` sets their weights and runs the
solves through any :class:`WeightedSolver` (the HiGHS bridge in practice).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Protocol

from pyomo.core.expr.numeric_expr import SumExpression
from pyomo.environ import ConcreteModel, Constraint, Objective, Var, maximize

from models.base import linear_sum, linear_terms

BENEFIT = "objective_E"
EQUITY = "objective_z"
EQUITY_TIE_TOLERANCE = 1e-7  # spec: the second equity solve keeps z ≥ z* − 1e-7


def define_components(m: ConcreteModel) -> None:
    m.z = Var(bounds=(0, 1))  # the least coverage over regions with a positive need

    def coverage_rule(m: ConcreteModel, r: str):  # type: ignore[no-untyped-def]
        terms = m.region_terms.get(r)
        if not terms or not m.with_equity_rows:  # efficiency mode never reads z
            return Constraint.Skip
        # z ≤ cov[r], multiplied through by the region's (positive) total need
        projects = m.project_region_terms.get(r, [])
        return linear_sum(terms, [(-m.total_need[r], m.z), *projects]) >= 0

    m.coverage = Constraint(m.R, rule=coverage_rule)
    m.objective_E = Objective(expr=benefit_expression(m), sense=maximize)
    m.objective_z = Objective(expr=m.z, sense=maximize)


def benefit_expression(m: ConcreteModel) -> Any:
    """E = Σ_{t,k} d[t] · tranches[k] · Σ_{r,s} w[p(r),s] · benefit[r,s] · y[r,s,t,k].

    The spec's sum, grouped by period and tranche: one ``LinearExpression`` per (t, k) whose
    coefficients are the shared w · benefit node of each pair, scaled by the shared d[t] ·
    tranches[k] node. The tree then holds one monomial per column and no per-column product, and
    y being indexed pair by pair, then period, then tranche, each group is a strided slice of y.
    """
    n_t, n_k = len(m.T), len(m.K)
    per_pair = n_t * n_k
    pair_value = [m.w[r, s] * m.benefit[r, s] for r, s in m.RS]
    groups = []
    for i in range(n_t):  # period i(t), counted from 0
        discount = (1 + m.rho) ** -i
        for k in m.K:
            variables = m.y_list[i * n_k + k - 1 :: per_pair]
            groups.append((discount * m.tranche_value[k]) * linear_terms(pair_value, variables))
    groups += project_benefit_groups(m)
    return SumExpression(groups)


def project_benefit_groups(m: ConcreteModel) -> list[Any]:
    """Σ_p Σ_{t ∈ W(p)} d[t] · w[p(r),s] · value[p] · u[p,t], one scaled group per start period."""
    by_period: dict[Any, list[tuple[Any, Any]]] = {}
    for p, t in m.PW:
        by_period.setdefault(t, []).append((m.project_weight[p] * m.value[p], m.u[p, t]))
    groups = []
    for i, t in enumerate(m.T):
        if t in by_period:
            coefficients, variables = zip(*by_period[t], strict=True)
            groups.append(((1 + m.rho) ** -i) * linear_terms(coefficients, variables))
    return groups


PARAMETRIC_COMPONENTS = ("coverage",)
"""Rows whose coefficients (not only bounds) depend on mutable parameters."""


class WeightedSolver(Protocol):
    def set_weights(self, weights: dict[str, float]) -> None: ...
    def set_column_bounds(self, var: Any, lower: float | None, upper: float | None) -> None: ...
    def solve(self, time_limit_s: float | None = None) -> str: ...
    def objective(self, name: str) -> float: ...


@dataclass(frozen=True)
class Outcome:
    """What the solve sequence of a mode found: status, reported objective, and the single optima."""

    status: str
    objective: float | None
    E_star: float | None = None
    z_star: float | None = None


def optimize(
    m: ConcreteModel,
    solver: WeightedSolver,
    mode: str,
    equity_weight: float,
    time_limit_s: float | None,
) -> Outcome:
    """Run the solves of ``mode``; the solver is left holding the reported plan."""
    solver.set_column_bounds(m.z, 0.0, 1.0)
    if mode == "efficiency":
        return _efficiency(solver, time_limit_s)
    if mode == "equity":
        return _equity(m, solver, time_limit_s)
    return _balanced(m, solver, equity_weight, time_limit_s)


def _efficiency(solver: WeightedSolver, time_limit_s: float | None) -> Outcome:
    solver.set_weights({BENEFIT: 1.0})
    status = solver.solve(time_limit_s)
    if status != "optimal":
        return Outcome(status, None)
    e_star = solver.objective(BENEFIT)
    return Outcome(status, e_star, E_star=e_star)


def _max_equity(solver: WeightedSolver, time_limit_s: float | None) -> tuple[str, float | None]:
    solver.set_weights({EQUITY: 1.0})
    status = solver.solve(time_limit_s)
    return status, solver.objective(EQUITY) if status == "optimal" else None


def _equity(m: ConcreteModel, solver: WeightedSolver, time_limit_s: float | None) -> Outcome:
    status, z_star = _max_equity(solver, time_limit_s)
    if z_star is None:
        return Outcome(status, None)
    solver.set_column_bounds(m.z, max(0.0, z_star - EQUITY_TIE_TOLERANCE), 1.0)
    solver.set_weights({BENEFIT: 1.0})
    status = solver.solve(time_limit_s)
    return Outcome(status, z_star if status == "optimal" else None, z_star=z_star)


def _balanced(
    m: ConcreteModel, solver: WeightedSolver, equity_weight: float, time_limit_s: float | None
) -> Outcome:
    first = _efficiency(solver, time_limit_s)
    if first.E_star is None:
        return first
    status, z_star = _max_equity(solver, time_limit_s)
    if z_star is None:
        return Outcome(status, None)
    weights = balanced_weights(first.E_star, z_star, equity_weight)
    solver.set_weights(weights)
    status = solver.solve(time_limit_s)
    if status != "optimal":
        return Outcome(status, None, first.E_star, z_star)
    value = weighted_value(solver, weights)
    # E's weight may be 0 or below the solver's tolerances (λ at or near 1): break the tie for
    # benefit at the weighted plan's least coverage, as the equity mode does (module docstring)
    z = solver.objective(EQUITY)
    solver.set_column_bounds(m.z, max(0.0, z - EQUITY_TIE_TOLERANCE), 1.0)
    solver.set_weights({BENEFIT: 1.0})
    status = solver.solve(time_limit_s)
    return Outcome(status, value if status == "optimal" else None, first.E_star, z_star)


def weighted_value(solver: WeightedSolver, weights: dict[str, float]) -> float:
    """Σ weight · objective at the plan the solver holds: (1 − λ) · E / E* + λ · z / z*."""
    return sum(w * solver.objective(name) for name, w in weights.items())


def rescored(outcome: Outcome, solver: WeightedSolver, mode: str) -> Outcome:
    """``outcome`` with the reported objective of the plan the solver holds after one more solve of
    its last objective (the LP with the projects' starts fixed, projects.md), which may improve the
    plan's E.

    Only efficiency's objective moves with it (E of that plan). Equity reports z* and balanced its
    weighted value, both of the solve before their last one, which maximizes E among the plans
    that keep z: never the solver's last weights, which are E's alone (issue 32: balanced at λ = 1
    reported E).
    """
    if outcome.objective is None or mode != "efficiency":
        return outcome
    return replace(outcome, objective=solver.objective(BENEFIT))


def balanced_weights(e_star: float, z_star: float, equity_weight: float) -> dict[str, float]:
    """(1 − λ)/E* on E and λ/z* on z; a term whose optimum is 0 is dropped."""
    weights = {}
    if e_star > 0:
        weights[BENEFIT] = (1 - equity_weight) / e_star
    if z_star > 0:
        weights[EQUITY] = equity_weight / z_star
    return weights
