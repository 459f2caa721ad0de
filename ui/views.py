"""Charts and tables of a plan. Each function draws one thing from a Plan's own tables.

Charts are Altair specs rendered by Streamlit (no network requests); numbers come from the Plan, never
recomputed from the model.
"""

from __future__ import annotations

from functools import lru_cache

import altair as alt
import pandas as pd
import streamlit as st

from planner import Plan
from planner.analysis.replan import locked_labels
from planner.i18n.catalog import t
from planner.i18n.names import province_name, region_names, sector_name
from planner.i18n.units import shown
from planner.scenario.datasets import data_dir

from . import display

# ---- KPIs ----


def budget_value(plan: Plan) -> float | None:
    """Objective gained per extra unit of total budget, spread over periods as the budget is split.

    The budget rows' duals weighted by each period's share of the total (the even split of a scalar
    budget gives their mean); ``None`` without an optimal plan.
    """
    rows = plan.constraints[plan.constraints["kind"] == "budget"]
    budgets = plan.budget["budget"].to_numpy(dtype=float)
    if not plan.is_optimal or len(rows) != len(budgets) or budgets.sum() <= 0:
        return None
    shares = budgets / budgets.sum()
    return float((rows["dual"].to_numpy(dtype=float) * shares).sum())


def kpi_cards(plan: Plan, baseline: Plan | None = None) -> None:
    """Allocated money, benefit E, least coverage and the value of one more unit of budget."""
    how = shown(plan.unit)
    unit = how.unit
    columns = st.columns(4)
    total = plan.scenario.total_budget() if plan.scenario is not None else None
    share = t("ui.kpi.of_total", total=f"{total * how.factor:,.0f}") if total else ""

    def allocated(p: Plan) -> float | None:
        return p.allocated_total * how.factor if p.is_optimal else None

    def value_of_one(p: Plan) -> float | None:
        worth = budget_value(p)
        return None if worth is None else worth / how.factor  # objective per shown unit

    figures = [
        (
            t("ui.kpi.allocated"),
            allocated(plan),
            f"{{:,.1f}} {unit}",
            t("ui.kpi.allocated_help", unit=unit, share=share),
            allocated,
        ),
        (t("ui.kpi.benefit"), plan.E, "{:,.1f}", t("ui.kpi.benefit_help"), lambda p: p.E),
        (
            t("ui.kpi.coverage"),
            plan.min_coverage,
            "{:.1%}",
            t("ui.kpi.coverage_help"),
            lambda p: p.min_coverage,
        ),
        (
            t("ui.kpi.value", unit=unit),
            value_of_one(plan),
            "{:.3f}",
            t("ui.kpi.value_help", mode=t(f"mode.{plan.mode}"), unit=unit),
            value_of_one,
        ),
    ]
    changes = [
        lambda d: display.signed(d, 1, unit),
        lambda d: display.signed(d, 1),
        display.points,  # a change of coverage in percentage points, never "%"
        lambda d: display.signed(d, 3),
    ]
    for column, (label, value, fmt, help_text, of), change in zip(
        columns, figures, changes, strict=True
    ):
        delta = None
        if baseline is not None and value is not None and of(baseline) is not None:
            # an ASCII minus: Streamlit reads it for the arrow's direction and colour
            delta = change(value - of(baseline)).replace(display.MINUS, "-")
        column.metric(
            label,
            "—" if value is None else fmt.format(value),
            delta=delta,
            delta_color="off" if delta is not None and delta.startswith("0") else "normal",
            help=help_text,
        )


def least_covered(plan: Plan) -> str:
    """A line naming the least-covered province(s) and their coverage; empty without a plan."""
    if not plan.is_optimal or plan.min_coverage is None or plan.min_coverage != plan.min_coverage:
        return ""
    table = coverage_table(plan).dropna(subset=["coverage"])
    least = table[table["coverage"] <= plan.min_coverage + 1e-9]
    names = t("list.separator").join(least["province"])
    return t("ui.least_covered", names=names, share=f"{plan.min_coverage:.1%}")


# ---- allocation ----


def labels(plan: Plan) -> dict[str, str]:
    """Region id → name in the page's language."""
    if plan.scenario is None:
        return {}
    return region_names(plan.scenario)


def region_sector(plan: Plan) -> pd.DataFrame:
    """Allocation summed over periods, tidy: province, sector (its name in the page's language),
    amount (in the shown unit of money)."""
    table = plan.allocation.groupby(["region", "sector"], sort=False, as_index=False)[
        "amount"
    ].sum()
    table["province"] = table["region"].map(labels(plan)).fillna(table["region"])
    table["sector"] = table["sector"].map(sector_name)
    table["amount"] = table["amount"] * shown(plan.unit).factor
    return table


def province_order(table: pd.DataFrame) -> list[str]:
    """Provinces by their money, the largest first: the order of the heat table and the bars."""
    totals = table.groupby("province", sort=False)["amount"].sum()
    return list(totals.sort_values(ascending=False, kind="stable").index)


def with_totals(table: pd.DataFrame) -> pd.DataFrame:
    """The province × sector table with a total per province (a column), per sector (a row) and
    overall, each flagged ``total`` so the heat table can draw them apart from the cells."""
    total = t("column.total")
    rows = table.groupby("province", sort=False, as_index=False)["amount"].sum()
    columns = table.groupby("sector", sort=False, as_index=False)["amount"].sum()
    grand = pd.DataFrame(
        {"province": [total], "sector": [total], "amount": [table["amount"].sum()]}
    )
    totals = pd.concat(
        [rows.assign(sector=total), columns.assign(province=total), grand], ignore_index=True
    )
    return pd.concat(
        [table[["province", "sector", "amount"]].assign(total=False), totals.assign(total=True)],
        ignore_index=True,
    )


def heat_table(plan: Plan) -> alt.Chart:
    """Provinces × sectors, each cell's colour and label its money over all periods, with a total
    per province and per sector; provinces in the order of the bar chart beside it."""
    table = region_sector(plan)
    unit = shown(plan.unit).unit
    total = t("column.total")
    order = [*province_order(table), total]
    sectors = [*dict.fromkeys(table["sector"]), total]
    data = with_totals(table)
    most = table["amount"].max()
    base = alt.Chart(data).encode(
        x=alt.X("sector:N", sort=sectors, title=None, axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("province:N", sort=order, title=None, axis=alt.Axis(labelOverlap=False)),
    )
    cells = (
        base.mark_rect()
        .encode(
            color=alt.Color("amount:Q", scale=alt.Scale(scheme="blues"), title=unit),
            tooltip=[*_names_tooltip(), alt.Tooltip("amount:Q", format=",.1f", title=unit)],
        )
        .transform_filter(alt.datum.total == False)  # noqa: E712 (a Vega expression)
    )
    sums = (
        base.mark_rect(color="#f0f0f0", stroke="white")
        .encode(tooltip=[*_names_tooltip(), alt.Tooltip("amount:Q", format=",.1f", title=unit)])
        .transform_filter(alt.datum.total == True)  # noqa: E712
    )
    text = (
        base.mark_text(fontSize=11)
        .encode(
            text=alt.Text("amount:Q", format=",.0f"),
            color=alt.condition(
                alt.datum.amount > most / 2, alt.value("white"), alt.value("black")
            ),
        )
        .transform_filter(alt.datum.total == False)  # noqa: E712
    )
    sum_text = (
        base.mark_text(fontSize=11, fontWeight="bold")
        .encode(text=alt.Text("amount:Q", format=",.0f"))
        .transform_filter(alt.datum.total == True)  # noqa: E712
    )
    return (cells + sums + text + sum_text).properties(height=alt.Step(26))


LOCKED_GREY = "#d9d9d9"
"""A locked period's cells: grey, whatever their money (fixed by the past, not decided here)."""


def period_heat(plan: Plan) -> pd.DataFrame:
    """Money per province and period over all sectors, in the shown unit: ``province, period,
    amount, locked``; a locked period's label says it was spent."""
    table = plan.allocation.groupby(["region", "period"], sort=False, as_index=False)[
        "amount"
    ].sum()
    locked = set(locked_labels(plan))
    table["province"] = table["region"].map(labels(plan)).fillna(table["region"])
    table["amount"] = table["amount"] * shown(plan.unit).factor
    table["locked"] = [str(p) in locked for p in table["period"]]
    table["period"] = [
        t("ui.heat.locked_period", period=p) if str(p) in locked else str(p)
        for p in table["period"]
    ]
    return table[["province", "period", "amount", "locked"]]


def period_heat_table(plan: Plan) -> alt.Chart:
    """Provinces × periods, the money of each; the locked periods' cells grey (their money is what
    was spent), the others coloured by their money; provinces in the heat table's order."""
    data = period_heat(plan)
    unit = shown(plan.unit).unit
    order = province_order(region_sector(plan))
    live = data[~data["locked"]]
    most = live["amount"].max() if len(live) else 0.0
    tooltip = [
        alt.Tooltip("province:N", title=t("ui.chart.province")),
        alt.Tooltip("period:N", title=t("column.period")),
        alt.Tooltip("amount:Q", format=",.1f", title=unit),
    ]
    base = alt.Chart(data).encode(
        x=alt.X(
            "period:N",
            sort=list(dict.fromkeys(data["period"])),
            title=None,
            axis=alt.Axis(orient="top", labelAngle=0),
        ),
        y=alt.Y("province:N", sort=order, title=None, axis=alt.Axis(labelOverlap=False)),
        tooltip=tooltip,
    )
    cells = (
        base.mark_rect()
        .encode(color=alt.Color("amount:Q", scale=alt.Scale(scheme="blues"), title=unit))
        .transform_filter(alt.datum.locked == False)  # noqa: E712 (a Vega expression)
    )
    past = base.mark_rect(color=LOCKED_GREY).transform_filter(alt.datum.locked == True)  # noqa: E712
    text = base.mark_text(fontSize=11).encode(
        text=alt.Text("amount:Q", format=",.0f"),
        color=alt.condition(
            (alt.datum.locked == False) & (alt.datum.amount > most / 2),  # noqa: E712
            alt.value("white"),
            alt.value("black"),
        ),
    )
    return (cells + past + text).properties(height=alt.Step(26))


def stacked_bar(plan: Plan) -> alt.Chart:
    """Money per province, stacked by sector; provinces in the heat table's order."""
    table = region_sector(plan)
    return (
        alt.Chart(table)
        .mark_bar()
        .encode(
            x=alt.X("province:N", sort=province_order(table), title=None),
            y=alt.Y("amount:Q", title=t("ui.chart.allocated", unit=shown(plan.unit).unit)),
            color=alt.Color("sector:N", scale=sector_scale(plan), title=t("ui.chart.sector")),
            tooltip=[*_names_tooltip(), alt.Tooltip("amount:Q", format=",.1f")],
        )
        .properties(height=320)
    )


SECTOR_COLOURS = ("#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b", "#b279a2")
"""Tableau's first colours, given to the scenario's sectors in their order, so a sector keeps its
colour whatever its name in the page's language (its name sorts differently in Chinese)."""


def sector_scale(plan: Plan) -> alt.Scale:
    """Sector name → colour, by the sector's place in the scenario (the same in both languages)."""
    sectors = plan.scenario.sectors if plan.scenario is not None else []
    names = [sector_name(s) for s in sectors]
    colours = [SECTOR_COLOURS[i % len(SECTOR_COLOURS)] for i in range(len(names))]
    return alt.Scale(domain=names, range=colours)


def _names_tooltip() -> list[alt.Tooltip]:
    return [
        alt.Tooltip("province:N", title=t("ui.chart.province")),
        alt.Tooltip("sector:N", title=t("ui.chart.sector")),
    ]


def period_table(plan: Plan) -> pd.DataFrame:
    """The budget per period in the shown unit, headed in the page's language."""
    table = plan.budget.copy()
    table["period"] = table["period"].astype(str)
    factor = shown(plan.unit).factor
    money = [c for c in table.columns if c != "period"]
    table[money] = table[money] * factor
    table = table.set_index("period")
    table.index.name = t("column.period")  # "carried_in" is a column's id, in English too
    return table.rename(columns={c: t(f"column.{c}") for c in money})


# ---- map and coverage ----


@lru_cache(maxsize=1)
def tile_grid() -> pd.DataFrame:
    """The provinces' tile-grid cartogram (data/tile_grid.csv: id, name, row, col)."""
    path = data_dir() / "tile_grid.csv"
    if not path.is_file():
        return pd.DataFrame(columns=["id", "name", "row", "col"])
    return pd.read_csv(path)


def coverage_table(plan: Plan) -> pd.DataFrame:
    table = plan.coverage.copy()
    table["province"] = table["region"].map(labels(plan)).fillna(table["region"])
    table["meets_floor"] = table["coverage"].fillna(1.0) + 1e-9 >= table["floor"]
    return table


TILE = (92, 50)
"""A tile's width and height in pixels: wide enough for "Inner Mongolia" whole at 9 px."""
SMALL_TILE = (38, 30)
"""A tile of the small maps beside each other (alternatives): its value only, the name on hover."""


def tile_map(plan: Plan, small: bool = False) -> tuple[alt.Chart | None, list[str]]:
    """Coverage on the tile grid; also the provinces that have no tile (shown in a note).

    Every province of the grid is drawn, those outside the scenario in grey, so the map keeps its
    shape. A ``small`` map (three side by side) shows each tile's coverage and names its province
    on hover, since no name fits a tile a third of the width without running into the next.
    """
    grid = tile_grid()
    table = coverage_table(plan).merge(grid[["id", "row", "col"]], left_on="region", right_on="id")
    missing = sorted(set(plan.coverage["region"]) - set(grid["id"]))
    if table.empty:
        return None, missing
    table["short"] = table["province"]
    factor = shown(plan.unit).factor
    table[["allocated", "need"]] = table[["allocated", "need"]] * factor
    unit = shown(plan.unit).unit
    outside = grid[~grid["id"].isin(table["region"])].assign(
        short=lambda g: [province_name(i, n) for i, n in zip(g["id"], g["name"], strict=True)]
    )
    x = alt.X("col:O", axis=None, scale=alt.Scale(domain=sorted(grid["col"].unique())))
    y = alt.Y("row:O", axis=None, scale=alt.Scale(domain=sorted(grid["row"].unique())))
    background = alt.Chart(outside).encode(x=x, y=y)
    grey = background.mark_rect(color="#eeeeee", stroke="white", strokeWidth=2)
    if not small:
        grey += background.mark_text(fontSize=9, color="#999999").encode(text="short:N")
    base = alt.Chart(table).encode(x=x, y=y)
    tiles = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color(
            "coverage:Q",
            scale=alt.Scale(scheme="greens", domain=[0, 1]),
            legend=alt.Legend(format="%", title=t("ui.chart.coverage")),
        ),
        tooltip=[
            alt.Tooltip("province:N", title=t("ui.chart.province")),
            alt.Tooltip("coverage:Q", format=".1%", title=t("ui.chart.coverage")),
            alt.Tooltip("floor:Q", format=".0%", title=t("ui.chart.floor")),
            alt.Tooltip("allocated:Q", format=",.1f", title=t("ui.chart.allocated", unit=unit)),
            alt.Tooltip("need:Q", format=",.1f", title=t("ui.chart.need", unit=unit)),
        ],
    )
    width, height = SMALL_TILE if small else TILE
    values = base.mark_text(dy=0 if small else 8, fontSize=9 if small else 11, fontWeight="bold")
    values = values.encode(text=alt.Text("coverage:Q", format=".0%"))
    layers = grey + tiles + values
    if not small:
        layers += base.mark_text(dy=-7, fontSize=9, limit=width - 4).encode(text="short:N")
    chart = layers.properties(width=alt.Step(width), height=alt.Step(height))
    return chart, missing


def coverage_chart(plan: Plan) -> alt.Chart:
    """Coverage per province (bar) against its equity floor (black tick)."""
    table = coverage_table(plan)
    order = list(table["province"])
    bars = (
        alt.Chart(table)
        .mark_bar()
        .encode(
            y=alt.Y("province:N", sort=order, title=None, axis=alt.Axis(labelOverlap=False)),
            x=alt.X("coverage:Q", axis=alt.Axis(format="%"), title=t("ui.chart.coverage_axis")),
            color=alt.condition(alt.datum.meets_floor, alt.value("#4c78a8"), alt.value("#e45756")),
            tooltip=[
                alt.Tooltip("province:N", title=t("ui.chart.province")),
                alt.Tooltip("coverage:Q", format=".1%", title=t("ui.chart.coverage")),
                alt.Tooltip("floor:Q", format=".0%", title=t("ui.chart.floor")),
            ],
        )
    )
    floors = (
        alt.Chart(table)
        .mark_tick(color="black", thickness=2)
        .encode(y=alt.Y("province:N", sort=order), x="floor:Q")
    )
    return (bars + floors).properties(height=alt.Step(22))
