"""Funding in every report (funding.md "Results"): a Funding sheet in xlsx, a Funding section in HTML
with its chart and the words, a funding CSV beside the allocation's, the JSON keys; in Chinese with
no English left; nothing of it for a scenario without funding."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import openpyxl
import pytest

import planner
from planner.i18n.catalog import use_language
from planner.reports import export, funding_csv_path
from tests.catalog_words import english_fragments, leftovers

SCENARIO = str(Path(__file__).parent / "scenarios" / "funding_two_provinces")


@pytest.fixture(scope="module")
def plan() -> planner.Plan:
    return planner.solve(SCENARIO)


def test_the_xlsx_has_a_funding_sheet_with_its_three_tables_and_the_words(plan, tmp_path):
    book = openpyxl.load_workbook(export(plan, tmp_path / "plan.xlsx"))
    sheet = book["Funding"]
    texts = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    for title in ("Who pays", "Each source by period", "New debt against debt room"):
        assert any(text.startswith(title) for text in texts), title
    assert any(text.startswith("One more CNY bn of") for text in texts)
    assert "Central budget investment" in texts


def test_the_html_has_a_funding_section_with_a_chart_and_the_words(plan, tmp_path):
    page = export(plan, tmp_path / "plan.html").read_text(encoding="utf-8")
    section = page[page.index("<h2>Funding</h2>") :]
    assert "<svg" in section.split("<h3>")[0]  # the sources × sector chart comes first
    assert "One more CNY bn of" in section and "Debt room" in section


def test_a_funding_csv_is_written_beside_the_allocation(plan, tmp_path):
    written = export(plan, tmp_path / "plan.csv")
    path = funding_csv_path(written)
    rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert set(rows[0]) >= {"region", "sector", "period", "source", "amount", "unit"}
    paid = sum(float(r["amount"]) for r in rows)
    assert paid == pytest.approx(plan.allocated_total, rel=1e-6)


def test_the_json_report_has_the_funding_keys(plan, tmp_path):
    document = json.loads(export(plan, tmp_path / "plan.json").read_text(encoding="utf-8"))
    assert {"funding", "sources", "debt"} <= set(document)
    assert document["debt"][1]["room"] is None  # south: no limit


def test_the_funding_sheet_and_section_in_chinese_have_no_english_left(plan, tmp_path):
    with use_language("zh"):
        book = openpyxl.load_workbook(export(plan, tmp_path / "plan.xlsx"))
        page = export(plan, tmp_path / "plan.html").read_text(encoding="utf-8")
    sheet = book["资金来源"]
    texts = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    section = page[page.index("<h2>资金来源</h2>") :]
    section = re.sub(r"<svg[^>]*>", "<svg>", section.split("<h2>")[1])  # its fonts are names
    fragments = english_fragments(("report.funding.", "funding.", "column.", "summary.who_pays"))
    assert not leftovers([*texts, section], fragments)
    assert "中央预算内投资" in texts


def test_a_plan_without_funding_has_no_funding_in_its_reports(tmp_path):
    plan = planner.solve("western_china")
    book = openpyxl.load_workbook(export(plan, tmp_path / "plan.xlsx"))
    assert "Funding" not in book.sheetnames
    export(plan, tmp_path / "plan.csv")
    assert not funding_csv_path(tmp_path / "plan.csv").exists()
