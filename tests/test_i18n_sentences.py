"""The reports' sentences in Chinese (issue 20): the attribution's summary and change words, the
project groups' choices, the diagnosis's relaxation subjects, the ``runs`` verbs and ``--help``.

The English words checked for are read from the English catalog (every ``attr.*`` and ``choice.*``
message, split at its placeholders, as tests/test_ui_i18n_tabs.py does), so a sentence added to the
catalog is checked without touching this file."""

from __future__ import annotations

import io
import re
from html import escape

import pytest
from openpyxl import load_workbook

import planner
from planner.cli import main
from planner.i18n.catalog import t, use_language
from planner.reports import render, report_info
from planner.solve.plan_model import diagnose
from tests.catalog_words import english_fragments
from tests.catalog_words import leftovers as catalog_leftovers

SENTENCE_KEYS = ("attr.", "choice.")
HAN = re.compile(r"[\u4e00-\u9fff]")


def leftovers(text: str) -> set[str]:
    """The catalog's English sentence words that stand as words in ``text``."""
    return catalog_leftovers([text], english_fragments(SENTENCE_KEYS))


def test_the_fragments_catch_the_english_sentences():
    """The check can fail: the English summary of the same change is full of them."""
    assert {"accounts for", "Group"} <= english_fragments(SENTENCE_KEYS)
    assert leftovers("Of the -3.0 fall in benefit E, the lower budget accounts for -3.0.")


@pytest.fixture(scope="module")
def comparison():
    """western_china against a cut budget (1,500 CNY bn) with Sichuan's needs up by half."""
    base = planner.load_scenario("western_china")
    changed = base.model_dump()
    changed["budget"] = 1500.0
    for need in changed["needs"]:
        if need["region"] == "sichuan":
            need["need"] *= 1.5
    plan = planner.solve(planner.validate_scenario(changed))
    return plan, report_info(plan, base)


def test_zh_attribution_in_html_and_xlsx(comparison):
    """The summary names 四川 and the lower budget in Chinese, in both files, with no English
    sentence word; the xlsx attribution sheet opens with it and words each change in Chinese."""
    plan, info = comparison
    chinese = info.attribution.summary(lang="zh")
    assert "四川需求提高" in chinese and "预算降低" in chinese and not leftovers(chinese)
    page = render(plan, "html", info, lang="zh").decode("utf-8")
    assert escape(chinese) in page and "亿元" in page
    book = load_workbook(io.BytesIO(render(plan, "xlsx", info, lang="zh")))
    with use_language("zh"):
        sheet = book[t("sheet.attribution")]
    assert sheet.cell(1, 1).value == chinese
    changes = [c.value for c in sheet["B"][3:] if c.value]
    assert changes and all(HAN.search(c) and not leftovers(c) for c in changes)


def test_english_attribution_is_unchanged(comparison):
    """English keeps its wording (tests/test_attribution.py pins more of it)."""
    _plan, info = comparison
    english = info.attribution.summary(lang="en")
    assert "the lower budget accounts for" in english and "Sichuan's higher needs" in english
    assert info.attribution.to_dict()["summary"] == english  # the JSON stays English


@pytest.fixture(scope="module")
def western_plan():
    return planner.solve("western_china")


def test_zh_group_choices_in_html_and_xlsx(western_plan):
    """western_china's two binding groups (an airport pair, the Heishanxia schemes) in Chinese."""
    page = render(western_plan, "html", lang="zh").decode("utf-8")
    book = load_workbook(io.BytesIO(render(western_plan, "xlsx", lang="zh")))
    cells = [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    words = [c for c in cells if c.startswith("方案组") and "方案选择了" in c]
    assert len(words) == 2 and all("E 减少" in w for w in words)
    assert all(escape(w) in page for w in words)
    assert not any(leftovers(w) for w in words)
    english = render(western_plan, "html", lang="en").decode("utf-8")
    assert "Group chengyu_hub_airport (at most 1): the plan funds" in english


def test_zh_diagnosis_names_its_relaxation_subject_in_chinese():
    """western_china at 300 CNY bn: the headline's fixes are 2026 年预算 …, not 'budget of 2026';
    the relaxations table keeps the field names a scenario is edited by."""
    base = planner.load_scenario("western_china")
    tight = planner.validate_scenario({**base.model_dump(), "budget": 300.0})
    with use_language("zh"):
        found = diagnose(tight)
    assert "2026 年预算" in found.lines[0] and "budget of" not in found.lines[0]
    assert "budget of 2026" in set(found.relaxations["subject"])


def test_runs_list_and_show_in_chinese(tmp_path, capsys):
    db = ["--db", f"sqlite:///{tmp_path / 'runs.sqlite'}"]
    assert main(["solve", "western_china", "--record", *db]) == 0
    capsys.readouterr()
    assert main(["--lang", "zh", "runs", "list", *db]) == 0
    listing = capsys.readouterr().out
    assert "创建时间（UTC）" in listing and "最优" in listing and "created_at" not in listing
    assert main(["runs", "list", "--json", *db]) == 0
    assert '"created_at"' in capsys.readouterr().out


@pytest.mark.parametrize("how", ["flag", "flag=", "environment"])
def test_help_in_chinese(how, capsys, monkeypatch):
    argv = {"flag": ["--lang", "zh"], "flag=": ["--lang=zh"], "environment": []}[how]
    if how == "environment":
        monkeypatch.setenv("PLANNER_LANG", "zh")
    with pytest.raises(SystemExit) as exit:
        main([*argv, "solve", "--help"])
    assert exit.value.code == 0
    shown = capsys.readouterr().out
    assert "用法" in shown and "显示此帮助信息并退出" in shown and "求解前修改情景" in shown


def test_help_in_english_by_default(capsys, monkeypatch):
    for variable in ("PLANNER_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    with pytest.raises(SystemExit):
        main(["solve", "--help"])
    shown = capsys.readouterr().out
    assert shown.startswith("usage: planner solve") and not HAN.search(shown)
