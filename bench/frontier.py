"""Budget frontier: one live model re-solved per point against a model rebuilt per point.

Prints, for the default scenario and a large synthetic one, the seconds of each way and their ratio
(rebuild ÷ re-solve), both measured in this run; exits with status 1 if the two ways give a different E
at any point. Usage, from the project root: ``python -m bench.frontier [--regions N]``.
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
    print(
        f"{label}: {points} points  re-solve {live_s:.2f} s  rebuild {rebuild_s:.2f} s  "
        f"ratio {rebuild_s / live_s:.1f}x"
    )
    check_same_E(label, budgets, live, rebuilt)


def check_same_E(
    label: str, budgets: list[float], live: list[float], rebuilt: list[float], rtol: float = 0.0
) -> None:
    """Stop (exit status 1, as bench/run.py does) when the two ways disagree beyond ``rtol`` (a
    MIP's gap; at least 1e-7): a timing of a wrong answer is no benchmark."""
    got, want = np.array(live, dtype=float), np.array(rebuilt, dtype=float)
    same = np.isclose(got, want, rtol=max(rtol, 1e-7), equal_nan=True)
    if not same.all():
        wrong = [
            f"budget {b:g}: {float(g)!r} against {float(w)!r}"
            for b, g, w, ok in zip(budgets, got, want, same, strict=True)
            if not ok
        ]
        raise SystemExit(f"E MISMATCH ({label}, re-solve against rebuild): " + "; ".join(wrong))


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
