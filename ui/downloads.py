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
from planner.i18n.catalog import language, t

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

REPORTS = ("xlsx", "html", "csv", "json")
"""The report formats offered, each labelled and explained by ``ui.download.<format>.*``."""

SCENARIO_FILES = (
    ("yaml", "{stem}.yaml", "application/x-yaml"),
    ("workbook", "{stem}-scenario.xlsx", XLSX_MIME),
    ("zip", "{stem}-scenario.zip", "application/zip"),
)
"""The scenario's files: catalog name (``ui.download.<name>.*``), file name and media type."""


@dataclass(frozen=True)
class Download:
    """One download button: its label, the file it serves and how to build that file's bytes."""

    label: str
    file_name: str
    mime: str
    help: str
    build: Callable[[], bytes]

    @property
    def key(self) -> str:
        """What tells this button from the others of its row: its format, or ``briefing``."""
        if "-briefing." in self.file_name:
            return "briefing"
        return self.file_name.rsplit(".", 1)[-1]


def report_files(
    plan: Plan, stem: str, approval: Callable[[], reports.Approval | None] = lambda: None
) -> list[Download]:
    """The plan's four reports (Excel, HTML, CSV, JSON) and the one-page briefing, rendered on
    demand; ``approval`` gives the stored run the plan is, with its decision, when clicked."""

    def build(fmt: str, lang: str) -> bytes:
        info = reports.ReportInfo.now(approval=approval())
        return reports.render(plan, fmt, info, lang=lang)

    files = [
        Download(
            t(f"ui.download.{fmt}.label"),
            f"{stem}.{fmt}",
            reports.MEDIA_TYPES[fmt],
            t(f"ui.download.{fmt}.help"),
            partial(build, fmt, language()),
        )
        for fmt in REPORTS
    ]
    lang = language()
    files.append(
        Download(
            t("ui.download.briefing.label"),
            f"{stem}-briefing.html",
            "text/html",
            t("ui.download.briefing.help"),
            lambda: reports.briefing(plan, approval=approval(), lang=lang),
        )
    )
    return files


def scenario_files(scenario: Scenario, stem: str) -> list[Download]:
    """The edited scenario as one YAML file, as an xlsx workbook, and as a zip of YAML + CSVs."""
    builders = {"yaml": scenario_yaml, "workbook": scenario_workbook, "zip": scenario_zip}
    return [
        Download(
            t(f"ui.download.{name}.label"),
            file_name.format(stem=stem),
            mime,
            t(f"ui.download.{name}.help"),
            partial(builders[name], scenario),
        )
        for name, file_name, mime in SCENARIO_FILES
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
