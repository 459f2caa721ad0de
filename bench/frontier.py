"""Budget frontier: one live model re-solved per point against a model rebuilt per point.

Prints, for the default scenario and a large synthetic one, the seconds of each way and their ratio
(rebuild ÷ re-solve), both measured in this run. Usage, from the project root: ``python -m bench.frontier [--regions N]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import planner
from planner.scenario.synthetic import synthetic_scenario


def rebuild_per_point(scenario: planner.Scenario, budgets: list[float]) -> list[float]:
    return [planner.solve(scenario, budget=b).E for b in budgets]


def resolve_per_point(scenario: planner.Scenario, budgets: list[float]) -> list[float]:
    return list(planner.frontier(scenario, budgets)["E"])


def compare_ways(label: str, scenario: planner.Scenario, points: int) -> None:
    budgets = list(np.linspace(0.5, 1.2, points) * scenario.total_budget())
    started = time.perf_counter()
    live = resolve_per_point(scenario, budgets)
    live_s = time.perf_counter() - started
    started = time.perf_counter()
    rebuilt = rebuild_per_point(scenario, budgets)
    rebuild_s = time.perf_counter() - started
    same = np.allclose(
        np.array(live, dtype=float), np.array(rebuilt, dtype=float), rtol=1e-7, equal_nan=True
    )
    print(
        f"{label}: {points} points  re-solve {live_s:.2f} s  rebuild {rebuild_s:.2f} s  "
        f"ratio {rebuild_s / live_s:.1f}x  same E: {same}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--regions", type=int, default=300)
    parser.add_argument("--points", type=int, default=15)
    args = parser.parse_args()
    compare_ways("western_china", planner.load_scenario("western_china"), args.points)
    large = synthetic_scenario(args.regions, 6, 5, seed=0)
    compare_ways(f"synthetic {args.regions}x6x5", large, args.points)


if __name__ == "__main__":
    main()
