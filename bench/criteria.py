"""A criterion's weight changed on the default scenario: the live model re-solved against a rebuild.

A weight moves only objective coefficients (criteria.md), so ``PlanModel.solve(criteria=…)`` writes the
new benefits into the live HiGHS copy and warm-starts. Prints the seconds of each way over the same
weights and their ratio (rebuild ÷ re-solve), both measured in this run; the goal is ≥ 10×. Exits with
status 1 if the two ways give a different E at any weight (beyond the scenario's ``mip_gap`` when it
has projects). Usage, from the project root:
``python -m bench.criteria [--scenario NAME] [--criterion KEY] [--points N]``.

With projects, each plan is a MIP: the re-solve first tries to prove the last plan's project starts
still within the gap (:mod:`planner.solve.reuse`), and the line says how many re-solves did. A scenario
without criteria (the bundled data before it carries scores) gets three seeded ones here, its own
benefit as the first, so the bench runs on the default either way.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import planner
from bench.frontier import check_same_E
from planner.scenario.model import validate_scenario

GOAL = 10.0


def weights_of(scenario: planner.Scenario, criterion: str, points: int) -> list[float]:
    """``points`` weights from 0 to three times the scenario's own."""
    assert scenario.criteria is not None, "the scenario has no criteria"
    own = scenario.criteria[criterion].weight
    return list(np.linspace(0.0, 3.0 * max(own, 0.1), points))


def with_criteria(scenario: planner.Scenario, seed: int = 0) -> planner.Scenario:
    """The scenario itself when it has criteria; else scored on three made-up criteria: ``people``
    (its own benefit, weight 0.5), ``growth`` (the benefit times a seeded factor in [0, 1], 0.3) and
    ``ecology`` (a seeded score in [0, 1], 0.2). Benchmark numbers, not data."""
    if scenario.criteria:
        return scenario
    rng = np.random.default_rng(seed)
    data = scenario.model_dump()
    data["criteria"] = {
        "people": {"weight": 0.5},
        "growth": {"weight": 0.3},
        "ecology": {"weight": 0.2},
    }
    for row in data["needs"]:
        benefit = row.pop("benefit") or 0.0
        growth, ecology = rng.uniform(0.0, 1.0, 2)
        row["scores"] = {
            "people": benefit,
            "growth": float(growth) * benefit,
            "ecology": float(ecology),
        }
    return validate_scenario(data)


def compare_ways(scenario: planner.Scenario, criterion: str, points: int) -> float:
    weights = weights_of(scenario, criterion, points)
    live = planner.PlanModel(scenario)  # built once, outside the timing: the app holds one live
    live.solve()  # the app shows a plan before any slider moves
    started = time.perf_counter()
    plans = [live.solve(criteria={criterion: w}) for w in weights]
    live_s = time.perf_counter() - started
    re_solved = [p.E for p in plans]
    started = time.perf_counter()
    rebuilt = [planner.solve(scenario, criteria={criterion: w}).E for w in weights]
    rebuild_s = time.perf_counter() - started
    ratio = rebuild_s / live_s
    proven = sum(p.timings.get("proven_solves", 0.0) for p in plans)
    searched = sum(p.timings.get("branch_and_bound_solves", 0.0) for p in plans)
    paths = f"  ({proven:.0f} proven, {searched:.0f} branch and bound)" if scenario.projects else ""
    print(
        f"{scenario.name}, weight of {criterion}: {points} weights  re-solve {live_s:.3f} s  "
        f"rebuild {rebuild_s:.3f} s  ratio {ratio:.1f}x (goal ≥ {GOAL:g}x){paths}"
    )
    tolerance = 2 * scenario.mip_gap if scenario.projects else 0.0
    check_same_E(f"weight of {criterion}", weights, re_solved, rebuilt, rtol=tolerance)
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
        f"ratio {ratio:.1f}x (where the time goes; the goal is the whole re-solve's, above)"
    )
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenario", default="western_china")
    parser.add_argument("--criterion", default="ecology")
    parser.add_argument("--points", type=int, default=13)
    args = parser.parse_args()
    compare_ways(with_criteria(planner.load_scenario(args.scenario)), args.criterion, args.points)


if __name__ == "__main__":
    main()
