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
import re
import sys
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import models
from planner.errors import Problem, ScenarioError
from planner.robust import CRITERIA, SweepModel
from planner.scenario import CHANGEABLE, Scenario, validate_scenario
from planner.solve import ScenarioLike, as_scenario
from planner.sweep_result import SweepResult

Progress = Callable[[int, int], None]
"""Called as ``progress(samples_done, samples_total)`` after every finished batch."""

DISTRIBUTIONS = ("uniform", "triangular")

# ---- what can vary: target → (table, column); "scalar" targets are top-level numbers ----

TARGETS: dict[str, tuple[str, str]] = {
    "need": ("needs", "need"),
    "benefit": ("needs", "benefit"),
    "min_share_of_need": ("regions", "min_share_of_need"),
    "max_per_period": ("regions", "max_per_period"),
    "shared_need": ("corridors", "shared_need"),
    "budget": ("scalar", "budget"),
    "discount_rate": ("scalar", "discount_rate"),
    "redundancy_tolerance": ("scalar", "redundancy_tolerance"),
}
SHARES = {"min_share_of_need"}  # values clipped to [0, 1] after perturbation
GROUPINGS = ("row", "region", "sector", "corridor", "all")


@dataclass(frozen=True)
class Variation:
    """How one scenario number (or table column) moves from sample to sample.

    Attributes
    ----------
    target:
        A key of :data:`TARGETS` (``need``, ``benefit``, ``budget``, …).
    low, mode, high:
        Multipliers of the scenario's value when ``relative`` (``±30%`` is 0.7, 1, 1.3), else the
        values themselves in the target's unit (``budget=1800..2400``).
    distribution:
        ``uniform`` or ``triangular`` (``mode`` is used by the triangular only).
    only:
        Restrict to rows of this region, sector or corridor (``need[transport]``); ``None`` for all.
    per:
        Which rows share one draw: ``row`` (each its own, the default), ``region``, ``sector``,
        ``corridor`` or ``all`` (one draw moves the whole column together).
    """

    target: str
    low: float
    mode: float
    high: float
    relative: bool = True
    distribution: str = "uniform"
    only: str | None = None
    per: str = "row"
    text: str = ""

    def quantile(self, u: np.ndarray) -> np.ndarray:
        """Inverse CDF: uniform numbers in [0, 1) to multipliers (relative) or values."""
        a, c, b = self.low, self.mode, self.high
        if b == a:
            return np.full_like(u, a)
        if self.distribution == "uniform":
            return a + u * (b - a)
        split = (c - a) / (b - a)
        left = a + np.sqrt(u * (b - a) * (c - a))
        right = b - np.sqrt((1 - u) * (b - a) * (b - c))
        return np.where(u < split, left, right)


_VARY = re.compile(
    r"^\s*(?P<target>\w+)(\[(?P<only>[^\]]+)\])?(@(?P<per>\w+))?\s*=\s*(?P<spec>.+)$"
)
_PLUS_MINUS = re.compile(r"^(±|\+-|\+/-)\s*(?P<p>\d+(\.\d*)?)\s*%$")
_PERCENT = re.compile(r"^(?P<p>[+-]?\d+(\.\d*)?)\s*%$")


def parse_variation(text: str) -> Variation:
    """Read ``TARGET[ONLY]@PER=[DIST:]RANGE`` (see docs/sweeps.md).

    Examples
    --------
    >>> parse_variation("benefit=±30%").low
    0.7
    >>> v = parse_variation("budget=tri:1800..2000..2400")
    >>> (v.distribution, v.relative, v.mode)
    ('triangular', False, 2000.0)
    """
    match = _VARY.match(text)
    if not match:
        raise _vary_error(text, "expected TARGET=RANGE, e.g. benefit=±30% or budget=1800..2400")
    target, spec = match["target"], match["spec"].strip()
    if target not in TARGETS:
        raise _vary_error(text, f"cannot vary '{target}'; known: {', '.join(TARGETS)}", target)
    scalar = TARGETS[target][0] == "scalar"
    per = match["per"] or ("all" if scalar else "row")
    if per not in GROUPINGS:
        raise _vary_error(text, f"unknown grouping '@{per}'; known: {', '.join(GROUPINGS)}", target)
    if scalar and (match["only"] or per != "all"):
        raise _vary_error(text, f"'{target}' is one number: no [ONLY] or @PER", target)
    distribution, _, body = spec.rpartition(":")
    distribution = {"": "", "tri": "triangular"}.get(distribution, distribution)
    if distribution and distribution not in DISTRIBUTIONS:
        raise _vary_error(
            text, f"unknown distribution '{distribution}'; known: uniform, tri", target
        )
    try:
        low, mode, high, relative, has_mode = _read_range(body.strip())
    except ValueError as err:
        raise _vary_error(text, str(err), target) from None
    if has_mode and distribution == "uniform":
        raise _vary_error(text, "a uniform range has two ends, not three values", target)
    variation = Variation(
        target,
        low,
        mode,
        high,
        relative,
        distribution or ("triangular" if has_mode else "uniform"),
        match["only"].strip() if match["only"] else None,
        per,
        text.strip(),
    )
    _check_bounds(variation)
    return variation


def _read_range(body: str) -> tuple[float, float, float, bool, bool]:
    """(low, mode, high, relative, mode given) from ``±P%``, ``A..B`` or ``A..M..B``."""
    pm = _PLUS_MINUS.match(body)
    if pm:
        p = float(pm["p"]) / 100
        return 1 - p, 1.0, 1 + p, True, False
    parts = [p.strip() for p in body.split("..")]
    if len(parts) not in (2, 3) or not all(parts):
        raise ValueError(f"cannot read the range '{body}' (forms: ±30%, -10%..+20%, 1800..2400)")
    percents = [_PERCENT.match(p) for p in parts]
    if all(percents):
        values = [1 + float(m["p"]) / 100 for m in percents if m]
        relative = True
    elif not any(percents):
        try:
            values = [float(p) for p in parts]
        except ValueError:
            raise ValueError(f"cannot read the range '{body}'") from None
        relative = False
    else:
        raise ValueError("mix of percentages and plain numbers in one range")
    low, high = values[0], values[-1]
    mode = values[1] if len(values) == 3 else (low + high) / 2
    if not (low <= mode <= high) or not all(map(math.isfinite, values)):
        raise ValueError(f"range '{body}' must read low..high (or low..mode..high), finite")
    return low, mode, high, relative, len(values) == 3


def _check_bounds(v: Variation) -> None:
    if v.low < 0:
        raise _vary_error(v.text, "values must stay ≥ 0 (a relative range below −100%?)", v.target)
    if v.target == "need" and v.low <= 0:
        # a need of 0 removes the pair from the model: the sample would change the model's shape
        raise _vary_error(
            v.text, "need must stay > 0 (the range may not reach 0 or −100%)", v.target
        )


def _vary_error(text: str, message: str, field: str = "") -> ScenarioError:
    return ScenarioError([Problem(f"{message} (in '{text.strip()}')", file="--vary", field=field)])


def parse_grid(items: Iterable[str] | dict[str, Sequence[Any]] | None) -> dict[str, list[Any]]:
    """``KEY=V1,V2,…`` strings (or a mapping) to ``{key: values}``; keys are ``Scenario.with_changes``'s."""
    import yaml

    if not items:
        return {}
    if isinstance(items, dict):
        pairs = [(k, list(v)) for k, v in items.items()]
    else:
        pairs = []
        for item in items:
            key, sep, values = item.partition("=")
            if not sep or not values.strip():
                raise ScenarioError([Problem(f"expected KEY=V1,V2, got '{item}'", file="--grid")])
            pairs.append((key.strip(), [yaml.safe_load(v) for v in values.split(",")]))
    problems = [
        Problem(f"unknown key; known: {', '.join(sorted(CHANGEABLE))}", file="--grid", field=k)
        for k, _ in pairs
        if k not in CHANGEABLE
    ]
    if problems:
        raise ScenarioError(problems)
    return dict(pairs)


# ---- the sample design: which rows each variation moves, and the draws ----


@dataclass(frozen=True)
class Design:
    """The variations resolved against a scenario: the rows each one moves and which draw each row uses.

    ``rows[v]`` are indices into the target's table (or ``[0]`` for a scalar); ``group_of[v][j]`` is
    the draw (column of :meth:`draw`'s matrix, counted within variation v) that row ``rows[v][j]`` uses.
    """

    variations: tuple[Variation, ...]
    rows: tuple[tuple[int, ...], ...]
    group_of: tuple[tuple[int, ...], ...]
    groups: tuple[int, ...]  # number of draws per variation

    @classmethod
    def resolve(cls, scenario: Scenario, variations: Sequence[Variation]) -> Design:
        rows, group_of, groups = [], [], []
        for v in variations:
            keys = _row_keys(scenario, v)
            if not keys:
                raise _vary_error(v.text, f"'{v.only}' matches no row to vary", v.target)
            labels = [_group_label(v.per, key) for _, key in keys]
            index = {label: i for i, label in enumerate(dict.fromkeys(labels))}
            rows.append(tuple(i for i, _ in keys))
            group_of.append(tuple(index[label] for label in labels))
            groups.append(len(index))
        return cls(tuple(variations), tuple(rows), tuple(group_of), tuple(groups))

    def draw(self, samples: Sequence[int], seed: int) -> np.ndarray:
        """Uniform numbers in [0, 1), one row per sample; row i depends on (seed, i) only."""
        width = sum(self.groups)
        out = np.empty((len(samples), width))
        for row, i in enumerate(samples):
            rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(int(i),)))
            out[row] = rng.random(width)
        return out

    def values(self, u: np.ndarray) -> list[np.ndarray]:
        """One sample's multipliers (or values) per variation, per row it moves."""
        out, start = [], 0
        for v, n, group_of in zip(self.variations, self.groups, self.group_of, strict=True):
            drawn = v.quantile(u[start : start + n])
            out.append(drawn[np.array(group_of, dtype=np.int64)])
            start += n
        return out


def _row_keys(scenario: Scenario, v: Variation) -> list[tuple[int, dict[str, str]]]:
    """(row index, {region, sector, corridor}) of the rows a variation moves."""
    table = TARGETS[v.target][0]
    if table == "scalar":
        return [(0, {})]
    if table == "needs":
        # pairs without a need stay without one: giving them a need would change the model's shape
        keys = [
            (i, {"region": n.region, "sector": n.sector})
            for i, n in enumerate(scenario.needs)
            if n.need > 0
        ]
    elif table == "regions":
        keys = [
            (i, {"region": r.id})
            for i, r in enumerate(scenario.regions)
            if v.target != "max_per_period" or r.max_per_period is not None
        ]
    else:
        pairs = [(g, s) for g, c in scenario.corridors.items() for s in c.shared_need]
        keys = [(i, {"corridor": g, "sector": s}) for i, (g, s) in enumerate(pairs)]
    return [(i, k) for i, k in keys if v.only is None or v.only in k.values()]


def _group_label(per: str, key: dict[str, str]) -> tuple[str, ...]:
    if per == "row":
        return tuple(key.values())
    if per == "all":
        return ()
    return (key.get(per, ""),)


def perturbed(base: dict[str, Any], design: Design, values: list[np.ndarray]) -> Scenario:
    """The scenario of one sample: ``base`` (a ``model_dump``) with every variation applied in order."""
    data = {
        **base,
        "needs": [dict(n) for n in base["needs"]],
        "regions": [dict(r) for r in base["regions"]],
        "corridors": {
            g: {**c, "shared_need": dict(c["shared_need"])} for g, c in base["corridors"].items()
        },
    }
    corridor_pairs = [(g, s) for g, c in data["corridors"].items() for s in c["shared_need"]]
    for v, rows, drawn in zip(design.variations, design.rows, values, strict=True):
        table, column = TARGETS[v.target]
        for row, value in zip(rows, drawn, strict=True):
            if table == "scalar":
                data[column] = _moved(data[column], float(value), v.relative)
            elif table == "corridors":
                g, s = corridor_pairs[row]
                old = data["corridors"][g]["shared_need"][s]
                data["corridors"][g]["shared_need"][s] = _moved(old, float(value), v.relative)
            else:
                record = data[table][row]
                record[column] = _moved(record[column], float(value), v.relative)
                if v.target in SHARES:
                    record[column] = min(1.0, record[column])
    return validate_scenario(data)


def _moved(old: Any, value: float, relative: bool) -> Any:
    """Apply one draw: a multiplier when relative, else the new value; a per-period budget list keeps
    its proportions when its total is set."""
    if isinstance(old, list):
        if relative:
            return [b * value for b in old]
        total = math.fsum(old)
        return [b * value / total if total else value / len(old) for b in old]
    return old * value if relative else value


# ---- the work of one batch (runs on a dask worker, or in-process) ----


@dataclass(frozen=True)
class Batch:
    """Samples of one grid point, with everything a worker needs to solve and evaluate them."""

    grid: int
    scenario: Scenario  # the grid point's scenario, before the samples' variations
    design: Design
    samples: tuple[int, ...]
    draws: np.ndarray  # (len(samples), width) uniform numbers
    x_keys: tuple[tuple[Any, Any, Any], ...]
    candidates: np.ndarray  # (C, len(x_keys)) plans to evaluate; row 0 the deterministic plan
    time_limit_s: float | None = None
    reuse_model: bool = True


@dataclass
class BatchResult:
    grid: int
    samples: tuple[int, ...]
    status: list[str]
    message: list[str]
    E: np.ndarray  # (k,) the sample's own optimum's benefit, NaN without one
    objective: np.ndarray  # (k,) the objective reported in the scenario's mode
    x: np.ndarray  # (k, len(x_keys)) allocation, zeros without a plan
    candidate_E: np.ndarray  # (k, C) candidates evaluated under each sample, NaN where broken
    candidate_status: list[list[str]]
    scalars: dict[str, list[float]] = field(default_factory=dict)
    models_built: int = 0


_MODELS: OrderedDict[tuple[Any, ...], SweepModel] = OrderedDict()
MODEL_CACHE_SIZE = 4  # live models per worker process, one per model shape


def _live_model(scenario: Scenario, reuse: bool) -> tuple[SweepModel, bool]:
    """The worker's live model for this scenario's shape (built on first use), updated to it."""
    if not reuse:
        return SweepModel(scenario), True
    key = models.structure_key(scenario)
    model = _MODELS.get(key)
    if model is None:
        model = _MODELS[key] = SweepModel(scenario)
        while len(_MODELS) > MODEL_CACHE_SIZE:
            _MODELS.popitem(last=False)
        return model, True
    _MODELS.move_to_end(key)
    model.update(scenario)
    return model, False


def run_batch(batch: Batch) -> BatchResult:
    """Solve every sample of a batch and evaluate the candidate plans under it."""
    base = batch.scenario.model_dump()
    k, n_c = len(batch.samples), len(batch.candidates)
    result = BatchResult(
        batch.grid,
        batch.samples,
        [],
        [],
        np.full(k, np.nan),
        np.full(k, np.nan),
        np.zeros((k, len(batch.x_keys))),
        np.full((k, n_c), np.nan),
        [],
        {v.target: [] for v in batch.design.variations if TARGETS[v.target][0] == "scalar"},
    )
    for j, u in enumerate(batch.draws):
        try:
            scenario = perturbed(base, batch.design, batch.design.values(u))
        except ScenarioError as err:
            _record_invalid(result, err, n_c)
            continue
        for name in result.scalars:
            result.scalars[name].append(_scalar_value(scenario, name))
        model, built = _live_model(scenario, batch.reuse_model)
        result.models_built += built
        if tuple(model.x_keys) != batch.x_keys:
            raise RuntimeError("the sample's model has other allocation cells than the sweep's")
        _solve_one(model, batch, result, j)
    return result


def _solve_one(model: SweepModel, batch: Batch, result: BatchResult, j: int) -> None:
    own = model.solve_sample(batch.time_limit_s)
    result.status.append(own.status)
    result.message.append("")
    if own.x is None:
        result.candidate_status.append([own.status] * len(batch.candidates))
        return
    result.E[j], result.objective[j] = own.E, own.objective
    result.x[j] = own.x
    statuses = []
    for c, plan in enumerate(batch.candidates):
        evaluated = model.evaluate(plan, batch.time_limit_s)
        statuses.append(evaluated.status)
        if evaluated.E is not None:
            result.candidate_E[j, c] = evaluated.E
    result.candidate_status.append(statuses)


def _record_invalid(result: BatchResult, err: ScenarioError, n_candidates: int) -> None:
    result.status.append("invalid")
    result.message.append("; ".join(str(p) for p in err.problems))
    result.candidate_status.append(["invalid"] * n_candidates)
    for values in result.scalars.values():
        values.append(math.nan)


def _scalar_value(scenario: Scenario, name: str) -> float:
    return scenario.total_budget() if name == "budget" else float(getattr(scenario, name))


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
        raise ScenarioError([Problem("need at least one sample", file="--samples")])
    if robust not in CRITERIA:
        raise ScenarioError(
            [Problem(f"unknown criterion; known: {', '.join(CRITERIA)}", file="--robust")]
        )
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


@dataclass(frozen=True)
class GridPlans:
    """A grid point's scenario, its deterministic plan, and the candidate plans (row 0: deterministic)."""

    point: dict[str, Any]
    scenario: Scenario
    deterministic: Any  # SampleOutcome
    names: list[str]
    plans: np.ndarray
    x_keys: tuple[tuple[Any, Any, Any], ...]


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
    names, plans = [], []
    if deterministic.x is not None:
        names.append("deterministic")
        plans.append(deterministic.x)
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
    width = len(model.x_keys)
    matrix = np.array(plans) if plans else np.zeros((0, width))
    return GridPlans(point, scenario, deterministic, names, matrix, tuple(model.x_keys))


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
