"""Candidate projects: planner's branch and bound against raw highspy on the same MILP, and re-solves.

1. A seeded synthetic portfolio (default 300 regions × 6 sectors × 5 periods with 2,000 projects in
   groups and requirement chains; smaller with ``--regions``/``--projects``): planner's total (build +
   solve to gap 1e-4) against raw highspy solving the MILP of ``bench/reference_milp.py`` (built
   independently from the spec) to the same gap; goal ≤ 1.3×. Nodes and gaps of both. Exit 1 when the
   two optima differ by more than the gaps allow.
2. The re-solve after a budget change (−5 %) on the live model against a fresh build + solve of the
   changed scenario; goal ≥ 5× faster.
3. ``western_china`` with its projects (or, where the bundled data has none, 25 seeded synthetic
   ones): the median re-solve of UI-like budget changes; goal < 0.3 s.

Usage, from the project root: ``python -m bench.projects [--regions N] [--projects P] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from typing import Any

import highspy

import planner
from bench.reference_milp import build_milp
from planner.scenario.synthetic import synthetic_projects, synthetic_scenario

GAP = 1e-4


def raw_highspy(scenario: planner.Scenario) -> dict[str, Any]:
    started = time.perf_counter()
    milp = build_milp(scenario)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", GAP)
    h.passModel(milp)
    h.run()
    info = h.getInfo()
    return {
        "total_s": time.perf_counter() - started,
        "objective": info.objective_function_value,
        "gap": info.mip_gap,
        "nodes": int(info.mip_node_count),
        "status": h.modelStatusToString(h.getModelStatus()),
    }


def planner_fresh(scenario: planner.Scenario) -> tuple[planner.PlanModel, dict[str, Any]]:
    started = time.perf_counter()
    live = planner.PlanModel(scenario)
    plan = live.solve()
    total = time.perf_counter() - started
    return live, {
        "total_s": total,
        "objective": plan.objective,
        "gap": plan.gap,
        "nodes": live.bridge.nodes,
        "status": plan.status,
        "funded": int(plan.projects["funded"].sum()),
    }


def resolve_after_budget_change(live: planner.PlanModel, factor: float) -> dict[str, Any]:
    budget = live.scenario.total_budget() * factor
    started = time.perf_counter()
    plan = live.solve(budget=budget)
    resolve_s = time.perf_counter() - started
    changed = live.scenario
    _fresh_live, fresh = planner_fresh(changed)
    return {
        "resolve_s": resolve_s,
        "fresh_s": fresh["total_s"],
        "speedup": fresh["total_s"] / resolve_s,
        "objective_resolve": plan.objective,
        "objective_fresh": fresh["objective"],
    }


def western_china_ui(changes: int = 7) -> dict[str, Any]:
    scenario = planner.load_scenario("western_china")
    source = "bundled projects"
    if not scenario.projects:
        scenario = synthetic_projects(scenario, 25, seed=0)
        source = "25 synthetic projects (the bundled data has none on this branch)"
    live = planner.PlanModel(scenario)
    live.solve()
    base = scenario.total_budget()
    times = []
    for i in range(changes):
        factor = 0.85 + 0.3 * i / max(1, changes - 1)
        started = time.perf_counter()
        live.solve(budget=base * factor)
        times.append(time.perf_counter() - started)
    return {"projects": source, "median_resolve_s": statistics.median(times), "times_s": times}


def agree(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return False
    return abs(a - b) <= 2 * GAP * max(abs(a), abs(b)) + 1e-6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--regions", type=int, default=300)
    parser.add_argument("--projects", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    args = parser.parse_args()
    scenario = synthetic_projects(
        synthetic_scenario(args.regions, 6, 5, seed=args.seed), args.projects, seed=args.seed
    )
    raw = raw_highspy(scenario)
    live, mine = planner_fresh(scenario)
    resolve = resolve_after_budget_change(live, 0.95)
    wc = western_china_ui()
    same = agree(mine["objective"], raw["objective"]) and agree(
        resolve["objective_resolve"], resolve["objective_fresh"]
    )
    report = {
        "size": f"{args.regions}x6x5, {args.projects} projects, seed {args.seed}",
        "planner": mine,
        "raw_highspy": raw,
        "ratio_planner_to_raw": mine["total_s"] / raw["total_s"],
        "budget_change": resolve,
        "western_china": wc,
        "agree_within_gap": same,
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(report["size"])
        for name in ("planner", "raw_highspy"):
            r = report[name]
            print(
                f"  {name:12s} {r['total_s']:7.2f} s  objective {r['objective']:.8g}  "
                f"gap {r['gap']:.2e}  nodes {r['nodes']}"
            )
        print(f"  planner / raw: {report['ratio_planner_to_raw']:.2f}x (goal ≤ 1.3x)")
        print(
            f"  budget −5 %: re-solve {resolve['resolve_s']:.2f} s, fresh {resolve['fresh_s']:.2f} s, "
            f"{resolve['speedup']:.1f}x faster (goal ≥ 5x)"
        )
        print(
            f"  western_china ({wc['projects']}): median UI re-solve "
            f"{wc['median_resolve_s']:.3f} s (goal < 0.3 s)"
        )
        print(f"  optima agree within the gap: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
