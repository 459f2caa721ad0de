"""The Streamlit page driven headless by AppTest: controls change the plan, errors are messages.

AppTest runs the real script (ui/app.py) in-process; ``default_timeout`` is only a functional guard
against a hung run, not a speed assertion.
"""

from __future__ import annotations

import csv
import io
import json
import math
import sys
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

import planner
from planner.i18n.catalog import t
from tests.conftest import make
from tests.test_criteria import hand
from ui import display

APP = Path(__file__).resolve().parents[1] / "ui" / "app.py"
TIMEOUT_S = 120


def opened() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()
    assert_clean(at)
    return at


@pytest.fixture
def app() -> AppTest:
    """A page of its own, for a test that changes it."""
    return opened()


@pytest.fixture
def small_page(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> AppTest:
    """A page opened on test_criteria's two-region hand case, for the uploads: what they check is
    the upload's path (read, refused, solved), which western_china's plan only makes slower."""
    path = tmp_path_factory.mktemp("opened") / "hand.yaml"
    path.write_text(planner.scenario_yaml_text(hand()), encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["app.py", "--scenario", str(path)])
    return opened()


@pytest.fixture(scope="module")
def shown_page() -> AppTest:
    """The page as it opens, run once for the tests that only read it (none clicks or edits)."""
    return opened()


def assert_clean(at: AppTest) -> None:
    """No traceback and no error box: ui/app.py catches planner's exceptions and shows them with
    ``st.error``, so ``at.exception`` alone would stay empty while the page says something broke."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, errors(at)


def assert_only_expected_errors(at: AppTest) -> None:
    """A page that must show errors (bad input, no plan) shows them as messages, never as a bug."""
    assert not at.exception, [e.value for e in at.exception]
    assert errors(at), "expected an error message on the page"
    assert not [e for e in errors(at) if e.startswith("Something went wrong inside planner")]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def number(text: str) -> float:
    return float(text.split()[0].replace(",", "").rstrip("%"))


def test_opens_on_the_default_scenario_with_an_optimal_plan(shown_page: AppTest) -> None:
    app = shown_page
    assert app.selectbox(key="bundled").value == "western_china"
    assert "status **optimal**" in app.caption[0].value
    shown = metrics(app)
    plan = planner.solve("western_china")
    assert number(shown["Allocated"]) == pytest.approx(plan.allocated_total, abs=0.1)
    assert number(shown["Benefit E"]) == pytest.approx(plan.E, abs=0.1)


def test_changing_the_budget_re_solves_in_place_and_a_rerun_without_change_does_not(
    app: AppTest,
) -> None:
    before = metrics(app)
    app.number_input(key="budget_total").set_value(1500.0).run()
    after = metrics(app)
    assert_clean(app)
    assert number(after["Allocated"]) == pytest.approx(1500.0, abs=0.1)
    assert number(after["Benefit E"]) < number(before["Benefit E"])
    # a shape-keeping change re-solves the live model rather than rebuilding it
    assert "re-solved in place" in app.caption[0].value
    # and a rerun that changes nothing does not solve again
    app.run()
    assert_clean(app)
    assert "unchanged, not re-solved" in app.caption[0].value


def test_an_infeasible_setting_shows_the_diagnosis_not_a_traceback(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.number_input(key="budget_total").set_value(100.0).run()
    assert_only_expected_errors(app)
    assert any("infeasible" in e for e in errors(app))
    assert not app.metric  # no KPI cards pretend there is a plan
    expected = planner.diagnose(planner.load_scenario("western_china").with_changes(budget=100))
    shown = [m.value for m in app.markdown]
    for line in expected.lines:  # the API's diagnosis, line by line, in plain words
        assert f"- {line}" in shown
    (table,) = [d.value for d in app.dataframe if "family" in d.value.columns]
    assert table["constraint"].tolist() == expected.relaxations["constraint"].tolist()
    relaxed = served_files(monkeypatch, app)["Relaxed scenario (YAML)"]
    fixed = planner.solve(planner.validate_scenario(yaml.safe_load(relaxed)))
    assert fixed.status == "optimal"  # applying the proposed change makes the scenario feasible


def test_excluding_a_province_removes_it_from_the_plan(app: AppTest) -> None:
    app.session_state["regions_editor"] = {
        "edited_rows": {0: {"include": False}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    assert_clean(app)
    assert "11 provinces" in app.caption[0].value


def test_a_bad_table_edit_is_reported_with_table_row_and_field(app: AppTest) -> None:
    app.session_state["profiles_editor"] = {
        "edited_rows": {0: {"share_min": 0.9}, 1: {"share_min": 0.9}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    assert_only_expected_errors(app)
    shown = errors(app)
    assert any("Profiles table" in e and "share_min" in e and "more than 1" in e for e in shown)


def test_a_bad_upload_shows_one_error_per_problem(small_page: AppTest) -> None:
    app = small_page
    bad = yaml.safe_load(planner.scenario_yaml_text(hand()))
    bad["needs"][2]["need"] = -5
    bad["needs"][3]["people"] = "lots"  # a criterion's score (the hand case has criteria)
    app.radio(key="source").set_value("Upload").run()
    app.file_uploader(key="upload").upload(
        "broken.yaml", yaml.safe_dump(bad).encode(), "application/x-yaml"
    )
    app.run()
    assert_only_expected_errors(app)
    shown = errors(app)
    assert any("broken.yaml, row 3, field 'need'" in e for e in shown), shown
    assert any("broken.yaml, row 4, field 'people'" in e for e in shown), shown
    assert "(2 problems)" in shown[0]


def test_a_zip_upload_with_csv_tables_is_solved(small_page: AppTest, tmp_path: Path) -> None:
    app = small_page
    scenario = hand().with_changes(budget=12)  # 12 of the needs' 30: all of it is spent
    planner.save_scenario(scenario, tmp_path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in tmp_path.iterdir():
            archive.write(path, arcname=f"mine/{path.name}")
    app.radio(key="source").set_value("Upload").run()
    app.file_uploader(key="upload").upload("mine.zip", buffer.getvalue(), "application/zip")
    app.run()
    assert_clean(app)
    assert number(metrics(app)["Allocated"]) == pytest.approx(12.0, abs=0.1)


class RecordingManager(MediaFileManager):
    """The media manager AppTest uses, remembered so a test can fetch what the buttons serve."""

    instances: list[MediaFileManager] = []

    def __init__(self, storage: MemoryMediaFileStorage) -> None:
        super().__init__(storage)
        self.memory = storage
        RecordingManager.instances.append(self)


def served_files(monkeypatch: pytest.MonkeyPatch, at: AppTest) -> dict[str, bytes]:
    """Run the app, click (in effect) every download button, return label → the bytes it serves."""
    import streamlit.testing.v1.app_test as app_test

    RecordingManager.instances.clear()
    monkeypatch.setattr(app_test, "MediaFileManager", RecordingManager)
    at.run()
    manager = RecordingManager.instances[-1]
    files = {}
    for button in at.get("download_button"):
        url = button.proto.url or manager.execute_deferred(button.proto.deferred_file_id)
        file_id = url.rsplit("/", 1)[-1].split(".")[0]
        files[button.label] = manager.memory.get_file(file_id).content
    return files


def test_downloads_parse_the_scenario_files_solve_unchanged_and_the_reports_are_the_plans(
    app: AppTest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    app.number_input(key="budget_total").set_value(1700.0).run()
    files = served_files(monkeypatch, app)
    assert_clean(app)
    yaml_path = tmp_path / "edited.yaml"
    yaml_path.write_bytes(files["Scenario YAML"])
    with zipfile.ZipFile(io.BytesIO(files["Scenario zip (YAML + CSVs)"])) as archive:
        assert sorted(archive.namelist()) == [
            "needs.csv",
            "projects.csv",
            "regions.csv",
            "scenario.yaml",
        ]
        archive.extractall(tmp_path / "zipped")
    from_yaml = planner.load_scenario(yaml_path)
    from_zip = planner.load_scenario(tmp_path / "zipped")
    assert from_yaml.total_budget() == pytest.approx(1700.0)
    assert from_zip == from_yaml
    assert planner.solve(from_yaml).allocated_total == pytest.approx(1700.0, abs=1e-6)
    # the report downloads are the exporters' files of the plan shown
    document = json.loads(files["JSON plan"])
    assert document["status"] == "optimal"
    assert document["allocated"] == pytest.approx(1700.0, abs=0.01)
    assert document["allocated"] == pytest.approx(number(metrics(app)["Allocated"]), abs=0.05)
    rows = list(csv.DictReader(io.StringIO(files["CSV allocation"].decode("utf-8-sig"))))
    assert math.fsum(float(r["amount"]) for r in rows) == pytest.approx(1700.0, abs=0.01)
    (tmp_path / "plan.xlsx").write_bytes(files["Excel report"])
    workbook = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    assert "Allocation" in workbook.sheetnames
    html = files["HTML report"].decode("utf-8")
    assert html.lstrip().lower().startswith("<!doctype html") and "<svg" in html


def figure(text: str) -> float:
    """A change as the Compare tab prints it (``−1,010.0``) as a number."""
    return float(text.replace(display.MINUS, "-").replace(",", "").split()[0])


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    (found,) = [d.value for d in at.dataframe if column in d.value.columns]
    return found


def test_binding_constraints_are_explained_in_words(shown_page: AppTest) -> None:
    """Whole sentences, the most valuable first, no ids such as share_max[xizang,transport]; the
    default plan chooses projects (a MIP), so no ranging is shown, and the page says why."""
    (tab,) = [x for x in shown_page.tabs if x.label == t("ui.tab.binding")]
    expected = planner.explain(planner.solve("western_china"))
    text = "\n".join(m.value for m in tab.markdown)
    lines = [line for line in text.splitlines() if line[:1].isdigit()]
    assert [line.split(". ", 1)[1] for line in lines] == expected["meaning"].tolist()
    assert not any(name in text for name in expected["name"])
    assert t("ui.binding.no_ranging_mip") in [c.value for c in tab.caption]


def test_frontier_and_pareto_are_computed_on_demand(app: AppTest) -> None:
    assert not [d for d in app.dataframe if "newly_funded" in d.value.columns]  # not before asked
    app.button(key="frontier_button").click().run()
    frontier = frame_with(app, "newly_funded")
    assert len(frontier) == 11
    budget = planner.load_scenario("western_china").total_budget()
    assert frontier["budget"].iloc[[0, -1]].tolist() == pytest.approx([0.5 * budget, 1.5 * budget])
    optimal = frontier[frontier["status"] == "optimal"]
    assert optimal["E"].is_monotonic_increasing  # efficiency: more budget never lowers E
    app.button(key="pareto_button").click().run()
    assert_clean(app)
    pareto = frame_with(app, "epsilon")
    assert pareto["balanced"].sum() == 1
    assert_clean(app)
    app.run()  # kept for the scenario: a rerun shows them without asking again
    assert len(frame_with(app, "newly_funded")) == 11


def test_pinned_baseline_is_compared_with_the_new_plan_and_the_change_attributed(
    app: AppTest,
) -> None:
    """Only the budget moved (2,507 → 1,500): the Compare tab and the KPI cards show the drop, and
    the attribution finds one group, whose value is the whole change of E."""
    app.button(key="pin_baseline").click().run()
    app.number_input(key="budget_total").set_value(1500.0).run()
    assert_clean(app)
    kpis = frame_with(app, "kpi").set_index("kpi")
    drop = 1500.0 - planner.load_scenario("western_china").total_budget()  # all of it is spent
    assert figure(kpis.loc["allocated (CNY bn)", "delta"]) == pytest.approx(drop, abs=0.05)
    deltas = {m.label: m.delta for m in app.metric}
    assert deltas["Allocated"].startswith(f"{drop:,.1f}")
    app.button(key="attribute").click().run()
    assert not app.exception, [e.value for e in app.exception]
    table = frame_with(app, "E_alone")
    assert list(table["group"]) == ["budget"]
    kpis = frame_with(app, "kpi").set_index("kpi")
    assert table.loc[0, "E"] == pytest.approx(figure(kpis.loc["benefit E", "delta"]), abs=0.05)
    assert any("the lower budget accounts for" in m.value for m in app.markdown)
    assert app.get("vega_lite_chart") or app.get("arrow_vega_lite_chart")


def test_a_bug_inside_planner_is_a_message_that_the_clean_check_sees(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The page turns an unexpected exception into an error box, not a traceback: so ``at.exception``
    stays empty, and only :func:`assert_clean`'s look at ``at.error`` catches it."""
    from ui import state

    def broken(scenario: planner.Scenario, session: object = None, **_: object) -> None:
        raise RuntimeError("deliberate")

    monkeypatch.setattr(state, "solve", broken)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()
    assert not at.exception
    assert errors(at) == [
        "Something went wrong inside planner (RuntimeError: deliberate). Please report it."
    ]
    with pytest.raises(AssertionError):
        assert_clean(at)


def test_an_xlsx_upload_is_solved_and_the_workbook_download_loads_equal(
    small_page: AppTest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    app = small_page
    scenario = make(budget=12)  # the workbook has no Criteria sheet: conftest's two regions
    app.radio(key="source").set_value("Upload").run()
    app.file_uploader(key="upload").upload(
        "mine.xlsx", planner.workbook_bytes(scenario), "application/vnd.ms-excel"
    )
    app.run()
    assert not app.exception and not errors(app)
    assert number(metrics(app)["Allocated"]) == pytest.approx(12.0, abs=0.1)
    files = served_files(monkeypatch, app)
    (tmp_path / "edited.xlsx").write_bytes(files["Scenario workbook (xlsx)"])
    assert planner.load_scenario(tmp_path / "edited.xlsx") == scenario


def test_a_needs_grid_edit_is_checked_inline(app: AppTest) -> None:
    app.session_state["needs_grid_editor"] = {
        "edited_rows": {0: {"power": -3.0}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    assert not app.exception
    shown = errors(app)
    assert any(
        "Needs grid, row 1, field 'power'" in e and "greater than or equal to 0" in e for e in shown
    ), shown
