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
from planner.i18n.names import region_names, sector_name
from planner.i18n.units import money, shown

from . import display, downloads, heavy

RESULTS_KEY = "planner.analysis"
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
    for line in diagnosis.lines_in():  # the page's language, even for a plan solved in another
        st.markdown(f"- {line}")
    relaxations = diagnosis.relaxations
    if len(relaxations):
        st.markdown(t("ui.smallest_change", unit=diagnosis.unit))
        st.dataframe(relaxations, hide_index=True, width="stretch")
        relaxed = diagnosis.apply(scenario)
        st.download_button(
            t("ui.relaxed_download"),
            lambda: downloads.scenario_yaml(relaxed),
            file_name=f"{downloads.file_stem(scenario)}-relaxed.yaml",
            mime="application/x-yaml",
            key="download_relaxed",
            on_click="ignore",
            help=t("ui.relaxed_download_help"),
        )


# ---- shadow prices ----


def explained(plan: Plan, live: PlanModel | None) -> pd.DataFrame:
    """:func:`planner.explain` of the plan, once per plan (it reads HiGHS ranging off the live model)."""
    key = f"{plan.scenario_digest}:{language()}:{shown(plan.unit).unit}"  # words per language
    found = _memo("explain", key)
    if found is None:
        found = _remember("explain", key, planner.explain(plan, live))
    return found


MONEY_ROWS = ("budget", "corridor", "capacity")
"""Kinds of rows whose limit is money: their ranging is said in the page's unit. Floors and share
bounds are rows of shares written with a right-hand side of 0, whose ranging a planner cannot
read."""


def constraints_section(plan: Plan, live: PlanModel | None) -> None:
    """Each binding constraint as a whole sentence, the most valuable first: no ids, nothing cut
    off; the range over which its shadow price holds where HiGHS gives one (a linear programme
    only: on a plan with projects, say why there is none)."""
    table = explained(plan, live)
    st.markdown(t("ui.binding_intro", mode=t(f"mode.{plan.mode}"), unit=shown(plan.unit).unit))
    if table.empty:
        st.info(t("ui.no_binding"))
        return
    if len(plan.projects):
        st.caption(t("ui.binding.no_ranging_mip"))
    lines = [
        f"{i}. {row.meaning}{holds(row, plan.unit)}" for i, row in enumerate(table.itertuples(), 1)
    ]
    st.markdown("\n".join(lines))


def holds(row: Any, unit: str) -> str:
    """ " It holds while the limit stays between … and …" for a money row with ranging, else ""."""
    if row.kind not in MONEY_ROWS or np.isnan(row.rhs_low) or np.isnan(row.rhs_high):
        return ""
    return " " + t("ui.binding.holds", low=money(row.rhs_low, unit), high=money(row.rhs_high, unit))


# ---- frontiers ----


def frontier_section(scenario: Scenario, plan: Plan) -> None:
    """Benefit E and least coverage against the total budget, computed when asked."""
    total = scenario.total_budget()
    st.markdown(
        t(
            "ui.frontier.intro",
            points=FRONTIER_POINTS,
            budget=money(total, plan.unit, digits=0),
        )
    )
    result = _memo("frontier", scenario.digest())
    place = (
        None
        if result is not None
        else heavy.start_button(t("ui.frontier.compute"), "frontier_button")
    )
    if place is not None:
        levels = np.linspace(0.5 * total, 1.5 * total, FRONTIER_POINTS).tolist()
        found = heavy.heavy(
            t("ui.frontier.what"), "frontier", planner.frontier, scenario, levels, place=place
        )
        result = _remember("frontier", scenario.digest(), found)
    if result is None:
        return
    st.altair_chart(frontier_chart(result, total, plan.unit), width="stretch")
    table = result[["budget", "status", "E", "min_coverage", "newly_funded"]].assign(
        newly_funded=lambda f: [display.pairs(v, plan) for v in f["newly_funded"]]
    )
    display.show(
        table,
        plan,
        plan.unit,
        overrides={"E": st.column_config.NumberColumn(t("ui.col.E"), format="%.1f")},
    )


def frontier_chart(frame: pd.DataFrame, current: float, unit: str) -> alt.LayerChart:
    """E (solid) and least coverage (dashed) against the total budget, in the shown unit; a grey
    rule at the current budget."""
    how = shown(unit)
    data = frame[frame["status"] == "optimal"].assign(budget=lambda f: f["budget"] * how.factor)
    x = alt.X("budget:Q", title=t("ui.frontier.x", unit=how.unit))
    tooltip = [
        alt.Tooltip("budget:Q", format=",.0f", title=t("ui.frontier.x", unit=how.unit)),
        alt.Tooltip("E:Q", format=",.1f", title=t("ui.col.E")),
        alt.Tooltip("min_coverage:Q", format=".1%", title=t("ui.col.min_coverage")),
    ]
    benefit = (
        alt.Chart(data)
        .mark_line(point=True, color="#4c78a8")
        .encode(x=x, y=alt.Y("E:Q", title=t("ui.col.E")), tooltip=tooltip)
    )
    coverage = (
        alt.Chart(data)
        .mark_line(point=True, color="#f58518", strokeDash=[4, 3])
        .encode(
            x=x,
            y=alt.Y(
                "min_coverage:Q", title=t("ui.frontier.coverage_axis"), axis=alt.Axis(format="%")
            ),
            tooltip=tooltip,
        )
    )
    now = (
        alt.Chart(pd.DataFrame({"budget": [current * how.factor]}))
        .mark_rule(color="grey")
        .encode(x="budget:Q")
    )
    return alt.layer(benefit, coverage, now).resolve_scale(y="independent").properties(height=320)


def pareto_section(scenario: Scenario, plan: Plan) -> None:
    """The equity–efficiency trade-off: E against least coverage, computed when asked."""
    st.markdown(t("ui.pareto.intro", points=PARETO_POINTS))
    result = _memo("pareto", scenario.digest())
    place = (
        None if result is not None else heavy.start_button(t("ui.pareto.compute"), "pareto_button")
    )
    if place is not None:
        found = heavy.heavy(
            t("ui.pareto.what"), "pareto", planner.pareto, scenario, PARETO_POINTS, place=place
        )
        result = _remember("pareto", scenario.digest(), found)
    if result is None:
        return
    data = result[result["status"] == "optimal"].assign(
        plan=lambda f: np.where(f["balanced"], t("ui.pareto.balanced"), t("ui.pareto.frontier"))
    )
    if data.empty:
        statuses = sorted({str(display.status(s)) for s in result["status"]})
        st.warning(t("ui.pareto.no_plan", statuses=t("list.separator").join(statuses)))
        return
    if (
        np.ptp(data["E"]) <= 1e-6 * max(1.0, abs(data["E"].max()))
        and np.ptp(data["min_coverage"]) <= 1e-6
    ):
        st.info(
            t(
                "ui.pareto.no_conflict",
                benefit=f"{data['E'].iloc[0]:,.1f}",
                coverage=f"{data['min_coverage'].iloc[0]:.1%}",
            )
        )
        pareto_table(result, plan)
        return
    st.altair_chart(pareto_chart(data), width="stretch")
    pareto_table(result, plan)


def pareto_chart(data: pd.DataFrame) -> alt.LayerChart:
    """E against least coverage along the frontier; the balanced plan as a red diamond."""
    coverage = alt.Tooltip("min_coverage:Q", format=".1%", title=t("ui.col.min_coverage"))
    benefit = alt.Tooltip("E:Q", format=",.1f", title=t("ui.col.E"))
    chart = (
        alt.Chart(data)
        .mark_line(point=alt.OverlayMarkDef(size=80))
        .encode(
            x=alt.X("min_coverage:Q", title=t("ui.col.min_coverage"), axis=alt.Axis(format="%")),
            y=alt.Y("E:Q", title=t("ui.col.E"), scale=alt.Scale(zero=False)),
            tooltip=[
                alt.Tooltip("epsilon:Q", format=".1%", title=t("ui.col.epsilon")),
                benefit,
                coverage,
            ],
        )
        .transform_filter(alt.datum.balanced == False)  # noqa: E712 (a Vega expression)
    )
    balanced = (
        alt.Chart(data[data["balanced"]])
        .mark_point(shape="diamond", size=200, filled=True, color="#e45756")
        .encode(
            x="min_coverage:Q",
            y="E:Q",
            tooltip=[alt.Tooltip("plan:N", title=t("ui.col.plan")), benefit, coverage],
        )
    )
    return (chart + balanced).properties(height=320)


def pareto_table(result: pd.DataFrame, plan: Plan) -> None:
    display.show(
        result,
        plan,
        plan.unit,
        overrides={
            "E": st.column_config.NumberColumn(t("ui.col.E"), format="%.1f"),
            "balanced": st.column_config.CheckboxColumn(t("ui.col.balanced")),
        },
    )


# ---- comparison with the baseline ----


def compare_section(baseline: Plan | None, plan: Plan) -> None:
    if baseline is None:
        st.info(t("ui.compare.hint"))
        return
    comparison = planner.compare(baseline, plan)
    unit = shown(plan.unit).unit
    st.markdown(t("ui.compare.title", unit=unit, digest=baseline.scenario_digest))
    st.dataframe(
        kpi_changes(comparison.kpis, plan.unit),
        hide_index=True,
        column_config={
            "kpi": t("ui.col.kpi"),
            **{c: st.column_config.TextColumn(t(f"ui.col.{c}")) for c in DELTAS},
        },
    )
    left, right = st.columns(2)
    left.markdown(t("ui.compare.by_pair", unit=unit))
    left.altair_chart(delta_heat(comparison.allocation, plan), width="stretch")
    right.markdown(t("ui.compare.by_province", unit=unit))
    by_province = display.values(comparison.coverage, plan, plan.unit, money=DELTAS)
    right.dataframe(
        by_province.assign(delta=[display.signed(d) for d in by_province["delta"]]),
        hide_index=True,
        width="stretch",
        column_config={"region": t("ui.chart.province"), **delta_columns()},
    )
    if len(comparison.constraints):
        st.markdown(t("ui.compare.constraints"))
        display.show(
            comparison.constraints, plan, plan.unit, overrides={"name": t("ui.col.constraint")}
        )


DELTAS = ("a", "b", "delta")
"""The comparison's columns: baseline, now, and now minus baseline."""

MONEY_KPIS = ("allocated", "unspent")
"""The comparison's KPIs counted in money (converted to the shown unit)."""


def delta_columns() -> dict[str, Any]:
    """Headers of the baseline, now and change columns (the change as signed text: ``−27.9``)."""
    return {
        "a": st.column_config.NumberColumn(t("ui.col.a"), format="%.1f"),
        "b": st.column_config.NumberColumn(t("ui.col.b"), format="%.1f"),
        "delta": st.column_config.TextColumn(t("ui.col.delta")),
    }


def kpi_changes(kpis: pd.DataFrame, unit: str) -> pd.DataFrame:
    """The comparison's KPIs as a person reads them: each KPI in words, money in the shown unit
    (named), coverage in percent and its change in percentage points (``−18.1 pp``), no ``−0``;
    a KPI neither plan has (``z_star`` outside equity modes) is left out."""
    how = shown(unit)
    rows = []
    for kpi, a, b, delta in kpis[["kpi", *DELTAS]].itertuples(index=False):
        if pd.isna(a) and pd.isna(b):
            continue
        if kpi == "min_coverage":
            figures = [_percent(a), _percent(b), display.points(delta)]
        elif kpi in MONEY_KPIS:
            figures = [_figure(a, how.factor), _figure(b, how.factor)]
            figures.append(display.signed(None if pd.isna(delta) else delta * how.factor))
        else:
            figures = [_figure(a), _figure(b), display.signed(None if pd.isna(delta) else delta)]
        named = t(f"ui.compare.kpi.{kpi}", unit=how.unit) if kpi in KPI_WORDS else kpi
        rows.append([named, *figures])
    return pd.DataFrame(rows, columns=["kpi", *DELTAS])


def _figure(value: float, factor: float = 1.0) -> str:
    return "—" if pd.isna(value) else f"{value * factor:,.1f}"


def _percent(value: float) -> str:
    return "—" if pd.isna(value) else f"{value:.1%}"


KPI_WORDS = ("objective", "E", "min_coverage", "allocated", "unspent", "E_star", "z_star")


def delta_heat(allocation: pd.DataFrame, plan: Plan) -> alt.LayerChart:
    """Now minus baseline per province and sector, in the shown unit (red less, blue more)."""
    how = shown(plan.unit)
    labels = region_names(plan.scenario) if plan.scenario is not None else {}
    data = allocation.assign(
        province=allocation["region"].map(labels).fillna(allocation["region"]),
        sector=allocation["sector"].map(sector_name),
        **{c: allocation[c] * how.factor for c in DELTAS},
    )
    data["label"] = [display.signed(d, digits=0) for d in data["delta"]]  # 0, never −0 or +0
    reach = float(max(1e-9, data["delta"].abs().max()))
    # the scenario's order in both languages (a name's sort put 交通 first and Yunnan on top in zh)
    sectors = list(dict.fromkeys(data["sector"]))
    provinces = list(dict.fromkeys(data["province"]))
    if plan.scenario is not None:
        sectors = [sector_name(s) for s in plan.scenario.sectors]
        provinces = [labels.get(r.id, r.id) for r in plan.scenario.regions]
    base = alt.Chart(data).encode(
        x=alt.X("sector:N", title=None, sort=sectors, axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("province:N", title=None, sort=provinces, axis=alt.Axis(labelOverlap=False)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "delta:Q",
            scale=alt.Scale(scheme="redblue", domain=[-reach, reach]),
            title=t("ui.compare.legend", unit=how.unit),
        ),
        tooltip=[
            alt.Tooltip("province:N", title=t("ui.chart.province")),
            alt.Tooltip("sector:N", title=t("ui.chart.sector")),
            *[alt.Tooltip(f"{c}:Q", format=",.1f", title=t(f"ui.col.{c}")) for c in DELTAS],
        ],
    )
    text = base.mark_text(fontSize=11).encode(text=alt.Text("label:N"))
    return (cells + text).properties(height=alt.Step(24))
