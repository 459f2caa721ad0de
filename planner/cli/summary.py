"""A plan as plain text for the terminal: what was decided, and what bound the decision."""

from __future__ import annotations

import math

import pandas as pd

from planner.analysis.projects import DUALS_WITH_PROJECTS, duals_note, funded_share
from planner.solve.plan import Plan


def plan_summary(
    plan: Plan,
    max_constraints: int = 25,
    meanings: pd.DataFrame | None = None,
    choices: pd.DataFrame | None = None,
) -> str:
    """``meanings``: ``planner.explain(plan)``, to word the binding constraints' shadow prices;
    ``choices``: ``planner.group_choices(plan)``, to word what each binding group chose."""
    parts = [_headline(plan)]
    if plan.status in ("optimal", "time limit") and len(plan.allocation):
        binding = (
            _binding(plan, max_constraints)
            if meanings is None
            else _meanings(plan, meanings, max_constraints)
        )
        parts += [_allocation_table(plan), _budget_table(plan)]
        if len(plan.projects):
            parts += [_projects_table(plan), _group_words(choices)]
        parts.append(binding)
    elif plan.message:
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


def _headline(plan: Plan) -> str:
    budget = float(plan.budget["budget"].sum()) if len(plan.budget) else 0.0
    lines = [
        f"{plan.scenario_name}  [{plan.scenario_digest}]",
        f"status: {plan.status}   mode: {plan.mode}",
    ]
    if plan.objective is not None:
        lines.append(
            f"objective: {plan.objective:,.6g}   benefit E: {_fmt(plan.E, 2)}   "
            f"min coverage: {_pct(plan.min_coverage)}"
        )
        lines.append(
            f"allocated: {_fmt(plan.allocated_total)} of {_fmt(budget)} {plan.unit}   "
            f"unspent: {_fmt(plan.unspent_total)}"
        )
    return "\n".join(lines)


def _allocation_table(plan: Plan) -> str:
    table = plan.by_region_sector()
    table["total"] = table.sum(axis=1)
    coverage = plan.coverage.set_index("region")
    table["coverage"] = [_pct(coverage.loc[r, "coverage"]) for r in table.index]
    table["floor"] = [_pct(coverage.loc[r, "floor"]) for r in table.index]
    totals = table.drop(columns=["coverage", "floor"]).sum()
    table.loc["total"] = [*totals.tolist(), "", ""]
    numeric = [c for c in table.columns if c not in ("coverage", "floor")]
    shown = table.copy()
    for column in numeric:
        shown[column] = [_fmt(float(v)) for v in table[column]]
    return f"Allocation by region and sector ({plan.unit}, all periods)\n" + shown.to_string()


def _budget_table(plan: Plan) -> str:
    shown = plan.budget.copy()
    for column in shown.columns[1:]:
        shown[column] = [_fmt(float(v)) for v in shown[column]]
    return f"Budget by period ({plan.unit})\n" + shown.to_string(index=False)


def _binding(plan: Plan, limit: int) -> str:
    binding: pd.DataFrame = plan.binding_constraints()
    if binding.empty:
        return "No budget, corridor, floor, capacity or share constraint binds."
    binding = binding.reindex(binding["dual"].abs().sort_values(ascending=False).index)
    fixed = f", {DUALS_WITH_PROJECTS}" if len(plan.projects) else ""
    lines = [
        f"Binding constraints (shadow price: change of the objective per extra {plan.unit}{fixed})"
    ]
    width = max(len(n) for n in binding["name"])
    for row in binding.head(limit).itertuples():
        lines.append(f"  {row.name:<{width}}  {row.dual:>12.6g}")
    if len(binding) > limit:
        lines.append(f"  ... and {len(binding) - limit} more (see --json)")
    return "\n".join(lines)


def _meanings(plan: Plan, meanings: pd.DataFrame, limit: int) -> str:
    if meanings.empty:
        return "No budget, corridor, floor, capacity or share constraint binds."
    lines = [f"Binding constraints, by shadow price{duals_note(plan)}"]
    lines += [f"  {row.name}: {row.meaning}" for row in meanings.head(limit).itertuples()]
    if len(meanings) > limit:
        lines.append(f"  ... and {len(meanings) - limit} more (see --json)")
    return "\n".join(lines)


def _projects_table(plan: Plan) -> str:
    """The funded projects (id, name, region, start, cost), their count and share, and the gap."""
    share = funded_share(plan)
    head = (
        f"Projects: {share.funded} of {share.candidates} candidates funded, "
        f"cost {_fmt(share.cost)} {plan.unit} ({_pct(share.share)} of the budget)   "
        f"gap: {_gap(plan.gap)}"
    )
    funded = plan.funded_projects
    if funded.empty:
        return head
    shown = funded[["id", "name", "region", "start", "cost"]].copy()
    shown["cost"] = [_fmt(float(v)) for v in shown["cost"]]
    return head + "\n" + shown.to_string(index=False)


def _gap(gap: float | None) -> str:
    return "-" if gap is None else f"{100 * gap:.4g}%"


def _group_words(choices: pd.DataFrame | None) -> str:
    if choices is None or choices.empty:
        return ""
    return "Groups of alternatives that bind\n" + "\n".join(f"  {w}" for w in choices["words"])
