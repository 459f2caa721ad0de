"""The Alternatives sheet and section of a report: what the near-optimal alternatives found
(planner.alternatives) say, as titled tables for the xlsx and HTML renderers."""

from __future__ import annotations

import pandas as pd

from planner.i18n.catalog import t
from planner.reports.tables import ReportInfo


def alternatives_tables(info: ReportInfo) -> list[tuple[str, pd.DataFrame]]:
    """(title, table) of the Alternatives sheet/section: the ranges, the alternatives' KPIs and
    distances, and which pairs are funded in all, none or some of the plans. Empty without them."""
    found = info.alternatives
    if found is None or not len(found.ranges):
        return []
    ranges = found.ranges.rename(
        columns={
            "min": "least",
            "max": "most",
            "optimal": "optimal_plan",
        }
    ).fillna({"region": t("report.all_regions_lower"), "sector": t("report.all_sectors")})
    head = t(
        "report.alternatives.head",
        slack=f"{found.slack:.1%}",
        mode=t(f"mode.{found.mode}"),
        optimum=f"{found.optimum:,.4g}",
    )
    projects = [(found.PROJECTS_TITLE, found.projects)] if len(found.projects) else []
    return [
        (head, ranges),
        (t("report.alternatives.distances"), found.summary()),
        *projects,
        (t("report.alternatives.funded"), found.funded_table()),
    ]
