"""Candidate projects across a sweep's samples: how often each is funded, and when it most often starts.

A sample's plan funds project p when one of its starts u[p,t] is 1 (projects.md, constraint 7). Over
the samples with an optimal plan, ``p_funded`` is the share funding p; ``likely_start`` is the start
period chosen most often by the samples that fund it (the earliest on a tie) and
``likely_start_share`` the share of those samples starting it there. ``deterministic_start`` and
``robust_start`` are the starts of the deterministic and of the recommended plan (None: not funded).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from planner.scenario.model import Scenario

PROJECT_SWEEP_COLUMNS = (
    "grid",
    "id",
    "name",
    "region",
    "sector",
    "group",
    "cost",
    "deterministic_start",
    "robust_start",
    "p_funded",
    "likely_start",
    "likely_start_share",
)


def project_table(
    g: int,
    scenario: Scenario,
    u_keys: Sequence[tuple[Any, Any]],
    starts: np.ndarray,
    feasible: np.ndarray,
    deterministic: np.ndarray | None,
    robust: np.ndarray | None,
) -> pd.DataFrame:
    """One row per project of grid point ``g``.

    Parameters
    ----------
    u_keys:
        The (project, period) start options, the columns of ``starts``.
    starts:
        (samples, len(u_keys)) each sample's u[p,t]; rows of samples without a plan are ignored
        through ``feasible`` (a boolean mask over the samples).
    deterministic, robust:
        u[p,t] of the deterministic and of the recommended plan, or None where there is none.
    """
    periods = list(scenario.periods)
    ids = [p.id for p in scenario.projects]
    position = {pid: i for i, pid in enumerate(ids)}
    project_of = np.array([position[p] for p, _t in u_keys], dtype=np.int64)
    period_of = np.array([periods.index(t) for _p, t in u_keys], dtype=np.int64)
    # counts[p, t]: feasible samples starting project p in period t
    counts = np.zeros((len(ids), len(periods)))
    chosen = starts[feasible] > 0.5
    np.add.at(counts, (project_of, period_of), chosen.sum(axis=0))
    n = int(feasible.sum())
    funded = counts.sum(axis=1)
    likely = counts.argmax(axis=1)  # argmax takes the first (earliest) period on a tie
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(funded > 0, counts[np.arange(len(ids)), likely] / funded, np.nan)
    rows = {
        "grid": g,
        "id": ids,
        "name": [p.label for p in scenario.projects],
        "region": [p.region for p in scenario.projects],
        "sector": [p.sector for p in scenario.projects],
        "group": [p.group for p in scenario.projects],
        "cost": [p.cost for p in scenario.projects],
        "deterministic_start": _starts_of(deterministic, project_of, period_of, periods, len(ids)),
        "robust_start": _starts_of(robust, project_of, period_of, periods, len(ids)),
        "p_funded": funded / n if n else np.full(len(ids), np.nan),
        "likely_start": [
            periods[t] if f > 0 else None for t, f in zip(likely, funded, strict=True)
        ],
        "likely_start_share": share,
    }
    frame = pd.DataFrame(rows, columns=list(PROJECT_SWEEP_COLUMNS))
    for column in ("deterministic_start", "robust_start", "likely_start"):
        frame[column] = pd.Series(rows[column], dtype=object)  # period labels, None: not funded
    return frame


def _starts_of(
    u: np.ndarray | None,
    project_of: np.ndarray,
    period_of: np.ndarray,
    periods: list[Any],
    n_projects: int,
) -> list[Any]:
    """Each project's start period in one plan's u (None: not funded, or no plan)."""
    out: list[Any] = [None] * n_projects
    if u is None:
        return out
    for j in np.flatnonzero(np.asarray(u) > 0.5):
        out[project_of[j]] = periods[period_of[j]]
    return out


def empty_project_table() -> pd.DataFrame:
    return pd.DataFrame(columns=list(PROJECT_SWEEP_COLUMNS))
