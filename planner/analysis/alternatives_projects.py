"""Each candidate project against the near-optimal set: core, excluded or swappable.

For every project p the scenario is re-solved twice on the one live model, through the mutable
parameters of the start row (models/project_start.py, ``start_min[p] ≤ Σ_t u[p,t] ≤ start_max[p]``):
forced in (``start_min[p] = 1``) and forced out (``start_max[p] = 0``). With the optimum O and the
slack s, the set holds the plans worth at least T = (1 − s) · O, and p is

- **core** when leaving it out falls below T (no plan in the set goes without it),
- **excluded** when taking it in falls below T (no plan in the set has it), and
- **swappable** otherwise: plans in the set exist with it and without it.

An infeasible side counts as below T (a mandatory project forced out is core). The side the optimal
plan already takes needs no solve: forcing a funded project in (or an unfunded one out) keeps the
optimal plan feasible and cannot improve on it, so that side's best is O. One solve per project.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from planner.solve.plan_model import PlanModel

PROJECT_LABEL_COLUMNS = ["id", "name", "funded", "objective_in", "objective_out", "label"]
"""``funded`` in the optimal plan; ``objective_in`` / ``objective_out``: the best objective of the
mode with the project forced in / out (NaN when no plan exists that way)."""

LABELS = ("core", "excluded", "swappable")
PROJECTS_TITLE = (
    "Candidate projects: best objective forced in and forced out; core (every plan within the "
    "slack funds it), excluded (none does) or swappable"
)
TOLERANCE = 1e-6  # relative: an objective this close to the threshold is inside the set


def project_labels(
    live: PlanModel, optimal: Any, slack: float, time_limit_s: float | None = None
) -> pd.DataFrame:
    """One row per candidate project with its best objective forced in and forced out and its label;
    the live model is left on its scenario (the caller re-solves it if it needs the optimum again)."""
    projects = optimal.projects
    if not len(projects) or optimal.objective is None:
        return pd.DataFrame(columns=PROJECT_LABEL_COLUMNS)
    optimum = float(optimal.objective)
    threshold = (1.0 - slack) * optimum - TOLERANCE * max(1.0, abs(optimum))
    rows = []
    for project in projects.itertuples(index=False):
        if project.funded:
            taken, left = optimum, _forced(live, str(project.id), "start_max", 0.0, time_limit_s)
        else:
            taken, left = _forced(live, str(project.id), "start_min", 1.0, time_limit_s), optimum
        rows.append(
            (
                project.id,
                project.name,
                bool(project.funded),
                taken,
                left,
                _label(taken, left, threshold),
            )
        )
    return pd.DataFrame(rows, columns=PROJECT_LABEL_COLUMNS)


def _forced(
    live: PlanModel, project: str, bound: str, to: float, time_limit_s: float | None
) -> float:
    """The mode's best objective with ``bound[project]`` set to ``to``; NaN without a plan."""
    parameter = getattr(live.model, bound)
    before = parameter[project].value
    parameter[project] = to
    live.bridge.refresh()
    try:
        plan = live.solve(time_limit_s=time_limit_s, diagnose=False)
    finally:
        parameter[project] = before
        live.bridge.refresh()
    if not plan.is_optimal or plan.objective is None:
        return math.nan
    return float(plan.objective)


def _label(taken: float, left: float, threshold: float) -> str:
    if math.isnan(left) or left < threshold:
        return "core"
    if math.isnan(taken) or taken < threshold:
        return "excluded"
    return "swappable"
