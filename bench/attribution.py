"""Attribution: five changed groups (2^5 = 32 subsets) on one live model, against one solve from
scratch and against a model rebuilt per subset.

Prints, for western_china and a medium synthetic scenario, the attribution's seconds, the seconds of
one solve from scratch (build + hand-over + solve), their ratio (the goal: at most 10x for the 32
solves), and the seconds per subset of re-solving the live model against rebuilding it; all measured
in this run. Rebuilding every subset at the medium size takes minutes, so ``--rebuilt N`` rebuilds N
of the subsets and reports the time per subset. Usage, from the project root:
``python -m bench.attribution [--regions N] [--rebuilt N]``.
"""

from __future__ import annotations

import argparse
import time

import planner
from planner.analysis.attribution_groups import compose
from planner.scenario.synthetic import synthetic_scenario


def five_changes(a: planner.Scenario) -> planner.Scenario:
    """Budget +10%, corridor tolerance 0.1, the first region's needs +20%, every floor −0.05 and
    every capacity +10%: five groups that keep the model's shape (re-solve, no rebuild)."""
    data = a.model_dump()
    data["budget"] = a.total_budget() * 1.1
    data["redundancy_tolerance"] = 0.1
    first = a.regions[0].id
    for need in data["needs"]:
        if need["region"] == first:
            need["need"] *= 1.2
    for region in data["regions"]:
        region["min_share_of_need"] = max(0.0, region["min_share_of_need"] - 0.05)
        if region["max_per_period"] is not None:
            region["max_per_period"] *= 1.1
    return planner.validate_scenario(data)


def measure(label: str, a: planner.Scenario, rebuilt: int) -> None:
    b = five_changes(a)
    started = time.perf_counter()
    planner.solve(a)
    scratch_s = time.perf_counter() - started
    started = time.perf_counter()
    result = planner.attribute(a, b)
    attribute_s = time.perf_counter() - started
    subsets = [
        [g for i, g in enumerate(result.groups) if m >> i & 1] for m in range(1, rebuilt + 1)
    ]
    started = time.perf_counter()
    for taken in subsets:
        planner.solve(compose(a, b, taken))
    rebuild_each_s = (time.perf_counter() - started) / len(subsets)
    resolve_each_s = attribute_s / result.solves
    print(
        f"{label}: {len(result.groups)} groups, {result.solves} solves, {result.method}\n"
        f"  attribution {attribute_s:.3f} s; one solve from scratch {scratch_s:.3f} s; "
        f"ratio {attribute_s / scratch_s:.1f}x (goal <= 10x)\n"
        f"  per subset: re-solve {resolve_each_s * 1000:.1f} ms (attribution / solves), "
        f"rebuild {rebuild_each_s * 1000:.1f} ms (mean of {len(subsets)}); "
        f"rebuild / re-solve {rebuild_each_s / resolve_each_s:.1f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--regions", type=int, default=300)
    parser.add_argument("--rebuilt", type=int, default=4, help="subsets rebuilt at the medium size")
    args = parser.parse_args()
    planner.solve("western_china")  # import and first-call costs out of the way
    measure("western_china", planner.load_scenario("western_china"), rebuilt=31)
    medium = synthetic_scenario(args.regions, 6, 5, seed=0)
    measure(f"synthetic {args.regions}x6x5", medium, rebuilt=args.rebuilt)


if __name__ == "__main__":
    main()
