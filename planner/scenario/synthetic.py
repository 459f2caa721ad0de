"""Seeded synthetic scenarios of any size, for benchmarks and property tests.

They are made up (the README of ``data/`` holds the real figures) but shaped like the real thing: needs
spread over orders of magnitude, a budget below total need, profiles with share bounds, corridors
shared by neighbouring regions, floors and capacities that leave the scenario feasible.
"""

from __future__ import annotations

import numpy as np

from planner.scenario.model import Scenario, validate_scenario


def synthetic_scenario(
    n_regions: int = 12,
    n_sectors: int = 4,
    n_periods: int = 5,
    n_tranches: int = 4,
    seed: int = 0,
    budget_share: float = 0.6,
) -> Scenario:
    """A feasible scenario with ``n_regions × n_sectors × n_periods × n_tranches`` allocation columns.

    Examples
    --------
    >>> s = synthetic_scenario(3, 2, 2, seed=1)
    >>> len(s.regions), len(s.sectors), len(s.periods)
    (3, 2, 2)
    """
    rng = np.random.default_rng(seed)
    sectors = [f"s{j}" for j in range(n_sectors)]
    regions = [f"r{i:04d}" for i in range(n_regions)]
    need = rng.lognormal(mean=3.0, sigma=1.0, size=(n_regions, n_sectors))
    benefit = rng.uniform(0.5, 1.5, size=(n_regions, n_sectors))
    green = np.arange(n_regions) % 3 == 1
    # a green region's minimum share of its last sector must be reachable: give that sector weight
    need[green, -1] = np.maximum(need[green, -1], 0.25 * need[green].sum(axis=1))
    total_need = float(need.sum())
    budget = budget_share * total_need
    profiles = {
        "hub": {"weight": {sectors[0]: 1.2}, "share_max": {sectors[-1]: 0.6}},
        "green": {"weight": {sectors[-1]: 1.3}, "share_min": {sectors[-1]: 0.1}},
    }
    region_rows = []
    for i, rid in enumerate(regions):
        profile = ("hub", "green", "")[i % 3]
        region_rows.append(
            {
                "id": rid,
                "name": f"Region {i}",
                "profile": profile or None,
                "min_share_of_need": round(float(rng.uniform(0.05, 0.2)), 4),
                # capacity comfortably above an even spread of the region's need over the periods
                "max_per_period": round(
                    float(need[i].sum() / n_periods * rng.uniform(1.2, 2.0)), 4
                ),
            }
        )
    needs = [
        {
            "region": rid,
            "sector": s,
            "need": round(float(need[i, j]), 6),
            "benefit": round(float(benefit[i, j]), 6),
        }
        for i, rid in enumerate(regions)
        for j, s in enumerate(sectors)
    ]
    corridors = {}
    group = 5
    for c, start in enumerate(range(0, n_regions - 1, group)):
        members = regions[start : start + group]
        if len(members) < 2:
            break
        s = sectors[c % n_sectors]
        member_need = float(sum(need[regions.index(m), sectors.index(s)] for m in members))
        corridors[f"corridor{c}"] = {
            "regions": members,
            "shared_need": {s: round(0.7 * member_need, 6)},
        }
    return validate_scenario(
        {
            "version": 1,
            "name": f"synthetic {n_regions}x{n_sectors}x{n_periods} seed {seed}",
            "periods": list(range(2026, 2026 + n_periods)),
            "budget": round(budget, 6),
            "carry_over": True,
            "discount_rate": 0.03,
            "sectors": sectors,
            "tranches": [
                round(1.0 - 0.6 * k / max(1, n_tranches - 1), 6) for k in range(n_tranches)
            ],
            "redundancy_tolerance": 0.0,
            "regions": region_rows,
            "needs": needs,
            "profiles": profiles,
            "corridors": corridors,
        }
    )


def synthetic_projects(
    scenario: Scenario,
    n_projects: int = 100,
    seed: int = 0,
    group_size: int = 3,
    grouped_share: float = 0.4,
    chained_share: float = 0.3,
) -> Scenario:
    """The scenario with ``n_projects`` seeded candidate projects (projects.md) in groups and chains.

    Each project lies in a random region and sector with a cost of 5–30 % of that region's total
    need (so its cash fits the region's capacity), spent over 1–3 periods, and a value of 0.6–2.5
    times its cost (programme money earns 0.3–1.8 per unit, so projects compete with it). About
    ``grouped_share`` of them form groups of ``group_size`` alternatives in one sector of
    neighbouring regions (max 1 each); about ``chained_share`` require the project before them in a
    chain of the same sector (requirements point to lower numbers only, so they are acyclic). Corridor
    shared needs grow by the cost of member projects, as projects.md asks of data.

    Examples
    --------
    >>> s = synthetic_projects(synthetic_scenario(6, 2, 3, seed=1), n_projects=8, seed=2)
    >>> len(s.projects), all(p.cost > 0 for p in s.projects)
    (8, True)
    """
    rng = np.random.default_rng(seed)
    data = scenario.model_dump()
    regions = [r.id for r in scenario.regions]
    sectors = list(scenario.sectors)
    n_periods = len(scenario.periods)
    region_need = {r: 0.0 for r in regions}
    for n in scenario.needs:
        region_need[n.region] += n.need
    projects: list[dict[str, object]] = []
    groups: dict[str, dict[str, int]] = {}
    i = 0
    while i < n_projects:
        kind = rng.random()
        size = (
            group_size
            if kind < grouped_share
            else (2 if kind < grouped_share + chained_share else 1)
        )
        size = min(size, n_projects - i)
        first = int(rng.integers(0, len(regions)))
        sector = sectors[int(rng.integers(0, len(sectors)))]
        group = f"g{len(groups)}" if kind < grouped_share and size > 1 else None
        if group:
            groups[group] = {"max": 1}
        for k in range(size):
            region = regions[(first + k) % len(regions)]
            projects.append(
                _synthetic_project(rng, i, region, sector, region_need[region], n_periods, scenario)
            )
            projects[-1]["group"] = group
            if not group and k > 0:
                projects[-1]["requires"] = projects[-2]["id"]
            i += 1
    _widen_corridors(data, projects)
    data["projects"] = projects
    data["project_groups"] = groups
    data["name"] = f"{scenario.name} + {n_projects} projects seed {seed}"
    return validate_scenario(data)


def _synthetic_project(
    rng: np.random.Generator,
    i: int,
    region: str,
    sector: str,
    region_need: float,
    n_periods: int,
    scenario: Scenario,
) -> dict[str, object]:
    duration = int(rng.integers(1, min(3, n_periods) + 1))
    cost = float(rng.uniform(0.05, 0.3)) * max(region_need, 1.0)
    earliest = int(rng.integers(0, n_periods - duration + 1))
    return {
        "id": f"P{i:05d}",
        "region": region,
        "sector": sector,
        "cost": round(cost, 6),
        "duration": duration,
        "earliest": scenario.periods[earliest],
        "value": round(cost * float(rng.uniform(0.6, 2.5)), 6),
    }


def _widen_corridors(data: dict[str, object], projects: list[dict[str, object]]) -> None:
    """A corridor's shared need counts member projects too (projects.md, "In data terms")."""
    corridors = data["corridors"]
    assert isinstance(corridors, dict)
    for corridor in corridors.values():
        for p in projects:
            if p["region"] in corridor["regions"] and p["sector"] in corridor["shared_need"]:
                corridor["shared_need"][p["sector"]] += p["cost"]
