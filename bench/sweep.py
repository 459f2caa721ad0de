"""Sweep benchmark: ratios measured in one run (no absolute goals; the machine decides the seconds).

1. Throughput of 2 Dask worker processes against 1 (goal ≥ 1.7× on a 2-core machine). Each cluster is
   started and warmed up (every worker has built its model) before the timed sweep.
2. Samples per second of the batch worker re-solving one live model against rebuilding the model for
   every sample, in this process.

Usage: ``python -m bench.sweep [--samples N] [--scenario NAME]`` from the project root.
"""

from __future__ import annotations

import argparse
import time

import planner
from planner.sweep.engine import sweep

VARY = ["benefit=±30%", "need=±20%", "budget=1800..2400"]


def _timed(**kwargs) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    sweep(**kwargs)
    return time.perf_counter() - started


def workers_ratio(scenario: planner.Scenario, samples: int, candidates: int) -> dict[str, float]:
    from distributed import Client, LocalCluster

    rates = {}
    for n in (1, 2):
        with (
            LocalCluster(
                n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0"
            ) as cluster,
            Client(cluster) as client,
        ):
            common = dict(vary=VARY, client=client, candidates=candidates, batch_size=10)
            sweep(scenario, samples=4 * n, seed=99, **{**common, "batch_size": 1})  # warm-up
            seconds = _timed(scenario=scenario, samples=samples, seed=1, **common)
            rates[n] = samples / seconds
            print(f"{n} worker(s): {samples} samples in {seconds:.2f} s = {rates[n]:.1f} samples/s")
    return {"2 workers / 1 worker": rates[2] / rates[1]}


def reuse_ratio(scenario: planner.Scenario, samples: int, candidates: int) -> dict[str, float]:
    common = dict(scenario=scenario, seed=1, vary=VARY, workers=0, candidates=candidates)
    sweep(**{**common, "samples": 2})  # imports and first build out of the timing
    rebuild = _timed(samples=samples, reuse_model=False, **common)
    reuse = _timed(samples=samples, **common)
    print(f"re-solve: {samples / reuse:.1f} samples/s; rebuild per sample: {samples / rebuild:.1f}")
    return {"re-solve / rebuild": rebuild / reuse}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--samples",
        type=int,
        default=600,
        help="enough that start-up and the final gather are a small share",
    )
    parser.add_argument("--scenario", default="western_china")
    parser.add_argument("--candidates", type=int, default=5)
    args = parser.parse_args()
    scenario = planner.load_scenario(args.scenario)
    ratios = {
        **workers_ratio(scenario, args.samples, args.candidates),
        **reuse_ratio(scenario, max(20, args.samples // 4), 0),
    }
    for name, value in ratios.items():
        print(f"{name}: {value:.2f}x")


if __name__ == "__main__":
    main()
