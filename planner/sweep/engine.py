"""Monte-Carlo sweeps: which parts of a plan hold up when needs, benefits and budgets move.

A sweep draws ``samples`` perturbed copies of a scenario (``vary`` specs, documented in
docs/sweeps.md), optionally for every point of a ``grid`` of changes, solves each sample, evaluates
the deterministic plan and a few candidate plans under it, and summarizes per region × sector.

Reproducibility: every sample's random numbers come from its own generator,
``SeedSequence(seed, spawn_key=(sample,))``, drawn in the client before any work is handed out; and
every sample is solved from a cleared solver state. So the results depend on the seed and the sample
index only, not on the number of workers, the batch size or the order batches finish in.

Engine: batches of samples run as dask.distributed tasks (a LocalCluster with one single-threaded
worker process per core by default, or an existing cluster by address). A worker keeps one live model
per model shape and re-solves it with each sample's numbers instead of rebuilding it.
"""

from __future__ import annotations

import itertools
import logging
import math
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from planner.errors import ScenarioError
from planner.i18n.problems import problem
from planner.scenario.files import ScenarioLike, as_scenario
from planner.scenario.model import Scenario
from planner.sweep.batch import Batch, BatchResult, GridPlans, run_batch
from planner.sweep.design import Design, Variation, parse_grid, parse_variation, perturbed
from planner.sweep.result import SweepResult
from planner.sweep.robust import CRITERIA, SweepModel

Progress = Callable[[int, int], None]
"""Called as ``progress(samples_done, samples_total)`` after every finished batch."""

# ---- the client side ----


def sweep(
    scenario: ScenarioLike,
    *,
    samples: int = 100,
    seed: int = 0,
    vary: Iterable[str | Variation] = (),
    grid: Iterable[str] | dict[str, Sequence[Any]] | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    batch_size: int | None = None,
    candidates: int = 5,
    robust: str = "expected",
    time_limit_s: float | None = None,
    progress: Progress | None = None,
    client: Any = None,
    reuse_model: bool = True,
) -> SweepResult:
    """Solve ``samples`` perturbed copies of a scenario (per grid point) and summarize what holds up.

    Parameters
    ----------
    scenario:
        A Scenario, a file, a folder or a bundled name.
    samples, seed:
        Number of samples per grid point; the seed that, with the sample index, fixes its draws.
    vary:
        Specs like ``"benefit=±30%"``, ``"need[transport]@region=tri:-20%..0%..+40%"``,
        ``"budget=1800..2400"`` (see docs/sweeps.md), or :class:`Variation` objects.
    grid:
        ``{"redundancy_tolerance": [0, 0.1]}`` or ``["redundancy_tolerance=0,0.1"]``: the sweep runs
        for every combination, each with the same samples (common random numbers).
    scheduler, workers, client:
        ``client`` (a ``distributed.Client``) is used as given; else ``scheduler`` is the address of a
        running Dask scheduler (``tcp://host:8786``); else a LocalCluster with ``workers`` processes
        (default: one per core). ``workers=0`` runs in this process without Dask.
    batch_size:
        Samples per task (default: about four tasks per worker, at most 50 samples each). Results do
        not depend on it.
    candidates:
        How many sampled optimal plans compete with the deterministic plan for the robust plan.
    robust:
        ``expected`` (highest mean benefit) or ``minimax`` (smallest worst regret).
    progress:
        ``progress(done, total)`` after every finished batch (samples over all grid points).
    reuse_model:
        Keep one live model per worker (default). ``False`` rebuilds per sample (for benchmarks).

    Examples
    --------
    >>> import planner
    >>> result = planner.sweep("western_china", samples=4, vary=["benefit=±30%"], workers=0)
    >>> sorted(result.summary.columns)[:3]
    ['deterministic', 'grid', 'mean']
    """
    started = time.perf_counter()
    if samples < 1:
        raise ScenarioError([problem("sweep.samples", file="--samples")])
    if robust not in CRITERIA:
        raise ScenarioError([problem("sweep.robust", file="--robust", known=", ".join(CRITERIA))])
    base = as_scenario(scenario)
    variations = [parse_variation(v) if isinstance(v, str) else v for v in vary]
    design = Design.resolve(base, variations)
    points = _grid_points(parse_grid(grid))
    draws = design.draw(range(samples), seed)
    plans = [
        _candidates(base, point, design, seed, samples, candidates, time_limit_s)
        for point in points
    ]
    batches = _batches(plans, design, draws, batch_size, workers, time_limit_s, reuse_model)
    results = _run(batches, scheduler, workers, client, progress, samples * len(points))
    return SweepResult.assemble(
        base,
        points,
        plans,
        results,
        settings={
            "samples": samples,
            "seed": seed,
            "vary": [v.text or repr(v) for v in variations],
            "grid": {k: v for k, v in parse_grid(grid).items()},
            "robust": robust,
            "candidates": candidates,
        },
        elapsed_s=time.perf_counter() - started,
    )


def _grid_points(grid: dict[str, list[Any]]) -> list[dict[str, Any]]:
    keys = list(grid)
    return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*grid.values())]


def _candidates(
    base: Scenario,
    point: dict[str, Any],
    design: Design,
    seed: int,
    samples: int,
    count: int,
    time_limit_s: float | None,
) -> GridPlans:
    """Solve the grid point's scenario and ``count`` extra draws, in the client, for the candidates.

    A candidate is a plan a planner could commit today: the optimal plan of a draw's needs and
    benefits, made with the grid point's own budget (so no candidate looks better only because it
    was made with more money). The draws are numbered from ``samples`` on, outside the evaluated
    samples, so no candidate is judged on the sample it was made for. The first ``count`` draws with
    an optimal plan are taken (looking at most ``3 · count``); all of it depends on the seed only.
    """
    try:
        scenario = base.with_changes(**point) if point else base
    except ScenarioError as err:
        raise ScenarioError([p.at(file="--grid") for p in err.problems]) from None
    model = SweepModel(scenario)
    deterministic = model.solve_sample(time_limit_s)
    names, plans, starts, money = [], [], [], []
    if deterministic.x is not None:
        names.append("deterministic")
        plans.append(deterministic.x)
        starts.append(deterministic.starts)
        money.append(deterministic.money)
    dump = scenario.model_dump()
    tried = list(range(samples, samples + 3 * count)) if design.variations else []
    for i, u in zip(tried, design.draw(tried, seed), strict=True):
        if len(plans) >= count + (deterministic.x is not None):
            break
        try:
            drawn = perturbed(dump, design, design.values(u))
            model.update(drawn.with_changes(budget=scenario.budget))
        except ScenarioError:
            continue
        outcome = model.solve_sample(time_limit_s)
        if outcome.x is not None:
            names.append(f"draw {i}")
            plans.append(outcome.x)
            starts.append(outcome.starts)
            money.append(outcome.money)
    matrix = np.array(plans) if plans else np.zeros((0, len(model.x_keys)))
    u_keys = tuple(model.u_keys)
    start_matrix = np.array(starts) if u_keys and starts else np.zeros((len(plans), len(u_keys)))
    money_keys = tuple(model.money_keys)
    return GridPlans(
        point,
        scenario,
        deterministic,
        names,
        matrix,
        tuple(model.x_keys),
        start_matrix,
        u_keys,
        money_keys,
        np.array(money) if money else np.zeros((0, len(money_keys))),
    )


def _batches(
    plans: list[GridPlans],
    design: Design,
    draws: np.ndarray,
    batch_size: int | None,
    workers: int | None,
    time_limit_s: float | None,
    reuse_model: bool,
) -> list[Batch]:
    n = len(draws)
    if batch_size is None:
        slots = 4 * max(1, workers or os.cpu_count() or 1)
        batch_size = max(1, min(50, math.ceil(n * len(plans) / slots)))
    out = []
    for g, grid_plans in enumerate(plans):
        for start in range(0, n, batch_size):
            stop = min(n, start + batch_size)
            out.append(
                Batch(
                    g,
                    grid_plans.scenario,
                    design,
                    tuple(range(start, stop)),
                    draws[start:stop],
                    grid_plans.x_keys,
                    grid_plans.plans,
                    time_limit_s,
                    reuse_model,
                    grid_plans.u_keys,
                    grid_plans.starts,
                )
            )
    return out


def _run(
    batches: list[Batch],
    scheduler: str | None,
    workers: int | None,
    client: Any,
    progress: Progress | None,
    total: int,
) -> list[BatchResult]:
    """Run the batches in-process (``workers=0``) or on Dask; report progress per finished batch."""
    report = progress or (lambda done, total: None)
    report(0, total)
    if client is None and scheduler is None and workers == 0:
        results, done = [], 0
        for batch in batches:
            results.append(run_batch(batch))
            done += len(batch.samples)
            report(done, total)
        return results
    with _dask_client(client, scheduler, workers) as dask_client:
        return _run_on_dask(dask_client, batches, report, total)


def _run_on_dask(
    client: Any, batches: list[Batch], report: Progress, total: int
) -> list[BatchResult]:
    from distributed import as_completed

    # pure=False: two sweeps with equal batches still get their own tasks; retries let a batch whose
    # worker died run again elsewhere (the scheduler also reschedules tasks of lost workers)
    futures = [client.submit(run_batch, b, pure=False, retries=2) for b in batches]
    done, results = 0, {}
    for future in as_completed(futures):
        result = future.result()
        results[future.key] = result
        done += len(result.samples)
        report(done, total)
    return [results[f.key] for f in futures]


class _dask_client:
    """The Dask client to use, closing only what it started."""

    def __init__(self, client: Any, scheduler: str | None, workers: int | None) -> None:
        self.client, self.scheduler, self.workers = client, scheduler, workers
        self.owned: list[Any] = []

    def __enter__(self) -> Any:
        if self.client is not None:
            return self.client
        from distributed import Client, LocalCluster

        if self.scheduler:
            client = Client(self.scheduler)
        else:
            cluster = LocalCluster(
                n_workers=self.workers or os.cpu_count() or 1,
                threads_per_worker=1,  # HiGHS and Pyomo hold the GIL: one sample at a time per process
                processes=True,
                dashboard_address=":0",
                silence_logs=logging.ERROR,  # a planner reads the progress bar, not Dask's log
            )
            self.owned.append(cluster)
            client = Client(cluster)
        self.owned.insert(0, client)
        return client

    def __exit__(self, *exc: object) -> None:
        for thing in self.owned:
            thing.close()


def terminal_progress(stream: Any = None) -> Progress:
    """A progress callback drawing a bar with tqdm on stderr."""
    from tqdm import tqdm

    bar: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if "bar" not in bar:
            bar["bar"] = tqdm(total=total, unit="sample", file=stream or sys.stderr, leave=True)
        shown = bar["bar"]
        shown.update(done - shown.n)
        if done >= total:
            shown.close()

    return update


__all__ = ["Variation", "parse_grid", "parse_variation", "sweep", "terminal_progress"]
