"""The plan as a CSV table (the tidy allocation) and as a JSON document (``solve --json`` plus
report metadata)."""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any

from planner.analysis.projects import DUALS_WITH_PROJECTS
from planner.i18n.catalog import DEFAULT_LANGUAGE, language, t
from planner.i18n.units import use_money_unit
from planner.reports import tables
from planner.reports.funding import funding_csv_frame
from planner.reports.safety import csv_cell
from planner.solve.plan import Plan, _records

CSV_ENCODING = "utf-8-sig"
"""UTF-8 with a byte-order mark: without it Excel reads Chinese region names as mojibake."""

REPORT_FORMAT = "planner-report/1"


def render_csv(plan: Plan, info: tables.ReportInfo) -> bytes:
    """The tidy allocation, one row per region × sector × period: ``region, name, sector, period,
    amount, need, coverage, unit`` (``need`` is the pair's need over the horizon; ``coverage`` its
    funded share, blank for a zero need). Without a plan the amounts are empty, not zero."""
    frame = tables.allocation(plan)
    if not tables.has_allocation(plan):
        frame["amount"] = math.nan
        frame["coverage"] = math.nan
    frame["unit"] = plan.unit
    return _csv_bytes(frame)


def render_projects_csv(plan: Plan, info: tables.ReportInfo) -> bytes:
    """Every candidate project, one row each: ``id, name, region, sector, group, mandatory, funded,
    start, cost, value``, its cash per period (``cash_<period>``) and ``unit``; written beside the
    allocation CSV as ``<stem>.projects.csv``. Without a plan ``funded`` and ``start`` are empty."""
    frame = tables.projects(plan)
    if not tables.has_allocation(plan):
        frame["funded"] = None
        frame["start"] = None
    frame["unit"] = plan.unit
    return _csv_bytes(frame, project=True)


def render_funding_csv(plan: Plan, info: tables.ReportInfo) -> bytes:
    """Who pays what (funding.md): ``region, name, sector, period, source, source_name, amount,
    unit``, one row per nonzero payment; written beside the allocation CSV as
    ``<stem>.funding.csv``."""
    return _csv_bytes(funding_csv_frame(plan))


def _csv_bytes(frame: Any, project: bool = False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    unit = str(frame["unit"].iloc[0]) if len(frame) else ""
    writer.writerow(_headers(frame.columns, unit, project))
    for record in frame.itertuples(index=False):
        writer.writerow([csv_cell(_csv_value(v)) for v in record])
    return buffer.getvalue().encode(CSV_ENCODING)


def _headers(columns: Any, unit: str, project: bool) -> list[str]:
    """The columns' machine names in English (what programs join on); in another language the
    headers a person reads, with the scenario's unit (the numbers stay in it; shares stay
    fractions, so no "%")."""
    if language() == DEFAULT_LANGUAGE:
        return list(columns)
    with use_money_unit("scenario"):
        headers = [tables.label(c, unit).removesuffix(" (%)") for c in columns]
    if project and "name" in columns:
        headers[list(columns).index("name")] = t("column.project")
    return headers


def _csv_value(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return "" if not math.isfinite(value) else repr(value)
    return value


def render_json(plan: Plan, info: tables.ReportInfo) -> bytes:
    """The ``planner solve --json`` document (with ``projects`` and ``gap``), its allocation rows
    extended with ``name``, ``need`` and ``coverage``, with candidate projects a ``project_groups``
    list (``group, max, funded, chosen, left_out, words``), plus a ``report`` block: scenario name and inputs hash, planner version, when
    the plan was solved and when the report was written (UTC ISO 8601)."""
    document = plan.to_dict()
    if tables.has_allocation(plan):
        document["allocation"] = _records(tables.allocation(plan))
    if info.alternatives is not None:
        document["alternatives"] = info.alternatives.to_dict()
    if info.attribution is not None:
        document["attribution"] = info.attribution.to_dict()
    if tables.has_projects(plan):
        document["project_groups"] = _records(tables.project_groups(plan))
    document["report"] = {
        "format": REPORT_FORMAT,
        "scenario": plan.scenario_name,
        "scenario_digest": plan.scenario_digest,
        "planner_version": info.planner_version,
        "solved_at": plan.solved_at or None,
        "written_at": info.written_at,
    }
    if tables.has_projects(plan):
        document["report"]["shadow_prices"] = DUALS_WITH_PROJECTS
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
