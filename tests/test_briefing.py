"""The one-page briefing (planner/reports/briefing.py) and the run's approval in the reports: what a
director reads must add up to the plan, name things, and say whether the plan was approved."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from test_ui_browser import chromium

import planner
import planner.store
from planner import reports
from tests.catalog_words import english_fragments, leftovers


@pytest.fixture(scope="module")
def plan() -> planner.Plan:
    return planner.solve("western_china")


@pytest.fixture(scope="module")
def english(plan: planner.Plan) -> str:
    """The default plan's English briefing, written once for the tests that only read it."""
    return reports.briefing(plan).decode()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module's print checks."""
    with chromium() as launched:
        yield launched


def cells(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", c)
        for c in re.findall(r"<(?:td|th|li|dd|dt|h1|h2)[^>]*>(.*?)</", html)
    ]


def test_the_briefing_s_money_adds_up_to_the_plan(plan: planner.Plan, english: str) -> None:
    """The province table's total row and the year table's total row both end in the money the
    plan allocates; each province's total is its allocation."""
    html = english
    totals = re.findall(r'<tr class="total"><td>Total</td>(.*?)</tr>', html)
    assert len(totals) == 2
    for row in totals:
        last = re.findall(r">([\d,.]+)<", row)[-1]
        assert float(last.replace(",", "")) == pytest.approx(plan.allocated_total, abs=0.06)
    sichuan = re.search(r"<td>Sichuan</td>(.*?)</tr>", html).group(1)
    expected = plan.allocation[plan.allocation["region"] == "sichuan"]["amount"].sum()
    assert float(re.findall(r">([\d,.]+)<", sichuan)[-1].replace(",", "")) == pytest.approx(
        expected, abs=0.06
    )


def test_the_briefing_names_projects_and_binds_in_words(plan: planner.Plan, english: str) -> None:
    html = english
    assert "Chongqing new (Bishan) international airport, phase 1" in html
    funded = len(plan.funded_projects)
    assert f"Projects funded ({funded}; cost in CNY bn)" in html
    assert f"Projects not funded ({len(plan.projects) - funded})" in html
    assert 0 < funded < len(plan.projects)  # the default funds most candidates, not all
    assert "chongqing_bishan_airport" not in html and "share_max[" not in html
    assert "is fully used" in html  # a budget's sentence from planner.explain
    assert "not stored as a run" in html
    assert "@page { size: A4" in html


def test_the_chinese_briefing_has_no_english_label_and_shows_yi_yuan(plan: planner.Plan) -> None:
    html = reports.briefing(plan, lang="zh").decode()
    assert "西部地区基础设施" in html and "亿元" in html and "合计" in html
    texts = cells(html)
    left = leftovers(texts, english_fragments(("brief.", "report.summary.", "report.approval.")))
    assert not left, left
    assert "Sichuan" not in html and "四川" in html


def test_an_approved_run_says_so_in_the_briefing_and_the_excel_report(
    plan: planner.Plan, tmp_path: Path
) -> None:
    store = planner.store.open(tmp_path / "runs.sqlite")
    run_id = store.record(plan, note="for the March meeting", user="li")
    store.approve(run_id, "agreed", user="director wang")
    approval = reports.approval_of(store, run_id)
    assert (approval.decision, approval.by, approval.why) == ("approve", "director wang", "agreed")
    html = reports.briefing(plan, approval=approval).decode()
    for text in (run_id, "approved", "director wang", "for the March meeting", "agreed"):
        assert text in html
    info = reports.ReportInfo.now(approval=approval)
    book = openpyxl.load_workbook(io.BytesIO(reports.render(plan, "xlsx", info)), read_only=True)
    summary = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True) if row}
    assert summary["Approval"] == "approved" and summary["Decided by"] == "director wang"
    assert summary["Run"] == run_id


def test_planner_report_writes_the_briefing_and_refuses_another_suffix(tmp_path: Path) -> None:
    target = tmp_path / "brief.html"
    done = subprocess.run(
        [sys.executable, "-m", "planner", "report", "--briefing", str(target), "--lang", "zh"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "简报" in target.read_text(encoding="utf-8")
    refused = subprocess.run(
        [sys.executable, "-m", "planner", "report", "--briefing", str(tmp_path / "brief.pdf")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert not (tmp_path / "brief.pdf").exists()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_briefing_prints_on_one_a4_page(
    plan: planner.Plan, lang: str, tmp_path: Path, browser: Any
) -> None:
    """Chromium prints the bundled plan's briefing, approved run and all, on a single A4 page."""
    approval = reports.Approval(
        "abc123def456", "for the March meeting", "approve", "wang", "x", "ok"
    )
    page_file = tmp_path / "brief.html"
    page_file.write_bytes(reports.briefing(plan, approval=approval, lang=lang))
    page = browser.new_page()
    page.goto(page_file.as_uri())
    pdf = page.pdf(prefer_css_page_size=True)
    page.close()
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
