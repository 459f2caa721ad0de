"""A plan as plain text for the terminal: what was decided, and what bound the decision.

Written in the active language (:mod:`planner.i18n`); in Chinese money is shown in 亿元 with the unit
on every figure, and regions and sectors carry their Chinese names.
"""

from __future__ import annotations

import math

import pandas as pd

from planner.analysis.funding_words import next_yuan_words, who_pays
from planner.analysis.projects import funded_share
from planner.i18n.catalog import language, t
from planner.i18n.names import region_names, sector_name, source_names
from planner.i18n.tables import status_word
from planner.i18n.units import Shown, shown
from planner.solve.plan import Plan


def plan_summary(
    plan: Plan,
    max_constraints: int = 25,
    meanings: pd.DataFrame | None = None,
    choices: pd.DataFrame | None = None,
    message: bool = True,
) -> str:
    """``meanings``: ``planner.explain(plan)``, to word the binding constraints' shadow prices;
    ``choices``: ``planner.group_choices(plan)``, to word what each binding group chose;
    ``message=False`` leaves out a plan's message that its caller prints elsewhere."""
    parts = [_headline(plan)]
    if plan.status in ("optimal", "time limit") and len(plan.allocation):
        binding = (
            _binding(plan, max_constraints)
            if meanings is None
            else _meanings(plan, meanings, max_constraints)
        )
        with pd.option_context("display.unicode.east_asian_width", language() == "zh"):
            parts += [_allocation_table(plan), _budget_table(plan)]
            if len(plan.projects):
                parts += [_projects_table(plan), _group_words(choices)]
            if len(plan.sources):
                parts += [_who_pays_table(plan), next_yuan_words(plan)]
        parts.append(binding)
    elif plan.message and message:
        parts.append(plan.message)
    return "\n\n".join(p for p in parts if p)


def _fmt(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if abs(value) < 0.5 * 10**-digits:
        value = 0.0  # no "-0.0" for a rounding residue
    return f"{value:,.{digits}f}"


def _pct(value: float | None) -> str:
    return "-" if value is None or math.isnan(value) else f"{100 * value:.1f}%"


def mode_word(mode: str) -> str:
    return t(f"mode.{mode}")


def _headline(plan: Plan) -> str:
    budget = float(plan.budget["budget"].sum()) if len(plan.budget) else 0.0
    how = shown(plan.unit)
    lines = [
        f"{plan.scenario_name}  [{plan.scenario_digest}]",
        t("summary.status", status=status_word(plan.status), mode=mode_word(plan.mode)),
    ]
    if plan.objective is not None:
        lines.append(
            t(
                "summary.objective",
                objective=f"{plan.objective:,.6g}",
                benefit=_fmt(plan.E, 2),
                coverage=_pct(plan.min_coverage),
            )
        )
        lines.append(
            t(
                "summary.allocated",
                allocated=_fmt(how.value(plan.allocated_total)),
                budget=_fmt(how.value(budget)),
                unit=how.unit,
                unspent=_fmt(how.value(plan.unspent_total)),
            )
        )
    return "\n".join(lines)


def _allocation_table(plan: Plan) -> str:
    how = shown(plan.unit)
    table = plan.by_region_sector()
    table["total"] = table.sum(axis=1)
    coverage = plan.coverage.set_index("region")
    table["coverage"] = [_pct(coverage.loc[r, "coverage"]) for r in table.index]
    table["floor"] = [_pct(coverage.loc[r, "floor"]) for r in table.index]
    totals = table.drop(columns=["coverage", "floor"]).sum()
    table.loc["total"] = [*totals.tolist(), "", ""]
    numeric = [c for c in table.columns if c not in ("coverage", "floor")]
    shown_table = table.copy()
    for column in numeric:
        shown_table[column] = [_fmt(how.value(float(v))) for v in table[column]]
    title = t("summary.allocation_title", unit=how.unit)
    return f"{title}\n" + _localized(shown_table, plan).to_string()


def _localized(table: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """Region ids, sectors and the total/coverage/floor headers in the active language (Chinese
    only: English keeps the ids the tables have always shown)."""
    if language() == "en" or plan.scenario is None:
        return table
    names = region_names(plan.scenario) | {"total": t("summary.total")}
    columns = {s: sector_name(s) for s in plan.scenario.sectors}
    columns |= {c: t(f"column.{c}") for c in ("total", "coverage", "floor")}
    renamed = table.rename(index=names, columns=columns)
    renamed.index.name = renamed.columns.name = None
    return renamed


def _budget_table(plan: Plan) -> str:
    how = shown(plan.unit)
    table = plan.budget.copy()
    for column in table.columns[1:]:
        table[column] = [_fmt(how.value(float(v))) for v in table[column]]
    if language() != "en":
        table = table.rename(columns={c: t(f"column.{c}") for c in table.columns})
    return t("summary.budget_title", unit=how.unit) + "\n" + table.to_string(index=False)


def _binding(plan: Plan, limit: int) -> str:
    binding: pd.DataFrame = plan.binding_constraints()
    if binding.empty:
        return t("summary.none_binds")
    binding = binding.reindex(binding["dual"].abs().sort_values(ascending=False).index)
    how = shown(plan.unit)
    fixed = t("summary.duals_fixed_suffix") if len(plan.projects) else ""
    lines = [t("summary.binding_title", unit=how.unit, fixed=fixed)]
    width = max(len(n) for n in binding["name"])
    for row in binding.head(limit).itertuples():
        lines.append(f"  {row.name:<{width}}  {row.dual / how.factor:>12.6g}")
    if len(binding) > limit:
        lines.append(t("summary.more", count=len(binding) - limit))
    return "\n".join(lines)


def _meanings(plan: Plan, meanings: pd.DataFrame, limit: int) -> str:
    if meanings.empty:
        return t("summary.none_binds")
    note = t("summary.duals_fixed_note") if len(plan.projects) else ""
    lines = [t("summary.meanings_title", note=note)]
    lines += [f"  {row.name}: {row.meaning}" for row in meanings.head(limit).itertuples()]
    if len(meanings) > limit:
        lines.append(t("summary.more", count=len(meanings) - limit))
    return "\n".join(lines)


def _who_pays_table(plan: Plan) -> str:
    """Each source by sector over the horizon, and its use against its amount (funding.md)."""
    how = shown(plan.unit)
    table = who_pays(plan)
    if table.empty:
        return ""
    text = table.copy().astype(object)
    for column in table.columns:
        if column == "use":
            text[column] = [_pct(v) for v in table[column]]
        else:
            text[column] = [_fmt(how.value(float(v))) for v in table[column]]
    if language() != "en" and plan.scenario is not None:
        text = text.rename(
            index=source_names(plan.scenario),
            columns={s: sector_name(s) for s in plan.scenario.sectors}
            | {c: t(f"column.{c}") for c in ("used", "amount", "use")},
        )
        text.index.name = None
    return t("summary.who_pays_title", unit=how.unit) + "\n" + text.to_string()


def _projects_table(plan: Plan) -> str:
    """The funded projects (id, name, region, start, cost), their count and share, and the gap."""
    how = shown(plan.unit)
    share = funded_share(plan)
    head = t(
        "summary.projects_head",
        funded=share.funded,
        candidates=share.candidates,
        cost=_fmt(how.value(share.cost)),
        unit=how.unit,
        share=_pct(share.share),
        gap=_gap(plan.gap),
    )
    funded = plan.funded_projects
    if funded.empty:
        return head
    table = funded[["id", "name", "region", "start", "cost"]].copy()
    table["cost"] = [_fmt(how.value(float(v))) for v in table["cost"]]
    if language() != "en" and plan.scenario is not None:
        table = _localized_projects(table, plan, how)
    return head + "\n" + table.to_string(index=False)


def _localized_projects(table: pd.DataFrame, plan: Plan, how: Shown) -> pd.DataFrame:
    from planner.i18n.names import project_names

    assert plan.scenario is not None
    names = project_names(plan.scenario)
    table["name"] = [names.get(i, n) for i, n in zip(table["id"], table["name"], strict=True)]
    table["region"] = table["region"].map(region_names(plan.scenario)).fillna(table["region"])
    headers = {
        "id": t("column.id"),
        "name": t("column.project"),
        "region": t("column.name"),
        "start": t("column.start"),
    }
    return table.rename(columns=headers | {"cost": f"{t('column.cost')} ({how.unit})"})


def _gap(gap: float | None) -> str:
    return "-" if gap is None else f"{100 * gap:.4g}%"


def _group_words(choices: pd.DataFrame | None) -> str:
    if choices is None or choices.empty:
        return ""
    return t("summary.groups_title") + "\n" + "\n".join(f"  {w}" for w in choices["words"])
