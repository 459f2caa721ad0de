"""An independent check of a plan against the spec's constraints (shared/spec/model.md, "Constraints",
and shared/spec/projects.md for candidate projects).

Written from the spec, not from ``models/``: it reads only the validated Scenario's fields and the
Plan's tables. :func:`violations` returns every broken rule as a sentence, so a failing property test
says which rule broke and by how much; :func:`check_plan` asserts there is none.

Tolerances are relative to the magnitude of the quantities compared: ``TOL · max(1, |bound|)``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from planner.scenario.model import Scenario

TOL = 1e-6


def _budgets(scenario: Scenario) -> list[float]:
    if isinstance(scenario.budget, list):
        return [float(b) for b in scenario.budget]
    return [float(scenario.budget) / len(scenario.periods)] * len(scenario.periods)


def _exceeds(value: float, bound: float) -> bool:
    return value > bound + TOL * max(1.0, abs(bound))


def allocation_map(plan: Any) -> dict[tuple[str, str, Any], float]:
    """x[r,s,t] from the plan's tidy allocation table (missing rows are 0)."""
    x: dict[tuple[str, str, Any], float] = defaultdict(float)
    for r, s, t, amount in plan.allocation[["region", "sector", "period", "amount"]].itertuples(
        index=False
    ):
        x[(r, s, t)] += float(amount)
    return x


def starts_from_columns(u_keys: Any, u: Any) -> dict[str, Any]:
    """Funded project → start period, from start options (project, period) and their 0/1 values."""
    if u is None:
        return {}
    return {str(p): t for (p, t), value in zip(u_keys, u, strict=True) if value > 0.5}


def project_starts(scenario: Scenario, plan: Any) -> dict[str, Any]:
    """The start period of every funded project, read from the plan's projects table."""
    if not scenario.projects:
        return {}
    table = plan.projects
    return {str(row.id): row.start for row in table.itertuples(index=False) if bool(row.funded)}


def project_cash(scenario: Scenario, starts: dict[str, Any]) -> dict[tuple[str, str, Any], float]:
    """cash[p,t] summed per (region, sector, period): cost / duration in each of its periods."""
    periods = [str(t) for t in scenario.periods]
    cash: dict[tuple[str, str, Any], float] = defaultdict(float)
    for p in scenario.projects:
        if p.id not in starts:
            continue
        first = periods.index(str(starts[p.id]))
        for t in scenario.periods[first : first + p.duration]:
            cash[(p.region, p.sector, t)] += p.cost / p.duration
    return cash


def project_violations(scenario: Scenario, starts: dict[str, Any]) -> list[str]:
    """projects.md constraints 7–9 and the start window, from the funded projects' starts."""
    periods = [str(t) for t in scenario.periods]
    found = []
    for p in scenario.projects:
        first = periods.index(str(p.earliest)) if p.earliest is not None else 0
        last = periods.index(str(p.latest)) if p.latest is not None else len(periods) - 1
        if p.id in starts:
            i = periods.index(str(starts[p.id]))
            if not (first <= i <= last and i + p.duration - 1 <= len(periods) - 1):
                found.append(f"project {p.id} starts in {starts[p.id]}, outside its window")
        elif p.mandatory:
            found.append(f"mandatory project {p.id} is not funded")
        for a in p.requires:
            if p.id in starts and (
                a not in starts or periods.index(str(starts[a])) > periods.index(str(starts[p.id]))
            ):
                found.append(f"project {p.id} is funded but its requirement {a} is not, or later")
    for g, group in scenario.project_groups.items():
        funded = [p.id for p in scenario.projects if p.group == g and p.id in starts]
        if len(funded) > group.max:
            found.append(f"group {g} funds {funded}, more than its max {group.max}")
    return found


def violations(scenario: Scenario, plan: Any) -> list[str]:
    """Every spec rule the plan breaks, as sentences (empty when the plan is valid).

    With projects, the allocation's amount is all money m[r,s,t]; the programme money x is m minus
    the funded projects' cash, recomputed here from their starts, costs and durations.
    """
    m = allocation_map(plan)
    starts = project_starts(scenario, plan)
    cash = project_cash(scenario, starts)
    x = {key: m.get(key, 0.0) - cash.get(key, 0.0) for key in {*m, *cash}}
    period_total: dict[Any, float] = defaultdict(float)
    for (_r, _s, t), amount in m.items():
        period_total[t] += amount
    return (
        allocation_violations(scenario, x, cash)
        + project_violations(scenario, starts)
        + _report_consistency(scenario, plan, x, period_total, starts)
    )


def outcome_violations(
    scenario: Scenario,
    x_keys: Any,
    x: Any,
    E: float | None,
    ceiling: Any = None,
    ceiling_slack: float = 0.0,
    starts: dict[str, Any] | None = None,
) -> list[str]:
    """Every spec rule an allocation array breaks (a sweep sample's plan, or a committed plan
    evaluated under a sample), with its reported benefit ``E`` and, for an evaluation, the committed
    plan ``ceiling`` it may not exceed in any cell (by more than ``ceiling_slack`` relative and
    absolute). ``x`` is programme money; with projects, ``starts`` (funded project → start period)
    adds their cash to the money and their value to E, and rules 7–9 are checked."""
    cells: dict[tuple[str, str, Any], float] = defaultdict(float)
    for key, amount in zip(x_keys, x, strict=True):
        cells[tuple(key)] += float(amount)
    starts = starts or {}
    found = project_violations(scenario, starts) if scenario.projects else []
    found += allocation_violations(scenario, cells, project_cash(scenario, starts))
    worth = best_benefit(scenario, cells) + project_benefit(scenario, starts)
    if E is not None and not math.isclose(E, worth, rel_tol=1e-6, abs_tol=1e-6):
        found.append(f"reported E {E} but the allocation is worth {worth}")
    if ceiling is not None:
        for key, amount, cap in zip(x_keys, x, ceiling, strict=True):
            if amount > cap * (1 + ceiling_slack) + ceiling_slack + TOL * max(1.0, abs(cap)):
                found.append(f"x{list(key)} = {amount} above the committed plan's {cap}")
    return found


def allocation_violations(
    scenario: Scenario,
    x: dict[tuple[str, str, Any], float],
    cash: dict[tuple[str, str, Any], float] | None = None,
) -> list[str]:
    """Every constraint of the spec that the programme money x[r,s,t] breaks, with the funded
    projects' ``cash`` on top (constraints 2–6 read all money m = x + cash: projects.md)."""
    cash = cash or {}
    periods = list(scenario.periods)
    need = {(n.region, n.sector): n.need for n in scenario.needs}
    regions = {r.id: r for r in scenario.regions}
    found: list[str] = []

    pair_total: dict[tuple[str, str], float] = defaultdict(float)
    region_total: dict[str, float] = defaultdict(float)
    region_period: dict[tuple[str, Any], float] = defaultdict(float)
    period_total: dict[Any, float] = defaultdict(float)
    programme: dict[tuple[str, str], float] = defaultdict(float)
    for (r, s, t), amount in {**{k: 0.0 for k in cash}, **x}.items():
        if r not in regions or s not in scenario.sectors or t not in periods:
            found.append(f"allocation names an unknown ({r}, {s}, {t})")
            continue
        if amount < -TOL * max(1.0, cash.get((r, s, t), 0.0)):
            found.append(f"x[{r},{s},{t}] = {amount} is negative")
        programme[(r, s)] += amount
        amount += cash.get((r, s, t), 0.0)
        pair_total[(r, s)] += amount
        region_total[r] += amount
        region_period[(r, t)] += amount
        period_total[t] += amount

    # 1. no programme money beyond the need (a pair missing from the needs table has need 0)
    for (r, s), got in programme.items():
        if _exceeds(got, need.get((r, s), 0.0)):
            found.append(f"({r},{s}) gets {got} beyond its need {need.get((r, s), 0.0)}")

    # 2. budget: with carry-over, what is spent up to t never exceeds the budgets up to t;
    #    without, each period stays within its own budget
    budgets = _budgets(scenario)
    cumulative_budget = cumulative_spent = 0.0
    for t, b in zip(periods, budgets, strict=True):
        cumulative_budget += b
        cumulative_spent += period_total[t]
        if scenario.carry_over and _exceeds(cumulative_spent, cumulative_budget):
            found.append(
                f"spent {cumulative_spent} up to {t}, budgets up to then {cumulative_budget}"
            )
        if not scenario.carry_over and _exceeds(period_total[t], b):
            found.append(f"spent {period_total[t]} in {t}, budget {b} (no carry-over)")

    # 3. corridor caps
    for g, corridor in scenario.corridors.items():
        for s, shared in corridor.shared_need.items():
            got = sum(pair_total[(r, s)] for r in corridor.regions)
            cap = (1 + scenario.redundancy_tolerance) * shared
            if _exceeds(got, cap):
                found.append(f"corridor {g} gets {got} in {s}, cap {cap}")

    for r, region in regions.items():
        total = region_total[r]
        profile = scenario.profiles[region.profile] if region.profile else None
        # 4. specialization shares of the region's own total
        if profile is not None:
            for s, low in profile.share_min.items():
                if _exceeds(low * total, pair_total[(r, s)]):
                    found.append(f"{r} share of {s} is {pair_total[(r, s)]} of {total} < {low}")
            for s, high in profile.share_max.items():
                if _exceeds(pair_total[(r, s)], high * total):
                    found.append(f"{r} share of {s} is {pair_total[(r, s)]} of {total} > {high}")
        # 5. equity floor
        region_need = sum(v for (rr, _s), v in need.items() if rr == r)
        floor = region.min_share_of_need * region_need
        if _exceeds(floor, total):
            found.append(f"{r} gets {total}, below its floor {floor}")
        # 6. absorptive capacity
        if region.max_per_period is not None:
            for t in periods:
                if _exceeds(region_period[(r, t)], region.max_per_period):
                    found.append(
                        f"{r} gets {region_period[(r, t)]} in {t}, capacity {region.max_per_period}"
                    )
    return found


def _report_consistency(
    scenario: Scenario,
    plan: Any,
    x: dict[tuple[str, str, Any], float],
    period_total: dict,
    starts: dict[str, Any],
) -> list[str]:
    """The plan's other tables and numbers agree with its allocation."""
    found = []
    worth = best_benefit(scenario, x) + project_benefit(scenario, starts)
    if plan.E is not None and not math.isclose(plan.E, worth, rel_tol=1e-6, abs_tol=1e-6):
        found.append(f"reported E {plan.E} but the allocation is worth {worth}")
    budget = plan.budget.set_index("period")
    for t in scenario.periods:
        row = budget.loc[t]
        if not math.isclose(row["spent"], period_total[t], rel_tol=1e-9, abs_tol=1e-7):
            found.append(
                f"budget table says {row['spent']} spent in {t}, allocation {period_total[t]}"
            )
        for column in ("carried_in", "carried_out", "lapsed"):
            if row[column] < -TOL * max(1.0, row["budget"]):
                found.append(f"budget table: {column} in {t} is negative ({row[column]})")
    return found


def best_benefit(scenario: Scenario, x: dict[tuple[str, str, Any], float]) -> float:
    """E of an allocation x[r,s,t] with its tranches assigned the best way (spec: Objectives).

    The plan reports x, not y; the tranche values are non-increasing and the discount factors fall with
    the period, so the best split fills the first tranche with the earliest money, then the next.
    An optimal plan in any mode uses the best split (it maximizes E last), so its E must equal this.
    """
    periods = list(scenario.periods)
    need = {(n.region, n.sector): n for n in scenario.needs}
    profile_of = {r.id: r.profile for r in scenario.regions}
    n_k = len(scenario.tranches)
    total = 0.0
    for (r, s), row in need.items():
        if row.need <= 0:
            continue
        weight = scenario.profiles[profile_of[r]].weight.get(s, 1.0) if profile_of[r] else 1.0
        size = row.need / n_k
        k, room = 0, size
        for i, t in enumerate(periods):
            money = max(0.0, x.get((r, s, t), 0.0))
            d = (1 + scenario.discount_rate) ** -i
            while money > 1e-15 and k < n_k:
                take = min(money, room)
                total += d * weight * row.benefit * scenario.tranches[k] * take
                money -= take
                room -= take
                if room <= 1e-15 * max(1.0, size):
                    k, room = k + 1, size
    return total


def project_benefit(scenario: Scenario, starts: dict[str, Any]) -> float:
    """Σ_p d[start] · w[p(r),s] · value[p] over the funded projects (projects.md, "Objectives")."""
    periods = [str(t) for t in scenario.periods]
    profile_of = {r.id: r.profile for r in scenario.regions}
    total = 0.0
    for p in scenario.projects:
        if p.id not in starts:
            continue
        i = periods.index(str(starts[p.id]))
        profile = profile_of[p.region]
        weight = scenario.profiles[profile].weight.get(p.sector, 1.0) if profile else 1.0
        total += (1 + scenario.discount_rate) ** -i * weight * p.value
    return total


def check_plan(scenario: Scenario, plan: Any) -> None:
    """Assert that an optimal plan meets every constraint of the spec and reports consistently."""
    assert plan.status == "optimal", plan.status
    problems = violations(scenario, plan)
    assert not problems, "\n".join(problems)
