"""Near-optimal alternatives: how much room a plan really has, and different plans almost as good.

:func:`alternatives` solves the scenario, then holds its objective at (1 − slack) × the optimum
(:class:`~planner.analysis.near_optimal.NearOptimalSet`) and, on that one live model:

- **ranges**: the least and the most money (all periods) of every region (and, with ``by``, of every
  sector or region × sector pair) over the near-optimal set, two re-solves each;
- **alternatives**: ``count`` plans inside the set, found by iterative reweighting in the spirit of
  SPORES (Lombardi et al. 2020): plan i+1 maximizes Σ_{r,s} g[r,s] · X[r,s] where X[r,s] is the money of
  a pair over all periods and g[r,s] = Σ_p (1 − 2 · X_p[r,s] / need[r,s]) sums over every plan p found
  so far, the optimum included. g is the gradient of the plan's L1 distance to those plans (push a
  pair up where earlier plans left it below half its need, down where they funded it above), so each
  new plan moves as much money as the slack allows away from what the earlier plans did. Why this
  method, and not hop-skip-jump or directions from the ranges, is in docs/analysis.md.

Distances are shares of the budget moved: Σ_{r,s} |X_a − X_b| / 2 over the scenario's total budget
(1.0 when every unit of money sits in another pair).

With candidate projects the same search runs on the MIP, every plan carries its projects, and each
project is labelled core, excluded or swappable from its best objective forced in and forced out
(:mod:`planner.analysis.alternatives_projects`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from planner.analysis.alternatives_projects import (
    PROJECT_LABEL_COLUMNS,
    PROJECTS_TITLE,
    project_labels,
)
from planner.analysis.near_optimal import NearOptimalSet, pair_money
from planner.errors import ScenarioError
from planner.i18n.problems import problem
from planner.scenario.files import ScenarioLike, as_scenario
from planner.solve.plan import Plan, _records
from planner.solve.plan_model import PlanModel

BY_CHOICES = ("region", "sector", "pair")
MAX_COUNT = 50
FUNDED = 1e-6  # money (unit) above which a pair counts as funded
SAME_PLAN = 1e-4  # share of the budget moved under which two plans count as one
ATTEMPTS_PER_ALTERNATIVE = 3  # reweighted solves tried per wanted alternative before giving up
RANGE_COLUMNS = ["region", "sector", "min", "max", "optimal"]
SUMMARY_COLUMNS = [
    "label",
    "objective",
    "E",
    "min_coverage",
    "distance_to_optimal",
    "least_distance_to_others",
]


@dataclass
class Alternatives:
    """What :func:`alternatives` found. ``status`` is the optimal plan's ("optimal" when it exists);
    without an optimum (``optimal.diagnosis`` says why) the tables are empty."""

    scenario_name: str
    unit: str
    mode: str
    slack: float
    by: str
    optimal: Plan
    optimum: float | None = None
    ranges: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=RANGE_COLUMNS))
    plans: list[Plan] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    distances: pd.DataFrame = field(default_factory=pd.DataFrame)
    always_funded: list[tuple[str, str]] = field(default_factory=list)
    never_funded: list[tuple[str, str]] = field(default_factory=list)
    moving: list[tuple[str, str]] = field(default_factory=list)
    projects: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=PROJECT_LABEL_COLUMNS)
    )
    """Per candidate project: best objective forced in and out, and core / excluded / swappable."""
    always_funded_projects: list[str] = field(default_factory=list)
    never_funded_projects: list[str] = field(default_factory=list)
    moving_projects: list[str] = field(default_factory=list)
    PROJECTS_TITLE: ClassVar[str] = PROJECTS_TITLE

    @property
    def status(self) -> str:
        return self.optimal.status

    def summary(self) -> pd.DataFrame:
        """One row per alternative: its objective, E, least coverage and distances."""
        rows = []
        for label, plan in zip(self.labels, self.plans, strict=True):
            others = self.distances.loc[label].drop(["optimal", label])
            rows.append(
                (
                    label,
                    plan.objective,
                    plan.E,
                    plan.min_coverage,
                    float(self.distances.loc[label, "optimal"]),
                    float(others.min()) if len(others) else math.nan,
                )
            )
        return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)

    def funded_table(self) -> pd.DataFrame:
        """Every pair with a need: funded in all plans (optimum and alternatives), in none, or moving."""
        rows = [(r, s, "always") for r, s in self.always_funded]
        rows += [(r, s, "never") for r, s in self.never_funded]
        rows += [(r, s, "moves") for r, s in self.moving]
        frame = pd.DataFrame(rows, columns=["region", "sector", "funded"])
        if not len(self.projects):
            return frame
        projects = [(p, "always") for p in self.always_funded_projects]
        projects += [(p, "never") for p in self.never_funded_projects]
        projects += [(p, "moves") for p in self.moving_projects]
        listed = pd.DataFrame(projects, columns=["project", "funded"])
        return pd.concat([frame.assign(project=""), listed], ignore_index=True)[
            ["region", "sector", "project", "funded"]
        ]

    def to_dict(self) -> dict[str, Any]:
        """The document ``planner alternatives --json`` prints."""
        return {
            "mode": self.mode,
            "slack": self.slack,
            "optimum": self.optimum,
            "ranges": _records(self.ranges),
            "alternatives": [
                {
                    "label": label,
                    "objective": _number(plan.objective),
                    "E": _number(plan.E),
                    "min_coverage": _number(plan.min_coverage),
                    "allocation": _records(plan.allocation),
                    "distance_to_optimal": _number(float(self.distances.loc[label, "optimal"])),
                    "projects": plan.project_records(),
                }
                for label, plan in zip(self.labels, self.plans, strict=True)
            ],
            "projects": _records(self.projects),
            "always_funded": [{"region": r, "sector": s} for r, s in self.always_funded]
            + [{"project": p} for p in self.always_funded_projects],
            "never_funded": [{"region": r, "sector": s} for r, s in self.never_funded]
            + [{"project": p} for p in self.never_funded_projects],
        }


def alternatives(
    scenario: ScenarioLike,
    slack: float = 0.05,
    count: int = 5,
    by: str = "region",
    *,
    time_limit_s: float | None = None,
    progress: Callable[[int, int], None] | None = None,
    **changes: Any,
) -> Alternatives:
    """Ranges and ``count`` different plans within ``slack`` of the optimum, on one live model.

    ``progress(done, total)`` is called after each of the four stages (the optimum, the ranges,
    the alternatives, the projects' labels); an exception it raises stops the run there.

    ``slack`` is a share of the optimum (0 ≤ slack < 1); ``by`` adds ranges per ``sector`` or per
    region × sector ``pair`` to the regions' (which are always there). Keyword changes apply to the
    scenario first, as in :func:`planner.solve`. Raises :class:`ScenarioError` for a bad argument.

    Examples
    --------
    >>> import planner
    >>> found = planner.alternatives("western_china", slack=0.05, count=2)
    >>> bool((found.ranges["min"] <= found.ranges["max"]).all())
    True
    """
    check_arguments(slack, count, by)
    report = progress or (lambda done, total: None)
    live = PlanModel(as_scenario(scenario))
    optimal = live.solve(time_limit_s=time_limit_s, **changes)
    report(1, STAGES)
    found = Alternatives(
        live.scenario.name, live.scenario.unit, optimal.mode, float(slack), by, optimal
    )
    if not optimal.is_optimal:
        return found
    found.optimum = optimal.objective
    with NearOptimalSet(live, optimal, float(slack)) as near:
        found.ranges = ranges(near, optimal, by, time_limit_s)
        report(2, STAGES)
        found.plans = search(near, optimal, count, time_limit_s)
        report(3, STAGES)
    found.labels = [f"alternative {i + 1}" for i in range(len(found.plans))]
    _compare_plans(found, live)
    found.projects = project_labels(live, optimal, float(slack), time_limit_s)
    _compare_projects(found)
    report(STAGES, STAGES)
    return found


STAGES = 4  # the optimum, the ranges, the alternatives, the projects' labels


def check_arguments(slack: Any, count: Any, by: Any) -> None:
    """Refuse (one problem per argument) a slack outside [0, 1), a count outside 1..50, an unknown by."""
    problems = []
    if (
        isinstance(slack, bool)
        or not isinstance(slack, int | float)
        or not (0 <= slack < 1)
        or not math.isfinite(slack)
    ):
        problems.append(problem("alt.slack", file="slack", got=repr(slack)))
    if isinstance(count, bool) or not isinstance(count, int) or not (1 <= count <= MAX_COUNT):
        problems.append(problem("alt.count", file="count", most=MAX_COUNT, got=repr(count)))
    if by not in BY_CHOICES:
        problems.append(problem("alt.by", file="by", choices=", ".join(BY_CHOICES), got=repr(by)))
    if problems:
        raise ScenarioError(problems)


# ---- ranges ----

_GROUP_KEYS = {
    "region": lambda r, s, t: (r, None),
    "sector": lambda r, s, t: (None, s),
    "pair": lambda r, s, t: (r, s),
}


def ranges(
    near: NearOptimalSet, optimal: Plan, by: str, time_limit_s: float | None = None
) -> pd.DataFrame:
    """Least and most money of each group over the set, beside the optimal plan's amount.

    Regions always; sectors or pairs as ``by`` asks. The optimal plan is in the set, so min ≤ optimal
    ≤ max holds exactly; the values are clipped to it where the solver's tolerance (1e-7) would put
    them a hair on the wrong side.
    """
    kinds = ["region"] if by == "region" else ["region", by]
    amounts = _group_amounts(optimal)
    rows = []
    for kind in kinds:
        for (region, sector), columns in near.group_columns(_GROUP_KEYS[kind]).items():
            cost = near.indicator(columns)
            at_optimum = amounts[kind].get((region, sector), 0.0)
            _, low = near.extreme(cost, maximize=False, time_limit_s=time_limit_s)
            _, high = near.extreme(cost, maximize=True, time_limit_s=time_limit_s)
            rows.append(
                (
                    region,
                    sector,
                    math.nan if low is None else min(low, at_optimum),
                    math.nan if high is None else max(high, at_optimum),
                    at_optimum,
                )
            )
    return pd.DataFrame(rows, columns=RANGE_COLUMNS)


def _group_amounts(plan: Plan) -> dict[str, dict[tuple[str | None, str | None], float]]:
    allocation = plan.allocation
    by_region = allocation.groupby("region", sort=False)["amount"].sum()
    by_sector = allocation.groupby("sector", sort=False)["amount"].sum()
    by_pair = allocation.groupby(["region", "sector"], sort=False)["amount"].sum()
    return {
        "region": {(r, None): float(v) for r, v in by_region.items()},
        "sector": {(None, s): float(v) for s, v in by_sector.items()},
        "pair": {(r, s): float(v) for (r, s), v in by_pair.items()},
    }


# ---- alternatives ----


def search(
    near: NearOptimalSet, optimal: Plan, count: int, time_limit_s: float | None = None
) -> list[Plan]:
    """Up to ``count`` plans in the set, each as far (L1, money per pair) from all earlier ones as a
    linear step can take it (see the module docstring). A re-found plan is not kept but still
    shifts the weights; after ``ATTEMPTS_PER_ALTERNATIVE × count`` solves the search stops."""
    need = _pair_needs(near)
    pairs = list(need)
    reach = np.array([need[p] for p in pairs])
    budget = _total_budget(near)
    seen = [pair_money(optimal, pairs)]
    found: list[Plan] = []
    for _attempt in range(ATTEMPTS_PER_ALTERNATIVE * count):
        if len(found) == count:
            break
        gradient = sum(1.0 - 2.0 * money / reach for money in seen)
        weights = dict(zip(pairs, np.asarray(gradient, dtype=float).tolist(), strict=True))
        cost = near.money_costs(weights, lambda r, s, t: (r, s))
        status, _ = near.extreme(cost, maximize=True, time_limit_s=time_limit_s)
        if status != "optimal":
            break
        plan = near.plan_with_most_benefit(cost, time_limit_s)
        if not plan.is_optimal:
            break
        money = pair_money(plan, pairs)
        if min(share_moved(money, other, budget) for other in seen) > SAME_PLAN:
            plan.message = (
                f"a near-optimal alternative (slack {near_slack(near):.2%}); its duals are those "
                "of the search objective, not of the scenario's"
            )
            found.append(plan)
        seen.append(money)
    return found


def near_slack(near: NearOptimalSet) -> float:
    """The slack the set was built with, read back from its threshold."""
    return 1.0 - near.threshold / near.optimum if near.optimum else 0.0


def _pair_needs(near: NearOptimalSet) -> dict[tuple[str, str], float]:
    """Need over the horizon of every pair that has columns (a positive need)."""
    needs = {(n.region, n.sector): float(n.need) for n in near.live.scenario.needs}
    keys = near.group_columns(lambda r, s, t: (r, s))
    return {pair: needs[pair] for pair in keys if needs.get(pair, 0.0) > 0}


def _total_budget(near: NearOptimalSet) -> float:
    return float(math.fsum(near.live.scenario.budget_per_period()))


def share_moved(a: np.ndarray, b: np.ndarray, budget: float) -> float:
    """Share of the budget moved between two plans: Σ |a − b| / 2 over the total budget."""
    if budget <= 0:
        return 0.0
    return float(np.abs(a - b).sum() / 2.0 / budget)


def _compare_plans(found: Alternatives, live: PlanModel) -> None:
    """Fill the distance matrix and the always / never / moving pairs over the optimum and the
    alternatives."""
    pairs = [(n.region, n.sector) for n in live.scenario.needs if n.need > 0]
    budget = float(math.fsum(live.scenario.budget_per_period()))
    labels = ["optimal", *found.labels]
    money = [pair_money(p, pairs) for p in [found.optimal, *found.plans]]
    matrix = [[share_moved(a, b, budget) for b in money] for a in money]
    found.distances = pd.DataFrame(matrix, index=labels, columns=labels)
    funded = np.array(money) > FUNDED
    for i, pair in enumerate(pairs):
        column = funded[:, i]
        target = (
            found.always_funded
            if column.all()
            else found.never_funded
            if not column.any()
            else found.moving
        )
        target.append(pair)


def _compare_projects(found: Alternatives) -> None:
    """The projects funded in all, none or some of the optimum and the alternatives."""
    plans = [found.optimal, *found.plans]
    for project in found.optimal.projects["id"]:
        funded = [project in set(p.projects.loc[p.projects["funded"], "id"]) for p in plans]
        target = (
            found.always_funded_projects
            if all(funded)
            else found.never_funded_projects
            if not any(funded)
            else found.moving_projects
        )
        target.append(str(project))


def _number(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return float(value)
