"""A one-page briefing of a plan for a director: print-ready HTML on A4, in the active language.

It holds the plan's headline figures; money by province and sector and by year, with totals; the
funded and the left-out candidate projects; what binds, in words (:func:`planner.explain`'s
sentences); and the record: the run's id, its approval status and note, who decided and when
(:class:`~planner.reports.approval.Approval`, when the plan was stored as a run). Money is in the shown
unit (亿元 in Chinese), as in the other reports. The same bytes serve ``planner report --briefing``
and the app's *Briefing* download.
"""

from __future__ import annotations

from html import escape
from typing import Any

import pandas as pd

from planner.analysis.explain import explain
from planner.analysis.projects import funded_share
from planner.i18n.catalog import language, t
from planner.i18n.names import project_names, sector_name
from planner.i18n.units import money, shown
from planner.reports import tables
from planner.reports.approval import approval_rows
from planner.reports.html import HTML_LANG, STYLE
from planner.reports.replan import period_label
from planner.solve.plan import Plan

BINDING_SENTENCES = 4
"""How many binding constraints the briefing words, the most valuable first (one page)."""

BRIEF_STYLE = """
@page { size: A4; margin: 12mm 12mm; }
body { font-size: 8.5pt; line-height: 1.25; padding: 0; max-width: none; }
h1 { font-size: 14pt; margin: 0 0 1mm; } h2 { font-size: 10pt; margin: 2.5mm 0 0.8mm; }
dl.facts { margin: 1mm 0; gap: 0.3mm 4mm; }
table { font-size: 7.5pt; margin: 0.5mm 0 1mm; } th, td { padding: 0.3mm 1.2mm; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 0 6mm; align-items: start; }
ul { margin: 0.5mm 0 1mm; padding-left: 4mm; } li { margin-bottom: 0.3mm; break-inside: avoid; }
ul.cols { column-count: 2; column-gap: 6mm; font-size: 7pt; line-height: 1.2; }
"""


def render_briefing(plan: Plan, info: tables.ReportInfo) -> bytes:
    """The briefing as UTF-8 HTML bytes (A4, one page at the bundled scenario's size)."""
    title = tables.scenario_name(plan)
    parts = [
        f'<!DOCTYPE html>\n<html lang="{HTML_LANG[language()]}"><head><meta charset="utf-8">',
        f"<title>{escape(t('brief.title', scenario=title))}</title>",
        f"<style>{STYLE}{BRIEF_STYLE}</style></head><body>",
        f"<h1>{escape(t('brief.title', scenario=title))}</h1>",
        _record(plan, info),
        _headline(plan),
    ]
    if tables.has_allocation(plan):
        parts += [_money(plan), _projects(plan), _binding(plan)]
    else:
        parts.append(_items(t("brief.no_plan"), tables.diagnosis_lines(plan)))
    parts.append(f'<p class="note">{escape(t("brief.footer", version=info.planner_version))}</p>')
    parts.append("</body></html>\n")
    return "\n".join(parts).encode("utf-8")


def _record(plan: Plan, info: tables.ReportInfo) -> str:
    """The run behind the plan and its decision, or that it was not stored as a run."""
    approval = info.approval
    facts = [
        (t("report.summary.status"), t(f"status.{plan.status.replace(' ', '_')}")),
        (t("report.summary.digest"), plan.scenario_digest),
        (t("report.summary.written_at"), info.written_at[:16].replace("T", " ")),
    ]
    if approval is None:
        facts.append((t("report.summary.approval"), t("brief.not_recorded")))
    else:
        facts += [(t(f"report.summary.{k}"), v) for k, v, _ in approval_rows(approval) if v]
    return _facts(facts)


def _headline(plan: Plan) -> str:
    """Budget, money allocated, benefit E, least coverage and the least-covered provinces, and
    the candidate projects funded."""
    unit = plan.unit
    budget = float(plan.budget["budget"].sum()) if len(plan.budget) else 0.0
    solved = tables.has_allocation(plan)
    facts = [
        (t("brief.budget"), _money_text(budget, unit)),
        (t("brief.allocated"), _money_text(plan.allocated_total if solved else None, unit)),
        (t("brief.benefit"), "–" if plan.E is None else f"{plan.E:,.1f}"),
        (t("brief.least"), _least(plan)),
    ]
    if len(plan.projects):
        share = funded_share(plan)
        facts.append(
            (t("brief.projects"), t("report.of", part=share.funded, whole=share.candidates))
        )
    return f"<h2>{escape(t('brief.headline'))}</h2>" + _facts(facts)


def _least(plan: Plan) -> str:
    if plan.min_coverage is None or plan.min_coverage != plan.min_coverage:
        return "–"
    names = tables.region_names(plan)
    table = plan.coverage.dropna(subset=["coverage"])
    least = table[table["coverage"] <= plan.min_coverage + 1e-9]["region"]
    where = t("list.separator").join(names.get(r, r) for r in least)
    return f"{plan.min_coverage:.1%} ({where})"


def _money(plan: Plan) -> str:
    """Province × sector and year × sector, each with a total row and column, in the shown unit."""
    how = shown(plan.unit)
    names = tables.region_names(plan)
    sectors = list(tables.scenario_of(plan).sectors)
    frame = plan.allocation.assign(amount=plan.allocation["amount"] * how.factor)
    by_province = _with_totals(
        frame.pivot_table(index="region", columns="sector", values="amount", aggfunc="sum")
        .reindex(columns=sectors)
        .fillna(0.0)
    )
    by_province = by_province.sort_values(t("column.total"), ascending=False, kind="stable")
    by_province = _total_row(by_province)
    by_province.index = [names.get(str(r), str(r)) for r in by_province.index]
    by_year = frame.assign(period=frame["period"].astype(str)).pivot_table(
        index="period", columns="sector", values="amount", aggfunc="sum"
    )
    by_year = _with_totals(by_year.reindex(columns=sectors).fillna(0.0))
    by_year.index = [period_label(plan, p) for p in by_year.index]  # a re-plan's locked years
    by_year = _total_row(by_year)
    return (
        f"<h2>{escape(t('brief.money', unit=how.unit))}</h2><div class='two'>"
        + _table(by_province, t("brief.province"))
        + _table(by_year, t("column.period"))
        + "</div>"
    )


def _with_totals(table: pd.DataFrame) -> pd.DataFrame:
    table = table.copy()
    table[t("column.total")] = table.sum(axis=1)
    return table


def _total_row(table: pd.DataFrame) -> pd.DataFrame:
    total = pd.DataFrame([table.sum(axis=0)], index=[t("column.total")])
    return pd.concat([table, total])


def _table(table: pd.DataFrame, corner: str) -> str:
    """A money table: rows named, sector columns by name, the last row (the total) in bold."""
    head = "".join(f"<th>{escape(sector_name(str(c)))}</th>" for c in table.columns)
    rows = []
    for position, (label, row) in enumerate(table.iterrows()):
        cells = "".join(f'<td class="n">{value:,.1f}</td>' for value in row)
        css = ' class="total"' if position == len(table) - 1 else ""
        rows.append(f"<tr{css}><td>{escape(str(label))}</td>{cells}</tr>")
    return (
        f"<table><thead><tr><th>{escape(corner)}</th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _projects(plan: Plan) -> str:
    """The funded candidates (name, province, start, cost) and those left out, by name."""
    if not len(plan.projects):
        return ""
    how = shown(plan.unit)
    names = project_names(tables.scenario_of(plan))
    regions = tables.region_names(plan)
    projects = plan.projects
    funded = projects[projects["funded"].astype(bool)]
    out = projects[~projects["funded"].astype(bool)]
    items = [
        t(
            "brief.project",
            name=names.get(p["id"], p["id"]),
            region=regions.get(p["region"], p["region"]),
            start=p["start"],
            cost=f"{p['cost'] * how.factor:,.1f}",
        )
        for p in funded.to_dict("records")
    ]
    left_out = [names.get(i, i) for i in out["id"]] or [t("brief.none")]
    return (
        f"<h2>{escape(t('brief.funded', count=len(items), unit=how.unit))}</h2>"
        + _list(items, "cols")
        + f"<h2>{escape(t('brief.left_out', count=len(out)))}</h2>"
        + _list(left_out, "cols")
    )


def _binding(plan: Plan) -> str:
    """What binds, in words: the most valuable binding constraints' sentences."""
    table = explain(plan)
    if table.empty:
        return _items(t("brief.binding"), [t("ui.no_binding")])
    sentences = list(table["meaning"].head(BINDING_SENTENCES))
    if len(table) > BINDING_SENTENCES:
        sentences.append(t("brief.more_binding", count=len(table) - BINDING_SENTENCES))
    return _items(t("brief.binding"), sentences)


def _facts(facts: list[tuple[str, Any]]) -> str:
    body = "".join(f"<dt>{escape(str(k))}</dt><dd>{escape(str(v))}</dd>" for k, v in facts)
    return f'<dl class="facts">{body}</dl>'


def _items(title: str, items: list[str]) -> str:
    return f"<h2>{escape(title)}</h2>{_list(items)}"


def _list(items: list[str], css: str = "") -> str:
    body = "".join(f"<li>{escape(str(i))}</li>" for i in items)
    return f'<ul class="{css}">{body}</ul>' if css else f"<ul>{body}</ul>"


def _money_text(amount: float | None, unit: str) -> str:
    return money(amount, unit)
