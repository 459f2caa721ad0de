"""The page's inputs: where the scenario comes from, its settings, and its editable tables.

Every widget has a stable key (so tests and the browser find it) and a tooltip saying what it means, in
which unit. When a different scenario is picked the keys are cleared, so the widgets start from that
scenario's own values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from planner import Scenario, bundled_scenarios
from planner.errors import ScenarioError
from planner.i18n.catalog import t
from planner.i18n.names import region_names
from planner.i18n.problems import problem_line
from planner.i18n.units import scenario_unit, shown
from planner.scenario.datasets import DEFAULT_SCENARIO

from . import annotations, edit, needs_editor, state, upload
from .language import worded

SOURCE_KEY = "source"
BUNDLED_KEY = "bundled"
UPLOAD_KEY = "upload"
BASE_DIGEST_KEY = "base_digest"
BUDGET_UNIT_KEY = "budget_total_factor"
"""The factor of the unit the budget box last showed, to convert its value when the unit changes."""


SETTING_KEYS = (
    "budget_total",
    BUDGET_UNIT_KEY,
    "carry_over",
    "discount_pct",
    "tolerance_pct",
    "mode",
    "equity_weight",
    "split_editor",
    "regions_editor",
    "profiles_editor",
    "corridors_editor",
    *needs_editor.STATE_KEYS,
)
MODES = ("efficiency", "equity", "balanced")  # worded by the catalog's ui.side.mode.<mode>


@dataclass
class Source:
    """The scenario the controls start from, or the problems that stopped it loading."""

    scenario: Scenario | None
    label: str
    problems: list[str]


def pick_source(default: str | None = None) -> Source:
    """Sidebar: a bundled scenario or an uploaded YAML / zip."""
    names = list(bundled_scenarios())
    if default and default not in names:
        names.append(default)  # a file or folder named on the command line (`planner ui PATH`)
    say = worded("ui.side")
    kind = st.sidebar.radio(
        t("ui.side.scenario"),
        ["Bundled", "Upload"],
        format_func=lambda k: say(k.lower()),
        key=SOURCE_KEY,
        horizontal=True,
        help=t("ui.help.source", mib=upload.MAX_UPLOAD_BYTES // 2**20),
    )
    if kind == "Bundled":
        wanted = default or DEFAULT_SCENARIO
        index = names.index(wanted) if wanted in names else 0
        shown_names = {n: _bundled_name(n) for n in names}  # resolved now, for AppTest too
        name = st.sidebar.selectbox(
            t("ui.side.bundled_scenario"),
            names,
            index=index,
            format_func=lambda n: shown_names.get(n, n),
            key=BUNDLED_KEY,
            help=t("ui.help.bundled"),
        )
        try:
            return Source(state.bundled_scenario(name), name, [])
        except ScenarioError as err:
            return Source(None, name, [problem_line(p) for p in err.problems])
    return _uploaded()


def _bundled_name(name: str) -> str:
    """A bundled scenario's name in the page's language (its key if it cannot be read)."""
    try:
        return state.bundled_scenario(name).display_name()
    except ScenarioError:
        return name


def _uploaded() -> Source:
    file = st.sidebar.file_uploader(
        t("ui.side.scenario_file"),
        type=["yaml", "yml", "xlsx", "zip"],
        key=UPLOAD_KEY,
        max_upload_size=upload.MAX_UPLOAD_BYTES // 2**20,
        help=t(
            "ui.help.upload",
            mib=upload.MAX_UPLOAD_BYTES // 2**20,
            files=upload.MAX_ZIP_MEMBERS,
            unpacked=upload.MAX_UNZIPPED_BYTES // 2**20,
        ),
    )
    if file is None:
        return Source(None, "", [])
    try:
        return Source(upload.scenario_from_upload(file.name, file.getvalue()), file.name, [])
    except ScenarioError as err:
        return Source(None, file.name, [problem_line(p) for p in err.problems])


def reset_when_changed(base: Scenario) -> None:
    """Forget widget values that belonged to another scenario."""
    digest = base.digest()
    if st.session_state.get(BASE_DIGEST_KEY) != digest:
        for key in SETTING_KEYS:
            st.session_state.pop(key, None)
        st.session_state[BASE_DIGEST_KEY] = digest


def settings(base: Scenario) -> tuple[edit.Settings, pd.DataFrame]:
    """Sidebar: budget and its split, carry-over, rates, objective. Returns settings and split table."""
    start = edit.settings_of(base)
    sb = st.sidebar
    sb.subheader(t("ui.side.budget"))
    total = budget_input(base, float(start.total_budget))
    with sb.expander(t("ui.side.split")):
        split = st.data_editor(
            edit.split_table(base),
            key="split_editor",
            hide_index=True,
            disabled=["period"],
            column_config={
                "period": st.column_config.TextColumn(
                    t("ui.editor.period"), help=t("ui.help.period")
                ),
                "weight": st.column_config.NumberColumn(
                    t("ui.editor.weight"),
                    min_value=0.0,
                    format="%.3f",
                    help=t("ui.help.split_weight"),
                ),
            },
        )
    carry = sb.checkbox(
        t("ui.side.carry"),
        value=start.carry_over,
        key="carry_over",
        help=t("ui.help.carry"),
    )
    sb.subheader(t("ui.side.model"))
    discount = _percent_input(
        t("ui.side.discount"),
        start.discount_rate,
        0.5,
        "discount_pct",
        t("ui.help.discount"),
    )
    tolerance = _percent_input(
        t("ui.side.tolerance"),
        start.redundancy_tolerance,
        1.0,
        "tolerance_pct",
        t("ui.help.tolerance"),
    )
    mode = sb.radio(
        t("ui.side.objective"),
        list(MODES),
        index=list(MODES).index(start.mode),
        format_func=worded("ui.side.mode"),
        key="mode",
        help=t("ui.help.mode"),
    )
    weight = sb.slider(
        t("ui.side.equity_weight"),
        min_value=0.0,
        max_value=1.0,
        value=float(start.equity_weight),
        step=0.05,
        key="equity_weight",
        disabled=mode != "balanced",
        help=t("ui.help.equity_weight"),
    )
    chosen = edit.Settings(
        total_budget=float(total),
        carry_over=bool(carry),
        discount_rate=discount,
        redundancy_tolerance=tolerance,
        mode=str(mode),
        equity_weight=float(weight),
    )
    return chosen, split


def budget_input(base: Scenario, start: float) -> float:
    """The total budget box, in the page's unit of money like the KPIs beside it (2,510 CNY bn is
    typed as 25,100 亿元); returns the budget in the scenario's unit (exactly ``start`` while the
    box still shows it, so an untouched box changes nothing)."""
    how = shown(base.unit)
    state = st.session_state
    before = state.get(BUDGET_UNIT_KEY)
    if "budget_total" not in state:  # the box's value lives in the state, so a unit switch
        state["budget_total"] = start * how.factor  # can convert it (and Streamlit not warn)
    elif before is not None and before != how.factor:
        state["budget_total"] = state["budget_total"] / before * how.factor
    state[BUDGET_UNIT_KEY] = how.factor
    typed = st.sidebar.number_input(
        t("ui.side.total_budget", unit=how.unit),
        min_value=0.0,
        step=50.0 * how.factor,
        key="budget_total",
        help=t("ui.help.total_budget", periods=len(base.periods), unit=how.unit),
    )
    if math.isclose(typed, start * how.factor, rel_tol=1e-12, abs_tol=1e-9):
        return start
    return float(typed) / how.factor


def tables(base: Scenario) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Editable provinces, profiles and corridors tables (in tabs of one expander)."""
    unit = base.unit
    with st.expander(t("ui.side.edit_tables"), expanded=False):
        provinces_tab, profiles_tab, corridors_tab = st.tabs(
            [t("ui.side.provinces"), t("report.title.profiles"), t("report.title.corridors")]
        )
        with provinces_tab:
            regions = st.data_editor(
                named_regions(edit.regions_table(base), base),
                key="regions_editor",
                hide_index=True,
                disabled=["id", "name"],
                column_config={
                    "include": st.column_config.CheckboxColumn(
                        t("ui.editor.include"), help=t("ui.help.include")
                    ),
                    "id": st.column_config.TextColumn(
                        t("ui.editor.id"), help=t("ui.help.region_id")
                    ),
                    "name": st.column_config.TextColumn(t("ui.editor.province")),
                    "profile": st.column_config.SelectboxColumn(
                        t("ui.editor.profile"),
                        options=["", *base.profiles],
                        help=t("ui.help.profile"),
                    ),
                    "min_share_of_need": _share_column(t("ui.editor.floor"), t("ui.help.floor")),
                    "max_per_period": st.column_config.NumberColumn(
                        t("ui.editor.capacity", unit=scenario_unit(unit)),
                        min_value=0.0,
                        format="%.1f",
                        help=t("ui.help.capacity", unit=scenario_unit(unit)),
                    ),
                    **needs_editor.annotation_config(annotations.editable_columns(base.regions)),
                },
            )
        with profiles_tab:
            profiles = st.data_editor(
                edit.profiles_table(base),
                key="profiles_editor",
                hide_index=True,
                disabled=["profile", "sector"],
                column_config={
                    "profile": st.column_config.TextColumn(t("ui.editor.profile")),
                    "sector": st.column_config.TextColumn(t("ui.editor.sector")),
                    "weight": st.column_config.NumberColumn(
                        t("ui.editor.weight"),
                        min_value=0.0,
                        format="%.2f",
                        help=t("ui.help.profile_weight"),
                    ),
                    "share_min": _share_column(t("ui.editor.share_min"), t("ui.help.share_min")),
                    "share_max": _share_column(t("ui.editor.share_max"), t("ui.help.share_max")),
                },
            )
        with corridors_tab:
            corridors = st.data_editor(
                edit.corridors_table(base),
                key="corridors_editor",
                hide_index=True,
                disabled=["corridor", "members", "sector"],
                column_config={
                    "corridor": st.column_config.TextColumn(t("ui.editor.corridor")),
                    "members": st.column_config.TextColumn(
                        t("ui.editor.members"), help=t("ui.help.members")
                    ),
                    "sector": st.column_config.TextColumn(t("ui.editor.sector")),
                    "shared_need": st.column_config.NumberColumn(
                        t("ui.editor.shared_need", unit=scenario_unit(unit)),
                        min_value=0.0,
                        format="%.1f",
                        help=t("ui.help.shared_need", unit=scenario_unit(unit)),
                    ),
                },
            )
    return regions, profiles, corridors


def named_regions(table: pd.DataFrame, base: Scenario) -> pd.DataFrame:
    """The provinces editor's table with each province's name in the page's language (the
    ``name`` column is shown only: edits are read back by ``id``)."""
    names = region_names(base)
    return table.assign(
        name=[names.get(i, n) for i, n in zip(table["id"], table["name"], strict=True)]
    )


def _share_column(label: str, help_text: str) -> st.column_config.NumberColumn:
    """A column of shares in [0, 1]."""
    return st.column_config.NumberColumn(
        label, min_value=0.0, max_value=1.0, format="%.2f", help=help_text
    )


def _percent_input(label: str, fraction: float, step: float, key: str, help_text: str) -> float:
    """A sidebar number shown in percent (0–100), returned as a fraction."""
    percent = st.sidebar.number_input(
        label,
        min_value=0.0,
        max_value=100.0,
        value=100 * fraction,
        step=step,
        key=key,
        help=help_text,
    )
    return float(percent) / 100
