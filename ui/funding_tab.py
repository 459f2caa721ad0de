"""The Funding tab (funding.md): which pool pays for what, each pool's use by period, debt against
debt room per province, and which pool's next yuan is worth most; each source's amount and each
rule's share can be edited, and the plan re-solves in place.

As the What matters tab's sliders, the edits are applied to the scenario *before* it is solved
(:func:`apply`, reading what the inputs held at the end of the last run), so the plan re-solves
through the session's live model: an amount or a share between 0 and 1 is a parameter, so the model
re-solves in place and never rebuilds. Money is shown and typed in the page's unit.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from planner import Plan, Scenario
from planner.analysis.funding_words import next_yuan_words, who_pays
from planner.i18n.catalog import t
from planner.i18n.names import region_names, sector_name, source_names
from planner.i18n.units import shown

from . import views

AMOUNT_PREFIX = "funding_amount_"
SHARE_PREFIX = "funding_share_"
BASE_KEY = "planner.funding.base"


def amount_key(source: str) -> str:
    return f"{AMOUNT_PREFIX}{source}"


def share_key(index: int) -> str:
    return f"{SHARE_PREFIX}{index}"


# ---- the edits into the scenario (before the solve) ----


def apply(scenario: Scenario, base: Scenario, session: Any = None) -> Scenario:
    """The scenario to solve: ``scenario`` with the amounts and shares the inputs held at the end
    of the last run (itself when nothing changed, so nothing re-solves). The inputs belong to
    ``base``: when another scenario is picked, their values are forgotten."""
    session = st.session_state if session is None else session
    remembered: Scenario | None = session.get(BASE_KEY)
    if remembered is None or remembered.digest() != base.digest():
        for key in [k for k in session if str(k).startswith((AMOUNT_PREFIX, SHARE_PREFIX))]:
            del session[key]
        session[BASE_KEY] = base
    if scenario.funding is None:
        return scenario
    return edited(scenario, chosen_amounts(scenario, session), chosen_shares(scenario, session))


def chosen_amounts(scenario: Scenario, session: Any) -> dict[str, float]:
    """Each source's amount over the horizon (scenario unit) its input holds."""
    factor = shown(scenario.unit).factor
    return {
        f: float(session[amount_key(f)]) / factor
        for f in scenario.source_amounts()
        if amount_key(f) in session
    }


def chosen_shares(scenario: Scenario, session: Any) -> dict[int, float]:
    assert scenario.funding is not None
    return {
        i: float(session[share_key(i)])
        for i in range(len(scenario.funding.rules))
        if share_key(i) in session
    }


def edited(scenario: Scenario, amounts: dict[str, float], shares: dict[int, float]) -> Scenario:
    """``scenario`` with these totals per source (a per-period source keeps its shape) and these
    rule shares; itself when none differs."""
    assert scenario.funding is not None
    current = scenario.source_amounts()
    changed: dict[str, Any] = {}
    for f, total in amounts.items():
        old = current[f]
        if abs(sum(old) - total) > 1e-9 * max(1.0, total):
            changed[f] = [a * total / sum(old) for a in old] if sum(old) > 0 else total
    rules = scenario.funding.rules
    moved = {i: v for i, v in shares.items() if v != rules[i].max_share}
    if moved:
        new_rules = [
            r.model_copy(update={"max_share": moved[i]}) if i in moved else r
            for i, r in enumerate(rules)
        ]
        data = {
            **dict(scenario),
            "funding": {"sources": scenario.funding.sources, "rules": new_rules},
        }
        scenario = type(scenario).model_validate(data)
    return scenario.with_changes(funding=changed) if changed else scenario


# ---- what the tab shows (pure: tested directly) ----


def payers_chart_data(plan: Plan) -> pd.DataFrame:
    """``source, sector, amount`` (page unit, names in the page's language) for the stacked chart."""
    how = shown(plan.unit)
    table = who_pays(plan)
    names = source_names(plan.scenario)
    sectors = list(plan.scenario.sectors)
    tidy = table[sectors].rename_axis("id").reset_index().melt(id_vars="id", var_name="key")
    return pd.DataFrame(
        {
            "source": tidy["id"].map(names),
            "sector": tidy["key"].map(sector_name),
            "amount": tidy["value"] * how.factor,
        }
    )


SOURCE_LABEL_PX = 320
"""Room for a source's name beside its bar: 新疆维吾尔自治区本级财政资金 was cut at Vega-Lite's 180 px."""


def payers_chart(plan: Plan) -> alt.Chart:
    """Who pays: each source's money by sector, in the sectors' colours of the rest of the page."""
    return (
        alt.Chart(payers_chart_data(plan))
        .mark_bar()
        .encode(
            y=alt.Y("source:N", title=None, sort=None, axis=alt.Axis(labelLimit=SOURCE_LABEL_PX)),
            x=alt.X("amount:Q", title=shown(plan.unit).unit),
            color=alt.Color("sector:N", title=None, scale=views.sector_scale(plan)),
            tooltip=["source", "sector", alt.Tooltip("amount:Q", format=",.1f")],
        )
    )


def use_by_period(plan: Plan) -> pd.DataFrame:
    """``source, period, used, available, shadow price``: each pool's use against what it had."""
    how = shown(plan.unit)
    table = plan.sources
    return pd.DataFrame(
        {
            t("column.source"): table["source"].map(source_names(plan.scenario)),
            t("column.period"): table["period"].astype(str),
            t("column.used") + f" ({how.unit})": table["used"] * how.factor,
            t("column.available") + f" ({how.unit})": table["available"] * how.factor,
            t("column.dual"): table["dual"] / how.factor,
        }
    )


def debt_by_province(plan: Plan) -> pd.DataFrame:
    """``province, drawn, room`` (page unit; room blank where unlimited)."""
    how = shown(plan.unit)
    table = plan.debt
    return pd.DataFrame(
        {
            t("column.name"): table["region"].map(region_names(plan.scenario)),
            t("column.drawn") + f" ({how.unit})": table["drawn"] * how.factor,
            t("column.room") + f" ({how.unit})": table["room"].astype(float) * how.factor,
        }
    )


# ---- the tab ----


def draw(scenario: Scenario, plan: Plan) -> None:
    """The Funding tab of a funded scenario's plan (a line saying there is none otherwise)."""
    if scenario.funding is None or plan.sources.empty:
        st.info(t("ui.funding.none"))
        return
    how = shown(plan.unit)
    st.info(next_yuan_words(plan))
    st.markdown(t("summary.who_pays_title", unit=how.unit))
    st.altair_chart(payers_chart(plan), width="stretch")
    st.markdown(t("report.funding.sources"))
    table(use_by_period(plan), money_columns=2)
    st.markdown(t("report.funding.debt"))
    table(debt_by_province(plan), money_columns=2)
    editors(scenario)


def table(frame: pd.DataFrame, money_columns: int) -> None:
    """A table whose first money columns (after the names) are to one decimal like the rest of
    the page (60.186 beside 0.289 read as noise), a shadow price to four."""
    numbers = list(frame.select_dtypes("number").columns)
    formats = {c: "%.1f" for c in numbers[:money_columns]} | {
        c: "%.4f" for c in numbers[money_columns:]
    }
    config = {c: st.column_config.NumberColumn(format=f) for c, f in formats.items()}
    st.dataframe(frame, width="stretch", hide_index=True, column_config=config)


def editors(scenario: Scenario) -> None:
    """An amount per source (over the horizon, page unit) and a share per rule."""
    assert scenario.funding is not None
    how = shown(scenario.unit)
    names = source_names(scenario)
    st.markdown(t("ui.funding.edit_amounts", unit=how.unit))
    columns = st.columns(min(4, len(scenario.funding.sources)))
    for i, (f, amounts) in enumerate(scenario.source_amounts().items()):
        key = amount_key(f)
        if key not in st.session_state:
            st.session_state[key] = sum(amounts) * how.factor
        columns[i % len(columns)].number_input(names[f], min_value=0.0, key=key)
    if not scenario.funding.rules:
        return
    st.markdown(t("ui.funding.edit_shares"))
    regions = region_names(scenario)
    every = t("ui.funding.every")
    for i, rule in enumerate(scenario.funding.rules):
        key = share_key(i)
        if key not in st.session_state:
            st.session_state[key] = rule.max_share
        label = t(
            "ui.funding.rule",
            source=names.get(rule.source, rule.source),
            region=regions.get(rule.region, every) if rule.region else every,
            sector=sector_name(rule.sector) if rule.sector else every,
        )
        st.slider(label, min_value=0.0, max_value=1.0, step=0.05, key=key)
