"""The re-plan's tables for the reports (actuals.md): the rules the past broke, in words, and with a
plan to compare against, the plan against actual: the locked periods planned against spent, each
project's planned, actual and re-planned start, and the periods ahead, planned against re-planned.

Amounts stay in the scenario's unit; the renderers show them in the page's (``tables.MONEY``).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from planner.analysis.replan import locked_labels, nothing_relaxed, relaxed_lines
from planner.i18n.catalog import t
from planner.i18n.names import project_name
from planner.reports import tables
from planner.solve.plan import Plan


def replan_tables(plan: Plan, info: tables.ReportInfo) -> list[tuple[str, pd.DataFrame]]:
    """(title, table) pairs of the Plan against actual sheet and section; none without a record."""
    if plan.actuals is None:
        return []
    scenario = tables.scenario_of(plan)
    locked = ", ".join(locked_labels(plan))
    relaxed = relaxed_lines(scenario, plan.actuals["relaxed"]) or [nothing_relaxed(plan)]
    titled = [(t("report.replan.relaxed", periods=locked), pd.DataFrame({"relaxed": relaxed}))]
    against = info.against
    if against is None:
        return titled
    names = tables.region_names(plan)
    projects = {p.id: p for p in scenario.projects}
    spent = against.locked.copy()
    spent.insert(1, "name", spent["region"].map(names))
    starts = against.starts.copy()
    starts.insert(1, "name", [project_name(projects[i]) for i in starts["id"]])
    starts["actual_start"] = [
        t("replan.not_started") if s is None else s for s in starts["actual_start"]
    ]
    ahead = against.ahead.copy()
    ahead.insert(1, "name", ahead["region"].map(names))
    titled += [
        (t("report.replan.locked", through=against.through), spent),
        (t("report.replan.starts"), starts),
        (t("report.replan.ahead"), ahead),
    ]
    if against.attribution is not None:
        words = pd.DataFrame({"why": [against.attribution.summary()]})
        titled.append((t("report.replan.why"), words))
    return titled


def period_label(plan: Plan, period: Any) -> str:
    """A period as the header of an allocation table's column or row: marked when locked."""
    locked = set(locked_labels(plan))
    return t("report.replan.locked_period", period=period) if str(period) in locked else str(period)


def locked_cash_headers(plan: Plan, columns: Any) -> dict[str, str]:
    """The headers of a project table's cash columns (``cash_<period>``) in the locked periods,
    marked; the other columns keep their usual header."""
    locked = set(locked_labels(plan))
    prefix = tables.CASH_PREFIX
    return {
        c: tables.cash_label(period_label(plan, c[len(prefix) :]), plan.unit)
        for c in columns
        if c.startswith(prefix) and c[len(prefix) :] in locked
    }


def locked_marks(plan: Plan, periods: Any) -> list[str]:
    """For each period of an allocation table, "fixed by the past" where it is locked, else ""."""
    locked = set(locked_labels(plan))
    return [t("report.replan.locked_mark") if str(p) in locked else "" for p in periods]
