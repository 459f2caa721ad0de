"""Annotation columns (issue 18) where a planner reads the inputs: the reports' assumptions and the
app's provinces editor."""

from __future__ import annotations

import openpyxl
import pytest

import planner
from planner.reports import tables
from tests.test_projects import ports
from ui import edit


@pytest.fixture(scope="module")
def western() -> planner.Scenario:
    return planner.load_scenario("western_china")


def test_assumptions_show_the_annotations_of_regions_needs_and_projects(tmp_path):
    data = ports().model_dump()
    data["regions"][0]["source"] = "statistical yearbook 2025"
    data["needs"][1]["note"] = "estimate, check with the ministry"
    data["projects"][2]["name_zh"] = "铁路"
    plan = planner.solve(planner.validate_scenario(data))
    shown = dict(tables.assumptions(plan))
    assert shown["Regions"]["source"].tolist() == ["statistical yearbook 2025", ""]
    assert shown["Needs"]["note"].tolist() == ["", "estimate, check with the ministry"]
    assert shown["Candidate projects"]["name_zh"].tolist() == ["", "", "铁路"]
    book = openpyxl.load_workbook(planner.export(plan, tmp_path / "p.xlsx"))
    cells = {c.value for row in book["Assumptions"].iter_rows() for c in row}
    assert {"statistical yearbook 2025", "estimate, check with the ministry", "铁路"} <= cells


def test_the_provinces_editor_shows_and_writes_back_annotations(western):
    regions = edit.regions_table(western)
    assert "name_zh" in regions.columns  # western_china's regions carry their Chinese names
    assert regions["name_zh"].str.len().gt(0).all()
    regions.loc[0, "name_zh"] = "改过的名字"
    changed = edit.edited_scenario(
        western,
        edit.settings_of(western),
        edit.split_table(western),
        regions,
        edit.profiles_table(western),
        edit.corridors_table(western),
    )
    assert changed.regions[0].annotations["name_zh"] == "改过的名字"
    assert changed.regions[1].annotations == western.regions[1].annotations
