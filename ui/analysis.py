"""The page's analysis sections: infeasibility diagnosis, shadow prices in words, budget frontier,
equity–efficiency Pareto frontier, and the comparison with a pinned baseline.

All numbers come from planner's analysis API (``planner.diagnose/explain/frontier/pareto/compare``);
results that cost several solves are kept in the session per scenario digest, so they are computed
once, on demand, and not again on the next rerun.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

import planner
from planner import Plan, PlanModel, Scenario
from planner.i18n.catalog import language, t
from planner.i18n.units import shown

from . import downloads, heavy

RESULTS_KEY = "planner.analysis"
PARETO_COLUMNS = {
    "epsilon": st.column_config.NumberColumn("required least coverage", format="percent"),
    "E": st.column_config.NumberColumn("benefit E", format="%.1f"),
    "min_coverage": st.column_config.NumberColumn("least coverage", format="percent"),
    "balanced": st.column_config.CheckboxColumn("balanced plan (λ)"),
}
DELTA_COLUMNS = {
    "a": st.column_config.NumberColumn("baseline", format="%.3f"),
    "b": st.column_config.NumberColumn("now", format="%.3f"),
    "delta": st.column_config.NumberColumn("change", format="%+.3f"),
}
FRONTIER_POINTS = 11
PARETO_POINTS = 9


def _memo(kind: str, digest: str) -> Any:
    return st.session_state.get(RESULTS_KEY, {}).get((kind, digest))


def _remember(kind: str, digest: str, value: Any) -> Any:
    if isinstance(value, pd.DataFrame):
        value = value.copy()
        value.attrs = {}  # pareto keeps its Plans there; the page needs only the table
    st.session_state.setdefault(RESULTS_KEY, {})[(kind, digest)] = value
    return value


# ---- infeasibility ----


def diagnosis_section(scenario: Scenario, plan: Plan) -> None:
    """Why no plan exists, what the smallest change that fixes it is, and that fixed scenario."""
    diagnosis = plan.diagnosis
    st.error(t("ui.no_plan", status=t(f"status.{plan.status.replace(' ', '_')}")))
    if diagnosis is None:
        if plan.message:
            st.error(plan.message)
        return
    st.markdown(f"**{t('sheet.diagnosis')}**")
    for line in diagnosis.lines:
        st.markdown(f"- {line}")
    relaxations = diagnosis.relaxations
    if len(relaxations):
        st.markdown(t("ui.smallest_change", unit=diagnosis.unit))
        st.dataframe(relaxations, hide_index=True, width="stretch")
        relaxed = diagnosis.apply(scenario)
        st.download_button(
            "Relaxed scenario (YAML)",
            lambda: downloads.scenario_yaml(relaxed),
            file_name=f"{downloads.file_stem(scenario)}-relaxed.yaml",
            mime="application/x-yaml",
            key="download_relaxed",
            on_click="ignore",
            help="The scenario with the proposed changes applied: it has a feasible plan.",
        )


# ---- shadow prices ----


def explained(plan: Plan, live: PlanModel | None) -> pd.DataFrame:
    """:func:`planner.explain` of the plan, once per plan (it reads HiGHS ranging off the live model)."""
    key = f"{plan.scenario_digest}:{language()}:{shown(plan.unit).unit}"  # words per language
    found = _memo("explain", key)
    if found is None:
        found = _remember("explain", key, planner.explain(plan, live))
    return found


def constraints_section(plan: Plan, live: PlanModel | None) -> None:
    table = explained(plan, live)
    st.markdown(t("ui.binding_intro", mode=t(f"mode.{plan.mode}"), unit=plan.unit))
    if table.empty:
        st.info(t("ui.no_binding"))
        return
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_order=["meaning", "dual", "name", "rhs", "rhs_low", "rhs_high"],
        column_config={
            "meaning": st.column_config.TextColumn(t("ui.col.meaning"), width="large"),
            "dual": st.column_config.NumberColumn(t("ui.col.dual"), format="%.4f"),
            "name": t("ui.col.constraint"),
            "rhs": st.column_config.NumberColumn(t("ui.col.limit"), format="%.2f"),
            "rhs_low": st.column_config.NumberColumn(t("ui.col.holds_from"), format="%.2f"),
            "rhs_high": st.column_config.NumberColumn(t("ui.col.holds_to"), format="%.2f"),
        },
    )


# ---- frontiers ----


def frontier_section(scenario: Scenario, plan: Plan) -> None:
    """Benefit E and least coverage against the total budget, computed when asked."""
    total = scenario.total_budget()
    st.markdown(
        f"**Budget frontier**: the plan re-solved at {FRONTIER_POINTS} total budgets from half to "
        f"one and a half times the current {total:,.0f} {plan.unit} (period split kept)."
    )
    result = _memo("frontier", scenario.digest())
    if result is None and st.button("Compute the budget frontier", key="frontier_button"):
        levels = np.linspace(0.5 * total, 1.5 * total, FRONTIER_POINTS).tolist()
        found = heavy.heavy("the budget frontier", "frontier", planner.frontier, scenario, levels)
        result = _remember("frontier", scenario.digest(), found)
    if result is None:
        return
    st.altair_chart(frontier_chart(result, total, plan.unit), width="stretch")
    shown = result[["budget", "status", "E", "min_coverage", "newly_funded"]]
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config={
            "budget": st.column_config.NumberColumn(f"budget ({plan.unit})", format="%.0f"),
            "E": st.column_config.NumberColumn("benefit E", format="%.1f"),
            "min_coverage": st.column_config.NumberColumn("least coverage", format="percent"),
            "newly_funded": st.column_config.TextColumn("first funded here (province/sector)"),
        },
    )


def frontier_chart(frame: pd.DataFrame, current: float, unit: str) -> alt.LayerChart:
    data = frame[frame["status"] == "optimal"]
    x = alt.X("budget:Q", title=f"total budget ({unit})")
    benefit = (
        alt.Chart(data)
        .mark_line(point=True, color="#4c78a8")
        .encode(x=x, y=alt.Y("E:Q", title="benefit E"), tooltip=["budget", "E", "min_coverage"])
    )
    coverage = (
        alt.Chart(data)
        .mark_line(point=True, color="#f58518", strokeDash=[4, 3])
        .encode(
            x=x, y=alt.Y("min_coverage:Q", title="min coverage (dashed)", axis=alt.Axis(format="%"))
        )
    )
    now = (
        alt.Chart(pd.DataFrame({"budget": [current]})).mark_rule(color="grey").encode(x="budget:Q")
    )
    return alt.layer(benefit, coverage, now).resolve_scale(y="independent").properties(height=320)


def pareto_section(scenario: Scenario, plan: Plan) -> None:
    """The equity–efficiency trade-off: E against least coverage, computed when asked."""
    st.markdown(
        f"**Equity–efficiency frontier**: {PARETO_POINTS} plans that each give the most benefit E "
        "for a required least coverage; the balanced plan (the equity weight λ) is marked."
    )
    result = _memo("pareto", scenario.digest())
    if result is None and st.button("Compute the Pareto frontier", key="pareto_button"):
        found = heavy.heavy(
            "the Pareto frontier", "pareto", planner.pareto, scenario, PARETO_POINTS
        )
        result = _remember("pareto", scenario.digest(), found)
    if result is None:
        return
    data = result[result["status"] == "optimal"].assign(
        plan=lambda f: np.where(f["balanced"], "balanced (λ)", "frontier")
    )
    if data.empty:
        st.warning(
            "No point of the frontier has a plan: " + ", ".join(sorted(set(result["status"])))
        )
        return
    if (
        np.ptp(data["E"]) <= 1e-6 * max(1.0, abs(data["E"].max()))
        and np.ptp(data["min_coverage"]) <= 1e-6
    ):
        st.info(
            f"Efficiency and equity do not conflict here: every point of the frontier has benefit E "
            f"{data['E'].iloc[0]:,.1f} and least coverage {data['min_coverage'].iloc[0]:.1%}; "
            "the most efficient plan is also the most equitable."
        )
        st.dataframe(result, hide_index=True, width="stretch", column_config=PARETO_COLUMNS)
        return
    chart = (
        alt.Chart(data)
        .mark_line(point=alt.OverlayMarkDef(size=80))
        .encode(
            x=alt.X("min_coverage:Q", title="least coverage", axis=alt.Axis(format="%")),
            y=alt.Y("E:Q", title="benefit E", scale=alt.Scale(zero=False)),
            tooltip=["epsilon", "E", alt.Tooltip("min_coverage:Q", format=".1%")],
        )
        .transform_filter(alt.datum.balanced == False)  # noqa: E712 (a Vega expression)
    )
    balanced = (
        alt.Chart(data[data["balanced"]])
        .mark_point(shape="diamond", size=200, filled=True, color="#e45756")
        .encode(x="min_coverage:Q", y="E:Q", tooltip=["plan", "E", "min_coverage"])
    )
    st.altair_chart((chart + balanced).properties(height=320), width="stretch")
    st.dataframe(result, hide_index=True, width="stretch", column_config=PARETO_COLUMNS)


# ---- comparison with the baseline ----


def compare_section(baseline: Plan | None, plan: Plan) -> None:
    if baseline is None:
        st.info(
            "Pin a plan as baseline, change the controls, and its comparison with the new plan shows here."
        )
        return
    comparison = planner.compare(baseline, plan)
    st.markdown(f"**Now minus baseline** ({plan.unit}; baseline inputs {baseline.scenario_digest})")
    st.dataframe(comparison.kpis, hide_index=True, column_config=DELTA_COLUMNS)
    left, right = st.columns(2)
    left.markdown("**Change of allocation** by province and sector")
    left.altair_chart(delta_heat(comparison.allocation, plan), width="stretch")
    right.markdown("**Change of allocation** per province")
    right.dataframe(
        comparison.coverage, hide_index=True, width="stretch", column_config=DELTA_COLUMNS
    )
    if len(comparison.constraints):
        st.markdown("**Constraints that started or stopped binding**")
        st.dataframe(comparison.constraints, hide_index=True, width="stretch")


def delta_heat(allocation: pd.DataFrame, plan: Plan) -> alt.LayerChart:
    labels = {r.id: r.label for r in plan.scenario.regions} if plan.scenario is not None else {}
    data = allocation.assign(province=allocation["region"].map(labels).fillna(allocation["region"]))
    reach = float(max(1e-9, data["delta"].abs().max()))
    base = alt.Chart(data).encode(
        x=alt.X("sector:N", title=None, axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("province:N", title=None, axis=alt.Axis(labelOverlap=False)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "delta:Q", scale=alt.Scale(scheme="redblue", domain=[-reach, reach]), title="change"
        ),
        tooltip=["province", "sector", "a", "b", "delta"],
    )
    text = base.mark_text(fontSize=11).encode(text=alt.Text("delta:Q", format="+,.0f"))
    return (cells + text).properties(height=alt.Step(24))
