"""Tables of plan data as the page shows them, in the page's language and money unit.

The analyses (frontier, Pareto, compare, alternatives, attribution, the run store) hand back tables
with machine column names (``min_coverage``, ``newly_funded``) and values in the scenario's unit.
They are translated here, at display: each header comes from the catalog (``ui.col.<column>``, else
the reports' ``column.<column>``) with the shown unit on money, money is multiplied into the shown
unit, and in Chinese the keys in the cells (regions, sectors, profiles, corridors, groups, statuses)
become names. The table keeps its machine column names, so what a test or a download reads is the
same in both languages; only the page's view changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
import streamlit as st

from planner import Plan
from planner.i18n.catalog import DEFAULT_LANGUAGE, catalog, language, t
from planner.i18n.names import key_name, project_names, region_names
from planner.i18n.units import shown
from planner.reports import tables

SHARES = tables.SHARES | {"epsilon", "coverage_a", "coverage_b"}
"""Columns holding a share in [0, 1], shown as a percentage."""

STATUS_COLUMNS = ("status",)

PER_MONEY = {"dual", "dual_a", "dual_b"}
"""Columns per unit of money (shadow prices): divided, not multiplied, by the unit's factor."""


def header(column: str) -> str:
    """A column's header in the page's language, without its unit: ``ui.col.<column>``, else the
    reports' ``column.<column>``, else the machine name in words."""
    for key in (f"ui.col.{column}", f"column.{column}"):
        if key in catalog(DEFAULT_LANGUAGE):
            return t(key)
    return column.replace("_", " ")


def config(
    frame: pd.DataFrame, unit: str, money: Iterable[str] = (), digits: int = 1
) -> dict[str, Any]:
    """``st.dataframe``'s column_config for ``frame``: every header translated, money columns
    (the reports' money columns and ``money``) named with the shown unit, shares in percent."""
    extra = set(money)
    shown_unit = shown(unit).unit
    columns: dict[str, Any] = {}
    for column in frame.columns:
        name = str(column)
        label = header(name)
        if tables.is_money(name) or name in extra:
            columns[name] = st.column_config.NumberColumn(
                f"{label} ({shown_unit})", format=f"%.{digits}f"
            )
        elif name in PER_MONEY:
            columns[name] = st.column_config.NumberColumn(
                t("column.dual_unit", label=label, unit=shown_unit), format="%.4f"
            )
        elif name in SHARES:
            columns[name] = st.column_config.NumberColumn(label, format="percent")
        else:
            columns[name] = label
    return columns


def values(
    frame: pd.DataFrame, plan: Plan | None, unit: str, money: Iterable[str] = ()
) -> pd.DataFrame:
    """``frame`` with money in the shown unit, regions and constraints by name, no "None" in a text
    cell and, in Chinese, sectors, statuses and other keys in words."""
    frame = frame.copy()
    for column in frame.columns:  # an empty text cell, not "None"
        if pd.api.types.is_object_dtype(frame[column]) or pd.api.types.is_string_dtype(
            frame[column]
        ):
            frame[column] = frame[column].where(frame[column].notna(), "")
    factor = shown(unit).factor
    for column in frame.columns:
        if tables.is_money(str(column)) or column in set(money):
            frame[column] = pd.to_numeric(frame[column], errors="coerce") * factor
        elif column in PER_MONEY:
            frame[column] = pd.to_numeric(frame[column], errors="coerce") / factor
    if "region" in frame.columns and plan is not None and plan.scenario is not None:
        names = region_names(plan.scenario)  # names in every language: `inner_mongolia` is an id
        frame["region"] = [names.get(r, r) if isinstance(r, str) else r for r in frame["region"]]
    if "name" in frame.columns and "kind" in frame.columns:  # constraints: `budget[2026]`
        frame["name"] = [constraint_label(n, plan) for n in frame["name"]]
        frame["kind"] = [constraint_kind(k) for k in frame["kind"]]
    if language() == DEFAULT_LANGUAGE:
        return frame
    frame = tables.named(frame)
    for column in STATUS_COLUMNS:
        if column in frame.columns:
            frame[column] = [status(s) for s in frame[column]]
    return frame


def status(value: Any) -> Any:
    """A solve status (``optimal``, ``time limit``) in the page's language."""
    if not isinstance(value, str):
        return value
    key = f"status.{value.replace(' ', '_')}"
    return t(key) if key in catalog(DEFAULT_LANGUAGE) else value


def show(
    frame: pd.DataFrame,
    plan: Plan | None,
    unit: str,
    money: Iterable[str] = (),
    overrides: dict[str, Any] | None = None,
    hidden: Iterable[str] = (),
) -> None:
    """``frame`` as a table of the page: translated headers and cells, money in the shown unit;
    ``overrides`` replaces the config of some columns (a format, a width); ``hidden`` columns (ids
    a person needs not read) stay in the table but off the page."""
    money = list(money)
    left_out = set(hidden)
    st.dataframe(
        values(frame, plan, unit, money),
        hide_index=True,
        width="stretch",
        column_order=[c for c in frame.columns if c not in left_out] if left_out else None,
        column_config=config(frame, unit, money) | (overrides or {}),
    )


def pair(region: str, sector: str, plan: Plan | None) -> str:
    """``region/sector`` by name in the page's language: ``Sichuan/water`` or ``四川/水利``."""
    if plan is None or plan.scenario is None:
        return f"{region}/{sector}"
    return f"{region_names(plan.scenario).get(region, region)}/{key_name('sector', sector)}"


def pairs(text: Any, plan: Plan | None) -> Any:
    """A list of ``region/sector`` pairs as the frontier writes it (``a/x, b/y``), named."""
    if not isinstance(text, str) or not text:
        return text
    named = [pair(*item.split("/", 1), plan) if "/" in item else item for item in text.split(", ")]
    return t("list.separator").join(named)


def constraint_kind(kind: Any) -> Any:
    """A constraint's kind (``budget``, ``share_max``) in words: ``report.kind.<kind>``."""
    key = f"report.kind.{kind}"
    return t(key) if isinstance(kind, str) and key in catalog(DEFAULT_LANGUAGE) else kind


def constraint_label(name: Any, plan: Plan | None) -> Any:
    """A constraint's id as a person reads it: ``share_max[xizang,transport]`` becomes
    ``Sector share max: Xizang, transport`` (``西藏、交通``): its kind in words, then its indices
    by name (regions, sectors, corridors, periods)."""
    if not isinstance(name, str) or "[" not in name or not name.endswith("]"):
        return name
    kind, inside = name[:-1].split("[", 1)
    words = [_index_name(part.strip(), plan) for part in inside.split(",")]
    return t("ui.constraint_label", kind=constraint_kind(kind), at=t("list.separator").join(words))


def _index_name(part: str, plan: Plan | None) -> str:
    """One index of a constraint's id by its name: a region's, a sector's, a corridor's."""
    scenario = plan.scenario if plan is not None else None
    if scenario is not None:
        regions = region_names(scenario)
        if part in regions:
            return regions[part]
        if part in scenario.corridors:
            return key_name("corridor", part)
        if part in scenario.project_groups:
            return key_name("group", part)
        projects = project_names(scenario)
        if part in projects:
            return projects[part]
    return key_name("sector", part)


MINUS = "\u2212"
"""The typographic minus sign, as a change is printed: ``−18.1 pp``."""


def signed(value: float | None, digits: int = 1, unit: str = "") -> str:
    """A change as a planner reads it: ``+3.2``, ``−18.1 pp``; a rounding residue is ``0``, never
    ``−0`` or ``-0.000``; ``—`` for none."""
    if value is None or value != value:
        return "—"
    text = f"{abs(value):,.{digits}f}"
    if float(text.replace(",", "")) == 0:
        text = "0"
    elif value < 0:
        text = MINUS + text
    else:
        text = "+" + text
    return f"{text} {unit}".strip()


def points(change: float | None, digits: int = 1) -> str:
    """A change of a share in percentage points: ``−18.1 pp`` (``−18.1 个百分点``)."""
    return signed(None if change is None else 100 * change, digits, t("unit.pp"))
