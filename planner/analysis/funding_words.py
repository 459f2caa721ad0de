"""Who pays, and what each pool's next yuan is worth (funding.md "Results"), as tables and sentences.

Reads a Plan's ``funding``, ``sources`` and ``debt`` tables only; the CLI summary, the reports and the
UI all word funding through here. Shadow prices are the first solve's, per unit of the scenario's
money, in the mode's objective (:func:`planner.analysis.meaning.objective_words`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from planner.analysis.meaning import objective_words
from planner.i18n.catalog import sentences, t
from planner.i18n.names import region_names, source_names
from planner.i18n.units import shown

WORTH_NOTHING = 1e-9  # a shadow price below this adds nothing a planner could see


def who_pays(plan: Any) -> pd.DataFrame:
    """Per source (rows, in the scenario's order): what it pays to each sector over the horizon
    (one column per sector), ``used`` in total, its ``amount`` over the horizon, and ``use``, the
    share of the amount used (scenario unit; ids, not names)."""
    sources = plan.sources
    if plan.scenario is None or sources.empty:
        return pd.DataFrame()
    order = list(dict.fromkeys(sources["source"]))
    sectors = list(plan.scenario.sectors)
    paid = plan.funding.pivot_table(
        index="source", columns="sector", values="amount", aggfunc="sum", fill_value=0.0
    )
    table = paid.reindex(index=order, columns=sectors, fill_value=0.0)
    table["used"] = sources.groupby("source", sort=False)["used"].sum().reindex(order)
    amounts = plan.scenario.source_amounts()
    table["amount"] = [sum(amounts[f]) for f in order]
    table["use"] = table["used"] / table["amount"].where(table["amount"] > 0)
    table.index.name = "source"
    table.columns.name = None
    return table


def next_yuan(plan: Any) -> pd.DataFrame:
    """Per source, the period in which one more unit of it is worth most (``source``, ``period``,
    ``dual``), most valuable first; sources worth nothing anywhere are left out."""
    sources = plan.sources.dropna(subset=["dual"])  # a locked period's rows have none (actuals.md)
    if sources.empty:
        return pd.DataFrame(columns=["source", "period", "dual"])
    best = sources.loc[sources.groupby("source", sort=False)["dual"].idxmax()]
    best = best[best["dual"] > WORTH_NOTHING]
    return best.sort_values("dual", ascending=False)[["source", "period", "dual"]].reset_index(
        drop=True
    )


SOURCES_NAMED_APART = 3
"""Sources whose next unit is worth the same (to three digits, in the same period) are said in one
clause; more than this many are counted, not listed: on western_china_funded every pool is used up
and 39 of them are worth the same, which as a list was a paragraph, not a sentence."""


def _worth_groups(best: pd.DataFrame, factor: float) -> list[tuple[Any, str, list[str]]]:
    """(period, value as said, sources) for each run of sources worth the same, most valuable first."""
    groups: dict[tuple[Any, str], list[str]] = {}
    for row in best.itertuples(index=False):
        groups.setdefault((row.period, f"{row.dual / factor:.3g}"), []).append(row.source)
    return [(period, value, sources) for (period, value), sources in groups.items()]


def next_yuan_words(plan: Any) -> str:
    """One sentence: "One more CNY bn of Central budget investment in 2027 adds 0.41 to the benefit
    E; Special bonds 0.12. Gansu's debt room binds." (first solve's shadow prices)."""
    if plan.scenario is None or plan.sources.empty:
        return ""
    how = shown(plan.unit)
    names = source_names(plan.scenario)
    parts = []
    for i, (period, value, sources) in enumerate(_worth_groups(next_yuan(plan), how.factor)):
        labels = [names.get(source, source) for source in sources]
        name = (
            t("list.separator").join(labels)
            if len(labels) <= SOURCES_NAMED_APART
            else t("funding.many_sources", count=len(labels), first=labels[0])
        )
        if i == 0:
            parts.append(
                t(
                    "funding.next_yuan",
                    unit=how.unit,
                    source=name,
                    period=period,
                    value=value,
                    objective=objective_words(plan.mode),
                )
            )
        else:
            parts.append(t("funding.next_yuan_more", source=name, period=period, value=value))
    sentence = t("funding.clauses").join(parts) + t("funding.end") if parts else ""
    sentence = sentence or t("funding.worth_nothing")
    binding = _binding_debt_rooms(plan)
    if binding:
        rooms = t("funding.debt_binds", regions=t("list.separator").join(binding))
        sentence = sentences([sentence, rooms])
    return sentence


def _binding_debt_rooms(plan: Any) -> list[str]:
    debt = plan.debt
    if debt.empty:
        return []
    rooms = debt[debt["room"].notna()]
    room = rooms["room"].astype(float)
    tight = rooms["drawn"] >= room - 1e-7 * room.clip(lower=1)
    # a room of 0 that nothing wants is not news; one that holds a plan back is
    tight = rooms[tight & ((room > 0) | (rooms["dual"] > WORTH_NOTHING))]
    names = region_names(plan.scenario)
    return [names.get(r, r) for r in tight["region"]]
