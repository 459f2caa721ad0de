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
from planner.i18n.catalog import t

from . import display
from .language import worded

RESULTS_KEY = "planner.attribution"
METRICS = ("E", "min_coverage", "objective")
"""The metrics the waterfall can show, each worded by the catalog's ``ui.col.<metric>``."""


def waterfall_frame(result: planner.Attribution, metric: str) -> pd.DataFrame:
    """The waterfall's bars: baseline, each group's value (from where the last one ended), now."""
    start = result.a[metric] or 0.0
    rows = [(t("ui.col.a"), 0.0, start, start, "level")]
    level = start
    for group in result.groups:
        step = float(result.values.loc[group, metric])
        rows.append((result.words_in().get(group, group), level, level + step, step, _way(step)))
        level += step
    end = result.b[metric] or 0.0
    rows.append((t("ui.col.b"), 0.0, end, end, "level"))
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
            tooltip=[
                alt.Tooltip("step:N", title=t("ui.attr.step")),
                alt.Tooltip("change:Q", format="+,.3f", title=t("ui.col.delta")),
                alt.Tooltip("end:Q", format=",.3f", title=t("ui.attr.level")),
            ],
        )
        .properties(height=320)
    )


def attribution_section(baseline: Plan | None, plan: Plan) -> None:
    """Below the comparison: which change of inputs moved the plan, and by how much."""
    if baseline is None or baseline.scenario is None or plan.scenario is None:
        return
    st.divider()
    st.markdown(t("ui.attr.title"))
    key = (baseline.scenario_digest, plan.scenario_digest)
    result = st.session_state.get(RESULTS_KEY, {}).get(key)
    if result is None:
        if not st.button(t("ui.attr.button"), key="attribute", help=t("ui.attr.help")):
            return
        result = _attribute(baseline, plan)
        if result is None:
            return
        st.session_state[RESULTS_KEY] = {key: result}  # keep only the latest pair
    show(result)


def _attribute(baseline: Plan, plan: Plan) -> planner.Attribution | None:
    try:
        with st.spinner(t("ui.attr.solving")):
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
        t("ui.attr.metric"),
        list(result.metrics),
        format_func=worded("ui.col"),  # every metric of METRICS has its ui.col.<metric>
        horizontal=True,
        key="attribution_metric",
    )
    st.altair_chart(
        waterfall_chart(waterfall_frame(result, metric), _label(metric)), width="stretch"
    )
    method = t(f"ui.attr.method.{result.method}")
    st.caption(t("ui.attr.caption", method=method, solves=result.solves))
    table: Any = result.table()
    table.insert(1, "change", [result.words_in().get(g, g) for g in table["group"]])
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={c: attribution_header(c) for c in table.columns},
    )


def _label(metric: str) -> str:
    return t(f"ui.col.{metric}") if metric in METRICS else metric


def attribution_header(column: str) -> str:
    """``E_alone`` → ``benefit E alone``: the metric's words and the part of its change."""
    for part in ("alone", "interaction"):
        metric = column.removesuffix(f"_{part}")
        if metric != column:
            return t(f"ui.attr.{part}", metric=_label(metric))
    if column in ("change", "group"):
        return t(f"ui.attr.{'inputs' if column == 'change' else 'group'}")
    return _label(column) if column in METRICS else display.header(column)
