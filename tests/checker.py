"""An independent check of a plan against the spec's constraints (shared/spec/model.md, "Constraints",
shared/spec/projects.md for candidate projects, shared/spec/funding.md for funding sources,
and shared/spec/actuals.md for a re-plan: the locked periods equal the record, and every rule holds
as A3 relaxed it, shares over the unlocked periods; with funding, F1–F4 hold in the locked periods
too, against the sources' amounts as given, never relaxed).

Written from the spec, not from ``models/``: it reads only the validated Scenario's fields and the
Plan's tables. :func:`violations` returns every broken rule as a sentence, so a failing property test
says which rule broke and by how much; :func:`check_plan` asserts there is none.

Tolerances are relative to the magnitude of the quantities compared: ``TOL · max(1, |bound|)``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from planner.scenario.model import Scenario

TOL = 1e-6


def _budgets(scenario: Scenario) -> list[float]:
    if scenario.budget is None:  # funding.md: the sources' total, each split as its amount says
        amounts = list(_source_amounts(scenario).values())
        return [sum(column) for column in zip(*amounts, strict=True)]
    if isinstance(scenario.budget, list):
        return [float(b) for b in scenario.budget]
    return [float(scenario.budget) / len(scenario.periods)] * len(scenario.periods)


@dataclass
class Rules:
    """The numbers the constraints hold the plan to: the scenario's own, or with actuals the ones
    actuals.md A3 relaxed (recomputed here from the spec, not read from the model)."""

    need: dict[tuple[str, str], float]
    budgets: list[float]
    corridor_cap: dict[tuple[str, str], float]
    capacity: dict[tuple[str, Any], float]
    share_periods: set[Any]
    group_max: dict[str, int]
    dropped: set[tuple[str, str]] = field(default_factory=set)
    locked: list[Any] = field(default_factory=list)
    amounts: dict[tuple[str, str, Any], float] = field(default_factory=dict)
    starts: dict[str, Any] = field(default_factory=dict)  # recorded starts


def spec_rules(scenario: Scenario) -> Rules:
    """The scenario's rules, relaxed by actuals.md A3 where the record broke them."""
    periods = list(scenario.periods)
    rules = Rules(
        need={(n.region, n.sector): n.need for n in scenario.needs},
        budgets=_budgets(scenario),
        corridor_cap={
            (g, s): (1 + scenario.redundancy_tolerance) * shared
            for g, c in scenario.corridors.items()
            for s, shared in c.shared_need.items()
        },
        capacity={
            (r.id, t): r.max_per_period
            for r in scenario.regions
            if r.max_per_period is not None
            for t in periods
        },
        share_periods=set(periods),
        group_max={g: group.max for g, group in scenario.project_groups.items()},
    )
    if scenario.actuals is None:
        return rules
    text = {str(t): t for t in periods}
    through = periods.index(text[str(scenario.actuals.through)])
    rules.locked = periods[: through + 1]
    rules.share_periods = set(periods[through + 1 :])
    rules.amounts = {
        (row.region, row.sector, text[str(row.period)]): row.amount
        for row in scenario.actuals.spending
    }
    rules.starts = {
        row.id: text[str(row.start)] for row in scenario.actuals.projects if row.start is not None
    }
    cash = project_cash(scenario, rules.starts)
    fixed: dict[tuple[str, str, Any], float] = defaultdict(float)
    for t in periods:
        for r in scenario.regions:
            for s in scenario.sectors:
                key = (r.id, s, t)
                past = t in rules.locked
                fixed[key] = rules.amounts.get(key, 0.0) if past else cash.get(key, 0.0)
    for (r, s), _ in list(rules.need.items()) + [((k[0], k[1]), 0) for k in rules.amounts]:
        programme = sum(
            rules.amounts.get((r, s, t), 0.0) - cash.get((r, s, t), 0.0) for t in rules.locked
        )
        rules.need[(r, s)] = max(rules.need.get((r, s), 0.0), programme)
    for (g, s), cap in rules.corridor_cap.items():
        got = sum(fixed[(r, s, t)] for r in scenario.corridors[g].regions for t in periods)
        rules.corridor_cap[(g, s)] = max(cap, got)
    for (r, t), cap in rules.capacity.items():
        rules.capacity[(r, t)] = max(cap, sum(fixed[(r, s, t)] for s in scenario.sectors))
    for g in rules.group_max:
        started = [p for p in scenario.projects if p.group == g and p.id in rules.starts]
        rules.group_max[g] = max(rules.group_max[g], len(started))
    for p in scenario.projects:
        for a in p.requires if p.id in rules.starts else ():
            if a not in rules.starts or periods.index(rules.starts[a]) > periods.index(
                rules.starts[p.id]
            ):
                rules.dropped.add((p.id, a))
    if scenario.funding is not None:  # A3: the sources' amounts (F2) are never relaxed
        return rules
    carry = 0.0
    for i, t in enumerate(periods):
        spent = sum(v for (_r, _s, tt), v in fixed.items() if tt == t)
        rules.budgets[i] = max(rules.budgets[i], spent - carry)
        carry = rules.budgets[i] + carry - spent if scenario.carry_over else 0.0
    return rules


def actuals_violations(
    scenario: Scenario, rules: Rules, m: dict[tuple[str, str, Any], float], starts: dict[str, Any]
) -> list[str]:
    """actuals.md A1–A2: every locked cell holds its recorded amount (0 without a row), a recorded
    project starts where the record says, and no other project starts in a locked period."""
    found = []
    for t in rules.locked:
        for r in scenario.regions:
            for s in scenario.sectors:
                want, got = rules.amounts.get((r.id, s, t), 0.0), m.get((r.id, s, t), 0.0)
                if not math.isclose(got, want, rel_tol=1e-7, abs_tol=1e-6):
                    found.append(f"locked ({r.id},{s},{t}) holds {got}, the record {want}")
    for p in scenario.projects:
        recorded, planned = rules.starts.get(p.id), starts.get(p.id)
        if recorded is not None and str(planned) != str(recorded):
            found.append(f"project {p.id} recorded as started in {recorded}, plan {planned}")
        if recorded is None and planned is not None and planned in rules.locked:
            found.append(f"project {p.id} starts in the locked period {planned}")
    return found


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


def project_violations(
    scenario: Scenario, starts: dict[str, Any], rules: Rules | None = None
) -> list[str]:
    """projects.md constraints 7–9 and the start window, from the funded projects' starts (with
    actuals, a recorded start is inside the window, and A3's groups and requirements apply)."""
    rules = rules or spec_rules(scenario)
    periods = [str(t) for t in scenario.periods]
    found = []
    for p in scenario.projects:
        first = periods.index(str(p.earliest)) if p.earliest is not None else 0
        last = periods.index(str(p.latest)) if p.latest is not None else len(periods) - 1
        if p.id in starts:
            i = periods.index(str(starts[p.id]))
            recorded = str(rules.starts.get(p.id)) == str(starts[p.id])
            if not (first <= i <= last or recorded) or i + p.duration - 1 > len(periods) - 1:
                found.append(f"project {p.id} starts in {starts[p.id]}, outside its window")
        elif p.mandatory:
            found.append(f"mandatory project {p.id} is not funded")
        for a in p.requires:
            if (p.id, a) in rules.dropped:
                continue
            if p.id in starts and (
                a not in starts or periods.index(str(starts[a])) > periods.index(str(starts[p.id]))
            ):
                found.append(f"project {p.id} is funded but its requirement {a} is not, or later")
    for g in scenario.project_groups:
        funded = [p.id for p in scenario.projects if p.group == g and p.id in starts]
        if len(funded) > rules.group_max[g]:
            found.append(f"group {g} funds {funded}, more than its max {rules.group_max[g]}")
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
    rules = spec_rules(scenario)
    return (
        allocation_violations(scenario, x, cash, rules)
        + project_violations(scenario, starts, rules)
        + _report_consistency(scenario, plan, x, period_total, starts, rules)
        + benefit_violations(scenario, plan, x)
        + funding_violations(scenario, plan, m)
        + actuals_violations(scenario, rules, m, starts)
    )


# ---- funding.md: F1–F4, read from the plan's funding table ----


def _source_amounts(scenario: Scenario) -> dict[str, list[float]]:
    """A[f,t]: a list as given, a number split evenly over the periods."""
    n = len(scenario.periods)
    assert scenario.funding is not None
    return {
        f.id: [float(a) for a in f.amount] if isinstance(f.amount, list) else [f.amount / n] * n
        for f in scenario.funding.sources
    }


def _spec_share(scenario: Scenario, f: str, r: str, s: str) -> float:
    """The most specific rule's share: region and sector, region, sector, neither; else 1."""
    assert scenario.funding is not None
    found = {(x.region, x.sector): x.max_share for x in scenario.funding.rules if x.source == f}
    for key in ((r, s), (r, None), (None, s), (None, None)):
        if key in found:
            return found[key]
    return 1.0


def funding_violations(
    scenario: Scenario, plan: Any, m: dict[tuple[str, str, Any], float]
) -> list[str]:
    """Every rule of F1–F4 the plan's ``funding`` table breaks against its allocation m[r,s,t]."""
    if scenario.funding is None:
        return []
    sources = {f.id: f for f in scenario.funding.sources}
    periods = [str(t) for t in scenario.periods]
    paid: dict[tuple[str, str, str], float] = defaultdict(float)  # Σ_f g per cell
    used: dict[tuple[str, str], float] = defaultdict(float)  # Σ_{r,s} g per (f, t)
    by_pair: dict[tuple[str, str, str], float] = defaultdict(float)  # Σ_t g per (f, r, s)
    debt: dict[str, float] = defaultdict(float)
    found = []
    for r, s, t, f, g in plan.funding[
        ["region", "sector", "period", "source", "amount"]
    ].itertuples(index=False):
        source = sources[f]
        if g < -TOL:
            found.append(f"g[{r},{s},{t},{f}] = {g} is negative")
        may = source.region in (None, r) and _spec_share(scenario, f, r, s) > 0
        if not may and g > TOL:
            found.append(f"{f} pays {g} to ({r},{s}) in {t}, which it may not fund")
        paid[(r, s, str(t))] += g
        used[(f, str(t))] += g
        by_pair[(f, r, s)] += g
        if source.debt:
            debt[r] += g
    # F1. every yuan has a source, and no source pays money that was not spent
    for key in {*paid, *((r, s, str(t)) for r, s, t in m)}:
        money = sum(v for (r, s, t), v in m.items() if (r, s, str(t)) == key)
        if not math.isclose(paid.get(key, 0.0), money, rel_tol=1e-6, abs_tol=1e-6):
            found.append(f"F1: cell {key} spends {money} but its sources pay {paid.get(key, 0.0)}")
    # F2. availability: with carry-over, what a source paid up to t is at most its amounts up to t
    for f, amounts in _source_amounts(scenario).items():
        paid_so_far = available = 0.0
        for t, amount in zip(periods, amounts, strict=True):
            paid_so_far += used[(f, t)]
            available += amount
            bound = available if scenario.carry_over else amount
            got = paid_so_far if scenario.carry_over else used[(f, t)]
            if _exceeds(got, bound):
                found.append(f"F2: {f} pays {got} up to {t}, available {bound}")
    # F3. co-financing shares of the pair's money over the horizon
    pair_money: dict[tuple[str, str], float] = defaultdict(float)
    for (r, s, _t), v in m.items():
        pair_money[(r, s)] += v
    for (f, r, s), g in by_pair.items():
        cap = _spec_share(scenario, f, r, s) * pair_money[(r, s)]
        if _exceeds(g, cap):
            found.append(f"F3: {f} pays {g} of ({r},{s})'s {pair_money[(r, s)]}, cap {cap}")
    # F4. debt room
    for region in scenario.regions:
        if region.debt_room is not None and _exceeds(debt[region.id], region.debt_room):
            found.append(
                f"F4: {region.id} draws {debt[region.id]} of debt, room {region.debt_room}"
            )
    return found


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
    rules: Rules | None = None,
) -> list[str]:
    """Every constraint of the spec that the programme money x[r,s,t] breaks, with the funded
    projects' ``cash`` on top (constraints 2–6 read all money m = x + cash: projects.md), held to
    ``rules`` (the scenario's, relaxed by actuals.md A3 when it has actuals)."""
    cash = cash or {}
    rules = rules or spec_rules(scenario)
    periods = list(scenario.periods)
    given_need = {(n.region, n.sector): n.need for n in scenario.needs}
    need = rules.need
    regions = {r.id: r for r in scenario.regions}
    found: list[str] = []

    pair_total: dict[tuple[str, str], float] = defaultdict(float)
    region_total: dict[str, float] = defaultdict(float)
    region_period: dict[tuple[str, Any], float] = defaultdict(float)
    period_total: dict[Any, float] = defaultdict(float)
    programme: dict[tuple[str, str], float] = defaultdict(float)
    share_pair: dict[tuple[str, str], float] = defaultdict(float)  # over rules.share_periods
    share_region: dict[str, float] = defaultdict(float)
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
        if t in rules.share_periods:
            share_pair[(r, s)] += amount
            share_region[r] += amount

    # 1. no programme money beyond the need (a pair missing from the needs table has need 0)
    for (r, s), got in programme.items():
        if _exceeds(got, need.get((r, s), 0.0)):
            found.append(f"({r},{s}) gets {got} beyond its need {need.get((r, s), 0.0)}")

    # 2. budget: with carry-over, what is spent up to t never exceeds the budgets up to t;
    #    without, each period stays within its own budget
    budgets = rules.budgets
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
        for s in corridor.shared_need:
            got = sum(pair_total[(r, s)] for r in corridor.regions)
            cap = rules.corridor_cap[(g, s)]
            if _exceeds(got, cap):
                found.append(f"corridor {g} gets {got} in {s}, cap {cap}")

    for r, region in regions.items():
        total = region_total[r]
        profile = scenario.profiles[region.profile] if region.profile else None
        # 4. specialization shares of the region's own total (the unlocked periods' alone: A4)
        own = share_region[r]
        if profile is not None:
            for s, low in profile.share_min.items():
                if _exceeds(low * own, share_pair[(r, s)]):
                    found.append(f"{r} share of {s} is {share_pair[(r, s)]} of {own} < {low}")
            for s, high in profile.share_max.items():
                if _exceeds(share_pair[(r, s)], high * own):
                    found.append(f"{r} share of {s} is {share_pair[(r, s)]} of {own} > {high}")
        # 5. equity floor (of the need as given: A3 relaxes only the tranches)
        region_need = sum(v for (rr, _s), v in given_need.items() if rr == r)
        floor = region.min_share_of_need * region_need
        if _exceeds(floor, total):
            found.append(f"{r} gets {total}, below its floor {floor}")
        # 6. absorptive capacity
        if region.max_per_period is not None:
            for t in periods:
                if _exceeds(region_period[(r, t)], rules.capacity[(r, t)]):
                    found.append(
                        f"{r} gets {region_period[(r, t)]} in {t}, capacity {rules.capacity[(r, t)]}"
                    )
    return found


def _report_consistency(
    scenario: Scenario,
    plan: Any,
    x: dict[tuple[str, str, Any], float],
    period_total: dict,
    starts: dict[str, Any],
    rules: Rules | None = None,
) -> list[str]:
    """The plan's other tables and numbers agree with its allocation."""
    found = []
    need = rules.need if rules is not None else None
    worth = best_benefit(scenario, x, need=need) + project_benefit(scenario, starts)
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


def spec_benefits(scenario: Scenario) -> dict[tuple[str, str], dict[str, float]]:
    """Each pair's benefit split by criterion, from the scores (criteria.md):

        benefit[r,s] = Σ_c weight[c] · score_c[r,s] / max_c,

    max_c the largest score of c over the pairs with need > 0 (a max_c of 0 contributes 0). Without
    criteria the one part ``given`` is the benefit column."""
    if scenario.criteria is None:
        return {(n.region, n.sector): {"given": float(n.benefit or 0.0)} for n in scenario.needs}
    split: dict[tuple[str, str], dict[str, float]] = {}
    for c, criterion in scenario.criteria.items():
        scores = {(n.region, n.sector): n.scores.get(c, 0.0) for n in scenario.needs}
        funded = [scores[(n.region, n.sector)] for n in scenario.needs if n.need > 0]
        top = max(funded) if funded else 0.0
        for pair, score in scores.items():
            part = criterion.weight * score / top if top > 0 else 0.0
            split.setdefault(pair, {})[c] = part
    return split


def benefit_violations(scenario: Scenario, plan: Any, x: dict) -> list[str]:
    """The plan's benefit table holds the spec's benefits and parts; the criteria's parts of E add
    up to the programme's E and each is its share of every pair's E."""
    found = []
    split = spec_benefits(scenario)
    table = plan.benefits.set_index(["region", "sector"])
    for pair, parts in split.items():
        total = math.fsum(parts.values())
        if not math.isclose(table.loc[pair, "benefit"], total, rel_tol=1e-9, abs_tol=1e-12):
            found.append(f"benefit of {pair} reported {table.loc[pair, 'benefit']}, spec {total}")
        for c, part in parts.items():
            if c != "given" and not math.isclose(table.loc[pair, c], part, abs_tol=1e-12):
                found.append(f"{c}'s part of {pair}'s benefit reported {table.loc[pair, c]}")
    if scenario.criteria and plan.E is not None:
        programme = best_benefit(scenario, x)
        parts_of_e = dict(zip(plan.criteria["criterion"], plan.criteria["E"], strict=True))
        if not math.isclose(math.fsum(parts_of_e.values()), programme, rel_tol=1e-6, abs_tol=1e-6):
            found.append(
                f"criteria parts of E add up to {sum(parts_of_e.values())}, not {programme}"
            )
        for c in scenario.criteria:
            alone = best_benefit(scenario, x, only=c)
            if not math.isclose(parts_of_e[c], alone, rel_tol=1e-6, abs_tol=1e-6):
                found.append(
                    f"{c}'s part of E reported {parts_of_e[c]}, the allocation gives {alone}"
                )
    return found


def best_benefit(
    scenario: Scenario,
    x: dict[tuple[str, str, Any], float],
    only: str | None = None,
    need: dict[tuple[str, str], float] | None = None,
) -> float:
    """E of an allocation x[r,s,t] with its tranches assigned the best way (spec: Objectives); with
    ``only``, the part of E one criterion's part of the benefit gives.

    The plan reports x, not y; the tranche values are non-increasing and the discount factors fall with
    the period, so the best split fills the first tranche with the earliest money, then the next.
    An optimal plan in any mode uses the best split (it maximizes E last), so its E must equal this.
    """
    periods = list(scenario.periods)
    sizes = need if need is not None else {(n.region, n.sector): n.need for n in scenario.needs}
    split = spec_benefits(scenario)
    benefit = {
        pair: math.fsum(parts.values()) if only is None else parts[only]
        for pair, parts in split.items()
    }
    profile_of = {r.id: r.profile for r in scenario.regions}
    n_k = len(scenario.tranches)
    total = 0.0
    for (r, s), pair_need in sizes.items():
        if pair_need <= 0 or (r, s) not in benefit:  # a pair outside the needs table is worth 0
            continue
        weight = scenario.profiles[profile_of[r]].weight.get(s, 1.0) if profile_of[r] else 1.0
        size = pair_need / n_k
        k, room = 0, size
        for i, t in enumerate(periods):
            money = max(0.0, x.get((r, s, t), 0.0))
            d = (1 + scenario.discount_rate) ** -i
            while money > 1e-15 and k < n_k:
                take = min(money, room)
                total += d * weight * benefit[(r, s)] * scenario.tranches[k] * take
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
