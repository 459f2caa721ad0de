"""The needs' editors in the app, driven headless by AppTest: notes (annotations) beside the needs,
criteria scores edited one criterion at a time, projects' annotations; each edit reaches the scenario
the page solves and downloads (download → load_scenario → equal to the edit made by hand)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

import planner
from tests.test_criteria import hand
from tests.test_ui_app import APP, TIMEOUT_S, assert_clean, errors, metrics, served_files


def delta(rows: dict[int, dict[str, Any]]) -> dict[str, Any]:
    return {"edited_rows": rows, "added_rows": [], "deleted_rows": []}


def downloaded(
    at: AppTest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, workbook: bool = True
) -> planner.Scenario:
    """The edited scenario the page offers, loaded back from its YAML (and the workbook loads equal).

    ``workbook=False`` for a scenario with criteria: the workbook has no ``Criteria`` sheet yet
    (planner/scenario/sheets.py), so it cannot carry one."""
    files = served_files(monkeypatch, at)
    (tmp_path / "edited.yaml").write_bytes(files["Scenario YAML"])
    from_yaml = planner.load_scenario(tmp_path / "edited.yaml")
    if workbook:
        (tmp_path / "edited.xlsx").write_bytes(files["Scenario workbook (xlsx)"])
        assert planner.load_scenario(tmp_path / "edited.xlsx") == from_yaml
    return from_yaml


def with_needs(scenario: planner.Scenario, **rows: dict[str, Any]) -> planner.Scenario:
    """``scenario`` with the needs rows at the given positions (``n0=…``) updated."""
    data = scenario.model_dump()
    for name, changes in rows.items():
        data["needs"][int(name[1:])].update(changes)
    return planner.validate_scenario(data)


@pytest.fixture
def scored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The app on test_criteria's hand case (criteria people and ecology), r1/a with a source."""
    path = tmp_path / "hand.yaml"
    path.write_text(planner.scenario_yaml_text(with_needs(hand(), n0={"source": "survey"})))
    monkeypatch.setattr(sys, "argv", ["app.py", "--scenario", str(path)])
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()
    assert_clean(at)
    return at


def test_each_criterions_scores_are_edited_in_its_own_grid_and_reach_the_download(
    scored: AppTest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """people 100 → 60 at r1/a, then (the selector on ecology) ecology 1 → 3 at r2/a: both reach the
    solved and downloaded scenario, though only one grid is on the page at a time.

    By hand: max_people = 60 (r1/a now), max_ecology = 4 (r1/b). Benefits r1/a = 60/60 = 1,
    r1/b = 50/60 + 2·4/4 = 2.833…, r2/a = 2·3/4 = 1.5; budget 15: r1/b's 10 then 5 of r2/a,
    E = 28.333… + 7.5 = 35.833… (it was 30 before the edits)."""
    labels = [tab.label for tab in scored.tabs]
    assert "Scores" in labels and "Benefits" not in labels
    scored.session_state["scores_grid_editor_people"] = delta({0: {"a": 60.0}})
    scored.run()
    scored.selectbox(key="scores_criterion").set_value("ecology").run()
    scored.session_state["scores_grid_editor_ecology"] = delta({1: {"a": 3.0}})
    scored.session_state["needs_notes_editor"] = delta({0: {"source": "survey 2024"}})
    scored.run()
    assert_clean(scored)
    expected = with_needs(hand(), n0={"people": 60.0, "source": "survey 2024"}, n2={"ecology": 3.0})
    assert downloaded(scored, monkeypatch, tmp_path, workbook=False) == expected
    assert pytest.approx(35.0 + 5 / 6) == planner.solve(expected).E
    assert float(metrics(scored)["Benefit E"]) == pytest.approx(35.0 + 5 / 6, abs=0.05)


def test_a_bad_score_is_shown_inline_with_grid_row_and_sector(scored: AppTest) -> None:
    scored.session_state["scores_grid_editor_people"] = delta({1: {"a": -5.0}})
    scored.run()
    assert not scored.exception
    shown = errors(scored)
    assert any(
        e.startswith("Scores grid 'people', row 2, field 'a'") and "greater than or equal to 0" in e
        for e in shown
    ), shown


def test_annotations_edits_survive_and_reach_the_download(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """One page, three edits, one download. western_china's needs carry no annotation yet: the
    notes table offers source and note, and a region takes a macro region. Its projects carry
    name_zh, status, source, … : a cost edit keeps them all and a status edit reaches the
    downloaded scenario."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()
    base = planner.load_scenario("western_china")
    at.session_state["needs_notes_editor"] = delta({0: {"source": "NBS 2023", "note": "est."}})
    at.session_state["regions_editor"] = delta({1: {"macro_region": "southwest"}})
    at.session_state["projects_editor"] = delta(
        {0: {"status": "approved 2026"}, 1: {"cost": base.projects[1].cost + 1}}
    )
    at.run()
    assert_clean(at)
    data = base.model_dump()
    data["needs"][0].update(source="NBS 2023", note="est.")
    data["regions"][1]["macro_region"] = "southwest"
    data["projects"][0]["status"] = "approved 2026"
    data["projects"][1]["cost"] = base.projects[1].cost + 1
    loaded = downloaded(at, monkeypatch, tmp_path)
    assert loaded == planner.validate_scenario(data)
    assert loaded.projects[1].annotations == base.projects[1].annotations
