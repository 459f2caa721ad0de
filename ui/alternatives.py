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

from . import state, views
from .heavy import heavy

RESULTS_KEY = "planner.alternatives"
SHOWN_PER_ROW = 3


def alternatives_section(scenario: Scenario, plan: Plan) -> None:
    st.markdown(
        "**Near-optimal alternatives**: every plan that keeps all the rules and reaches at least "
        "(1 − slack) × the optimum. The ranges show how much money each province could get among "
        "them; the alternatives are plans as different from the optimum and from each other as the "
        "slack allows."
    )
    left, right, _ = st.columns([1, 1, 2])
    slack = left.slider("slack (share of the optimum given up)", 0.0, 0.3, 0.05, 0.01)
    count = right.number_input("alternatives", min_value=1, max_value=10, value=3, step=1)
    key = (scenario.digest(), round(float(slack), 4), int(count))
    found = st.session_state.get(RESULTS_KEY, {}).get(key)
    if found is None and st.button("Find the alternatives", key="alternatives_button"):
        # in a worker process: a bar per stage, Cancel, one heavy run per session, the time limits
        found = heavy(
            "the alternatives",
            "alternatives",
            planner.alternatives,
            scenario,
            slack=float(slack),
            count=int(count),
        )
        st.session_state[RESULTS_KEY] = {key: found}  # keep one result: each holds plans
    if found is None:
        return
    if found.status != "optimal":
        st.error(f"No alternatives: the scenario is {found.status}.")
        return
    st.markdown(
        f"**Room per province** ({found.unit}, all periods): bar from least to most, ● optimal"
    )
    st.altair_chart(range_chart(found, views.labels(found.optimal)), width="stretch")
    _pairs_summary(found)
    _projects(found)
    _side_by_side(scenario, found)


def range_chart(found: Any, names: dict[str, str]) -> alt.LayerChart:
    data = found.ranges[found.ranges["sector"].isna()].copy()
    data["province"] = [names.get(r, r) for r in data["region"]]
    y = alt.Y("province:N", sort="-x", title=None)
    tooltip = ["province", "min", "max", "optimal"]
    bars = (
        alt.Chart(data)
        .mark_bar(color="#9ecae1", height=12)
        .encode(y=y, x=alt.X("min:Q", title=found.unit), x2="max:Q", tooltip=tooltip)
    )
    optimal = alt.Chart(data).mark_point(color="#08519c", filled=True, size=60)
    return bars + optimal.encode(y=y, x="optimal:Q", tooltip=tooltip)


def _pairs_summary(found: Any) -> None:
    def listed(pairs: list[tuple[str, str]]) -> str:
        return ", ".join(f"{r}/{s}" for r, s in pairs) or "none"

    st.caption(
        f"Funded in every plan shown: {len(found.always_funded)} pairs. Funded in none: "
        f"{listed(found.never_funded)}. Funded in some: {listed(found.moving)}."
    )


def _projects(found: Any) -> None:
    """Each candidate project's label and its best objective forced in and out (none without)."""
    if not len(found.projects):
        return
    st.markdown(f"**{found.PROJECTS_TITLE}**")
    st.dataframe(found.projects, hide_index=True)
    st.caption(
        f"Funded in every plan shown: {', '.join(found.always_funded_projects) or 'none'}. "
        f"In none: {', '.join(found.never_funded_projects) or 'none'}. "
        f"In some: {', '.join(found.moving_projects) or 'none'}."
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
    st.markdown(f"**{label}**")
    st.metric("objective", f"{row['objective']:,.4g}", f"{row['objective'] - found.optimum:+,.3g}")
    st.metric("benefit E", f"{plan.E:,.1f}")
    st.metric("least coverage", f"{plan.min_coverage:.1%}")
    st.caption(
        f"moves {row['distance_to_optimal']:.1%} of the budget from the optimum, "
        f"at least {row['least_distance_to_others']:.1%} from the others"
    )
    chart, _missing = views.tile_map(plan)
    if chart is not None:
        st.altair_chart(chart)
    if st.button(
        "Use this plan",
        key=f"use_{label}",
        help="Make it the current plan; the optimum becomes the baseline.",
    ):
        state.use_plan(scenario, plan, found.optimal)
        st.rerun()
