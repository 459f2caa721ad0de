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
