"""The work of one batch, on a Dask worker or in-process: solve each sample, evaluate the candidates.

A worker keeps one live model per model shape (``MODEL_CACHE_SIZE``) and re-solves it with each
sample's numbers instead of rebuilding it.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import models
from planner.errors import ScenarioError
from planner.scenario.model import Scenario
from planner.sweep.design import CRITERION, SOURCE, Design, perturbed, target_of
from planner.sweep.robust import SweepModel


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
    u_keys: tuple[tuple[Any, Any], ...] = ()  # (project, period) start options
    candidate_starts: np.ndarray | None = None  # (C, len(u_keys)) the candidates' starts u[p,t]


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
    starts: np.ndarray | None = None  # (k, len(u_keys)) each sample's own starts u[p,t], 0 without
    # (k, len(money_keys)) each sample's money m = x + project cash (projects.md), 0 without a plan;
    # None until a sample of the batch has a plan
    money: np.ndarray | None = None


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
        {v.target: [] for v in batch.design.variations if target_of(v.target)[0] == "scalar"},  # type: ignore[index]
        starts=np.zeros((k, len(batch.u_keys))),
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
        if tuple(model.x_keys) != batch.x_keys or tuple(model.u_keys) != batch.u_keys:
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
    if own.money is not None:
        if result.money is None:
            result.money = np.zeros((len(result.samples), own.money.size))
        result.money[j] = own.money
    if own.starts is not None and result.starts is not None:
        result.starts[j] = own.starts
    statuses = []
    for c, plan in enumerate(batch.candidates):
        starts = batch.candidate_starts[c] if batch.candidate_starts is not None else None
        evaluated = model.evaluate(plan, batch.time_limit_s, starts)
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
    if name.startswith(CRITERION):
        return scenario.criteria[name.removeprefix(CRITERION)].weight  # type: ignore[index]
    if name.startswith(SOURCE):  # a source's amount over the horizon (funding.md)
        return math.fsum(scenario.source_amounts()[name.removeprefix(SOURCE)])
    return scenario.total_budget() if name == "budget" else float(getattr(scenario, name))


@dataclass(frozen=True)
class GridPlans:
    """A grid point's scenario, its deterministic plan, and the candidate plans (row 0: deterministic)."""

    point: dict[str, Any]
    scenario: Scenario
    deterministic: Any  # SampleOutcome
    names: list[str]
    plans: np.ndarray
    x_keys: tuple[tuple[Any, Any, Any], ...]
    starts: np.ndarray  # (C, len(u_keys)) each candidate's project starts u[p,t]
    u_keys: tuple[tuple[Any, Any], ...] = ()
    money_keys: tuple[tuple[Any, Any, Any], ...] = ()  # cells of money: x_keys, then project-only
    money: np.ndarray | None = None  # (C, len(money_keys)) each candidate's m = x + project cash
