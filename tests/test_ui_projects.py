"""The Projects tab: the candidates' edits back into the scenario (pure functions), and the tab driven
headless by AppTest on PORTS (tests/test_projects.py) written to a file."""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

import planner
from planner.errors import ScenarioError
from tests.test_projects import PORTS, ports
from tests.test_ui_app import APP, TIMEOUT_S, metrics
from ui import projects


def edits(**kwargs: object) -> projects.Edits:
    return projects.Edits(**kwargs)  # type: ignore[arg-type]


def test_without_edits_the_scenario_comes_back_unchanged() -> None:
    base = ports()
    assert projects.edited(base, base, edits()) is base
    table = projects.candidates_table(base)
    assert table["id"].tolist() == ["port_a", "port_b", "rail_b"]
    assert table.loc[2, "requires"] == "port_b"


def test_a_cell_edit_reaches_only_its_project() -> None:
    base = ports()
    changed = projects.edited(base, base, edits(delta={"edited_rows": {"0": {"cost": 5.0}}}))
    assert [p.cost for p in changed.projects] == [5.0, 6.0, 4.0]
    assert changed.projects[1] == base.projects[1]


def test_forcing_in_makes_mandatory_and_excluding_drops_what_requires_it() -> None:
    base = ports()
    forced = projects.edited(base, base, edits(force_in=["port_a"]))
    assert [p.mandatory for p in forced.projects] == [True, False, False]
    without = projects.edited(base, base, edits(exclude=["port_b"]))
    assert [p.id for p in without.projects] == ["port_a"]  # rail_b requires port_b


def test_added_and_deleted_rows() -> None:
    base = ports()
    added = {"id": "dock", "region": "a", "sector": "transport", "cost": 2, "value": 3}
    changed = projects.edited(base, base, edits(delta={"added_rows": [added], "deleted_rows": [0]}))
    assert [p.id for p in changed.projects] == ["port_b", "rail_b", "dock"]


def test_bad_edits_name_the_projects_table_row_and_column() -> None:
    base = ports()

    def problems(delta: dict[str, object]) -> list[str]:
        with pytest.raises(ScenarioError) as caught:
            projects.edited(base, base, edits(delta=delta))
        return [str(p) for p in caught.value.problems]

    assert problems({"edited_rows": {1: {"cost": -1.0}}}) == [
        "Projects table, row 2, field 'cost': Input should be greater than 0 (got -1.0)"
    ]
    (shown,) = problems({"deleted_rows": [0], "edited_rows": {2: {"requires": "nowhere"}}})
    assert shown.startswith("Projects table, row 3, field 'requires'") and "nowhere" in shown


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    path = tmp_path / "ports.yaml"
    path.write_text(yaml.safe_dump(copy.deepcopy(PORTS)), encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["app.py", "--scenario", str(path)])
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def status_of(at: AppTest) -> dict[str, str]:
    (table,) = [d.value for d in at.dataframe if {"status", "cost"} <= set(d.value.columns)]
    return dict(zip(table["id"], table["status"], strict=True))


def test_the_tab_shows_candidates_kpis_and_groups(app: AppTest) -> None:
    """E = 29 with port_b + rail_b (10 of the budget of 20: 50 %), test_projects' hand case."""
    assert "Projects" in [t.label for t in app.tabs]
    shown = metrics(app)
    assert shown["Projects funded"] == "2 / 3"  # short: "30 个中的 28 个" was cut on its card
    assert shown["Projects' share of budget"] == "50.0%"
    assert float(shown["Benefit E"]) == pytest.approx(29.0)
    assert status_of(app) == {"port_a": "not funded", "port_b": "funded", "rail_b": "funded"}
    (groups,) = [d.value for d in app.dataframe if "left_out" in d.value.columns]
    assert groups.loc[0, ["group", "max", "chosen", "left_out"]].tolist() == [
        "port",
        1,
        "port_b",
        "port_a",
    ]
    app.button(key="projects_swaps_button").click().run()
    (groups,) = [d.value for d in app.dataframe if "left_out" in d.value.columns]
    assert "would cost 5.00 of E" in groups.loc[0, "words"]
    assert any("starts fixed" in c.value for c in app.caption)


def test_force_in_and_exclude_change_the_plan_and_can_be_undone(app: AppTest) -> None:
    """port_a forced in: the group shuts out port_b and rail_b with it, E = 24."""
    app.multiselect(key="projects_force_in").set_value(["port_a"]).run()
    assert float(metrics(app)["Benefit E"]) == pytest.approx(24.0)
    assert metrics(app)["Projects funded"] == "1 / 3"
    app.multiselect(key="projects_force_in").set_value([]).run()
    app.multiselect(key="projects_exclude").set_value(["port_b"]).run()
    assert status_of(app) == {"port_a": "funded", "port_b": "excluded", "rail_b": "excluded"}
    assert metrics(app)["Projects funded"] == "1 / 1"
    app.multiselect(key="projects_exclude").set_value([]).run()
    assert float(metrics(app)["Benefit E"]) == pytest.approx(29.0)


def test_forcing_both_alternatives_is_diagnosed_and_can_be_released(app: AppTest) -> None:
    app.multiselect(key="projects_force_in").set_value(["port_a", "port_b"]).run()
    assert not app.exception
    assert any("infeasible" in e.value for e in app.error)
    app.multiselect(key="projects_force_in").set_value(["port_b"]).run()  # still on the page
    assert float(metrics(app)["Benefit E"]) == pytest.approx(29.0)


def test_a_bad_table_edit_is_shown_with_row_and_column(app: AppTest) -> None:
    app.session_state["projects_editor"] = {
        "edited_rows": {0: {"cost": -3.0}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    assert not app.exception
    assert any("Projects table" in e.value and "cost" in e.value for e in app.error)


def test_a_scenario_without_projects_has_no_projects_tab() -> None:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()
    at.selectbox(key="bundled").set_value("china_national").run()  # a scenario without projects
    assert not planner.load_scenario("china_national").projects
    assert "Projects" not in [t.label for t in at.tabs]
    assert "Projects funded" not in metrics(at)


def annotated() -> planner.Scenario:
    """PORTS with a source on port_a and a status on rail_b (annotation columns, kept as text)."""
    data = copy.deepcopy(PORTS)
    data["projects"][0]["source"] = "port authority 2025"
    data["projects"][2]["status"] = "planned"
    return planner.validate_scenario(data)


def test_annotation_columns_are_shown_and_survive_an_edit() -> None:
    base = annotated()
    table = projects.candidates_table(base)
    assert list(table.columns)[-2:] == ["source", "status"]
    assert table["source"].tolist() == ["port authority 2025", "", ""]
    changed = projects.edited(base, base, edits(delta={"edited_rows": {"0": {"cost": 5.0}}}))
    assert [p.annotations for p in changed.projects] == [p.annotations for p in base.projects]
    assert changed.projects[0].cost == 5.0


def test_an_annotation_edit_reaches_its_project_and_a_cleared_one_is_dropped() -> None:
    base = annotated()
    delta = {
        "edited_rows": {"0": {"source": ""}, "1": {"status": "approved"}},
        "added_rows": [
            {
                "id": "dock",
                "region": "a",
                "sector": "transport",
                "cost": 2,
                "value": 3,
                "source": "draft",
            }
        ],
    }
    changed = projects.edited(base, base, edits(delta=delta))
    assert [p.annotations for p in changed.projects] == [
        {},
        {"status": "approved"},
        {"status": "planned"},
        {"source": "draft"},
    ]
