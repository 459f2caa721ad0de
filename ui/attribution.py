"""Why the plan differs from the pinned baseline: ``planner.attribute`` as words, a waterfall chart
(baseline → one bar per group of changes → now) and the table, computed on demand and kept per pair
of scenario digests."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

import planner
from planner import Plan
from planner.analysis.attribution import EndpointNotOptimal

RESULTS_KEY = "planner.attribution"
METRIC_LABELS = {"E": "benefit E", "min_coverage": "least coverage", "objective": "objective"}


def waterfall_frame(result: planner.Attribution, metric: str) -> pd.DataFrame:
    """The waterfall's bars: baseline, each group's value (from where the last one ended), now."""
    start = result.a[metric] or 0.0
    rows = [("baseline", 0.0, start, start, "level")]
    level = start
    for group in result.groups:
        step = float(result.values.loc[group, metric])
        rows.append((result.words.get(group, group), level, level + step, step, _way(step)))
        level += step
    end = result.b[metric] or 0.0
    rows.append(("now", 0.0, end, end, "level"))
    return pd.DataFrame(rows, columns=["step", "start", "end", "change", "kind"])


def _way(step: float) -> str:
    return "up" if step >= 0 else "down"


def waterfall_chart(frame: pd.DataFrame, title: str) -> alt.Chart:
    low = float(min(frame["start"].min(), frame["end"].min()))
    high = float(max(frame["start"].max(), frame["end"].max()))
    margin = 0.05 * max(high - low, 1e-9)
    # the axis starts near the lowest level, not at 0, so small steps on a large total stay visible
    floor = max(0.0, low - margin) if low >= 0 else low - margin
    shown = frame.assign(start=frame["start"].where(frame["kind"] != "level", floor))
    colors = alt.Scale(domain=["level", "up", "down"], range=["#4c78a8", "#54a24b", "#e45756"])
    return (
        alt.Chart(shown)
        .mark_bar()
        .encode(
            x=alt.X("step:N", sort=list(frame["step"]), title=None, axis=alt.Axis(labelAngle=-30)),
            y=alt.Y("start:Q", title=title, scale=alt.Scale(domain=[floor, high + margin])),
            y2="end:Q",
            color=alt.Color("kind:N", scale=colors, legend=None),
            tooltip=["step", alt.Tooltip("change:Q", format="+,.3f"), "end"],
        )
        .properties(height=320)
    )


def attribution_section(baseline: Plan | None, plan: Plan) -> None:
    """Below the comparison: which change of inputs moved the plan, and by how much."""
    if baseline is None or baseline.scenario is None or plan.scenario is None:
        return
    st.divider()
    st.markdown("**Why the plan changed**: the change split among the inputs that differ")
    key = (baseline.scenario_digest, plan.scenario_digest)
    result = st.session_state.get(RESULTS_KEY, {}).get(key)
    if result is None:
        if not st.button("Attribute the change", key="attribute", help=_HELP):
            return
        result = _attribute(baseline, plan)
        if result is None:
            return
        st.session_state[RESULTS_KEY] = {key: result}  # keep only the latest pair
    show(result)


_HELP = (
    "Shapley values: each changed input's effect averaged over every order in which the changes "
    "could be made; they add up to the whole change (docs/analysis.md)."
)


def _attribute(baseline: Plan, plan: Plan) -> planner.Attribution | None:
    try:
        with st.spinner("Re-solving every combination of the changes…"):
            return planner.attribute(baseline.scenario, plan.scenario)
    except planner.ScenarioError as err:
        for problem in err.problems:
            st.warning(problem.message)
    except EndpointNotOptimal as err:
        st.warning(str(err))
    return None


def show(result: planner.Attribution) -> None:
    st.write(result.summary())
    if not result.groups:
        return
    metric = st.radio(
        "Metric",
        list(result.metrics),
        format_func=_label,
        horizontal=True,
        key="attribution_metric",
    )
    st.altair_chart(
        waterfall_chart(waterfall_frame(result, metric), _label(metric)), width="stretch"
    )
    st.caption(f"{result.method} Shapley values from {result.solves} solves of one live model.")
    table: Any = result.table()
    table.insert(1, "change", [result.words.get(g, g) for g in table["group"]])
    st.dataframe(table, hide_index=True, width="stretch")


def _label(metric: str) -> str:
    return METRIC_LABELS.get(metric, metric)
