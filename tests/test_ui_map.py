"""The Map tab: the real map (choropleth of the chosen measure, the projects on top) in Chromium,
and the chart's content without a browser."""

from __future__ import annotations

import os

import pytest
from test_ui_browser import browser_page, problems_shown, server  # noqa: F401  (server: a fixture)

import planner
from planner.i18n.catalog import use_language
from planner.i18n.names import key_name
from ui import geomap

MARKS = ".vega-embed svg g.{name}_marks path"


@pytest.fixture(scope="module")
def plan() -> planner.Plan:
    return planner.solve(planner.load_scenario("western_china"))


def layers(spec: dict) -> dict[str, dict]:
    return {layer["name"]: layer for layer in spec["layer"] if "name" in layer}


def test_the_map_tab_draws_the_choropleth_and_the_projects(server: str) -> None:  # noqa: F811
    with browser_page() as page:
        page.goto(server)
        page.get_by_text("Benefit E").first.wait_for()
        page.get_by_role("tab", name="Map & coverage").click()
        page.locator(MARKS.format(name="choropleth")).first.wait_for()
        assert page.locator(MARKS.format(name="choropleth")).count() == 12  # western China
        page.locator(MARKS.format(name="projects")).first.wait_for()
        assert page.locator(MARKS.format(name="projects")).count() >= 10  # the routes
        assert page.locator(MARKS.format(name="project_sites")).count() >= 8  # the sites
        assert problems_shown(page) == []
        shot = os.environ.get("PLANNER_UI_MAP_SCREENSHOT")
        if shot:
            page.wait_for_timeout(1500)
            page.locator(".vega-embed").first.screenshot(path=shot)


def test_every_province_and_project_is_on_the_map(plan: planner.Plan) -> None:
    drawn, missing = geomap.real_map(plan)
    assert missing == []
    named = layers(drawn)
    assert len(named["choropleth"]["data"]["values"]) == len(plan.coverage)
    routes = named["projects"]["data"]["values"]
    assert {r["name"] for r in routes} <= set(plan.projects["name"])
    faded = {r["name"] for r in routes if not r["funded"]}
    assert faded == {r["name"] for r in routes} - set(plan.funded_projects["name"])


def test_measures_and_corridors(plan: planner.Plan) -> None:
    """Money per person is the allocation over the province's residents; the change against a
    baseline of the same plan is zero everywhere; the corridors are outlined by name."""
    table = geomap.region_table(plan, plan)
    sichuan = table.set_index("region").loc["sichuan"]
    assert sichuan["per_person"] == pytest.approx(sichuan["allocated"] * 1e9 / 83_674_866, rel=1e-3)
    assert (table["change"].abs() < 1e-9).all()
    drawn, _ = geomap.real_map(plan, "change", plan, corridors=True)
    outlines = layers(drawn)["corridors"]["data"]["values"]
    corridors = plan.scenario.corridors
    assert {o["corridor"] for o in outlines} == {key_name("corridor", c) for c in corridors}
    assert "land sea" in {o["corridor"] for o in outlines}  # a name in words, never the id land_sea


def test_chinese_labels(plan: planner.Plan) -> None:
    with use_language("zh"):
        spec, _ = geomap.real_map(plan, "money")
    named = layers(spec)
    provinces = {r["province"] for r in named["choropleth"]["data"]["values"]}
    assert "四川" in provinces and "Sichuan" not in provinces
    assert "川藏铁路雅安至林芝段（四川段）" in {
        r["name"] for r in named["projects"]["data"]["values"]
    }
    assert spec["title"] == "各省与候选项目"


def test_the_national_scenario_uses_the_same_map() -> None:
    """china_national: all 31 provinces shaded on the one map, none left off it."""
    national = planner.solve(planner.load_scenario("china_national"))
    drawn, missing = geomap.real_map(national, "money")
    assert missing == []
    shaded = layers(drawn)["choropleth"]["data"]["values"]
    assert len(shaded) == 31 and all(r["value"] is not None for r in shaded)
