"""Near-optimal ranges benchmark (issue 15): ratios measured in one run, on this machine.

1. The 12 western regions' ranges (24 solves on one live model) against one solve from scratch of
   the same scenario (goal: at most 5×).
2. The medium synthetic size (300 regions × 6 sectors × 5 periods): region ranges re-solved on one
   live model against rebuilding the model for every range (goal: re-solve at least 5× faster per
   range). Rebuilding costs seconds per range, so it is timed on the first ``--rebuilt`` regions and
   the re-solve on the first ``--regions``; the ratio is per range.

Every rebuilt range must equal the re-solved one (relative 1e-6); a mismatch exits 1.
Usage: ``python -m bench.alternatives [--slack 0.05] [--regions 40] [--rebuilt 3]`` from the root.
"""

from __future__ import annotations

import argparse
import sys
import time

import planner
from planner.analysis.alternatives import ranges
from planner.analysis.near_optimal import NearOptimalSet
from planner.scenario.synthetic import synthetic_scenario

MATCH = 1e-6


def solve_from_scratch(scenario: planner.Scenario, repeats: int = 3) -> float:
    """Best of ``repeats``: build, hand over and solve the scenario's optimum."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        planner.PlanModel(scenario).solve()
        best = min(best, time.perf_counter() - started)
    return best


def resolved_ranges(scenario: planner.Scenario, slack: float, regions: int | None):
    """(seconds for the ranges alone, {region: (min, max)}) on one live model."""
    live = planner.PlanModel(scenario)
    optimal = live.solve()
    with NearOptimalSet(live, optimal, slack) as near:
        if regions is not None:
            keep = {r.id for r in scenario.regions[:regions]}
            everything = near.group_columns
            near.group_columns = lambda key: {  # type: ignore[method-assign]
                k: v for k, v in everything(key).items() if k[0] in keep
            }
        started = time.perf_counter()
        table = ranges(near, optimal, "region")
        seconds = time.perf_counter() - started
    return seconds, {
        r: (lo, hi) for r, lo, hi in table[["region", "min", "max"]].itertuples(index=False)
    }


def rebuilt_range(scenario: planner.Scenario, slack: float, region: str) -> tuple[float, float]:
    """One region's range with a model built for it alone (what re-solving saves)."""
    live = planner.PlanModel(scenario)
    optimal = live.solve()
    with NearOptimalSet(live, optimal, slack) as near:
        cost = near.indicator(near.group_columns(lambda r, s, t: r)[region])
        _, low = near.extreme(cost, maximize=False)
        _, high = near.extreme(cost, maximize=True)
    return float(low or 0.0), float(high or 0.0)


def mismatches(resolved: dict, rebuilt: dict) -> list[str]:
    found = []
    for region, (lo, hi) in rebuilt.items():
        a, b = resolved[region]
        if abs(a - lo) > MATCH * max(1.0, abs(lo)) or abs(b - hi) > MATCH * max(1.0, abs(hi)):
            found.append(f"{region}: re-solved [{a}, {b}] vs rebuilt [{lo}, {hi}]")
    return found


def western(slack: float) -> list[str]:
    scenario = planner.load_scenario("western_china")
    scratch = solve_from_scratch(scenario)
    seconds, resolved = resolved_ranges(scenario, slack, None)
    ratio = seconds / scratch
    print(
        f"western_china: {len(resolved)} region ranges ({2 * len(resolved)} solves) {seconds:.3f} s; "
        f"one solve from scratch {scratch:.3f} s; ratio {ratio:.2f}x (goal <= 5x: "
        f"{'met' if ratio <= 5 else 'NOT met'})"
    )
    rebuilt = {r: rebuilt_range(scenario, slack, r) for r in resolved}
    return mismatches(resolved, rebuilt)


def medium(slack: float, regions: int, rebuilt_count: int) -> list[str]:
    scenario = synthetic_scenario(300, 6, 5)
    seconds, resolved = resolved_ranges(scenario, slack, regions)
    per_resolved = seconds / len(resolved)
    names = list(resolved)[:rebuilt_count]
    started = time.perf_counter()
    rebuilt = {r: rebuilt_range(scenario, slack, r) for r in names}
    per_rebuilt = (time.perf_counter() - started) / len(names)
    speedup = per_rebuilt / per_resolved
    print(
        f"medium 300x6x5: re-solve {per_resolved:.3f} s per range ({len(resolved)} ranges), "
        f"rebuild {per_rebuilt:.3f} s per range ({len(names)} ranges); re-solve {speedup:.1f}x "
        f"faster (goal >= 5x: {'met' if speedup >= 5 else 'NOT met'})"
    )
    return mismatches(resolved, rebuilt)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slack", type=float, default=0.05)
    parser.add_argument("--regions", type=int, default=40, help="medium: ranges re-solved")
    parser.add_argument("--rebuilt", type=int, default=3, help="medium: ranges rebuilt")
    parser.add_argument("--skip-medium", action="store_true")
    args = parser.parse_args()
    problems = western(args.slack)
    if not args.skip_medium:
        problems += medium(args.slack, args.regions, args.rebuilt)
    for line in problems:
        print(f"MISMATCH {line}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
