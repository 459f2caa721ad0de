"""The What matters tab: the criteria a scenario scores its pairs on (criteria.md), weighed by the planner.

One slider per criterion sets its weight. The weights are applied to the scenario *before* it is solved
(:func:`apply`, reading what the sliders held at the end of the last run, as the Projects tab's edits
are), so the plan re-solves through the session's live model exactly as a sidebar change does: a weight
moves only objective coefficients, so the model re-solves in place and never rebuilds. The tab then shows
the programme's E split by criterion, the benefit's parts per province, and the weight sweep ("at which
weight of ecology does Qinghai's water get funded?") through :func:`planner.weight_frontier`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

import planner
from planner import Plan, Scenario
from planner.analysis.frontier import budget_levels
from planner.i18n.catalog import t
from planner.i18n.names import criterion_names, region_names, sector_name
from planner.i18n.units import money, shown

from . import access, heavy

SLIDER_PREFIX = "criteria_weight_"
BASE_KEY = "planner.criteria.base"
SWEEPS_KEY = "planner.criteria.sweeps"
ALL_SECTORS = ""
"""The parts chart's sector choice meaning every sector (need-weighted mean per province)."""
SLIDER_STEP = 0.05
SLIDER_TOP = 3.0
"""Sliders reach at least this weight (the CLI's example sweep goes 0..3), or twice the largest one."""
SWEEP_STEPS = 12
"""Default number of steps of the weight sweep, from 0 to the sliders' top."""
PROJECTS_ROW = "__projects__"
"""The E chart's row for the candidate projects' values, which criteria do not derive (criteria.md)."""
FULL = 1e-6  # relative shortfall under which a pair counts as funded to its whole need


WHOLE_LABEL_PX = 400
"""Room for a bar's label: "candidate projects' value" was cut at Vega-Lite's 180 px default."""


def slider_key(criterion: str) -> str:
    return f"{SLIDER_PREFIX}{criterion}"


def slider_top(base: Scenario) -> float:
    """Where every slider of ``base`` ends: 3, or twice the largest weight the scenario gives."""
    largest = max((c.weight for c in (base.criteria or {}).values()), default=0.0)
    return max(SLIDER_TOP, math.ceil(2 * largest))


# ---- the weights into the scenario (before the solve) ----


def apply(scenario: Scenario, base: Scenario, session: Any = None) -> Scenario:
    """The scenario to solve: ``scenario`` with the sliders' weights (those of the last run).

    The sliders belong to ``base`` (the scenario the page started from): when another one is picked
    their values are forgotten, so they start from its own weights.
    """
    session = st.session_state if session is None else session
    remember(base, session)
    return weighed(scenario, chosen_weights(scenario, session))


def remember(base: Scenario, session: Any = None) -> None:
    """Make ``base`` the sliders' scenario, forgetting the values they held for another one."""
    session = st.session_state if session is None else session
    remembered: Scenario | None = session.get(BASE_KEY)
    if remembered is None or remembered.digest() != base.digest():
        for key in [k for k in session if str(k).startswith(SLIDER_PREFIX)]:
            del session[key]
        session[BASE_KEY] = base


def chosen_weights(scenario: Scenario, session: Any) -> dict[str, float]:
    """The weight each slider holds, for the criteria of ``scenario`` that have a slider."""
    return {
        key: float(session[slider_key(key)])
        for key in scenario.criteria or {}
        if slider_key(key) in session
    }


def weighed(scenario: Scenario, weights: dict[str, float]) -> Scenario:
    """``scenario`` with these criteria weights (itself when none changes, so nothing re-solves)."""
    criteria = scenario.criteria or {}
    changed = {k: w for k, w in weights.items() if k in criteria and w != criteria[k].weight}
    return scenario.with_changes(criteria=changed) if changed else scenario


# ---- what the tab shows (pure: tested directly) ----


def e_by_criterion(plan: Plan) -> pd.DataFrame:
    """``criterion, name, weight, E``: each criterion's part of the plan's benefit E, and (with
    candidate projects) a row for the projects' values, so the rows add up to E."""
    names = criterion_names(plan.scenario)
    table = plan.criteria[["criterion", "weight", "E"]].copy()
    table.insert(1, "name", [names[k] for k in table["criterion"]])
    if plan.scenario.projects and plan.E is not None:
        rest = plan.E - math.fsum(table["E"])
        projects = {"criterion": PROJECTS_ROW, "name": t("ui.criteria.projects_part"), "E": rest}
        table = pd.concat([table, pd.DataFrame([projects])], ignore_index=True)
    return table


def parts_by_province(plan: Plan, sector: str = ALL_SECTORS) -> pd.DataFrame:
    """``region, province, criterion, name, part``: each criterion's part of the benefit per unit of
    money, per province, for ``sector``, or for all sectors as their mean weighted by need."""
    scenario = plan.scenario
    keys = list(scenario.criteria or {})
    benefits = plan.benefits
    if sector != ALL_SECTORS:
        rows = benefits[benefits["sector"] == sector].set_index("region")[keys]
    else:
        need = {(n.region, n.sector): n.need for n in scenario.needs}
        pairs = zip(benefits["region"], benefits["sector"], strict=True)
        weights = np.array([need[pair] for pair in pairs])
        weighted = benefits[keys].mul(weights, axis=0).assign(_need=weights)
        sums = weighted.groupby(benefits["region"], sort=False).sum()
        sums = sums[sums["_need"] > 0]
        rows = sums[keys].div(sums["_need"], axis=0)
    provinces, names = region_names(scenario), criterion_names(scenario)
    order = [r.id for r in scenario.regions if r.id in rows.index]
    tidy = rows.loc[order].rename_axis("region").reset_index()
    tidy = tidy.melt(id_vars="region", var_name="criterion", value_name="part")
    tidy.insert(1, "province", tidy["region"].map(provinces))
    tidy.insert(3, "name", tidy["criterion"].map(names))
    return tidy


@dataclass(frozen=True)
class Sweep:
    """One weight sweep of a criterion: the frontier's table and each pair's funding per weight."""

    criterion: str
    table: pd.DataFrame
    funding: pd.DataFrame
    first_funded: dict[str, float]


def as_sweep(criterion: str, frame: pd.DataFrame) -> Sweep:
    """A weight frontier's table as the tab keeps it (the funding and first weights taken out)."""
    funding, first = frame.attrs["funding"], dict(frame.attrs["first_funded"])
    table = frame.copy()
    table.attrs = {}
    return Sweep(criterion, table, funding, first)


def pair_funding(found: Sweep, region: str, sector: str) -> pd.DataFrame:
    """``weight, amount``: the pair's money over the horizon (unit) at each weight with a plan."""
    funding = found.funding
    mine = funding[(funding["region"] == region) & (funding["sector"] == sector)]
    solved = found.table.loc[found.table["status"] == "optimal", ["weight"]]
    return solved.merge(mine[["weight", "amount"]], on="weight", how="left").fillna({"amount": 0.0})


def sweep_answer(found: Sweep, scenario: Scenario, region: str, sector: str) -> str:
    """The sweep's answer in words: from which weight the pair gets money, and its whole need."""
    names = criterion_names(scenario)
    pair = t(
        "ui.criteria.pair",
        province=region_names(scenario)[region],
        sector=sector_name(sector),
    )
    said = {"pair": pair, "criterion": names[found.criterion]}
    funding = pair_funding(found, region, sector)
    first = found.first_funded.get(f"{region}/{sector}")
    if first is None or funding.empty:
        return t("ui.criteria.sweep_never", **said)
    lowest, highest = float(funding["weight"].min()), float(funding["weight"].max())
    if first <= lowest:
        words = t("ui.criteria.sweep_always", low=f"{lowest:g}", high=f"{highest:g}", **said)
    else:
        words = t("ui.criteria.sweep_from", weight=f"{first:g}", **said)
    need = scenario.need_table().get((region, sector))
    if need is not None and need.need > 0:
        full = funding[funding["amount"] >= need.need * (1 - FULL)]
        if len(full):
            words += " " + t("ui.criteria.sweep_full", weight=f"{full['weight'].iloc[0]:g}")
    return words


# ---- the tab ----


def tab(scenario: Scenario, plan: Plan) -> None:
    """The What matters tab of the page's plan; one line when the scenario has no criteria."""
    if not scenario.criteria:
        st.info(t("ui.criteria.none"))
        return
    sliders(scenario)
    st.divider()
    left, right = st.columns(2)
    with left:
        e_section(plan)
    with right:
        parts_section(plan)
    st.divider()
    sweep_section(scenario, plan)


def sliders(scenario: Scenario | None = None) -> None:
    """One slider per criterion of the page's starting scenario, and a button back to its weights."""
    base: Scenario | None = st.session_state.get(BASE_KEY)
    if base is None or not base.criteria:
        return
    st.markdown(t("ui.criteria.sliders_title"))
    names, top = criterion_names(base), slider_top(base)
    editable = access.may("edit")
    columns = st.columns(min(len(base.criteria), 4))
    for i, (key, criterion) in enumerate(base.criteria.items()):
        columns[i % len(columns)].slider(
            names[key],
            min_value=0.0,
            max_value=float(top),
            value=float(criterion.weight),
            step=SLIDER_STEP,
            key=slider_key(key),
            disabled=not editable,
            help=t("ui.criteria.slider_help", weight=f"{criterion.weight:g}"),
        )
    moved = scenario is not None and scenario.criteria != base.criteria
    if moved and st.button(t("ui.criteria.reset"), key="criteria_reset"):
        for key in base.criteria:
            st.session_state.pop(slider_key(key), None)
        st.rerun()


def e_section(plan: Plan) -> None:
    table = e_by_criterion(plan)
    st.markdown(t("ui.criteria.e_title"))
    chart = bars(
        table,
        alt.X("E:Q", title=t("ui.criteria.e_axis")),
        alt.Y("name:N", sort=None, title=None, axis=alt.Axis(labelLimit=WHOLE_LABEL_PX)),
        alt.Color("name:N", legend=None, sort=None),
        [
            alt.Tooltip("name:N", title=t("ui.criteria.col.criterion")),
            alt.Tooltip("E:Q", format=",.1f", title=t("ui.criteria.e_axis")),
        ],
    )
    st.altair_chart(chart, width="stretch")
    st.dataframe(
        # the projects' row has no weight: an empty cell, not "None"
        table.drop(columns="criterion").assign(
            weight=[f"{w:.2f}" if w == w else "" for w in table["weight"]]
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "name": t("ui.criteria.col.criterion"),
            "weight": st.column_config.TextColumn(t("ui.criteria.col.weight")),
            "E": st.column_config.NumberColumn(t("ui.criteria.e_axis"), format="%.1f"),
        },
    )
    total = math.fsum(table["E"])
    st.caption(t("ui.criteria.e_sum", total=f"{total:,.1f}", E=f"{plan.E or 0.0:,.1f}"))


def bars(data: pd.DataFrame, x: alt.X, y: alt.Y, color: alt.Color, tooltip: list[Any]) -> alt.Chart:
    """Horizontal bars, one row per ``y`` (stacked by ``color`` when a row has several)."""
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(x=x, y=y, color=color, tooltip=tooltip)
        .properties(height=alt.Step(24))
    )


def sector_words(scenario: Scenario) -> dict[str, str]:
    """Each sector's name in the page's language."""
    return {s: sector_name(s) for s in scenario.sectors}


def parts_section(plan: Plan) -> None:
    scenario = plan.scenario
    st.markdown(t("ui.criteria.parts_title"))
    # worded once here: a format function is also called outside this page's language
    words = {ALL_SECTORS: t("ui.criteria.all_sectors")} | sector_words(scenario)
    sector = st.selectbox(
        t("ui.criteria.sector"),
        [ALL_SECTORS, *scenario.sectors],
        format_func=words.__getitem__,
        key="criteria_parts_sector",
    )
    data = parts_by_province(plan, sector)
    provinces = list(dict.fromkeys(data["province"]))
    chart = bars(
        data,
        alt.X("sum(part):Q", title=t("ui.criteria.parts_axis")),
        alt.Y("province:N", sort=provinces, title=None),
        alt.Color("name:N", title=t("ui.criteria.col.criterion"), sort=None),
        [
            alt.Tooltip("province:N", title=t("ui.criteria.col.province")),
            alt.Tooltip("name:N", title=t("ui.criteria.col.criterion")),
            alt.Tooltip("part:Q", format=".3f", title=t("ui.criteria.parts_axis")),
        ],
    )
    st.altair_chart(chart, width="stretch")
    wide = data.pivot_table(index="province", columns="name", values="part", sort=False)
    wide[t("ui.criteria.col.benefit")] = wide.sum(axis=1)
    wide.index.name = t("ui.criteria.col.province")  # the header read "province" in Chinese too
    st.dataframe(
        wide.reindex(provinces),
        width="stretch",
        column_config={c: st.column_config.NumberColumn(format="%.3f") for c in wide.columns},
    )
    if sector == ALL_SECTORS:
        st.caption(t("ui.criteria.parts_all_note"))


def sweep_section(scenario: Scenario, plan: Plan) -> None:
    """The weight sweep: a pair's funding against one criterion's weight, computed when asked."""
    st.markdown(t("ui.criteria.sweep_title"))
    names, provinces = criterion_names(scenario), region_names(scenario)
    base: Scenario = st.session_state.get(BASE_KEY) or scenario
    first, second, third = st.columns(3)
    criterion = first.selectbox(
        t("ui.criteria.col.criterion"),
        list(names),
        format_func=names.__getitem__,
        key="criteria_sweep_criterion",
    )
    region = second.selectbox(
        t("ui.criteria.col.province"),
        [r.id for r in scenario.regions],
        format_func=provinces.__getitem__,
        key="criteria_sweep_region",
    )
    sector = third.selectbox(
        t("ui.criteria.sector"),
        list(scenario.sectors),
        format_func=sector_words(scenario).__getitem__,
        key="criteria_sweep_sector",
    )
    top = slider_top(base)
    levels_text = st.text_input(
        t("ui.criteria.sweep_weights"),
        value=f"0:{top:g}:{top / SWEEP_STEPS:g}",
        key="criteria_sweep_levels",
        help=t("ui.criteria.sweep_weights_help"),
    )
    try:
        levels = budget_levels(levels_text)
    except ValueError as err:
        st.error(t("ui.criteria.sweep_bad_weights", problem=str(err)))
        return
    memo_key = (scenario.digest(), criterion, tuple(levels))
    found: Sweep | None = st.session_state.get(SWEEPS_KEY, {}).get(memo_key)
    asked = st.button(
        t("ui.criteria.sweep_button", count=len(levels)),
        key="criteria_sweep_button",
        disabled=found is not None,
    )
    if found is None and asked:
        found = heavy.heavy(
            t("ui.criteria.sweep_what", criterion=names[criterion]),
            "criteria_sweep",
            planner.weight_frontier,  # in a worker process; the table is read here
            scenario,
            criterion,
            levels,
        )
        found = as_sweep(criterion, found)
        st.session_state[SWEEPS_KEY] = {memo_key: found}  # one sweep kept: it is the one drawn
    if found is None:
        return
    st.markdown(sweep_answer(found, scenario, region, sector))
    current = scenario.criteria[criterion].weight if scenario.criteria else 0.0
    st.altair_chart(sweep_chart(found, scenario, region, sector, current), width="stretch")


def sweep_chart(
    found: Sweep, scenario: Scenario, region: str, sector: str, current: float
) -> alt.LayerChart:
    """The pair's funding (shown unit) against the weight; its need dashed, the current weight grey."""
    how = shown(scenario.unit)
    data = pair_funding(found, region, sector).assign(
        shown=lambda f: f["amount"] * how.factor,
        words=lambda f: [money(a, scenario.unit) for a in f["amount"]],
    )
    axis = t("ui.criteria.sweep_axis", unit=how.unit)
    x = alt.X("weight:Q", title=t("ui.criteria.col.weight"))
    line = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y("shown:Q", title=axis),
            tooltip=[
                alt.Tooltip("weight:Q", title=t("ui.criteria.col.weight")),
                alt.Tooltip("words:N", title=axis),
            ],
        )
    )
    layers = [line]
    need = scenario.need_table().get((region, sector))
    if need is not None:
        layers.append(
            alt.Chart(pd.DataFrame({"need": [need.need * how.factor]}))
            .mark_rule(strokeDash=[4, 3], color="#f58518")
            .encode(y="need:Q", tooltip=[alt.Tooltip("need:Q", title=t("column.need"))])
        )
    layers.append(
        alt.Chart(pd.DataFrame({"weight": [current]})).mark_rule(color="grey").encode(x="weight:Q")
    )
    return alt.layer(*layers).properties(height=300)
