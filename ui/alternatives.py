"""The Alternatives tab: how much room the plan has (a range per province), and plans almost as good.

Everything comes from :func:`planner.alternatives` (ranges over the plans within the slack of the
optimum, and alternatives found by iterative reweighting); the result is kept in the session per
scenario, slack and count, so it is computed once, when asked. "Use this plan" makes an alternative
the current plan, with the optimum pinned as the baseline to compare against.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

import planner
from planner import Plan, Scenario
from planner.i18n.catalog import t
from planner.i18n.names import project_names
from planner.i18n.units import shown

from . import display, state, views
from .heavy import heavy, start_button

RESULTS_KEY = "planner.alternatives"
SHOWN_PER_ROW = 3


def alternatives_section(scenario: Scenario, plan: Plan) -> None:
    st.markdown(t("ui.alt.intro"))
    left, right, _ = st.columns([1, 1, 2])
    slack = left.slider(t("ui.alt.slack"), 0.0, 0.3, 0.05, 0.01, help=t("ui.alt.slack_help"))
    count = right.number_input(
        t("ui.alt.count"), min_value=1, max_value=10, value=3, step=1, help=t("ui.alt.count_help")
    )
    key = (scenario.digest(), round(float(slack), 4), int(count))
    found = st.session_state.get(RESULTS_KEY, {}).get(key)
    place = None if found is not None else start_button(t("ui.alt.find"), "alternatives_button")
    if place is not None:
        # in a worker process: a bar per stage, Cancel, one heavy run per session, the time limits
        found = heavy(
            t("ui.alt.what"),
            "alternatives",
            planner.alternatives,
            scenario,
            slack=float(slack),
            count=int(count),
            place=place,
        )
        st.session_state[RESULTS_KEY] = {key: found}  # keep one result: each holds plans
    if found is None:
        return
    if found.status != "optimal":
        st.error(t("ui.alt.none", status=display.status(found.status)))
        return
    st.markdown(t("ui.alt.room", unit=shown(found.unit).unit))
    st.altair_chart(range_chart(found, views.labels(found.optimal)), width="stretch")
    _pairs_summary(found)
    _projects(found)
    _side_by_side(scenario, found)


def range_chart(found: Any, names: dict[str, str]) -> alt.LayerChart:
    """Each province's least and most money over the alternatives (bar), and the optimum's (dot),
    in the shown unit."""
    how = shown(found.unit)
    data = found.ranges[found.ranges["sector"].isna()].copy()
    data["province"] = [names.get(r, r) for r in data["region"]]
    data[["min", "max", "optimal"]] = data[["min", "max", "optimal"]] * how.factor
    y = alt.Y("province:N", sort="-x", title=None)
    tooltip = [alt.Tooltip("province:N", title=t("ui.chart.province"))] + [
        alt.Tooltip(f"{c}:Q", format=",.1f", title=t(f"ui.alt.range.{c}", unit=how.unit))
        for c in ("min", "max", "optimal")
    ]
    bars = (
        alt.Chart(data)
        .mark_bar(color="#9ecae1", height=12)
        .encode(y=y, x=alt.X("min:Q", title=how.unit), x2="max:Q", tooltip=tooltip)
    )
    optimal = alt.Chart(data).mark_point(color="#08519c", filled=True, size=60)
    return bars + optimal.encode(y=y, x="optimal:Q", tooltip=tooltip)


def _pairs_summary(found: Any) -> None:
    def listed(pairs: list[tuple[str, str]]) -> str:
        named = [display.pair(r, s, found.optimal) for r, s in pairs]
        return t("list.separator").join(named) or t("report.none")

    st.caption(
        t(
            "ui.alt.pairs",
            always=len(found.always_funded),
            never=listed(found.never_funded),
            some=listed(found.moving),
        )
    )


def _projects(found: Any) -> None:
    """Each candidate project's label and its best objective forced in and out (none without)."""
    if not len(found.projects):
        return
    st.markdown(f"**{t('ui.alt.projects_title')}**")
    names = project_names(found.optimal.scenario) if found.optimal.scenario is not None else {}
    table = found.projects.assign(
        name=[
            names.get(i, n)
            for i, n in zip(found.projects["id"], found.projects["name"], strict=True)
        ],
        label=[
            t(f"ui.alt.label.{v}") if isinstance(v, str) else v for v in found.projects["label"]
        ],
        # "—" where no plan exists that way (a committed project cannot be forced out)
        **{
            c: [_objective(v) for v in found.projects[c]] for c in ("objective_in", "objective_out")
        },
    )
    display.show(
        table,
        found.optimal,
        found.unit,
        overrides={"name": t("column.project")},
        hidden=("id",),
    )

    def listed(ids: list[str]) -> str:
        return t("list.separator").join(names.get(i, i) for i in ids) or t("report.none")

    st.caption(
        t(
            "ui.alt.projects",
            always=listed(found.always_funded_projects),
            never=listed(found.never_funded_projects),
            some=listed(found.moving_projects),
        )
    )


def _side_by_side(scenario: Scenario, found: Any) -> None:
    summary = found.summary().set_index("label")
    plans = list(zip(found.labels, found.plans, strict=True))
    for start in range(0, len(plans), SHOWN_PER_ROW):
        columns = st.columns(SHOWN_PER_ROW)
        for column, (label, plan) in zip(
            columns, plans[start : start + SHOWN_PER_ROW], strict=False
        ):
            with column:
                _card(scenario, found, label, plan, summary.loc[label])


def _card(scenario: Scenario, found: Any, label: str, plan: Plan, row: pd.Series) -> None:
    st.markdown(f"**{alternative_name(label)}**")
    st.metric(
        t("ui.col.objective"),
        f"{row['objective']:,.4g}",
        display.signed(row["objective"] - found.optimum, 2).replace(display.MINUS, "-"),
    )
    st.metric(t("ui.col.E"), f"{plan.E:,.1f}")
    st.metric(t("ui.col.min_coverage"), f"{plan.min_coverage:.1%}")
    st.caption(
        t(
            "ui.alt.distance",
            moved=f"{row['distance_to_optimal']:.1%}",
            apart=f"{row['least_distance_to_others']:.1%}",
        )
    )
    chart, _missing = views.tile_map(plan, small=True)
    if chart is not None:
        st.altair_chart(chart)
        st.caption(t("ui.alt.map_hint"))
    if st.button(t("ui.alt.use"), key=f"use_{label}", help=t("ui.alt.use_help")):
        state.use_plan(scenario, plan, found.optimal)
        st.rerun()


def _objective(value: Any) -> str:
    return "—" if value is None or value != value else f"{value:,.1f}"


def alternative_name(label: str) -> str:
    """``alternative 2`` (planner's label) in the page's language: ``备选方案 2``."""
    head, _, number = label.rpartition(" ")
    return t("ui.alt.name", number=number) if head == "alternative" and number.isdigit() else label
