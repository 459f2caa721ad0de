"""An attribution in words: "Of the +84.0 rise in benefit E, the higher budget accounts for +61.2, …".

Every word comes from the catalog (``attr.*``), so the sentences speak the active language; regions,
sectors and groups are named as :mod:`planner.i18n.names` names them. English keeps its figures
bare (as it always has); other languages name the unit of money allocated, in the shown unit (亿元).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from planner.i18n.catalog import language, t, use_language
from planner.i18n.catalog import sentences as joined_sentences
from planner.i18n.names import region_name, region_names, sector_name
from planner.i18n.units import shown
from planner.scenario.model import Scenario

if TYPE_CHECKING:
    from planner.analysis.attribution import Attribution

NAMED = 3  # groups named in a sentence; the rest are summed as "the other changes"
METRICS = ("E", "min_coverage", "objective", "allocated")
"""The metrics a summary words, each by its catalog key ``attr.metric.<metric>``."""


def metric_words(metric: str) -> str:
    return t(f"attr.metric.{metric}")


# ---- each group's change as a noun phrase ----


def _higher(b: float, a: float, noun: str, same: str = "") -> str:
    if b == a and same:
        return t(same)
    return t("attr.higher" if b > a else "attr.lower", noun=t(noun))


def _per_region(field: str, noun: str) -> Callable[[Scenario, Scenario], str]:
    """ "Sichuan's higher needs" when one region's figure moved, "the needs of 3 regions" else."""

    def words(a: Scenario, b: Scenario) -> str:
        before, after = _region_figures(a, field), _region_figures(b, field)
        moved = [r for r in before if r in after and before[r] != after[r]]
        if len(moved) == 1:
            region = moved[0]
            way = "higher" if after[region] > before[region] else "lower"
            return t(f"attr.region_{way}", region=region_name(a.region(region)), noun=t(noun))
        if moved:
            return t("attr.of_regions", noun=t(noun), count=len(moved))
        return t("attr.the", noun=t(noun))

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
    """What was added or removed; English names them by id, other languages by their names."""
    english = language() == "en"
    regions = {} if english else {**region_names(a), **region_names(b)}
    parts = []
    for noun, before, after, name in (
        ("region", [r.id for r in a.regions], [r.id for r in b.regions], regions.get),
        ("sector", list(a.sectors), list(b.sectors), None if english else sector_name),
        ("period", [str(p) for p in a.periods], [str(p) for p in b.periods], None),
    ):
        for verb, items in (
            ("adding", [x for x in after if x not in before]),
            ("removing", [x for x in before if x not in after]),
        ):
            if items:
                named = [(name(x) or x) if name else x for x in items]
                many = t(f"attr.structure.count.{noun}", count=len(items))
                said = t("list.separator").join(named) if len(items) <= 2 else many
                parts.append(t(f"attr.structure.{verb}", items=said))
    return t("attr.list_and").join(parts) or t("attr.structure.reorder")


def _objective(a: Scenario, b: Scenario) -> str:
    if a.objective.mode == b.objective.mode:
        return t("attr.objective.weight")
    mode = b.objective.mode if language() == "en" else t(f"mode.{b.objective.mode}")
    return t("attr.objective.switch", mode=mode)


DESCRIBE: dict[str, Callable[[Scenario, Scenario], str]] = {
    "structure": _structure,
    "budget": lambda a, b: _higher(
        b.total_budget(), a.total_budget(), "attr.noun.budget", "attr.budget_split"
    ),
    "carry_over": lambda a, b: t("attr.carry_over.on" if b.carry_over else "attr.carry_over.off"),
    "discount_rate": lambda a, b: _higher(b.discount_rate, a.discount_rate, "attr.noun.discount"),
    "redundancy_tolerance": lambda a, b: t(
        "attr.tolerance.looser"
        if b.redundancy_tolerance > a.redundancy_tolerance
        else "attr.tolerance.tighter"
    ),
    "tranches": lambda a, b: t("attr.tranches"),
    "objective": _objective,
    "needs": _per_region("need", "attr.noun.needs"),
    "benefits": _per_region("benefit", "attr.noun.benefits"),
    "floors": _per_region("min_share_of_need", "attr.noun.floor"),
    "capacities": _per_region("max_per_period", "attr.noun.capacity"),
    "profiles": lambda a, b: t("attr.profiles"),
    "corridors": lambda a, b: t("attr.corridors"),
    "criteria": lambda a, b: t("attr.criteria"),
    "projects": lambda a, b: t("attr.projects"),
    "funding": lambda a, b: t("attr.funding"),
    "actuals": lambda a, b: t("attr.actuals"),
}
"""Group → its change in words, in the active language. A group without an entry is named as it is."""


def describe(group: str, a: Scenario, b: Scenario) -> str:
    words = DESCRIBE.get(group)
    return words(a, b) if words else t("attr.the", noun=group.replace("_", " "))


# ---- the summary ----


def _zero(metric: str, value: float) -> bool:
    """True when the change shows as nothing at the summary's precision (one decimal)."""
    scale = 100 if metric == "min_coverage" else 1
    return math.isfinite(value) and round(value * scale, 1) == 0


def amount(metric: str, value: float, unit: str = "") -> str:
    """A change as the summary shows it: coverage in percentage points, the rest with one decimal;
    outside English, money allocated in the shown unit (亿元), named."""
    if not math.isfinite(value):
        return t("attr.na")
    if metric == "min_coverage":
        return t("attr.points", value=f"{value * 100:+.1f}")
    if metric == "allocated" and unit and language() != "en":
        how = shown(unit)
        return f"{value * how.factor:+,.1f} {how.unit}"
    return f"{value:+,.1f}"


def summary(result: Attribution, lang: str | None = None) -> str:
    """One sentence per metric, then what sampling and infeasible subsets mean for the numbers."""
    with use_language(lang):
        if not result.groups:
            return t("attr.summary.nothing")
        words = result.words_in()
        sentences = [_metric_sentence(result, m, words) for m in result.metrics]
        if result.standard_error is not None:
            first = result.metrics[0]
            worst = float(result.standard_error[first].max())
            error = amount(first, worst, result.unit).lstrip("+")
            sentences.append(
                t(
                    "attr.summary.sampled",
                    count=len(result.groups),
                    metric=metric_words(first),
                    error=error,
                )
            )
        if result.infeasible:
            taken = result.infeasible[0]["groups"]
            named = taken if language() == "en" else [words.get(g, g) for g in taken]
            sentences.append(
                t(
                    "attr.summary.infeasible",
                    count=len(result.infeasible),
                    example=" + ".join(named),
                )
            )
        return joined_sentences(sentences)


def _metric_sentence(result: Attribution, metric: str, words: dict[str, str]) -> str:
    change = result.change[metric]
    name = metric_words(metric)
    # English opens with str.capitalize, as it always has ("Benefit e does not change")
    opening_name = (
        name[:1].upper() + name[1:] if language() == "en" else name
    )  # "Benefit E", not "Benefit e"
    values = result.values[metric]
    ranked = sorted(
        (g for g in result.groups if not _zero(metric, values[g])), key=lambda g: -abs(values[g])
    )
    said = amount(metric, change, result.unit)
    if not ranked:
        return t("attr.no_change", metric=opening_name, amount=said)
    named = [
        t(
            "attr.accounts_first" if i == 0 else "attr.accounts_next",
            change=words.get(g, g),
            amount=amount(metric, values[g], result.unit),
        )
        for i, g in enumerate(ranked[:NAMED])
    ]
    rest = ranked[NAMED:]
    if rest:
        total = float(sum(values[g] for g in rest))
        others = t("attr.other_one") if len(rest) == 1 else t("attr.other_many", count=len(rest))
        named.append(
            t("attr.accounts_next", change=others, amount=amount(metric, total, result.unit))
        )
    if _zero(metric, change):
        opening = t("attr.no_change_overall", metric=opening_name, amount=said)
    else:
        opening = t("attr.of_rise" if change > 0 else "attr.of_fall", amount=said, metric=name)
    sentence = opening + _joined(named)
    interaction = _interaction(result, metric, words)
    return sentence + (t("attr.clause_join") + interaction if interaction else "") + t("attr.end")


def _joined(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return t("attr.list_comma").join(items[:-1]) + t("attr.list_and") + items[-1]


def _interaction(result: Attribution, metric: str, words: dict[str, str]) -> str:
    """The pair of changes that interact most, when that shows at the summary's precision."""
    pairs: Any = result.pairs
    if pairs.empty or metric not in pairs:
        return ""
    extra = pairs[metric].abs()
    if extra.isna().all():
        return ""
    top = pairs.loc[extra.idxmax()]
    value = float(top[metric])
    if _zero(metric, value) or not math.isfinite(value):
        return ""
    return t(
        "attr.together_more" if value > 0 else "attr.together_less",
        first=words.get(top["group_a"], top["group_a"]),
        second=words.get(top["group_b"], top["group_b"]),
        amount=amount(metric, abs(value), result.unit).lstrip("+"),
    )
