"""The needs' editors: the needs grid, the benefits grid (or, with criteria, one grid of scores per
criterion, chosen by a selector) and the needs' notes (their annotation columns).

Only the chosen criterion's grid is drawn, and Streamlit forgets a widget that is not drawn; so each
criterion's grid as last edited is kept in the session (``SCORES_KEY``) and is where its editor starts
when it is chosen again. Every grid reaches the scenario, drawn or not.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import pandas as pd
import streamlit as st

from planner import Scenario
from planner.i18n.catalog import catalog, language, t
from planner.i18n.names import criterion_names, sector_name
from planner.i18n.units import scenario_unit

from . import grids

NEEDS_KEY = "needs_grid_editor"
BENEFITS_KEY = "benefits_grid_editor"
NOTES_KEY = "needs_notes_editor"
CRITERION_KEY = "scores_criterion"
SCORES_KEY = "planner.scores_grids"
STATE_KEYS = (NEEDS_KEY, BENEFITS_KEY, NOTES_KEY, CRITERION_KEY, SCORES_KEY)
"""Session keys that belong to one scenario (cleared when another is picked)."""


def scores_key(criterion: str) -> str:
    """The widget key of one criterion's grid of scores."""
    return f"scores_grid_editor_{criterion}"


@dataclass
class NeedEdits:
    """The needs' tables as the page holds them: what :func:`ui.edit.edited_scenario` reads."""

    needs: pd.DataFrame
    benefits: pd.DataFrame | None
    scores: dict[str, pd.DataFrame] | None
    notes: pd.DataFrame

    def as_arguments(self) -> dict[str, Any]:
        """As keyword arguments of :func:`ui.edit.edited_scenario` (the same names)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def need_editors(base: Scenario) -> NeedEdits:
    """Needs, their benefits or scores, and their notes, in tabs of one expander."""
    scored = base.criteria is not None
    title = t("ui.side.edit_needs_scores" if scored else "ui.side.edit_needs")
    with st.expander(title, expanded=False):
        needs_tab, values_tab, notes_tab = st.tabs(
            [
                t("ui.needs.tab_needs"),
                t("ui.needs.tab_scores" if scored else "ui.needs.tab_benefits"),
                t("ui.needs.tab_notes"),
            ]
        )
        with needs_tab:
            needs = grid_editor(
                grids.grid(base, "need"),
                NEEDS_KEY,
                t("ui.needs.need_label", unit=scenario_unit(base.unit)),
                t("ui.needs.need_help", unit=scenario_unit(base.unit)),
            )
        benefits, scores = None, None
        with values_tab:
            if scored:
                scores = score_editors(base)
            else:
                benefits = grid_editor(
                    grids.grid(base, grids.BENEFIT),
                    BENEFITS_KEY,
                    t("ui.needs.benefit_label"),
                    t("ui.needs.benefit_help"),
                )
        with notes_tab:
            notes = notes_editor(base)
    return NeedEdits(needs, benefits, scores, notes)


def score_editors(base: Scenario) -> dict[str, pd.DataFrame]:
    """A selector of the criterion and its grid of scores; returns every criterion's grid."""
    criteria = base.criteria or {}
    names = criterion_names(base)  # resolved now: AppTest calls format_func outside the page's run
    chosen = st.selectbox(
        t("ui.needs.criterion"),
        list(criteria),
        format_func=lambda key: names[key],
        key=CRITERION_KEY,
        help=t("ui.needs.criterion_help"),
    )
    kept: dict[str, pd.DataFrame] = st.session_state.setdefault(SCORES_KEY, {})
    tables = {key: kept.get(key, grids.grid(base, key)) for key in criteria}
    if chosen is not None:
        label = names[chosen]
        tables[chosen] = kept[chosen] = grid_editor(
            tables[chosen],
            scores_key(chosen),
            t("ui.needs.score_label", criterion=label),
            t("ui.needs.score_help", criterion=label),
        )
    return tables


def grid_editor(table: pd.DataFrame, key: str, label: str, help_text: str) -> pd.DataFrame:
    """A region × sector grid of numbers ≥ 0, the regions fixed."""
    sectors = [c for c in table.columns if c != "region"]
    config = {
        s: st.column_config.NumberColumn(
            t("ui.editor.grid_cell", sector=sector_name(s), label=label),
            min_value=0.0,
            help=help_text,
        )
        for s in sectors
    }
    config["region"] = st.column_config.TextColumn(t("ui.needs.province"))
    return st.data_editor(
        table, key=key, hide_index=True, disabled=["region"], column_config=config
    )


def notes_editor(base: Scenario) -> pd.DataFrame:
    """The needs' annotations, one row per need, as editable text."""
    table = grids.notes_table(base)
    st.markdown(t("ui.needs.notes_caption"))  # not a caption: the status line is the first one
    columns = [c for c in table.columns if c not in ("region", "sector")]
    return st.data_editor(
        table,
        key=NOTES_KEY,
        hide_index=True,
        disabled=["region", "sector"],
        column_config={
            "region": st.column_config.TextColumn(t("ui.needs.province")),
            "sector": st.column_config.TextColumn(t("ui.needs.sector")),
            **annotation_config(columns),
        },
    )


def annotation_config(columns: list[str]) -> dict[str, Any]:
    """Editable text columns for annotations (``source``, ``note``, …), each saying what it is."""
    return {
        key: st.column_config.TextColumn(
            annotation_label(key), help=t("ui.annotation.help"), width="medium"
        )
        for key in columns
    }


def annotation_label(key: str) -> str:
    """The header of an annotation column: the page's word for a common one (``source``,
    ``status``, …), else the data's own column name."""
    known = f"ui.annotation.column.{key}"
    return t(known) if known in catalog(language()) else key
