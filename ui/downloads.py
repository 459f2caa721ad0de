"""Files the page offers for download, built in memory when a button is clicked.

Reports come from :func:`planner.reports.render`, the exporters ``planner report`` uses; the scenario
files from :func:`planner.scenario_yaml_text`, :func:`planner.save_scenario` and the workbook writer.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from planner import Plan, Scenario, reports, save_scenario, scenario_yaml_text, workbook_bytes
from planner.i18n.catalog import language

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

REPORTS = (
    (
        "Excel report",
        "xlsx",
        "Workbook: summary, allocation, coverage, budget, constraints, assumptions.",
    ),
    (
        "HTML report",
        "html",
        "One self-contained page with charts and tables; opens offline, prints to A4.",
    ),
    (
        "CSV allocation",
        "csv",
        "Tidy allocation: region, sector, period, amount, need, coverage, unit.",
    ),
    ("JSON plan", "json", "The whole plan as one JSON document (as `planner solve --json`)."),
)


@dataclass(frozen=True)
class Download:
    """One download button: its label, the file it serves and how to build that file's bytes."""

    label: str
    file_name: str
    mime: str
    help: str
    build: Callable[[], bytes]


def report_files(plan: Plan, stem: str) -> list[Download]:
    """The plan's four reports (Excel, HTML, CSV, JSON), rendered on demand."""
    return [
        Download(
            label,
            f"{stem}.{fmt}",
            reports.MEDIA_TYPES[fmt],
            text,
            partial(reports.render, plan, fmt, lang=language()),
        )
        for label, fmt, text in REPORTS
    ]


def scenario_files(scenario: Scenario, stem: str) -> list[Download]:
    """The edited scenario as one YAML file, as an xlsx workbook, and as a zip of YAML + CSVs."""
    return [
        Download(
            "Scenario YAML",
            f"{stem}.yaml",
            "application/x-yaml",
            "One YAML file with the tables inline.",
            partial(scenario_yaml, scenario),
        ),
        Download(
            "Scenario workbook (xlsx)",
            f"{stem}-scenario.xlsx",
            XLSX_MIME,
            "One sheet per table, with a README sheet and drop-downs; planner solve reads it.",
            partial(scenario_workbook, scenario),
        ),
        Download(
            "Scenario zip (YAML + CSVs)",
            f"{stem}-scenario.zip",
            "application/zip",
            "scenario.yaml with regions.csv and needs.csv beside it.",
            partial(scenario_zip, scenario),
        ),
    ]


def scenario_yaml(scenario: Scenario) -> bytes:
    """The edited scenario as one YAML file with inline tables (``planner solve`` reads it as is)."""
    return scenario_yaml_text(scenario).encode("utf-8")


def scenario_workbook(scenario: Scenario) -> bytes:
    """The edited scenario as a workbook (``planner convert`` writes the same bytes)."""
    return workbook_bytes(scenario)


def scenario_zip(scenario: Scenario) -> bytes:
    """The edited scenario as a zip of ``scenario.yaml``, ``regions.csv`` and ``needs.csv``.

    Written by :func:`planner.save_scenario`, so unzipping it gives a folder ``planner solve`` accepts.
    """
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="planner-download-") as tmp:
        save_scenario(scenario, tmp)
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(Path(tmp).iterdir()):
                archive.write(path, arcname=path.name)
    return buffer.getvalue()


def file_stem(scenario: Scenario) -> str:
    """A file-name-safe stem from the scenario's name."""
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in scenario.name.strip())
    return stem.strip("_")[:60] or "scenario"
