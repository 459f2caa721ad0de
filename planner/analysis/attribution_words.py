"""An attribution in words: "Of the +84.0 rise in benefit E, the higher budget accounts for +61.2, …"."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from planner.scenario.model import Scenario

if TYPE_CHECKING:
    from planner.analysis.attribution import Attribution

NAMED = 3  # groups named in a sentence; the rest are summed as "the other changes"
METRIC_WORDS = {
    "E": "benefit E",
    "min_coverage": "least coverage",
    "objective": "objective",
    "allocated": "money allocated",
}


# ---- each group's change as a noun phrase ----


def _higher(b: float, a: float, noun: str, same: str = "") -> str:
    if b == a and same:
        return same
    return f"the {'higher' if b > a else 'lower'} {noun}"


def _per_region(field: str, noun: str) -> Callable[[Scenario, Scenario], str]:
    """ "Sichuan's higher needs" when one region's figure moved, "the needs of 3 regions" else."""

    def words(a: Scenario, b: Scenario) -> str:
        before, after = _region_figures(a, field), _region_figures(b, field)
        moved = [r for r in before if r in after and before[r] != after[r]]
        if len(moved) == 1:
            region = moved[0]
            way = "higher" if after[region] > before[region] else "lower"
            return f"{a.region(region).label}'s {way} {noun}"
        if moved:
            return f"the {noun} of {len(moved)} regions"
        return f"the {noun}"

    return words


def _region_figures(s: Scenario, field: str) -> dict[str, float]:
    if field in ("need", "benefit"):
        totals: dict[str, float] = {}
        benefits = s.derived_benefits()
        for n in s.needs:
            value = n.need if field == "need" else benefits[(n.region, n.sector)] * n.need
            totals[n.region] = totals.get(n.region, 0.0) + value
        return totals
    values = {r.id: getattr(r, field) for r in s.regions}
    return {r: math.inf if v is None else float(v) for r, v in values.items()}


def _structure(a: Scenario, b: Scenario) -> str:
    parts = []
    for noun, before, after in (
        ("region", [r.id for r in a.regions], [r.id for r in b.regions]),
        ("sector", list(a.sectors), list(b.sectors)),
        ("period", [str(t) for t in a.periods], [str(t) for t in b.periods]),
    ):
        for verb, items in (
            ("adding", [x for x in after if x not in before]),
            ("removing", [x for x in before if x not in after]),
        ):
            if items:
                shown = ", ".join(items) if len(items) <= 2 else f"{len(items)} {noun}s"
                parts.append(f"{verb} {shown}")
    return " and ".join(parts) or "the new order of regions, sectors or periods"


DESCRIBE: dict[str, Callable[[Scenario, Scenario], str]] = {
    "structure": _structure,
    "budget": lambda a, b: _higher(
        b.total_budget(), a.total_budget(), "budget", "the budget's new split over periods"
    ),
    "carry_over": lambda a, b: "allowing carry-over" if b.carry_over else "ending carry-over",
    "discount_rate": lambda a, b: _higher(b.discount_rate, a.discount_rate, "discount rate"),
    "redundancy_tolerance": lambda a, b: (
        "the looser corridor tolerance"
        if b.redundancy_tolerance > a.redundancy_tolerance
        else "the tighter corridor tolerance"
    ),
    "tranches": lambda a, b: "the new tranche weights",
    "objective": lambda a, b: (
        f"the switch to {b.objective.mode} mode"
        if a.objective.mode != b.objective.mode
        else "the new equity weight"
    ),
    "needs": _per_region("need", "needs"),
    "benefits": _per_region("benefit", "benefits"),
    "floors": _per_region("min_share_of_need", "floor"),
    "capacities": _per_region("max_per_period", "capacity"),
    "profiles": lambda a, b: "the changed profiles",
    "corridors": lambda a, b: "the changed corridor caps",
}
"""Group → its change in words. A group without an entry is named as it is."""


def describe(group: str, a: Scenario, b: Scenario) -> str:
    words = DESCRIBE.get(group)
    return words(a, b) if words else f"the {group.replace('_', ' ')}"


# ---- the summary ----


def amount(metric: str, value: float) -> str:
    """A change as the summary shows it: coverage in percentage points, the rest with one decimal."""
    if not math.isfinite(value):
        return "n/a"
    if metric == "min_coverage":
        return f"{value * 100:+.1f} points"
    return f"{value:+,.1f}"


def summary(result: Attribution) -> str:
    """One sentence per metric, then what sampling and infeasible subsets mean for the numbers."""
    if not result.groups:
        return (
            "A and B do not differ in any input the plan depends on: there is nothing to attribute."
        )
    sentences = [_metric_sentence(result, m) for m in result.metrics]
    if result.standard_error is not None:
        worst = float(result.standard_error[result.metrics[0]].max())
        sentences.append(
            f"Values are sampled over random orders of the {len(result.groups)} changes "
            f"(largest standard error of {METRIC_WORDS[result.metrics[0]]}: "
            f"{amount(result.metrics[0], worst).lstrip('+')})."
        )
    if result.infeasible:
        example = " + ".join(result.infeasible[0]["groups"])
        sentences.append(
            f"{len(result.infeasible)} combination(s) of changes have no optimal plan (e.g. {example}); "
            "along each order they keep the value of the last combination that had one."
        )
    return " ".join(sentences)


def _metric_sentence(result: Attribution, metric: str) -> str:
    change = result.change[metric]
    name = METRIC_WORDS[metric]
    values = result.values[metric]
    ranked = sorted(
        (g for g in result.groups if amount(metric, values[g]) not in _ZEROS),
        key=lambda g: -abs(values[g]),
    )
    if not ranked:
        return f"{name.capitalize()} does not change ({amount(metric, change)})."
    named = [
        f"{result.words[g]} {'accounts for ' if i == 0 else 'for '}{amount(metric, values[g])}"
        for i, g in enumerate(ranked[:NAMED])
    ]
    rest = ranked[NAMED:]
    if rest:
        total = float(sum(values[g] for g in rest))
        others = "the other change" if len(rest) == 1 else f"the other {len(rest)} changes"
        named.append(f"{others} for {amount(metric, total)}")
    if amount(metric, change) in _ZEROS:
        opening = f"{name.capitalize()} does not change overall ({amount(metric, change)}): "
    else:
        way = "rise" if change > 0 else "fall"
        opening = f"Of the {amount(metric, change)} {way} in {name}, "
    sentence = opening + _joined(named)
    interaction = _interaction(result, metric)
    return sentence + (f"; {interaction}" if interaction else "") + "."


_ZEROS = {"+0.0", "-0.0", "+0.0 points", "-0.0 points"}


def _joined(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _interaction(result: Attribution, metric: str) -> str:
    """The pair of changes that interact most, when that shows at the summary's precision."""
    pairs: Any = result.pairs
    if pairs.empty or metric not in pairs:
        return ""
    extra = pairs[metric].abs()
    if extra.isna().all():
        return ""
    top = pairs.loc[extra.idxmax()]
    value = float(top[metric])
    if amount(metric, value) in _ZEROS or not math.isfinite(value):
        return ""
    first, second = result.words[top["group_a"]], result.words[top["group_b"]]
    more = "more" if value > 0 else "less"
    return (
        f"{first} and {second} together add {amount(metric, abs(value)).lstrip('+')} {more} "
        "than each alone"
    )
