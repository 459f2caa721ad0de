"""The app's Re-plan tab (actuals.md): the tab is on the page, and its tables and chart read names
and money in the page's unit (AppTest cannot upload files, so the record goes through the tab's
own functions here)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import planner
from planner.analysis.replan import locked_labels, plan_against_actual
from planner.i18n.catalog import t, use_language
from planner.scenario.files import with_actuals
from ui import replan_tab

APP = Path(__file__).resolve().parents[1] / "ui" / "app.py"
DATA = Path(__file__).resolve().parents[1] / "data" / "western_china"


def test_the_page_has_a_replan_tab_that_asks_for_the_record() -> None:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Re-plan" in [tab.label for tab in at.tabs]
    assert any("Upload the spending record" in c.value for c in at.caption)


@pytest.fixture(scope="module")
def comparison() -> tuple[planner.Scenario, planner.Plan, object]:
    scenario = planner.load_scenario("western_china")
    original = planner.solve(scenario)
    replanned = with_actuals(
        scenario,
        2026,
        DATA / "actuals_2026_example.csv",
        DATA / "project_starts_2026_example.csv",
    )
    re_plan = planner.solve(replanned)
    return replanned, re_plan, plan_against_actual(original, re_plan, replanned)


def test_the_tables_name_provinces_and_show_money_in_the_pages_unit(comparison) -> None:  # type: ignore[no-untyped-def]
    scenario, _plan, against = comparison
    english = replan_tab.locked_frame(scenario, against)
    assert "Chongqing" in set(english["Province"])
    with use_language("zh"):
        chinese = replan_tab.locked_frame(scenario, against)
        starts = replan_tab.starts_frame(scenario, against)
    assert "重庆" in set(chinese["省份"])
    assert chinese["计划 (亿元)"].sum() == pytest.approx(10 * english["planned (CNY bn)"].sum())
    assert "未开工" in set(starts["实际开工"])  # the late Bishan airport
    # a change as the Compare view writes it: 0, −2.4, +46.4; not -1.3369 or 0.000000000000003
    differences = english["difference (CNY bn)"]
    assert all(re.fullmatch(r"0|[+−][\d,]+\.\d", d) for d in differences), list(differences)


def test_the_chart_shows_planned_and_spent_per_province(comparison) -> None:  # type: ignore[no-untyped-def]
    scenario, _plan, against = comparison
    data = replan_tab.against_chart(scenario, against).data
    chongqing = data[data["region"] == "Chongqing"].set_index("what")["amount"]
    assert chongqing["planned"] > chongqing["spent"]  # the airport that did not start


def test_the_chart_colours_each_series_alike_in_both_languages(comparison) -> None:  # type: ignore[no-untyped-def]
    """Planned, spent and the change ahead keep their colour and bar order in Chinese, whose names
    sort differently (English: planned, re-plan's change, spent; Chinese: 后续…, 实际…, 计划)."""
    scenario, _plan, against = comparison
    colours = {}
    for language in ("en", "zh"):
        with use_language(language):
            color = replan_tab.against_chart(scenario, against).to_dict()["encoding"]["color"]
            order = [t(f"ui.replan.{k}") for k in ("planned", "spent", "ahead")]
        assert color["scale"]["domain"] == order
        colours[language] = color["scale"]["range"]
        assert color["scale"]["domain"] == color["sort"]
    assert colours["en"] == colours["zh"] == list(replan_tab.SERIES)


def test_the_periods_view_greys_the_locked_periods(comparison) -> None:  # type: ignore[no-untyped-def]
    from ui import views

    _scenario, plan, _against = comparison
    table = views.period_table(plan)
    context = replan_tab.greyed(table, plan)._compute().ctx  # (row, column) → CSS pairs
    rows = list(table.index)
    grey = {rows[i] for (i, _j), css in context.items() if ("color", "#888888") in css}
    assert grey == {"2026"}
    unlocked = planner.solve("western_china")
    plain = views.period_table(unlocked)
    assert replan_tab.greyed(plain, unlocked) is plain


def test_the_allocation_view_greys_the_locked_periods(comparison) -> None:  # type: ignore[no-untyped-def]
    """The provinces × periods heat table: every 2026 cell drawn grey (not on the money scale), the
    later periods coloured by their money; each province's cells add up to its allocation."""
    from ui import views

    _scenario, plan, _against = comparison
    assert locked_labels(plan) == ["2026"]
    data = views.period_heat(plan)
    assert set(data.loc[data["locked"], "period"]) == {"2026 (spent)"}
    assert set(data.loc[~data["locked"], "period"]) == {"2027", "2028", "2029", "2030"}
    assert data["amount"].sum() == pytest.approx(plan.allocation["amount"].sum())
    layers = views.period_heat_table(plan).to_dict()["layer"]
    coloured, grey = layers[0], layers[1]
    assert "color" in coloured["encoding"] and coloured["transform"] == [
        {"filter": "(datum.locked === false)"}
    ]
    assert grey["mark"]["color"] == views.LOCKED_GREY and "color" not in grey.get("encoding", {})
    assert grey["transform"] == [{"filter": "(datum.locked === true)"}]
    with use_language("zh"):
        assert "2026（已支出）" in set(views.period_heat(plan)["period"])
