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
from planner.scenario.datasets import data_dir

SECTOR_SCHEME = "tableau10"


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
    unit = plan.unit
    columns = st.columns(4)
    total = plan.scenario.total_budget() if plan.scenario is not None else None
    share = f" of {total:,.0f}" if total else ""
    figures = [
        (
            "Allocated",
            plan.allocated_total if plan.is_optimal else None,
            f"{{:,.1f}} {unit}",
            f"Money allocated over all periods, in {unit}{share}. The rest is unspent.",
            lambda p: p.allocated_total if p.is_optimal else None,
        ),
        (
            "Benefit E",
            plan.E,
            "{:,.1f}",
            "Discounted, weighted benefit of the plan (the efficiency objective): Σ discount × "
            "profile weight × benefit per unit × tranche factor × money.",
            lambda p: p.E,
        ),
        (
            "Min coverage",
            plan.min_coverage,
            "{:.1%}",
            "Least coverage over provinces with a need: allocated ÷ total need (the equity objective).",
            lambda p: p.min_coverage,
        ),
        (
            f"Value of +1 {unit}",
            budget_value(plan),
            "{:.3f}",
            f"Shadow price of the budget: how much the {plan.mode} objective would rise with one more "
            f"{unit} of total budget, split over periods as now.",
            budget_value,
        ),
    ]
    for column, (label, value, fmt, help_text, of) in zip(columns, figures, strict=True):
        delta = None
        if baseline is not None and value is not None and of(baseline) is not None:
            delta = fmt.format(value - of(baseline))
        column.metric(
            label, "—" if value is None else fmt.format(value), delta=delta, help=help_text
        )


# ---- allocation ----


def labels(plan: Plan) -> dict[str, str]:
    if plan.scenario is None:
        return {}
    return {r.id: r.label for r in plan.scenario.regions}


def region_sector(plan: Plan) -> pd.DataFrame:
    """Allocation summed over periods, tidy: province, sector, amount."""
    table = plan.allocation.groupby(["region", "sector"], sort=False, as_index=False)[
        "amount"
    ].sum()
    table["province"] = table["region"].map(labels(plan)).fillna(table["region"])
    return table


def heat_table(plan: Plan) -> alt.Chart:
    """Provinces × sectors, each cell's colour and label its money over all periods."""
    table = region_sector(plan)
    order = list(dict.fromkeys(table["province"]))
    base = alt.Chart(table).encode(
        x=alt.X("sector:N", title=None, axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("province:N", sort=order, title=None, axis=alt.Axis(labelOverlap=False)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("amount:Q", scale=alt.Scale(scheme="blues"), title=plan.unit),
        tooltip=["province", "sector", alt.Tooltip("amount:Q", format=",.1f", title=plan.unit)],
    )
    text = base.mark_text(fontSize=11).encode(
        text=alt.Text("amount:Q", format=",.0f"),
        color=alt.condition(
            alt.datum.amount > table["amount"].max() / 2, alt.value("white"), alt.value("black")
        ),
    )
    return (cells + text).properties(height=alt.Step(26))


def stacked_bar(plan: Plan) -> alt.Chart:
    """Money per province, stacked by sector."""
    table = region_sector(plan)
    order = table.groupby("province", sort=False)["amount"].sum().sort_values(ascending=False).index
    return (
        alt.Chart(table)
        .mark_bar()
        .encode(
            x=alt.X("province:N", sort=list(order), title=None),
            y=alt.Y("amount:Q", title=f"allocated ({plan.unit})"),
            color=alt.Color("sector:N", scale=alt.Scale(scheme=SECTOR_SCHEME)),
            tooltip=["province", "sector", alt.Tooltip("amount:Q", format=",.1f")],
        )
        .properties(height=320)
    )


def period_table(plan: Plan) -> pd.DataFrame:
    table = plan.budget.copy()
    table["period"] = table["period"].astype(str)
    return table.set_index("period")


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


def tile_map(plan: Plan) -> tuple[alt.Chart | None, list[str]]:
    """Coverage on the tile grid; also the provinces that have no tile (shown in a note).

    Every province of the grid is drawn, those outside the scenario in grey, so the map keeps its shape.
    """
    grid = tile_grid()
    table = coverage_table(plan).merge(grid[["id", "row", "col"]], left_on="region", right_on="id")
    missing = sorted(set(plan.coverage["region"]) - set(grid["id"]))
    if table.empty:
        return None, missing
    table["short"] = table["province"].str.slice(0, 12)
    outside = grid[~grid["id"].isin(table["region"])].assign(
        short=lambda g: g["name"].str.slice(0, 12)
    )
    x = alt.X("col:O", axis=None, scale=alt.Scale(domain=sorted(grid["col"].unique())))
    y = alt.Y("row:O", axis=None, scale=alt.Scale(domain=sorted(grid["row"].unique())))
    background = alt.Chart(outside).encode(x=x, y=y)
    grey = background.mark_rect(
        color="#eeeeee", stroke="white", strokeWidth=2
    ) + background.mark_text(fontSize=9, color="#999999").encode(text="short:N")
    base = alt.Chart(table).encode(x=x, y=y)
    tiles = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color(
            "coverage:Q",
            scale=alt.Scale(scheme="greens", domain=[0, 1]),
            legend=alt.Legend(format="%", title="coverage"),
        ),
        tooltip=[
            "province",
            alt.Tooltip("coverage:Q", format=".1%"),
            alt.Tooltip("floor:Q", format=".0%"),
            alt.Tooltip("allocated:Q", format=",.1f", title=f"allocated ({plan.unit})"),
            alt.Tooltip("need:Q", format=",.1f", title=f"need ({plan.unit})"),
        ],
    )
    names = base.mark_text(dy=-7, fontSize=10).encode(text="short:N")
    values = base.mark_text(dy=8, fontSize=11, fontWeight="bold").encode(
        text=alt.Text("coverage:Q", format=".0%")
    )
    chart = (grey + tiles + names + values).properties(width=alt.Step(76), height=alt.Step(50))
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
            x=alt.X("coverage:Q", axis=alt.Axis(format="%"), title="coverage (allocated ÷ need)"),
            color=alt.condition(alt.datum.meets_floor, alt.value("#4c78a8"), alt.value("#e45756")),
            tooltip=[
                "province",
                alt.Tooltip("coverage:Q", format=".1%"),
                alt.Tooltip("floor:Q", format=".0%"),
            ],
        )
    )
    floors = (
        alt.Chart(table)
        .mark_tick(color="black", thickness=2)
        .encode(y=alt.Y("province:N", sort=order), x="floor:Q")
    )
    return (bars + floors).properties(height=alt.Step(22))
