"""A criterion's weight changed on the default scenario: the live model re-solved against a rebuild.

A weight moves only objective coefficients (criteria.md), so ``PlanModel.solve(criteria=…)`` writes the
new benefits into the live HiGHS copy and warm-starts. Prints the seconds of each way over the same
weights and their ratio (rebuild ÷ re-solve), both measured in this run; the goal is ≥ 10×. Exits with
status 1 if the two ways give a different E at any weight. Usage, from the project root:
``python -m bench.criteria [--scenario NAME] [--criterion KEY] [--points N]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import planner
from bench.frontier import check_same_E

GOAL = 10.0


def weights_of(scenario: planner.Scenario, criterion: str, points: int) -> list[float]:
    """``points`` weights from 0 to three times the scenario's own."""
    assert scenario.criteria is not None, "the scenario has no criteria"
    own = scenario.criteria[criterion].weight
    return list(np.linspace(0.0, 3.0 * max(own, 0.1), points))


def compare_ways(scenario: planner.Scenario, criterion: str, points: int) -> float:
    weights = weights_of(scenario, criterion, points)
    live = planner.PlanModel(scenario)  # built once, outside the timing: the app holds one live
    started = time.perf_counter()
    re_solved = [live.solve(criteria={criterion: w}).E for w in weights]
    live_s = time.perf_counter() - started
    started = time.perf_counter()
    rebuilt = [planner.solve(scenario, criteria={criterion: w}).E for w in weights]
    rebuild_s = time.perf_counter() - started
    ratio = rebuild_s / live_s
    print(
        f"{scenario.name}, weight of {criterion}: {points} weights  re-solve {live_s:.3f} s  "
        f"rebuild {rebuild_s:.3f} s  ratio {ratio:.1f}x (goal ≥ {GOAL:g}x)"
    )
    check_same_E(f"weight of {criterion}", weights, re_solved, rebuilt)
    model_side(scenario, criterion, weights)
    return ratio


def model_side(scenario: planner.Scenario, criterion: str, weights: list[float]) -> float:
    """The model's share of a weight change, without HiGHS's search (which both ways pay alike, and
    which dominates on a scenario with projects, a MIP): writing the new benefits into the live
    model against building the model and handing it to HiGHS."""
    changed = [scenario.with_changes(criteria={criterion: w}) for w in weights]
    live = planner.PlanModel(scenario)
    started = time.perf_counter()
    for s in changed:
        live.update(s)
    update_s = time.perf_counter() - started
    started = time.perf_counter()
    for s in changed:
        planner.PlanModel(s)
    build_s = time.perf_counter() - started
    ratio = build_s / update_s
    print(
        f"  model side only: update {update_s:.3f} s  build + handover {build_s:.3f} s  "
        f"ratio {ratio:.1f}x (goal ≥ {GOAL:g}x)"
    )
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenario", default="western_china")
    parser.add_argument("--criterion", default="ecology")
    parser.add_argument("--points", type=int, default=13)
    args = parser.parse_args()
    compare_ways(planner.load_scenario(args.scenario), args.criterion, args.points)


if __name__ == "__main__":
    main()
