"""The analysis verbs' text in Chinese: frontier, Pareto, alternatives, compare, sweep and template.

Each verb's ``--lang zh`` output holds Chinese words and the provinces' Chinese names, and none of the
English sentences the catalog has for it; ``--json`` keys stay English (a machine format).
"""

from __future__ import annotations

import json
import re

import pytest

from planner.cli import main
from planner.i18n.catalog import catalog

SCENARIO = "western_china"


def english_sentences(prefix: str) -> list[str]:
    """The catalog's English lines under ``prefix``, cut at placeholders into fixed fragments of
    two words or more (a fragment that shows is an English sentence that slipped through)."""
    fragments = []
    for key, text in catalog("en").items():
        if key.startswith(prefix):
            fragments += [f.strip() for f in re.split(r"\{[^}]*\}", text) if " " in f.strip()]
    return fragments


def zh_run(capsys, *argv: str) -> str:
    assert main([*argv, "--lang", "zh"]) == 0
    return capsys.readouterr().out


def assert_chinese(out: str, prefix: str, provinces: tuple[str, ...] = ("四川", "重庆")) -> None:
    assert all(p in out for p in provinces), out[:400]
    left = [f for f in english_sentences(prefix) if f in out]
    assert not left, left


def test_frontier_in_chinese(capsys):
    out = zh_run(capsys, "frontier", SCENARIO, "--budget", "1800:2400:600")
    assert "预算前沿" in out and "最低覆盖率" in out and "首次获得投入的预算" in out
    assert_chinese(out, "cli.frontier.")


def test_pareto_in_chinese(capsys):
    out = zh_run(capsys, "pareto", SCENARIO, "--points", "2")
    assert "公平–效率前沿" in out and "最优" in out
    assert not [f for f in english_sentences("cli.pareto.") if f in out]


def test_alternatives_in_chinese(capsys):
    out = zh_run(capsys, "alternatives", SCENARIO, "--count", "1")
    assert "近优方案的取值范围" in out and "全部方案均投入" in out
    assert "（亿元" in out and "CNY bn" not in out  # issue 33: its ranges stayed in CNY bn
    assert_chinese(out, "cli.alternatives.")


def test_compare_in_chinese(capsys, tmp_path):
    saved = tmp_path / "b.json"
    assert main(["solve", SCENARIO, "--set", "budget=2000", "--json"]) in (0,)
    saved.write_text(capsys.readouterr().out, encoding="utf-8")
    out = zh_run(capsys, "compare", SCENARIO, str(saved))
    assert "关键指标" in out and "分配变化" in out and "效益 E" in out
    assert "CNY bn" not in out and "e+" not in out
    assert_chinese(out, "cli.compare.")


def test_sweep_in_chinese(capsys):
    out = zh_run(capsys, "sweep", SCENARIO, "--samples", "2", "--workers", "0", "--no-progress")
    assert "抽样分析" in out and "稳健方案" in out
    assert_chinese(out, "cli.sweep.", ("内蒙古", "广西"))  # the first rows of the table


def test_template_in_chinese(capsys, tmp_path):
    out = zh_run(capsys, "template", str(tmp_path / "t.xlsx"))
    assert "模板（空白）已写入" in out
    assert not [f for f in english_sentences("cli.template.") if f in out]


@pytest.mark.parametrize("verb", [["pareto", SCENARIO, "--points", "2"]])
def test_json_keys_stay_english(verb, capsys):
    assert main([*verb, "--json", "--lang", "zh"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert {"scenario", "unit", "points"} <= set(document)
    assert "min_coverage" in document["points"][0]


@pytest.mark.parametrize("where", ["after", "before"])
def test_runs_and_its_sub_verbs_take_lang(capsys, where):
    """Issue 33: ``planner runs list --lang zh`` was refused ("unrecognized arguments"); the README
    says every verb takes --lang before or after the verb, and runs' sub-verbs are verbs too."""
    argv = (
        ["runs", "list", "--lang", "zh"] if where == "after" else ["--lang", "zh", "runs", "list"]
    )
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "没有运行记录" in out and "no runs" not in out


def test_the_diagnosis_in_chinese_counts_money_in_yi_yuan(capsys):
    """Issue 33: ``diagnose --lang zh`` kept "CNY bn" while the README promises 亿元 for the diagnosis
    (1 CNY bn = 10 亿元): the budget of 2026 at a total of 500 is 100 CNY bn, 1,000.0 亿元."""
    assert main(["diagnose", SCENARIO, "--set", "budget=500", "--lang", "zh"]) == 3  # infeasible
    out = capsys.readouterr().out
    assert "CNY bn" not in out and "2026 年预算 1,000.0 →" in out and "亿元" in out


def test_the_budget_frontier_in_chinese_counts_money_in_yi_yuan(capsys):
    """Issue 33: the frontier's budgets stayed in CNY bn under --lang zh: 2,000 CNY bn is 20,000 亿元."""
    out = zh_run(capsys, "frontier", SCENARIO, "--budget", "2000:2000:100")
    assert "（亿元）" in out and "CNY bn" not in out
    assert "20000.0" in out and "  20,000:" in out and "e+" not in out
