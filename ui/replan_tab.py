"""The Re-plan tab (actuals.md): upload what was really spent and started, lock the past periods,
re-optimize the rest, and see the plan against actual; record the re-plan as a revision of a run.

The re-plan is ``planner.solve`` of the scenario with its ``actuals`` key, on a live model the session
keeps for re-plans alone (a corrected record, or the next year's, re-solves it in place). The plan it
is compared with is an approved run of the History tab's store, or else the page's current plan.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from planner import Plan, PlanModel, Scenario
from planner.analysis.replan import (
    PlanAgainstActual,
    locked_labels,
    plan_against_actual,
    relaxed_lines,
)
from planner.errors import ScenarioError, StoreError
from planner.i18n.catalog import t
from planner.i18n.names import project_name, region_names, sector_name
from planner.i18n.problems import problem_line
from planner.i18n.units import shown
from planner.scenario.files import with_actuals

from . import access, display, history

SERIES = ("#4c78a8", "#e45756", "#9ecae9")
"""The plan-against-actual chart's colours: planned, spent, and the re-plan's change ahead."""
LOCKED_STYLE = "background-color: #eeeeee; color: #888888"
"""How a locked period's row looks in a table: greyed, fixed by the past."""
MODEL_KEY = "planner.replan.model"
RESULT_KEY = "planner.replan.result"


def draw(scenario: Scenario, plan: Plan) -> None:
    """The tab: the record's inputs, then the re-plan, its relaxed rows and the plan against actual."""
    st.markdown(t("ui.replan.intro"))
    left, middle, right = st.columns([1, 2, 2])
    through = left.selectbox(
        t("ui.replan.through"), list(scenario.periods)[:-1] or list(scenario.periods)
    )
    spending = middle.file_uploader(t("ui.replan.spending"), type=["csv"], key="replan_spending")
    starts = right.file_uploader(t("ui.replan.starts"), type=["csv"], key="replan_starts")
    original, run_id = _original(plan)
    if spending is None:
        st.caption(t("ui.replan.waiting"))
        return
    if st.button(t("ui.replan.solve"), key="replan_solve"):
        try:
            replanned = _with_record(scenario, through, spending, starts)
        except ScenarioError as err:
            for found in err.problems:
                st.error(problem_line(found))
            return
        st.session_state[RESULT_KEY] = _solve(replanned, original)
    result = st.session_state.get(RESULT_KEY)
    if result is None:
        return
    replanned, re_plan, comparison = result
    _show(replanned, re_plan, comparison)
    _record_section(re_plan, run_id)


def greyed(table: pd.DataFrame, plan: Plan) -> Any:
    """A table indexed by period, its locked periods greyed (a plan of a scenario with a record);
    the table itself for any other plan."""
    locked = set(locked_labels(plan))
    if not locked:
        return table
    return table.style.apply(
        lambda row: [LOCKED_STYLE if str(row.name) in locked else ""] * len(row), axis=1
    )


def _original(plan: Plan) -> tuple[Plan, str | None]:
    """The plan to re-plan against: an approved run the person picks, else the page's plan."""
    try:
        runs = history.run_store().runs()
    except StoreError:
        runs = pd.DataFrame()
    ids = (
        [str(i) for i, d in zip(runs["id"], runs["decision"], strict=True) if d == "approve"]
        if len(runs)
        else []
    )
    current = t("ui.replan.current_plan")
    chosen = st.selectbox(t("ui.replan.against"), [current, *ids], key="replan_against")
    if chosen == current:
        return plan, None
    return history.run_store().get(chosen), chosen


def _with_record(scenario: Scenario, through: Any, spending: Any, starts: Any) -> Scenario:
    """The scenario with the uploaded record (files named as uploaded, so problems name them)."""
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for upload in (spending, starts):
            if upload is None:
                paths.append(None)
                continue
            path = Path(folder) / Path(upload.name).name
            path.write_bytes(upload.getvalue())
            paths.append(path)
        return with_actuals(scenario, through, paths[0], paths[1])


def _solve(scenario: Scenario, original: Plan) -> tuple[Scenario, Plan, PlanAgainstActual | None]:
    """The re-plan on the session's re-plan model (in place when its shape allows)."""
    model: PlanModel | None = st.session_state.get(MODEL_KEY)
    if model is None:
        model = st.session_state[MODEL_KEY] = PlanModel(scenario)
    else:
        model.update(scenario)
    re_plan = model.solve()
    comparison = None
    if re_plan.is_optimal and original.is_optimal:
        source = original.scenario if original.scenario is not None else None
        comparison = plan_against_actual(original, re_plan, scenario, source)
    return scenario, re_plan, comparison


def _show(scenario: Scenario, re_plan: Plan, comparison: PlanAgainstActual | None) -> None:
    if re_plan.actuals is None:
        return
    locked = ", ".join(locked_labels(re_plan))
    st.caption(t("replan.locked", periods=locked))
    if not re_plan.is_optimal:
        st.error(re_plan.message)
        return
    relaxed = relaxed_lines(scenario, re_plan.actuals["relaxed"])
    st.markdown(t("replan.relaxed_head") if relaxed else t("replan.nothing_relaxed"))
    for line in relaxed:
        st.markdown(f"- {line}")
    if comparison is None:
        return
    st.altair_chart(against_chart(scenario, comparison), width="stretch")
    table = locked_frame(scenario, comparison)
    st.dataframe(
        table,
        width="stretch",
        hide_index=True,
        column_config={
            c: st.column_config.NumberColumn(format="%.1f")
            for c in table.select_dtypes("number").columns
        },
    )
    if len(comparison.starts):
        st.dataframe(starts_frame(scenario, comparison), width="stretch", hide_index=True)
    if comparison.attribution is not None:
        st.markdown(comparison.attribution.summary())


def against_chart(scenario: Scenario, comparison: PlanAgainstActual) -> alt.Chart:
    """Per province: planned and spent in the locked years, and the re-plan's change ahead."""
    how = shown(scenario.unit)
    names = region_names(scenario)
    past = comparison.locked.groupby("region", sort=False)[["planned", "spent"]].sum()
    series = [t("ui.replan.planned"), t("ui.replan.spent"), t("ui.replan.ahead")]
    rows = []
    for r in scenario.regions:
        planned = float(past["planned"].get(r.id, 0.0)) if len(past) else 0.0
        spent = float(past["spent"].get(r.id, 0.0)) if len(past) else 0.0
        ahead = comparison.ahead.set_index("region")["difference"].get(r.id, 0.0)
        for what, amount in zip(series, (planned, spent, float(ahead)), strict=True):
            rows.append((names[r.id], what, amount * how.factor))
    frame = pd.DataFrame(rows, columns=["region", "what", "amount"])
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("region:N", title=None, sort=[names[r.id] for r in scenario.regions]),
            xOffset=alt.XOffset("what:N", sort=series),
            y=alt.Y("amount:Q", title=how.unit),
            # colours and bars by the series' place, not their names' order: the same in both
            # languages (the names sort differently in Chinese)
            color=alt.Color(
                "what:N",
                title=None,
                sort=series,
                scale=alt.Scale(domain=series, range=list(SERIES)),
            ),
            tooltip=["region:N", "what:N", alt.Tooltip("amount:Q", format=",.1f")],
        )
        .properties(height=320)
    )


def locked_frame(scenario: Scenario, comparison: PlanAgainstActual) -> pd.DataFrame:
    """The locked periods per province and sector, by name, in the page's unit; the difference
    signed as the Compare view writes a change (a float residue is 0, never 0.000000000000003)."""
    how = shown(scenario.unit)
    names = region_names(scenario)
    frame = comparison.locked
    return pd.DataFrame(
        {
            t("ui.replan.region"): frame["region"].map(names),
            t("ui.replan.sector"): [sector_name(s) for s in frame["sector"]],
            **{
                f"{t(f'ui.replan.{c}')} ({how.unit})": frame[c] * how.factor
                for c in ("planned", "spent")
            },
            f"{t('ui.replan.difference')} ({how.unit})": [
                display.signed(d * how.factor) for d in frame["difference"]
            ],
        }
    )


def starts_frame(scenario: Scenario, comparison: PlanAgainstActual) -> pd.DataFrame:
    projects = {p.id: p for p in scenario.projects}
    frame = comparison.starts
    return pd.DataFrame(
        {
            t("ui.replan.project"): [project_name(projects[i]) for i in frame["id"]],
            t("column.planned_start"): frame["planned_start"],
            t("column.actual_start"): [
                t("replan.not_started") if s is None else s for s in frame["actual_start"]
            ],
            t("column.replanned_start"): frame["replanned_start"],
        }
    ).astype(str)


def _record_section(re_plan: Plan, run_id: str | None) -> None:
    """Keep the re-plan as a run revising the one it re-plans (planner role)."""
    if not re_plan.is_optimal or not access.may("save"):
        return
    if st.button(t("ui.replan.record"), key="replan_record"):
        who = access.current()
        access.require(who.role, "save")
        changes: dict[str, Any] = {"actuals.through": (re_plan.actuals or {}).get("through")}
        if run_id is not None:
            changes["revises"] = run_id
        store = history.run_store()
        new_id = store.record(
            re_plan, source="ui", changes=changes, parent=run_id, **who.recorded_as()
        )
        st.success(t("ui.replan.recorded", run=new_id))
