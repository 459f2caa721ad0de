"""The Funding tab (ui/funding_tab.py): who pays, use by period, debt against room, the next yuan in
words, and amount and share edits that re-solve the session's live model in place; the pure functions
directly, the page headless by AppTest on the small funded test scenario."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

import planner
from planner.i18n.catalog import use_language
from tests.test_ui_app import APP, TIMEOUT_S, assert_clean
from ui import funding_tab

SCENARIO = Path(__file__).parent / "scenarios" / "funding_two_provinces"


@pytest.fixture(scope="module")
def scenario() -> planner.Scenario:
    return planner.load_scenario(SCENARIO)


def test_edits_change_the_amounts_and_shares_and_nothing_else(scenario):
    session: dict[str, Any] = {}
    assert funding_tab.apply(scenario, scenario, session) is scenario  # nothing typed yet
    session[funding_tab.amount_key("central")] = 60.0  # CNY bn, the page's unit in English
    session[funding_tab.share_key(0)] = 0.7
    edited = funding_tab.apply(scenario, scenario, session)
    assert edited.source_amounts()["central"] == [30.0, 30.0]
    assert edited.funding.rules[0].max_share == 0.7
    assert edited.source_amounts()["bonds"] == scenario.source_amounts()["bonds"]


def test_in_chinese_an_amount_is_typed_in_yi_yuan(scenario):
    session: dict[str, Any] = {}
    funding_tab.apply(scenario, scenario, session)  # the inputs now belong to this scenario
    session[funding_tab.amount_key("central")] = 600.0  # 600 亿元 = 60 CNY bn
    with use_language("zh"):
        edited = funding_tab.apply(scenario, scenario, session)
    assert edited.source_amounts()["central"] == [30.0, 30.0]


def test_the_tables_show_names_and_the_page_unit(scenario):
    plan = planner.solve(scenario)
    data = funding_tab.payers_chart_data(plan)
    assert set(data["source"]) == {
        "Central budget investment",
        "Special bonds",
        "North own fiscal money",
    }
    assert data["amount"].sum() == pytest.approx(plan.allocated_total, rel=1e-6)
    with use_language("zh"):
        debt = funding_tab.debt_by_province(plan)
    assert list(debt.iloc[:, 0]) == ["北方", "南方"]
    assert debt.iloc[0, 1] == pytest.approx(150.0)  # 15 CNY bn of debt is 150 亿元


def test_who_pays_takes_the_sector_colours_of_the_page(scenario):
    """The chart had a scheme of its own: transport was blue here and orange in every other chart."""
    from ui import views

    plan = planner.solve(scenario)
    for lang in ("en", "zh"):
        with use_language(lang):
            colour = funding_tab.payers_chart(plan).to_dict()["encoding"]["color"]["scale"]
            assert colour == views.sector_scale(plan).to_dict()


def page(folder: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    shutil.copytree(SCENARIO, folder)
    monkeypatch.setattr(sys, "argv", ["app.py", "--scenario", str(folder)])
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()
    assert_clean(at)
    return at


def test_an_amount_edit_re_solves_in_place_and_equals_a_fresh_solve(
    scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = page(tmp_path / "funded", monkeypatch)
    (tab,) = [tab for tab in at.tabs if tab.label == "Funding"]
    assert any("One more CNY bn of" in info.value for info in tab.info)
    at.number_input(key=funding_tab.amount_key("central")).set_value(20.0).run()
    assert_clean(at)
    status = next(c.value for c in at.caption if "status" in c.value)
    assert "re-solved in place" in status
    fresh = planner.solve(scenario.with_changes(funding={"central": 20.0}))
    assert fresh.E < planner.solve(scenario).E  # the edit matters
    assert f"{fresh.E:,.1f}" in [m.value for m in at.metric]
