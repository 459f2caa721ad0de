"""The Projects tab: candidate projects, when the funded ones pay, the groups' choices, and the
planner's edits: force a project in, leave it out, change the candidates' table.

The edits live in widget state (``projects_editor``, ``projects_force_in``, ``projects_exclude``) and
are applied to the scenario *before* it is solved (:func:`apply`), reading what the widgets held at
the end of the last run; the tab draws the same widgets again after the solve. An excluded project
is dropped from the solved scenario but stays listed, so unticking it brings it back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from planner import Plan, PlanModel, Scenario, validate_scenario
from planner.analysis.projects import funded_share
from planner.errors import Problem, ScenarioError
from planner.i18n.catalog import DEFAULT_LANGUAGE, language, t
from planner.i18n.names import project_names, sector_name
from planner.i18n.units import money, scenario_unit, shown
from planner.reports import tables
from planner.scenario.projects import PROJECT_COLUMNS as COLUMNS

from . import annotations, display, views
from .needs_editor import annotation_config

TABLE = "Projects table"
EDITOR_KEY = "projects_editor"
FORCE_KEY = "projects_force_in"
EXCLUDE_KEY = "projects_exclude"
SWAPS_KEY = "projects_swaps_button"
BASE_KEY = "planner.projects.base"


# ---- the candidates as a table, and edits back into the scenario (pure: tested directly) ----


def candidates_table(scenario: Scenario) -> pd.DataFrame:
    """The candidates as the editor shows them: one row per project, the spec's columns, then the
    annotation columns (``source``, ``status``, …) as text."""
    given = tables.candidate_inputs(scenario)[list(COLUMNS)]
    return annotations.with_annotations(given, scenario.projects)


@dataclass
class Edits:
    """What the planner changed: the editor's delta, and the ids forced in and excluded."""

    delta: dict[str, Any] = field(default_factory=dict)
    force_in: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        changed = any(self.delta.get(k) for k in ("edited_rows", "added_rows", "deleted_rows"))
        return bool(changed or self.force_in or self.exclude)


def left_out(records: list[dict[str, Any]], exclude: list[str]) -> set[str]:
    """The excluded ids and every project that requires one of them (it could never start)."""
    out = set(exclude)
    grown = True
    while grown:
        grown = False
        for record in records:
            requires = set(_split(record.get("requires")))
            if record["id"] not in out and requires & out:
                out.add(record["id"])
                grown = True
    return out


def edited(scenario: Scenario, base: Scenario, edits: Edits) -> Scenario:
    """``scenario`` with ``base``'s candidates as edited, forced in and excluded, validated.

    Untouched rows keep their exact values (and annotation columns); without edits the scenario
    comes back unchanged. Raises :class:`ScenarioError` with each problem located by the page's
    row (from 1) and column of the Projects table.
    """
    if not edits.any:
        return scenario
    records, rows = _edited_records(base, edits.delta)
    out = left_out(records, edits.exclude)
    kept = [(r, row) for r, row in zip(records, rows, strict=True) if r["id"] not in out]
    for record, _row in kept:
        if record["id"] in edits.force_in:
            record["mandatory"] = True
    data = scenario.model_dump()
    data["projects"] = [r for r, _row in kept]
    try:
        return validate_scenario(data)
    except ScenarioError as err:
        raise ScenarioError([_locate(p, [row for _r, row in kept]) for p in err.problems]) from None


def _edited_records(
    base: Scenario, delta: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[int]]:
    """The candidates after the editor's delta, and each one's row on the page (from 1)."""
    records = [p.model_dump() for p in base.projects]
    notes = annotations.editable_columns(base.projects)
    for position, changes in (delta.get("edited_rows") or {}).items():
        i = int(position)
        if 0 <= i < len(records):
            _write_cells(records[i], changes, notes)
    rows = list(range(1, len(records) + 1))
    deleted = {int(i) for i in delta.get("deleted_rows") or []}
    records = [r for i, r in enumerate(records) if i not in deleted]
    rows = [n for i, n in enumerate(rows) if i not in deleted]
    for j, added in enumerate(delta.get("added_rows") or [], start=len(base.projects) + 1):
        record: dict[str, Any] = {}
        _write_cells(record, added, notes)
        records.append(record)
        rows.append(j)
    return records, rows


def _write_cells(record: dict[str, Any], changes: dict[str, Any], notes: list[str]) -> None:
    """The editor's cells onto a project's record: the spec's columns as the scenario reads them,
    the annotation columns as text (a cleared one is dropped)."""
    for key, value in changes.items():
        if key in COLUMNS:
            record[key] = _cell(key, value)
        elif key in notes:
            annotations.set_annotation(record, key, value)


def _cell(column: str, value: Any) -> Any:
    """An edited cell as the scenario reads it: blank is the default; numbers stay numbers."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str) and not value.strip():
        return None if column not in ("name",) else ""
    if column == "requires":
        return _split(value)
    return value


def _split(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [part.strip() for part in str(value or "").split(";") if part.strip()]


def _locate(problem: Problem, rows: list[int]) -> Problem:
    loc = problem.loc
    if len(loc) >= 2 and loc[0] == "projects" and isinstance(loc[1], int):
        row = rows[loc[1]] if loc[1] < len(rows) else None
        field_name = str(loc[2]) if len(loc) >= 3 else problem.field
        return problem.at(file=TABLE, row=row, field=field_name)
    return problem


# ---- the page ----


def session_edits() -> Edits:
    state = st.session_state
    return Edits(
        delta=dict(state.get(EDITOR_KEY) or {}),
        force_in=list(state.get(FORCE_KEY) or []),
        exclude=list(state.get(EXCLUDE_KEY) or []),
    )


def apply(scenario: Scenario, base: Scenario) -> Scenario:
    """The scenario to solve: the page's project edits over ``base``'s candidates (remembered so the
    tab can draw its widgets against the same table)."""
    st.session_state[BASE_KEY] = base
    return edited(scenario, base, session_edits())


def page_has_candidates() -> bool:
    """Whether the scenario the page started from has candidates (its Projects view stays while
    every one of them is excluded, so they can be brought back)."""
    base = st.session_state.get(BASE_KEY)
    return base is not None and bool(base.projects)


def kpi_cards(plan: Plan) -> None:
    """Funded projects and their share of the budget, under the main KPIs; nothing without projects."""
    if not len(plan.projects):
        return
    share = funded_share(plan)
    left, middle, right, _ = st.columns(4)
    left.metric(
        t("ui.kpi.projects"),
        f"{share.funded} / {share.candidates}",  # short enough for a KPI card in either language
        help=t("ui.kpi.projects_help"),
    )
    middle.metric(
        t("ui.kpi.projects_share"),
        "—" if share.share is None else f"{share.share:.1%}",
        help=t("ui.kpi.projects_share_help", cost=money(share.cost, plan.unit)),
    )
    right.metric(
        t("ui.kpi.gap"),
        "—" if plan.gap is None else f"{plan.gap:.2%}",
        help=t("ui.kpi.gap_help"),
    )


def tab(plan: Plan | None, live: PlanModel | None, editable: bool = True) -> None:
    """The Projects tab: results (with a plan) and, for who may change the plan, the edits."""
    if plan is not None and plan.is_optimal and len(plan.projects):
        results(plan, live)
        if editable:
            st.divider()
    if editable:
        controls()


def results(plan: Plan, live: PlanModel | None) -> None:
    unit = shown(plan.unit).unit
    st.markdown(t("ui.projects.candidates", unit=unit))
    display.show(
        worded_status(status_table(plan), plan),
        plan,
        plan.unit,
        overrides={
            "name": t("column.project"),
            "region": t("ui.col.province"),  # names, not the ids "column.region" announces
            "status": t("ui.projects.status"),
        },
        hidden=("id",),
    )
    st.markdown(t("ui.projects.cash", unit=unit))
    chart = timeline(plan)
    if chart is None:
        st.info(t("html.no_project"))
    else:
        st.altair_chart(chart, width="stretch")
    groups_section(plan, live)
    st.caption(t("ui.projects.duals", how=t("report.duals_fixed")))


def status_table(plan: Plan) -> pd.DataFrame:
    """Every candidate of the page with its status: funded, not funded, or excluded by the planner."""
    frame = plan.projects[["id", "name", "region", "sector", "group", "mandatory", "funded"]].copy()
    frame["start"] = plan.projects["start"].map(lambda t: "" if t is None else str(t))
    frame["cost"] = plan.projects["cost"]
    frame["value"] = plan.projects["value"]
    frame["status"] = ["funded" if f else "not funded" for f in frame["funded"]]
    base = st.session_state.get(BASE_KEY)
    if base is not None:
        given = tables.candidate_inputs(base)
        extra = given[~given["id"].isin(frame["id"])].assign(
            funded=False, start="", status="excluded"
        )
        extra["name"] = extra["name"].where(extra["name"] != "", extra["id"])
        frame = pd.concat([frame, extra[list(frame.columns)]], ignore_index=True)
    frame["group"] = frame["group"].fillna("")
    return frame


def worded_status(frame: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """The status table as a person reads it: in Chinese, projects by their Chinese names and
    each status in words (the table itself keeps ``funded``, ``not funded``, ``excluded``)."""
    if language() == DEFAULT_LANGUAGE or plan.scenario is None:
        return frame
    names = project_names(plan.scenario) | project_names(
        st.session_state.get(BASE_KEY) or plan.scenario
    )
    return frame.assign(
        name=[names.get(i, n) for i, n in zip(frame["id"], frame["name"], strict=True)],
        status=[t(f"ui.projects.status.{s.replace(' ', '_')}") for s in frame["status"]],
    )


def timeline(plan: Plan) -> alt.Chart | None:
    """Funded projects × periods: a cell where the project pays, coloured by sector, with its cash."""
    funded = tables.funded_cash(plan)
    if not funded:
        return None
    rows = [
        {"project": name, "sector": sector, "period": period, "cash": amount}
        for name, sector, cash in funded
        for period, amount in cash.items()
        if amount > 0
    ]
    table = pd.DataFrame(rows).assign(
        cash=lambda f: f["cash"] * shown(plan.unit).factor,
        sector=lambda f: f["sector"].map(sector_name),
    )
    order = [name for name, _s, _c in funded]
    periods = [str(t) for t in plan.scenario.periods] if plan.scenario is not None else None
    base = alt.Chart(table).encode(
        x=alt.X("period:N", sort=periods, title=None, axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("project:N", sort=order, title=None, axis=alt.Axis(labelLimit=0)),  # whole names
    )
    bars = base.mark_bar(height=18).encode(
        color=alt.Color("sector:N", scale=views.sector_scale(plan), title=t("ui.chart.sector")),
        tooltip=[
            alt.Tooltip("project:N", title=t("column.project")),
            alt.Tooltip("period:N", title=t("column.period")),
            alt.Tooltip("cash:Q", format=",.1f", title=shown(plan.unit).unit),
        ],
    )
    text = base.mark_text(color="white").encode(text=alt.Text("cash:Q", format=",.1f"))
    return (bars + text).properties(height=alt.Step(26))


def groups_section(plan: Plan, live: PlanModel | None) -> None:
    """Each group's limit and choice; the price of each swap on demand (a re-solve per alternative)."""
    groups = tables.project_groups(plan, with_words=False)
    if groups.empty:
        return
    st.markdown(t("ui.projects.groups"))
    priced = plan.priced_choices is not None
    if not priced and st.button(
        t("ui.projects.price_swaps"),
        key=SWAPS_KEY,
        help=t("ui.projects.price_swaps_help"),
    ):
        tables.group_choices_of(plan, live)
        priced = True
    if priced:
        groups = tables.project_groups(plan)
    names = project_names(plan.scenario) if plan.scenario is not None else {}

    def named(ids: str) -> str:  # "a, b" of ids → their names
        return t("list.separator").join(names.get(i, i) for i in ids.split(", ") if i)

    groups = groups.assign(
        chosen=[named(v) for v in groups["chosen"]], left_out=[named(v) for v in groups["left_out"]]
    )
    display.show(
        groups,
        plan,
        plan.unit,
        overrides={"words": st.column_config.TextColumn(t("column.words"), width="large")},
    )


def controls() -> None:
    """Force in, exclude, and the candidates' editor, over the page's starting candidates."""
    base: Scenario | None = st.session_state.get(BASE_KEY)
    if base is None or not base.projects:
        return
    names = project_names(base)
    left, right = st.columns(2)
    left.multiselect(
        t("ui.projects.force_in"),
        forceable(base, st.session_state.get(FORCE_KEY)),
        format_func=lambda i: names.get(i, i),
        placeholder=t("ui.projects.choose"),
        key=FORCE_KEY,
        help=t("ui.projects.force_in_help"),
    )
    right.multiselect(
        t("ui.projects.exclude"),
        list(names),
        format_func=lambda i: names.get(i, i),
        placeholder=t("ui.projects.choose"),
        key=EXCLUDE_KEY,
        help=t("ui.projects.exclude_help"),
    )
    edits = session_edits()
    records, _rows = _edited_records(base, edits.delta)
    dropped = left_out(records, edits.exclude) - set(edits.exclude)

    def listed(ids: set[str]) -> str:
        return t("list.separator").join(sorted(names.get(i, i) for i in ids))

    if dropped:
        st.caption(t("ui.projects.also_left_out", ids=listed(dropped)))
    both = set(edits.force_in) & set(edits.exclude)
    if both:
        st.warning(t("ui.projects.both", ids=listed(both)))
    st.markdown(t("ui.projects.edit"))
    table = candidates_table(base)
    st.data_editor(
        table,
        key=EDITOR_KEY,
        hide_index=True,
        num_rows="dynamic",
        column_order=editor_order(table),
        column_config=_editor_columns(base),
    )


def editor_order(table: pd.DataFrame) -> list[str]:
    """The editor's columns, the project's name in the page's language right after its id (in
    Chinese its ``name_zh`` column, then the English ``name`` the scenario keys it by)."""
    first = ["id", "name_zh", "name"] if language() != DEFAULT_LANGUAGE else ["id", "name"]
    first = [c for c in first if c in table.columns]
    return first + [c for c in table.columns if c not in first]


def forceable(base: Scenario, chosen: list[str] | None = None) -> list[str]:
    """The projects a planner can force in: those not already mandatory (a committed project is
    funded anyway), plus any already chosen, so a widget's value stays among its options."""
    kept = set(chosen or [])
    return [p.id for p in base.projects if not p.mandatory or p.id in kept]


def _editor_columns(base: Scenario) -> dict[str, Any]:
    unit = base.unit
    config = st.column_config
    return {
        "id": config.TextColumn(t("ui.editor.id"), help=t("ui.help.project_id")),
        "name": config.TextColumn(t("ui.editor.name")),
        "region": config.SelectboxColumn(
            t("ui.editor.region"), options=[r.id for r in base.regions]
        ),
        "sector": config.SelectboxColumn(t("ui.editor.sector"), options=list(base.sectors)),
        "cost": config.NumberColumn(
            t("ui.editor.cost", unit=scenario_unit(unit)), format="%.1f", help=t("ui.help.cost")
        ),
        "duration": config.NumberColumn(t("ui.editor.duration"), min_value=1, step=1, format="%d"),
        "earliest": config.TextColumn(t("ui.editor.earliest"), help=t("ui.help.earliest")),
        "latest": config.TextColumn(t("ui.editor.latest"), help=t("ui.help.latest")),
        "value": config.NumberColumn(t("ui.editor.value"), format="%.2f", help=t("ui.help.value")),
        "mandatory": config.CheckboxColumn(t("ui.editor.mandatory")),
        "group": config.SelectboxColumn(t("ui.editor.group"), options=["", *base.project_groups]),
        "requires": config.TextColumn(t("ui.editor.requires"), help=t("ui.help.requires")),
        **annotation_config(annotations.editable_columns(base.projects)),
    }
