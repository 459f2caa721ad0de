"""A stored run reads back whole: ``store.get`` returns a Plan equal to the live one in every field a
view or report reads (issue 31, "Reopening a stored run"; issue 33 items 1 and 6).

Each kind of plan a planner records is checked field by field, in SQLite and in PostgreSQL: a pure
LP, the default western_china plan (a MIP with candidate projects and scored criteria), an infeasible
plan with its diagnosis, a funded plan with its who-pays tables (funding.md "Results", schema 0007;
the bundled western_china_funded, and a tiny one with a province of unlimited debt room), and a
re-plan with its record of the past (actuals.md "Results") that relaxed a rule. Each plan is solved
once for the module.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import planner
import planner.store
from planner.analysis.diagnosis import Diagnosis
from planner.analysis.funding_words import next_yuan_words
from planner.analysis.replan import relaxed_lines
from planner.cli import main
from planner.reports import export, report_info
from planner.reports.funding import funding_tables
from planner.reports.replan import replan_tables
from planner.scenario.files import with_actuals
from tests.conftest import make, store_at

HERE = Path(__file__).resolve().parent
WESTERN = HERE.parent / "data" / "western_china"

TABLES = (
    "allocation",
    "budget",
    "coverage",
    "constraints",
    "projects",
    "project_cash",
    "benefits",
    "criteria",
    "funding",
    "sources",
    "debt",
)
KINDS = (
    "lp",
    "mip_projects_criteria",
    "infeasible",
    "funded",
    "funded_unlimited_room",
    "replan",
)
REPLAN_BUDGET = 2150.0
"""western_china's budget in the re-plan: the 2026 record (README, "Re-planning") then overspends
2026's share of it, so the re-plan relaxes ``budget[2026]`` and has a relaxed row to keep."""


def replan_scenario() -> planner.Scenario:
    western = planner.load_scenario("western_china").with_changes(budget=REPLAN_BUDGET)
    return with_actuals(
        western,
        2026,
        WESTERN / "actuals_2026_example.csv",
        WESTERN / "project_starts_2026_example.csv",
    )


def kinds() -> dict[str, planner.Plan]:
    western = planner.load_scenario("western_china")
    return {
        "lp": planner.solve(make()),
        "mip_projects_criteria": planner.solve(western),
        "infeasible": planner.solve(western, budget=300),
        "funded": planner.solve("western_china_funded"),
        "funded_unlimited_room": planner.solve(str(HERE / "scenarios" / "funding_two_provinces")),
        "replan": planner.solve(replan_scenario()),
    }


@pytest.fixture(scope="module")
def plans() -> dict[str, planner.Plan]:
    return kinds()


def record_all(store: planner.store.RunStore, plans: dict[str, planner.Plan]) -> dict[str, str]:
    """Every kind recorded; the re-plan as `planner replan --against run:ID --record` records it,
    revising the western_china run."""
    ids = {kind: store.record(plan) for kind, plan in plans.items() if kind != "replan"}
    original = ids["mip_projects_criteria"]
    ids["replan"] = store.record(
        plans["replan"],
        changes={"actuals.through": 2026, "revises": original},
        parent=original,
    )
    return ids


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def stored(request, plans, tmp_path_factory) -> tuple[str, dict[str, str]]:
    """The store's URL, and the id of each kind recorded in it."""
    if request.param == "sqlite":
        url = str(tmp_path_factory.mktemp("roundtrip") / "runs.sqlite")
    else:
        from tests import pg

        url = pg.new_database(request.getfixturevalue("postgres_server"))
    with planner.store.open(url) as store:
        return url, record_all(store, plans)


@pytest.fixture(scope="module")
def read_back(stored) -> dict[str, planner.Plan]:
    url, ids = stored
    with planner.store.open(url) as store:
        return {kind: store.get(run_id) for kind, run_id in ids.items()}


def assert_same_plan(live: planner.Plan, stored: planner.Plan, kind: str) -> None:
    for field in dataclasses.fields(planner.Plan):
        name = field.name
        if name in TABLES:
            pd.testing.assert_frame_equal(
                getattr(stored, name), getattr(live, name), obj=f"{kind}: {name}"
            )
        elif name == "timings":  # stored to the microsecond
            assert stored.timings == pytest.approx(live.timings, abs=1e-6), kind
        elif name == "diagnosis":
            assert_same_diagnosis(live.diagnosis, stored.diagnosis, live.scenario)
        elif name == "scenario":
            assert stored.scenario == live.scenario, kind
        elif name == "priced_choices":  # a cache a report fills by re-solving, not a result
            continue
        else:
            assert getattr(stored, name) == getattr(live, name), f"{kind}: {name}"
    # the JSON document (`solve --json`, the JSON report, `runs show --json`) is the same too
    assert stored.to_dict() == json.loads(json.dumps(live.to_dict())), kind


@pytest.mark.parametrize("kind", KINDS)
def test_a_stored_plan_equals_the_live_one_field_by_field(plans, read_back, kind) -> None:
    assert_same_plan(plans[kind], read_back[kind], kind)


def test_the_kinds_are_what_they_say(plans) -> None:
    """The comparison above covers projects, criteria, a diagnosis, who pays and a record of the
    past, not empty tables."""
    assert plans["lp"].projects.empty and plans["lp"].is_optimal
    mip = plans["mip_projects_criteria"]
    assert mip.projects["funded"].any() and len(mip.project_cash) and len(mip.criteria)
    assert not mip.projects["funded"].all()  # an unfunded project's start is None
    assert plans["infeasible"].status == "infeasible"
    assert not plans["infeasible"].diagnosis.relaxations.empty
    for kind in ("funded", "funded_unlimited_room"):
        funded = plans[kind]
        assert len(funded.funding) and len(funded.debt) and funded.sources["binding"].any()
        assert not funded.sources["binding"].all()
    assert plans["funded"].debt["room"].notna().all()
    assert plans["funded_unlimited_room"].debt["room"].isna().any()  # None: no debt limit
    replan = plans["replan"]
    assert replan.actuals["relaxed"] and replan.actuals["fixed"]
    assert replan.constraints["dual"].isna().any()  # the rows the past fixed have no price


def test_a_reopened_funded_plan_says_the_same_words(plans, read_back) -> None:
    """The Funding tab's and the reports' words and tables (who pays, each source by period, debt
    against room, the most valuable next yuan) read the reopened plan as they read the live one."""
    for kind in ("funded", "funded_unlimited_room"):
        live, stored = plans[kind], read_back[kind]
        assert next_yuan_words(stored) == next_yuan_words(live)
        for (title, frame), (live_title, live_frame) in zip(
            funding_tables(stored), funding_tables(live), strict=True
        ):
            assert title == live_title
            pd.testing.assert_frame_equal(frame, live_frame, obj=f"{kind}: {title}")


def test_a_reopened_replan_says_the_same_words(plans, read_back) -> None:
    """The relaxed rows in words, and the re-plan's report tables (locked periods marked)."""
    live, stored = plans["replan"], read_back["replan"]
    scenario = live.scenario
    assert relaxed_lines(scenario, stored.actuals["relaxed"]) == relaxed_lines(
        scenario, live.actuals["relaxed"]
    )
    assert "2026" in relaxed_lines(scenario, stored.actuals["relaxed"])[0]
    info = report_info(live)
    for (title, frame), (live_title, live_frame) in zip(
        replan_tables(stored, info), replan_tables(live, info), strict=True
    ):
        assert title == live_title
        pd.testing.assert_frame_equal(frame, live_frame, obj=title)


def test_a_replan_shows_the_run_it_revises(stored) -> None:
    url, ids = stored
    with planner.store.open(url) as store:
        listed = store.runs().set_index("id")["revises"]
        assert listed[ids["replan"]] == ids["mip_projects_criteria"]
        assert listed.drop(ids["replan"]).isna().all()
        assert store.show(ids["replan"])["revises"] == ids["mip_projects_criteria"]


def test_every_kind_verifies_to_its_stored_tables(stored) -> None:
    """The content hash covers the who-pays tables and the record of the past as stored and read
    back by each database."""
    url, _ids = stored
    with planner.store.open(url) as store:
        assert store.verify(deep=True).ok


def assert_same_diagnosis(
    live: Diagnosis | None, stored: Diagnosis | None, scenario: planner.Scenario
) -> None:
    if live is None:
        assert stored is None
        return
    assert isinstance(stored, Diagnosis)
    assert stored.to_dict() == json.loads(json.dumps(live.to_dict()))
    assert stored.lines_in("zh") == live.lines_in("zh")  # every language, not the solve's only
    assert stored.budget_alone_by_period == live.budget_alone_by_period
    if not live.feasible:  # the reopened run's proposal still applies: the same fixed scenario
        assert stored.apply(scenario) == live.apply(scenario)


def test_one_scenario_has_one_fingerprint(plans, read_back, tmp_path) -> None:
    """Issue 33 item 6: solve printed [52b8e6366a69], runs show [a0dbcaf9b78d]."""
    live = plans["mip_projects_criteria"]
    assert read_back["mip_projects_criteria"].scenario_digest == live.scenario_digest
    assert live.scenario_digest == planner.load_scenario("western_china").digest()
    path = tmp_path / "w.yaml"
    planner.save_scenario(live.scenario, path)
    assert planner.load_scenario(path).digest() == live.scenario_digest  # wherever it was read


def test_a_recorded_run_reports_as_html(tmp_path, capsys) -> None:
    """Issue 33 item 1: `solve --record` then `runs report ID --out r.html` stopped on
    "'2026.0' is not in list" (an unfunded project's start came back as a float)."""
    db = str(tmp_path / "runs.sqlite")
    assert main(["solve", "western_china", "--record", "--db", db]) == 0
    solved = capsys.readouterr().out
    with planner.store.open(db) as store:
        (run_id,) = store.runs()["id"]
    out = tmp_path / "r.html"
    assert main(["runs", "report", run_id, "--out", str(out), "--db", db]) == 0
    page = out.read_text(encoding="utf-8")
    assert "2026.0" not in page and "2026" in page
    assert main(["runs", "show", run_id, "--db", db]) == 0
    shown = capsys.readouterr().out
    digest = planner.load_scenario("western_china").digest()
    assert f"[{digest}]" in solved and f"[{digest}]" in shown


def sheets(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every sheet as rows of values, but the summary (it names the stored run) and the
    assumptions: the store keeps the scenario as canonical JSON, keys sorted, so a table's
    annotation columns come back in the order of their names, not of the file's columns."""
    book = openpyxl.load_workbook(path)
    kept = book.sheetnames[1:]
    kept.remove("Assumptions")
    return {name: list(book[name].iter_rows(values_only=True)) for name in kept}


def section(page: str, title: str) -> str:
    start = page.index(f"<h2>{title}</h2>")
    end = page.find("<h2>", start + 1)
    return page[start : end if end >= 0 else None]


@pytest.mark.parametrize(
    ("kind", "sheet", "title"),
    [
        ("funded_unlimited_room", "Funding", "Funding"),
        ("replan", "Plan against actual", "Plan against actual"),
    ],
)
def test_the_report_of_a_reopened_run_is_the_live_plans(
    plans, tmp_path, capsys, kind, sheet, title
) -> None:
    """`planner runs report ID --out r.xlsx --out r.html` of a stored funded run has its Funding
    sheet and section, and of a re-plan its Plan against actual sheet and section, each as the
    live plan's report has them (and every other sheet too, the locked periods marked)."""
    url = str(tmp_path / "runs.sqlite")
    with planner.store.open(url) as store:
        ids = record_all(store, plans)
    xlsx, page = tmp_path / "r.xlsx", tmp_path / "r.html"
    args = ["runs", "report", ids[kind], "--out", str(xlsx), "--out", str(page), "--db", url]
    assert main(args) == 0
    capsys.readouterr()
    live = plans[kind]
    reopened = sheets(xlsx)
    assert sheet in reopened
    assert reopened == sheets(export(live, tmp_path / "live.xlsx"))
    live_page = export(live, tmp_path / "live.html").read_text(encoding="utf-8")
    shown = section(page.read_text(encoding="utf-8"), title)
    assert shown == section(live_page, title)


def test_runs_of_schema_0006_read_back_whole_after_0007(plans, store_url) -> None:
    """A store an older planner left at 0006: its runs read back as they were recorded and verify
    unchanged after 0007 adds the who-pays tables and the actuals record; new funded runs and
    re-plans are then kept whole beside them."""
    old = store_at(store_url, "0006")
    before = {kind: old.record(plans[kind]) for kind in ("lp", "mip_projects_criteria")}
    old.close()
    with planner.store.open(store_url) as store:  # migrated to 0007 on open
        assert store.verify(deep=True).ok
        for kind, run_id in before.items():
            assert_same_plan(plans[kind], store.get(run_id), kind)
        after = {kind: store.record(plans[kind]) for kind in ("funded", "replan")}
        assert store.verify(deep=True).ok
        for kind, run_id in after.items():
            assert_same_plan(plans[kind], store.get(run_id), kind)
