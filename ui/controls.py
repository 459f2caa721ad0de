"""The page's inputs: where the scenario comes from, its settings, and its editable tables.

Every widget has a stable key (so tests and the browser find it) and a tooltip saying what it means, in
which unit. When a different scenario is picked the keys are cleared, so the widgets start from that
scenario's own values.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from planner import Scenario, bundled_scenarios
from planner.errors import ScenarioError
from planner.i18n.catalog import t
from planner.scenario.datasets import DEFAULT_SCENARIO

from . import edit, grids, state, upload
from .language import worded

SOURCE_KEY = "source"
BUNDLED_KEY = "bundled"
UPLOAD_KEY = "upload"
BASE_DIGEST_KEY = "base_digest"
SETTING_KEYS = (
    "budget_total",
    "carry_over",
    "discount_pct",
    "tolerance_pct",
    "mode",
    "equity_weight",
    "split_editor",
    "regions_editor",
    "profiles_editor",
    "corridors_editor",
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
        help="Start from a scenario shipped with planner, or upload your own (YAML, an xlsx "
        f"workbook, or a zip of YAML + CSVs; at most {upload.MAX_UPLOAD_BYTES // 2**20} MiB).",
    )
    if kind == "Bundled":
        wanted = default or DEFAULT_SCENARIO
        index = names.index(wanted) if wanted in names else 0
        name = st.sidebar.selectbox(
            t("ui.side.bundled_scenario"),
            names,
            index=index,
            key=BUNDLED_KEY,
            help="Scenarios in planner's data/ folder (see data/README.md for their sources), and "
            "the one named on the command line.",
        )
        try:
            return Source(state.bundled_scenario(name), name, [])
        except ScenarioError as err:
            return Source(None, name, [str(p) for p in err.problems])
    return _uploaded()


def _uploaded() -> Source:
    file = st.sidebar.file_uploader(
        "Scenario file",
        type=["yaml", "yml", "xlsx", "zip"],
        key=UPLOAD_KEY,
        max_upload_size=upload.MAX_UPLOAD_BYTES // 2**20,
        help="A scenario YAML with inline tables, an xlsx workbook (see `planner template`), or a zip holding scenario.yaml and the CSV tables it "
        f"names. Limits: {upload.MAX_UPLOAD_BYTES // 2**20} MiB per upload, "
        f"{upload.MAX_ZIP_MEMBERS} files and {upload.MAX_UNZIPPED_BYTES // 2**20} MiB unpacked.",
    )
    if file is None:
        return Source(None, "", [])
    try:
        return Source(upload.scenario_from_upload(file.name, file.getvalue()), file.name, [])
    except ScenarioError as err:
        return Source(None, file.name, [str(p) for p in err.problems])


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
    unit = base.unit
    sb = st.sidebar
    sb.subheader(t("ui.side.budget"))
    total = sb.number_input(
        t("ui.side.total_budget", unit=unit),
        min_value=0.0,
        value=float(start.total_budget),
        step=50.0,
        key="budget_total",
        help=f"Money available over all {len(base.periods)} periods together, in {unit}.",
    )
    with sb.expander(t("ui.side.split")):
        split = st.data_editor(
            edit.split_table(base),
            key="split_editor",
            hide_index=True,
            disabled=["period"],
            column_config={
                "period": st.column_config.TextColumn("Period", help="Period label."),
                "weight": st.column_config.NumberColumn(
                    "Weight",
                    min_value=0.0,
                    format="%.3f",
                    help="Relative share of the total budget given to this period (any scale; "
                    "equal weights split evenly).",
                ),
            },
        )
    carry = sb.checkbox(
        t("ui.side.carry"),
        value=start.carry_over,
        key="carry_over",
        help="Money a period does not spend may be spent in later periods; otherwise it lapses.",
    )
    sb.subheader(t("ui.side.model"))
    discount = _percent_input(
        t("ui.side.discount"),
        start.discount_rate,
        0.5,
        "discount_pct",
        "Benefit in period i is weighted 1 / (1 + rate)^i: later benefit counts less. 3 = 3 %.",
    )
    tolerance = _percent_input(
        t("ui.side.tolerance"),
        start.redundancy_tolerance,
        1.0,
        "tolerance_pct",
        "How far corridor members together may exceed a shared need, in % of it "
        "(0 = each shared need is funded at most once).",
    )
    mode = sb.radio(
        t("ui.side.objective"),
        list(MODES),
        index=list(MODES).index(start.mode),
        format_func=worded("ui.side.mode"),
        key="mode",
        help="efficiency: most benefit E. equity: raise the least-covered province's coverage "
        "(allocated ÷ need) as far as possible. balanced: (1 − λ)·E/E* + λ·z/z*.",
    )
    weight = sb.slider(
        t("ui.side.equity_weight"),
        min_value=0.0,
        max_value=1.0,
        value=float(start.equity_weight),
        step=0.05,
        key="equity_weight",
        disabled=mode != "balanced",
        help="Balanced mode only: 0 = pure efficiency, 1 = pure equity (dimensionless).",
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


def tables(base: Scenario) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Editable provinces, profiles and corridors tables (in tabs of one expander)."""
    unit = base.unit
    with st.expander(t("ui.side.edit_tables"), expanded=False):
        provinces_tab, profiles_tab, corridors_tab = st.tabs(
            [t("ui.side.provinces"), t("report.title.profiles"), t("report.title.corridors")]
        )
        with provinces_tab:
            regions = st.data_editor(
                edit.regions_table(base),
                key="regions_editor",
                hide_index=True,
                disabled=["id", "name"],
                column_config={
                    "include": st.column_config.CheckboxColumn(
                        "Include", help="Untick to leave the province out of the plan entirely."
                    ),
                    "id": st.column_config.TextColumn("Id", help="Province id used in tables."),
                    "name": st.column_config.TextColumn("Province"),
                    "profile": st.column_config.SelectboxColumn(
                        "Profile",
                        options=["", *base.profiles],
                        help="Specialization profile (benefit weights and sector-share bounds); "
                        "blank = weight 1, no bounds.",
                    ),
                    "min_share_of_need": _share_column(
                        "Floor (share of need)",
                        "Equity floor: the province gets at least this share (0–1) of its "
                        "total need.",
                    ),
                    "max_per_period": st.column_config.NumberColumn(
                        f"Capacity ({unit}/period)",
                        min_value=0.0,
                        format="%.1f",
                        help=f"Absorptive capacity: most money the province can use in one period, "
                        f"in {unit}; blank = no cap.",
                    ),
                    **{
                        key: st.column_config.TextColumn(key, help="Annotation: kept as text.")
                        for key in edit.annotation_columns(base.regions)
                    },
                },
            )
        with profiles_tab:
            profiles = st.data_editor(
                edit.profiles_table(base),
                key="profiles_editor",
                hide_index=True,
                disabled=["profile", "sector"],
                column_config={
                    "profile": st.column_config.TextColumn("Profile"),
                    "sector": st.column_config.TextColumn("Sector"),
                    "weight": st.column_config.NumberColumn(
                        "Weight",
                        min_value=0.0,
                        format="%.2f",
                        help="Benefit multiplier of the sector for provinces of this profile; "
                        "blank = 1.",
                    ),
                    "share_min": _share_column(
                        "Share min",
                        "Least share (0–1) of the province's own allocation going to this "
                        "sector; blank = 0.",
                    ),
                    "share_max": _share_column(
                        "Share max",
                        "Largest share (0–1) of the province's own allocation going to this "
                        "sector; blank = 1.",
                    ),
                },
            )
        with corridors_tab:
            corridors = st.data_editor(
                edit.corridors_table(base),
                key="corridors_editor",
                hide_index=True,
                disabled=["corridor", "members", "sector"],
                column_config={
                    "corridor": st.column_config.TextColumn("Corridor"),
                    "members": st.column_config.TextColumn(
                        "Members", help="Provinces sharing the need."
                    ),
                    "sector": st.column_config.TextColumn("Sector"),
                    "shared_need": st.column_config.NumberColumn(
                        f"Shared need ({unit})",
                        min_value=0.0,
                        format="%.1f",
                        help=f"Cap on the members' combined money for this sector over the horizon, "
                        f"in {unit} (funded once, not once per member); blank = no cap.",
                    ),
                },
            )
    return regions, profiles, corridors


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


def need_grids(base: Scenario) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Needs and benefits as editable region × sector grids (blank need = no need in that sector).

    A scenario with criteria has no benefits grid (None): its benefits are derived from the scores."""
    if base.criteria is not None:
        with st.expander(t("ui.side.edit_needs"), expanded=False):
            return _need_editor(base), None
    with st.expander(t("ui.side.edit_needs"), expanded=False):
        needs_tab, benefits_tab = st.tabs(["Needs", "Benefits"])
        with needs_tab:
            needs = _need_editor(base)
        with benefits_tab:
            benefits = _grid_editor(
                grids.grid(base, "benefit"),
                "benefits_grid_editor",
                "Benefit per unit",
                "Benefit per unit of money of the first tranche; blank where there is no need.",
            )
    return needs, benefits


def _need_editor(base: Scenario) -> pd.DataFrame:
    return _grid_editor(
        grids.grid(base, "need"),
        "needs_grid_editor",
        f"Need ({base.unit})",
        f"Money the province needs in this sector over the horizon, in {base.unit}; "
        "blank = no need.",
    )


def _grid_editor(table: pd.DataFrame, key: str, label: str, help_text: str) -> pd.DataFrame:
    sectors = [c for c in table.columns if c != "region"]
    config = {
        s: st.column_config.NumberColumn(f"{s}: {label}", min_value=0.0, help=help_text)
        for s in sectors
    }
    config["region"] = st.column_config.TextColumn("Province")
    return st.data_editor(
        table, key=key, hide_index=True, disabled=["region"], column_config=config
    )
