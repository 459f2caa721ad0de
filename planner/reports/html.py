"""The plan as one self-contained HTML page: inline CSS, inline SVG charts, no script, no link to any
other address, so it opens offline and prints to A4."""

from __future__ import annotations

import math
from html import escape
from typing import Any

import pandas as pd

from planner import geography
from planner.i18n.catalog import language, t
from planner.i18n.names import project_names, sector_name
from planner.i18n.units import shown
from planner.reports import charts, funding, geomap, tables
from planner.reports.alternatives import alternatives_tables
from planner.reports.replan import locked_cash_headers, period_label, replan_tables
from planner.solve.plan import Plan

HTML_LANG = {"en": "en", "zh": "zh-CN"}
ATTRIBUTED = ("E", "min_coverage", "objective", "allocated")  # attribution columns: plain numbers
STYLE = """
@page { size: A4; margin: 14mm 12mm; }
body { font-family: Helvetica, Arial, "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
       "Hiragino Sans GB", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif; font-size: 10.5pt; color: #111; margin: 0 auto;
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
            _plan_against_actual(plan, info),
            _charts(plan),
            _projects(plan),
            _funding(plan),
            _result_tables(plan),
            _alternatives(plan, info),
        ]
    parts += [_assumption_tables(plan), "</body></html>\n"]
    return "\n".join(parts).encode("utf-8")


def _head(plan: Plan) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{HTML_LANG[language()]}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(tables.scenario_name(plan))}: {escape(plan.status)}</title>"
        f"<style>{STYLE}</style></head><body>"
    )


def _header(plan: Plan, info: tables.ReportInfo) -> str:
    badge = "optimal" if plan.status == "optimal" else "other"
    factor = tables.money_factor(plan.unit)
    facts = "".join(
        f"<dt>{escape(item)}</dt><dd>{escape(_format(value, kind, factor))}</dd>"
        for key, item, value, kind in tables.summary_rows(plan, info)
        if value is not None and key not in ("scenario", "status", "message")
    )
    status = t(f"status.{plan.status.replace(' ', '_')}")
    message = f'<p class="note">{escape(tables.plan_message(plan))}</p>' if plan.message else ""
    return (
        f"<h1>{escape(tables.scenario_name(plan))}</h1>"
        f'<p>{escape(t("html.solve_status"))} <span class="status {badge}">{escape(status)}</span></p>'
        f'<dl class="facts">{facts}</dl>{message}'
    )


def _key_assumptions(plan: Plan) -> str:
    scenario = tables.scenario_of(plan)
    settings = tables.assumptions(plan)[0][1]  # the first table: the scenario's settings
    items = "".join(
        t("html.setting", setting=escape(str(setting)), value=escape(_format(value, "number")))
        for setting, value in settings.iloc[1:].itertuples(index=False)  # the name is the title
    )
    counts = t(
        "html.counts",
        regions=len(scenario.regions),
        sectors=len(scenario.sectors),
        names=escape(t("list.separator").join(sector_name(x) for x in scenario.sectors)),
        corridors=len(scenario.corridors),
        profiles=len(scenario.profiles),
    )
    return f"<h2>{t('html.key_assumptions')}</h2><p>{counts}</p><ul>{items}</ul>"


def _diagnosis(plan: Plan) -> str:
    lines = "".join(f"<li>{escape(line)}</li>" for line in tables.diagnosis_lines(plan))
    return (
        f"<h2>{t('sheet.diagnosis')}</h2><p>{t('html.no_plan')}</p>"
        f'<ul class="diagnosis">{lines}</ul>'
    )


def _attribution(info: tables.ReportInfo) -> str:
    """Why the plan differs from the baseline: the summary in words and the table (none without)."""
    result = info.attribution
    if result is None:
        return ""
    table = tables.attribution_table(info)
    shown = html_table(table, result.unit) if len(table) else ""
    words = t("html.shapley_note", method=result.method, solves=result.solves)
    note = f'<p class="note">{escape(words)}</p>'
    return (
        f"<h2>{t('html.why_differs')}</h2>"
        f"<p>{escape(result.summary())}</p>{shown}{note if len(table) else ''}"
    )


def _charts(plan: Plan) -> str:
    scenario = tables.scenario_of(plan)
    names = tables.region_names(plan)
    pivot = tables.region_sector(plan).drop(index="total")
    sectors = list(scenario.sectors)
    how = shown(plan.unit)
    sector_names = [sector_name(s) for s in sectors]
    stacked = [
        (names[r], {sector_name(s): how.factor * float(pivot.loc[r, s]) for s in sectors})
        for r in pivot.index
    ]
    cover = tables.coverage(plan)
    coverage_rows = [
        (str(n), float(c), float(f))
        for n, c, f in zip(cover["name"], cover["coverage"], cover["floor"], strict=True)
    ]
    budget = [
        (
            str(row["period"]),
            {k: how.factor * float(row[k]) for k in ("spent", "carried_out", "lapsed", "budget")},
        )
        for row in plan.budget.to_dict("records")
    ]
    return "\n".join(
        [
            f"<h2>{t('html.allocation_by_region')}</h2>",
            charts.stacked_bars(
                stacked, sector_names, how.unit, t("summary.allocation_title", unit=how.unit)
            ),
            f"<h2>{t('html.coverage_floor')}</h2>",
            charts.coverage_bars(coverage_rows, t("html.coverage_chart")),
            f"<h2>{t('html.budget_use')}</h2>",
            charts.budget_bars(budget, how.unit, t("html.budget_chart", unit=how.unit)),
            f"<h2>{t('html.map')}</h2>",
            _map(plan, cover),
        ]
    )


def _map(plan: Plan, cover: pd.DataFrame) -> str:
    """The real map (planner.reports.geomap), and the regions it cannot place, listed."""
    on_map = {p.id for p in geography.layout(geomap.WIDTH).provinces}
    off = cover[~cover["region"].isin(on_map)]
    listed = ""
    if len(off):
        items = t("list.separator").join(
            f"{escape(str(n))} ({_format(c, 'share')})"
            for n, c in zip(off["name"], off["coverage"], strict=True)
        )
        listed = f'<p class="note">{t("html.off_grid", items=items)}</p>'
    caption = f'<p class="note">{escape(t("map.caption"))}</p>'
    return geomap.map_svg(plan) + caption + listed


def _result_tables(plan: Plan) -> str:
    scenario = tables.scenario_of(plan)
    pivot = tables.region_sector(plan).reset_index()
    names = tables.region_names(plan)
    pivot.insert(1, "name", [names.get(r, t("report.all_regions")) for r in pivot["region"]])
    unit = shown(plan.unit).unit
    sector_money = {s: f"{sector_name(s)} ({unit})" for s in scenario.sectors}
    sector_share = {
        s: t("column.sector_coverage", sector=sector_name(s)) + " (%)" for s in scenario.sectors
    }
    periods = tables.allocation(plan).pivot_table(
        index=["region", "name", "sector"],
        columns="period",
        values="amount",
        aggfunc="sum",
        sort=False,
    )
    periods.columns = [period_label(plan, c) for c in periods.columns]
    return "\n".join(
        [
            f"<h2>{escape(t('summary.allocation_title', unit=unit))}</h2>",
            html_table(
                pivot, plan.unit, money=set(sector_money), headers=sector_money, total_row=True
            ),
            f"<h2>{t('sheet.coverage')}</h2>",
            html_table(
                tables.coverage(plan), plan.unit, shares=set(sector_share), headers=sector_share
            ),
            f"<h2>{t('html.budget_by_period')}</h2>",
            html_table(tables.budget(plan), plan.unit),
            f"<h2>{t('html.binding')}</h2>",
            _constraints(plan),
            f"<h2>{escape(t('html.allocation_by_period', unit=unit))}</h2>",
            html_table(periods.reset_index(), plan.unit, money=set(periods.columns)),
        ]
    )


def _constraints(plan: Plan) -> str:
    frame = tables.constraints(plan)
    if frame.empty:
        return f"<p>{t('summary.none_binds')}</p>"
    fixed = t("summary.duals_fixed_suffix") if tables.has_projects(plan) else ""
    words = t("html.shadow_note", unit=shown(plan.unit).unit, fixed=fixed)
    note = f'<p class="note">{escape(words)}</p>'
    return note + html_table(frame, plan.unit)


def _plan_against_actual(plan: Plan, info: tables.ReportInfo) -> str:
    """A re-plan's relaxed rows in words and, against the plan it revises, the plan against
    actual (actuals.md); nothing for a plan without a record."""
    titled = replan_tables(plan, info)
    if not titled:
        return ""
    parts = [f"<h2>{t('sheet.plan_against_actual')}</h2>"]
    for title, frame in titled:
        parts.append(f"<h3>{escape(title)}</h3>")
        parts.append(html_table(frame, plan.unit))
    return "\n".join(parts)


def _alternatives(plan: Plan, info: tables.ReportInfo) -> str:
    titled = alternatives_tables(info)
    if not titled:
        return ""
    parts = [f"<h2>{t('html.alternatives')}</h2>"]
    for title, frame in titled:
        parts.append(f"<h3>{escape(title)}</h3>")
        parts.append(html_table(frame, plan.unit) if len(frame) else _NONE())
    return "\n".join(parts)


def _projects(plan: Plan) -> str:
    """Funded projects' cash by period, every candidate, and the groups' choices; nothing without
    projects."""
    if not tables.has_projects(plan):
        return ""
    scenario = tables.scenario_of(plan)
    periods = [str(t) for t in scenario.periods]
    how = shown(plan.unit)
    funded = [
        (name, sector_name(sector), {p: how.factor * v for p, v in cash.items()})
        for name, sector, cash in tables.funded_cash(plan)
    ]
    chart = (
        charts.project_timeline(
            funded,
            periods,
            [sector_name(s) for s in scenario.sectors],
            how.unit,
            t("html.project_cash_chart", unit=how.unit),
        )
        if funded
        else f"<p>{t('html.no_project')}</p>"
    )
    candidates = tables.projects(plan)
    candidates["name"] = candidates["id"].map(project_names(scenario))
    cash = {c for c in candidates.columns if c.startswith(tables.CASH_PREFIX)}
    headers = {c: tables.label(c, plan.unit) for c in cash} | {"name": t("column.project")}
    headers |= locked_cash_headers(plan, cash)  # a re-plan's past periods, marked
    groups = tables.project_groups(plan)
    facts = t("diagnosis.join").join(
        f"{item}: {_format(value, kind, how.factor)}"
        for key, item, value, kind in tables.summary_rows(plan, tables.ReportInfo("", ""))
        if key in ("projects_funded", "projects_cost", "projects_share", "gap")
    )
    return "\n".join(
        [
            f"<h2>{t('sheet.projects')}</h2>",
            f"<p>{escape(facts)}.</p>",
            f"<h3>{t('html.project_cash')}</h3>",
            chart,
            f"<h3>{t('report.title.candidates')}</h3>",
            html_table(candidates, plan.unit, money=cash, headers=headers),
            f"<h3>{t('sheet.groups')}</h3>",
            html_table(groups, plan.unit) if len(groups) else _NONE(),
        ]
    )


def _funding(plan: Plan) -> str:
    """Who pays (a sources × sector chart and table), each source by period, debt against room,
    and the most valuable next yuan in words (funding.md); nothing without funding."""
    if not funding.has_funding(plan):
        return ""
    how = shown(plan.unit)
    scenario = tables.scenario_of(plan)
    titled = funding.funding_tables(plan)
    payers = titled[0][1]
    sectors = [sector_name(s) for s in scenario.sectors]  # the table's columns are their names
    rows = [
        (str(row["source_name"]), {s: how.factor * float(row[s]) for s in sectors})
        for row in payers.to_dict("records")
    ]
    chart = charts.stacked_bars(rows, sectors, how.unit, t("summary.who_pays_title", unit=how.unit))
    shown_tables = "".join(
        f"<h3>{escape(title)}</h3>{html_table(frame, plan.unit)}" for title, frame in titled
    )
    words = escape(funding.next_yuan_sentence(plan))
    return f"<h2>{t('report.funding.title')}</h2>{chart}<p>{words}</p>{shown_tables}"


def _assumption_tables(plan: Plan) -> str:
    parts = [f"<h2>{t('html.assumptions')}</h2>"]
    for title, frame in tables.assumptions(plan)[1:]:  # the settings are shown at the top
        parts.append(f"<h3>{escape(title)}</h3>")
        parts.append(html_table(frame, plan.unit) if len(frame) else _NONE())
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
    factor = tables.money_factor(unit)
    frame = tables.named(frame)
    columns = list(frame.columns)
    kinds = [_kind(c, money, shares) for c in columns]
    head = "".join(f"<th>{escape(headers.get(c, tables.label(c, unit)))}</th>" for c in columns)
    body = []
    for i, record in enumerate(frame.itertuples(index=False)):
        cells = "".join(
            f'<td class="n">{escape(_format(v, k, factor))}</td>'
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


def _NONE() -> str:
    return f"<p>{t('report.none')}</p>"


def _format(value: Any, kind: str, factor: float = 1.0) -> str:
    """A value as shown on the page: money with one decimal (times ``factor``, scenario unit →
    shown unit), shares as percentages."""
    if hasattr(value, "item"):
        value = value.item()
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–" if kind != "text" else ""
    if isinstance(value, bool):
        return t("report.yes") if value else t("report.no")
    if isinstance(value, int | float) and kind != "text":
        if kind == "money":
            return f"{value * factor:,.1f}"
        if kind == "share":
            return f"{value:.1%}"
        return f"{value:.6g}"
    return str(value)
