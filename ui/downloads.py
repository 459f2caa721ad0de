"""Files the page offers for download, as bytes built in memory."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from planner import Scenario, save_scenario, scenario_yaml_text


def scenario_yaml(scenario: Scenario) -> bytes:
    """The edited scenario as one YAML file with inline tables (``planner solve`` reads it as is)."""
    return scenario_yaml_text(scenario).encode("utf-8")


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
