"""Groups of alternative projects in words: what a plan chose over what, and what a swap would cost.

A group binds when the plan funds as many of its projects as its ``max`` allows (projects.md,
constraint 8). For each alternative left out of such a group, the plan's scenario is re-solved once
with that alternative forced in (made mandatory), on one live model: the group's limit then pushes
out whichever chosen project is worth least, and the fall in E is the price of the swap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from planner.i18n.catalog import language, sentences, t, use_language
from planner.i18n.names import key_name, project_names
from planner.scenario.model import Scenario
from planner.solve.plan import Plan
from planner.solve.plan_model import PlanModel

GROUP_CHOICE_COLUMNS = [
    "group",
    "max",
    "chosen",
    "alternative",
    "E_if_swapped",
    "cost_in_E",
    "best",
    "words",
    "dropped",
]
"""``chosen``: the group's funded project ids, ``;``-separated; ``E_if_swapped``: E with
``alternative`` forced in (NaN when no feasible plan funds it); ``cost_in_E``: the plan's E minus
that (NaN likewise); ``best``: the cheapest swap of its group; ``words``: the row in the active
language (:func:`choice_words` words it again in another); ``dropped``: the funded project ids the
swap drops, ``;``-separated."""

DUALS_WITH_PROJECTS = "from the LP with the projects' starts fixed"
"""How shadow prices of a plan with projects are labelled (projects.md "Results")."""


def duals_note(plan: Plan) -> str:
    """`` (from the LP with the projects' starts fixed)`` for a plan with projects, else ``""``."""
    return f" ({DUALS_WITH_PROJECTS})" if len(plan.projects) else ""


@dataclass(frozen=True)
class FundedShare:
    """How many candidates a plan funds, and their cost against the budget over the horizon."""

    funded: int
    candidates: int
    cost: float  # unit: the funded projects' total cost (all of it falls inside the horizon)
    budget: float  # unit: the total budget
    share: float | None  # cost ÷ budget; None for a zero budget


def funded_share(plan: Plan) -> FundedShare:
    funded = plan.funded_projects
    cost = float(math.fsum(funded["cost"])) if len(funded) else 0.0
    budget = float(math.fsum(plan.budget["budget"])) if len(plan.budget) else 0.0
    return FundedShare(
        len(funded), len(plan.projects), cost, budget, cost / budget if budget else None
    )


def binding_groups(plan: Plan) -> dict[str, list[str]]:
    """Group → its funded project ids, for every group whose funded count reaches its max ≥ 1
    and that has an alternative left out."""
    scenario = plan.scenario
    if scenario is None or not plan.is_optimal or not len(plan.projects):
        return {}
    projects = plan.projects
    found = {}
    for group, limit in scenario.project_groups.items():
        members = projects[projects["group"] == group]
        chosen = members.loc[members["funded"], "id"].tolist()
        if limit.max >= 1 and len(chosen) >= limit.max and len(chosen) < len(members):
            found[group] = chosen
    return found


def group_choices(plan: Plan, live: PlanModel | None = None) -> pd.DataFrame:
    """One row per alternative left out of a binding group, with the swap's cost in E and in words.

    ``live``: the model that solved ``plan`` (re-solved in place, then put back on the plan's
    scenario and solved again so it holds the plan's solution); without it one model is built.

    Examples
    --------
    >>> import planner
    >>> plan = planner.solve("western_china")
    >>> planner.group_choices(plan).columns.tolist()[:4]
    ['group', 'max', 'chosen', 'alternative']
    """
    groups = binding_groups(plan)
    if not groups:
        return pd.DataFrame(columns=GROUP_CHOICE_COLUMNS)
    scenario = plan.scenario
    model = live if live is not None else PlanModel(scenario)
    rows = []
    try:
        for group, chosen in groups.items():
            members = plan.projects.loc[plan.projects["group"] == group, "id"].tolist()
            for alternative in (p for p in members if p not in chosen):
                model.update(_forced_in(scenario, alternative))
                swapped = model.solve()
                E = swapped.E if swapped.is_optimal and swapped.E is not None else math.nan
                kept = _funded_ids(swapped)
                dropped = [p for p in plan.funded_projects["id"] if p not in kept]
                rows.append((group, chosen, alternative, E, dropped))
    finally:
        model.update(scenario)
        if live is not None:
            live.solve()  # the caller's model holds the plan's solution (and basis) again
    return _table(plan, rows)


def _forced_in(scenario: Scenario, project_id: str) -> Scenario:
    projects = [
        p.model_copy(update={"mandatory": True}) if p.id == project_id else p
        for p in scenario.projects
    ]
    return scenario.model_copy(update={"projects": projects})


def _funded_ids(plan: Plan) -> set[str]:
    return set(plan.projects.loc[plan.projects["funded"], "id"]) if plan.is_optimal else set()


def _table(plan: Plan, rows: list[tuple]) -> pd.DataFrame:
    limits = plan.scenario.project_groups
    E = float(plan.E or 0.0)
    frame = pd.DataFrame(
        [
            {
                "group": group,
                "max": limits[group].max,
                "chosen": ";".join(chosen),
                "alternative": alternative,
                "E_if_swapped": swapped_E,
                "cost_in_E": E - swapped_E,
                "best": False,
                "words": "",
                "dropped": ";".join(dropped),
            }
            for group, chosen, alternative, swapped_E, dropped in rows
        ],
        columns=GROUP_CHOICE_COLUMNS,
    )
    frame["words"] = [choice_words(plan, row) for row in frame.to_dict("records")]
    for _group, members in frame.groupby("group", sort=False):
        costs = members["cost_in_E"].dropna()
        if len(costs):
            frame.loc[costs.idxmin(), "best"] = True
    return frame


def choice_words(plan: Plan, row: dict[str, Any], lang: str | None = None) -> str:
    """One row of :func:`group_choices` in words, in ``lang`` (default: the active language):
    what the group chose over the alternative, and what funding the alternative instead does to E.
    English names projects and groups as the scenario does, Chinese by their Chinese names."""
    with use_language(lang):
        names = project_names(plan.scenario)
        if language() == "en":  # as the plan's table names them
            names = dict(zip(plan.projects["id"], plan.projects["name"], strict=True))
        return _words(plan, row, names)


def _words(plan: Plan, row: dict[str, Any], names: dict[str, str]) -> str:
    def named(ids: list[str]) -> str:
        shown = [p if names.get(p, p) == p else t("choice.named", name=names[p], id=p) for p in ids]
        return t("choice.and").join(shown) or t("choice.nothing")

    chosen, alternative = _ids(row["chosen"]), str(row["alternative"])
    dropped, swapped_E, E = _ids(row["dropped"]), float(row["E_if_swapped"]), float(plan.E or 0.0)
    group = row["group"] if language() == "en" else key_name("group", row["group"])
    head = t(
        "choice.head",
        group=group,
        limit=row["max"],
        chosen=named(chosen),
        alternative=named([alternative]),
    )
    if math.isnan(swapped_E):
        nothing = t("choice.no_plan", alternative=names.get(alternative) or alternative)
        return sentences([head, nothing])
    cost = E - swapped_E
    out = [p for p in dropped if p in chosen]
    also = [p for p in dropped if p not in chosen]
    instead = t("choice.instead", out=named(out)) if out else ""
    if also:
        instead += t("choice.also", also=named(also))
    swap = t(
        "choice.swap_cost" if cost >= 0 else "choice.swap_gain",
        alternative=named([alternative]),
        instead=instead,
        cost=f"{abs(cost):,.2f}",
        swapped=f"{swapped_E:,.2f}",
        E=f"{E:,.2f}",
    )
    return sentences([head, swap])


def _ids(joined: Any) -> list[str]:
    return [p for p in str(joined or "").split(";") if p]
