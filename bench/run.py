"""Benchmark: planner against raw highspy and linopy on the same seeded LP.

    python bench/run.py [--sizes small,medium,large] [--repeats N] [--json] [--no-solve] [--algorithms]

Every implementation builds the efficiency-mode LP of the same ``planner.scenario.synthetic`` scenario and
solves it with HiGHS using the same algorithm (the one the planner picks for that size); each runs in
its own fresh process, after an untimed warm-up on a tiny instance (so lazy imports are not timed), and
reports medians over the repeats. All must reach the same objective (relative difference < 1e-6), or
the script exits with status 1. Ratios compare with raw highspy measured in the same run.

Peak memory is the worker's peak resident set size above its size after imports and warm-up.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = {
    "small": (12, 4, 5),
    "medium": (300, 6, 5),
    "large": (3000, 8, 10),
}
DEFAULT_REPEATS = {"small": 7, "medium": 3, "large": 1}
IMPLEMENTATIONS = ("highspy", "linopy", "planner", "resolve")
OBJECTIVE_TOLERANCE = 1e-6


def scenario_for(size: str) -> Any:
    from planner.scenario.synthetic import synthetic_scenario

    return synthetic_scenario(*SIZES[size], seed=0)


def algorithm_for(scenario: Any) -> str:
    """The HiGHS algorithm the planner starts with, so every implementation solves alike."""
    from planner.solve.bridge import INTERIOR_POINT_FROM_COLUMNS

    columns = sum(1 for n in scenario.needs if n.need > 0) * len(scenario.periods)
    columns *= len(scenario.tranches)
    return "ipm" if columns >= INTERIOR_POINT_FROM_COLUMNS else "choose"


def quiet_highs() -> Any:
    """A silent Highs object with the planner's own options (feasibility tolerances 1e-9), so every
    implementation asks HiGHS for the same thing."""
    from planner.solve.highs_setup import quiet_highs as planner_quiet_highs

    return planner_quiet_highs()


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---- one implementation, one run: returns phase seconds and the objective ----


def run_highspy(scenario: Any, solve: bool, algorithm: str) -> dict[str, Any]:
    from bench.reference_highspy import build_lp

    t0 = time.perf_counter()
    lp = build_lp(scenario)
    t1 = time.perf_counter()
    h = quiet_highs()  # highspy's constructor prints a banner on stdout
    h.setOptionValue("solver", algorithm)
    h.passModel(lp)
    t2 = time.perf_counter()
    out: dict[str, Any] = {"build_s": t1 - t0, "handover_s": t2 - t1}
    if solve:
        h.run()
        solution = h.getSolution()  # read back, as every other implementation does
        out["objective"] = h.getInfo().objective_function_value
        out["highs_s"] = h.getRunTime()
        del solution
    out["total_s"] = time.perf_counter() - t0
    return out


def run_linopy(scenario: Any, solve: bool, algorithm: str) -> dict[str, Any]:
    from linopy.io import to_highspy

    from bench.reference_linopy import build_model

    t0 = time.perf_counter()
    m = build_model(scenario)
    t1 = time.perf_counter()
    out: dict[str, Any] = {"build_s": t1 - t0}
    if solve:
        m.solve(
            solver_name="highs",
            io_api="direct",
            output_flag=False,
            solver=algorithm,
            primal_feasibility_tolerance=1e-9,  # as the planner's bridge
            dual_feasibility_tolerance=1e-9,
        )
        objective = m.objective.value
        out["objective"] = None if objective is None else float(objective)
        out["highs_s"] = m.solver_model.getRunTime()
    else:
        to_highspy(m)
        out["handover_s"] = time.perf_counter() - t1
    out["total_s"] = time.perf_counter() - t0
    return out


def run_planner(scenario: Any, solve: bool, algorithm: str) -> dict[str, Any]:
    from planner.solve.plan_model import PlanModel

    t0 = time.perf_counter()
    live = PlanModel(scenario)
    out: dict[str, Any] = {"build_s": live.build_s, "handover_s": live.bridge.handover_s}
    if solve:
        plan = live.solve()
        read_tables(plan)  # the solution read back in full, as the references read theirs
        out["objective"] = plan.objective
        out["highs_s"] = live.bridge.highs.getRunTime()
    out["total_s"] = time.perf_counter() - t0
    return out


SLIDER_STEP = 0.02  # a budget slider step: ±2 % of the total
BUDGET_JUMP = 0.10  # a typed-in budget: −10 %


def run_resolve(scenario: Any, solve: bool, algorithm: str, repeats: int) -> list[dict[str, Any]]:
    """Budget changes on a live PlanModel (slider steps, then a jump), each checked against a
    fresh build and solve at that budget (``rebuild_s``, the idiomatic alternative)."""
    import planner
    from planner.solve.plan_model import PlanModel

    total = scenario.total_budget()
    live = PlanModel(scenario)
    live.solve()
    runs = []
    for i in range(repeats):
        budget = total * (1 - SLIDER_STEP if i % 2 == 0 else 1.0)
        resolve_s, plan = timed(live.solve, budget=budget)
        tables_s, _ = timed(read_tables, plan)  # what a UI pays on top: the tables it shows
        gc.collect()  # as between the repeats of the other implementations
        rebuild_s, fresh = timed(planner.solve, scenario, budget=budget)
        check("re-solve", plan.objective, fresh.objective)
        runs.append(
            {
                "resolve_s": resolve_s,
                "resolve_tables_s": resolve_s + tables_s,
                "rebuild_s": rebuild_s,
                "objective": plan.objective,
            }
        )
    jump_s, plan = timed(live.solve, budget=total * (1 - BUDGET_JUMP))
    check(
        "re-solve after a jump",
        plan.objective,
        planner.solve(scenario, budget=total * (1 - BUDGET_JUMP)).objective,
    )
    for run in runs:
        run["resolve_jump_s"] = jump_s
    return runs


def read_tables(plan: Any) -> None:
    """Read every table of a plan (they are built on first read)."""
    for table in (plan.allocation, plan.budget, plan.coverage, plan.constraints):
        len(table)


def timed(func: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = func(*args, **kwargs)
    return time.perf_counter() - t0, result


RUNNERS = {"highspy": run_highspy, "linopy": run_linopy, "planner": run_planner}


def check(what: str, got: float | None, want: float | None) -> None:
    if got is None or want is None or abs(got - want) > OBJECTIVE_TOLERANCE * max(1.0, abs(want)):
        raise SystemExit(f"OBJECTIVE MISMATCH ({what}): {got!r} against {want!r}")


def worker(impl: str, size: str, repeats: int, solve: bool) -> dict[str, Any]:
    """Runs inside a fresh process: warm up, then time ``repeats`` runs."""
    import warnings

    warnings.filterwarnings("ignore")
    from planner.scenario.synthetic import synthetic_scenario

    tiny = synthetic_scenario(3, 2, 2, seed=1)
    scenario = scenario_for(size)
    algorithm = algorithm_for(scenario)
    if impl == "resolve":
        run_resolve(tiny, True, "choose", 1)
    else:
        RUNNERS[impl](tiny, True, "choose")
    baseline = rss_mib()
    if impl == "resolve":
        runs = run_resolve(scenario, solve, algorithm, repeats)
    else:
        runs = []
        for _ in range(repeats):
            # free the previous run's model first, untimed: a Pyomo model holds reference cycles, so
            # the cyclic collector (not reference counting) frees it, at a moment of its choosing
            gc.collect()
            runs.append(RUNNERS[impl](scenario, solve, algorithm))
    medians: dict[str, Any] = {
        k: statistics.median(r[k] for r in runs) for k in runs[0] if k != "objective"
    }
    medians["objective"] = runs[0].get("objective")
    medians["peak_mib"] = peak_mib() - baseline
    medians["algorithm"] = algorithm
    return medians


def spawn(impl: str, size: str, repeats: int, solve: bool) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--worker", impl, "--sizes", size, "--repeats", str(repeats)]
    if not solve:
        cmd.append("--no-solve")
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"{impl} at {size} failed:\n{done.stderr.strip()}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def algorithms(size: str) -> dict[str, Any]:
    """HiGHS's own solve time with each algorithm on the raw LP (goal: planner's pick is near best)."""
    from bench.reference_highspy import build_lp

    lp = build_lp(scenario_for(size))
    times = {}
    for name in ("simplex", "ipm", "pdlp"):
        h = quiet_highs()  # highspy's constructor prints a banner on stdout
        h.setOptionValue("solver", name)
        h.passModel(lp)
        h.run()
        times[name] = h.getRunTime()
    return times


def measure(
    size: str, repeats: int, solve: bool, with_algorithms: bool, resolve: bool = True
) -> dict[str, Any]:
    got = {
        impl: spawn(impl, size, repeats, solve)
        for impl in IMPLEMENTATIONS
        if impl != "resolve" or (solve and resolve)
    }
    hs, lp, pl = got["highspy"], got["linopy"], got["planner"]
    if solve:
        check("linopy", lp["objective"], hs["objective"])
        check("planner", pl["objective"], hs["objective"])
    row: dict[str, Any] = {
        "size": size,
        "shape": "×".join(map(str, SIZES[size])),
        "algorithm": pl["algorithm"],
        "planner_build_s": pl["build_s"],
        "planner_handover_s": pl["handover_s"],
        "planner_total_s": pl["total_s"],
        "highspy_total_s": hs["total_s"],
        "linopy_total_s": lp["total_s"],
        "planner_ratio": pl["total_s"] / hs["total_s"],
        "linopy_ratio": lp["total_s"] / hs["total_s"],
        "peak_mib": pl["peak_mib"],
        "highspy_peak_mib": hs["peak_mib"],
        "linopy_peak_mib": lp["peak_mib"],
    }
    if solve:
        row.update(
            planner_highs_s=pl["highs_s"],
            highspy_highs_s=hs["highs_s"],
            linopy_highs_s=lp["highs_s"],
            planner_overhead_s=pl["total_s"] - pl["highs_s"],
            highspy_overhead_s=hs["total_s"] - hs["highs_s"],
            linopy_overhead_s=lp["total_s"] - lp["highs_s"],
            objective=hs["objective"],
        )
        row["overhead_vs_linopy"] = row["planner_overhead_s"] / row["linopy_overhead_s"]
        if "resolve" in got:
            row.update(
                resolve_s=got["resolve"]["resolve_s"],
                resolve_tables_s=got["resolve"]["resolve_tables_s"],
                resolve_jump_s=got["resolve"]["resolve_jump_s"],
                rebuild_s=got["resolve"]["rebuild_s"],
            )
            row["rebuild_over_resolve"] = row["rebuild_s"] / row["resolve_s"]
    else:  # build + hand-over only: the overhead is the whole time
        row.update(
            planner_overhead_s=pl["total_s"],
            highspy_overhead_s=hs["total_s"],
            linopy_overhead_s=lp["total_s"],
        )
        row["overhead_vs_linopy"] = pl["total_s"] / lp["total_s"]
    if with_algorithms and solve:
        times = algorithms(size)
        row["highs_by_algorithm_s"] = times
        row["planner_highs_vs_fastest"] = pl["highs_s"] / min(times.values())
    return row


def print_table(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        print(
            f"\n== {row['size']} ({row['shape']} regions×sectors×periods, HiGHS {row['algorithm']})"
        )
        print(
            f"  planner: build {row['planner_build_s']:.3f} s, hand-over {row['planner_handover_s']:.3f} s"
        )
        for impl in ("highspy", "linopy", "planner"):
            highs = row.get(f"{impl}_highs_s")
            solve = f", HiGHS {highs:.3f} s" if highs is not None else ""
            ratio = row[f"{impl}_total_s"] / row["highspy_total_s"]
            print(
                f"  {impl:8s} total {row[f'{impl}_total_s']:8.3f} s ({ratio:5.2f}× raw){solve},"
                f" overhead {row[f'{impl}_overhead_s']:.3f} s, peak {row[f'{impl}_peak_mib' if impl != 'planner' else 'peak_mib']:.0f} MiB"
            )
        print(f"  planner overhead / linopy overhead: {row['overhead_vs_linopy']:.2f}×")
        if "resolve_s" in row:
            print(
                f"  re-solve after a ±{SLIDER_STEP:.0%} budget step {row['resolve_s']:.4f} s,"
                f" fresh build and solve {row['rebuild_s']:.3f} s ({row['rebuild_over_resolve']:.1f}×);"
                f" after a −{BUDGET_JUMP:.0%} jump {row['resolve_jump_s']:.3f} s;"
                f" with the plan's tables read {row['resolve_tables_s']:.4f} s"
            )
        if "highs_by_algorithm_s" in row:
            algos = ", ".join(f"{k} {v:.2f} s" for k, v in row["highs_by_algorithm_s"].items())
            print(
                f"  HiGHS alone: {algos}; planner's solve / fastest {row['planner_highs_vs_fastest']:.2f}×"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="small,medium", help="comma list of small, medium, large"
    )
    parser.add_argument("--repeats", type=int, default=None, help="runs per implementation")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--no-solve", action="store_true", help="time build and hand-over only")
    parser.add_argument("--algorithms", action="store_true", help="also time simplex, IPM, PDLP")
    parser.add_argument(
        "--no-resolve", action="store_true", help="skip the re-solve runs (minutes at large)"
    )
    parser.add_argument("--worker", choices=IMPLEMENTATIONS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown size {', '.join(unknown)}; choose from {', '.join(SIZES)}")
    if args.worker:
        size = sizes[0]
        print(
            json.dumps(
                worker(args.worker, size, args.repeats or DEFAULT_REPEATS[size], not args.no_solve)
            )
        )
        return 0
    rows = []
    for size in sizes:
        rows.append(
            measure(
                size,
                args.repeats or DEFAULT_REPEATS[size],
                not args.no_solve,
                args.algorithms,
                not args.no_resolve,
            )
        )
        if not args.json:
            print_table(rows[-1:])
    if args.json:
        print(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
