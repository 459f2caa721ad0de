"""Criteria in the reports' assumptions (xlsx sheet, HTML section): each criterion's weight, name and
part of E, and the needs table's scores and parts of the benefit, in English and Chinese."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

import planner
from planner.reports import render
from tests.scored import scored_western


@pytest.fixture(scope="module")
def plan() -> planner.Plan:
    return planner.solve(scored_western(projects=False).with_changes(criteria={"ecology": 1.5}))


def sheet_rows(plan: planner.Plan, lang: str) -> list[tuple[object, ...]]:
    book = load_workbook(io.BytesIO(render(plan, "xlsx", lang=lang)))
    sheet = book["Assumptions" if lang == "en" else "假设"]
    return [tuple(c for c in row if c is not None) for row in sheet.iter_rows(values_only=True)]


def test_the_xlsx_assumptions_show_the_weights_and_the_score_columns(plan: planner.Plan) -> None:
    rows = sheet_rows(plan, "en")
    at = rows.index(("Criteria",))
    assert rows[at + 1] == ("Criterion", "Name", "Weight", "Part of benefit E")
    shown = {row[0]: row[1:] for row in rows[at + 2 : at + 5]}
    parts = dict(zip(plan.criteria["criterion"], plan.criteria["E"], strict=True))
    assert shown["ecology"][:2] == ("Ecological gain", 1.5)  # the weight the plan was solved with
    assert shown["people"][2] == pytest.approx(parts["people"])
    header = next(row for row in rows if "Score: ecology" in row)
    assert {"Score: people", "Part of benefit: ecology", "Benefit"} <= set(header)


def test_the_chinese_html_names_the_criteria_in_chinese(plan: planner.Plan) -> None:
    page = render(plan, "html", lang="zh").decode("utf-8")
    assert "<h3>评价准则</h3>" in page
    assert "生态效益" in page and "得分：生态效益" in page and "效益中的部分：受益人口" in page
