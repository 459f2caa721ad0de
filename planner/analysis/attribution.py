"""Why did the plan change? The difference between two plans, attributed to the input changes that
caused it (Shapley values over groups of changes).

Each group of differences between scenarios A and B (:mod:`planner.analysis.attribution_groups`) is a
player; the value of a subset S of groups is the plan of "A with the groups of S taken from B". A
group's Shapley value is its change of a metric averaged over every order in which the groups could be
applied; the values add up exactly to B − A. With g groups the exact values need all 2^g subsets, each
solved by re-solving one live :class:`~planner.solve.plan_model.PlanModel` (a subset that changes the
model's shape rebuilds it); beyond ``exact_up_to`` groups, orders are sampled (seeded) and each value
carries its standard error.

**Infeasible subsets.** Along an order of the groups, a subset with no optimal plan keeps the value of
the last subset before it that had one: the group that breaks feasibility gets 0 for that step and the
group that restores it gets the whole change. Exactly, that is the expectation over all orders, with
``m(S) = v(S)`` for a feasible S and ``m(S) = mean over j in S of m(S − j)`` otherwise; sampling
estimates the same quantity. A and B themselves must have optimal plans.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import models
from planner.analysis.attribution_groups import compose, playing_groups
from planner.errors import ScenarioError
from planner.i18n.catalog import LANGUAGES, checked, use_language
from planner.i18n.problems import problem
from planner.scenario.files import as_scenario
from planner.scenario.model import Scenario
from planner.solve.plan import Plan
from planner.solve.plan_model import PlanModel

METRICS: dict[str, Callable[[Plan], float | None]] = {
    "E": lambda p: p.E,
    "min_coverage": lambda p: p.min_coverage,
    "objective": lambda p: p.objective,
    "allocated": lambda p: p.allocated_total,
}
"""The plan figures an attribution can explain (each region's total money is always explained)."""

DEFAULT_METRICS = ("E", "min_coverage", "objective")
DEFAULT_SAMPLES = (
    100  # orders drawn when sampling; each costs at most g solves (subsets are cached)
)


class EndpointNotOptimal(Exception):
    """A or B itself has no optimal plan: there is no difference to attribute."""

    def __init__(self, side: str, plan: Plan) -> None:
        self.side, self.plan = side, plan
        why = f": {plan.message}" if plan.message else ""
        super().__init__(
            f"{side} ({plan.scenario_name}) is {plan.status}{why}; "
            "attribution needs an optimal plan on both sides"
        )


# ---- A and B: scenarios from what the caller gives ----

SCENARIO_READERS: list[Callable[[Any], Scenario | None]] = []
"""Extension point: readers tried first, in order, on each of A and B; one returns a Scenario for a
source it recognises and None otherwise. The run store (issue 16) registers a reader of stored run
ids here, so ``planner compare RUN1 RUN2 --attribute`` works without touching this module."""


def scenario_of(source: Any, side: str) -> Scenario:
    """The scenario of A or B: a Scenario, a solved Plan (it carries its scenario), a scenario file,
    folder or bundled name, or anything a registered reader recognises."""
    for reader in SCENARIO_READERS:
        found = reader(source)
        if found is not None:
            return found
    if isinstance(source, Plan):
        if source.scenario is None:
            raise ScenarioError([problem("attr.no_scenario", file=side)])
        return source.scenario
    if isinstance(source, str | Path) and Path(source).suffix.lower() == ".json":
        raise ScenarioError([problem("attr.saved_plan", file=side, source=str(source))])
    return as_scenario(source)


# ---- the game: one live model, a value vector per subset ----


class _Game:
    """Values of subsets of the playing groups (bit i of a mask: group i taken from B), solved on
    one live model and cached. A value is a vector: the metrics, then each region's total money."""

    def __init__(self, a: Scenario, b: Scenario, groups: list[str], metrics: tuple[str, ...]):
        self.a, self.b, self.groups, self.metrics = a, b, groups, metrics
        self.regions = list(dict.fromkeys([r.id for r in a.regions] + [r.id for r in b.regions]))
        self.full = (1 << len(groups)) - 1
        self.values: dict[int, np.ndarray] = {}
        self.status: dict[int, str] = {}
        self.solves = 0
        self.model = PlanModel(a)
        self.plan_a = self._solve(a, 0)
        self.plan_b = self._solve(b, self.full)
        for side, plan in (("A", self.plan_a), ("B", self.plan_b)):
            if not plan.is_optimal:
                raise EndpointNotOptimal(side, plan)

    def _solve(self, scenario: Scenario, mask: int) -> Plan:
        self.model.update(scenario)
        plan = self.model.solve(diagnose=False)
        self.solves += 1
        self.status[mask] = plan.status
        if plan.is_optimal:
            self.values[mask] = self._vector(plan)
        return plan

    def _vector(self, plan: Plan) -> np.ndarray:
        figures = [METRICS[name](plan) for name in self.metrics]
        money = dict(zip(plan.coverage["region"], plan.coverage["allocated"], strict=True))
        numbers = [math.nan if f is None else float(f) for f in figures]
        return np.array(numbers + [float(money.get(r, 0.0)) for r in self.regions])

    def taken(self, mask: int) -> list[str]:
        return [g for i, g in enumerate(self.groups) if mask >> i & 1]

    def evaluate(self, masks: list[int]) -> None:
        """Solve the subsets not seen yet, those of one model shape together (fewer rebuilds)."""
        new = [m for m in dict.fromkeys(masks) if m not in self.status]
        scenarios = {m: compose(self.a, self.b, self.taken(m)) for m in new}
        order = sorted(new, key=lambda m: repr(models.structure_key(scenarios[m])))
        for mask in order:
            self._solve(scenarios[mask], mask)

    def feasible(self, mask: int) -> bool:
        return mask in self.values

    def value(self, mask: int) -> np.ndarray:
        return self.values[mask]


# ---- Shapley values under the carry-forward rule ----


def _exact(game: _Game) -> tuple[np.ndarray, None]:
    g = len(game.groups)
    masks = list(range(1 << g))
    game.evaluate(masks)
    carried = _carried_values(game, masks)
    phi = np.zeros((g, len(carried[0])))
    for i in range(g):
        bit = 1 << i
        for mask in masks:
            if mask & bit:
                continue
            size = bin(mask).count("1")
            weight = math.factorial(size) * math.factorial(g - size - 1) / math.factorial(g)
            after = game.value(mask | bit) if game.feasible(mask | bit) else carried[mask]
            phi[i] += weight * (after - carried[mask])
    return phi, None


def _carried_values(game: _Game, masks: list[int]) -> list[np.ndarray]:
    """m(S): v(S) when S has a plan, else the mean of m(S − j) over its groups j (see the module)."""
    carried: list[np.ndarray] = [np.empty(0)] * len(masks)
    for mask in sorted(masks, key=lambda m: bin(m).count("1")):
        if game.feasible(mask):
            carried[mask] = game.value(mask)
        else:
            below = [carried[mask ^ (1 << j)] for j in range(len(game.groups)) if mask >> j & 1]
            carried[mask] = np.mean(below, axis=0)
    return carried


def _sampled(game: _Game, samples: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean marginal change of each group over ``samples`` random orders, and its standard error.
    Every order's changes add up to v(B) − v(A), so the means do too."""
    g = len(game.groups)
    rng = np.random.default_rng(seed)
    orders = [rng.permutation(g) for _ in range(samples)]
    prefixes = [_prefix_masks(order) for order in orders]
    game.evaluate([m for masks in prefixes for m in masks])
    width = len(game.value(0))
    steps = np.zeros((samples, g, width))
    for n, (order, masks) in enumerate(zip(orders, prefixes, strict=True)):
        before = game.value(0)
        for i, mask in zip(order, masks, strict=True):
            after = game.value(mask) if game.feasible(mask) else before
            steps[n, i] = after - before
            before = after
    error = steps.std(axis=0, ddof=1) / math.sqrt(samples)
    return steps.mean(axis=0), error


def _prefix_masks(order: np.ndarray) -> list[int]:
    masks, mask = [], 0
    for i in order:
        mask |= 1 << int(i)
        masks.append(mask)
    return masks


# ---- the result ----


@dataclass
class Attribution:
    """B − A, split among the groups of input changes (rows of ``values``: one per group).

    ``values``: each group's Shapley value per metric; ``alone``: the change of A plus that group
    alone (NaN when that subset has no plan); ``regions``: Shapley values of each region's total
    money; ``pairs``: v(i+j) − v(i) − v(j) + v(∅) for pairs of groups (what the pair adds beyond each
    alone); ``standard_error`` when sampled; ``infeasible``: subsets without an optimal plan."""

    a: dict[str, float | None]
    b: dict[str, float | None]
    unit: str
    metrics: tuple[str, ...]
    method: str
    solves: int
    values: pd.DataFrame
    alone: pd.DataFrame
    regions: pd.DataFrame
    pairs: pd.DataFrame
    standard_error: pd.DataFrame | None = None
    infeasible: list[dict[str, Any]] = field(default_factory=list)
    words: dict[str, str] = field(default_factory=dict)  # group → its change in English words
    wordings: dict[str, dict[str, str]] = field(default_factory=dict)  # language → group → words

    @property
    def change(self) -> dict[str, float]:
        return {m: _diff(self.b[m], self.a[m]) for m in self.metrics}

    @property
    def groups(self) -> list[str]:
        return list(self.values.index)

    def table(self) -> pd.DataFrame:
        """One row per group: its Shapley value, its effect alone and the interaction (the value
        minus the effect alone) per metric, plus the standard errors when sampled."""
        frame = pd.DataFrame({"group": self.groups})
        for m in self.metrics:
            frame[m] = self.values[m].to_numpy()
            frame[f"{m}_alone"] = self.alone[m].to_numpy()
            frame[f"{m}_interaction"] = frame[m] - frame[f"{m}_alone"]
            if self.standard_error is not None:
                frame[f"{m}_se"] = self.standard_error[m].to_numpy()
        return frame

    def words_in(self, lang: str | None = None) -> dict[str, str]:
        """Group → its change in words, in ``lang`` (default: the active language)."""
        return self.wordings.get(checked(lang)) or self.words

    def summary(self, lang: str | None = None) -> str:
        """The change in sentences, in ``lang`` (default: the active language)."""
        from planner.analysis.attribution_words import summary

        return summary(self, lang)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``planner compare A B --attribute --json``."""
        rows = []
        for group in self.groups:
            row: dict[str, Any] = {"group": group, "change": self.words.get(group, group)}
            row.update({m: _num(self.values.at[group, m]) for m in self.metrics})
            row["alone"] = {m: _num(self.alone.at[group, m]) for m in self.metrics}
            row["interaction"] = {
                m: _num(self.values.at[group, m] - self.alone.at[group, m]) for m in self.metrics
            }
            if self.standard_error is not None:
                row["se"] = {m: _num(self.standard_error.at[group, m]) for m in self.metrics}
            row["regions"] = {r: _num(v) for r, v in self.regions.loc[group].items()}
            rows.append(row)
        return {
            "a": self.a,
            "b": self.b,
            "unit": self.unit,
            "change": self.change,
            "attribution": rows,
            "pairs": self.pairs.to_dict(orient="records"),
            "infeasible_subsets": self.infeasible,
            "method": self.method,
            "solves": self.solves,
            "summary": self.summary(lang="en"),  # a machine format: English, as its keys
        }


def _diff(b: float | None, a: float | None) -> float:
    return math.nan if a is None or b is None else float(b) - float(a)


def _num(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def attribute(
    a: Any,
    b: Any,
    metrics: tuple[str, ...] | list[str] = DEFAULT_METRICS,
    exact_up_to: int = 10,
    seed: int = 0,
    samples: int = DEFAULT_SAMPLES,
) -> Attribution:
    """Attribute B − A to the groups of input changes between the two scenarios.

    ``a`` and ``b``: scenarios, scenario files, folders or bundled names, or solved plans. Exact
    Shapley values over all 2^g subsets when the g changed groups are at most ``exact_up_to``;
    otherwise ``samples`` random orders (seeded by ``seed``) with standard errors.

    Raises :class:`ScenarioError` for unknown metrics or scenarios that are not two versions of one
    plan (different units, no region or sector in common), :class:`EndpointNotOptimal` when A or B
    has no optimal plan.

    Examples
    --------
    >>> import planner
    >>> a = planner.load_scenario("western_china")
    >>> result = planner.attribute(a, a.with_changes(budget=2300, redundancy_tolerance=0.1))
    >>> result.groups
    ['budget', 'redundancy_tolerance']
    >>> bool(abs(result.values["E"].sum() - result.change["E"]) < 1e-6)
    True
    """
    metrics = _checked_metrics(metrics, exact_up_to, samples)
    scenario_a, scenario_b = scenario_of(a, "A"), scenario_of(b, "B")
    groups = playing_groups(scenario_a, scenario_b)
    game = _Game(scenario_a, scenario_b, groups, metrics)
    exact = len(groups) <= exact_up_to
    if exact:
        phi, error = _exact(game)
    else:
        phi, error = _sampled(game, samples, seed)
    singles = [1 << i for i in range(len(groups))]
    game.evaluate(singles)
    alone = np.array([_change(game, mask) for mask in singles]).reshape(len(groups), len(metrics))
    return Attribution(
        a=_kpis(game.plan_a, metrics),
        b=_kpis(game.plan_b, metrics),
        unit=scenario_a.unit,
        metrics=metrics,
        method="exact" if exact else "sampled",
        solves=game.solves,
        values=_frame(phi, groups, metrics),
        alone=_frame(alone, groups, metrics),
        regions=pd.DataFrame(phi[:, len(metrics) :], index=groups, columns=game.regions),
        pairs=_pairs(game, phi, exact),
        standard_error=None if error is None else _frame(error, groups, metrics),
        infeasible=[
            {"groups": game.taken(mask), "status": status}
            for mask, status in game.status.items()
            if status != "optimal"
        ],
        words=_group_words(scenario_a, scenario_b, groups, "en"),
        wordings={lang: _group_words(scenario_a, scenario_b, groups, lang) for lang in LANGUAGES},
    )


def _checked_metrics(metrics: Any, exact_up_to: Any, samples: Any) -> tuple[str, ...]:
    problems = [
        problem("attr.unknown_metric", field="metrics", metric=m, known=", ".join(METRICS))
        for m in metrics
        if m not in METRICS
    ]
    if not metrics:
        problems.append(problem("attr.no_metric", field="metrics"))
    for name, number, least in (("exact_up_to", exact_up_to, 0), ("samples", samples, 2)):
        if isinstance(number, bool) or not isinstance(number, int) or number < least:
            problems.append(problem("attr.whole_number", field=name, name=name, least=least))
    if problems:
        raise ScenarioError(problems)
    return tuple(metrics)


def _change(game: _Game, mask: int) -> np.ndarray:
    """v(S) − v(∅) over the metrics, NaN when S has no plan."""
    width = len(game.metrics)
    if not game.feasible(mask):
        return np.full(width, math.nan)
    return game.value(mask)[:width] - game.value(0)[:width]


def _pairs(game: _Game, phi: np.ndarray, exact: bool) -> pd.DataFrame:
    """What each pair adds beyond its two groups alone: every pair when exact, the pairs of the
    three groups with the largest values of the first metric when sampled (three more solves)."""
    g = len(game.groups)
    ranked = sorted(range(g), key=lambda i: -abs(phi[i, 0]))
    chosen = list(range(g)) if exact else ranked[:3]
    pairs = [(i, j) for n, i in enumerate(chosen) for j in chosen[n + 1 :]]
    game.evaluate([(1 << i) | (1 << j) for i, j in pairs])
    rows = []
    for i, j in pairs:
        both, first, second = (_change(game, m) for m in ((1 << i) | (1 << j), 1 << i, 1 << j))
        extra = both - first - second
        rows.append([game.groups[i], game.groups[j], *extra.tolist()])
    return pd.DataFrame(rows, columns=["group_a", "group_b", *game.metrics])


def _frame(array: np.ndarray, groups: list[str], metrics: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame(array[:, : len(metrics)], index=groups, columns=list(metrics))


def _kpis(plan: Plan, metrics: tuple[str, ...]) -> dict[str, float | None]:
    return {m: METRICS[m](plan) for m in metrics}


def _group_words(a: Scenario, b: Scenario, groups: list[str], lang: str) -> dict[str, str]:
    """Each group's change in words, in ``lang`` (worded now: the scenarios are not kept)."""
    from planner.analysis.attribution_words import describe

    with use_language(lang):
        return {group: describe(group, a, b) for group in groups}
