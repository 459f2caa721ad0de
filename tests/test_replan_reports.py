"""A re-plan's reports (actuals.md): the Plan against actual sheet and section, the locked periods
marked in the allocation, in English and in Chinese."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from planner.cli import main
from tests.test_replan_cli import case, replan  # noqa: F401 (the fixture)


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
