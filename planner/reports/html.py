"""The plan as one self-contained HTML page: inline CSS, inline SVG charts, no script, no link to any
other address, so it opens offline and prints to A4."""

from __future__ import annotations

import csv
import math
from functools import lru_cache
from html import escape
from typing import Any

import pandas as pd

from planner.reports import charts, tables
from planner.scenario.datasets import data_dir
from planner.solve.plan import Plan

ATTRIBUTED = ("E", "min_coverage", "objective", "allocated")  # attribution columns: plain numbers
STYLE = """
@page { size: A4; margin: 14mm 12mm; }
body { font-family: Helvetica, Arial, sans-serif; font-size: 10.5pt; color: #111; margin: 0 auto;
       max-width: 186mm; padding: 8mm 4mm; line-height: 1.35; }
h1 { font-size: 17pt; margin: 0 0 2mm; } h2 { font-size: 13pt; margin: 7mm 0 2mm;
     border-bottom: 1px solid #999; break-after: avoid; } h3 { font-size: 11pt; margin: 4mm 0 1mm; }
.status { display: inline-block; padding: 1mm 3mm; border-radius: 2mm; font-weight: bold; }
.status.optimal { background: #d8f0d8; } .status.other { background: #f8d8d0; }
dl.facts { display: grid; grid-template-columns: max-content auto max-content auto; gap: 1mm 4mm;
           margin: 3mm 0; } dl.facts dt { color: #444; } dl.facts dd { margin: 0; font-weight: bold; }
table { border-collapse: collapse; margin: 2mm 0 4mm; font-size: 9pt; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: 0.6mm 1.5mm; text-align: left; vertical-align: top; }
th { background: #dde4ee; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: bold; border-top: 1.5px solid #333; }
thead { display: table-header-group; } tr { break-inside: avoid; }
svg.chart { width: 100%; height: auto; break-inside: avoid; margin: 1mm 0 3mm; }
.note { color: #444; font-size: 9pt; } .diagnosis li { margin-bottom: 1mm; }
@media print { body { padding: 0; max-width: none; } h2 { break-before: auto; } }
"""


def render_html(plan: Plan, info: tables.ReportInfo) -> bytes:
    """The page as UTF-8 bytes."""
    solved = tables.has_allocation(plan)
    parts = [_head(plan), _header(plan, info), _key_assumptions(plan)]
    if not solved:
        parts.append(_diagnosis(plan))
    else:
        parts += [
            _attribution(info),
            _charts(plan),
            _projects(plan),
            _result_tables(plan),
            _alternatives(plan, info),
        ]
    parts += [_assumption_tables(plan), "</body></html>\n"]
    return "\n".join(parts).encode("utf-8")


def _head(plan: Plan) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(plan.scenario_name)}: {escape(plan.status)}</title>"
        f"<style>{STYLE}</style></head><body>"
    )


def _header(plan: Plan, info: tables.ReportInfo) -> str:
    badge = "optimal" if plan.status == "optimal" else "other"
    facts = "".join(
        f"<dt>{escape(item)}</dt><dd>{escape(_format(value, kind))}</dd>"
        for item, value, kind in tables.summary(plan, info)
        if value is not None and item not in ("Scenario", "Status", "Message")
    )
    message = f'<p class="note">{escape(plan.message)}</p>' if plan.message else ""
    return (
        f"<h1>{escape(plan.scenario_name)}</h1>"
        f'<p>Solve status: <span class="status {badge}">{escape(plan.status)}</span></p>'
        f'<dl class="facts">{facts}</dl>{message}'
    )


def _key_assumptions(plan: Plan) -> str:
    scenario = tables.scenario_of(plan)
    settings = dict(tables.assumptions(plan))["Settings"]
    items = "".join(
        f"<li>{escape(str(setting))}: <b>{escape(_format(value, 'number'))}</b></li>"
        for setting, value in settings.itertuples(index=False)
        if setting != "name"
    )
    counts = (
        f"{len(scenario.regions)} regions, {len(scenario.sectors)} sectors "
        f"({escape(', '.join(scenario.sectors))}), {len(scenario.corridors)} corridors, "
        f"{len(scenario.profiles)} profiles"
    )
    return f"<h2>Key assumptions</h2><p>{counts}.</p><ul>{items}</ul>"


def _diagnosis(plan: Plan) -> str:
    lines = "".join(f"<li>{escape(line)}</li>" for line in tables.diagnosis_lines(plan))
    return f'<h2>Diagnosis</h2><p>No plan was found.</p><ul class="diagnosis">{lines}</ul>'


def _attribution(info: tables.ReportInfo) -> str:
    """Why the plan differs from the baseline: the summary in words and the table (none without)."""
    result = info.attribution
    if result is None:
        return ""
    table = tables.attribution_table(info)
    shown = html_table(table, result.unit) if len(table) else ""
    note = (
        f'<p class="note">{escape(result.method)} Shapley values over the groups of changed '
        f"inputs ({result.solves} solves); each row's values add up to the change of the plan.</p>"
    )
    return (
        "<h2>Why the plan differs from the baseline</h2>"
        f"<p>{escape(result.summary())}</p>{shown}{note if len(table) else ''}"
    )


def _charts(plan: Plan) -> str:
    scenario = tables.scenario_of(plan)
    names = tables.region_names(plan)
    pivot = tables.region_sector(plan).drop(index="total")
    sectors = list(scenario.sectors)
    stacked = [(names[r], {s: float(pivot.loc[r, s]) for s in sectors}) for r in pivot.index]
    cover = tables.coverage(plan)
    coverage_rows = [
        (str(n), float(c), float(f))
        for n, c, f in zip(cover["name"], cover["coverage"], cover["floor"], strict=True)
    ]
    budget = [
        (
            str(row["period"]),
            {k: float(row[k]) for k in ("spent", "carried_out", "lapsed", "budget")},
        )
        for row in plan.budget.to_dict("records")
    ]
    return "\n".join(
        [
            "<h2>Allocation by region</h2>",
            charts.stacked_bars(
                stacked, sectors, plan.unit, f"Allocation by region and sector ({plan.unit})"
            ),
            "<h2>Coverage against the equity floor</h2>",
            charts.coverage_bars(
                coverage_rows, "Funded share of each region's need, and its floor"
            ),
            "<h2>Budget use per period</h2>",
            charts.budget_bars(budget, plan.unit, f"Budget use per period ({plan.unit})"),
            "<h2>Map: coverage by region</h2>",
            _map(plan, cover),
        ]
    )


@lru_cache(maxsize=1)
def tile_grid() -> dict[str, tuple[int, int]]:
    """Region id → (row, col) of the bundled tile-grid cartogram (data/tile_grid.csv)."""
    with open(data_dir() / "tile_grid.csv", encoding="utf-8") as stream:
        return {row["id"]: (int(row["row"]), int(row["col"])) for row in csv.DictReader(stream)}


def _map(plan: Plan, cover: pd.DataFrame) -> str:
    grid = tile_grid()
    on_grid = cover[cover["region"].isin(grid)]
    tiles = [
        (str(name), *grid[region], float(share))
        for region, name, share in zip(
            on_grid["region"], on_grid["name"], on_grid["coverage"], strict=True
        )
    ]
    svg = (
        charts.tile_map(tiles, "Tile-grid map of the regions, shaded by coverage") if tiles else ""
    )
    off = cover[~cover["region"].isin(grid)]
    listed = ""
    if len(off):
        items = ", ".join(
            f"{escape(str(n))} ({_format(c, 'share')})"
            for n, c in zip(off["name"], off["coverage"], strict=True)
        )
        listed = f'<p class="note">Not on the map grid: {items}.</p>'
    caption = '<p class="note">Each square is a region placed roughly where it lies; it is not to scale.</p>'
    return svg + (caption if tiles else "") + listed


def _result_tables(plan: Plan) -> str:
    scenario = tables.scenario_of(plan)
    pivot = tables.region_sector(plan).reset_index()
    names = tables.region_names(plan)
    pivot.insert(1, "name", [names.get(r, "All regions") for r in pivot["region"]])
    sector_money = {s: f"{s} ({plan.unit})" for s in scenario.sectors}
    sector_share = {s: f"{s} coverage (%)" for s in scenario.sectors}
    periods = tables.allocation(plan).pivot_table(
        index=["region", "name", "sector"],
        columns="period",
        values="amount",
        aggfunc="sum",
        sort=False,
    )
    periods.columns = [str(c) for c in periods.columns]
    return "\n".join(
        [
            f"<h2>Allocation by region and sector ({escape(plan.unit)}, all periods)</h2>",
            html_table(
                pivot, plan.unit, money=set(sector_money), headers=sector_money, total_row=True
            ),
            "<h2>Coverage</h2>",
            html_table(
                tables.coverage(plan), plan.unit, shares=set(sector_share), headers=sector_share
            ),
            "<h2>Budget by period</h2>",
            html_table(tables.budget(plan), plan.unit),
            "<h2>Binding constraints</h2>",
            _constraints(plan),
            f"<h2>Allocation by period ({escape(plan.unit)})</h2>",
            html_table(periods.reset_index(), plan.unit, money=set(periods.columns)),
        ]
    )


def _constraints(plan: Plan) -> str:
    frame = tables.constraints(plan)
    if frame.empty:
        return "<p>No budget, corridor, floor, capacity or share constraint binds.</p>"
    fixed = f", {tables.DUALS_WITH_PROJECTS}" if tables.has_projects(plan) else ""
    note = (
        '<p class="note">Shadow price: the change of the objective per extra '
        f"{escape(plan.unit)} of the limit{escape(fixed)}.</p>"
    )
    return note + html_table(frame, plan.unit)


def _alternatives(plan: Plan, info: tables.ReportInfo) -> str:
    titled = tables.alternatives_tables(info)
    if not titled:
        return ""
    parts = ["<h2>Near-optimal alternatives</h2>"]
    for title, frame in titled:
        parts.append(f"<h3>{escape(title)}</h3>")
        parts.append(html_table(frame, plan.unit) if len(frame) else "<p>none</p>")
    return "\n".join(parts)


def _projects(plan: Plan) -> str:
    """Funded projects' cash by period, every candidate, and the groups' choices; nothing without
    projects."""
    if not tables.has_projects(plan):
        return ""
    scenario = tables.scenario_of(plan)
    periods = [str(t) for t in scenario.periods]
    funded = tables.funded_cash(plan)
    chart = (
        charts.project_timeline(
            funded,
            periods,
            list(scenario.sectors),
            plan.unit,
            f"Funded projects' cash by period ({plan.unit})",
        )
        if funded
        else "<p>No candidate project is funded.</p>"
    )
    candidates = tables.projects(plan)
    cash = {c for c in candidates.columns if c.startswith(tables.CASH_PREFIX)}
    headers = {c: tables.label(c, plan.unit) for c in cash} | {"name": "Project"}
    groups = tables.project_groups(plan)
    facts = "; ".join(
        f"{item}: {_format(value, kind)}"
        for item, value, kind in tables.summary(plan, tables.ReportInfo("", ""))
        if item.startswith(("Projects funded", "Funded projects", "Optimality gap"))
    )
    return "\n".join(
        [
            "<h2>Projects</h2>",
            f"<p>{escape(facts)}.</p>",
            "<h3>Funded projects' cash by period</h3>",
            chart,
            "<h3>Candidate projects</h3>",
            html_table(candidates, plan.unit, money=cash, headers=headers),
            "<h3>Groups of alternatives</h3>",
            html_table(groups, plan.unit) if len(groups) else "<p>none</p>",
        ]
    )


def _assumption_tables(plan: Plan) -> str:
    parts = ["<h2>Assumptions (the scenario's inputs)</h2>"]
    for title, frame in tables.assumptions(plan):
        if title == "Settings":
            continue  # shown at the top
        parts.append(f"<h3>{escape(title)}</h3>")
        parts.append(html_table(frame, plan.unit) if len(frame) else "<p>none</p>")
    return "\n".join(parts)


def html_table(
    frame: pd.DataFrame,
    unit: str,
    *,
    money: set[str] | None = None,
    shares: set[str] | None = None,
    headers: dict[str, str] | None = None,
    total_row: bool = False,
) -> str:
    """A table with unit-labelled headers and formatted numbers; every text escaped."""
    money, shares, headers = money or set(), shares or set(), headers or {}
    columns = list(frame.columns)
    kinds = [_kind(c, money, shares) for c in columns]
    head = "".join(f"<th>{escape(headers.get(c, tables.label(c, unit)))}</th>" for c in columns)
    body = []
    for i, record in enumerate(frame.itertuples(index=False)):
        cells = "".join(
            f'<td class="n">{escape(_format(v, k))}</td>'
            if k != "text"
            else f"<td>{escape(_format(v, k))}</td>"
            for v, k in zip(record, kinds, strict=True)
        )
        last = total_row and i == len(frame) - 1
        body.append(f'<tr class="total">{cells}</tr>' if last else f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _kind(column: str, money: set[str], shares: set[str]) -> str:
    if column in shares or column in tables.SHARES:
        return "share"
    if column in money or column in tables.MONEY:
        return "money"
    if column in ("dual", "benefit", "weight", "value") or column.startswith(ATTRIBUTED):
        return "number"
    return "text"


def _format(value: Any, kind: str) -> str:
    """A value as shown on the page: money with one decimal, shares as percentages."""
    if hasattr(value, "item"):
        value = value.item()
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–" if kind != "text" else ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float) and kind != "text":
        if kind == "money":
            return f"{value:,.1f}"
        if kind == "share":
            return f"{value:.1%}"
        return f"{value:.6g}"
    return str(value)
