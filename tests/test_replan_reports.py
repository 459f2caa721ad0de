"""A re-plan's reports (actuals.md): the Plan against actual sheet and section, the locked periods
marked in the allocation, in English and in Chinese."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

import planner
from planner.cli import main
from planner.reports import ReportInfo, render
from planner.reports.briefing import render_briefing
from tests.test_replan_cli import SCENARIO, case, replan  # noqa: F401 (the fixture)


def test_the_workbook_has_plan_against_actual_and_marks_the_locked_periods(
    case: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["solve", str(case / "scenario.yaml"), "--json"]) == 0
    (case / "original.json").write_text(capsys.readouterr().out)
    out = tmp_path / "replan.xlsx"
    args = replan(case, "--against", str(case / "original.json"), "-o", str(out), "-o")
    assert main([*args, str(tmp_path / "replan.html")]) == 0
    book = openpyxl.load_workbook(out)
    cells = [[c.value for c in row] for row in book["Plan against actual"].iter_rows()]
    flat = [v for row in cells for v in row if v is not None]
    assert "2026 spent 4.0 CNY bn more than its budget" in flat
    north = next(row for row in cells if row[:3] == ["north", "North", "power"])
    assert north[3:6] == [6, 14, 8]
    allocation = list(book["Allocation"].iter_rows(values_only=True))
    locked = allocation[0].index("Locked")
    marks = {row[3]: row[locked] for row in allocation[1:]}
    assert marks[2026] == "fixed by the past" and marks[2027] is None
    page = (tmp_path / "replan.html").read_text(encoding="utf-8")
    assert "<h2>Plan against actual</h2>" in page and "Southern dam" in page


def test_a_chinese_report_says_the_plan_against_actual_in_chinese(
    case: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    out = tmp_path / "replan.xlsx"
    assert main(["--lang", "zh", *replan(case, "-o", str(out))]) == 0
    book = openpyxl.load_workbook(out)
    assert "计划与实际" in book.sheetnames
    words = [c.value for row in book["计划与实际"].iter_rows() for c in row if c.value]
    assert any("超出预算" in str(w) for w in words), words
    assert not any("more than its budget" in str(w) for w in words)


@pytest.fixture(scope="module")
def re_plan() -> planner.Plan:
    """The CLI case's scenario with its record under the actuals key: 2026 locked."""
    record = {
        "through": 2026,
        "spending": [{"region": "north", "sector": "power", "period": 2026, "amount": 14}],
        "projects": [{"id": "dam"}],
    }
    plan = planner.solve(planner.validate_scenario({**SCENARIO, "actuals": record}))
    assert plan.is_optimal and plan.actuals["locked"] == [2026]
    return plan


def test_every_allocation_table_of_the_reports_marks_the_locked_periods(
    re_plan: planner.Plan,
) -> None:
    page = render(re_plan, "html").decode("utf-8")
    by_period = page[page.index("Allocation by period") :]
    assert "<th>2026 (fixed by the past)</th>" in by_period and "<th>2027</th>" in by_period
    brief = render_briefing(re_plan, ReportInfo.now()).decode("utf-8")
    assert "<td>2026 (fixed by the past)</td>" in brief and "<td>2027</td>" in brief
    book = openpyxl.load_workbook(io.BytesIO(render(re_plan, "xlsx")))
    budget = list(book["Budget"].iter_rows(values_only=True))
    marks = {row[0]: row[budget[0].index("Locked")] for row in budget[1:]}
    assert marks == {2026: "fixed by the past", 2027: None, 2028: None}
    allocation = book["Allocation"]
    header = [c.value for c in allocation[1]]
    for row in allocation.iter_rows(min_row=2):
        grey = row[0].fill.fgColor.rgb.endswith("EEEEEE")
        assert grey == (row[header.index("Period")].value == 2026)
    projects = [c.value for c in book["Projects"][1]]
    assert "Cash 2026 (fixed by the past) (CNY bn)" in projects and "Cash 2027 (CNY bn)" in projects
    assert "<th>Cash 2026 (fixed by the past) (CNY bn)</th>" in page
    chinese = render(re_plan, "html", lang="zh").decode("utf-8")
    assert "<th>2026（由过去确定）</th>" in chinese and "fixed by the past" not in chinese


def test_a_plan_without_a_record_marks_no_period() -> None:
    plain = planner.solve(planner.validate_scenario(SCENARIO))
    page = render(plain, "html").decode("utf-8")
    assert "fixed by the past" not in page and "<th>2026</th>" in page
    budget = list(openpyxl.load_workbook(io.BytesIO(render(plain, "xlsx")))["Budget"].values)
    assert "Locked" not in budget[0]


def test_a_funded_re_plan_marks_each_sources_locked_period() -> None:
    """Central's 10 a period pays 2026's recorded 8 (sources are not relaxed, actuals.md A3)."""
    record = {
        "through": 2026,
        "spending": [{"region": "north", "sector": "power", "period": 2026, "amount": 8}],
    }
    funded = {key: value for key, value in SCENARIO.items() if key != "budget"}
    funded["funding"] = {"sources": [{"id": "central", "amount": [10, 10, 10]}]}
    plan = planner.solve(planner.validate_scenario({**funded, "actuals": record}))
    rows = list(openpyxl.load_workbook(io.BytesIO(render(plan, "xlsx")))["Funding"].values)
    header = next(row for row in rows if row[:3] == ("Source", "Source name", "Period"))
    by_period = [row for row in rows if row[0] == "central" and row[2] in (2026, 2027, 2028)]
    marks = {row[2]: row[header.index("Locked")] for row in by_period}
    assert marks == {2026: "fixed by the past", 2027: None, 2028: None}
