"""An independent check of a plan against the spec's constraints (../shared/spec/model.md).

Written from the spec's text, with plain Python over the Plan's tidy tables: it imports nothing from
``models`` or the bridge, so a mistake in the model code cannot hide itself here.
"""

from __future__ import annotations

import math
from collections import defaultdict

TOL = 1e-6


def _close_le(a: float, b: float, scale: float = 1.0) -> bool:
    return a <= b + TOL * max(1.0, abs(b), scale)


def check_plan(scenario, plan) -> list[str]:
    """Every violated spec constraint, as text (empty when the plan satisfies them all)."""
    alloc = plan.allocation
    x = defaultdict(float)
    for row in alloc.itertuples():
        x[row.region, row.sector, row.period] += row.amount
    regions = [r.id for r in scenario.regions]
    periods = list(scenario.periods)
    need = {(n.region, n.sector): n.need for n in scenario.needs}
    problems = []
    problems += [f"negative x{k} = {v}" for k, v in x.items() if v < -TOL]

    pair_total = defaultdict(float)
    region_total = defaultdict(float)
    region_period = defaultdict(float)
    period_total = defaultdict(float)
    for (r, s, t), v in x.items():
        pair_total[r, s] += v
        region_total[r] += v
        region_period[r, t] += v
        period_total[t] += v

    # 1. tranche size, hence no pair funded beyond its need
    for (r, s), v in pair_total.items():
        if not _close_le(v, need.get((r, s), 0.0)):
            problems.append(f"({r},{s}) funded {v} beyond its need {need.get((r, s), 0.0)}")

    # 2. budget with carry-over: cumulative spending never exceeds cumulative budget; without
    #    carry-over each period stands alone
    budgets = scenario.budget_per_period()
    if scenario.carry_over:
        spent = available = 0.0
        for t, b in zip(periods, budgets, strict=True):
            spent += period_total[t]
            available += b
            if not _close_le(spent, available):
                problems.append(f"spending to {t} ({spent}) exceeds budget to date ({available})")
    else:
        for t, b in zip(periods, budgets, strict=True):
            if not _close_le(period_total[t], b):
                problems.append(f"period {t} spends {period_total[t]} of a budget of {b}")

    # 3. corridor no-redundancy
    for g, corridor in scenario.corridors.items():
        for s, shared in corridor.shared_need.items():
            total = sum(pair_total[r, s] for r in corridor.regions)
            cap = (1 + scenario.redundancy_tolerance) * shared
            if not _close_le(total, cap):
                problems.append(f"corridor {g} funds {s} with {total} above its cap {cap}")

    # 4. specialization shares, 5. equity floor, 6. absorptive capacity
    for region in scenario.regions:
        r = region.id
        profile = scenario.profiles.get(region.profile) if region.profile else None
        total = region_total[r]
        if profile is not None:
            for s, low in profile.share_min.items():
                if pair_total[r, s] < low * total - TOL * max(1.0, total):
                    problems.append(f"{r}: {s} share {pair_total[r, s]}/{total} below {low}")
            for s, high in profile.share_max.items():
                if not _close_le(pair_total[r, s], high * total, total):
                    problems.append(f"{r}: {s} share {pair_total[r, s]}/{total} above {high}")
        floor = region.min_share_of_need * sum(need.get((r, s), 0.0) for s in scenario.sectors)
        if total < floor - TOL * max(1.0, floor):
            problems.append(f"{r} gets {total}, below its floor {floor}")
        if region.max_per_period is not None:
            for t in periods:
                if not _close_le(region_period[r, t], region.max_per_period):
                    problems.append(
                        f"{r} gets {region_period[r, t]} in {t}, above {region.max_per_period}"
                    )
    unknown = {r for (r, _s, _t) in x} - set(regions)
    problems += [f"allocation to unknown region {r}" for r in unknown]
    return problems


def min_coverage(scenario, plan) -> float:
    need = defaultdict(float)
    for n in scenario.needs:
        need[n.region] += n.need
    got = plan.allocation.groupby("region")["amount"].sum()
    shares = [got.get(r, 0.0) / v for r, v in need.items() if v > 0]
    return min(shares) if shares else math.nan
