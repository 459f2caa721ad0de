"""Reports: one plan, written as an Excel workbook, a self-contained HTML page, a CSV table or a JSON
document, from one place for the CLI, the API and the UI's download buttons.

>>> import planner
>>> plan = planner.solve("western_china")
>>> planner.export(plan, "plan.xlsx")               # doctest: +SKIP
>>> data = planner.reports.render(plan, "html")    # bytes, for a download button
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from planner.analysis.attribution import EndpointNotOptimal, attribute
from planner.analysis.meaning import meaning
from planner.errors import OutputError
from planner.i18n.catalog import t, use_language
from planner.reports.approval import Approval, approval_of
from planner.reports.briefing import render_briefing
from planner.reports.excel import render_xlsx
from planner.reports.funding import has_funding
from planner.reports.html import render_html
from planner.reports.safety import atomic_write, check_writable
from planner.reports.tables import ReportInfo, has_projects
from planner.reports.tabular import (
    render_csv,
    render_funding_csv,
    render_json,
    render_projects_csv,
)
from planner.solve.plan import Plan

RENDERERS: dict[str, Callable[[Plan, ReportInfo], bytes]] = {
    "xlsx": render_xlsx,
    "html": render_html,
    "csv": render_csv,
    "json": render_json,
}
"""Format name (the file suffix without its dot) → renderer."""

MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html",
    "csv": "text/csv",
    "json": "application/json",
}
"""MIME type of each format, for a download button."""


def format_of(path: str | os.PathLike[str]) -> str:
    """The format a file name asks for (``plan.xlsx`` → ``xlsx``); :class:`OutputError` if unknown."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in RENDERERS:
        known = ", ".join(f".{f}" for f in RENDERERS)
        raise OutputError(t("cli.output.report_format", target=path, known=known))
    return suffix


def check_output(path: str | os.PathLike[str]) -> Path:
    """Raise :class:`OutputError` now if ``path`` cannot take a report (format or folder)."""
    format_of(path)
    return check_writable(path)


def render(
    plan: Plan,
    fmt: str,
    info: ReportInfo | None = None,
    *,
    alternatives: Any = None,
    lang: str | None = None,
) -> bytes:
    """The report in format ``fmt`` (``xlsx``, ``html``, ``csv`` or ``json``) as bytes.

    ``alternatives`` (a :class:`planner.Alternatives` of the same scenario) adds an Alternatives
    sheet (xlsx), section (html) or key (json); the CSV stays the plan's tidy allocation.
    ``lang`` (``en``, ``zh``; default: the active language, English unless set) words the sheets,
    headers and sections; in Chinese the xlsx and html show money in 亿元, while the CSV and JSON
    keep the scenario's unit (the CSV's headers are in Chinese, the JSON's keys stay English)."""
    fmt = fmt.lower().lstrip(".")
    if fmt not in RENDERERS:
        raise OutputError(f"unknown report format '{fmt}': use one of {', '.join(RENDERERS)}")
    info = info or ReportInfo.now()
    if alternatives is not None:
        info = replace(info, alternatives=alternatives)
    with use_language(lang):
        return RENDERERS[fmt](plan, info)


def report_info(plan: Plan, baseline: Any = None) -> ReportInfo:
    """Who writes the report and when, and, given a ``baseline`` (a plan or scenario), why the plan
    differs from it (:func:`planner.attribute`; left out when either side has no optimal plan)."""
    if baseline is None:
        return ReportInfo.now()
    try:
        return ReportInfo.now(attribute(baseline, plan))
    except EndpointNotOptimal:
        return ReportInfo.now()


def export(
    plan: Plan,
    path: str | os.PathLike[str],
    baseline: Any = None,
    *,
    info: ReportInfo | None = None,
    alternatives: Any = None,
    lang: str | None = None,
) -> Path:
    """Write the report ``path`` names, in the format its suffix names, atomically.

    With ``baseline`` (a plan or scenario), the xlsx, html and json reports add a section on why the
    plan differs from it (``info`` from :func:`report_info` reuses one computed attribution).

    The whole file is rendered in memory first and then put in place by one rename, so a failure
    leaves no file (and an older report at ``path`` untouched). Returns the absolute path written.
    A CSV of a plan with candidate projects also writes every project with its cash per period
    beside it (:func:`projects_csv_path`: ``plan.csv`` → ``plan.projects.csv``), and one of a plan
    with funding sources who pays what (:func:`funding_csv_path`: ``plan.funding.csv``), each file
    whole.
    Raises :class:`OutputError` for an unknown suffix or a folder that cannot be written.
    ``alternatives`` adds them to the report, ``lang`` picks its language (see :func:`render`).
    """
    fmt = format_of(path)
    check_writable(path)
    info = info or report_info(plan, baseline)
    data = render(plan, fmt, info, alternatives=alternatives, lang=lang)
    with use_language(lang):  # rendered before anything is written, so a failure leaves neither
        companion = render_projects_csv(plan, info) if fmt == "csv" and has_projects(plan) else None
        funded = render_funding_csv(plan, info) if fmt == "csv" and has_funding(plan) else None
    written = atomic_write(path, data)
    if companion is not None:
        atomic_write(projects_csv_path(written), companion)
    if funded is not None:
        atomic_write(funding_csv_path(written), funded)
    return written


def briefing(
    plan: Plan,
    info: ReportInfo | None = None,
    *,
    approval: Approval | None = None,
    lang: str | None = None,
) -> bytes:
    """The one-page briefing for a director (print-ready HTML on A4) as bytes, in ``lang``:
    headline figures, money by province, sector and year, the projects, what binds, and the run's
    ``approval`` (:func:`approval_of` a stored run; "not stored as a run" without one)."""
    info = info or ReportInfo.now()
    if approval is not None:
        info = replace(info, approval=approval)
    with use_language(lang):
        return render_briefing(plan, info)


def write_briefing(
    plan: Plan,
    path: str | os.PathLike[str],
    *,
    approval: Approval | None = None,
    lang: str | None = None,
) -> Path:
    """Write :func:`briefing` to ``path`` atomically (an ``.html`` file); returns the path."""
    check_briefing(path)
    return atomic_write(path, briefing(plan, approval=approval, lang=lang))


def check_briefing(path: str | os.PathLike[str]) -> Path:
    """Raise :class:`OutputError` now if ``path`` cannot take a briefing (not .html, or its folder
    cannot be written)."""
    if Path(path).suffix.lower() not in (".html", ".htm"):
        raise OutputError(t("cli.output.briefing_format", target=path))
    return check_writable(path)


def funding_csv_path(path: str | os.PathLike[str]) -> Path:
    """Where the funding CSV of an allocation CSV goes: ``plan.csv`` → ``plan.funding.csv``."""
    target = Path(path)
    return target.with_name(f"{target.stem}.funding.csv")


def projects_csv_path(path: str | os.PathLike[str]) -> Path:
    """Where the projects CSV of an allocation CSV goes: ``plan.csv`` → ``plan.projects.csv``."""
    target = Path(path)
    return target.with_name(f"{target.stem}.projects.csv")


__all__ = [
    "MEDIA_TYPES",
    "Approval",
    "approval_of",
    "briefing",
    "check_briefing",
    "write_briefing",
    "RENDERERS",
    "ReportInfo",
    "check_output",
    "export",
    "format_of",
    "funding_csv_path",
    "meaning",
    "projects_csv_path",
    "render",
    "report_info",
]
