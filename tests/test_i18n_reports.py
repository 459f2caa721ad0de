"""Reports and the CLI in both languages: the bundled scenarios solve and report in English and in
Chinese; Chinese shows provinces by their Chinese names and money in 亿元 (×10 of CNY bn), while the
files programs read (CSV numbers, JSON) keep the scenario's unit."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

import planner
from planner.cli import main
from planner.reports import render
from planner.scenario.datasets import bundled_scenarios


@pytest.fixture(scope="module")
def western_plan():
    return planner.solve("western_china")


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bundled_scenarios_report_in_both_languages(name, lang, tmp_path):
    """Every format writes for every bundled scenario in either language (the plan is optimal)."""
    plan = planner.solve(name)
    assert plan.status == "optimal"
    for fmt in ("xlsx", "html", "csv", "json"):
        written = planner.export(plan, tmp_path / f"plan.{fmt}", lang=lang)
        assert written.stat().st_size > 0


def test_chinese_html_names_provinces_and_counts_in_yi_yuan(western_plan):
    """The allocated total (2,507 CNY bn in the bundled plan) is shown ×10 in 亿元 (25,070.0) in the
    header facts."""
    page = render(western_plan, "html", lang="zh").decode("utf-8")
    assert '<html lang="zh-CN">' in page
    assert "四川" in page and "亿元" in page and "Noto Sans CJK SC" in page
    total = western_plan.allocated_total
    assert f"{10 * total:,.1f}" in page
    english = render(western_plan, "html", lang="en").decode("utf-8")
    # the English page names provinces in English (a name_zh annotation may still be listed in
    # the assumptions, as the input gives it) and counts in the scenario's unit
    assert "Sichuan" in english and f"{total:,.1f}" in english
    assert "(CNY bn)" in english and "(亿元)" not in english  # units of figures, not of quotes


def test_chinese_workbook_sheets_headers_and_amounts(western_plan):
    """Sheet names and headers in Chinese; an allocation amount is the plan's ×10 in 亿元."""
    book = load_workbook(io.BytesIO(render(western_plan, "xlsx", lang="zh")))
    assert book.sheetnames[:3] == ["概要", "分配", "地区×行业"]
    sheet = book["分配"]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["地区代码", "地区", "行业", "时期"] and headers[4] == "金额 (亿元)"
    first = western_plan.allocation.iloc[0]
    row = [c.value for c in sheet[2]]
    assert row[0] == first["region"] and row[4] == pytest.approx(10 * first["amount"])
    english = load_workbook(io.BytesIO(render(western_plan, "xlsx", lang="en")))
    assert english.sheetnames[:3] == ["Summary", "Allocation", "Region × sector"]
    assert english["Allocation"]["E2"].value == pytest.approx(first["amount"])


def test_chinese_csv_has_bom_chinese_headers_and_numbers_in_the_scenario_unit(western_plan):
    data = render(western_plan, "csv", lang="zh")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["地区代码", "地区", "行业", "时期"] and rows[0][4] == "金额 (CNY bn)"
    amount = float(rows[1][4])
    assert amount == pytest.approx(float(western_plan.allocation.iloc[0]["amount"]))
    assert rows[1][-1] == "CNY bn"
    english = render(western_plan, "csv", lang="en").decode("utf-8-sig").splitlines()[0]
    assert english == "region,name,sector,period,amount,need,coverage,unit"


def test_json_keys_stay_english_in_chinese(western_plan):
    document = json.loads(render(western_plan, "json", lang="zh"))
    assert {"allocation", "report", "status"} <= set(document)
    assert document["allocation"][0]["amount"] == pytest.approx(
        float(western_plan.allocation.iloc[0]["amount"])
    )


def test_cli_speaks_chinese_from_flag_or_environment(capsys, monkeypatch):
    """``--lang zh`` and ``PLANNER_LANG=zh`` give the Chinese summary; ``--json`` keys stay English."""
    assert main(["solve", "western_china", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "状态：最优" in out and "四川" in out and "亿元" in out
    monkeypatch.setenv("PLANNER_LANG", "zh")
    assert main(["solve", "western_china", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["status"] == "optimal"
    monkeypatch.setenv("PLANNER_LANG", "en")
    assert main(["solve", "western_china"]) == 0
    assert "status: optimal" in capsys.readouterr().out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cli_errors_name_file_row_and_field_in_both_languages(lang, tmp_path, capsys):
    """A negative need in needs.csv row 2: both languages point at the file, the row and the field."""
    from planner.scenario.files import save_scenario

    folder = tmp_path / "s"
    scenario = planner.load_scenario("western_china")
    save_scenario(scenario, folder)
    needs = (folder / "needs.csv").read_text(encoding="utf-8").splitlines()
    cells = needs[1].split(",")
    cells[2] = "-5"
    needs[1] = ",".join(cells)
    (folder / "needs.csv").write_text("\n".join(needs) + "\n", encoding="utf-8")
    assert main(["validate", str(folder), "--lang", lang]) == 2
    err = capsys.readouterr().err
    assert "needs.csv" in err and "need" in err
    if lang == "zh":
        assert err.startswith("错误：") and "第 2 行" in err and "字段“need”" in err
    else:
        assert err.startswith("error: ") and "row 2" in err and "field 'need'" in err


def test_unknown_planner_lang_is_refused(capsys, monkeypatch):
    monkeypatch.setenv("PLANNER_LANG", "fr")
    assert main(["solve", "western_china"]) == 2
    assert "fr" in capsys.readouterr().err
