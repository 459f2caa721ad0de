"""What a sweep hands back: per-sample tables, the per region × sector summary, the robust plan."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from planner.errors import OutputError
from planner.i18n.catalog import t
from planner.scenario.files import ordinary_file_mode
from planner.sweep.projects import empty_project_table, project_table
from planner.sweep.report import report_section, summary_text
from planner.sweep.robust import CRITERIA, score_candidates

if TYPE_CHECKING:
    from planner.scenario.model import Scenario
    from planner.sweep.batch import BatchResult, GridPlans

FUNDED = 1e-6  # an amount above this (unit) counts as funded
QUANTILES = {"p10": 0.1, "p50": 0.5, "p90": 0.9}
FORMATS = (".parquet", ".csv")

METHOD = """\
Samples: each sample draws its own numbers from SeedSequence(seed, spawn_key=(sample,)) and is solved \
in the scenario's mode from a cleared solver state. Regret of a plan in a sample: E of the sample's own \
optimal plan minus E of the plan evaluated under the sample, where evaluating means maximizing E under \
the sample's needs, benefits, budget and constraints with the money of every region, sector and period \
capped at the plan's amount (money beyond the sample's need, budget or capacity is trimmed, never moved). \
A plan breaks a sample when even trimmed it cannot meet the sample's floors or share bounds. \
Robust plan: the candidates are the deterministic plan and the optimal plans of {candidates} further \
draws (numbered after the evaluated samples) made with the scenario's own budget; among those breaking \
the fewest samples, the one with the {criterion}."""


@dataclass
class SweepResult:
    """The outcome of :func:`planner.sweep`, as plain DataFrames.

    Attributes
    ----------
    samples:
        One row per grid point × sample: ``status`` (``optimal``, ``infeasible``, ``invalid``, …),
        ``E`` of the sample's own plan, ``E_deterministic`` (the deterministic plan evaluated under
        the sample), ``regret`` (their difference), and the sampled scalars (``budget``, …).
    allocation:
        ``grid, sample, region, sector, amount``: each sample's own plan summed over periods (unit):
        all money of the pair, programme plus project cash, as in a plan's allocation.
    summary:
        Per grid point × region × sector: ``deterministic`` and ``robust`` amounts, ``mean``, ``p10``,
        ``p50``, ``p90`` of the samples' amounts, and ``p_funded`` (share of feasible samples funding
        the pair at all).
    candidates:
        Per grid point × candidate plan: ``expected_E``, ``mean_regret``, ``worst_regret``,
        ``broken_samples`` and ``chosen``.
    evaluations:
        ``grid, sample, candidate, status, E``: every candidate evaluated under every sample.
    robust_plan:
        ``grid, region, sector, period, amount`` of the recommended plan per grid point.
    projects:
        Per grid point × candidate project (empty without projects): ``deterministic_start``,
        ``robust_start``, ``p_funded`` (share of feasible samples funding it), ``likely_start`` and
        ``likely_start_share`` (its most frequent start among the samples funding it, and how often).
    grid:
        ``grid`` number and the grid keys' values.
    method:
        The regret and robust-plan method in words.
    """

    samples: pd.DataFrame
    allocation: pd.DataFrame
    summary: pd.DataFrame
    candidates: pd.DataFrame
    evaluations: pd.DataFrame
    robust_plan: pd.DataFrame
    grid: pd.DataFrame
    method: str
    projects: pd.DataFrame = field(default_factory=empty_project_table)
    settings: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    scenario_name: str = ""
    unit: str = ""

    # ---- assembling from batch results ----

    @classmethod
    def assemble(
        cls,
        scenario: Scenario,
        points: list[dict[str, Any]],
        plans: list[GridPlans],
        results: list[BatchResult],
        settings: dict[str, Any],
        elapsed_s: float,
    ) -> SweepResult:
        # per-pair and per-cell figures are all money of the pair: programme x plus project cash
        # (projects.md), as in a plan's allocation
        money_keys = plans[0].money_keys
        pairs, cell_pair = _pairs(money_keys)
        samples, allocation, evaluations, candidates, robust, summary = [], [], [], [], [], []
        projects = [empty_project_table()]
        for g, grid_plans in enumerate(plans):
            mine = sorted((r for r in results if r.grid == g), key=lambda r: r.samples[0])
            table = _sample_table(g, grid_plans, mine)
            x_pairs = _by_pair(_money_of(mine, len(money_keys)), cell_pair, len(pairs))
            cand_E = np.vstack([r.candidate_E for r in mine])
            scores = score_candidates(
                grid_plans.names, table["E"].to_numpy(), cand_E, settings["robust"]
            )
            scores.insert(0, "grid", g)
            chosen = _chosen_plan(grid_plans, scores)
            samples.append(table)
            allocation.append(_allocation_table(g, table["sample"], x_pairs, pairs))
            evaluations.append(_evaluation_table(g, grid_plans.names, mine, cand_E))
            candidates.append(scores)
            robust.append(_robust_plan_table(g, money_keys, chosen))
            summary.append(_summary(g, table, x_pairs, pairs, grid_plans, chosen, cell_pair))
            if grid_plans.u_keys:
                projects.append(_projects(g, grid_plans, mine, table, scores))
        grid = pd.DataFrame([{"grid": g, **p} for g, p in enumerate(points)])
        method = METHOD.format(
            candidates=settings["candidates"], criterion=CRITERIA[settings["robust"]]
        )
        built = sum(r.models_built for r in results)
        return cls(
            samples=pd.concat(samples, ignore_index=True),
            allocation=pd.concat(allocation, ignore_index=True),
            summary=pd.concat(summary, ignore_index=True),
            candidates=pd.concat(candidates, ignore_index=True),
            evaluations=pd.concat(evaluations, ignore_index=True),
            robust_plan=pd.concat(robust, ignore_index=True),
            grid=grid,
            projects=pd.concat(projects, ignore_index=True) if len(projects) > 1 else projects[0],
            method=method,
            settings=settings,
            timings={"total_s": elapsed_s, "models_built": float(built)},
            scenario_name=scenario.name,
            unit=scenario.unit,
        )

    # ---- views ----

    def tables(self) -> dict[str, pd.DataFrame]:
        """The DataFrames by name (``results`` is the per sample × pair table that ``write`` saves)."""
        tables = {
            "results": self.results(),
            "summary": self.summary,
            "candidates": self.candidates,
            "robust_plan": self.robust_plan,
        }
        if len(self.projects):
            tables["projects"] = self.projects
        return tables

    def results(self) -> pd.DataFrame:
        """Per grid point × sample × region × sector: the amount, with the sample's status and regret."""
        columns = ["grid", "sample", "status", "E", "E_deterministic", "regret"]
        return self.allocation.merge(self.samples[columns], on=["grid", "sample"], how="left")

    def infeasible_share(self) -> float:
        return float((self.samples["status"] != "optimal").mean())

    # ---- files ----

    def write(self, path: str | os.PathLike[str]) -> list[Path]:
        """Write ``results`` to ``path`` and the other tables beside it (``NAME.summary.parquet``, …).

        The suffix (.parquet or .csv) picks the format. Every file is written to a temporary file in
        the same folder first and moved into place only when all were written.
        """
        target = Path(path)
        if target.suffix not in FORMATS:
            raise OutputError(f"{target}: unknown format '{target.suffix}' (use .parquet or .csv)")
        if not target.parent.is_dir():
            raise OutputError(f"{target}: the folder {target.parent} does not exist")
        stem = target.name[: -len(target.suffix)]
        paths = {
            name: target if name == "results" else target.with_name(f"{stem}.{name}{target.suffix}")
            for name in self.tables()
        }
        staged = []
        try:
            for name, frame in self.tables().items():
                staged.append((_stage(frame, paths[name]), paths[name]))
        except OSError as err:
            for tmp, _ in staged:
                os.unlink(tmp)
            raise OutputError(
                t("cli.output.cannot_write", target=target, reason=err.strerror or err)
            ) from None
        for tmp, final in staged:
            os.replace(tmp, final)
        return list(paths.values())

    def summary_text(self, rows: int = 12, scenario: Scenario | None = None) -> str:
        """A terminal summary: feasibility, regret, the robust plan, the least certain pairs, in
        the active language (``scenario``: the swept one, to name regions and projects)."""
        return summary_text(self, rows, scenario)

    def report_section(self, rows: int = 20) -> str:
        """The sweep as a Markdown report section (heading level 2)."""
        return report_section(self, rows)


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write a text file atomically (a temporary file in the same folder, then a rename)."""
    final = Path(path)
    fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".tmp")
    _usual_mode(tmp)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, final)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _usual_mode(path: str) -> None:
    """mkstemp makes files private (0600); give the final file the mode a plain open() would."""
    os.chmod(path, ordinary_file_mode())


def _stage(frame: pd.DataFrame, final: Path) -> str:
    fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".tmp")
    os.close(fd)
    _usual_mode(tmp)
    try:
        if final.suffix == ".parquet":
            frame.to_parquet(tmp, index=False)
        else:
            frame.to_csv(tmp, index=False)
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


# ---- table builders ----


def _pairs(keys: tuple[tuple[Any, Any, Any], ...]) -> tuple[list[tuple[Any, Any]], np.ndarray]:
    """The (region, sector) pairs in model order and, per cell (r, s, t), its pair's index."""
    index: dict[tuple[Any, Any], int] = {}
    cell_pair = np.array([index.setdefault((r, s), len(index)) for r, s, _t in keys])
    return list(index), cell_pair


def _by_pair(x: np.ndarray, cell_pair: np.ndarray, n_pairs: int) -> np.ndarray:
    """Sum cells over periods: (k, cells) → (k, pairs)."""
    out = np.zeros((len(x), n_pairs))
    np.add.at(out.T, cell_pair, x.T)
    return out


def _sample_table(g: int, plans: GridPlans, results: list[BatchResult]) -> pd.DataFrame:
    table = pd.DataFrame(
        {
            "grid": g,
            "sample": [i for r in results for i in r.samples],
            "status": [s for r in results for s in r.status],
            "message": [m for r in results for m in r.message],
            "E": np.concatenate([r.E for r in results]),
            "objective": np.concatenate([r.objective for r in results]),
        }
    )
    if plans.names and plans.names[0] == "deterministic":
        det = np.concatenate([r.candidate_E[:, 0] for r in results])
    else:
        det = np.full(len(table), np.nan)
    table["E_deterministic"] = det
    table["regret"] = table["E"] - det
    for name in results[0].scalars:
        table[name] = [v for r in results for v in r.scalars[name]]
    return table


def _allocation_table(
    g: int, samples: pd.Series, x_pairs: np.ndarray, pairs: list[tuple[Any, Any]]
) -> pd.DataFrame:
    k, n = x_pairs.shape
    return pd.DataFrame(
        {
            "grid": g,
            "sample": np.repeat(samples.to_numpy(), n),
            "region": [r for r, _ in pairs] * k,
            "sector": [s for _, s in pairs] * k,
            "amount": x_pairs.reshape(-1),
        }
    )


def _evaluation_table(
    g: int, names: list[str], results: list[BatchResult], cand_E: np.ndarray
) -> pd.DataFrame:
    samples = [i for r in results for i in r.samples]
    statuses = [row for r in results for row in r.candidate_status]
    return pd.DataFrame(
        {
            "grid": g,
            "sample": np.repeat(samples, len(names)),
            "candidate": names * len(samples),
            "status": [s for row in statuses for s in row],
            "E": cand_E.reshape(-1),
        }
    )


def _money_of(results: list[BatchResult], cells: int) -> np.ndarray:
    """(samples, cells) money of each sample's own plan, zeros where it has none."""
    return np.vstack(
        [r.money if r.money is not None else np.zeros((len(r.samples), cells)) for r in results]
    )


def _chosen_plan(plans: GridPlans, scores: pd.DataFrame) -> np.ndarray | None:
    """The recommended candidate's money per cell (x + project cash), None without one."""
    chosen = scores.index[scores["chosen"]]
    return plans.money[chosen[0]] if len(chosen) and plans.money is not None else None


def _projects(
    g: int,
    plans: GridPlans,
    results: list[BatchResult],
    table: pd.DataFrame,
    scores: pd.DataFrame,
) -> pd.DataFrame:
    starts = np.vstack([r.starts for r in results if r.starts is not None])
    names = plans.names
    chosen = scores.index[scores["chosen"]]
    robust = plans.starts[chosen[0]] if len(chosen) else None
    deterministic = plans.starts[0] if names and names[0] == "deterministic" else None
    feasible = (table["status"] == "optimal").to_numpy()
    return project_table(g, plans.scenario, plans.u_keys, starts, feasible, deterministic, robust)


def _robust_plan_table(
    g: int, keys: tuple[tuple[Any, Any, Any], ...], chosen: np.ndarray | None
) -> pd.DataFrame:
    amounts = chosen if chosen is not None else np.full(len(keys), np.nan)
    frame = pd.DataFrame(list(keys), columns=["region", "sector", "period"])
    frame.insert(0, "grid", g)
    frame["amount"] = amounts
    return frame


def _summary(
    g: int,
    table: pd.DataFrame,
    x_pairs: np.ndarray,
    pairs: list[tuple[Any, Any]],
    plans: GridPlans,
    chosen: np.ndarray | None,
    cell_pair: np.ndarray,
) -> pd.DataFrame:
    feasible = x_pairs[(table["status"] == "optimal").to_numpy()]
    frame = pd.DataFrame(pairs, columns=["region", "sector"])
    frame.insert(0, "grid", g)
    det = plans.deterministic.money
    frame["deterministic"] = _pair_sums(det, cell_pair, len(pairs))
    frame["robust"] = _pair_sums(chosen, cell_pair, len(pairs))
    empty = len(feasible) == 0
    frame["mean"] = np.nan if empty else feasible.mean(axis=0)
    for name, q in QUANTILES.items():
        frame[name] = np.nan if empty else np.quantile(feasible, q, axis=0)
    frame["p_funded"] = np.nan if empty else (feasible > FUNDED).mean(axis=0)
    return frame


def _pair_sums(x: np.ndarray | None, cell_pair: np.ndarray, n_pairs: int) -> np.ndarray:
    if x is None:
        return np.full(n_pairs, np.nan)
    return _by_pair(x[None, :], cell_pair, n_pairs)[0]
