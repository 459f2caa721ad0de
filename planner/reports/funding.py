"""The funding part of every report (funding.md "Results"): who pays, each source's use per period,
debt against debt room, and the most valuable next yuan in words. Shared by the xlsx, HTML and CSV
renderers; the JSON document has the plan's own ``funding``, ``sources`` and ``debt`` records."""

from __future__ import annotations

import pandas as pd

from planner.analysis.funding_words import next_yuan_words, who_pays
from planner.i18n.catalog import t
from planner.i18n.names import region_names, sector_name, source_names
from planner.reports import tables
from planner.solve.plan import Plan


def has_funding(plan: Plan) -> bool:
    """Whether the plan's scenario has funding sources and the plan has their tables."""
    return plan.scenario is not None and plan.scenario.funding is not None and len(plan.sources) > 0


def funding_tables(plan: Plan) -> list[tuple[str, pd.DataFrame]]:
    """(title, table) of the Funding sheet and section, names in the active language, money in the
    scenario's unit (the renderers show it in theirs)."""
    sources = source_names(plan.scenario)
    regions = region_names(plan.scenario)
    payers = who_pays(plan).reset_index()
    payers.insert(1, "source_name", payers["source"].map(sources))
    per_period = tables.with_locked(plan, plan.sources.copy())
    per_period.insert(1, "source_name", per_period["source"].map(sources))
    debt = plan.debt.copy()
    debt.insert(1, "name", debt["region"].map(regions))
    payers = payers.rename(columns={s: sector_name(s) for s in plan.scenario.sectors})
    return [
        (t("report.funding.who_pays"), payers),
        (t("report.funding.sources"), per_period),
        (t("report.funding.debt"), debt),
    ]


def funding_csv_frame(plan: Plan) -> pd.DataFrame:
    """The tidy ``funding`` table (region, sector, period, source, amount) with names and unit."""
    frame = plan.funding.copy()
    frame.insert(1, "name", frame["region"].map(region_names(plan.scenario)))
    frame.insert(5, "source_name", frame["source"].map(source_names(plan.scenario)))
    frame["unit"] = plan.unit
    return frame


def next_yuan_sentence(plan: Plan) -> str:
    return next_yuan_words(plan)
