"""A diagnosis is worded in every language when it is made, so a report says it in its own language
whatever language the plan was solved in (issue 20)."""

from __future__ import annotations

from html import escape

import planner
from planner.i18n.catalog import use_language
from planner.reports import render


def test_a_plan_solved_in_english_reports_its_diagnosis_in_chinese() -> None:
    """western_china at 300 CNY bn is infeasible; solved with English active, its html report in
    Chinese shows the Chinese headline (2026 年预算 …) and the English report the English one,
    exactly the plan's own ``lines``."""
    base = planner.load_scenario("western_china")
    tight = planner.validate_scenario({**base.model_dump(), "budget": 300.0})
    with use_language("en"):
        plan = planner.solve(tight)
    english, chinese = plan.diagnosis.lines, plan.diagnosis.lines_in("zh")
    assert english == plan.diagnosis.lines_in("en") and plan.message == english[0]
    assert "budget of" in english[0] and "2026 年预算" in chinese[0]
    assert len(chinese) == len(english)
    zh_page = render(plan, "html", lang="zh").decode("utf-8")
    en_page = render(plan, "html", lang="en").decode("utf-8")
    assert all(escape(line) in zh_page for line in chinese)
    assert escape(english[0]) not in zh_page
    assert all(escape(line) in en_page for line in english)
