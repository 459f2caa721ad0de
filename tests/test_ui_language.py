"""The page's language (ui/language.py): the URL, the browser's language, the selector."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from streamlit.testing.v1 import AppTest

import planner
from planner.i18n.names import short_zh
from ui.language import browser_language, initial_language

APP = Path(__file__).resolve().parents[1] / "ui" / "app.py"
TIMEOUT_S = 120


def test_the_url_wins_then_the_browser_then_english():
    chinese_browser = SimpleNamespace(locale="zh-CN", headers={})
    assert initial_language({"lang": "en"}, chinese_browser) == "en"
    assert initial_language({}, chinese_browser) == "zh"
    assert initial_language({"lang": "xx"}, SimpleNamespace(locale=None, headers={})) == "en"
    by_header = SimpleNamespace(locale=None, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert browser_language(by_header) == "zh"


@pytest.fixture(scope="module")
def chinese_page() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.query_params["lang"] = "zh"
    at.run()
    assert not at.exception and not at.error
    return at


def test_lang_zh_turns_the_page_chinese_with_money_in_yi_yuan(chinese_page: AppTest) -> None:
    """2,507 CNY bn of budget, all allocated, is 25,070.0 亿元 on the Allocated card; the least
    covered province (Shaanxi, 59.5 %, in the bundled plan) is named in Chinese."""
    at = chinese_page
    cards = {m.label: m.value for m in at.metric}
    scenario = planner.load_scenario("western_china")
    coverage = planner.solve(scenario).coverage.sort_values("coverage")
    least = scenario.region(coverage["region"].iloc[0])
    budget = scenario.total_budget()
    assert cards["已分配"] == f"{10 * budget:,.1f} 亿元"
    assert "效益 E" in cards and "最低覆盖率" in cards
    assert {"分配", "地图与覆盖率", "起作用的约束", "省份"} <= {t.label for t in at.tabs}
    assert f"覆盖率最低：{short_zh(least.annotations['name_zh'])}" in " ".join(
        c.value for c in at.caption
    )


def test_switching_back_to_english_keeps_the_plan(chinese_page: AppTest) -> None:
    at = chinese_page
    at.sidebar.selectbox[0].set_value("en").run()
    cards = {m.label: m.value for m in at.metric}
    budget = planner.load_scenario("western_china").total_budget()
    assert cards["Allocated"] == f"{budget:,.1f} CNY bn"
    assert at.query_params["lang"] in ("en", ["en"])
